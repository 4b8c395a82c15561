"""Data-sharing agreements: what a partner may see of the people it brought, for which uses, until
when — enforced where rows are shown or exported, and audited. Through services and the client."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from bloc.coalition import selectors, services
from bloc.coalition.models import DataSharingAgreement, Partner
from bloc.coalition.tests.world import (
    FakeSource,
    make_liaison_of,
    registered_source,
    sign_ups,
    world,
)
from bloc.core.models import AuditEvent

KIND = "coalition_tests.sign_ups"
OTHER_KIND = "coalition_tests.volunteers"
TODAY = date(2026, 11, 27)
NOON = datetime(2026, 11, 27, 12, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture
def source():
    fake = FakeSource()
    with registered_source(KIND, fake):
        yield fake


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOON, tick=False)
    return time_machine


def _grant(p, partner, *, kinds=(KIND,), starts_on=TODAY, ends_on=TODAY + timedelta(days=30)):
    return services.grant_data_sharing(
        actor=p.admin,
        partner=partner,
        kinds=list(kinds),
        uses=["turnout_follow_up", "joint_reporting"],
        use_note="Only to call people about the May Day rally.",
        starts_on=starts_on,
        ends_on=ends_on,
        signed_by_user=p.liaison,
    )


def _page(partner, kind=KIND):
    return reverse("coalition:shared-data-detail", args=[partner.pk, kind])


def _export(partner, kind=KIND):
    return reverse("coalition:shared-data-export", args=[partner.pk, kind])


def _names(response):
    return [row[0] for row in response.context["table"]]


# The lifecycle, through services ------------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_grants_an_agreement_and_it_is_audited(personas, source, now):
    w = world(personas)
    agreement = _grant(personas, w.own)
    assert agreement.kinds == [KIND] and agreement.granted_by == personas.admin
    assert agreement.signer_title == f"{personas.liaison}, liaison"
    event = AuditEvent.objects.get(action="coalition.agreement_granted")
    assert event.data["partner_id"] == w.own.pk and event.data["kinds"] == [KIND]
    assert selectors.active_agreement_kinds(w.own, on=TODAY) == [KIND]
    assert selectors.active_agreement_kinds(w.own, on=TODAY - timedelta(days=1)) == []
    assert selectors.active_agreement_kinds(w.own, on=TODAY + timedelta(days=30)) == [KIND]
    assert selectors.active_agreement_kinds(w.own, on=TODAY + timedelta(days=31)) == []


@pytest.mark.django_db
def test_an_unknown_kind_of_data_is_refused_with_a_clear_message(personas, source, now):
    w = world(personas)
    with pytest.raises(ValidationError) as refused:
        _grant(personas, w.own, kinds=[KIND, "events.typo"])
    message = " ".join(refused.value.messages)
    assert "Unknown kind of shared data: events.typo" in message
    assert KIND in message  # the kinds that can be shared are named
    assert not DataSharingAgreement.objects.exists()


@pytest.mark.django_db
def test_only_a_national_admin_grants_or_revokes(personas, source, now):
    w = world(personas)
    for actor in (personas.organizer_a, personas.liaison, personas.member_a):
        with pytest.raises(PermissionDenied):
            services.grant_data_sharing(
                actor=actor,
                partner=w.own,
                kinds=[KIND],
                uses=["turnout_follow_up"],
                starts_on=TODAY,
                ends_on=TODAY,
                signed_by_user=personas.liaison,
            )
    agreement = _grant(personas, w.own)
    with pytest.raises(PermissionDenied):
        services.revoke_data_sharing(actor=personas.liaison, agreement=agreement, reason="No.")
    agreement.refresh_from_db()
    assert agreement.revoked_at is None


@pytest.mark.django_db
def test_an_agreement_needs_uses_sensible_dates_and_a_signer_from_the_partner(
    personas, source, now
):
    w = world(personas)
    base = {
        "actor": personas.admin,
        "partner": w.other,
        "kinds": [KIND],
        "uses": ["turnout_follow_up"],
        "starts_on": TODAY,
        "ends_on": TODAY + timedelta(days=5),
    }
    cases = [
        ({**base, "uses": [], "signed_by_user": personas.admin}, "at least one permitted use"),
        (
            {**base, "ends_on": TODAY - timedelta(days=1), "signed_by_user": personas.admin},
            "cannot end before it starts",
        ),
        (base, "Name who signed"),
        ({**base, "signed_by_user": personas.liaison}, "liaison of this organization"),
        (
            {**base, "signed_by_contact": w.other_contact},
            "officer of this organization",
        ),
    ]
    for kwargs, expected in cases:
        with pytest.raises(ValidationError) as refused:
            services.grant_data_sharing(**kwargs)
        assert expected in " ".join(refused.value.messages)
    officer = services.add_contact(
        actor=personas.admin,
        partner=w.other,
        person=personas.person_member_b,
        role="Secretary-Treasurer",
        is_officer=True,
    )
    agreement = services.grant_data_sharing(**base, signed_by_contact=officer)
    assert agreement.signer_title.endswith("Secretary-Treasurer")


@pytest.mark.django_db
def test_revoking_needs_a_reason_and_happens_once(personas, source, now):
    agreement = _grant(personas, world(personas).own)
    with pytest.raises(ValidationError):
        services.revoke_data_sharing(actor=personas.admin, agreement=agreement, reason="  ")
    services.revoke_data_sharing(
        actor=personas.admin, agreement=agreement, reason="The campaign ended early."
    )
    with pytest.raises(ValidationError):
        services.revoke_data_sharing(actor=personas.admin, agreement=agreement, reason="Again.")
    agreement.refresh_from_db()
    assert agreement.revoked_by == personas.admin
    assert AuditEvent.objects.filter(action="coalition.agreement_revoked").count() == 1


# What the liaison sees, through the client -----------------------------------------------------


@pytest.mark.django_db
def test_the_liaison_sees_rows_shared_under_an_active_agreement(client, personas, source, now):
    w = world(personas)
    source.by_partner = {w.own.pk: sign_ups(30), w.other.pk: sign_ups(3, prefix="Elsewhere")}
    _grant(personas, w.own, starts_on=TODAY - timedelta(days=3))
    client.force_login(personas.liaison)

    listing = client.get(reverse("coalition:shared-data-list", args=[w.own.pk]))
    assert [k.key for k in listing.context["kinds"]] == [KIND]
    assert "Test sign-ups" in listing.content.decode()

    response = client.get(_page(w.own))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 30
    assert _names(response)[:2] == ["Supporter 000", "Supporter 001"]
    assert len(_names(response)) == 25
    assert _names(client.get(_page(w.own), {"page": 2})) == [
        f"Supporter {i:03d}" for i in range(25, 30)
    ]
    body = response.content.decode()
    assert "Elsewhere" not in body and "kept out of every table" not in body
    # the owning app is asked only about this partner, from the agreement's start to today
    assert source.calls[-1] == (w.own.pk, TODAY - timedelta(days=3), TODAY)


@pytest.mark.django_db
def test_viewing_and_exporting_are_audited_without_personal_values(client, personas, source, now):
    w = world(personas)
    source.by_partner = {w.own.pk: sign_ups(4)}
    _grant(personas, w.own)
    client.force_login(personas.liaison)
    client.get(_page(w.own))
    viewed = AuditEvent.objects.get(action="coalition.shared_data_viewed")
    assert viewed.actor == personas.liaison
    assert viewed.data == {"partner_id": w.own.pk, "kind": KIND, "count": 4}

    response = client.get(_export(w.own))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["name", "email", "signed_up_on"]
    assert [r[0] for r in rows[1:]] == [f"Supporter {i:03d}" for i in range(4)]
    exported = AuditEvent.objects.get(action="coalition.shared_data_exported")
    assert exported.data == {"partner_id": w.own.pk, "kind": KIND, "count": 4}
    for event in (viewed, exported):
        assert "Supporter" not in str(event.data) and "example.test" not in str(event.data)


@pytest.mark.django_db
def test_the_export_is_spreadsheet_safe(client, personas, source, now):
    w = world(personas)
    source.by_partner = {
        w.own.pk: [
            {"name": '=HYPERLINK("http://x.test")', "email": "+1@x.test", "signed_up_on": ""}
        ]
    }
    _grant(personas, w.own)
    client.force_login(personas.liaison)
    text = b"".join(client.get(_export(w.own)).streaming_content).decode()
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[0].startswith("'=") and row[1] == "'+1@x.test"


@pytest.mark.django_db
def test_nothing_is_shared_before_the_agreement_starts(client, personas, source, time_machine):
    time_machine.move_to(NOON, tick=False)
    w = world(personas)
    source.by_partner = {w.own.pk: sign_ups(2)}
    _grant(personas, w.own, starts_on=TODAY + timedelta(days=7))
    client.force_login(personas.liaison)
    assert client.get(_page(w.own)).status_code == 404
    assert client.get(_export(w.own)).status_code == 404
    assert client.get(reverse("coalition:shared-data-list", args=[w.own.pk])).context["kinds"] == []
    time_machine.move_to(NOON + timedelta(days=7), tick=False)
    client.force_login(personas.liaison)  # sessions expire; sign in again on the day
    assert client.get(_page(w.own)).status_code == 200
    assert not AuditEvent.objects.filter(action="coalition.shared_data_exported").exists()


@pytest.mark.django_db
def test_an_expired_agreement_hides_the_data_again(client, personas, source, time_machine):
    time_machine.move_to(NOON, tick=False)
    w = world(personas)
    source.by_partner = {w.own.pk: sign_ups(2)}
    _grant(personas, w.own, ends_on=TODAY + timedelta(days=10))
    time_machine.move_to(NOON + timedelta(days=10), tick=False)
    client.force_login(personas.liaison)
    assert client.get(_page(w.own)).status_code == 200  # the last day is included
    time_machine.move_to(NOON + timedelta(days=11), tick=False)
    client.force_login(personas.liaison)
    assert client.get(_page(w.own)).status_code == 404
    assert client.get(_export(w.own)).status_code == 404
    assert selectors.active_agreement_kinds(w.own, on=TODAY + timedelta(days=11)) == []


@pytest.mark.django_db
def test_a_revoked_agreement_hides_the_data_at_once(client, personas, source, now):
    w = world(personas)
    source.by_partner = {w.own.pk: sign_ups(2)}
    agreement = _grant(personas, w.own)
    client.force_login(personas.liaison)
    assert client.get(_page(w.own)).status_code == 200
    client.force_login(personas.admin)
    response = client.post(
        reverse("coalition:agreement-revoke", args=[agreement.pk]),
        {"reason": "The partner shared the list outside the agreed uses."},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.revoked_at is not None
    client.force_login(personas.liaison)
    assert client.get(_page(w.own)).status_code == 404
    assert client.get(_export(w.own)).status_code == 404


@pytest.mark.django_db
def test_an_agreement_covers_only_its_own_kinds(client, personas, now):
    w = world(personas)
    shared, not_shared = FakeSource({w.own.pk: sign_ups(1)}), FakeSource({w.own.pk: sign_ups(1)})
    with registered_source(KIND, shared), registered_source(OTHER_KIND, not_shared):
        _grant(personas, w.own, kinds=[KIND])
        client.force_login(personas.liaison)
        assert client.get(_page(w.own, KIND)).status_code == 200
        assert client.get(_page(w.own, OTHER_KIND)).status_code == 404
        assert client.get(_page(w.own, "no.such.kind")).status_code == 404
    assert not_shared.calls == []


@pytest.mark.django_db
def test_another_partners_liaison_never_sees_the_rows(client, personas, source, now):
    w = world(personas)
    source.by_partner = {w.own.pk: sign_ups(2)}
    _grant(personas, w.own)
    # the liaison persona now speaks for the other organization
    from bloc.coalition.tests.world import make_liaison_of

    make_liaison_of(personas, w.other)
    client.force_login(personas.liaison)
    assert client.get(_page(w.own)).status_code == 404
    assert client.get(_export(w.own)).status_code == 404
    assert client.get(_page(w.other)).status_code == 404  # nothing shared with them
    assert source.calls == []
    assert not AuditEvent.objects.filter(action__startswith="coalition.shared_data").exists()


@pytest.mark.django_db
def test_organizers_members_and_outsiders_get_404(client, personas, source, now):
    w = world(personas)
    source.by_partner = {w.own.pk: sign_ups(2)}
    _grant(personas, w.own)
    for persona in ("organizer_a", "organizer_b", "member_a", "outsider"):
        client.force_login(getattr(personas, persona))
        for url in (
            reverse("coalition:shared-data-list", args=[w.own.pk]),
            _page(w.own),
            _export(w.own),
            reverse("coalition:agreement-list", args=[w.own.pk]),
        ):
            assert client.get(url).status_code == 404, (persona, url)
    assert source.calls == []


@pytest.mark.django_db
def test_the_admin_records_an_agreement_on_the_partner_page(client, personas, source, now):
    w = world(personas)
    client.force_login(personas.admin)
    url = reverse("coalition:agreement-list", args=[w.own.pk])
    assert KIND in client.get(url).content.decode()
    data = {
        "kinds": [KIND],
        "uses": ["joint_reporting"],
        "use_note": "Totals for the joint report only.",
        "starts_on": "2026-12-01",
        "ends_on": "2027-05-31",
        "signer": f"user:{personas.liaison.pk}",
    }
    refused = client.post(url, {**data, "kinds": ["events.typo"]})
    assert refused.status_code == 400 and not DataSharingAgreement.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302
    agreement = DataSharingAgreement.objects.get()
    assert agreement.partner == w.own and agreement.uses == ["joint_reporting"]
    assert (agreement.starts_on, agreement.ends_on) == (date(2026, 12, 1), date(2027, 5, 31))
    assert "upcoming" in client.get(url).content.decode()


@pytest.mark.django_db
def test_agreements_bind_a_partner_that_cannot_then_be_deleted(personas, source, now):
    from django.db.models import ProtectedError

    partner = services.create_partner(actor=None, name="Tenants Together", kind="community")
    make_liaison_of(personas, partner)  # ids differ between databases: never rely on pk 1
    _grant(personas, partner, kinds=[KIND])
    with pytest.raises(ProtectedError):
        Partner.objects.filter(pk=partner.pk).delete()
