"""The public membership form: a pending membership, the same dedupe as RSVPs, nothing changed
on an existing record, a thank-you page that says what happens next."""

from datetime import date

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from bloc.people import selectors
from bloc.people.joining import services
from bloc.people.models import ConsentEvent, LadderEvent, Membership, Person
from bloc.people.payments.refs import person_ref
from bloc.people.services import create_person
from bloc.people.tests import payments_fixtures as fx

pytestmark = pytest.mark.django_db

FORM = {
    "first_name": "Ola",
    "last_name": "Ferris",
    "email": "ola.ferris@example.org",
    "phone": "",
    "zip_code": "60601",
    "dues": "monthly",
    "email_opt_in": "on",
}


def test_joining_makes_a_person_in_the_chapter_of_their_zip_and_a_pending_membership(
    client, personas, django_capture_on_commit_callbacks
):
    with override_settings(**fx.PAYMENT_SETTINGS), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:join"), FORM)
        assert response.status_code == 302
        thanks = client.get(response["Location"])
    person = Person.objects.get(email="ola.ferris@example.org")
    assert person.chapter == personas.chapter_b
    membership = person.membership
    assert membership.status == Membership.Status.PENDING and membership.dues_plan == "monthly"
    assert not membership.is_in_good_standing()
    assert not selectors.memberships_in_good_standing(as_of=date.today(), grace_days=365).filter(
        pk=membership.pk
    )
    assert not LadderEvent.objects.filter(person=person, stage="joined").exists()
    assert selectors.current_consent(person) == {"email": "opted_in"}
    page = thanks.content.decode()
    assert personas.chapter_b.name in page
    assert f"client_reference_id={person_ref(person.pk)}" in page
    assert "Pay dues with Stripe" in page and "ola.ferris" not in page
    assert mail.outbox[-1].to == ["ola.ferris@example.org"]


def test_the_thank_you_page_without_a_processor_says_an_organizer_will_explain(client, personas):
    response = client.post(reverse("people:join"), FORM, follow=True)
    assert "An organizer will tell you how to pay" in response.content.decode()


def test_a_hardship_request_goes_to_staff_who_can_grant_it(client, personas):
    response = client.post(reverse("people:join"), {**FORM, "dues": "hardship"}, follow=True)
    assert "hardship waiver" in response.content.decode() and "Pay dues" not in (
        response.content.decode()
    )
    membership = Membership.objects.get(person__email="ola.ferris@example.org")
    assert membership.waiver_requested and membership.status == "pending"
    client.force_login(personas.organizer_a)
    assert membership not in client.get(reverse("people:application-list")).context["applications"]
    client.force_login(personas.organizer_b)
    assert membership in client.get(reverse("people:application-list")).context["applications"]
    client.post(reverse("people:application-decide", args=[membership.pk]), {"decision": "waive"})
    membership.refresh_from_db()
    assert membership.status == "waived" and membership.is_in_good_standing()
    assert LadderEvent.objects.filter(person=membership.person, stage="joined").count() == 1


def test_a_known_address_changes_nothing_on_the_record_and_raises_no_consent(client, personas):
    known = create_person(
        actor=None,
        email="kept@example.org",
        first_name="Kept",
        phone="+13125550199",
        zip_code="10001",
        consents={"email": "opted_out"},
        consent_source="test",
    )
    before = (known.first_name, known.last_name, known.phone, known.chapter_id, known.zip_code)
    anonymous = client.post(reverse("people:join"), {**FORM, "email": "new@example.org"})
    response = client.post(
        reverse("people:join"),
        {
            **FORM,
            "email": "KEPT@example.org",
            "first_name": "Intruder",
            "sms_opt_in": "on",
            "phone": "+13125550123",
        },
    )
    assert response.status_code == anonymous.status_code == 302
    known.refresh_from_db()
    assert (known.first_name, known.last_name, known.phone, known.chapter_id, known.zip_code) == (
        before
    )
    assert ConsentEvent.objects.filter(person=known).count() == 1
    assert selectors.current_consent(known) == {"email": "opted_out"}
    assert known.membership.status == "pending"  # an application, nothing else
    assert Person.objects.filter(email="kept@example.org").count() == 1


def test_an_active_member_applying_again_changes_nothing(client, personas):
    membership = personas.person_member_a.membership
    before = (membership.status, membership.paid_through_on, membership.dues_plan)
    client.post(reverse("people:join"), {**FORM, "email": personas.person_member_a.email})
    membership.refresh_from_db()
    assert (membership.status, membership.paid_through_on, membership.dues_plan) == before


@override_settings(BLOC_RATE_JOIN="2/h")
def test_the_form_is_rate_limited_per_client(client, personas):
    codes = [
        client.post(reverse("people:join"), {**FORM, "email": f"r{i}@example.org"}).status_code
        for i in range(3)
    ]
    assert codes == [302, 302, 429]
    assert not Person.objects.filter(email="r2@example.org").exists()


def test_an_invalid_form_is_a_400_with_messages(client, db):
    response = client.post(reverse("people:join"), {**FORM, "zip_code": "abc", "dues": "free"})
    assert response.status_code == 400
    assert not Person.objects.exists()


def test_a_forged_thank_you_link_is_a_404(client, db):
    assert client.get(reverse("people:join-thanks", args=["nope"])).status_code == 404


def test_pay_links_carry_the_reference_of_the_person(personas):
    with override_settings(**fx.PAYMENT_SETTINGS):
        links = services.pay_links(person_id=7, dues_plan="annual")
    assert links == [
        ("Stripe", f"https://buy.stripe.test/annual?client_reference_id={person_ref(7)}")
    ]
