"""A readable round table for a result, and a short report for a yes/no question."""

from __future__ import annotations

import math
from fractions import Fraction

from .result import Result, fmt
from .yesno import YesNoResult


def round_table(result: Result) -> str:
    rounds = [s for s in result.stages if s.action not in ("end",)]
    # One column per round: the last stage of each round.
    last = {}
    for st in rounds:
        last[st.round] = st
    cols = [last[k] for k in sorted(last)]
    names = result.candidates
    width = max(len(n) for n in (*names, "Non-transferable", "Quota"))
    places = result.places
    cells = [[fmt(st.votes[c], places) for st in cols] for c in range(len(names))]
    exhausted = [fmt(st.exhausted, places) for st in cols]
    quotas = ["" if st.quota is None else fmt(st.quota, places) for st in cols]
    colw = max([len(x) for row in cells for x in row] + [len(x) for x in exhausted + quotas] + [6])
    head = f"{'':<{width}} " + " ".join(f"{'R' + str(st.round):>{colw}}" for st in cols)
    lines = [
        f"{result.title or 'Election'} — {result.method} ({result.rule}), "
        f"{result.seats} seat(s), {result.ballots} ballots",
        head,
    ]
    final = cols[-1].status if cols else ()
    for c, name in enumerate(names):
        mark = {"elected": " *", "pending": " *"}.get(final[c] if final else "", "")
        lines.append(f"{name:<{width}} " + " ".join(f"{x:>{colw}}" for x in cells[c]) + mark)
    lines.append(f"{'Non-transferable':<{width}} " + " ".join(f"{x:>{colw}}" for x in exhausted))
    if any(quotas):
        lines.append(f"{'Quota':<{width}} " + " ".join(f"{x:>{colw}}" for x in quotas))
    lines.append("")
    for st in result.stages:
        if st.action in ("exclude", "surplus", "elect", "elect-remaining") and st.subjects:
            who = ", ".join(names[c] for c in st.subjects)
            extra = f" (surplus {fmt(st.surplus, places)})" if st.surplus is not None else ""
            lines.append(f"round {st.round}: {st.action} {who}{extra}")
    for t in result.tie_breaks:
        how = {
            "prior-round": f"by the counts at round {t.decided_at_round}",
            "lot": f"by lot (seed {result.seed!r})",
            "order": "by the given tie-breaking order",
        }[t.method]
        tied = ", ".join(names[c] for c in t.tied)
        lines.append(f"round {t.round}: tie ({t.purpose}) among {tied} -> {names[t.chosen]}, {how}")
    if result.extra.get("no_valid_ballots"):
        lines.append("No valid ballots: nobody is elected.")
    lines.append("Elected: " + (", ".join(result.winners) or "nobody"))
    return "\n".join(lines) + "\n"


def yes_no_report(result: YesNoResult) -> str:
    base = result.base
    of = f"votes cast (yes + no = {base})" if result.of == "cast" else f"the electorate ({base})"
    rule = "majority" if result.threshold == "majority" else result.threshold
    rows = [
        ("Yes", str(result.yes)),
        ("No", str(result.no)),
        ("Abstain", str(result.abstain)),
        (
            "Turnout",
            str(result.turnout)
            + (f" of {result.electorate}" if result.electorate is not None else ""),
        ),
        ("Threshold", f"{rule} of {of}: yes needs {result.required}"),
    ]
    if result.quorum is not None:
        need = math.ceil(Fraction(result.quorum) * (result.electorate or 0))
        met = "met" if result.quorum_met else "NOT met"
        rows.append(("Quorum", f"{result.quorum} of the electorate: at least {need} voting, {met}"))
    rows.append(("Result", "PASSED" if result.passed else "NOT PASSED"))
    width = max(len(k) for k, _ in rows)
    return "Yes/no question\n" + "".join(f"{k:<{width}}  {v}\n" for k, v in rows)
