"""A private event is reached by an unguessable link only: its title-based address (slug) is a
404 for everyone, and every link the app gives out for it carries its random token."""

import pytest
from django.core import mail
from django.urls import reverse

from bloc.events.models import Event
from bloc.events.tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def private(personas):
    event, _ = builders.approved_event(
        personas.admin, title="House meeting at Rosa's", visibility=Event.Visibility.PRIVATE
    )
    return event


def test_a_private_event_has_a_long_random_link_token(personas, private):
    other, _ = builders.approved_event(
        personas.admin, title="House meeting at Rosa's", visibility=Event.Visibility.PRIVATE
    )
    assert len(private.link_token) >= 22 and private.link_token != other.link_token
    assert private.url_key == private.link_token
    assert private.slug.startswith("house-meeting-at-rosas")  # guessable: never an address


@pytest.mark.parametrize("name", ["events:event-detail", "events:event-ical"])
def test_the_slug_of_a_private_event_is_a_404_for_everyone(client, personas, private, name):
    for user in (None, personas.member_a, personas.organizer_b, personas.admin):
        client.logout()
        if user:
            client.force_login(user)
        assert client.get(reverse(name, args=[private.slug])).status_code == 404
    client.logout()
    assert client.get(reverse(name, args=[private.link_token])).status_code == 200


def test_no_rsvp_by_the_slug_of_a_private_event(client, personas, private):
    data = {"timeslot": private.timeslots.get().pk, "first_name": "Ivy", "zip_code": "60602"}
    response = client.post(reverse("events:rsvp-create", args=[private.slug]), data)
    assert response.status_code == 404
    assert not private.rsvps.exists()


def test_the_private_page_and_its_email_link_only_by_token(
    client, personas, private, django_capture_on_commit_callbacks
):
    page = client.get(reverse("events:event-detail", args=[private.link_token])).content.decode()
    assert f"/e/{private.slug}/" not in page
    assert reverse("events:rsvp-create", args=[private.link_token]) in page
    assert reverse("events:event-ical", args=[private.link_token]) in page
    builders.public_rsvp(
        client,
        private,
        django_capture_on_commit_callbacks,
        first_name="Ivy",
        email="ivy.private@example.org",
    )
    assert private.rsvps.count() == 1
    body = mail.outbox[-1].body
    assert reverse("events:event-detail", args=[private.link_token]) in body
    assert f"/e/{private.slug}/" not in body


def test_a_public_event_keeps_its_slug_and_has_no_second_address(client, personas):
    event, _ = builders.approved_event(personas.admin)
    assert event.url_key == event.slug
    assert client.get(reverse("events:event-detail", args=[event.slug])).status_code == 200
    assert client.get(reverse("events:event-detail", args=[event.link_token])).status_code == 404


def test_staff_pages_link_to_the_private_address(client, personas, private):
    client.force_login(personas.admin)
    page = client.get(reverse("events:event-manage", args=[private.pk])).content.decode()
    assert reverse("events:event-detail", args=[private.link_token]) in page
    assert f"/e/{private.slug}/" not in page


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_existing_event_its_own_token():
    from datetime import timedelta

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    before, after = ("events", "0003_rsvp_intake"), ("events", "0004_event_link_token")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps.get_model("events", "Event")
    now = timezone.now()
    for n in range(3):
        old.objects.create(
            title=f"Old {n}", slug=f"old-{n}", event_type="rally", visibility="private",
            timezone="America/Chicago", starts_at=now, ends_at=now + timedelta(hours=1),
        )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate([after])
    new = executor.loader.project_state([after]).apps.get_model("events", "Event")
    tokens = list(new.objects.values_list("link_token", flat=True))
    assert len(tokens) == 3 and len(set(tokens)) == 3 and all(len(t) >= 22 for t in tokens)
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
