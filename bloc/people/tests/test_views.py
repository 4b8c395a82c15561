import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bloc.core.models import AuditEvent
from bloc.people.models import ImportJob, Person

pytestmark = pytest.mark.django_db

GOOD = b"First name,Last name,Email,ZIP\nAna,Rivera,ana@x.test,10001\nBo,Chen,not-an-email,10002\n"


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Post a file and run what the commit enqueues (the import task) as the worker would."""

    def post(data, dry_run=False, name="people.csv"):
        payload = {"file": SimpleUploadedFile(name, data, "text/csv"), "source": "spring drive"}
        if dry_run:
            payload["dry_run"] = "on"
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("people:import-create"), payload)

    return post


def test_an_organizer_imports_in_the_background_and_sees_the_report(client, personas, upload):
    client.force_login(personas.organizer_a)
    response = upload(GOOD)
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("people:import-detail", args=[job.pk])
    assert job.status == "done" and job.report["created"] == 1 and job.report["rejected"] == 1
    assert not job.file  # the upload is gone once read
    page = client.get(response["Location"])
    assert b"1 new" in page.content and b"Not a valid email address." in page.content
    assert b"hx-trigger" not in page.content  # finished: no more polling
    assert Person.objects.filter(email="ana@x.test", source="spring drive").exists()
    assert AuditEvent.objects.filter(action="people.imported", actor=personas.organizer_a).exists()


def test_a_refused_file_says_why_and_writes_nothing(client, personas, upload):
    client.force_login(personas.organizer_a)
    before = Person.objects.count()
    upload(b"Name\n\xff\xfe\n")
    job = ImportJob.objects.get()
    assert job.status == "refused"
    assert "Missing required column" in job.message or "not UTF-8" in job.message
    assert Person.objects.count() == before
    assert (
        job.message.encode() in client.get(reverse("people:import-detail", args=[job.pk])).content
    )


def test_a_dry_run_in_the_background_writes_nothing(client, personas, upload):
    client.force_login(personas.admin)
    upload(GOOD, dry_run=True)
    job = ImportJob.objects.get()
    assert job.is_dry_run and job.report["created"] == 1
    assert not Person.objects.filter(email="ana@x.test").exists()


def test_an_import_job_is_private_to_who_started_it(client, personas, upload):
    client.force_login(personas.organizer_a)
    upload(GOOD)
    job = ImportJob.objects.get()
    client.force_login(personas.organizer_b)
    assert client.get(reverse("people:import-detail", args=[job.pk])).status_code == 404
    client.force_login(personas.admin)
    assert client.get(reverse("people:import-detail", args=[job.pk])).status_code == 200


def test_people_list_queries_do_not_grow_with_the_page(
    client, personas, django_assert_max_num_queries
):
    from bloc.people.services import create_person

    for i in range(30):
        create_person(actor=None, email=f"p{i}@x.test", last_name=f"P{i}", zip_code="10001")
    client.force_login(personas.organizer_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("people:person-list"))
    assert response.status_code == 200
    assert b"P29" in response.content


def test_an_organizer_sees_only_their_chapters_in_search_and_export(client, personas):
    client.force_login(personas.organizer_a)
    page = client.get(reverse("people:person-list"), {"q": "Marchetti"})
    assert b"0 people" in page.content and b"Theo Marchetti" not in page.content
    body = b"".join(client.get(reverse("people:person-export")).streaming_content).decode()
    assert "Castellan" in body and "Marchetti" not in body


def test_export_cells_cannot_run_as_spreadsheet_formulas(client, personas):
    from bloc.people.services import update_person

    update_person(actor=None, person=personas.person_member_a, first_name="=HYPERLINK(1)")
    client.force_login(personas.organizer_a)
    body = b"".join(client.get(reverse("people:person-export")).streaming_content).decode()
    assert "'=HYPERLINK(1)" in body


def test_a_member_sets_consent_and_asks_to_move(client, personas):
    client.force_login(personas.member_a)
    client.post(reverse("people:me-consent-update"), {"sms": "on"})
    from bloc.people.selectors import current_consent

    assert current_consent(personas.person_member_a) == {"email": "opted_out", "sms": "opted_in"}
    client.post(reverse("people:me-transfer-request"), {"to_chapter": personas.chapter_b.pk})
    assert personas.person_member_a.transfer_requests.get().to_chapter == personas.chapter_b
    client.force_login(personas.organizer_b)
    request_id = personas.person_member_a.transfer_requests.get().pk
    client.post(reverse("people:transfer-decide", args=[request_id]), {"approve": "1"})
    personas.person_member_a.refresh_from_db()
    assert personas.person_member_a.chapter == personas.chapter_b


def test_page_links_keep_filters_with_ampersands_and_hashes(personas, client, settings):
    """Issue 23: the next-page link lost a search containing & or # (unencoded query string)."""
    from django.urls import reverse

    from bloc.people import services as people_services

    for i in range(60):
        people_services.create_person(
            actor=None, first_name="Ann & Bo #1", last_name=f"Pager{i:02d}", zip_code="10001"
        )
    client.force_login(personas.admin)
    page = client.get(reverse("people:person-list"), {"q": "Ann & Bo #1"})
    assert page.status_code == 200
    assert "q=Ann+%26+Bo+%231&amp;page=2" in page.content.decode()
