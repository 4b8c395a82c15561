"""From decrypted, shuffled choices to a published record and a result, via the tally engine.

The record is a BLT file (one ballot a line, in shuffled order). The count reads that very file
back with the engine's BLT parser, exactly as `bloc tally ballots.blt ...` does, so anyone who
downloads the record and runs the printed command gets the same result, drawn lots included
(the default seed is the file's SHA-256).
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from bloc.democracy.tally import (
    count_approval,
    count_irv,
    count_meek,
    count_schulze,
    count_scottish,
    count_wigm,
    count_yes_no,
    from_rankings,
    parse_blt,
    round_table,
)
from bloc.democracy.tally.blt import dumps_blt


@dataclass(frozen=True)
class Count:
    blt: str
    sha256: str
    data: dict[str, Any]
    table: str
    command: str
    winners: list[str]
    turnout: int
    quorum_met: bool


def _clean(text: str) -> str:
    return text.replace('"', "'").replace("\n", " ").strip()


def count(
    *,
    title: str,
    labels: Sequence[str],
    choices: Sequence[Sequence[int]],
    method: str,
    seats: int,
    stv_rule: str,
    threshold: str,
    quorum_share: Fraction,
    electorate: int,
    max_marks: int | None,
) -> Count:
    profile = from_rankings(
        [_clean(label) for label in labels],
        [(list(choice), 1) for choice in choices],
        title=_clean(title),
        seats=seats,
    )
    return count_file(
        dumps_blt(profile, seats=seats).encode(),
        method=method,
        seats=seats,
        stv_rule=stv_rule,
        threshold=threshold,
        quorum_share=quorum_share,
        electorate=electorate,
        max_marks=max_marks,
    )


def count_file(
    raw: bytes,
    *,
    method: str,
    seats: int,
    stv_rule: str,
    threshold: str,
    quorum_share: Fraction,
    electorate: int,
    max_marks: int | None,
) -> Count:
    """Count a published ballot file (also how `bloc verify` recounts a record)."""
    blt = raw.decode()
    sha = hashlib.sha256(raw).hexdigest()
    parsed = parse_blt(raw)
    turnout = parsed.n_ballots + parsed.blank
    quorum_met = turnout >= quorum_share * electorate
    if method == "yes_no":
        first = parsed.first_preferences()
        yes_no = count_yes_no(
            int(first[0]),
            int(first[1]),
            int(first[2]),
            threshold=threshold,
            electorate=electorate,
            quorum=quorum_share,
        )
        data = yes_no.to_dict()
        winners = ["Yes" if yes_no.passed else "No"]
        table = (
            f"Yes {yes_no.yes} · No {yes_no.no} · Abstain {yes_no.abstain}\n"
            f"Passes with {yes_no.required} yes votes; quorum met: {yes_no.quorum_met}\n"
        )
        return Count(
            blt,
            sha,
            data,
            table,
            "bloc tally ballots.blt --method plurality",
            winners,
            turnout,
            yes_no.quorum_met,
        )
    if method == "approval":
        result = count_approval(parsed, seats, max_marks=max_marks)
        command = f"bloc tally ballots.blt --method approval --seats {seats}"
        if max_marks:
            command += f" --max-marks {max_marks}"
    elif method == "irv":
        result = count_irv(parsed)
        command = "bloc tally ballots.blt --method irv"
    elif method == "schulze":
        result = count_schulze(parsed)
        command = "bloc tally ballots.blt --method schulze"
    elif stv_rule == "meek":
        result = count_meek(parsed, seats)
        command = f"bloc tally ballots.blt --method stv --rule meek --seats {seats}"
    elif stv_rule == "wigm":
        result = count_wigm(parsed, seats)
        command = f"bloc tally ballots.blt --method stv --rule wigm --seats {seats}"
    else:
        result = count_scottish(parsed, seats)
        command = f"bloc tally ballots.blt --method stv --rule scotland --seats {seats}"
    return Count(
        blt,
        sha,
        result.to_dict(),
        round_table(result),
        command,
        result.winners,
        turnout,
        quorum_met,
    )
