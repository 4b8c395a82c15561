"""An organizer's dry run says nothing about people outside their chapters: a row whose address
belongs to a member of another chapter reads exactly like a brand-new address."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bloc.people.fake import IMPORT_HEADER_MAP
from bloc.people.importer import import_people
from bloc.people.models import Person

pytestmark = pytest.mark.django_db

HEADER = "First name,Last name,Email,Phone,ZIP,Joined on,Dues plan,Dues paid through,Email opt-in\n"


def csv_bytes(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def _dry_run(personas, line: str) -> dict:
    return import_people(
        csv_bytes(line), actor=personas.organizer_a, mapping=IMPORT_HEADER_MAP, dry_run=True
    ).as_dict()


@pytest.mark.parametrize(
    "tail",
    [
        "10001,,,,",  # a ZIP code of the organizer's chapter
        "10001,2024-01-01,monthly,2026-12-31,yes",  # with a membership and consent
        "60602,,,,",  # a ZIP code of the other chapter: refused either way
    ],
)
def test_an_address_in_another_chapter_reads_like_a_new_address(personas, tail):
    member_b = personas.person_member_b
    existing = _dry_run(personas, f"Theo,Marchetti,{member_b.email},,{tail}")
    brand_new = _dry_run(personas, f"Theo,Marchetti,theo.new@example.org,,{tail}")
    assert existing == brand_new


def test_a_phone_number_in_another_chapter_reads_like_a_new_number(personas):
    member_b = personas.person_member_b
    member_b.phone = "+13125550142"
    member_b.save(update_fields=["phone"])
    member_b.phones.create(number="+13125550142", is_primary=True)
    existing = _dry_run(personas, "Theo,Marchetti,,+1 312 555 0142,10001,,,,")
    brand_new = _dry_run(personas, "Theo,Marchetti,,+1 312 555 0199,10001,,,,")
    assert existing == brand_new


def test_the_import_page_shows_the_same_report_and_nothing_is_written(
    client, personas, django_capture_on_commit_callbacks
):
    member_b = personas.person_member_b
    client.force_login(personas.organizer_a)
    pages = []
    for email in (member_b.email, "theo.new@example.org"):
        data = csv_bytes(f"Theo,Marchetti,{email},,10001,2024-01-01,monthly,,")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("people:import-create"),
                {
                    "file": SimpleUploadedFile("people.csv", data, "text/csv"),
                    "source": "sign-up sheet",
                    "dry_run": "on",
                },
            )
        page = client.get(response["Location"]).content.decode()
        pages.append(re.search(r'<section id="import-status".*?</section>', page, re.S).group(0))
    assert pages[0] == pages[1]
    assert "1 new" in pages[0] and "0 rows rejected" in pages[0]
    member_b.refresh_from_db()
    assert member_b.chapter == personas.chapter_b
    assert member_b.membership.dues_plan == "monthly"
    assert not Person.objects.filter(email="theo.new@example.org").exists()
