from django.urls import path

from bloc.electoral import views

app_name = "electoral"
urlpatterns = [
    path("", views.endorsement_list, name="endorsement-list"),
    path("intake/", views.endorsement_create, name="endorsement-create"),
    path("endorsements/<int:pk>/", views.endorsement_detail, name="endorsement-detail"),
    path("endorsements/<int:pk>/act/", views.endorsement_act, name="endorsement-act"),
    path("committees/<int:pk>/", views.committee_detail, name="committee-detail"),
    path("committees/<int:pk>/tendency/", views.tendency_declare, name="tendency-declare"),
    path("races/", views.race_list, name="race-list"),
    path("fec-import/", views.fec_import, name="fec-import"),
    path("slate/", views.slate_index, name="slate-index"),
    path("slate/<int:cycle>/", views.slate, name="slate"),
    path("report-cards/<int:candidacy_pk>/", views.report_card, name="report-card"),
    path("answer/<str:token>/", views.questionnaire_answer, name="questionnaire-answer"),
]
