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


def _csv(tmp_path, text: str, name: str = "votes.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_plurality_and_approval_from_csv(tmp_path, capsys) -> None:
    path = _csv(tmp_path, "count,rank1,rank2\n4,A,B\n3,B,C\n2,C,B\n")
    assert main([path, "--method", "plurality", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["elected"] == ["A"]
    assert data["stages"][0]["votes"] == {"A": "4", "B": "3", "C": "2"}
    assert main([path, "--method", "approval", "--seats", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["elected"] == ["B", "C"]  # B: 9 marks, C: 5, A: 4
    assert main([path, "--method", "approval", "--max-marks", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rejected"] == 9
    assert main([path, "--method", "plurality"]) == 0
    assert "Elected: A" in capsys.readouterr().out


def test_yes_no_two_thirds_of_votes_cast(tmp_path, capsys) -> None:
    # 20 yes, 10 no: exactly 2/3 of the votes cast, which is enough ("at least").
    path = _csv(tmp_path, "precinct,vote,count\nN,yes,12\nS,Yes,8\nN,no,10\nS,abstain,5\n")
    assert main([path, "--method", "yesno", "--threshold", "2/3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["yes"], data["no"], data["abstain"]) == (20, 10, 5)
    assert data["threshold"] == "2/3" and data["base"] == 30 and data["passed"] is True
    assert main([path, "--method", "yesno", "--threshold", "0.7"]) == 0
    out = capsys.readouterr().out
    assert "7/10 of votes cast (yes + no = 30): yes needs at least 21" in out
    assert "NOT PASSED" in out


def test_yes_no_simple_majority_is_more_than_half(tmp_path, capsys) -> None:
    path = _csv(tmp_path, "vote\nyes\nno\nabstain\n")
    assert main([path, "--method", "yesno"]) == 0
    out = capsys.readouterr().out
    assert "majority of votes cast (yes + no = 2): yes needs more than 1" in out
    assert out.rstrip().endswith("NOT PASSED")
    assert main([path, "--method", "yesno", "--threshold", "1/2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["passed"] is True  # 1/2: at least half


def test_yes_no_of_the_electorate_with_quorum(tmp_path, capsys) -> None:
    path = _csv(tmp_path, "vote,count\nyes,31\nno,2\nabstain,7\n")
    args = [path, "--method", "yesno", "--threshold", "3/5", "--of", "electorate"]
    assert main([*args, "--electorate", "50", "--quorum", "0.1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["base"] == 50 and data["electorate"] == 50 and data["passed"] is True
    assert main([*args, "--electorate", "100", "--quorum", "1/2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["quorum"] == "1/2" and data["quorum_met"] is False and data["passed"] is False
    assert main([*args, "--electorate", "100", "--quorum", "1/2"]) == 0
    assert "1/2 of the electorate: at least 50 voting, NOT met" in capsys.readouterr().out


def test_yes_no_errors_exit_2_naming_the_line(tmp_path, capsys) -> None:
    cases = {
        "vote\nyes\nmaybe\n": "line 3: vote must be yes, no or abstain: got 'maybe'",
        "vote\nyes\n\n,\nno,x\n": "line 5: 2 cells but the header has 1",
        "id,vote\n1,yes\n2,\n": "line 3: vote must be yes, no or abstain: the cell is empty",
        "vote,count\nyes,2\nno,-1\n": "line 3: count must be a whole number, got '-1'",
        "ballot,choice\n1,yes\n": "line 1: no 'vote' column in the header",
        "": "line 1: empty file",
    }
    for text, message in cases.items():
        assert main([_csv(tmp_path, text), "--method", "yesno"]) == 2
        captured = capsys.readouterr()
        assert message in captured.err and captured.out == "", (text, captured.err)
    (tmp_path / "latin1.csv").write_bytes(b"vote\nyes\nn\xe9\n")
    assert main([str(tmp_path / "latin1.csv"), "--method", "yesno"]) == 2
    assert "line 3: not valid UTF-8" in capsys.readouterr().err


def test_yes_no_count_errors_exit_2(tmp_path, capsys) -> None:
    path = _csv(tmp_path, "vote,count\nyes,6\nno,5\n")
    assert main([path, "--method", "yesno", "--of", "electorate"]) == 2
    assert "needs the size of the electorate" in capsys.readouterr().err
    assert main([path, "--method", "yesno", "--electorate", "10"]) == 2
    assert "11 votes from an electorate of 10" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--method", "yesno", "--threshold", "3/2"], "not between 0 and 1"),
        (["--method", "yesno", "--threshold", "most"], "not a fraction"),
        (["--method", "yesno", "--quorum", "ten"], "not a fraction"),
        (["--method", "yesno", "--electorate", "-4"], "not a positive whole number"),
        (["--method", "yesno", "--format", "blt"], "reads a CSV file"),
        (["--method", "stv", "--threshold", "2/3"], "--threshold is only for --method yesno"),
        (["--method", "irv", "--quorum", "0.1"], "--quorum is only for --method yesno"),
    ],
)
def test_yes_no_usage_errors_exit_2(tmp_path, capsys, argv, message) -> None:
    path = _csv(tmp_path, "vote\nyes\n")
    with pytest.raises(SystemExit) as exit_:
        main([path, *argv])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
