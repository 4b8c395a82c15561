"""The audit-log page: scoped to the reader, filterable, paginated, and free of personal values."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from bloc.accounts.audit_views import PAGE_SIZE
from bloc.core.audit import record

pytestmark = pytest.mark.django_db

URL = reverse("accounts:audit-log")


def _events(response) -> list:
    return list(response.context["page_obj"].object_list)


def test_an_organizer_reads_only_the_events_of_their_chapter(client, personas):
    record("test.in_a", actor=personas.admin, chapter_id=personas.chapter_a.pk)
    record("test.in_b", actor=personas.admin, chapter_id=personas.chapter_b.pk)
    record("test.national", actor=personas.admin)
    client.force_login(personas.organizer_a)
    actions = {e.action for e in _events(client.get(URL))}
    assert "test.in_a" in actions
    assert not actions & {"test.in_b", "test.national"}
    client.force_login(personas.admin)
    assert {"test.in_a", "test.in_b", "test.national"} <= {
        e.action for e in _events(client.get(URL))
    }


def test_members_and_outsiders_find_no_audit_log(client, personas):
    for user in (personas.member_a, personas.outsider, personas.liaison):
        client.force_login(user)
        assert client.get(URL).status_code == 404


def test_the_log_filters_by_actor_action_object_and_date(client, personas):
    long_ago = timezone.now() - timedelta(days=30)
    with time_machine.travel(long_ago, tick=False):
        record("test.old", actor=personas.organizer_a, target=personas.chapter_a)
    record("test.new", actor=personas.organizer_a, target=personas.chapter_a)
    record("test.new", actor=personas.organizer_b, target=personas.chapter_b)
    client.force_login(personas.admin)

    by_actor = _events(client.get(URL, {"actor": personas.organizer_b.email.upper()}))
    assert {e.actor_id for e in by_actor} == {personas.organizer_b.pk}
    by_number = _events(client.get(URL, {"actor": str(personas.organizer_a.pk)}))
    assert {e.action for e in by_number} == {"test.old", "test.new"}
    assert _events(client.get(URL, {"actor": "nobody@example.org"})) == []

    by_action = _events(client.get(URL, {"action": "test.new"}))
    assert len(by_action) == 2
    by_object = _events(
        client.get(URL, {"target_type": "people.chapter", "target_id": str(personas.chapter_a.pk)})
    )
    assert {e.action for e in by_object} == {"test.old", "test.new", "people.chapter_created"}
    assert {e.target_id for e in by_object} == {str(personas.chapter_a.pk)}
    since = (timezone.now() - timedelta(days=1)).date().isoformat()
    recent = _events(client.get(URL, {"occurred_from": since, "action": "test.new"}))
    assert len(recent) == 2
    until = (long_ago + timedelta(days=1)).date().isoformat()
    old = _events(client.get(URL, {"occurred_to": until, "target_type": "people.chapter"}))
    assert [e.action for e in old] == ["test.old"]


def test_an_end_date_before_the_start_is_an_error_not_a_crash(client, personas):
    client.force_login(personas.admin)
    response = client.get(URL, {"occurred_from": "2026-05-02", "occurred_to": "2026-05-01"})
    assert response.status_code == 200
    assert b"The end date is before the start date." in response.content
    assert _events(response) == []


def test_pages_keep_the_filters(client, personas):
    for _ in range(PAGE_SIZE + 5):
        record("test.many", actor=personas.admin)
    client.force_login(personas.admin)
    response = client.get(URL, {"action": "test.many"})
    assert response.context["page_obj"].paginator.count == PAGE_SIZE + 5
    assert b"action=test.many&amp;page=2" in response.content
    second = client.get(URL, {"action": "test.many", "page": 2})
    assert len(_events(second)) == 5


def test_the_page_shows_identifiers_never_personal_values(client, personas):
    client.force_login(personas.admin)
    client.get(reverse("people:person-detail", args=[personas.person_member_b.pk]))
    response = client.get(URL)
    html = response.content.decode()
    assert "people.person_viewed" in html
    assert f"account {personas.admin.pk}" in html
    person = personas.person_member_b
    for personal in (person.email, person.first_name, person.last_name, personas.admin.email):
        assert personal not in html
