from django.urls import path

from bloc.democracy import identity_views, views

app_name = "democracy"
urlpatterns = [
    path("", views.ballot_list, name="ballot-list"),
    path("ballots/new/", views.ballot_create, name="ballot-create"),
    path("ballots/<int:pk>/", views.ballot_detail, name="ballot-detail"),
    path("ballots/<int:pk>/cast/", views.ballot_cast, name="ballot-cast"),
    path("ballots/<int:pk>/receipt/", views.ballot_receipt, name="ballot-receipt"),
    path("ballots/<int:pk>/turnout/", views.ballot_turnout, name="ballot-turnout"),
    path("ballots/<int:pk>/board/", views.ballot_board, name="ballot-board"),
    path("ballots/<int:pk>/results/", views.ballot_results, name="ballot-results"),
    path("ballots/<int:pk>/ballots.blt", views.ballot_record, name="ballot-record"),
    path("ballots/<int:pk>/record.json", views.ballot_record_json, name="ballot-record-json"),
    path("ballots/<int:pk>/codes/", views.ballot_codes, name="ballot-codes"),
    path("ballots/<int:pk>/vote/", views.ballot_vote_by_code, name="ballot-vote-by-code"),
    path("ballots/<int:pk>/manage/", views.ballot_manage, name="ballot-manage"),
    path("ballots/<int:pk>/step/", views.ballot_step, name="ballot-step"),
    path("ballots/<int:pk>/tally/", views.ballot_tally, name="ballot-tally"),
    path("identity-overrides/", identity_views.identity_overrides, name="identity-overrides"),
    path(
        "identity-overrides/<int:pk>/decide/",
        identity_views.identity_override_decide,
        name="identity-override-decide",
    ),
    path("proposals/", views.proposal_list, name="proposal-list"),
    path("proposals/new/", views.proposal_create, name="proposal-create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/cosponsor/", views.proposal_cosponsor, name="proposal-cosponsor"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal-withdraw"),
    path("proposals/<int:pk>/comment/", views.proposal_comment, name="proposal-comment"),
    path("proposals/<int:pk>/amend/", views.proposal_amend, name="proposal-amend"),
    path("proposals/<int:pk>/accept/", views.amendment_accept, name="amendment-accept"),
    path("proposals/<int:pk>/ballot/", views.proposal_ballot, name="proposal-ballot"),
    path("comments/<int:pk>/hide/", views.comment_hide, name="comment-hide"),
]
