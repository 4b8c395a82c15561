"""Authorization rows for people URLs. Chapter B's objects are what organizer A must not see."""

from django.urls import reverse

from bloc.core.authz import Row, expect

ALL_SIGNED_IN = {"admin": 200, "organizer_a": 200, "organizer_b": 200, "member_a": 200}
LISTERS = {"admin": 200, "organizer_a": 200, "organizer_b": 200}


def _transfer_b_to_a(p):
    from bloc.people.models import TransferRequest

    pending = TransferRequest.objects.filter(person=p.person_member_b, status="pending").first()
    if pending is None:
        pending = TransferRequest.objects.create(person=p.person_member_b, to_chapter=p.chapter_a)
    return pending.pk


def _job_of_organizer_b(p):
    from bloc.people.models import ImportJob

    job = ImportJob.objects.filter(created_by=p.organizer_b).first()
    if job is None:
        job = ImportJob.objects.create(created_by=p.organizer_b, file_name="b.csv", status="done")
    return job.pk


def _join_thanks(p):
    from django.core import signing

    from bloc.people.joining.services import THANKS_SALT

    token = signing.dumps(
        {"p": p.person_member_b.pk, "d": "monthly", "h": False, "c": None}, salt=THANKS_SALT
    )
    return reverse("people:join-thanks", args=[token])


def _application_b(p):
    from bloc.people.models import Membership

    membership = Membership.objects.get(person=p.person_member_b)
    if membership.status != "pending":
        membership.status = "pending"
        membership.save(update_fields=["status"])
    return membership.pk


def _sign_in_link_b(p):
    from bloc.people.claiming.services import sign_in_token

    return reverse("people:sign-in-link", args=[sign_in_token(p.person_member_b)])


PUBLIC = {"anon": 200, **ALL_SIGNED_IN, "liaison": 200, "outsider": 200}


def _b_person(p):
    return reverse("people:person-detail", args=[p.person_member_b.pk])


ROWS = [
    Row(
        "people:me",
        lambda p: reverse("people:me"),
        expect(**ALL_SIGNED_IN, liaison=200, outsider=200),
    ),
    Row(
        "people:me-consent-update",
        lambda p: reverse("people:me-consent-update"),
        expect(admin=302, organizer_a=302, organizer_b=302, member_a=302),
        method="post",
        data={"email": "on"},
        note="only people with a record have preferences",
    ),
    Row(
        "people:me-transfer-request",
        lambda p: reverse("people:me-transfer-request"),
        expect(admin=302, organizer_a=302, organizer_b=302, member_a=302),
        method="post",
        note="invalid form: a message, nothing written",
    ),
    Row("people:join", lambda p: reverse("people:join"), expect(**PUBLIC), note="public form"),
    Row(
        "people:join-thanks",
        _join_thanks,
        expect(**PUBLIC),
        note="public: a signed link from the form, built from the form's answers only",
    ),
    Row(
        "people:application-list",
        lambda p: reverse("people:application-list"),
        expect(**LISTERS),
    ),
    Row(
        "people:application-decide",
        lambda p: reverse("people:application-decide", args=[_application_b(p)]),
        expect(admin=302, organizer_b=302),
        method="post",
        data={"decision": "dues"},
        note="chapter B's applicant: organizer A gets 404; B's organizer sees it stay pending",
    ),
    Row(
        "people:payment-webhook",
        lambda p: reverse("people:payment-webhook", args=["stripe"]),
        expect(anon=405, **{k: 405 for k in PUBLIC if k != "anon"}),
        note="processor webhooks: POST, signed or basic auth, no session helps",
    ),
    Row(
        "people:payment-webhook",
        lambda p: reverse("people:payment-webhook", args=["stripe"]),
        expect(anon=404, **{k: 404 for k in PUBLIC if k != "anon"}),
        method="post",
        note="not configured in the test settings: 404",
    ),
    Row(
        "people:sign-in-link",
        _sign_in_link_b,
        expect(**PUBLIC),
        note="public: GET only shows a button; the link is the credential",
    ),
    Row("people:person-list", lambda p: reverse("people:person-list"), expect(**LISTERS)),
    Row("people:person-export", lambda p: reverse("people:person-export"), expect(**LISTERS)),
    Row(
        "people:person-export",
        lambda p: reverse("people:person-export") + f"?chapter={p.chapter_b.pk}",
        expect(admin=200, organizer_b=200),
        note="chapter B's export",
    ),
    Row("people:person-merge", lambda p: reverse("people:person-merge"), expect(**LISTERS)),
    Row("people:import-create", lambda p: reverse("people:import-create"), expect(**LISTERS)),
    Row(
        "people:import-detail",
        lambda p: reverse("people:import-detail", args=[_job_of_organizer_b(p)]),
        expect(admin=200, organizer_b=200),
    ),
    Row("people:transfer-list", lambda p: reverse("people:transfer-list"), expect(**LISTERS)),
    Row("people:review-list", lambda p: reverse("people:review-list"), expect(**LISTERS)),
    Row(
        "people:review-resolve",
        lambda p: reverse("people:review-resolve", args=[999999]),
        expect(),
        method="post",
        note="no such review: 404 for everyone who may list people",
    ),
    Row(
        "people:consent-confirm",
        lambda p: reverse("people:consent-confirm", args=["not-a-valid-token"]),
        expect(anon=400, default=400),
        note="public: an invalid link says so and changes nothing",
    ),
    Row(
        "people:transfer-decide",
        lambda p: reverse("people:transfer-decide", args=[_transfer_b_to_a(p)]),
        expect(admin=302),
        method="post",
        data={"approve": "0"},
        note="admin declines first; after that nobody finds a pending request",
    ),
    Row(
        "people:chapter-list",
        lambda p: reverse("people:chapter-list"),
        expect(**ALL_SIGNED_IN, liaison=200, outsider=200),
    ),
    Row(
        "people:chapter-detail",
        lambda p: reverse("people:chapter-detail", args=[p.chapter_b.slug]),
        expect(**ALL_SIGNED_IN, liaison=200, outsider=200),
        note="names and ZIPs only; people links only in scope",
    ),
    Row("people:person-detail", _b_person, expect(admin=200, organizer_b=200), note="member of B"),
    Row(
        "people:person-detail",
        lambda p: reverse("people:person-detail", args=[p.person_member_a.pk]),
        expect(admin=200, organizer_a=200, member_a=302),
        note="member A's own record sends them to their profile",
    ),
    Row(
        "people:person-edit",
        lambda p: reverse("people:person-edit", args=[p.person_member_b.pk]),
        expect(admin=200, organizer_b=200),
    ),
    Row(
        "people:membership-edit",
        lambda p: reverse("people:membership-edit", args=[p.person_member_b.membership.pk]),
        expect(admin=200, organizer_b=200),
    ),
    Row(
        "people:person-list",
        lambda p: reverse("people:person-list") + f"?saved_list={_list_of_b(p)}",
        expect(admin=200, organizer_b=200),
        note="chapter B's shared list",
    ),
    Row(
        "people:person-bulk",
        lambda p: reverse("people:person-bulk"),
        expect(**LISTERS),
        method="post",
        data={"action": "export", "scope": "all", "query": ""},
        note="export everyone the view matches",
    ),
    Row("people:saved-list-list", lambda p: reverse("people:saved-list-list"), expect(**LISTERS)),
    Row(
        "people:saved-list-delete",
        lambda p: reverse("people:saved-list-delete", args=[_list_of_b(p)]),
        expect(admin=200, organizer_b=200),
        note="confirmation page of chapter B's list",
    ),
    Row(
        "people:setup-role-grant",
        lambda p: reverse("people:setup-role-grant"),
        expect(admin=200),
    ),
    Row(
        "people:setup-pick-account",
        lambda p: reverse("people:setup-pick-account") + "?account_q=organizer",
        expect(admin=200),
    ),
    Row(
        "people:setup-pick-chapter",
        lambda p: reverse("people:setup-pick-chapter") + "?chapter_q=Lake",
        expect(admin=200),
    ),
    Row(
        "people:setup-pick-person",
        lambda p: reverse("people:setup-pick-person") + "?person_q=Marchetti",
        expect(admin=200),
    ),
    Row(
        "people:setup-account-create",
        lambda p: reverse("people:setup-account-create"),
        expect(admin=200),
    ),
    Row(
        "people:setup-chapter-create",
        lambda p: reverse("people:setup-chapter-create"),
        expect(admin=200),
    ),
    Row(
        "people:setup-chapter-edit",
        lambda p: reverse("people:setup-chapter-edit", args=[p.chapter_b.slug]),
        expect(admin=200),
        note="chapter B's setup: national admins only",
    ),
]


def _list_of_b(p):
    from bloc.people.lists.models import SavedList
    from bloc.people.lists.services import save_list

    saved = SavedList.objects.filter(owner=p.organizer_b).first()
    if saved is None:
        saved = save_list(actor=p.organizer_b, name="B doors", query="", chapter=p.chapter_b)
    return saved.pk
