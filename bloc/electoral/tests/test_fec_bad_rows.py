"""The FEC import: every odd row is a line of the report, never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bloc.electoral.models import Candidate, FecImport
from bloc.electoral.tests.test_services import FEC_HEADER
from bloc.electoral.tests.world import world

pytestmark = pytest.mark.django_db

GOOD = 'H6NY12001,"HALE, MARISOL Q",DEM,2026,NY,H,12,O,C\n'
LAST = 'H6NY12009,"LARK, ODA",DEM,2026,NY,H,12,O,C\n'


def _import(personas, body: str | bytes) -> tuple[int, dict[int, dict]]:
    world(personas)
    client = Client(raise_request_exception=False)
    client.force_login(personas.admin)
    data = body if isinstance(body, bytes) else body.encode()
    upload = SimpleUploadedFile("cn.csv", FEC_HEADER.encode() + data, content_type="text/csv")
    response = client.post(reverse("electoral:fec-import"), {"file": upload, "cycle": 2026})
    if response.status_code != 200:
        return response.status_code, {}
    return 200, {r["row"]: r for r in FecImport.objects.get().report}


def test_a_trailing_comma_is_an_empty_cell_and_a_stray_value_a_skipped_row(personas):
    status, rows = _import(
        personas, GOOD.replace("\n", ",\n") + 'H6NY12002,"DORN, FELIX",REP,2026,NY,H,12,O,C,X\n'
    )
    assert status == 200
    assert rows[2]["outcome"] == "created"
    assert rows[3] == {
        "row": 3,
        "cand_id": "H6NY12002",
        "outcome": "skipped",
        "reason": "10 cells; the header has 9",
    }


def test_a_name_longer_than_the_column_is_a_skipped_row(personas):
    long_name = "Q" * 150 + ", " + "R" * 60
    status, rows = _import(personas, f'H6NY12002,"{long_name}",REP,2026,NY,H,12,O,C\n' + LAST)
    assert status == 200
    assert rows[2]["reason"] == "the name is longer than 200 characters"
    assert rows[3]["outcome"] == "created"
    assert not Candidate.objects.filter(fec_candidate_id="H6NY12002").exists()


def test_a_nul_byte_is_a_skipped_row(personas):
    status, rows = _import(
        personas,
        'H6NY12002,"DORN,\x00 FELIX",REP,2026,NY,H,12,O,C\n'
        'H6NY1\x002003,"ASH, PIA",DEM,2026,NY,H,12,O,C\n' + LAST,
    )
    assert status == 200
    assert rows[2]["outcome"] == rows[3]["outcome"] == "skipped"
    assert rows[2]["reason"] == rows[3]["reason"] == "a cell holds a NUL character"
    assert rows[4]["outcome"] == "created"


def test_a_128_kb_field_is_a_skipped_row(personas):
    huge = "Z" * (128 * 1024 + 10)
    status, rows = _import(personas, f'H6NY12002,"{huge}",REP,2026,NY,H,12,O,C\n' + LAST)
    assert status == 200
    assert rows[2]["outcome"] == "skipped"
    assert rows[2]["reason"].startswith("not valid CSV (field larger than field limit")
    assert rows[3]["outcome"] == "created"


def test_a_broken_quote_reports_each_line_it_swallowed(personas):
    status, rows = _import(
        personas,
        'H6NY12002,"DORN, FELIX,REP,2026,NY,H,12,O,C\n'
        'H6NY12003,"ASH, PIA",DEM,2026,NY,H,12,O,C\n' + LAST,
    )
    assert status == 200
    # The quote opened in row 2 closes in row 3 ("ASH): rows 2 and 3 are one CSV record.
    assert sorted(rows) == [2, 3, 4]
    assert rows[2]["reason"].startswith("a quoted cell runs on to row 3")
    assert rows[3]["reason"] == "inside the quoted cell that starts on row 2"
    assert rows[4]["outcome"] == "created"


@pytest.mark.parametrize("district", ["²", "١٢", "9" * 5000])
def test_an_odd_district_is_a_skipped_row(personas, district):
    status, rows = _import(personas, f'H6NY12002,"DORN, FELIX",REP,2026,NY,H,{district},O,C\n')
    assert status == 200
    assert rows[2]["reason"] == "district is not a number"
