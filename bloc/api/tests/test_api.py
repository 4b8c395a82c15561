"""The REST API: tokens, rate limits, OSDI people and events, the signup helper, partners."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from bloc.api import services
from bloc.api.models import ApiToken
from bloc.core.models import AuditEvent
from bloc.people import services as people_services
from bloc.people.models import ConsentEvent, Person
from bloc.people.selectors import current_consent

pytestmark = pytest.mark.django_db


def auth(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def token_of(user, name="test", days=30):
    return services.issue_token(actor=user, name=name, days=days)[1]


def ids(doc, kind="people"):
    return [item["identifiers"][0] for item in doc["_embedded"][f"osdi:{kind}"]]


# --- Tokens ------------------------------------------------------------------------------------


def test_a_token_is_stored_as_a_digest_only_and_shown_once(client, personas):
    client.force_login(personas.organizer_a)
    response = client.post("/api/tokens/", {"name": "Action Network sync", "days": 90})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("bloc_") and secret in response.content.decode()
    token = ApiToken.objects.get(user=personas.organizer_a)
    assert secret not in (token.digest, token.prefix) and len(token.digest) == 64
    assert secret[5:11] == token.prefix
    assert token.expires_at - timezone.now() > timedelta(days=89)
    page = client.get("/api/tokens/").content.decode()
    assert secret not in page and "Action Network sync" in page and "never" in page
    assert response["Cache-Control"].count("no-store") == 1
    assert AuditEvent.objects.filter(action="api.token_issued", actor=personas.organizer_a)


def test_the_token_acts_as_its_user_and_records_when_it_was_last_used(client, personas):
    secret = token_of(personas.organizer_a)
    assert client.get("/api/v1/people", **auth(secret)).status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


def test_no_token_a_wrong_token_an_expired_or_revoked_token_is_401(client, personas):
    secret = token_of(personas.admin, days=30)
    assert client.get("/api/v1/people").status_code == 401
    assert client.get("/api/v1/people", **auth(secret + "x")).status_code == 401
    assert client.get("/api/v1/people", **auth(secret)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert client.get("/api/v1/people", **auth(secret)).status_code == 401
    token = ApiToken.objects.get()
    services.revoke_token(actor=personas.admin, token=token)
    assert client.get("/api/v1/people", **auth(secret)).status_code == 401
    assert AuditEvent.objects.filter(action="api.token_revoked").count() == 1


def test_a_session_is_not_a_credential_for_the_api(client, personas):
    client.force_login(personas.admin)
    assert client.get("/api/v1/people").status_code == 401


def test_only_the_owner_revokes_a_token(client, personas):
    token, _ = services.issue_token(actor=personas.admin, name="mine", days=30)
    client.force_login(personas.organizer_a)
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    client.force_login(personas.admin)
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_revoked_role_is_gone_from_its_tokens_at_once(client, personas):
    from bloc.accounts.models import RoleAssignment
    from bloc.accounts.services import revoke_role

    secret = token_of(personas.organizer_a)
    other = Person.objects.filter(chapter=personas.chapter_a).exclude(user=personas.organizer_a)
    url = f"/api/v1/people/{other.first().uuid}"
    assert client.get(url, **auth(secret)).status_code == 200
    revoke_role(actor=None, assignment=RoleAssignment.objects.get(user=personas.organizer_a))
    assert client.get(url, **auth(secret)).status_code == 404


# --- Rate limits -------------------------------------------------------------------------------


def test_each_token_has_its_own_rate_limit_with_retry_after(client, personas, settings):
    settings.BLOC_API_RATE = "3/m"
    first, second = token_of(personas.admin, "one"), token_of(personas.admin, "two")
    with time_machine.travel("2026-03-02 12:00:10 +0000", tick=False):
        for _ in range(3):
            assert client.get("/api/v1/chapters", **auth(first)).status_code == 200
        over = client.get("/api/v1/chapters", **auth(first))
        assert over.status_code == 429
        assert over["Retry-After"] == "50"
        assert client.get("/api/v1/chapters", **auth(second)).status_code == 200
    with time_machine.travel("2026-03-02 12:01:01 +0000", tick=False):
        assert client.get("/api/v1/chapters", **auth(first)).status_code == 200


# --- OSDI people -------------------------------------------------------------------------------


def test_people_are_hal_with_osdi_curies_paging_and_bloc_identifiers(client, personas):
    secret = token_of(personas.admin)
    doc = client.get("/api/v1/people?per_page=2&page=2", **auth(secret)).json()
    assert doc["page"] == 2 and doc["per_page"] == 2
    assert doc["total_records"] == Person.objects.count() == 5
    assert doc["total_pages"] == 3
    assert doc["_links"]["curies"][0]["name"] == "osdi"
    assert "page=3" in doc["_links"]["next"]["href"]
    assert "page=1" in doc["_links"]["prev"]["href"]
    people = doc["_embedded"]["osdi:people"]
    assert len(people) == 2
    first = people[0]
    person = Person.objects.order_by("pk")[2]
    assert first["identifiers"] == [f"bloc:{person.uuid}"]
    assert first["email_addresses"] == [
        {"address": person.email, "primary": True, "status": "subscribed"}
    ]
    assert first["postal_addresses"][0]["postal_code"] == person.zip_code
    assert first["_links"]["self"]["href"].endswith(f"/api/v1/people/{person.uuid}")
    assert AuditEvent.objects.filter(action="people.list_viewed", actor=personas.admin).exists()


def test_people_filter_on_modified_date(client, personas):
    secret = token_of(personas.admin)
    later = timezone.now() + timedelta(hours=1)
    with time_machine.travel(later):
        people_services.update_person(
            actor=personas.admin, person=personas.person_member_b, pronouns="they/them"
        )
    since = (later - timedelta(minutes=1)).isoformat()
    doc = client.get("/api/v1/people", {"filter": f"modified_date gt '{since}'"}, **auth(secret))
    assert ids(doc.json()) == [f"bloc:{personas.person_member_b.uuid}"]
    doc = client.get("/api/v1/people", {"filter": f"modified_date le '{since}'"}, **auth(secret))
    assert doc.json()["total_records"] == 4
    bad = client.get("/api/v1/people", {"filter": "family_name eq 'x'"}, **auth(secret))
    assert bad.status_code == 400


def test_organizer_b_gets_404_on_every_chapter_a_object(client, personas):
    from bloc.api.tests.matrix import _event_a

    secret = token_of(personas.organizer_b)
    event = _event_a(personas)
    person_a = personas.person_member_a
    for url in (
        f"/api/v1/people/{person_a.uuid}",
        f"/api/v1/people/bloc:{person_a.uuid}",
        f"/api/v1/people/{person_a.uuid}/membership",
        f"/api/v1/events/{event.pk}",
        f"/api/v1/events/{event.pk}/attendances",
    ):
        assert client.get(url, **auth(secret)).status_code == 404, url
    listed = client.get("/api/v1/people?per_page=100", **auth(secret)).json()
    assert set(ids(listed)) == {
        f"bloc:{p.uuid}" for p in Person.objects.filter(chapter=personas.chapter_b)
    }
    events = client.get("/api/v1/events", **auth(secret)).json()
    assert events["total_records"] == 0


def test_a_member_token_sees_only_its_own_record(client, personas):
    secret = token_of(personas.member_a)
    doc = client.get("/api/v1/people", **auth(secret)).json()
    assert ids(doc) == [f"bloc:{personas.person_member_a.uuid}"]


def test_membership_and_standing(client, personas):
    secret = token_of(personas.organizer_a)
    doc = client.get(
        f"/api/v1/people/{personas.person_member_a.uuid}/membership", **auth(secret)
    ).json()
    assert doc["in_good_standing"] is True and doc["chapter"] == personas.chapter_a.slug


def test_events_and_attendances(client, personas):
    from bloc.api.tests.matrix import _event_a

    event = _event_a(personas)
    secret = token_of(personas.organizer_a)
    doc = client.get("/api/v1/events", **auth(secret)).json()
    assert ids(doc, "events") == [f"bloc:event-{event.pk}"]
    assert doc["_embedded"]["osdi:events"][0]["status"] == "confirmed"
    doc = client.get(f"/api/v1/events/{event.pk}/attendances", **auth(secret)).json()
    (attendance,) = doc["_embedded"]["osdi:attendances"]
    fern = Person.objects.get(email="fern.api@example.org")
    assert attendance["status"] == "accepted" and attendance["attended"] is False
    assert attendance["_links"]["osdi:person"]["href"].endswith(f"/people/{fern.uuid}")


# --- The person signup helper -------------------------------------------------------------------


def signup(client, secret, email, status="subscribed", zip_code="10001", **person):
    body = {
        "person": {
            "given_name": "Ivy",
            "family_name": "Okafor",
            "email_addresses": [{"address": email, "status": status}],
            "postal_addresses": [{"postal_code": zip_code}],
            **person,
        },
        "source": "Action Network",
    }
    return client.post(
        "/api/v1/people/person_signup_helper", body, content_type="application/json", **auth(secret)
    )


def test_signup_creates_a_person_with_consent(client, personas):
    secret = token_of(personas.organizer_a)
    response = signup(client, secret, "ivy.okafor@example.org")
    assert response.status_code == 201
    person = Person.objects.get(email="ivy.okafor@example.org")
    assert response.json()["identifiers"] == [f"bloc:{person.uuid}"]
    assert person.chapter == personas.chapter_a
    assert current_consent(person) == {"email": "opted_in"}
    again = signup(client, secret, "IVY.okafor@example.org")
    assert again.status_code == 200
    assert Person.objects.filter(email="ivy.okafor@example.org").count() == 1
    assert AuditEvent.objects.filter(action="api.person_signup").count() == 2


def test_signup_never_resubscribes_an_opted_out_person(
    client, personas, django_capture_on_commit_callbacks
):
    person = personas.person_member_a
    people_services.set_consent(
        actor=None, person=person, channel="email", opted_in=False, source="unsubscribe link"
    )
    secret = token_of(personas.admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, secret, person.email, given_name="Someone", family_name="Else")
    assert response.status_code == 200
    assert current_consent(person)["email"] == ConsentEvent.Status.OPTED_OUT
    assert response.json()["email_addresses"][0]["status"] == "unsubscribed"
    person.refresh_from_db()
    assert person.first_name == "Mina"  # a signup never overwrites a record
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert "confirm" in mail.outbox[0].body


def test_signup_records_an_unsubscribe_in_scope(client, personas):
    person = personas.person_member_a
    secret = token_of(personas.organizer_a)
    assert signup(client, secret, person.email, status="unsubscribed").status_code == 200
    assert current_consent(person)["email"] == ConsentEvent.Status.OPTED_OUT


def test_signup_out_of_scope_answers_202_and_changes_nothing_there(client, personas):
    person = personas.person_member_a
    secret = token_of(personas.organizer_b)
    response = signup(client, secret, person.email, status="unsubscribed")
    assert response.status_code == 202 and response.json() == {"status": "accepted"}
    assert current_consent(person)["email"] == ConsentEvent.Status.OPTED_IN
    created = signup(client, secret, "new.in.a@example.org")
    assert created.status_code == 202 and created.json() == {"status": "accepted"}


def test_signup_needs_a_staff_role_and_a_valid_address(client, personas):
    assert signup(client, token_of(personas.member_a), "x@example.org").status_code == 403
    assert signup(client, token_of(personas.liaison), "x@example.org").status_code == 403
    bad = signup(client, token_of(personas.admin), "not-an-address")
    assert bad.status_code == 400
    assert not Person.objects.filter(email="x@example.org").exists()


# --- Partners and data sharing ------------------------------------------------------------------


def test_a_liaison_token_sees_only_what_the_agreement_shares_and_nothing_after_revocation(
    client, personas
):
    from bloc.coalition import services as coalition_services
    from bloc.coalition.tests.world import MATRIX_KIND, shared_world, world

    agreement = shared_world(personas)
    w = world(personas)
    secret = token_of(personas.liaison)
    listed = client.get("/api/v1/partners", **auth(secret)).json()
    assert ids(listed, "partners") == [f"bloc:partner-{w.own.pk}"]
    kinds = client.get(f"/api/v1/partners/{w.own.pk}/shared", **auth(secret)).json()
    assert [k["kind"] for k in kinds] == [MATRIX_KIND]
    url = f"/api/v1/partners/{w.own.pk}/shared/{MATRIX_KIND}"
    rows = client.get(url, **auth(secret))
    assert rows.status_code == 200 and rows.json()["rows"]
    assert AuditEvent.objects.filter(action="coalition.shared_data_viewed").count() == 1
    assert client.get(f"/api/v1/partners/{w.other.pk}", **auth(secret)).status_code == 404
    coalition_services.revoke_data_sharing(
        actor=personas.admin, agreement=agreement, reason="ended early"
    )
    assert client.get(url, **auth(secret)).status_code == 404
    assert client.get(f"/api/v1/partners/{w.own.pk}/shared", **auth(secret)).json() == []


def test_chapters_show_counts_only_in_scope(client, personas):
    doc = client.get("/api/v1/chapters", **auth(token_of(personas.organizer_b))).json()
    counts = {c["slug"]: c["member_count"] for c in doc["_embedded"]["osdi:chapters"]}
    assert counts[personas.chapter_a.slug] is None
    assert counts[personas.chapter_b.slug] == 2


# --- The schema -------------------------------------------------------------------------------


def test_the_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/people" in schema["paths"]
    assert "/api/v1/people/person_signup_helper" in schema["paths"]
    people = schema["components"]["schemas"]["PeopleCollection"]
    assert "_embedded" in people["properties"] and "_links" in people["properties"]
    assert client.get("/api/v1/docs").status_code == 200


# --- Beyond OSDI -----------------------------------------------------------------------------


def test_contracts_carry_their_notice_deadlines_and_are_scoped_for_liaisons(client, personas):
    from bloc.coalition.tests.world import world

    w = world(personas)
    doc = client.get("/api/v1/contracts", **auth(token_of(personas.liaison))).json()
    (contract,) = doc["_embedded"]["osdi:contracts"]
    assert contract["identifiers"] == [f"bloc:contract-{w.own_contract.pk}"]
    assert [d["kind"] for d in contract["notice_deadlines"]] == [
        d.kind for d in w.own_contract.deadlines()
    ]
    assert contract["notice_deadlines"]


def test_a_certified_ballot_record_is_the_one_bloc_verify_reads(client, personas):
    from bloc.democracy.selectors import election_record
    from bloc.democracy.tests.helpers import certified_yes_no

    ballot = certified_yes_no(personas)
    response = client.get(f"/api/v1/ballots/{ballot.pk}/record", **auth(token_of(personas.admin)))
    assert response.json() == json.loads(json.dumps(election_record(ballot), default=str))
