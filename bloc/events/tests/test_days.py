"""National staff call and edit days of action; everyone else is turned away."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from bloc.coalition import services as coalition
from bloc.core.models import AuditEvent
from bloc.events import services
from bloc.events.models import DayOfAction
from bloc.events.tests import builders

pytestmark = pytest.mark.django_db


def _partner(actor, name):
    return coalition.create_partner(actor=actor, name=name, kind="community")


def _form(**overrides):
    start = timezone.localdate() + timedelta(days=30)
    data = {
        "name": "May Day 2028: Strike for Our Future",
        "starts_on": start.isoformat(),
        "ends_on": start.isoformat(),
        "description": "One day, every town.",
        "demands": "A union contract for all\nHousing for all",
        "toolkit_url": "toolkit.example.org/may-day",
        "is_published": "on",
    }
    data.update(overrides)
    return data


def test_national_staff_call_a_day_of_action_from_the_staff_list(client, personas):
    tenants = _partner(personas.admin, "Tenants United (fictional)")
    client.force_login(personas.admin)
    listing = client.get(reverse("events:moderation-queue")).content.decode()
    assert reverse("events:day-create") in listing and "No days of action yet." in listing
    page = client.get(reverse("events:day-create")).content.decode()
    assert "Tenants United (fictional)" in page and "1.0 mi" in page
    response = client.post(reverse("events:day-create"), _form(partners=[tenants.pk]))
    day = DayOfAction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:day-edit", args=[day.pk])
    assert day.slug == "may-day-2028-strike-for-our-future"
    assert day.demand_list() == ["A union contract for all", "Housing for all"]
    assert day.toolkit_url == "https://toolkit.example.org/may-day"
    assert list(day.partners.all()) == [tenants] and day.is_published
    assert AuditEvent.objects.filter(
        action="events.day_created", actor=personas.admin, target_id=str(day.pk)
    ).exists()
    public = client.get(reverse("events:day-detail", args=[day.slug])).content.decode()
    assert "Housing for all" in public and "Tenants United (fictional)" in public
    listing = client.get(reverse("events:moderation-queue")).content.decode()
    assert reverse("events:day-edit", args=[day.pk]) in listing


def test_the_form_explains_what_is_wrong_and_writes_nothing(client, personas):
    client.force_login(personas.admin)
    start = timezone.localdate() + timedelta(days=30)
    response = client.post(
        reverse("events:day-create"),
        _form(
            name="",
            ends_on=(start - timedelta(days=1)).isoformat(),
            toolkit_url="not a link",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in html
    assert "A day of action cannot end before it starts." in html
    assert "Enter a valid URL." in html
    assert not DayOfAction.objects.exists()


@pytest.mark.parametrize("persona", ["organizer_a", "organizer_b", "member_a", "liaison"])
def test_only_national_staff_may_create_or_edit_days(client, personas, persona):
    day = builders.day_of_action()
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("events:day-create")).status_code == 404
    assert client.post(reverse("events:day-create"), _form()).status_code == 404
    assert client.get(reverse("events:day-edit", args=[day.pk])).status_code == 404
    edit = client.post(reverse("events:day-edit", args=[day.pk]), _form(name="Hijacked"))
    assert edit.status_code == 404
    day.refresh_from_db()
    assert DayOfAction.objects.count() == 1 and day.name == "Solidarity Day"


def test_organizers_see_published_days_without_edit_links(client, personas):
    published = builders.day_of_action("Solidarity Day")
    draft = services.create_day_of_action(
        actor=personas.admin,
        name="Secret Planning Day",
        starts_on=published.starts_on,
        ends_on=published.ends_on,
        is_published=False,
    )
    client.force_login(personas.organizer_b)
    listing = client.get(reverse("events:moderation-queue")).content.decode()
    assert "Solidarity Day" in listing and "Secret Planning Day" not in listing
    assert reverse("events:day-create") not in listing
    assert reverse("events:day-edit", args=[published.pk]) not in listing
    client.force_login(personas.admin)
    listing = client.get(reverse("events:moderation-queue")).content.decode()
    assert "Secret Planning Day" in listing and "Draft" in listing
    assert reverse("events:day-edit", args=[draft.pk]) in listing


def test_editing_keeps_the_address_and_audits_which_fields_changed(client, personas):
    tenants = _partner(personas.admin, "Tenants United (fictional)")
    transit = _partner(personas.admin, "Neighbors for Transit (fictional)")
    day = builders.day_of_action()
    day.partners.set([tenants])
    slug = day.slug
    client.force_login(personas.admin)
    page = client.get(reverse("events:day-edit", args=[day.pk])).content.decode()
    assert 'value="Solidarity Day"' in page and "Fair contracts" in page
    response = client.post(
        reverse("events:day-edit", args=[day.pk]),
        _form(
            name="Solidarity Day 2028",
            starts_on=day.starts_on.isoformat(),
            ends_on=day.ends_on.isoformat(),
            demands="Fair contracts\nSafe housing",
            description="",
            toolkit_url="",
            partners=[transit.pk],
        ),
        follow=True,
    )
    assert "Saved “Solidarity Day 2028”." in response.content.decode()
    day.refresh_from_db()
    assert day.name == "Solidarity Day 2028" and day.slug == slug
    assert list(day.partners.all()) == [transit]
    audit = AuditEvent.objects.get(action="events.day_updated")
    assert audit.data == {
        "changed": ["name"],
        "partners_added": [transit.pk],
        "partners_removed": [tenants.pk],
    }


def test_unpublishing_takes_the_day_off_the_public_site_and_the_host_form(client, personas):
    day = builders.day_of_action()
    assert client.get(reverse("events:day-detail", args=[day.slug])).status_code == 200
    services.update_day_of_action(
        actor=personas.admin,
        day=day,
        name=day.name,
        starts_on=day.starts_on,
        ends_on=day.ends_on,
        demands=day.demands,
        is_published=False,
    )
    assert client.get(reverse("events:day-detail", args=[day.slug])).status_code == 404
    assert "Solidarity Day" not in client.get(reverse("events:event-submit")).content.decode()


def test_moving_the_dates_warns_about_events_left_outside(client, personas):
    day = builders.day_of_action()
    builders.approved_event(personas.admin, day=day, start=builders.at(10, 12))
    client.force_login(personas.admin)
    later = day.starts_on + timedelta(days=7)
    response = client.post(
        reverse("events:day-edit", args=[day.pk]),
        _form(
            name=day.name,
            starts_on=later.isoformat(),
            ends_on=later.isoformat(),
            demands=day.demands,
        ),
        follow=True,
    )
    assert "1 event of this day starts outside its new dates" in response.content.decode()
    same = client.post(
        reverse("events:day-edit", args=[day.pk]),
        _form(name=day.name, starts_on=later.isoformat(), ends_on=later.isoformat()),
    )
    assert same.status_code == 302


def test_an_edit_that_changes_nothing_writes_no_audit_event(personas):
    day = builders.day_of_action()
    services.update_day_of_action(
        actor=personas.admin,
        day=day,
        name=day.name,
        starts_on=day.starts_on,
        ends_on=day.ends_on,
        demands=day.demands,
    )
    assert not AuditEvent.objects.filter(action="events.day_updated").exists()


def test_the_services_refuse_organizers_and_impossible_dates(personas):
    day = builders.day_of_action()
    with pytest.raises(PermissionDenied):
        services.update_day_of_action(
            actor=personas.organizer_b,
            day=day,
            name="x",
            starts_on=day.starts_on,
            ends_on=day.ends_on,
        )
    with pytest.raises(PermissionDenied):
        services.create_day_of_action(
            actor=personas.organizer_b, name="x", starts_on=day.starts_on, ends_on=day.ends_on
        )
    with pytest.raises(ValidationError) as wrong:
        services.update_day_of_action(
            actor=personas.admin,
            day=day,
            name="Solidarity Day",
            starts_on=day.starts_on,
            ends_on=day.starts_on - timedelta(days=1),
        )
    assert "cannot end before it starts" in str(wrong.value)
    with pytest.raises(ValidationError):
        services.create_day_of_action(
            actor=personas.admin, name="  ", starts_on=day.starts_on, ends_on=day.ends_on
        )


def test_the_staff_list_query_count_does_not_grow_with_days(
    client, personas, django_assert_max_num_queries
):
    for i in range(8):
        builders.day_of_action(f"Day {i}")
    client.force_login(personas.admin)
    with django_assert_max_num_queries(12):
        client.get(reverse("events:moderation-queue"))
