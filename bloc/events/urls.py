from django.urls import path

from bloc.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_search, name="event-search"),
    path("embed/", views.event_embed, name="event-embed"),
    path("leaflet/<path:name>", views.leaflet_asset, name="leaflet-asset"),
    path("days/<slug:slug>/", views.day_detail, name="day-detail"),
    path("days/<slug:slug>/calendar.ics", views.day_ical, name="day-ical"),
    path("e/<slug:slug>/", views.event_detail, name="event-detail"),
    path("e/<slug:slug>/rsvp/", views.rsvp_create, name="rsvp-create"),
    path("e/<slug:slug>/calendar.ics", views.event_ical, name="event-ical"),
    path("rsvp/<str:token>/cancel/", views.rsvp_cancel, name="rsvp-cancel"),
    path("host/", views.event_submit, name="event-submit"),
    path("host/verify/<str:token>/", views.submission_verify, name="submission-verify"),
    path("host/<str:token>/", views.host_tools, name="host-tools"),
    path("host/<str:token>/resubmit/", views.host_resubmit, name="host-resubmit"),
    path("host/<str:token>/check-in/<int:pk>/", views.host_check_in, name="host-check-in"),
    path("host/<str:token>/walk-in/", views.host_walk_in, name="host-walk-in"),
    path("host/<str:token>/outcomes/", views.host_outcomes, name="host-outcomes"),
    path("moderation/", views.moderation_queue, name="moderation-queue"),
    path("moderation/<int:pk>/", views.moderation_detail, name="moderation-detail"),
    path("moderation/<int:pk>/decide/", views.moderation_decide, name="moderation-decide"),
    path("manage/<int:pk>/", views.event_manage, name="event-manage"),
    path("manage/<int:pk>/cancel/", views.event_cancel, name="event-cancel"),
    path("manage/<int:pk>/shifts/", views.shift_add, name="shift-add"),
    path("manage/<int:pk>/host-links/", views.host_link_create, name="host-link-create"),
    path("manage/<int:pk>/rsvps.csv", views.rsvp_export, name="rsvp-export"),
    path("host-links/<int:pk>/revoke/", views.host_link_revoke, name="host-link-revoke"),
    path("follow-ups/", views.follow_up_list, name="follow-up-list"),
    path("follow-ups/<int:pk>/", views.follow_up_complete, name="follow-up-complete"),
]
