from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bloc.core.models import AuditEvent
from bloc.people import selectors, services
from bloc.people.models import (
    Channel,
    ChapterAssignment,
    ConsentEvent,
    DuesPlan,
    LadderEvent,
    Membership,
    Person,
    PersonEmail,
)
from bloc.people.tasks import send_person_email

pytestmark = pytest.mark.django_db


def test_a_person_is_assigned_to_the_chapter_of_their_zip(personas):
    person = services.create_person(actor=personas.admin, email="z@x.test", zip_code="60601-1234")
    assert person.chapter == personas.chapter_b
    assert person.zip_code == "60601"
    assert ChapterAssignment.objects.get(person=person).reason == "zip"


def test_a_zip_outside_every_chapter_is_at_large(personas):
    person = services.create_person(actor=None, email="far@x.test", zip_code="82001")
    assert person.chapter is None


def test_duplicates_by_normalized_email_or_e164_phone_are_refused(personas):
    services.create_person(actor=None, email="Dup@X.test", phone="(212) 555-0142")
    with pytest.raises(services.DuplicatePerson):
        services.create_person(actor=None, email="  dup@x.TEST ")
    with pytest.raises(services.DuplicatePerson):
        services.create_person(actor=None, phone="+1 212-555-0142")


def test_invalid_email_and_phone_are_rejected_with_a_message(db):
    with pytest.raises(ValidationError):
        services.create_person(actor=None, email="nope")
    with pytest.raises(ValidationError, match="phone"):
        services.create_person(actor=None, phone="12")


def test_changing_zip_moves_chapter_and_keeps_history(personas):
    person = personas.person_member_a
    services.update_person(actor=personas.admin, person=person, zip_code="60602")
    person.refresh_from_db()
    assert person.chapter == personas.chapter_b
    reasons = list(ChapterAssignment.objects.filter(person=person).values_list("reason", flat=True))
    assert reasons == ["zip", "zip"]


def test_an_organizer_cannot_edit_someone_in_another_chapter(personas):
    with pytest.raises(PermissionDenied):
        services.update_person(
            actor=personas.organizer_a, person=personas.person_member_b, first_name="X"
        )


def test_transfer_by_request_needs_the_receiving_chapter(personas):
    transfer = services.request_transfer(
        actor=personas.member_a, person=personas.person_member_a, to_chapter=personas.chapter_b
    )
    with pytest.raises(ValidationError):
        services.request_transfer(
            actor=personas.member_a, person=personas.person_member_a, to_chapter=personas.chapter_b
        )
    with pytest.raises(PermissionDenied):
        services.decide_transfer(actor=personas.organizer_a, transfer=transfer, approve=True)
    services.decide_transfer(actor=personas.organizer_b, transfer=transfer, approve=True)
    personas.person_member_a.refresh_from_db()
    assert personas.person_member_a.chapter == personas.chapter_b
    assert ChapterAssignment.objects.filter(
        person=personas.person_member_a, reason="request"
    ).exists()


def test_merge_keeps_both_histories(personas):
    a = services.create_person(
        actor=None,
        email="one@x.test",
        first_name="Jo",
        zip_code="10001",
        consents={"email": "opted_in"},
    )
    b = services.create_person(
        actor=None, email="two@x.test", phone="+13125550177", last_name="Rivera", zip_code="10002"
    )
    services.record_membership(
        actor=None, person=b, joined_on=date(2019, 5, 1), paid_through_on=date(2027, 1, 1)
    )
    services.record_ladder_step(
        person=a, stage="pledged", attribution_type="pledge", attribution_id="7"
    )
    services.set_consent(actor=None, person=b, channel=Channel.SMS, opted_in=True, source="form")

    record = services.merge_people(actor=personas.organizer_a, survivor=a, merged=b)

    a.refresh_from_db()
    b.refresh_from_db()
    assert b.merged_into == a and b.last_name == "Rivera"  # tombstone keeps its own fields
    assert a.last_name == "Rivera" and a.phone == "+13125550177"  # blanks filled
    assert set(a.emails.values_list("normalized", flat=True)) == {"one@x.test", "two@x.test"}
    assert a.membership.joined_on == date(2019, 5, 1)
    stages = set(LadderEvent.objects.filter(person=a).values_list("stage", flat=True))
    assert stages == {"pledged", "joined"}
    assert selectors.current_consent(a) == {"email": "opted_in", "sms": "opted_in"}
    assert ChapterAssignment.objects.filter(person=a).count() == 2
    assert record.moved["emails"] == 1
    assert not Person.objects.live().filter(pk=b.pk).exists()
    assert AuditEvent.objects.filter(action="people.merged", target_id=str(a.pk)).exists()
    with pytest.raises(ValidationError):
        services.merge_people(actor=None, survivor=a, merged=b)


def test_merging_keeps_the_latest_paid_through_date(personas):
    a = services.create_person(actor=None, email="m1@x.test", zip_code="10001")
    b = services.create_person(actor=None, email="m2@x.test", zip_code="10001")
    services.record_membership(
        actor=None, person=a, joined_on=date(2022, 1, 1), paid_through_on=date(2025, 1, 1)
    )
    services.record_membership(
        actor=None, person=b, joined_on=date(2021, 1, 1), paid_through_on=date(2026, 12, 1)
    )
    services.merge_people(actor=None, survivor=a, merged=b)
    a.membership.refresh_from_db()
    assert (a.membership.joined_on, a.membership.paid_through_on) == (
        date(2021, 1, 1),
        date(2026, 12, 1),
    )


def test_opt_out_is_honoured_by_the_next_send(personas):
    person = personas.person_member_a
    result = send_person_email.enqueue(person.pk, "Hello", "First message")
    assert result.return_value == "sent"
    assert len(mail.outbox) == 1
    services.set_consent(
        actor=personas.member_a,
        person=person,
        channel=Channel.EMAIL,
        opted_in=False,
        source="unsubscribe",
    )
    result = send_person_email.enqueue(person.pk, "Hello again", "Second message")
    assert result.return_value == "skipped: no consent"
    assert len(mail.outbox) == 1
    # Credentials and receipts (transactional) still reach the member.
    send_person_email.enqueue(person.pk, "Your voting code", "…", transactional=True)
    assert len(mail.outbox) == 2


def test_opt_out_everywhere_covers_every_channel(personas):
    person = personas.person_member_a
    services.opt_out_everywhere(actor=None, person=person, source="STOP")
    assert all(not selectors.can_contact(person, c) for c in Channel)
    assert ConsentEvent.objects.filter(person=person, status="opted_out").count() == len(Channel)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    offset=st.integers(min_value=-800, max_value=800),
    grace=st.integers(min_value=0, max_value=400),
    plan=st.sampled_from(DuesPlan.values),
    status=st.sampled_from(Membership.Status.values),
    has_paid=st.booleans(),
)
def test_good_standing_query_agrees_with_the_model_rule(
    personas, offset, grace, plan, status, has_paid
):
    membership = personas.person_member_a.membership
    as_of = date(2026, 11, 1)
    Membership.objects.filter(pk=membership.pk).update(
        dues_plan=plan,
        status=status,
        paid_through_on=as_of + timedelta(days=offset) if has_paid else None,
        joined_on=date(2020, 1, 1),
    )
    membership.refresh_from_db()
    in_query = (
        selectors.memberships_in_good_standing(as_of=as_of, grace_days=grace)
        .filter(pk=membership.pk)
        .exists()
    )
    assert in_query == membership.is_in_good_standing(as_of, grace)


def test_create_chapter_refuses_a_zip_already_in_a_jurisdiction(personas):
    with pytest.raises(ValidationError, match="10001"):
        services.create_chapter(actor=personas.admin, name="Overlap", zip_codes=["10001"])
    with pytest.raises(PermissionDenied):
        services.create_chapter(actor=personas.organizer_a, name="Mine", zip_codes=["94110"])


def test_emails_are_unique_dedupe_keys(personas):
    assert PersonEmail.objects.filter(normalized=personas.person_member_a.email).count() == 1


def test_an_organizer_changing_a_zip_into_another_chapter_only_asks_that_chapter(personas):
    """Editing the ZIP cannot move a member into a chapter the editor does not run: the move
    waits for the receiving chapter's approval (issue 15)."""
    from bloc.people import services as people_services
    from bloc.people.models import TransferRequest

    p = personas
    person = people_services.update_person(
        actor=p.organizer_a, person=p.person_member_a, zip_code="60601"
    )
    person.refresh_from_db()
    assert person.chapter_id == p.chapter_a.pk
    assert person.zip_code == "60601"
    (transfer,) = TransferRequest.objects.filter(person=person, status="pending")
    assert transfer.to_chapter_id == p.chapter_b.pk
    people_services.decide_transfer(actor=p.organizer_b, transfer=transfer, approve=True)
    person.refresh_from_db()
    assert person.chapter_id == p.chapter_b.pk


def test_a_national_admin_or_the_member_moves_by_zip_directly(personas):
    from bloc.people import services as people_services

    p = personas
    people_services.update_person(actor=p.admin, person=p.person_member_a, zip_code="60601")
    p.person_member_a.refresh_from_db()
    assert p.person_member_a.chapter_id == p.chapter_b.pk
    people_services.update_person(actor=p.member_b, person=p.person_member_b, zip_code="10001")
    p.person_member_b.refresh_from_db()
    assert p.person_member_b.chapter_id == p.chapter_a.pk


def test_a_merge_keeps_the_strictest_consent_per_channel(personas):
    """Issue 16, item 3: the merged record had unsubscribed; the survivor had opted in later.
    After the merge the survivor is opted out, whatever the order of the ledger rows."""
    from bloc.people import selectors as people_selectors
    from bloc.people import services as people_services

    old = people_services.create_person(
        actor=None,
        email="old.address@example.test",
        first_name="Iris",
        last_name="Vale",
        consents={"email": "opted_in", "sms": "opted_in"},
        consent_source="test",
    )
    people_services.opt_out_everywhere(actor=None, person=old, source="unsubscribe link")
    new = people_services.create_person(
        actor=None,
        email="new.address@example.test",
        first_name="Iris",
        last_name="Vale",
        consents={"email": "opted_in"},
        consent_source="pledge form",
    )
    people_services.merge_people(actor=None, survivor=new, merged=old)
    consent = people_selectors.current_consent(new)
    assert consent["email"] == "opted_out" and consent["sms"] == "opted_out"
    assert not people_selectors.can_contact(new, "email")
