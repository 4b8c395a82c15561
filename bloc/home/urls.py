from django.urls import path

from bloc.home import views

app_name = "home"
urlpatterns = [
    path("", views.front_door, name="front-door"),
    path("chapters/", views.chapter_index, name="chapter-index"),
    path("chapters/<slug:slug>/", views.chapter_page, name="chapter-page"),
    path("chapters/<slug:slug>/contact/", views.chapter_contact, name="chapter-contact"),
    path("chapters/<slug:slug>/edit/", views.chapter_edit, name="chapter-edit"),
    path("me/", views.member_home, name="me"),
    path("me/rsvps/<int:pk>/cancel/", views.rsvp_cancel, name="rsvp-cancel"),
    path("me/preferences/", views.preferences, name="preferences"),
    path("me/preferences/contact/", views.preferences_consent, name="preferences-consent"),
    path("me/preferences/move/", views.preferences_move, name="preferences-move"),
    path("me/preferences/delete/", views.deletion_request, name="deletion-request"),
    path(
        "deletion-requests/<int:pk>/handle/",
        views.deletion_request_handle,
        name="deletion-request-handle",
    ),
    path("me/data.json", views.my_data_json, name="my-data-json"),
    path("me/data.csv", views.my_data_csv, name="my-data-csv"),
]
