"""The people page as organizers use it: sorting, standing, search, saved lists, bulk actions."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bloc.core.models import AuditEvent
from bloc.people.lists.models import SavedList, SavedListEntry
from bloc.people.lists.services import save_list
from bloc.people.models import LadderEvent, LadderStage
from bloc.people.services import create_person, record_ladder_step, record_membership

pytestmark = pytest.mark.django_db

LIST = reverse("people:person-list")
BULK = reverse("people:person-bulk")


def _names(response) -> list[str]:
    return [p.last_name for p in response.context["page_obj"].object_list]


@pytest.fixture
def riverside(personas):
    """Three more people in chapter A: a lapsed member, a supporter, a recent volunteer."""
    today = timezone.localdate()
    lapsed = create_person(actor=None, first_name="Una", last_name="Abbot", zip_code="10001")
    record_membership(
        actor=None,
        person=lapsed,
        joined_on=date(2019, 3, 1),
        paid_through_on=today - timedelta(days=400),
    )
    supporter = create_person(
        actor=None, first_name="Zed", last_name="Zimmer", email="zed@x.test", zip_code="10002"
    )
    volunteer = create_person(actor=None, first_name="Vi", last_name="Moss", zip_code="10001")
    record_ladder_step(person=volunteer, stage=LadderStage.VOLUNTEERED)
    return {"lapsed": lapsed, "supporter": supporter, "volunteer": volunteer}


def test_columns_sort_both_ways(client, personas, riverside):
    client.force_login(personas.organizer_a)
    by_name = _names(client.get(LIST, {"sort": "name"}))
    assert by_name == sorted(by_name)
    assert _names(client.get(LIST, {"sort": "-name"})) == list(reversed(by_name))
    joined = client.get(LIST, {"sort": "joined"})
    assert _names(joined)[0] == "Abbot"  # joined 2019, before the personas' 2020
    assert b'aria-sort="ascending"' in joined.content
    assert _names(client.get(LIST, {"sort": "-activity"}))[0] == "Moss"
    assert _names(client.get(LIST, {"sort": "standing"}))[0] == "Abbot"  # paid through longest ago
    client.force_login(personas.admin)
    chapters = [p.chapter.name for p in client.get(LIST, {"sort": "-chapter"}).context["page_obj"]]
    assert chapters[0] == "Riverside Chapter" and chapters[-1] == "Lakeshore Chapter"


def test_standing_filters_members_and_supporters(client, personas, riverside):
    client.force_login(personas.organizer_a)
    assert "Abbot" in _names(client.get(LIST, {"standing": "lapsed"}))
    good = _names(client.get(LIST, {"standing": "good"}))
    assert "Castellan" in good and "Abbot" not in good and "Zimmer" not in good
    assert set(_names(client.get(LIST, {"standing": "supporter"}))) == {"Zimmer", "Moss"}


def test_search_matches_every_word_against_names_emails_and_zips(client, personas, riverside):
    client.force_login(personas.organizer_a)
    assert _names(client.get(LIST, {"q": "zed@x"})) == ["Zimmer"]
    assert _names(client.get(LIST, {"q": "vi moss"})) == ["Moss"]
    assert "Zimmer" in _names(client.get(LIST, {"q": "10002"}))
    assert _names(client.get(LIST, {"q": "50%_"})) == []


@pytest.mark.postgres
def test_on_postgresql_a_misspelt_name_still_finds_the_person(client, personas):
    client.force_login(personas.admin)
    assert _names(client.get(LIST, {"q": "marchety"})) == ["Marchetti"]
    create_person(actor=None, first_name="Ivo", last_name="Marchetty", zip_code="60601")
    # An exact match wins: close spellings are only looked for when nothing matches exactly.
    assert _names(client.get(LIST, {"q": "marchetti"})) == ["Marchetti"]


def test_a_saved_view_is_shared_with_the_chapter_and_nowhere_else(client, personas, riverside):
    client.force_login(personas.organizer_a)
    query = f"standing=supporter&chapter={personas.chapter_a.pk}&sort=-name"
    response = client.post(
        reverse("people:saved-list-list"),
        {"name": "Supporters to call", "share_with_chapter": "on", "query": query},
    )
    saved = SavedList.objects.get()
    assert response.status_code == 302 and saved.chapter == personas.chapter_a
    assert "sort" not in saved.query and "standing=supporter" in saved.query
    event = AuditEvent.objects.get(action="people.saved_list_created")
    assert event.chapter_id == personas.chapter_a.pk and "Supporters" not in str(event.data)

    assert set(_names(client.get(LIST, {"saved_list": saved.pk}))) == {"Zimmer", "Moss"}
    client.force_login(personas.admin)
    assert b"Supporters to call" in client.get(reverse("people:saved-list-list")).content
    client.force_login(personas.organizer_b)
    assert b"Supporters to call" not in client.get(reverse("people:saved-list-list")).content
    assert client.get(LIST, {"saved_list": saved.pk}).status_code == 404
    delete = reverse("people:saved-list-delete", args=[saved.pk])
    assert client.post(delete).status_code == 404


def test_sharing_needs_a_chapter_filter(client, personas):
    client.force_login(personas.organizer_a)
    response = client.post(
        reverse("people:saved-list-list"),
        {"name": "Everyone", "share_with_chapter": "on", "query": ""},
    )
    assert b"Filter the view to one chapter to share it." in response.content
    assert not SavedList.objects.exists()


def test_adding_the_ticked_people_to_a_list_asks_first(client, personas, riverside):
    saved = save_list(actor=personas.organizer_a, name="Doors", query="", chapter=None)
    client.force_login(personas.organizer_a)
    ticked = [riverside["supporter"].pk, riverside["lapsed"].pk]
    payload = {"action": "add_to_list", "scope": "selected", "person": ticked}
    payload |= {"target_list": saved.pk, "query": ""}
    confirm = client.post(BULK, payload)
    assert b"for 2 people?" in confirm.content
    assert not SavedListEntry.objects.exists()

    done = client.post(BULK, payload | {"confirmed": "on"})
    assert done.status_code == 302
    assert set(_names(client.get(LIST, {"saved_list": saved.pk}))) == {"Zimmer", "Abbot"}
    event = AuditEvent.objects.get(action="people.added_to_list")
    assert event.data == {"count": 2, "added": 2}
    client.post(BULK, payload | {"confirmed": "on"})
    assert SavedListEntry.objects.count() == 2  # adding again adds no one twice


def test_a_ladder_step_for_everyone_matching_stays_in_scope(client, personas, riverside):
    client.force_login(personas.organizer_a)
    payload = {"action": "ladder_step", "scope": "all", "stage": "contacted"}
    payload |= {"query": "standing=supporter", "confirmed": "on"}
    assert client.post(BULK, payload).status_code == 302
    stepped = set(LadderEvent.objects.filter(stage="contacted").values_list("person_id", flat=True))
    assert stepped == {riverside["supporter"].pk, riverside["volunteer"].pk}
    event = AuditEvent.objects.get(action="people.ladder_steps_recorded")
    assert event.data == {"stage": "contacted", "count": 2}


def test_exporting_the_selection_is_audited(client, personas, riverside):
    client.force_login(personas.organizer_a)
    payload = {"action": "export", "scope": "selected", "person": [riverside["supporter"].pk]}
    response = client.post(BULK, payload | {"query": ""})
    body = b"".join(response.streaming_content).decode()
    assert "Zimmer" in body and "Castellan" not in body
    event = AuditEvent.objects.get(action="people.exported")
    assert event.data == {"count": 1, "selection": True}


def test_ticking_someone_of_another_chapter_is_not_found(client, personas):
    client.force_login(personas.organizer_a)
    for action in ("export", "ladder_step"):
        payload = {"action": action, "scope": "selected", "stage": "contacted", "query": ""}
        response = client.post(BULK, payload | {"person": [personas.person_member_b.pk]})
        assert response.status_code == 404
    assert not LadderEvent.objects.filter(stage="contacted").exists()


def test_deleting_a_list_is_confirmed_and_only_by_its_owner(client, personas, riverside):
    saved = save_list(
        actor=personas.organizer_a, name="Doors", query="", chapter=personas.chapter_a
    )
    url = reverse("people:saved-list-delete", args=[saved.pk])
    client.force_login(personas.admin)
    page = client.get(url)
    assert b'class="danger"' in page.content and SavedList.objects.exists()
    client.force_login(personas.organizer_a)
    assert client.post(url).status_code == 302
    assert not SavedList.objects.exists()
    assert AuditEvent.objects.filter(action="people.saved_list_deleted").count() == 1
