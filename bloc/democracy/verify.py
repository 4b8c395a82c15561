"""Checks on a published election record that anyone can run (`bloc verify RECORD`).

Pure: the record (JSON), the ballot file and optionally trustee shares in; problems out."""

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from bloc.democracy import counting, crypto
from bloc.democracy.tally import parse_blt


def board_digest(ballot_id: int, rows: Iterable[tuple[str, bytes]]) -> str:
    """SHA-256 over the bulletin board: each tracker with its ciphertext's hash, by tracker."""
    digest = hashlib.sha256(f"bloc-board-v1\nballot {ballot_id}\n".encode())
    for tracker, ciphertext in sorted(rows):
        digest.update(f"{tracker},{hashlib.sha256(ciphertext).hexdigest()}\n".encode())
    return digest.hexdigest()


def verify_record(
    record: dict[str, Any], ballots_file: bytes, *, shares: Sequence[str] = ()
) -> list[str]:
    """Human-readable problems; an empty list means the record checks out."""
    problems: list[str] = []
    ballot = record["ballot"]
    entries = record["board"]["entries"]
    board = [(e["tracker"], base64.b64decode(e["ciphertext"])) for e in entries]
    trackers = [t for t, _ in board]
    if len(set(trackers)) != len(trackers):
        problems.append("Two ballots on the board share a tracker.")
    if any(crypto.tracker_for(c) != t for t, c in board):
        problems.append("A tracker does not match its ciphertext.")
    if any(len(c) != crypto.CIPHERTEXT_SIZE for _, c in board):
        problems.append("A ciphertext has an unexpected length.")
    if board_digest(ballot["id"], board) != record["board"]["fingerprint"]:
        problems.append("The board fingerprint does not recompute.")
    if len(board) != record["turnout"]["voted"]:
        problems.append(
            f"{len(board)} ballots on the board but {record['turnout']['voted']} participations."
        )
    if hashlib.sha256(ballots_file).hexdigest() != record["ballots"]["sha256"]:
        problems.append("The ballot file is not the one published with this record.")
    recount = counting.count_file(
        ballots_file,
        method=ballot["method"],
        seats=ballot["seats"],
        stv_rule=ballot["stv_rule"],
        threshold=ballot["threshold"],
        quorum_share=Fraction(ballot["quorum_share"]),
        electorate=record["roll"]["size"],
        max_marks=ballot.get("max_marks"),
    )
    if recount.turnout != len(board):
        problems.append(f"The ballot file holds {recount.turnout} ballots, the board {len(board)}.")
    if recount.data != record["result"]:
        problems.append("A recount of the ballot file does not equal the published result.")
    if shares:
        try:
            key = crypto.combine_shares(
                shares, threshold=len(shares), public_hex=ballot["public_key"]
            )
        except crypto.KeyShareError as exc:
            problems.append(f"Trustee shares: {exc}")
        else:
            opened = Counter(tuple(crypto.unseal(c, private=key)) for _, c in board)
            profile = parse_blt(ballots_file)
            published: Counter[tuple[int, ...]] = Counter()
            for row, count in zip(profile.ranks.tolist(), profile.counts.tolist(), strict=True):
                published[tuple(c for c in row if c >= 0)] += count
            if ballot["method"] == "approval":
                opened = Counter({tuple(sorted(k)): v for k, v in opened.items()})
            if opened != published:
                problems.append("The published ballots are not exactly the decrypted board.")
    return problems
