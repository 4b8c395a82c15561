"""Fuzzing the F-7 import (Hypothesis): a spreadsheet is refused with a message or each of its
rows is created, a duplicate or an error of the report; nothing else is raised, on SQLite and
on PostgreSQL."""

import io
import zipfile
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from bloc.coalition.f7 import import_f7_notices
from bloc.coalition.tests.xlsx import HEADER

pytestmark = pytest.mark.django_db

ODD = ["", " ", "²", "١٢", "3,000", "-5", "9" * 40, "2,147,483,648", "x" * 201, "ÄÖ", "yes"]
ODD += ["maybe", "02/30/2026", "9999-12-31", "13/45/2026", "_x0000_", "N", "Y", "ohio", "OH"]
values = st.one_of(
    st.sampled_from(ODD),
    st.sampled_from(["Northfield Motor Works", "United Vehicle Workers", "12", "3361"]),
    st.sampled_from(["2026-10-01", "10/05/2026", "2028-04-30", "1/2/27"]),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([datetime(2026, 10, 1), date(2028, 4, 30), datetime(9999, 12, 31)]),
    st.booleans(),
    st.none(),
    st.text(max_size=10).filter(lambda t: not ILLEGAL_CHARACTERS_RE.search(t)),
)

#: per column, values that reach each check (a bad cell anywhere must never stop the others)
LIKELY = {
    "Bargaining Unit Size": st.sampled_from(["²", "٣٠٠", "2,400", 10**20, 2**31, "9" * 5000, -3]),
    "NAICS Code": st.sampled_from(["3361", "١٢", "33-61", 3361.0]),
    "Employer State": st.sampled_from(["OH", "ny", "ÄÖ", "ß"]),
    "Notice Date": st.sampled_from(["2026-10-01", datetime(2026, 10, 1), "31/31/2026", 45000]),
}


@st.composite
def spreadsheets(draw: st.DrawFn) -> tuple[bytes, int]:
    book = Workbook()
    book.properties.created = book.properties.modified = datetime(2026, 1, 1)  # same bytes
    sheet = book.active
    assert sheet is not None
    header = draw(st.permutations(HEADER).map(lambda h: h[: draw(st.integers(3, len(h)))]))
    sheet.append(header)
    rows = [
        [draw(st.one_of(LIKELY.get(name, values), values)) for name in header]
        for _ in range(draw(st.integers(0, 6)))
    ]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    if draw(st.integers(0, 5)) == 0:  # damage the sheet inside a sound zip
        with zipfile.ZipFile(io.BytesIO(data)) as src:
            parts = {name: src.read(name) for name in src.namelist()}
        xml = parts["xl/worksheets/sheet1.xml"]
        at = len(xml) * draw(st.integers(0, 1000)) // 1000  # a share: the length may vary
        parts["xl/worksheets/sheet1.xml"] = (
            xml[:at] + draw(st.sampled_from([b"<", b"&"])) + xml[at:]
        )
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as dst:
            for name, body in parts.items():
                dst.writestr(name, body)
        data = out.getvalue()
    filled = sum(1 for row in rows if any(v not in (None, "") and str(v).strip() for v in row))
    return data, filled


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(spreadsheets())
def test_any_f7_spreadsheet_is_refused_or_reported_row_by_row(sheet: tuple[bytes, int]) -> None:
    data, filled = sheet
    try:
        run = import_f7_notices(actor=None, data=data, file_name="f7.xlsx")
    except ValidationError as exc:
        assert exc.messages
        return
    assert run.created + run.duplicates + run.errors == len(run.report) >= filled
    assert {entry["status"] for entry in run.report} <= {"created", "duplicate", "error"}
