"""Command line: ``bloc tally FILE --method stv --seats 3 --rule scotland [--json] [--seed S]``.

``--method yesno`` counts a yes/no CSV (a ``vote`` column: yes / no / abstain, optional
``count``) with ``--threshold``, ``--of``, ``--electorate`` and ``--quorum``. ``--paths`` (stv,
irv) adds each ballot's path to the JSON. Also ``python -m bloc.democracy.tally FILE ...``.
Exit status 0 on success, 2 on a usage or ballot-file error (the message names the line and
the reason; nothing is counted).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from .ballots import Interpretation, Profile
from .blt import read_blt
from .condorcet import count_borda, count_schulze
from .cvr import read_cvr
from .errors import TallyError
from .irv import count_irv
from .plurality import count_approval, count_plurality
from .rctab import load_rctab_config, read_ess
from .report import round_table, yes_no_report
from .result import Result
from .stv.meek import count_meek
from .stv.scottish import count_scottish
from .stv.wigm import count_wigm
from .yesno import THRESHOLDS, count_yes_no, read_yes_no

METHODS = ("stv", "irv", "plurality", "approval", "schulze", "borda", "yesno")
RULES = ("scotland", "wigm", "wigm-batch", "meek")
PATH_METHODS = ("stv", "irv")  #: methods that can record each ballot's path (--paths)


def _fraction(text: str) -> Fraction:
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"not a fraction: {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not between 0 and 1")
    return value


def _threshold(text: str) -> str | Fraction:
    """``majority`` (more than half), a named share (``2/3``, ``3/5``), or any fraction."""
    key = text.strip().lower()
    if key in ("majority", "simple"):
        return "majority"
    value = _fraction(key)
    if value == 0:
        raise argparse.ArgumentTypeError("a threshold of 0 passes everything")
    named = {share: name for name, share in THRESHOLDS.items() if name != "majority"}
    return named.get(value, value)


def _whole(text: str, least: int) -> int:
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 18 or int(digits) < least:
        kind = "positive whole number" if least else "whole number"
        raise argparse.ArgumentTypeError(f"not a {kind}: {text!r}")
    return int(digits)


def _electorate(text: str) -> int:
    return _whole(text, 1)


def _positive(text: str) -> int:
    return _whole(text, 1)


def _count(text: str) -> int:
    return _whole(text, 0)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="bloc tally",
        description="Count a ballot file and print every round (or JSON).",
    )
    p.add_argument("file", type=Path, help="ballots: .blt, .csv (one ballot a row) or .xlsx (ES&S)")
    p.add_argument("--format", choices=("blt", "csv", "ess"), help="default: from the extension")
    p.add_argument("--method", choices=METHODS, default="stv")
    p.add_argument("--rule", choices=RULES, default="scotland", help="STV rule (default scotland)")
    p.add_argument(
        "--seats", type=_positive, help="seats to fill (default: from the BLT file, else 1)"
    )
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.add_argument(
        "--paths",
        action="store_true",
        help="stv, irv: add each ballot's path through the rounds to the JSON (implies --json)",
    )
    p.add_argument("--seed", help="seed for lots (default: SHA-256 of the ballot file)")
    p.add_argument(
        "--tie",
        choices=("random", "order"),
        default="random",
        help="lots: seeded draw (default) or the file's [tie] / ballot order (as Droop)",
    )
    p.add_argument("--precision", type=_positive, default=9, help="Meek decimal places (default 9)")
    p.add_argument("--omega", type=_positive, default=6, help="Meek stops when surplus < 10^-omega")
    p.add_argument("--batch", action="store_true", help="IRV: exclude sure losers together")
    p.add_argument(
        "--max-marks", type=_positive, help="approval: most candidates a ballot may mark"
    )
    p.add_argument("--rctab-config", type=Path, help="ES&S: RCTab JSON config (required)")
    p.add_argument("--overvote", choices=("exhaust", "skip"), help="ballot stops, or skip rank")
    p.add_argument("--max-skipped", type=_count, help="consecutive skipped ranks before a stop")
    p.add_argument("--duplicate", choices=("skip", "exhaust"), help="a repeated candidate")
    p.add_argument("--ignore-write-ins", action="store_true", help="treat write-ins as blank")
    yes_no = p.add_argument_group("yes/no questions (--method yesno)")
    yes_no.add_argument(
        "--threshold",
        type=_threshold,
        help="majority (more than half, default), 2/3, 3/5 or any fraction such as 3/4 or 0.55 "
        "(at least that share)",
    )
    yes_no.add_argument(
        "--of",
        choices=("cast", "electorate"),
        help="share of the votes cast, yes + no (default), or of the whole electorate",
    )
    yes_no.add_argument("--electorate", type=_electorate, help="number of eligible voters")
    yes_no.add_argument(
        "--quorum",
        type=_fraction,
        help="least turnout (yes + no + abstain) as a share of the electorate: 0.1, 1/4",
    )
    return p


YES_NO_OPTIONS = ("threshold", "of", "electorate", "quorum")


def _interpretation(args: argparse.Namespace, base: Interpretation) -> Interpretation:
    return Interpretation(
        overvote=args.overvote or base.overvote,
        max_skipped_ranks=args.max_skipped
        if args.max_skipped is not None
        else base.max_skipped_ranks,
        duplicate=args.duplicate or base.duplicate,
        write_ins="ignore" if args.ignore_write_ins else base.write_ins,
    )


def _load(args: argparse.Namespace) -> tuple[Profile, dict[str, Any]]:
    fmt = args.format or {".blt": "blt", ".csv": "csv", ".xlsx": "ess"}.get(
        args.file.suffix.lower(), "blt"
    )
    if fmt == "blt":
        rules = _interpretation(args, Interpretation(max_skipped_ranks=None))
        return read_blt(args.file, interpretation=rules), {}
    if fmt == "csv":
        return read_cvr(args.file, interpretation=_interpretation(args, Interpretation())), {}
    if args.rctab_config is None:
        raise TallyError("an ES&S spreadsheet needs --rctab-config (RCTab's JSON config)")
    contest = load_rctab_config(args.rctab_config)
    profile = read_ess(
        args.file, contest, interpretation=_interpretation(args, contest.interpretation)
    )
    irv = {"batch": contest.batch_elimination, "exclude_first": sorted(profile.write_ins)}
    return profile, irv


def _progress() -> tuple[Callable[[int], None] | None, Callable[[], None]]:
    try:
        from tqdm import tqdm
    except ImportError:  # the library works without it
        return None, lambda: None
    bar = tqdm(desc="rounds", unit="round", disable=None, leave=False, file=sys.stderr)

    def tick(_round: int) -> None:
        bar.update(1)

    return tick, bar.close


def count(args: argparse.Namespace, profile: Profile, irv_opts: dict[str, Any]) -> Result:
    tie = {"tie_mode": args.tie, "seed": args.seed}
    paths: bool = args.paths
    seats = args.seats if args.seats is not None else profile.seats
    tick, close = _progress()
    try:
        if args.method == "stv":
            if args.rule == "scotland":
                return count_scottish(profile, seats, progress=tick, **tie, paths=paths)
            if args.rule in ("wigm", "wigm-batch"):
                batch = args.rule == "wigm-batch"
                return count_wigm(profile, seats, batch=batch, progress=tick, **tie, paths=paths)
            return count_meek(
                profile,
                seats,
                places=args.precision,
                omega_places=args.omega,
                progress=tick,
                **tie,
                paths=paths,
            )
        if args.method == "irv":
            opts = {"batch": args.batch or irv_opts.get("batch", False)}
            opts["exclude_first"] = irv_opts.get("exclude_first", [])
            return count_irv(profile, progress=tick, **opts, **tie, paths=paths)
        if args.method == "plurality":
            return count_plurality(profile, seats or 1, **tie)
        if args.method == "approval":
            return count_approval(profile, seats or 1, max_marks=args.max_marks, **tie)
        if args.method == "schulze":
            return count_schulze(profile, **tie)
        return count_borda(profile, **tie)
    finally:
        close()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.paths and args.method not in PATH_METHODS:
        parser.error(f"--paths is only for --method {' or '.join(PATH_METHODS)}")
    if args.method == "yesno":
        return _main_yes_no(parser, args)
    for name in YES_NO_OPTIONS:
        if getattr(args, name) is not None:
            parser.error(f"--{name} is only for --method yesno")
    try:
        profile, irv_opts = _load(args)
        result = count(args, profile, irv_opts)
    except TallyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json or args.paths:
        print(result.to_json())
    else:
        print(round_table(result), end="")
    return 0


def _main_yes_no(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.format not in (None, "csv"):
        parser.error("--method yesno reads a CSV file with a 'vote' column")
    try:
        yes, no, abstain = read_yes_no(args.file)
        result = count_yes_no(
            yes,
            no,
            abstain,
            threshold=args.threshold or "majority",
            of=args.of or "cast",
            electorate=args.electorate,
            quorum=args.quorum,
        )
    except TallyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(result.to_json() if args.json else yes_no_report(result), end="\n" if args.json else "")
    return 0
