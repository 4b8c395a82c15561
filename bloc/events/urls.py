from django.urls import path

from bloc.events.views import host, public, staff

app_name = "events"
urlpatterns = [
    path("", public.event_search, name="event-search"),
    path("embed/", public.event_embed, name="event-embed"),
    path("leaflet/<path:name>", public.leaflet_asset, name="leaflet-asset"),
    path("days/<slug:slug>/", public.day_detail, name="day-detail"),
    path("days/<slug:slug>/calendar.ics", public.day_ical, name="day-ical"),
    path("e/<slug:slug>/", public.event_detail, name="event-detail"),
    path("e/<slug:slug>/rsvp/", public.rsvp_create, name="rsvp-create"),
    path("e/<slug:slug>/calendar.ics", public.event_ical, name="event-ical"),
    path("rsvp/<str:token>/", public.rsvp_status, name="rsvp-status"),
    path("rsvp/<str:token>/cancel/", public.rsvp_cancel, name="rsvp-cancel"),
    path("host/", public.event_submit, name="event-submit"),
    path("host/verify/<str:token>/", public.submission_verify, name="submission-verify"),
    path("host/<str:token>/", host.host_tools, name="host-tools"),
    path("host/<str:token>/resubmit/", host.host_resubmit, name="host-resubmit"),
    path("host/<str:token>/check-in/<int:pk>/", host.host_check_in, name="host-check-in"),
    path("host/<str:token>/scan/", host.host_scan, name="host-scan"),
    path("host/<str:token>/walk-in/", host.host_walk_in, name="host-walk-in"),
    path("host/<str:token>/outcomes/", host.host_outcomes, name="host-outcomes"),
    path("manage/days/new/", staff.day_create, name="day-create"),
    path("manage/days/<int:pk>/", staff.day_edit, name="day-edit"),
    path("moderation/", staff.moderation_queue, name="moderation-queue"),
    path("moderation/<int:pk>/", staff.moderation_detail, name="moderation-detail"),
    path("moderation/<int:pk>/decide/", staff.moderation_decide, name="moderation-decide"),
    path("manage/<int:pk>/", staff.event_manage, name="event-manage"),
    path("manage/<int:pk>/cancel/", staff.event_cancel, name="event-cancel"),
    path("manage/<int:pk>/shifts/", staff.shift_add, name="shift-add"),
    path("manage/<int:pk>/host-links/", staff.host_link_create, name="host-link-create"),
    path("manage/<int:pk>/rsvps.csv", staff.rsvp_export, name="rsvp-export"),
    path("host-links/<int:pk>/revoke/", staff.host_link_revoke, name="host-link-revoke"),
    path("follow-ups/", staff.follow_up_list, name="follow-up-list"),
    path("follow-ups/<int:pk>/", staff.follow_up_complete, name="follow-up-complete"),
]
