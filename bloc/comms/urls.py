from django.urls import path

from bloc.comms import invitation_views, views

app_name = "comms"
urlpatterns = [
    path("", views.home, name="home"),
    path("audiences/new/", views.audience_create, name="audience-create"),
    path("audiences/<int:pk>/", views.audience_detail, name="audience-detail"),
    path("broadcasts/new/", views.broadcast_create, name="broadcast-create"),
    path("invitations/new/", invitation_views.invitation_create, name="invitation-create"),
    path("broadcasts/<int:pk>/", views.broadcast_detail, name="broadcast-detail"),
    path("broadcasts/<int:pk>/submit/", views.broadcast_submit, name="broadcast-submit"),
    path("broadcasts/<int:pk>/approve/", views.broadcast_approve, name="broadcast-approve"),
    path("broadcasts/<int:pk>/cancel/", views.broadcast_cancel, name="broadcast-cancel"),
    path(
        "broadcasts/<int:pk>/resend-unknown/",
        views.broadcast_resend_unknown,
        name="broadcast-resend-unknown",
    ),
    path("u/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("p/<slug:slug>/", views.pledge_sign, name="pledge-sign"),
    path("p/<slug:slug>/thanks/", views.pledge_thanks, name="pledge-thanks"),
    path("hooks/sms/", views.sms_inbound_webhook, name="sms-inbound-webhook"),
    path("hooks/email/", views.email_events_webhook, name="email-events-webhook"),
]
