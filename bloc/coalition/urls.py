from django.urls import path

from bloc.coalition import views

app_name = "coalition"
urlpatterns = [
    path("", views.partner_list, name="partner-list"),
    path("partners.csv", views.partner_export, name="partner-export"),
    path("partners/new/", views.partner_create, name="partner-create"),
    path("partners/<int:pk>/", views.partner_detail, name="partner-detail"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner-edit"),
    path("partners/<int:pk>/contacts/", views.contact_add, name="contact-add"),
    path(
        "partners/<int:pk>/contacts/<int:contact_pk>/remove/",
        views.contact_remove,
        name="contact-remove",
    ),
    path("partners/<int:pk>/commitments/new/", views.commitment_create, name="commitment-create"),
    path("partners/<int:pk>/sign/", views.sign_on_create, name="sign-on-create"),
    path("partners/<int:pk>/agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/<int:pk>/revoke/", views.agreement_revoke, name="agreement-revoke"),
    path("partners/<int:pk>/shared/", views.shared_data_list, name="shared-data-list"),
    path(
        "partners/<int:pk>/shared/<str:kind>/",
        views.shared_data_detail,
        name="shared-data-detail",
    ),
    path(
        "partners/<int:pk>/shared/<str:kind>/export/",
        views.shared_data_export,
        name="shared-data-export",
    ),
    path("statements/", views.statement_list, name="statement-list"),
    path("statements/<slug:slug>/", views.statement_public, name="statement-public"),
    path("sign-ons/<int:pk>/confirm/", views.sign_on_confirm, name="sign-on-confirm"),
    path("sign-ons/<int:pk>/withdraw/", views.sign_on_withdraw, name="sign-on-withdraw"),
    path("board/", views.relationship_board, name="relationship-board"),
    path("relationships/<int:pk>/", views.relationship_detail, name="relationship-detail"),
    path("relationships/<int:pk>/stage/", views.relationship_move, name="relationship-move"),
    path("relationships/<int:pk>/owner/", views.relationship_owner, name="relationship-owner"),
    path(
        "relationships/<int:pk>/interactions/",
        views.interaction_create,
        name="interaction-create",
    ),
    path("interactions/<int:pk>/done/", views.interaction_done, name="interaction-done"),
    path("next-steps/", views.next_step_list, name="next-step-list"),
    path("contracts/", views.contract_list, name="contract-list"),
    path("contracts.csv", views.contract_export, name="contract-export"),
    path("contracts/calendar/", views.contract_calendar, name="contract-calendar"),
    path("contracts/new/", views.contract_create, name="contract-create"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract-detail"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract-edit"),
    path("contracts/f7/", views.f7_import, name="f7-import"),
    path("contracts/f7/<int:pk>/", views.f7_import_detail, name="f7-import-detail"),
    path("commitments/", views.commitment_list, name="commitment-list"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment-detail"),
    path("commitments/<int:pk>/move/", views.commitment_move, name="commitment-move"),
]
