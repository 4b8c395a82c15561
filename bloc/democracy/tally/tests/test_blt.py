"""BLT and CSV reading/writing; malformed files fail with the line and the reason."""

from __future__ import annotations

import numpy as np
import pytest

from bloc.democracy.tally.ballots import Interpretation, from_names
from bloc.democracy.tally.blt import dumps_blt, parse_blt, read_blt
from bloc.democracy.tally.cvr import parse_cvr, write_cvr
from bloc.democracy.tally.errors import BallotFileError
from bloc.democracy.tally.stv.scottish import count_scottish

from .conftest import DROOP, need

GOOD = '3 2\n4 1 2 0\n2 3 0\n1 2 3 1 0\n0\n"A"\n"B"\n"C"\n"Title"\n'


def test_reads_counts_names_title_and_merges_identical_rows() -> None:
    profile = parse_blt(GOOD + "")
    assert profile.candidates == ("A", "B", "C")
    assert profile.seats == 2 and profile.title == "Title"
    assert profile.n_ballots == 7
    twice = parse_blt('3 2\n4 1 2 0\n3 1 2 0\n0\n"A"\n"B"\n"C"\n"T"\n')
    assert twice.ranks.shape[0] == 1 and twice.counts.tolist() == [7]


def test_slow_path_handles_ids_withdrawn_tie_order_and_equal_ranks() -> None:
    text = '3 1\n-2\n[tie 3 2 1]\n(a) 1 2 0\n(b) 2 3 0\n2 3=1 0\n0\n"A"\n"B"\n"C"\n"T"\n'
    profile = parse_blt(text)
    assert profile.withdrawn == {1}
    assert profile.tie_order == (2, 1, 0)
    # withdrawn B is removed, so ballot (b) counts for C; "3=1" is an overvote: ballot stops.
    firsts = profile.first_preferences().tolist()
    assert firsts == [1, 0, 1]
    skipping = parse_blt(text, interpretation=Interpretation(overvote="skip"))
    assert skipping.n_ballots == 2  # the overvoted-only ballot ranks nobody either way


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ('x 2\n1 1 0\n0\n"A"\n"B"\n"T"\n', 1, "number of candidates"),
        ('2 3\n1 1 0\n0\n"A"\n"B"\n"T"\n', 1, "3 seats but only 2 candidates"),
        ('2 1\n1 1 2\n0\n"A"\n"B"\n"T"\n', 2, "must end with 0"),
        ('2 1\n1 1 0\n1 1 3 0\n0\n"A"\n"B"\n"T"\n', 3, "out of range"),
        ('2 1\n1 1 0\n2 2 2 0\n0\n"A"\n"B"\n"T"\n', 3, "ranked twice"),
        ('2 1\n1 1 0\nfoo 1 0\n0\n"A"\n"B"\n"T"\n', 3, "multiplier"),
        ('2 1\n1 1 0\n1 2 0\n"A"\n"B"\n"T"\n', 6, "missing the 0 line"),
        ('2 1\n1 1 0\n0\n"A"\nB\n"T"\n', 5, "quoted candidate name"),
        ('2 1\n1 1 0\n0\n"A"\n', 4, "expected 2 candidate names"),
        ('2 1\n[bogus 1]\n1 1 0\n0\n"A"\n"B"\n', 2, "unknown option"),
    ],
)
def test_malformed_files_name_line_and_reason(text: str, line: int, reason: str) -> None:
    with pytest.raises(BallotFileError) as err:
        parse_blt(text, path="bad.blt")
    assert err.value.line == line
    assert reason in err.value.reason
    assert f"bad.blt, line {line}" in str(err.value)


def test_round_trip_keeps_the_count(tmp_path) -> None:
    original = read_blt(need(DROOP / "blt" / "M135.blt"))
    again = parse_blt(dumps_blt(original))
    assert again.candidates == original.candidates and again.seats == original.seats
    a, b = count_scottish(original, tie_mode="order"), count_scottish(again, tie_mode="order")
    assert a.winners == b.winners
    assert [s.votes for s in a.stages] == [s.votes for s in b.stages]


def test_missing_file_is_a_ballot_file_error(tmp_path) -> None:
    with pytest.raises(BallotFileError, match="cannot read"):
        read_blt(tmp_path / "nope.blt")


def test_csv_ballots_skips_overvotes_duplicates_and_blanks() -> None:
    text = (
        "id,rank1,rank2,rank3\n"
        "1,A,B,C\n"
        "2,,B,A\n"  # one skipped rank: allowed
        "3,,,C\n"  # two skipped ranks: the ballot stops (RCTab's default of 1)
        "4,A,A,B\n"  # duplicate A ignored
        "5,A|B,C,\n"  # overvote first: exhausted
        "6,,,\n"  # blank
    )
    profile = parse_cvr(text)
    assert profile.candidates == ("A", "B", "C")
    assert profile.blank == 1
    assert profile.interpretation_notes == {"overvote": 1, "skipped_ranks": 1, "duplicate": 0}
    rows = {
        tuple(int(c) for c in r if c >= 0): int(n)
        for r, n in zip(profile.ranks, profile.counts, strict=True)
    }
    assert rows == {(0, 1, 2): 1, (1, 0): 1, (): 2, (0, 1): 1}
    lenient = parse_cvr(
        text, interpretation=Interpretation(max_skipped_ranks=None, overvote="skip")
    )
    assert lenient.interpretation_notes["skipped_ranks"] == 0


def test_csv_errors_and_round_trip(tmp_path) -> None:
    with pytest.raises(BallotFileError) as err:
        parse_cvr("rank1,rank2\nA,B\nA,B,C\n")
    assert err.value.line == 3
    with pytest.raises(BallotFileError, match="unknown candidate"):
        parse_cvr("rank1\nZ\n", candidates=["A"])
    profile = from_names(list("ABC"), [("A>B", 3), ("C", 2)], sep=">")
    path = tmp_path / "cvr.csv"
    write_cvr(profile, path)
    back = parse_cvr(path.read_text())
    assert back.first_preferences().tolist() == [3, 0, 2]
    assert np.array_equal(np.sort(back.counts), [2, 3])
