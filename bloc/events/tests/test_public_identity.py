"""Issue 16, item 5: public forms never re-subscribe people who unsubscribed, and never file a
new email under the owner of a phone number."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from bloc.events import services
from bloc.events.tests import builders
from bloc.people import services as people
from bloc.people.models import IdentityReview, Person, PersonPhone
from bloc.people.selectors import can_contact

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://[^\s]+/people/confirm/[^\s/]+/")


def test_an_rsvp_never_resubscribes_an_unsubscribed_person_it_asks_by_email(
    personas, client, django_capture_on_commit_callbacks
):
    event, _ = builders.approved_event(personas.admin)
    person = personas.person_member_a
    people.opt_out_everywhere(actor=None, person=person, source="unsubscribe link")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.rsvp(
            actor=None,
            timeslot=event.timeslots.first(),
            email=person.email,
            email_opt_in=True,
            zip_code="60602",
        )
    assert not can_contact(person, "email")
    (link,) = [m for m in (LINK.search(x.body) for x in mail.outbox) if m]
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    assert not can_contact(person, "email"), "opening the link changes nothing"
    client.post("/" + path)
    assert can_contact(person, "email")


def test_a_new_email_with_someone_elses_phone_is_a_new_record_and_a_review(personas):
    event, _ = builders.approved_event(personas.admin)
    owner = people.create_person(
        actor=None, email="phone.owner@example.org", phone="312-555-0177", first_name="Pia"
    )
    rsvp, _ = services.rsvp(
        actor=None,
        timeslot=event.timeslots.first(),
        email="someone.new@example.org",
        phone="+1 312 555 0177",
        zip_code="60602",
    )
    assert rsvp.person != owner
    assert rsvp.person.email == "someone.new@example.org"
    assert PersonPhone.objects.get(number=owner.phone).person == owner
    owner.refresh_from_db()
    assert owner.email == "phone.owner@example.org"
    (review,) = IdentityReview.objects.all()
    assert (review.person, review.other) == (rsvp.person, owner)


def test_organizers_see_and_resolve_reviews_in_their_chapters(personas, client):
    event, _ = builders.approved_event(personas.admin)
    people.create_person(
        actor=None, email="owner.b@example.org", phone="312-555-0178", zip_code="60601"
    )
    services.rsvp(
        actor=None,
        timeslot=event.timeslots.first(),
        email="new.b@example.org",
        phone="312-555-0178",
        zip_code="60602",
    )
    client.force_login(personas.organizer_b)
    page = client.get(reverse("people:review-list"))
    (review,) = page.context["reviews"]
    client.force_login(personas.organizer_a)
    assert client.get(reverse("people:review-list")).context["reviews"] == []
    assert client.post(reverse("people:review-resolve", args=[review.pk])).status_code == 404
    client.force_login(personas.organizer_b)
    client.post(reverse("people:review-resolve", args=[review.pk]))
    assert IdentityReview.objects.get().resolved_at is not None
    assert Person.objects.filter(email="new.b@example.org").exists()
