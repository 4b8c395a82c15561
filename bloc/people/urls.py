from django.urls import path

from bloc.people import views
from bloc.people.claiming import views as claiming_views
from bloc.people.joining import views as joining_views
from bloc.people.lists import views as list_views
from bloc.people.payments import views as payment_views
from bloc.people.setup import views as setup_views

app_name = "people"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/consent/", views.my_consent_update, name="me-consent-update"),
    path("me/transfer/", views.my_transfer_request, name="me-transfer-request"),
    path("join/", joining_views.join, name="join"),
    path("join/thanks/<str:token>/", joining_views.join_thanks, name="join-thanks"),
    path("applications/", joining_views.application_list, name="application-list"),
    path(
        "applications/<int:pk>/decide/",
        joining_views.application_decide,
        name="application-decide",
    ),
    path("payments/<slug:processor>/webhook/", payment_views.webhook, name="payment-webhook"),
    path("sign-in/<str:token>/", claiming_views.sign_in_link, name="sign-in-link"),
    path("", list_views.person_list, name="person-list"),
    path("bulk/", list_views.person_bulk, name="person-bulk"),
    path("lists/", list_views.saved_list_list, name="saved-list-list"),
    path("lists/<int:pk>/delete/", list_views.saved_list_delete, name="saved-list-delete"),
    path("export.csv", views.person_export, name="person-export"),
    path("merge/", views.person_merge, name="person-merge"),
    path("import/", views.import_create, name="import-create"),
    path("import/<int:pk>/", views.import_detail, name="import-detail"),
    path("confirm/<str:token>/", views.consent_confirm, name="consent-confirm"),
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/<int:pk>/resolve/", views.review_resolve, name="review-resolve"),
    path("transfers/", views.transfer_list, name="transfer-list"),
    path("transfers/<int:pk>/decide/", views.transfer_decide, name="transfer-decide"),
    path("setup/roles/", setup_views.role_grant, name="setup-role-grant"),
    path("setup/pick/accounts/", setup_views.pick_account, name="setup-pick-account"),
    path("setup/pick/chapters/", setup_views.pick_chapter, name="setup-pick-chapter"),
    path("setup/pick/people/", setup_views.pick_person, name="setup-pick-person"),
    path("setup/accounts/new/", setup_views.account_create, name="setup-account-create"),
    path("setup/chapters/new/", setup_views.chapter_create, name="setup-chapter-create"),
    path("setup/chapters/<slug:slug>/", setup_views.chapter_edit, name="setup-chapter-edit"),
    path("chapters/", views.chapter_list, name="chapter-list"),
    path("chapters/<slug:slug>/", views.chapter_detail, name="chapter-detail"),
    path("memberships/<int:pk>/edit/", views.membership_edit, name="membership-edit"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/edit/", views.person_edit, name="person-edit"),
]
