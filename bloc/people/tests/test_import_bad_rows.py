"""Bad rows are rows in the report, never a failed import: addresses too long for the database,
broken quotes, and re-imports that must not repeat consent."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from bloc.people.fake import IMPORT_HEADER_MAP
from bloc.people.importer import import_people
from bloc.people.models import ConsentEvent, ImportJob, Person

pytestmark = pytest.mark.django_db

HEADER = "First name,Last name,Email,Phone,ZIP,Joined on,Dues plan,Dues paid through,Email opt-in\n"
#: valid to Django's validator (64-character local part, labels under 63), but 312 characters:
#: longer than the 254 an address can have (RFC 5321) and than the database columns
LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"


def csv_bytes(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def _errors(report) -> dict[int, tuple[str, str]]:
    return {e.row: (e.column, e.reason) for e in report.errors}


def test_an_email_longer_than_254_characters_is_a_reported_row(personas):
    assert len(LONG_EMAIL) == 312
    data = csv_bytes(
        "Ana,Rivera,ana@x.test,,10001,,,,yes",
        f"Bo,Chen,{LONG_EMAIL},,10001,,,,yes",
        "Cy,Osei,cy@x.test,,10001,,,,yes",
    )
    report = import_people(data, actor=None, mapping=IMPORT_HEADER_MAP)
    assert (report.rows, report.created, report.rejected) == (3, 2, 1)
    assert _errors(report) == {
        3: ("email", "Longer than 254 characters, the most an email address can have.")
    }
    assert not Person.objects.filter(first_name="Bo").exists()


@pytest.mark.postgres
def test_a_312_character_email_fails_no_import_on_postgresql(
    personas, tmp_path, capsys, client, django_capture_on_commit_callbacks
):
    data = csv_bytes("Ana,Rivera,ana@x.test,,10001,,,,", f"Bo,Chen,{LONG_EMAIL},,10001,,,,")
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    call_command("import_people", str(path))  # the command line: a report, no traceback
    out = capsys.readouterr().out
    assert "1 new people" in out and "1 rows rejected" in out
    assert "row 3, email: Longer than 254 characters" in out
    client.force_login(personas.admin)  # the web: a finished import with its report
    upload = SimpleUploadedFile("people.csv", data.replace(b"ana@", b"ann@"), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:import-create"), {"file": upload, "source": "drive"})
    job = ImportJob.objects.get()
    assert job.status == "done", job.message
    assert (job.report["created"], job.report["rejected"]) == (1, 1)


def test_a_broken_quote_reports_every_row_it_swallowed(personas):
    # Row 3 opens a quote that only closes in row 5: the CSV rules read rows 3-5 as one record
    # whose last name runs over three lines. Rows 4 and 5 must not vanish from the report.
    data = csv_bytes(
        "Ana,Rivera,ana@x.test,,10001,,,,",
        'Bo,"Chen,bo@x.test,,10001,,,,',
        "Cy,Osei,cy@x.test,,10001,,,,",
        'Di,Park",di@x.test,,10001,,,,',
        "Ed,Varga,ed@x.test,,10001,,,,",
    )
    report = import_people(data, actor=None, mapping=IMPORT_HEADER_MAP)
    assert (report.rows, report.created, report.rejected) == (5, 2, 3)
    errors = _errors(report)
    assert set(errors) == {3, 4, 5}
    assert errors[3] == (
        "last_name",
        "A quoted cell starts on this row and runs on to row 5: is a closing quote missing? "
        "Rows 3 to 5 were not imported.",
    )
    assert (
        errors[4][1]
        == errors[5][1]
        == (
            "Inside the quoted cell that starts on row 3: is a closing quote missing? Not imported."
        )
    )
    assert set(Person.objects.filter(source="import").values_list("first_name", flat=True)) == {
        "Ana",
        "Ed",
    }


def test_a_quote_left_open_to_the_end_of_the_file_reports_each_row(personas):
    data = csv_bytes(
        "Ana,Rivera,ana@x.test,,10001,,,,", '"Bo,Chen,bo@x.test,,,,,,', "Cy,Osei,cy@x.test,,,,,,"
    )
    report = import_people(data, actor=None, mapping=IMPORT_HEADER_MAP)
    assert (report.rows, report.created, report.rejected) == (3, 1, 2)
    assert _errors(report)[3][1].startswith("A quoted cell starts on this row and runs on to row 4")
    assert _errors(report)[4][1].startswith("Inside the quoted cell that starts on row 3")


def test_rows_after_a_quoted_line_break_keep_their_own_row_numbers(personas):
    data = csv_bytes('Ana,"Ri\nvera",ana@x.test,,10001,,,,', "Bo,Chen,bad,,,,,,")
    report = import_people(data, actor=None, mapping=IMPORT_HEADER_MAP)
    assert set(_errors(report)) == {2, 3, 4}  # Bo is on line 4 of the file
    assert _errors(report)[4] == ("email", "Not a valid email address.")


def test_importing_the_same_file_again_records_no_consent_twice(personas):
    data = csv_bytes(
        "Ana,Rivera,ana@x.test,,10001,,,,yes",
        "Bo,Chen,bo@x.test,,10001,,,,no",
        "Cy,Osei,cy@x.test,,10001,,,,",
    )
    start = ConsentEvent.objects.count()
    import_people(data, actor=None, mapping=IMPORT_HEADER_MAP)
    before = ConsentEvent.objects.count()
    assert before == start + 2
    again = import_people(data, actor=None, mapping=IMPORT_HEADER_MAP)
    assert again.updated == 3
    assert ConsentEvent.objects.count() == before
    changed = csv_bytes("Cy,Osei,cy@x.test,,10001,,,,yes", "Bo,Chen,bo@x.test,,10001,,,,no")
    import_people(changed, actor=None, mapping=IMPORT_HEADER_MAP)
    assert ConsentEvent.objects.count() == before + 1  # only Cy's new opt-in
    cy = Person.objects.get(email="cy@x.test")
    assert ConsentEvent.objects.get(person=cy).status == "opted_in"


def test_a_cell_over_the_csv_field_limit_is_a_reported_row(personas):
    huge = "Z" * (128 * 1024 + 10)
    data = csv_bytes(f"Ana,{huge},ana@x.test,,10001,,,,", "Bo,Chen,bo@x.test,,10001,,,,")
    report = import_people(data, actor=None, mapping=IMPORT_HEADER_MAP)
    assert (report.rows, report.created, report.rejected) == (2, 1, 1)
    assert _errors(report)[2][1].startswith("Not valid CSV (field larger than field limit")
