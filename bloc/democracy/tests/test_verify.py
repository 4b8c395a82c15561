"""Anyone can verify a published record; tampering with it is caught."""

import json

import pytest
from django.core.management import call_command

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
