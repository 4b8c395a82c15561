"""Checks on a published election record that anyone can run (`bloc verify RECORD`).

Pure: the record (JSON), the ballot file and optionally trustee shares in; problems out. No
Django, no settings, no database: `bloc verify` runs this module directly (bloc/cli.py), so an
observer needs only the published files. Every problem is one line; nothing raises on bad input.
"""

import argparse
import base64
import binascii
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, NoReturn, Protocol

from bloc.democracy import counting, crypto
from bloc.democracy.tally import parse_blt
from bloc.democracy.tally.ballots import Profile
from bloc.democracy.tally.errors import TallyError

USAGE = "bloc verify RECORD.json BALLOTS.blt [--share S ...]"


class _Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


class RecordError(ValueError):
    """The record is not a Bloc election record (a field is missing or of the wrong type)."""


def board_digest(ballot_id: int, rows: Iterable[tuple[str, bytes]]) -> str:
    """SHA-256 over the bulletin board: each tracker with its ciphertext's hash, by tracker."""
    digest = hashlib.sha256(f"bloc-board-v1\nballot {ballot_id}\n".encode())
    for tracker, ciphertext in sorted(rows):
        digest.update(f"{tracker},{hashlib.sha256(ciphertext).hexdigest()}\n".encode())
    return digest.hexdigest()


def _field(record: Any, path: str, kind: type | tuple[type, ...], what: str) -> Any:
    value = record
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            raise RecordError(f"The record has no '{path}': it is not a Bloc election record.")
        value = value[part]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _kinds(kind)):
        raise RecordError(f"The record's '{path}' is not {what}.")
    return value


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _board(record: Any) -> list[tuple[str, bytes]]:
    entries = _field(record, "board.entries", list, "a list")
    board = []
    for number, entry in enumerate(entries, start=1):
        tracker = entry.get("tracker") if isinstance(entry, dict) else None
        text = entry.get("ciphertext") if isinstance(entry, dict) else None
        if not isinstance(tracker, str) or not isinstance(text, str):
            raise RecordError(f"Board entry {number} has no tracker and ciphertext.")
        try:
            ciphertext = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise RecordError(
                f"The ciphertext of board entry {number} (tracker {tracker}) is not base64."
            ) from None
        board.append((tracker, ciphertext))
    return board


def verify_record(record: Any, ballots_file: bytes, *, shares: Sequence[str] = ()) -> list[str]:
    """Human-readable problems, one line each; an empty list means the record checks out.

    Never raises on a malformed record, ballot file or share: each is a problem."""
    try:
        if not isinstance(record, dict):
            raise RecordError("The record is not a Bloc election record (not a JSON object).")
        ballot_id = _field(record, "ballot.id", int, "a whole number")
        method = _field(record, "ballot.method", str, "text")
        seats = _field(record, "ballot.seats", int, "a whole number")
        stv_rule = _field(record, "ballot.stv_rule", str, "text")
        threshold = _field(record, "ballot.threshold", str, "text")
        quorum_text = _field(record, "ballot.quorum_share", (str, int), "a fraction")
        max_marks = record["ballot"].get("max_marks")
        if max_marks is not None and (
            not isinstance(max_marks, int) or isinstance(max_marks, bool)
        ):
            raise RecordError("The record's 'ballot.max_marks' is not a whole number.")
        fingerprint = _field(record, "board.fingerprint", str, "text")
        voted = _field(record, "turnout.voted", int, "a whole number")
        published_sha = _field(record, "ballots.sha256", str, "text")
        electorate = _field(record, "roll.size", int, "a whole number")
        result = _field(record, "result", dict, "a JSON object")
        public_key = _field(record, "ballot.public_key", str, "text") if shares else ""
        try:
            quorum_share = Fraction(quorum_text)
        except (ValueError, ZeroDivisionError):
            raise RecordError("The record's 'ballot.quorum_share' is not a fraction.") from None
        board = _board(record)
    except RecordError as exc:
        return [str(exc)]

    problems: list[str] = []
    trackers = [t for t, _ in board]
    if len(set(trackers)) != len(trackers):
        problems.append("Two ballots on the board share a tracker.")
    if any(crypto.tracker_for(c) != t for t, c in board):
        problems.append("A tracker does not match its ciphertext.")
    if any(len(c) != crypto.CIPHERTEXT_SIZE for _, c in board):
        problems.append("A ciphertext has an unexpected length.")
    if board_digest(ballot_id, board) != fingerprint:
        problems.append("The board fingerprint does not recompute.")
    if len(board) != voted:
        problems.append(f"{len(board)} ballots on the board but {voted} participations.")
    if hashlib.sha256(ballots_file).hexdigest() != published_sha:
        problems.append("The ballot file is not the one published with this record.")

    profile: Profile | None
    try:
        profile = parse_blt(ballots_file, path="ballot file")
    except TallyError as exc:
        profile = None
        problems.append(f"The ballot file does not parse: {_one_line(exc)}")
    if profile is not None:
        try:
            recount = counting.count_file(
                ballots_file,
                method=method,
                seats=seats,
                stv_rule=stv_rule,
                threshold=threshold,
                quorum_share=quorum_share,
                electorate=electorate,
                max_marks=max_marks,
            )
        except (TallyError, ValueError, ArithmeticError) as exc:
            problems.append(f"The ballot file cannot be recounted as this ballot: {_one_line(exc)}")
        else:
            if recount.turnout != len(board):
                problems.append(
                    f"The ballot file holds {recount.turnout} ballots, the board {len(board)}."
                )
            if recount.data != result:
                problems.append("A recount of the ballot file does not equal the published result.")
    if shares:
        problems.extend(_decryption_problems(board, profile, shares, public_key, method))
    return problems


def _decryption_problems(
    board: list[tuple[str, bytes]],
    profile: Profile | None,
    shares: Sequence[str],
    public_key: str,
    method: str,
) -> list[str]:
    """With k trustee shares: every sealed ballot opens, and the opened board is the file."""
    try:
        key = crypto.combine_shares(shares, threshold=len(shares), public_hex=public_key)
    except (ValueError, TypeError) as exc:  # KeyShareError, and what Shamir says of bad shares
        return [f"Trustee shares: {_one_line(exc)}"]
    problems: list[str] = []
    opened: Counter[tuple[int, ...]] = Counter()
    for tracker, ciphertext in board:
        try:
            opened[tuple(crypto.unseal(ciphertext, private=key))] += 1
        except (ValueError, TypeError):
            problems.append(
                f"The sealed ballot with tracker {tracker} does not open with the trustees' key"
                " (it was changed, or not sealed to this ballot)."
            )
    if problems or profile is None:
        return problems
    published: Counter[tuple[int, ...]] = Counter()
    for row, count in zip(profile.ranks.tolist(), profile.counts.tolist(), strict=True):
        published[tuple(c for c in row if c >= 0)] += count
    if method == "approval":
        opened = Counter({tuple(sorted(k)): v for k, v in opened.items()})
    if opened != published:
        problems.append("The published ballots are not exactly the decrypted board.")
    return problems


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


# --- The command --------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """Usage mistakes are one FAIL line too (exit status 2), never argparse's two-line usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"FAIL {_one_line(Exception(message))} (usage: {USAGE})\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="bloc verify",
        usage=USAGE,
        description=(
            "Check a published election record: unique trackers that match their ciphertexts, "
            "the board fingerprint, ballots equal to participations, and a recount of the "
            "ballot file equal to the published result; with k trustee shares, that the ballot "
            "file is exactly the decrypted board. Needs no database and no settings. Exit "
            "status 0 when every check passes, 1 when one fails, 2 on a usage mistake."
        ),
    )
    parser.add_argument("record", type=Path, help="the election record (JSON)")
    parser.add_argument("ballots", type=Path, help="the published ballot file (.blt)")
    parser.add_argument(
        "--share", action="append", default=[], help="a trustee share (repeat k times)"
    )
    return parser


def run(
    record_path: Path,
    ballots_path: Path,
    shares: Sequence[str],
    *,
    stdout: _Writer,
    stderr: _Writer,
) -> int:
    """Verify the files; print OK or one FAIL line per problem. Returns the exit status."""
    problems: list[str] = []
    record: Any = None
    ballots = b""
    try:
        record = json.loads(record_path.read_bytes())
    except OSError as exc:
        problems.append(f"Cannot read the record {record_path}: {exc.strerror or _one_line(exc)}.")
    except ValueError as exc:  # JSONDecodeError, or bytes that are not text
        problems.append(f"The record {record_path} is not valid JSON: {_one_line(exc)}")
    try:
        ballots = ballots_path.read_bytes()
    except OSError as exc:
        problems.append(
            f"Cannot read the ballot file {ballots_path}: {exc.strerror or _one_line(exc)}."
        )
    if not problems:
        try:
            problems = verify_record(record, ballots, shares=shares)
        except Exception as exc:  # a check this module did not foresee: still one line
            problems = [f"The record could not be checked: {_one_line(exc)}"]
    for problem in problems:
        stderr.write(f"FAIL {_one_line(Exception(problem))}\n")
    if problems:
        return 1
    title = record.get("ballot", {}).get("title", "") if isinstance(record, dict) else ""
    checked = "board, participations, recount" + (", decryption" if shares else "")
    stdout.write(f"OK {' '.join(str(title).split())}: {checked} all check out.\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """`bloc verify RECORD.json BALLOTS.blt [--share S ...]`; returns the exit status."""
    options = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    return run(options.record, options.ballots, options.share, stdout=sys.stdout, stderr=sys.stderr)
