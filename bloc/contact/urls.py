from django.urls import path

from bloc.contact import views

app_name = "contact"
urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/status/", views.campaign_status, name="campaign-status"),
    path("campaigns/<int:pk>/questions/", views.question_add, name="question-add"),
    path("campaigns/<int:pk>/canned/", views.canned_add, name="canned-add"),
    path("campaigns/<int:pk>/volunteers/", views.volunteer_add, name="volunteer-add"),
    path("campaigns/<int:pk>/lists/audience/", views.list_from_audience, name="list-audience"),
    path("campaigns/<int:pk>/lists/voter-file/", views.list_from_voter_file, name="list-voters"),
    path("campaigns/<int:pk>/turfs/", views.turf_create, name="turf-create"),
    path("campaigns/<int:pk>/export.csv", views.export, name="export"),
    path("campaigns/<int:pk>/review/", views.review, name="review"),
    path("campaigns/<int:pk>/texts/", views.textbank, name="textbank"),
    path("campaigns/<int:pk>/texts/batch/", views.batch_request, name="batch-request"),
    path("campaigns/<int:pk>/inbox/", views.inbox, name="inbox"),
    path("campaigns/<int:pk>/calls/", views.phonebank, name="phonebank"),
    path("contacts/<int:pk>/send/", views.send_initial, name="send-initial"),
    path("contacts/<int:pk>/", views.conversation, name="conversation"),
    path("contacts/<int:pk>/reply/", views.reply, name="reply"),
    path("contacts/<int:pk>/answer/", views.answer, name="answer"),
    path("contacts/<int:pk>/opt-out/", views.opt_out, name="opt-out"),
    path("contacts/<int:pk>/close/", views.close, name="close"),
    path("contacts/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("contacts/<int:pk>/attempt/", views.record_attempt, name="attempt"),
    path("contacts/<int:pk>/door-answer/", views.door_answer, name="door-answer"),
    path("messages/<int:pk>/flag/", views.flag, name="flag"),
    path("turfs/<int:pk>/", views.walk_list, name="walk-list"),
    path("hooks/sms/", views.sms_webhook, name="sms-webhook"),
]
