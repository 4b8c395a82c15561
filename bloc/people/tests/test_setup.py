"""Setup pages: a national admin grants roles through pickers and draws chapters' ZIP areas."""

import pytest
from django.urls import reverse

from bloc.accounts.models import Role, RoleAssignment
from bloc.accounts.services import create_user
from bloc.core.models import AuditEvent
from bloc.people.models import Chapter, ChapterZip

pytestmark = pytest.mark.django_db

GRANT = reverse("people:setup-role-grant")


def test_a_national_admin_finds_an_account_and_a_chapter_and_grants_a_role(client, personas):
    newcomer = create_user(email="newcomer@example.org", display_name="Nia Newcomer")
    client.force_login(personas.admin)
    picks = client.get(reverse("people:setup-pick-account"), {"account_q": "newcom"})
    assert b"newcomer@example.org" in picks.content
    assert f'value="{newcomer.pk}"'.encode() in picks.content
    chapters = client.get(reverse("people:setup-pick-chapter"), {"chapter_q": "lake"})
    assert b"Lakeshore Chapter" in chapters.content and b"Riverside" not in chapters.content

    no_script = client.get(GRANT, {"account_q": "Nia", "chapter_q": "Lake"})
    assert b"newcomer@example.org" in no_script.content and b"Lakeshore" in no_script.content
    response = client.post(
        GRANT,
        {"account": newcomer.pk, "role": Role.CHAPTER_ORGANIZER, "chapter": personas.chapter_b.pk},
    )
    assert response.status_code == 302
    grant = RoleAssignment.objects.active().get(user=newcomer)
    assert (grant.role, grant.scope_id) == (Role.CHAPTER_ORGANIZER, personas.chapter_b.pk)
    assert AuditEvent.objects.filter(action="accounts.role_granted", actor=personas.admin).exists()
    assert b"Lakeshore Chapter" in client.get(GRANT).content


def test_a_chapter_organizer_role_needs_a_chapter(client, personas):
    client.force_login(personas.admin)
    response = client.post(GRANT, {"account": personas.outsider.pk, "role": Role.CHAPTER_ORGANIZER})
    assert b"Find the chapter and choose it." in response.content
    assert not RoleAssignment.objects.filter(user=personas.outsider).exists()


def test_only_national_admins_reach_setup_pages(client, personas):
    client.force_login(personas.organizer_a)
    for url in (
        GRANT,
        reverse("people:setup-pick-account") + "?account_q=ad",
        reverse("people:setup-chapter-create"),
        reverse("people:setup-chapter-edit", args=[personas.chapter_a.slug]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(GRANT, {"account": personas.organizer_a.pk, "role": Role.NATIONAL_ADMIN})
    assert response.status_code == 404
    assert not RoleAssignment.objects.filter(
        user=personas.organizer_a, role=Role.NATIONAL_ADMIN
    ).exists()


def test_a_new_chapter_shows_zip_conflicts_and_is_created_without_them(client, personas):
    client.force_login(personas.admin)
    url = reverse("people:setup-chapter-create")
    conflict = client.post(url, {"name": "Harbor", "state": "ny", "zip_codes": "10003, 10001"})
    assert b"ZIP codes already in another chapter" in conflict.content
    assert b"Riverside Chapter" in conflict.content
    assert not Chapter.objects.filter(name="Harbor").exists()
    bad = client.post(url, {"name": "Harbor", "zip_codes": "10003 nope"})
    assert b"Not ZIP codes: nope." in bad.content

    done = client.post(url, {"name": "Harbor", "state": "ny", "zip_codes": "10003\n10004"})
    harbor = Chapter.objects.get(name="Harbor")
    assert done.status_code == 302 and harbor.state == "NY"
    assert set(harbor.zips.values_list("zip_code", flat=True)) == {"10003", "10004"}


def test_renaming_and_removing_zips_is_confirmed_and_audited(client, personas):
    chapter = personas.chapter_a
    url = reverse("people:setup-chapter-edit", args=[chapter.slug])
    client.force_login(personas.admin)
    assert b"10001\n10002" in client.get(url).content
    payload = {"name": "Riverside & Heights", "state": "NY", "zip_codes": "10001 10005"}
    ask = client.post(url, payload)
    assert b"1 ZIP code will leave" in ask.content and b'class="danger"' in ask.content
    assert ChapterZip.objects.filter(zip_code="10002", chapter=chapter).exists()

    done = client.post(url, payload | {"confirm_removal": "on"})
    assert done.status_code == 302
    chapter.refresh_from_db()
    assert chapter.name == "Riverside & Heights" and chapter.slug == "riverside-chapter"
    assert set(chapter.zips.values_list("zip_code", flat=True)) == {"10001", "10005"}
    event = AuditEvent.objects.get(action="people.chapter_updated")
    assert event.data == {"fields": ["name"], "zips_added": 1, "zips_removed": 1}


def test_a_zip_of_another_chapter_is_refused_on_edit(client, personas):
    client.force_login(personas.admin)
    url = reverse("people:setup-chapter-edit", args=[personas.chapter_a.slug])
    response = client.post(url, {"name": "Riverside Chapter", "zip_codes": "10001 10002 60601"})
    assert b"Lakeshore Chapter" in response.content
    assert ChapterZip.objects.get(zip_code="60601").chapter == personas.chapter_b


def test_a_person_gets_an_account_and_goes_on_to_a_role(client, personas):
    from bloc.people.services import create_person

    person = create_person(
        actor=None, first_name="Oona", last_name="Vale", email="oona@example.org", zip_code="60601"
    )
    client.force_login(personas.admin)
    picks = client.get(reverse("people:setup-pick-person"), {"person_q": "oona"})
    assert b"Oona Vale" in picks.content and f'value="{person.pk}"'.encode() in picks.content
    url = reverse("people:setup-account-create")
    response = client.post(url, {"person": person.pk})
    person.refresh_from_db()
    assert person.user is not None and person.user.email == "oona@example.org"
    assert response["Location"] == f"{GRANT}?account={person.user.pk}"
    page = client.get(response["Location"])
    assert f'value="{person.user.pk}" checked'.encode() in page.content
    event = AuditEvent.objects.get(action="people.account_linked", actor=personas.admin)
    assert event.data == {"user_id": person.user.pk, "via": "staff setup", "created": True}
    again = client.post(url, {"person": person.pk})
    assert b"already has an account" in again.content


def test_organizers_cannot_create_accounts(client, personas):
    client.force_login(personas.organizer_b)
    url = reverse("people:setup-account-create")
    assert client.post(url, {"person": personas.person_member_b.pk}).status_code == 404
    assert client.get(reverse("people:setup-pick-person"), {"person_q": "Theo"}).status_code == 404
