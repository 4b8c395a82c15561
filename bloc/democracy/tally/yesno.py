"""Yes / no / abstain questions with a threshold and an optional quorum (exact fractions).

* ``threshold="majority"``: yes must be *more than* half of the base.
* ``threshold="2/3"``, ``"3/5"`` (or any fraction): yes must be *at least* that share of the base.
* ``of="cast"``: the base is yes + no (abstentions are not votes cast for or against);
  ``of="electorate"``: the base is the whole electorate.
* ``quorum``: yes + no + abstain must be at least this share of the electorate.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any, Literal

from .errors import CountError

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

    def to_dict(self) -> dict[str, Any]:
        return {"method": "yes-no", **asdict(self)}


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
    )
