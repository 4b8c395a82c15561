"""Every malformed input is one line on stderr naming the file, the line and the problem, with
exit status 2 and nothing counted; never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from bloc.democracy.tally.cli import main

CONFIG = {
    "cvrFileSources": [{"firstVoteColumnIndex": "2", "firstVoteRowIndex": "2", "provider": "ess"}],
    "candidates": [{"name": "ANN", "excluded": False}, {"name": "BO", "excluded": False}],
    "rules": {
        "overvoteRule": "exhaustImmediately",
        "maxSkippedRanksAllowed": "1",
        "maxRankingsAllowed": "2",
    },
}


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's usage errors
        code = exit_.code
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 or lines[0].startswith("usage:"), captured.err
    return lines[-1]


def _config(tmp_path: Path, text: str) -> list[str]:
    ballots = _xlsx(tmp_path / "cvr.xlsx", [["Precinct", "1st", "2nd"], ["P1", "ANN", "BO"]])
    path = tmp_path / "contest.json"
    path.write_text(text)
    return [str(ballots), "--method", "irv", "--rctab-config", str(path)]


def _with(**rules: object) -> str:
    return json.dumps({**CONFIG, "rules": {**CONFIG["rules"], **rules}}, indent=1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"candidates": [\n  {"name": "ANN"},\n', "contest.json, line 3: not valid JSON"),
        ("[]", "contest.json: not an RCTab configuration (a JSON object)"),
        ("{}", "contest.json: cvrFileSources is missing"),
        (
            json.dumps({**CONFIG, "cvrFileSources": []}),
            "contest.json, line 1: cvrFileSources is empty",
        ),
        (
            json.dumps({k: v for k, v in CONFIG.items() if k != "rules"}),
            "contest.json: rules is missing",
        ),
        (
            _with(maxSkippedRanksAllowed="abc"),
            "contest.json, line 21: maxSkippedRanksAllowed must be a whole number or "
            "'unlimited': got 'abc'",
        ),
        (
            _with(maxRankingsAllowed="-1"),
            "contest.json, line 22: maxRankingsAllowed must be a positive whole number or "
            "'max': got '-1'",
        ),
        (
            json.dumps({**CONFIG, "candidates": ["ANN", "BO"]}),
            "contest.json, line 1: candidate 1 must be an object with a name",
        ),
        (
            json.dumps({**CONFIG, "candidates": [{"name": "ANN"}, {"name": "ANN"}]}),
            "contest.json, line 1: candidate 'ANN' is listed twice",
        ),
        (
            json.dumps(
                {
                    **CONFIG,
                    "cvrFileSources": [{"firstVoteColumnIndex": "0", "firstVoteRowIndex": "2"}],
                }
            ),
            "contest.json, line 1: firstVoteColumnIndex must be a positive whole number: got '0'",
        ),
        (json.dumps({**CONFIG, "rules": []}), "contest.json, line 1: rules must be an object"),
    ],
)
def test_a_malformed_rctab_config_is_one_line_naming_it(tmp_path, capsys, text, message) -> None:
    line = _fails(capsys, _config(tmp_path, text))
    assert line.startswith(f"error: {tmp_path}/{message}"), line


def test_an_rctab_config_that_cannot_be_read_is_one_line(tmp_path, capsys) -> None:
    argv = _config(tmp_path, "{}")
    (tmp_path / "contest.json").write_bytes(b'{"rules": "\xff"}')
    assert "contest.json, line 1: not valid UTF-8 text" in _fails(capsys, argv)
    argv[-1] = str(tmp_path / "missing.json")
    assert "missing.json: cannot read file (No such file or directory)" in _fails(capsys, argv)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("count,rank1\n²,A\n", "votes.csv, line 2: count must be a whole number, got '²'"),
        (
            "count,rank1\n1,A\n99999999999999999999,B\n",
            "votes.csv, line 3: more than 9223372036854775807 ballots in all",
        ),
        ("rank1,rank2\nA,B\n" + "C" * 200_000 + ",A\n", "votes.csv, line 3: not readable as CSV"),
        (
            'rank1,rank2\nA,B\n"B,A\nA,B\nA,B\n',
            "votes.csv, line 3: a quoted cell runs on to line 5 (a stray quote?)",
        ),
        ('rank1,rank2\nA,"B"C\nB,A\n', "votes.csv, line 2: not readable as CSV"),
        ("rank1\nA\x00\nB\n", "votes.csv, line 2: a NUL character"),
        ('rank1,rank2\n"A\n",B\nC,"D\nE"\n', "votes.csv, line 2: a quoted cell runs on to line 3"),
    ],
)
def test_a_malformed_csv_is_one_line_naming_the_line(tmp_path, capsys, text, message) -> None:
    path = tmp_path / "votes.csv"
    path.write_text(text)
    line = _fails(capsys, [str(path), "--method", "irv"])
    assert line.startswith(f"error: {tmp_path}/{message}"), line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('vote\nyes\n"no\nyes\n', "votes.csv, line 3: a quoted cell runs on to line 4"),
        ("vote,count\nyes,1\nno,²\n", "votes.csv, line 3: count must be a whole number"),
    ],
)
def test_a_malformed_yes_no_file_is_one_line(tmp_path, capsys, text, message) -> None:
    path = tmp_path / "votes.csv"
    path.write_text(text)
    line = _fails(capsys, [str(path), "--method", "yesno"])
    assert line.startswith(f"error: {tmp_path}/{message}"), line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('² 1\n1 1 0\n0\n"A"\n"B"\n', "b.blt, line 1: expected the number of candidates"),
        ('2 1\n² 1 0\n0\n"A"\n"B"\n', "b.blt, line 2: unexpected '²' before the first ballot"),
        ('2 1\n1 ² 0\n0\n"A"\n"B"\n', "b.blt, line 2: unknown candidate '²'"),
        (
            '2 1\n1 1 0\n99999999999999999999 1 0\n0\n"A"\n"B"\n',
            "b.blt, line 3: more than 9223372036854775807 ballots in all",
        ),
        (
            f'2 1\n{2**62} 1 0\n{2**62} 2 0\n0\n"A"\n"B"\n',
            "b.blt, line 3: more than 9223372036854775807 ballots in all",
        ),
        ('3 1\n1 1 0\n0\n"A"\n"B"\n"A"\n"T"\n', "b.blt, line 6: two candidates have the same name"),
    ],
)
def test_a_malformed_blt_is_one_line_naming_the_line(tmp_path, capsys, text, message) -> None:
    path = tmp_path / "b.blt"
    path.write_text(text)
    line = _fails(capsys, [str(path)])
    assert line.startswith(f"error: {tmp_path}/{message}"), line


def test_a_spreadsheet_with_a_bad_shared_string_is_one_line(tmp_path, capsys) -> None:
    good = _xlsx(tmp_path / "good.xlsx", [["Precinct", "1st"], ["P1", "ANN"]])
    cell = b'<c r="B2" t="inlineStr"><is><t>ANN</t></is></c>'
    bad = _rewrite_sheet(
        good,
        tmp_path / "cvr.xlsx",
        lambda data: data.replace(cell, b'<c r="B2" t="s"><v>x</v></c>'),
    )
    config = tmp_path / "contest.json"
    config.write_text(json.dumps(CONFIG))
    argv = [str(bad), "--method", "irv", "--rctab-config", str(config)]
    assert _fails(capsys, argv).startswith(f"error: {bad}")


@pytest.mark.parametrize(
    "argv",
    [
        ["--method", "approval", "--max-marks", "-1"],
        ["--method", "irv", "--max-skipped", "-1"],
        ["--method", "plurality", "--seats", "0"],
    ],
)
def test_out_of_range_options_are_usage_errors(tmp_path, capsys, argv) -> None:
    path = tmp_path / "votes.csv"
    path.write_text("rank1\nA\n")
    _fails(capsys, [str(path), *argv])


def _rewrite_sheet(src: Path, dst: Path, change) -> Path:
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = change(data)
            zout.writestr(item, data)
    return dst


def test_a_spreadsheet_without_cell_references_reads_every_ballot(tmp_path, capsys) -> None:
    """Cell and row references (r="B2") are optional in .xlsx, and the dimension may be
    wrong: every ballot is still read."""
    import re

    rows = [["Precinct", "1st", "2nd"], ["P1", "ANN", "BO"], ["P2", "BO", "ANN"], ["P3", "BO"]]
    good = _xlsx(tmp_path / "good.xlsx", rows)

    def strip(data: bytes) -> bytes:
        data = re.sub(rb' r="[A-Z]*[0-9]+"', b"", data)
        return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', data)

    bare = _rewrite_sheet(good, tmp_path / "cvr.xlsx", strip)
    assert b' r="' not in __import__("zipfile").ZipFile(bare).read("xl/worksheets/sheet1.xml")
    config = tmp_path / "contest.json"
    config.write_text(json.dumps(CONFIG))
    assert main([str(bare), "--method", "irv", "--rctab-config", str(config), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ballots"] == 3 and data["elected"] == ["BO"]


def test_a_quote_closed_lines_later_names_the_line_it_opened_on(tmp_path, capsys) -> None:
    path = tmp_path / "votes.csv"
    path.write_text('rank1,rank2\nA,"B\nB,A\nA,"B\n')
    line = _fails(capsys, [str(path), "--method", "irv"])
    assert line == f"error: {path}, line 2: a quoted cell runs on to line 4 (a stray quote?)"


def test_a_nul_in_a_blt_file_is_one_line(tmp_path, capsys) -> None:
    path = tmp_path / "b.blt"
    path.write_bytes(b'2 1\n1 1 0\n0\n"A\x00"\n"B"\n')
    assert (
        _fails(capsys, [str(path)])
        == f"error: {path}, line 4: a NUL character: this is not a text file"
    )
