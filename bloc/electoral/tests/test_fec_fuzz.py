"""Fuzzing the FEC import (Hypothesis): a file is refused with a message or every line is a
row of the report; nothing else is raised, on SQLite and on PostgreSQL."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bloc.electoral import services
from bloc.electoral.models import Race

pytestmark = pytest.mark.django_db

COLUMNS = ["cand_id", "cand_name", "cand_pty_affiliation", "cand_office_st", "cand_office"]
COLUMNS += ["cand_office_district", "cand_status", "cand_election_yr", ""]
ODD = ["", '"', '"X', 'X"', ",", "\x00", "²", "١٢", "9" * 40, "\n", "Z" * 250, "\u00a0", "é"]
cell = st.one_of(
    st.sampled_from(["H6NY12001", "S6NY00002", "P60000003", "h6ny12004", "H6NY1200"]),
    st.sampled_from(['"HALE, MARISOL Q"', '"DORN, FELIX"', "ASH", "NY", "ny", "H", "S", "P"]),
    st.sampled_from(["12", "00", "7", "C", "F", "N", "P", "DEM", "2026"]),
    st.sampled_from(ODD),
    st.text(max_size=6, alphabet=st.characters(blacklist_categories=("Cs",))),
)


@st.composite
def files(draw: st.DrawFn) -> tuple[str, int]:
    header = draw(st.permutations(COLUMNS).map(lambda c: c[: draw(st.integers(4, len(c)))]))
    rows = [
        [draw(cell) for _ in range(draw(st.integers(0, len(header) + 2)))]
        for _ in range(draw(st.integers(0, 8)))
    ]
    text = "\n".join(",".join(r) for r in [header, *rows])
    if draw(st.integers(0, 9)) == 0:
        text += "\nH6NY12009," + "Q" * 131_073
    body = text.split("\n")[1:]
    return text, sum(1 for line in body if re.sub(r'[\s,"]', "", line))


def _races() -> None:
    if Race.objects.exists():
        return
    election = services.create_election(
        actor=None,
        name="General 2026",
        cycle=2026,
        election_type="general",
        held_on=date(2026, 11, 3),
    )
    for office, division in [
        ("U.S. House, NY-12", "ocd-division/country:us/state:ny/cd:12"),
        ("U.S. Senate, NY", "ocd-division/country:us/state:ny"),
        ("President", "ocd-division/country:us"),
    ]:
        services.create_race(
            actor=None, election=election, office=office, level="federal", ocd_division_id=division
        )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(files())
def test_any_fec_file_is_refused_or_reported_line_by_line(file: tuple[str, int]) -> None:
    text, filled = file
    _races()
    try:
        result = services.import_fec_candidates(
            actor=None, file_name="cn\x00.csv", text=text, cycle=2026
        )
    except ValidationError as exc:
        assert exc.messages
        return
    rows = [r["row"] for r in result.report]
    assert result.created + result.updated + result.skipped == len(rows) >= filled
    lines = len(re.split(r"\r\n|\r|\n", text))  # the line breaks of the csv module
    assert all(2 <= r <= lines for r in rows)
