"""F-7 spreadsheets: bad rows reported, good rows kept, repeat notices never stored twice."""

from datetime import date, datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from bloc.coalition import services
from bloc.coalition.f7 import import_f7_notices
from bloc.coalition.models import F7Notice, Partner
from bloc.coalition.tests.xlsx import HEADER, f7_workbook
from bloc.core.models import AuditEvent

GOOD = [
    [
        "2026-10-01",
        "Northfield Motor Works",
        "Toledo",
        "OH",
        "United Vehicle Workers",
        "12",
        "3361",
        "2,400",
        "2028-04-30",
        "N",
    ],
    [
        datetime(2026, 10, 3),
        "St. Brigid Medical Center",
        "Buffalo",
        "ny",
        "Hospital Workers",
        "",
        "622",
        310,
        datetime(2028, 5, 1),
        "Yes",
    ],
    [
        "10/05/2026",
        "Alder Valley Transit",
        "",
        "",
        "Transit Union",
        "1005",
        "",
        "",
        "09/30/2027",
        "",
    ],
]
BAD = [
    ["", "No Date Inc.", "", "OH", "Some Union", "", "", "", "2027-01-01", "N"],
    ["2026-10-01", "Bad Expiry Co.", "", "OH", "Some Union", "", "", "", "someday", "N"],
    ["2026-10-01", "Bad State Co.", "", "Ohio", "Some Union", "", "", "ten", "2027-01-01", "maybe"],
]


@pytest.mark.django_db
def test_bad_rows_are_reported_and_every_good_row_is_kept():
    data = f7_workbook([GOOD[0], BAD[0], GOOD[1], BAD[1], [], GOOD[2], BAD[2]])
    run = import_f7_notices(actor=None, data=data, file_name="f7.xlsx")
    assert (run.created, run.duplicates, run.errors) == (3, 0, 3)
    statuses = {entry["row"]: entry["status"] for entry in run.report}
    assert statuses == {
        2: "created",
        3: "error",
        4: "created",
        5: "error",
        7: "created",
        8: "error",
    }
    messages = {entry["row"]: entry["message"] for entry in run.report}
    assert "notice on is missing" in messages[3]
    assert "expires on is not a date" in messages[5]
    assert "two-letter" in messages[8] and "whole number" in messages[8]
    assert "yes or no" in messages[8]
    nurses = F7Notice.objects.get(employer="St. Brigid Medical Center")
    assert nurses.employer_state == "NY" and nurses.is_health_care and nurses.unit_size == 310
    assert nurses.expires_on == date(2028, 5, 1)
    assert F7Notice.objects.get(employer="Northfield Motor Works").unit_size == 2400
    assert AuditEvent.objects.filter(action="coalition.f7_imported").count() == 1


@pytest.mark.django_db
def test_reimporting_the_same_file_creates_no_duplicates():
    data = f7_workbook(GOOD)
    import_f7_notices(actor=None, data=data, file_name="october.xlsx")
    again = import_f7_notices(actor=None, data=data, file_name="october.xlsx")
    assert (again.created, again.duplicates, again.errors) == (0, 3, 0)
    assert F7Notice.objects.count() == 3


@pytest.mark.django_db
def test_a_repeat_notice_in_a_later_month_or_the_same_file_is_a_duplicate():
    later = list(GOOD[0])
    later[0] = "2026-11-02"  # filed again a month later, same contract
    later[1] = "  northfield   motor works "
    run = import_f7_notices(actor=None, data=f7_workbook([GOOD[0], later]), file_name="a.xlsx")
    assert (run.created, run.duplicates) == (1, 1)
    assert run.report[1] == {"row": 3, "status": "duplicate", "message": "already imported"}


@pytest.mark.django_db
def test_a_notice_is_linked_to_the_partner_with_that_name():
    local = services.create_partner(
        actor=None, name="United Vehicle Workers Local 12", kind=Partner.Kind.UNION_LOCAL
    )
    import_f7_notices(actor=None, data=f7_workbook([GOOD[0]]), file_name="a.xlsx")
    assert F7Notice.objects.get().partner == local


@pytest.mark.django_db
def test_missing_columns_or_a_file_that_is_not_xlsx_are_refused_whole():
    header = [h for h in HEADER if h != "Contract Expiration Date"]
    with pytest.raises(ValidationError, match="expires on"):
        import_f7_notices(actor=None, data=f7_workbook([], header=header), file_name="a.xlsx")
    with pytest.raises(ValidationError, match="not a readable"):
        import_f7_notices(actor=None, data=b"Notice Date,Employer\n", file_name="a.xlsx")
    assert F7Notice.objects.count() == 0


@pytest.mark.django_db
def test_the_management_command_imports_and_lists_bad_rows(tmp_path):
    path = tmp_path / "f7.xlsx"
    path.write_bytes(f7_workbook([GOOD[0], BAD[1]]))
    out = StringIO()
    call_command("import_f7", str(path), stdout=out, stderr=StringIO())
    assert "1 created, 0 duplicates, 1 errors" in out.getvalue()
    assert "row 3: expires on is not a date" in out.getvalue()
    out = StringIO()
    call_command("import_f7", str(path), stdout=out, stderr=StringIO())
    assert "0 created, 1 duplicates, 1 errors" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("import_f7", str(tmp_path / "missing.xlsx"))
