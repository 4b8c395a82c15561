"""Anyone can verify a published record; tampering with it is caught."""

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from bloc import cli
from bloc.democracy import selectors
from bloc.democracy.models import VoterRollEntry
from bloc.democracy.tests.helpers import counted, opened, vote
from bloc.democracy.verify import verify_record

RANKINGS = [[0, 1], [0, 1], [0, 3], [2, 3, 0], [2]]


@pytest.fixture
def published(personas):
    ballot, shares = opened(method="stv", seats=2)
    for entry, ranking in zip(VoterRollEntry.objects.filter(ballot=ballot), RANKINGS, strict=True):
        vote(ballot, entry.person, ranking)
    ballot = counted(ballot, shares)
    record = json.loads(json.dumps(selectors.election_record(ballot)))
    return record, ballot.result.ballots_blt.encode(), shares


def test_an_untouched_record_verifies_and_its_plaintexts_are_the_decrypted_board(published):
    record, blt, shares = published
    assert verify_record(record, blt) == []
    assert verify_record(record, blt, shares=shares[:2]) == []


def test_a_changed_ballot_file_is_caught(published):
    record, blt, shares = published
    lines = blt.decode().splitlines()
    lines[1] = "1 4 0"  # a first-choice vote moved to another candidate
    forged = ("\n".join(lines) + "\n").encode()
    problems = verify_record(record, forged, shares=shares[:2])
    assert "The ballot file is not the one published with this record." in problems
    assert "The published ballots are not exactly the decrypted board." in problems


def test_a_dropped_ballot_or_a_changed_result_is_caught(published):
    record, blt, _ = published
    dropped = json.loads(json.dumps(record))
    dropped["board"]["entries"].pop()
    assert "The board fingerprint does not recompute." in verify_record(dropped, blt)
    changed = json.loads(json.dumps(record))
    changed["result"]["elected"] = ["Dee Marsh", "Bo Lindqvist"]
    assert "A recount of the ballot file does not equal the published result." in (
        verify_record(changed, blt)
    )


def test_the_command_reports_ok_and_fails_on_tampering(published, tmp_path, capsys):
    record, blt, shares = published
    (tmp_path / "record.json").write_text(json.dumps(record))
    (tmp_path / "ballots.blt").write_bytes(blt)
    args = [str(tmp_path / "record.json"), str(tmp_path / "ballots.blt")]
    call_command("verify", *args, "--share", shares[0], "--share", shares[2])
    assert "all check out" in capsys.readouterr().out
    (tmp_path / "ballots.blt").write_bytes(blt.replace(b"\n1 1 2 0\n", b"\n1 2 1 0\n", 1))
    with pytest.raises(SystemExit):
        call_command("verify", *args)


# --- `bloc verify` as an outside observer runs it (finding 6) --------------------------------

REPO = Path(__file__).resolve().parents[3]


def _files(tmp_path, record, blt):
    record_path, blt_path = tmp_path / "record.json", tmp_path / "ballots.blt"
    record_path.write_text(record if isinstance(record, str) else json.dumps(record))
    blt_path.write_bytes(blt)
    return [str(record_path), str(blt_path)]


def _flip_a_byte(record):
    """One byte of the first sealed ballot on the board, flipped."""
    tampered = json.loads(json.dumps(record))
    entry = tampered["board"]["entries"][0]
    raw = bytearray(base64.b64decode(entry["ciphertext"]))
    raw[100] ^= 0x01
    entry["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    return tampered, entry["tracker"]


def _bloc(*args, cwd):
    """The `bloc` command on a fresh machine: no settings module, no secret key, no debug."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd),
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(
        [sys.executable, "-c", "from bloc.cli import main; main()", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _verify(capsys, *args):
    """`bloc verify ARGS` in this process: (exit status, output lines)."""
    with pytest.raises(SystemExit) as exited:
        cli.main(["bloc", "verify", *args])
    out, err = capsys.readouterr()
    return exited.value.code, [line for line in (out + err).splitlines() if line.strip()]


def test_bloc_verify_runs_without_settings_secret_key_or_debug(published, tmp_path):
    record, blt, shares = published
    args = _files(tmp_path, record, blt)

    ok = _bloc("verify", *args, "--share", shares[0], "--share", shares[1], cwd=tmp_path)

    assert ok.returncode == 0, ok.stderr
    assert "Traceback" not in ok.stderr
    assert ok.stdout.startswith("OK ") and "decryption" in ok.stdout


def test_a_flipped_byte_on_the_board_with_shares_is_fail_lines_without_a_traceback(
    published, tmp_path
):
    record, blt, shares = published
    tampered, tracker = _flip_a_byte(record)
    args = _files(tmp_path, tampered, blt)

    failed = _bloc("verify", *args, "--share", shares[0], "--share", shares[1], cwd=tmp_path)

    lines = [line for line in (failed.stdout + failed.stderr).splitlines() if line.strip()]
    assert failed.returncode != 0
    assert "Traceback" not in failed.stderr
    assert lines and all(line.startswith("FAIL ") for line in lines), lines
    assert any(tracker in line and "does not open" in line for line in lines), lines
    assert "FAIL A tracker does not match its ciphertext." in lines


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("malformed json", "not valid JSON"),
        ("missing record", "Cannot read the record"),
        ("missing ballots", "Cannot read the ballot file"),
        ("not a record", "not a Bloc election record"),
        ("field of the wrong type", "board.entries"),
        ("ciphertext not base64", "not base64"),
        ("blt does not parse", "The ballot file does not parse"),
        ("blt not utf-8", "The ballot file does not parse"),
        ("wrong share", "Trustee shares"),
        ("malformed share", "Trustee shares"),
        ("no arguments", "usage"),
    ],
)
def test_every_problem_is_one_fail_line_and_a_non_zero_exit(
    published, tmp_path, capsys, case, expected
):
    record, blt, shares = published
    record_text = json.dumps(record)
    extra: list[str] = ["--share", shares[0], "--share", shares[1]]
    if case == "malformed json":
        record_text = record_text[:-20]
    elif case == "not a record":
        record_text = "[1, 2, 3]"
    elif case == "field of the wrong type":
        broken = json.loads(record_text)
        broken["board"]["entries"] = "none"
        record_text = json.dumps(broken)
    elif case == "ciphertext not base64":
        broken = json.loads(record_text)
        broken["board"]["entries"][0]["ciphertext"] = "not base64!"
        record_text = json.dumps(broken)
    elif case == "blt does not parse":
        blt = b"4 2\nthis is not a ballot line\n0\n"
    elif case == "blt not utf-8":
        blt = blt.replace(b'"Ana Rivers"', b'"Ana \xff Rivers"')
    elif case == "wrong share":
        other = shares[0].split(":")
        extra = ["--share", f"{other[0]}:{'ab' * 16}:{other[2]}", "--share", shares[1]]
    elif case == "malformed share":
        extra = ["--share", "not-a-share", "--share", shares[1]]
    args = _files(tmp_path, record_text, blt)
    if case == "missing record":
        args[0] = str(tmp_path / "nowhere.json")
    elif case == "missing ballots":
        args[1] = str(tmp_path / "nowhere.blt")
    elif case == "no arguments":
        args, extra = [], []

    status, lines = _verify(capsys, *args, *extra)

    assert status != 0
    assert lines and all(line.startswith("FAIL ") for line in lines), lines
    assert any(expected in line for line in lines), lines
    assert not any("Traceback" in line for line in lines)


def test_a_record_that_checks_out_exits_zero_in_process(published, tmp_path, capsys):
    record, blt, shares = published
    status, lines = _verify(
        capsys, *_files(tmp_path, record, blt), "--share", shares[2], "--share", shares[0]
    )
    assert status == 0 and lines[0].startswith("OK ")


def test_the_verifier_imports_no_django(tmp_path):
    """What an observer installs to check a record is the verifier, not the web platform."""
    probe = (
        "import sys; import bloc.democracy.verify; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, check=False)
    assert done.returncode == 0
