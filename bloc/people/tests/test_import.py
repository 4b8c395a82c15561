import time
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from bloc.core.models import AuditEvent
from bloc.people import selectors
from bloc.people.fake import IMPORT_HEADER_MAP, people_csv
from bloc.people.importer import ImportRefused, import_people
from bloc.people.models import ConsentEvent, Membership, Person

pytestmark = pytest.mark.django_db

HEADER = "First name,Last name,Email,Phone,ZIP,Joined on,Dues plan,Dues paid through,Email opt-in\n"


def csv_bytes(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def test_good_rows_are_written_and_bad_rows_reported_with_row_column_and_reason(personas):
    data = csv_bytes(
        "Ana,Rivera,ana@x.test,,10001,2024-02-01,monthly,2026-12-31,yes",
        "Bo,Chen,not-an-email,,10001,,,,",
        "Cy,Osei,cy@x.test,,ABCDE,,,,",
        "Di,Park,di@x.test,,60601,01/02/2024,monthly,,",
        ",Nobody,nobody@x.test,,,,,,",
        "Ed,Varga,ANA@x.test,,,,,,",
    )
    report = import_people(data, actor=personas.admin, mapping=IMPORT_HEADER_MAP)
    assert (report.rows, report.created, report.rejected) == (6, 1, 5)
    errors = {(e.row, e.column) for e in report.errors}
    assert errors == {
        (3, "email"),
        (4, "zip_code"),
        (5, "joined_on"),
        (6, "first_name"),
        (7, "email"),
    }
    assert "Same email as row 2" in next(e.reason for e in report.errors if e.row == 7)
    ana = Person.objects.get(email="ana@x.test")
    assert ana.chapter == personas.chapter_a
    assert ana.membership.is_in_good_standing(date(2026, 12, 1), 0)
    assert selectors.can_contact(ana, "email")
    assert AuditEvent.objects.filter(action="people.imported").count() == 1


def test_a_dry_run_writes_nothing(personas):
    before = Person.objects.count()
    report = import_people(
        csv_bytes("Ana,Rivera,ana@x.test,,10001,,,,"),
        actor=None,
        mapping=IMPORT_HEADER_MAP,
        dry_run=True,
    )
    assert report.created == 1 and report.dry_run
    assert Person.objects.count() == before


def test_imported_people_each_get_their_own_public_identifier(personas):
    """The bulk writer gave every row the same default uuid (unique: the import failed)."""
    before = set(Person.objects.values_list("uuid", flat=True))
    import_people(
        csv_bytes("Ana,Rivera,ana@x.test,,10001,,,,", "Bo,Lind,bo@x.test,,10001,,,,"),
        actor=None,
        mapping=IMPORT_HEADER_MAP,
    )
    new = set(Person.objects.values_list("uuid", flat=True)) - before
    assert len(new) == 2 and None not in new


def test_a_broken_encoding_is_refused_with_a_clear_message_and_nothing_written(personas):
    before = Person.objects.count()
    data = csv_bytes("Ana,Rivera,ana@x.test,,10001,,,,") + "Zoë,Ramírez,z@x.test,,,,,,\n".encode(
        "latin-1"
    )
    with pytest.raises(ImportRefused, match=r"not UTF-8 text \(invalid byte 0xeb on line 3\)"):
        import_people(data, actor=None, mapping=IMPORT_HEADER_MAP)
    assert Person.objects.count() == before


def test_a_missing_required_column_is_refused_and_nothing_written(personas):
    before = Person.objects.count()
    with pytest.raises(ImportRefused, match="Missing required column.*Email"):
        import_people(b"First name,Last name,ZIP\nAna,Rivera,10001\n", actor=None)
    assert Person.objects.count() == before


def test_default_mapping_understands_common_headers(personas):
    report = import_people(
        b"first_name,last_name,email_address,zip\nAna,Rivera,a@x.test,10002\n", actor=None
    )
    assert report.created == 1
    assert Person.objects.get(email="a@x.test").chapter == personas.chapter_a


def test_known_people_are_updated_never_blanked_and_never_resubscribed(personas):
    person = personas.person_member_a
    from bloc.people.services import set_consent

    set_consent(actor=None, person=person, channel="email", opted_in=False, source="unsubscribe")
    data = csv_bytes(f"Mina,Castellan,{person.email.upper()},,,2020-01-15,annual,2027-06-30,yes")
    report = import_people(data, actor=None, mapping=IMPORT_HEADER_MAP)
    assert (report.created, report.updated) == (0, 1)
    person.refresh_from_db()
    assert person.zip_code == "10001"  # blank cell did not erase it
    assert person.membership.paid_through_on == date(2027, 6, 30)
    assert not selectors.can_contact(person, "email")
    assert ConsentEvent.objects.filter(person=person).first().status == "opted_out"


def test_the_command_refuses_bad_files_and_reports_rows(personas, tmp_path, capsys):
    good = tmp_path / "people.csv"
    good.write_bytes(csv_bytes("Ana,Rivera,ana@x.test,,10001,,,,", "Bo,Chen,bad,,,,,,"))
    errors = tmp_path / "errors.csv"
    call_command("import_people", str(good), "--errors", str(errors))
    out = capsys.readouterr().out
    assert "1 new people" in out and "1 rows rejected" in out
    assert "row 3, email: Not a valid email address." in out
    assert errors.read_text().splitlines()[1] == "3,email,Not a valid email address."
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\xff\xfeF\x00i\x00")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_people", str(broken))


@pytest.mark.slow
def test_a_100000_row_file_imports_with_a_report_for_its_bad_rows(personas):
    data = people_csv(100_000, ["10001", "10002", "60601", "60602", "94110"], bad_every=1000)
    started = time.monotonic()
    report = import_people(data, actor=None, mapping=IMPORT_HEADER_MAP)
    elapsed = time.monotonic() - started
    assert report.rows == 100_000
    assert report.rejected == 100
    assert report.created == 99_900
    assert Person.objects.filter(source="import").count() == 99_900
    assert Membership.objects.filter(person__source="import").count() == report.members
    print(f"\n100,000-row import: {elapsed:.1f}s")


def test_an_organizer_imports_only_into_their_own_chapters(personas):
    member_b = personas.person_member_b
    data = csv_bytes(
        "Ana,Rivera,ana@x.test,,10001,,,,",
        "Bo,Chen,bo@x.test,,60601,,,,",
        "Cy,Osei,cy@x.test,,82001,,,,",
        f"Theo,Marchetti,{member_b.email},,10001,2020-01-01,waived,,",
    )
    report = import_people(data, actor=personas.organizer_a, mapping=IMPORT_HEADER_MAP)
    assert report.created == 1 and report.updated == 0
    assert {e.row for e in report.errors} == {3, 4, 5}
    assert Person.objects.filter(email="ana@x.test", chapter=personas.chapter_a).exists()
    assert not Person.objects.filter(email__in=["bo@x.test", "cy@x.test"]).exists()
    member_b.membership.refresh_from_db()
    assert member_b.membership.dues_plan == "monthly"  # untouched
