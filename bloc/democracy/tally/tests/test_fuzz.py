"""Fuzzing every reader of the tally engine (Hypothesis): whatever the bytes, a reader returns a
profile or raises :class:`BallotFileError`, and every count of a profile it returns finishes
or raises :class:`CountError`; nothing else, ever (no traceback reaches ``bloc tally``).

The inputs are near-valid files with odd tokens spliced in (where the bugs live) and, now and
then, raw bytes. ``max_examples`` stays modest so the suite stays fast; the ``slow`` variant
runs many more.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from bloc.democracy.tally.ballots import Profile
from bloc.democracy.tally.blt import parse_blt
from bloc.democracy.tally.cli import main
from bloc.democracy.tally.condorcet import count_borda, count_schulze
from bloc.democracy.tally.cvr import parse_cvr
from bloc.democracy.tally.errors import BallotFileError, CountError, TallyError
from bloc.democracy.tally.irv import count_irv
from bloc.democracy.tally.plurality import count_approval, count_plurality
from bloc.democracy.tally.rctab import load_rctab_config, read_ess, read_xlsx_rows
from bloc.democracy.tally.stv.meek import count_meek
from bloc.democracy.tally.stv.scottish import count_scottish
from bloc.democracy.tally.stv.wigm import count_wigm
from bloc.democracy.tally.yesno import count_yes_no, parse_yes_no

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))

#: tokens where parsers go wrong: other scripts' digits, huge numbers, stray quotes, NUL...
ODD = [
    "²",
    "١",
    "１",
    "0",
    "00",
    "-1",
    "99999999999999999999",
    str(2**63),
    str(2**62),
    "9" * 30,
    '"',
    '"A',
    'A"',
    "'",
    "\x00",
    "\r",
    "\t",
    " ",
    "=",
    "-",
    "(",
    ")",
    "[",
    "]",
    "[tie 1 2]",
    "[nick a b]",
    "|",
    "A|B",
    "\u00a0",
    "\ufeff",
    "é",
    "\U0001f5f3",
]
odd = st.sampled_from(ODD)


def _blt_line(draw: st.DrawFn, n: int) -> str:
    kind = draw(st.integers(0, 4))
    if kind == 0:  # a plain ballot, possibly off by a little
        mult = draw(st.sampled_from(["1", "2", "7", "10", str(10**17), str(2**62)]))
        prefs = draw(st.lists(st.integers(0, n + 1).map(str), max_size=n + 1))
        return " ".join([mult, *prefs, "0"])
    if kind == 1:  # an odd token in an ordinary line
        parts = ["1", str(draw(st.integers(1, max(n, 1)))), "0"]
        parts.insert(draw(st.integers(0, 3)), draw(odd))
        return " ".join(parts)
    if kind == 2:
        return draw(st.sampled_from(["0", "", " 1 1 0", "(b1) 1 0", "1 1=2 0", "1 - 1 0", "-1"]))
    if kind == 3:
        return draw(st.text(max_size=12))
    return " ".join(draw(st.lists(odd, min_size=1, max_size=4)))


@st.composite
def blt_files(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=200))
    n = draw(st.integers(1, 5))
    seats = draw(st.sampled_from(["1", "2", str(n), str(n + 1), "0", "²"]))
    lines = [draw(st.sampled_from([f"{n} {seats}", f"{n}", f"{n} {seats} 3", "x 1"]))]
    lines += [_blt_line(draw, n) for _ in range(draw(st.integers(0, 6)))]
    lines.append(draw(st.sampled_from(["0", "0 ", "", " 0"])))
    names = [f'"C{i}"' for i in range(n)]
    if draw(st.booleans()):
        names[draw(st.integers(0, n - 1))] = draw(st.sampled_from(['"C0"', "C9", '"', '"x', "²"]))
    lines += names + [draw(st.sampled_from(['"Title"', "", '"T', "junk"]))]
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return ending.join(lines).encode() + draw(st.sampled_from([b"", b"\n", b"\xff", b"\x00"]))


HEADERS = ["rank1", "rank2", "rank3", "count", "vote", "id", "", "Rank4", "COUNT"]
CELLS = ["A", "B", "C", "", "undervote", "overvote", "A|B", "write-in", "yes", "no", "abstain"]
cells = st.one_of(st.sampled_from(CELLS), odd, st.integers(0, 2**64).map(str))


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=200))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=0, max_size=4))
    rows = draw(st.lists(st.lists(cells, max_size=5), max_size=8))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = ending.join(",".join(r) for r in [header, *rows])
    if draw(st.booleans()):  # a cell far over the csv module's field limit
        text += ending + "A" * draw(st.sampled_from([10, 131_073]))
    return text.encode()


def _counts(profile: Profile) -> list[Callable[[], Any]]:
    seats = min(2, profile.n_candidates)
    return [
        lambda: count_scottish(profile, seats, seed="s"),
        lambda: count_wigm(profile, seats, batch=True, seed="s"),
        lambda: count_meek(profile, seats, seed="s"),
        lambda: count_irv(profile, seed="s", batch=True),
        lambda: count_plurality(profile, seats, seed="s"),
        lambda: count_approval(profile, seats, max_marks=2, seed="s"),
        lambda: count_schulze(profile, seed="s"),
        lambda: count_borda(profile, seed="s"),
        lambda: count_irv(profile, tie_mode="order", paths=True),
    ]


def _count_everything(profile: Profile) -> None:
    for count in _counts(profile):
        try:
            result = count()
        except CountError:
            continue
        assert len(result.elected) <= result.seats
        assert result.extra.get("no_valid_ballots") or result.elected
        for stage in result.stages:
            assert min(stage.votes, default=0) >= 0 and stage.exhausted >= 0
        result.to_json()


def _read(reader: Callable[[], Profile]) -> None:
    try:
        profile = reader()
    except BallotFileError as exc:
        assert "\n" not in str(exc)  # one line
        return
    _count_everything(profile)


@FAST
@given(blt_files())
def test_the_blt_reader_and_every_count(data: bytes) -> None:
    _read(lambda: parse_blt(data, path="f.blt"))


@FAST
@given(csv_files())
def test_the_csv_reader_and_every_count(data: bytes) -> None:
    _read(lambda: parse_cvr(data, path="f.csv"))


@FAST
@given(csv_files())
def test_the_yes_no_reader(data: bytes) -> None:
    try:
        yes, no, abstain = parse_yes_no(data, path="f.csv")
    except BallotFileError as exc:
        assert "\n" not in str(exc)
        return
    count_yes_no(yes, no, abstain, threshold="2/3", electorate=yes + no + abstain, quorum="1/2")


GOOD_CONFIG: dict[str, Any] = {
    "cvrFileSources": [
        {
            "firstVoteColumnIndex": "2",
            "firstVoteRowIndex": "2",
            "overvoteLabel": "overvote",
            "skippedRankLabel": "undervote",
            "undeclaredWriteInLabel": "UWI",
        }
    ],
    "candidates": [{"name": "A", "excluded": False}, {"name": "B"}, {"name": "C"}],
    "rules": {
        "overvoteRule": "exhaustImmediately",
        "maxSkippedRanksAllowed": "1",
        "maxRankingsAllowed": "3",
        "batchElimination": True,
        "exhaustOnDuplicateCandidate": False,
    },
}
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 2**70)
    | st.floats()
    | st.sampled_from(["", "0", "-1", "1", "max", "unlimited", "abc", "²", "A", "9" * 30]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=6,
)


@st.composite
def configs(draw: st.DrawFn) -> str:
    """The good configuration with a few values replaced by anything JSON can hold."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=60))
    cfg = json.loads(json.dumps(GOOD_CONFIG))
    for _ in range(draw(st.integers(1, 3))):
        places = [cfg, cfg.get("rules")]
        for key in ("cvrFileSources", "candidates"):
            if isinstance(cfg.get(key), list) and cfg[key]:
                places.append(cfg[key][0])
        where = draw(st.sampled_from(places))
        if not isinstance(where, dict) or not where:
            continue
        key = draw(st.sampled_from(sorted(where)))
        if draw(st.integers(0, 4)) == 0:
            del where[key]
        else:
            where[key] = draw(json_values)
    text = json.dumps(cfg, indent=1)
    if draw(st.integers(0, 5)) == 0:  # cut short: not JSON any more
        text = text[: draw(st.integers(0, len(text)))]
    return text


XLSX_CELLS = st.one_of(
    st.sampled_from(["A", "B", "C", "UWI", "overvote", "undervote", "", " A "]),
    odd.filter(lambda s: not any(ord(c) < 32 and c not in "\t\n\r" for c in s)),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.just(datetime(2026, 11, 3, 12, 0)),
    st.none(),
)


@st.composite
def spreadsheets(draw: st.DrawFn) -> bytes:
    book = Workbook()
    book.properties.created = book.properties.modified = datetime(2026, 1, 1)  # same bytes
    sheet = book.active
    assert sheet is not None
    for row in draw(st.lists(st.lists(XLSX_CELLS, max_size=5), max_size=6)):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    damage = draw(st.integers(0, 3))
    if damage == 0:
        return data
    # damage the sheet's XML inside an otherwise sound zip, or the zip itself
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"]
    # positions are drawn as shares of the length: openpyxl stamps the time it saves, so
    # the length of the file can differ by a byte from one run to the next
    share = draw(st.integers(0, 1000))
    if damage == 1:
        at = len(sheet_xml) * share // 1000
        sheet_xml = sheet_xml[:at] + draw(st.sampled_from([b"<", b"&", b'"', b"\xff", b""]))
        sheet_xml += parts["xl/worksheets/sheet1.xml"][at + draw(st.integers(0, 20)) :]
        parts["xl/worksheets/sheet1.xml"] = sheet_xml
    elif damage == 2:
        parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace(
            b't="inlineStr"><is><t>', draw(st.sampled_from([b't="s"><v>', b't="n"><v>']))
        ).replace(b"</t></is>", b"</v>")
    else:
        at = len(data) * share // 1000
        return data[:at] + draw(st.binary(max_size=8)) + data[at + 8 :]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, body in parts.items():
            dst.writestr(name, body)
    return out.getvalue()


@FAST
@given(configs())
def test_the_rctab_config_reader(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "contest.json"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load_rctab_config(path)
        except BallotFileError as exc:
            assert "\n" not in str(exc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spreadsheets(), configs())
def test_the_spreadsheet_reader_and_every_count(data: bytes, text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        xlsx, config = Path(tmp) / "cvr.xlsx", Path(tmp) / "contest.json"
        xlsx.write_bytes(data)
        config.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            read_xlsx_rows(xlsx)
            contest = load_rctab_config(config)
        except BallotFileError:
            return
        _read(lambda: read_ess(xlsx, contest))


@FAST
@given(
    st.sampled_from(["f.blt", "f.csv"]),
    st.one_of(blt_files(), csv_files()),
    st.sampled_from(["stv", "irv", "plurality", "approval", "schulze", "borda", "yesno"]),
    st.sampled_from([[], ["--seats", "2"], ["--rule", "meek"], ["--json", "--tie", "order"]]),
)
def test_the_command_line_exits_0_or_2_and_never_raises(
    name: str, data: bytes, method: str, extra: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        argv = [str(path), "--method", method, *extra]
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exit_:
                code = exit_.code
        assert code in (0, 2), (code, err.getvalue())
        if code == 2 and not err.getvalue().startswith("usage:"):
            assert err.getvalue().count("\n") == 1, err.getvalue()
        assert isinstance(code, int)


@pytest.mark.slow
@SLOW
@given(st.one_of(blt_files(), csv_files()))
def test_every_reader_at_length(data: bytes) -> None:
    for reader in (parse_blt, parse_cvr):
        try:
            _read(lambda reader=reader: reader(data, path="f"))
        except TallyError as exc:  # pragma: no cover - the assertion message says which
            raise AssertionError(f"{reader.__name__} let {exc!r} through") from exc
