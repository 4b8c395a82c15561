"""Yes / no / abstain questions with a threshold and an optional quorum (exact fractions).

* ``threshold="majority"``: yes must be *more than* half of the base.
* ``threshold="2/3"``, ``"3/5"`` (or any fraction): yes must be *at least* that share of the base.
* ``of="cast"``: the base is yes + no (abstentions are not votes cast for or against);
  ``of="electorate"``: the base is the whole electorate.
* ``quorum``: yes + no + abstain must be at least this share of the electorate.

Ballot files (:func:`read_yes_no`) are CSV with a header row: the column headed ``vote`` holds
``yes``, ``no`` or ``abstain`` (any case); an optional ``count`` column repeats a row (so a
file of totals works too); other columns (ballot id, precinct) are ignored.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from .errors import BallotFileError, CountError
from .textfile import csv_records, decode

CHOICES = ("yes", "no", "abstain")

THRESHOLDS = {"majority": Fraction(1, 2), "2/3": Fraction(2, 3), "3/5": Fraction(3, 5)}


@dataclass(frozen=True)
class YesNoResult:
    yes: int
    no: int
    abstain: int
    threshold: str
    of: str
    base: int
    required: str  #: the smallest yes count that passes, as text ("more than 12.5" or "9")
    quorum: str | None
    turnout: int
    quorum_met: bool
    passed: bool
    electorate: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"method": "yes-no", **asdict(self)}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def count_yes_no(
    yes: int,
    no: int,
    abstain: int = 0,
    *,
    threshold: str | Fraction = "majority",
    of: Literal["cast", "electorate"] = "cast",
    electorate: int | None = None,
    quorum: Fraction | str | None = None,
) -> YesNoResult:
    if min(yes, no, abstain) < 0:
        raise CountError("vote counts cannot be negative")
    if (of == "electorate" or quorum is not None) and electorate is None:
        raise CountError("this threshold or quorum needs the size of the electorate")
    turnout = yes + no + abstain
    if electorate is not None and turnout > electorate:
        raise CountError(f"{turnout} votes from an electorate of {electorate}")
    strict = threshold == "majority"
    share = THRESHOLDS[threshold] if isinstance(threshold, str) else Fraction(threshold)
    base = yes + no if of == "cast" else int(electorate or 0)
    need = share * base
    passes_threshold = yes > need if strict else yes >= need
    required = f"more than {float(need):g}" if strict else f"at least {float(need):g}"
    q = Fraction(quorum) if quorum is not None else None
    quorum_met = q is None or turnout >= q * int(electorate or 0)
    return YesNoResult(
        yes=yes,
        no=no,
        abstain=abstain,
        threshold=str(threshold),
        of=of,
        base=base,
        required=required,
        quorum=str(q) if q is not None else None,
        turnout=turnout,
        quorum_met=quorum_met,
        passed=bool(passes_threshold and quorum_met and base > 0),
        electorate=electorate,
    )


def read_yes_no(source: str | Path) -> tuple[int, int, int]:
    """``(yes, no, abstain)`` from a yes/no ballot file (see the module docstring)."""
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BallotFileError(f"cannot read file ({exc.strerror})", path=str(path)) from exc
    return parse_yes_no(data, path=str(path))


def parse_yes_no(data: bytes | str, *, path: str | None = None) -> tuple[int, int, int]:
    raw = data.encode() if isinstance(data, str) else data
    records = csv_records(decode(raw, path), path)
    _, header = next(records, (1, []))
    if not header:
        raise BallotFileError("empty file: expected a header row with 'vote'", line=1, path=path)
    lower = [h.strip().lower() for h in header]
    if "vote" not in lower:
        raise BallotFileError("no 'vote' column in the header", line=1, path=path)
    vote_col = lower.index("vote")
    count_col = lower.index("count") if "count" in lower else None
    totals = dict.fromkeys(CHOICES, 0)
    for line, cells in records:
        _add_row(totals, cells, len(header), vote_col, count_col, line, path)
    return totals["yes"], totals["no"], totals["abstain"]


def _add_row(
    totals: dict[str, int],
    cells: list[str],
    width: int,
    vote_col: int,
    count_col: int | None,
    line: int,
    path: str | None,
) -> None:
    if not cells or all(not c.strip() for c in cells):
        return
    if len(cells) > width:
        raise BallotFileError(
            f"{len(cells)} cells but the header has {width}", line=line, path=path
        )
    cells = cells + [""] * (width - len(cells))
    shown = cells[vote_col].strip()
    vote = shown.lower()
    if vote not in totals:
        reason = f"got {shown!r}" if shown else "the cell is empty"
        raise BallotFileError(f"vote must be yes, no or abstain: {reason}", line=line, path=path)
    mult = 1
    if count_col is not None:
        c = cells[count_col].strip()
        if not (c.isascii() and c.isdigit()):
            raise BallotFileError(f"count must be a whole number, got {c!r}", line=line, path=path)
        if len(c) > 4000:  # int() refuses longer numbers (and no electorate is that large)
            raise BallotFileError(f"count has {len(c)} digits", line=line, path=path)
        mult = int(c)
    totals[vote] += mult
