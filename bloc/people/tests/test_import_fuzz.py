"""Fuzzing the people import (Hypothesis): whatever the file, it is refused whole
(:class:`ImportRefused`) or every row is in the report, and nothing else is raised, on SQLite
and on PostgreSQL (where over-long values and NUL characters fail at the database)."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bloc.people.importer import FIELDS, ImportRefused, import_people

pytestmark = pytest.mark.django_db

HEADER = ["first_name", "last_name", "email", "phone", "zip_code", "state", "joined_on"]
HEADER += ["dues_plan", "paid_through_on", "membership_status", "email_opt_in", "sms_opt_in"]

ODD = [
    "",
    " ",
    '"',
    '"Ann',
    'Ann"',
    "a,b",
    "\n",
    "\r\n",
    "²",
    "١٢٣٤٥",
    "１０００１",
    "10001",
    "10001-1234",
    "9999-12-31",
    "0001-01-01",
    "2024-02-30",
    "20240201",
    "yes",
    "no",
    "maybe",
    "monthly",
    "annual",
    "active",
    "NY",
    "ny",
    "ÄÖ",
    "+12125550100",
    "212-555-0100",
    "+1 999",
    "ann@x.test",
    "ANN@X.TEST",
    "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org",
    "x" * 101,
    "x" * 300,
    "\x01",
    "\u00a0",
    "\U0001f5f3",
    "=1+1",
]
cells = st.one_of(st.sampled_from(ODD), st.text(max_size=8).filter(lambda t: "\x00" not in t))
#: values that get a row past the checks before it, so the later ones are exercised too
LIKELY = {
    "first_name": st.sampled_from(["Ann", "Bo", "x" * 100]),
    "last_name": st.sampled_from(["Lee", "Osei", 'O"Neil']),
    "email": st.sampled_from(["ann@x.test", "bo@x.test", "ANN@x.test", ODD[31], "a@b"]),
    "zip_code": st.sampled_from(["10001", "١٠٠٠١", "１０００１", "6060"]),
    "joined_on": st.sampled_from(["2024-01-01", "9999-12-31", ""]),
}


@st.composite
def files(draw: st.DrawFn) -> tuple[bytes, int | None]:
    """The file, and how many of its lines after the header hold something (None for raw
    bytes): each of those must be a row of the report, never swallowed by a stray quote."""
    if draw(st.integers(0, 14)) == 0:
        return draw(st.binary(max_size=120)), None
    header = draw(st.permutations(HEADER).map(lambda h: h[: 3 + len(h) // 2]))
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        row = [draw(st.one_of(LIKELY.get(name, cells), cells)) for name in header]
        rows.append(row[: draw(st.integers(0, len(row) + 1))] if draw(st.booleans()) else row)
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    # joined by hand, not by csv.writer: quotes may be left open, as in a hand-edited file
    text = ending.join(",".join(r) for r in [header, *rows]) + ending
    if draw(st.integers(0, 9)) == 0:  # a cell over the csv module's field limit
        text += "Ann," + "Z" * 131_073 + ",ann@x.test" + ending
    body = text.split(ending, 1)[1].replace("\r\n", "\n").replace("\r", "\n").split("\n")
    filled = sum(1 for line in body if re.sub(r'[\s,"]', "", line))
    return text.encode("utf-8", errors="surrogatepass"), filled


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(files())
def test_any_file_is_refused_or_reported_row_by_row(file: tuple[bytes, int | None]) -> None:
    data, filled = file
    try:
        report = import_people(data, actor=None, dry_run=True)
    except ImportRefused as exc:
        assert str(exc)
        return
    lines = len(re.split(rb"\r\n|\r|\n", data))  # the line breaks of the csv module
    assert report.rows == report.created + report.updated + report.rejected
    if filled is not None:
        assert report.rows >= filled  # no line vanished from the report
    for error in report.errors:
        assert 2 <= error.row <= lines, error
        assert error.column in ("", *FIELDS), error
        assert error.reason
