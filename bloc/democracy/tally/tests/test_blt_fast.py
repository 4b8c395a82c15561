"""The vectorised BLT reader against the careful line-by-line parser: same files accepted,
same profiles, and the careful parser's error (line and reason) whenever a file is bad."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bloc.democracy.tally import blt
from bloc.democracy.tally.ballots import Interpretation, Profile, compact_rows
from bloc.democracy.tally.errors import BallotFileError


def careful(text: str) -> Profile:
    raw = text.encode()
    rules = Interpretation(max_skipped_ranks=None)
    digest = hashlib.sha256(raw).hexdigest()
    return blt._Parser(raw.decode("utf-8-sig").splitlines(), None, rules, digest).parse()


def fast(text: str) -> Profile | None:
    raw = text.encode()
    return blt._parse_fast(raw, None, hashlib.sha256(raw).hexdigest())


def same(a: Profile, b: Profile) -> None:
    assert a.candidates == b.candidates and a.title == b.title and a.seats == b.seats
    assert a.withdrawn == b.withdrawn and a.tie_order == b.tie_order
    assert a.blank == b.blank and a.digest == b.digest
    assert a.interpretation_notes == b.interpretation_notes
    assert a.ranks.dtype == b.ranks.dtype and a.ranks.shape == b.ranks.shape
    assert np.array_equal(a.ranks, b.ranks) and np.array_equal(a.counts, b.counts)
    for prof in (a, b):  # both readers say the rows are compact: check that they are
        assert prof.compacted
        ranks, counts = compact_rows(prof.ranks, prof.counts, prof.n_candidates)
        assert np.array_equal(ranks, prof.ranks) and np.array_equal(counts, prof.counts)


def blt_text(n_cand: int, lines: list[str], header: str = "") -> str:
    names = "".join(f'"C{i}"\n' for i in range(n_cand))
    return f"{n_cand} 2\n{header}" + "".join(lines) + "0\n" + names + '"T"\n'


def test_fast_reader_takes_plain_files_and_matches_careful_parser() -> None:
    text = blt_text(4, ["3 1 2 0\n", "1 4 0\n", "2 1 2 0\n", "5 0\n", "1 3 2 4 0\n"], "-3\n")
    got = fast(text)
    assert got is not None  # the fast path really read it
    same(got, careful(text))
    assert got.blank == 5  # "5 0" ranks nobody
    # candidate 3 is withdrawn, so "3 2 4" counts for candidate 2
    assert got.first_preferences().tolist() == [5, 1, 0, 1]
    assert got.n_ballots == 7 and got.ranks.shape == (3, 2)


@pytest.mark.parametrize(
    "lines",
    [
        ["1 1 2 0\n", "\n", "2 2 0\n"],  # a blank line among the ballots
        ["1 1 2 0\r\n", "2 2 0\r\n"],  # Windows line ends
        ["1 1 2 0  \n", "2\t2 0\n"],  # trailing blanks, tabs
        ["007 1 2 0\n", "1 02 0\n"],  # leading zeros in numbers
    ],
)
def test_fast_reader_variants_match(lines: list[str]) -> None:
    text = blt_text(3, lines)
    assert fast(text) is not None
    same(fast(text), careful(text))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lines", "line", "reason"),
    [
        (["1 1 2\n"], 2, "must end with 0"),
        (["1 1 2 00\n"], 2, "must end with 0"),
        (["0 1 2 0\n"], 2, "multiplier"),
        (["1 1 0\n", "1 1 4 0\n"], 3, "out of range"),
        (["1 1 0\n", "1 0 2 0\n"], 3, "out of range"),
        (["1 1 2 1 0\n"], 2, "ranked twice"),
        (["1 1 2 3 1 0\n"], 2, "ranked twice"),
        (["1 1 0\n", "  0\n", "2 2 0\n"], 4, "quoted candidate name"),  # indented end line
        (["1 1 0\n", "7\n"], 3, "must end with 0"),
    ],
)
def test_bad_files_decline_the_fast_path_and_report_the_line(
    lines: list[str], line: int, reason: str
) -> None:
    text = blt_text(3, lines)
    assert fast(text) is None
    with pytest.raises(BallotFileError) as err:
        blt.parse_blt(text, path="bad.blt")
    assert err.value.line == line and reason in err.value.reason


def test_indented_lines_go_to_the_careful_parser() -> None:
    text = blt_text(3, ["1 1 2 0\n", "  2 2 0\n", "\t1 3 0\n"])
    assert fast(text) is None
    profile = blt.parse_blt(text)
    same(profile, careful(text))
    assert profile.first_preferences().tolist() == [1, 2, 1]


def test_many_candidates_use_the_row_path(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    lines = []
    for _ in range(300):
        k = int(rng.integers(0, 21))
        lines.append(f"{rng.integers(1, 4)} " + " ".join(map(str, rng.permutation(20)[:k] + 1)))
        lines[-1] = lines[-1].replace("  ", " ") + " 0\n"
    text = blt_text(20, lines, "-4 -17\n")
    monkeypatch.setattr(blt, "_CHUNK_BYTES", 500)  # several chunks
    got = fast(text)
    assert got is not None
    same(got, careful(text))
    bad = blt_text(20, [*lines[:50], "1 3 5 3 0\n", *lines[50:]])
    assert fast(bad) is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_cand=st.integers(1, 9),
    ballots=st.lists(
        st.tuples(
            st.integers(0, 3),
            st.one_of(  # mostly valid rankings, sometimes repeats, 0 or out of range
                st.lists(st.integers(1, 9), max_size=9, unique=True),
                st.lists(st.integers(0, 10), max_size=4),
            ),
        ),
        max_size=40,
    ),
    withdrawn=st.sets(st.integers(1, 9), max_size=3),
    chunk=st.sampled_from([16, 64, 1 << 23]),
)
def test_fast_and_careful_readers_agree(
    n_cand: int, ballots: list[tuple[int, list[int]]], withdrawn: set[int], chunk: int
) -> None:
    lines = [" ".join(map(str, [m, *r, 0])) + "\n" for m, r in ballots]
    head = " ".join(f"-{c}" for c in sorted(withdrawn) if c <= n_cand)
    text = blt_text(n_cand, lines, head + "\n" if head else "")
    old = blt._CHUNK_BYTES
    blt._CHUNK_BYTES = chunk
    try:
        try:
            expected: Profile | str = careful(text)
        except BallotFileError as exc:
            expected = str(exc)
        got = fast(text)
        if isinstance(expected, str):
            assert got is None  # a bad file is never read by the fast path
            with pytest.raises(BallotFileError) as err:
                blt.parse_blt(text)
            assert str(err.value) == expected
        else:
            assert got is not None
            same(got, expected)
    finally:
        blt._CHUNK_BYTES = old


def test_long_header_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    text = blt_text(3, ["1 1 2 0\n"], "-2\n[tie 3 2 1]\n")
    monkeypatch.setattr(blt, "_HEAD_BYTES", 6)
    assert fast(text) is None
    same(blt.parse_blt(text), careful(text))
