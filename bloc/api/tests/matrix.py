"""Authorization rows for the API. Each persona calls with its own API token (no session), so
the rows say what a token of each role gets: chapter B's organizer gets 404 on chapter A's
objects, a liaison sees its own organization and what its agreement shares, nothing else."""

from typing import Any

from django.urls import reverse

from bloc.core.authz import PERSONAS, Row, expect

EVERYONE = dict.fromkeys(PERSONAS, 200)
TOKENS = {p: 200 for p in PERSONAS if p != "anon"}


def token_headers(user: Any) -> dict[str, str]:
    """The persona's token (one per persona object, i.e. per test), or none for anonymous."""
    if user is None:
        return {"content_type": "application/json"}
    secret = getattr(user, "_api_matrix_secret", None)
    if secret is None:
        from bloc.api.services import issue_token

        _token, secret = issue_token(actor=user, name="matrix", days=30)
        user._api_matrix_secret = secret
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "content_type": "application/json"}


def _u(name: str, *args: Any) -> str:
    return reverse(f"api-v1:{name}", args=args)


def _event_a(p: Any) -> Any:
    """An approved chapter-A event with one RSVP (from chapter A)."""
    cached = getattr(p, "_api_event_a", None)
    if cached is None:
        from bloc.events import services
        from bloc.events.tests import builders

        cached, _ = builders.approved_event(
            p.admin, zip_code="10001", tz="America/New_York", title="Riverside teach-in"
        )
        services.rsvp(
            actor=None,
            timeslot=cached.timeslots.get(),
            email="fern.api@example.org",
            first_name="Fern",
            zip_code="10002",
        )
        p._api_event_a = cached
    return cached


def _world(p: Any) -> Any:
    from bloc.coalition.tests.world import shared_world, world

    shared_world(p)
    return world(p)


def _row(name: str, url: Any, statuses: dict[str, int], note: str = "", **kw: Any) -> Row:
    return Row(f"api-v1:{name}", url, statuses, note=note, headers=token_headers, **kw)


NO_TOKEN = {"anon": 401}

ROWS = [
    _row("openapi-json", lambda p: _u("openapi-json"), EVERYONE, "the schema is public"),
    _row("openapi-view", lambda p: _u("openapi-view"), EVERYONE, "the docs page is public"),
    _row("api-root", lambda p: _u("api-root"), expect(anon=404, default=404), "no root document"),
    _row("people_list", lambda p: _u("people_list"), {**NO_TOKEN, **TOKENS}, "scoped list"),
    _row(
        "person_detail",
        lambda p: _u("person_detail", p.person_member_a.uuid),
        expect(anon=401, admin=200, organizer_a=200, member_a=200),
        "chapter A's member: organizer B's token gets 404",
    ),
    _row(
        "person_detail",
        lambda p: _u("person_detail", p.person_member_b.uuid),
        expect(anon=401, admin=200, organizer_b=200),
        "chapter B's member",
    ),
    _row(
        "person_membership",
        lambda p: _u("person_membership", p.person_member_a.uuid),
        expect(anon=401, admin=200, organizer_a=200, member_a=200),
    ),
    _row(
        "person_signup",
        lambda p: _u("person_signup"),
        expect(anon=401, admin=201, organizer_a=200, organizer_b=202, default=403),
        "admin creates, organizer A matches in scope, organizer B learns nothing",
        method="post",
        data={
            "person": {
                "given_name": "Ivy",
                "family_name": "Matrix",
                "email_addresses": [{"address": "ivy.matrix@example.org", "status": "subscribed"}],
                "postal_addresses": [{"postal_code": "10001"}],
            }
        },
    ),
    _row("events_list", lambda p: _u("events_list"), {**NO_TOKEN, **TOKENS}),
    _row(
        "event_detail",
        lambda p: _u("event_detail", _event_a(p).pk),
        expect(anon=401, admin=200, organizer_a=200),
        "chapter A's event",
    ),
    _row(
        "event_attendances",
        lambda p: _u("event_attendances", _event_a(p).pk),
        expect(anon=401, admin=200, organizer_a=200),
    ),
    _row("chapters_list", lambda p: _u("chapters_list"), {**NO_TOKEN, **TOKENS}),
    _row("partners_list", lambda p: _u("partners_list"), {**NO_TOKEN, **TOKENS}),
    _row(
        "partner_detail",
        lambda p: _u("partner_detail", _world(p).own.pk),
        expect(anon=401, admin=200, organizer_a=200, organizer_b=200, liaison=200),
        "the liaison's own organization",
    ),
    _row(
        "partner_detail",
        lambda p: _u("partner_detail", _world(p).other.pk),
        expect(anon=401, admin=200, organizer_a=200, organizer_b=200),
        "another organization: the liaison gets 404",
    ),
    _row(
        "partner_shared_kinds",
        lambda p: _u("partner_shared_kinds", _world(p).own.pk),
        expect(anon=401, admin=200, liaison=200),
        "under an agreement in force; organizers see the partner, not what is shared",
    ),
    _row(
        "partner_shared_rows",
        lambda p: _u("partner_shared_rows", _world(p).own.pk, "coalition_tests.matrix"),
        expect(anon=401, admin=200, liaison=200),
    ),
    _row(
        "partner_shared_rows",
        lambda p: _u("partner_shared_rows", _world(p).other.pk, "coalition_tests.matrix"),
        expect(anon=401),
        "no agreement with the other organization: 404 even for the admin",
    ),
    _row("contracts_list", lambda p: _u("contracts_list"), {**NO_TOKEN, **TOKENS}),
    _row(
        "contract_detail",
        lambda p: _u("contract_detail", _world(p).own_contract.pk),
        expect(anon=401, admin=200, organizer_a=200, organizer_b=200, liaison=200),
        "the liaison's own local's contract",
    ),
    _row(
        "contract_detail",
        lambda p: _u("contract_detail", _world(p).other_contract.pk),
        expect(anon=401, admin=200, organizer_a=200, organizer_b=200),
        "another organization's contract: the liaison gets 404",
    ),
    _row("slate", lambda p: _u("slate", 2026), {**NO_TOKEN, **TOKENS}, "public slate"),
    _row(
        "ballot_record",
        lambda p: _u("ballot_record", _certified(p)),
        {**NO_TOKEN, **TOKENS},
        "certified: public",
    ),
    _row(
        "ballot_record",
        lambda p: _u("ballot_record", _open_ballot(p)),
        expect(anon=401),
        "no record while voting",
    ),
    Row(
        "api:token-list",
        lambda p: reverse("api:token-list"),
        expect(**{k: 200 for k in TOKENS}),
        "everyone signed in manages their own tokens",
    ),
    Row(
        "api:token-revoke",
        lambda p: reverse("api:token-revoke", args=[_admin_token(p)]),
        expect(admin=302),
        "only the token's owner",
        method="post",
    ),
]


def _admin_token(p: Any) -> int:
    cached = getattr(p, "_api_admin_token", None)
    if cached is None:
        from bloc.api.services import issue_token

        cached = issue_token(actor=p.admin, name="to revoke", days=30)[0].pk
        p._api_admin_token = cached
    return cached


def _certified(p: Any) -> int:
    from bloc.democracy.tests.helpers import certified_yes_no

    return int(certified_yes_no(p).pk)


def _open_ballot(p: Any) -> int:
    from bloc.democracy.tests.helpers import opened

    return int(opened()[0].pk)


def _webhook(p: Any) -> int:
    cached = getattr(p, "_api_webhook", None)
    if cached is None:
        from bloc.api.services import create_subscription

        cached = create_subscription(
            actor=p.admin, url="https://crm.example.org/in", event_types=["person.created"]
        )[0].pk
        p._api_webhook = cached
    return cached


ROWS += [
    Row(
        "api:webhook-list",
        lambda p: reverse("api:webhook-list"),
        expect(admin=200),
        "webhooks send the organization's events: national admins only",
    ),
    Row(
        "api:webhook-detail",
        lambda p: reverse("api:webhook-detail", args=[_webhook(p)]),
        expect(admin=200),
    ),
    Row(
        "api:webhook-test",
        lambda p: reverse("api:webhook-test", args=[_webhook(p)]),
        expect(admin=302),
        method="post",
    ),
    Row(
        "api:webhook-disable",
        lambda p: reverse("api:webhook-disable", args=[_webhook(p)]),
        expect(admin=302),
        method="post",
    ),
]
