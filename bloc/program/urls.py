from django.urls import path

from bloc.program import views

app_name = "program"
urlpatterns = [
    path("", views.plank_list, name="plank-list"),
    path("planks/new/", views.plank_create, name="plank-create"),
    path("planks/<int:pk>/", views.plank_detail, name="plank-detail"),
    path("planks/<int:pk>/step/", views.plank_step, name="plank-step"),
    path("planks/<int:pk>/revise/", views.plank_revise, name="plank-revise"),
    path("planks/<int:pk>/stances/", views.stance_create, name="stance-create"),
]
