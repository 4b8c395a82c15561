"""Plain CSV cast-vote records: one ballot a row.

A header row names the columns. ``rank1``, ``rank2``, ... (any header starting with "rank",
in file order) hold the choices; an optional ``count`` column repeats a row; other columns
(ballot id, precinct) are ignored. In a rank cell: a candidate name; empty or ``undervote``
for a skipped rank; ``overvote`` or names joined by ``|`` for an overvote. Candidates are
numbered in order of first appearance unless a list is given.

The file is read by the ``csv`` module's rules (strictly); a quoted cell running over a line
break is a stray quote and an error naming its line (see :mod:`.textfile`).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import numpy as np

from .ballots import (
    MAX_BALLOTS,
    OVERVOTE,
    SKIP,
    TOO_MANY,
    Interpretation,
    Profile,
    compact_rows,
    interpret,
)
from .errors import BallotFileError
from .textfile import csv_records, decode

WRITE_IN_NAMES = frozenset({"write-in", "writein", "uwi", "undeclared write-ins"})


def read_cvr(
    source: str | Path,
    *,
    candidates: Sequence[str] | None = None,
    interpretation: Interpretation | None = None,
) -> Profile:
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BallotFileError(f"cannot read file ({exc.strerror})", path=str(path)) from exc
    return parse_cvr(data, path=str(path), candidates=candidates, interpretation=interpretation)


def parse_cvr(
    data: bytes | str,
    *,
    path: str | None = None,
    candidates: Sequence[str] | None = None,
    interpretation: Interpretation | None = None,
) -> Profile:
    raw = data.encode() if isinstance(data, str) else data
    records = csv_records(decode(raw, path), path)
    _, header = next(records, (1, []))
    if not header:
        raise BallotFileError("empty file: expected a header row", line=1, path=path)
    lower = [h.strip().lower() for h in header]
    rank_cols = [i for i, h in enumerate(lower) if h.startswith("rank")]
    if not rank_cols:
        raise BallotFileError("no rank columns (headers rank1, rank2, ...)", line=1, path=path)
    count_col = lower.index("count") if "count" in lower else None
    fixed = candidates is not None
    index: dict[str, int] = {name: i for i, name in enumerate(candidates or ())}
    rows: list[list[int]] = []
    mults: list[int] = []
    total = 0
    for line_no, cells in records:
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            raise BallotFileError(
                f"{len(cells)} cells but the header has {len(header)}", line=line_no, path=path
            )
        cells = cells + [""] * (len(header) - len(cells))
        mult = 1
        if count_col is not None:
            c = cells[count_col].strip()
            if not (c.isascii() and c.isdigit()):  # not "²", which isdigit() takes
                raise BallotFileError(
                    f"count must be a whole number, got {c!r}", line=line_no, path=path
                )
            mult = int(c) if len(c) <= 19 else MAX_BALLOTS + 1
        total += mult
        if total > MAX_BALLOTS:
            raise BallotFileError(TOO_MANY, line=line_no, path=path)
        row: list[int] = []
        for col in rank_cols:
            cell = cells[col].strip()
            if cell == "" or cell.lower() == "undervote":
                row.append(SKIP)
            elif cell.lower() == "overvote" or "|" in cell:
                row.append(OVERVOTE)
            else:
                if cell not in index:
                    if fixed:
                        raise BallotFileError(
                            f"unknown candidate {cell!r}", line=line_no, path=path
                        )
                    index[cell] = len(index)
                row.append(index[cell])
        rows.append(row)
        mults.append(mult)
    names = tuple(index)
    if not names:
        raise BallotFileError("no candidate appears on any ballot", path=path)
    matrix = np.asarray(rows, dtype=np.int32).reshape(len(rows), len(rank_cols))
    write_ins = frozenset(i for i, n in enumerate(names) if n.lower() in WRITE_IN_NAMES)
    ranks, counts, blank, notes = interpret(
        matrix, np.asarray(mults, dtype=np.int64), interpretation or Interpretation(), write_ins
    )
    ranks, counts = compact_rows(ranks, counts, len(names))
    return Profile(
        candidates=names,
        ranks=ranks,
        counts=counts,
        write_ins=write_ins,
        blank=blank,
        digest=hashlib.sha256(raw).hexdigest(),
        interpretation_notes=notes,
        compacted=True,
    )


def write_cvr(profile: Profile, target: str | Path | IO[str]) -> None:
    """One row per distinct ranking with its count (read back by :func:`read_cvr`)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["count", *(f"rank{k + 1}" for k in range(profile.max_rank))])
    for row, count in zip(profile.ranks.tolist(), profile.counts.tolist(), strict=True):
        w.writerow([count, *(profile.candidates[c] if c >= 0 else "" for c in row)])
    if isinstance(target, str | Path):
        Path(target).write_text(buf.getvalue(), encoding="utf-8")
    else:
        target.write(buf.getvalue())
