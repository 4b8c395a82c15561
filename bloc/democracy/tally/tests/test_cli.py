"""The command line: counts files, prints tables or JSON, fails cleanly on bad input."""

from __future__ import annotations

import json

import pytest

from bloc.democracy.tally.cli import main

from .conftest import DROOP, RCTAB, need


def test_scottish_table_from_blt(capsys) -> None:
    path = need(DROOP / "blt" / "SC.blt")
    assert main([str(path), "--method", "stv", "--rule", "scotland", "--tie", "order"]) == 0
    out = capsys.readouterr().out
    assert "scotland-fixed-p5-d5" in out
    assert "Elected: Rebecca Rotzler, Pat LaMarche, Steve Kramer, Tom Sevigny" in out


def test_json_output_has_rounds_and_seed(capsys) -> None:
    path = need(DROOP / "blt" / "42.blt")
    assert main([str(path), "--rule", "meek", "--seats", "2", "--json", "--seed", "abc"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rule"] == "meek-prf-o6-fixed-p9-d9"
    assert data["tie_break"] == {"mode": "random", "seed": "abc"}
    assert data["stages"][0]["action"] == "count"
    assert len(data["elected"]) == 2


def test_malformed_file_exits_2_with_line(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.blt"
    bad.write_text('2 1\n1 1 0\n1 1 9 0\n0\n"A"\n"B"\n"T"\n')
    assert main([str(bad)]) == 2
    captured = capsys.readouterr()
    assert "line 3" in captured.err and captured.out == ""


def test_irv_from_ess_spreadsheet(capsys) -> None:
    xlsx = need(RCTAB / "2013_minneapolis_mayor_cvr.xlsx")
    cfg = RCTAB / "2013_minneapolis_mayor_config.json"
    assert main([str(xlsx), "--method", "irv", "--rctab-config", str(cfg), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["elected"] == ["BETSY HODGES"]


def test_csv_schulze(tmp_path, capsys) -> None:
    path = tmp_path / "b.csv"
    path.write_text("count,rank1,rank2,rank3\n3,A,B,C\n2,B,C,A\n2,C,B,A\n")
    assert main([str(path), "--method", "schulze", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["elected"] == ["B"]


def test_paths_imply_json_and_add_up(capsys) -> None:
    path = need(DROOP / "blt" / "42.blt")
    assert main([str(path), "--rule", "wigm", "--tie", "order", "--paths"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rule"] == "wigm-prf-fixed-p4-d4"
    assert sum(p["count"] for p in data["paths"]) == data["ballots"]
    for p in data["paths"]:
        assert p["steps"][0]["holder"] == p["ranking"][0]


def test_irv_paths_from_csv(tmp_path, capsys) -> None:
    path = tmp_path / "b.csv"
    path.write_text("count,rank1,rank2\n4,A,\n3,B,C\n2,C,B\n")
    assert main([str(path), "--method", "irv", "--json", "--paths"]) == 0
    data = json.loads(capsys.readouterr().out)
    (cb,) = [p for p in data["paths"] if p["ranking"] == ["C", "B"]]
    # C is excluded at the end of round 1: from that stage on the ballot counts for B.
    assert [(s["round"], s["holder"]) for s in cb["steps"]] == [(1, "C"), (1, "B")]
    assert data["stages"][cb["steps"][1]["stage"]]["action"] == "exclude"
    assert data["elected"] == ["B"]


def test_paths_refused_for_methods_without_rounds(tmp_path, capsys) -> None:
    path = tmp_path / "b.csv"
    path.write_text("rank1\nA\n")
    with pytest.raises(SystemExit) as exit_:
        main([str(path), "--method", "plurality", "--paths"])
    assert exit_.value.code == 2
    assert "--paths is only for" in capsys.readouterr().err
