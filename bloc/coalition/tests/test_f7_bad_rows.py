"""F-7 spreadsheets: an odd cell is a row of the report, never a crash of the import."""

import pytest

from bloc.coalition.f7 import import_f7_notices, parse_row
from bloc.coalition.models import F7Notice
from bloc.coalition.tests.xlsx import f7_workbook

pytestmark = pytest.mark.django_db


def _row(unit_size: object) -> list[object]:
    return [
        "2026-10-01",
        "Northfield Motor Works",
        "Toledo",
        "OH",
        "United Vehicle Workers",
        "12",
        "3361",
        unit_size,
        "2028-04-30",
        "N",
    ]


GOOD = _row("2,400")
GOOD[1] = "Alder Valley Transit"


@pytest.mark.parametrize(
    "unit_size, problem",
    [
        ("²", "bargaining unit size is not a whole number"),
        ("٣٠٠", "bargaining unit size is not a whole number"),
        ("3000000000", "bargaining unit size is larger than 2,147,483,647"),
        (10**20, "bargaining unit size is larger than 2,147,483,647"),
        ("9" * 5000, "bargaining unit size is larger than 2,147,483,647"),
        (-3, "bargaining unit size is not a whole number"),
    ],
)
def test_an_odd_or_oversized_unit_size_is_a_reported_row(unit_size, problem):
    run = import_f7_notices(
        actor=None, data=f7_workbook([_row(unit_size), GOOD]), file_name="f7.xlsx"
    )
    assert (run.created, run.errors) == (1, 1)
    assert run.report[0] == {"row": 2, "status": "error", "message": problem}
    assert F7Notice.objects.get().employer == "Alder Valley Transit"


def test_the_largest_unit_size_the_column_holds_is_kept():
    run = import_f7_notices(actor=None, data=f7_workbook([_row(2_147_483_647)]), file_name="a")
    assert run.created == 1 and F7Notice.objects.get().unit_size == 2_147_483_647


def test_a_nul_character_in_a_cell_is_a_reported_problem():
    cells = {
        "notice_on": "2026-10-01",
        "employer": "North\x00field",
        "union_name": "UVW",
        "expires_on": "2028-01-01",
    }
    assert parse_row(cells).problems == ["employer holds a control character"]
