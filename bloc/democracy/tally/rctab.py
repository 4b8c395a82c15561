"""Read ES&S cast-vote-record spreadsheets (.xlsx) the way RCTab does, with its JSON config.

The reader is standard library only: an .xlsx file is a zip of XML parts. Each row is a ballot;
the ranking columns hold a candidate name, the skipped-rank label ("undervote"), the overvote
label ("overvote") or the undeclared write-in label ("UWI").
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import numpy as np

from .ballots import OVERVOTE, SKIP, Interpretation, Profile, compact_rows, interpret
from .errors import BallotFileError

_ROW = re.compile(rb"<row [^>]*?r=\"(\d+)\"[^>]*>(.*?)</row>", re.S)
_CELL = re.compile(
    rb"<c r=\"([A-Z]+)\d+\"([^>]*?)"
    rb"(?:/>|>(?:<f>[^<]*</f>)?(?:<v>([^<]*)</v>|<is><t[^>]*>([^<]*)</t></is>)?</c>)"
)
_SI = re.compile(rb"<si>(.*?)</si>", re.S)
_T = re.compile(rb"<t[^>]*>([^<]*)</t>")


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n  # 1-based


def read_xlsx_rows(path: str | Path) -> list[tuple[int, list[str]]]:
    """All rows of the first worksheet as ``(row number, cell texts)`` (1-based columns map to
    list positions ``column - 1``; missing cells are empty strings)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            shared: list[str] = []
            if "xl/sharedStrings.xml" in names:
                for si in _SI.findall(z.read("xl/sharedStrings.xml")):
                    shared.append(unescape(b"".join(_T.findall(si)).decode("utf-8")))
            sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet"))
            if not sheets:
                raise BallotFileError("no worksheet in the spreadsheet", path=str(path))
            sheet = z.read(sheets[0])
    except (OSError, zipfile.BadZipFile) as exc:
        raise BallotFileError(f"not a readable .xlsx file ({exc})", path=str(path)) from exc
    rows: list[tuple[int, list[str]]] = []
    for row_no, body in _ROW.findall(sheet):
        cells: dict[int, str] = {}
        for col, attrs, value, inline in _CELL.findall(body):
            if b't="s"' in attrs and value:
                k = int(value)
                if k >= len(shared):
                    raise BallotFileError(
                        "cell refers to a missing shared string", line=int(row_no), path=str(path)
                    )
                text = shared[k]
            else:
                text = unescape((value or inline).decode("utf-8"))
            cells[_column_index(col)] = text
        width = max(cells, default=0)
        rows.append((int(row_no), [cells.get(i, "") for i in range(1, width + 1)]))
    return rows


@dataclass(frozen=True)
class RctabContest:
    """What a count needs from an RCTab configuration."""

    candidates: tuple[str, ...]
    interpretation: Interpretation
    first_vote_column: int
    first_vote_row: int
    max_rankings: int | None
    overvote_label: str
    skipped_label: str
    write_in_label: str
    batch_elimination: bool


def load_rctab_config(path: str | Path) -> RctabContest:
    cfg = json.loads(Path(path).read_text())
    source = cfg["cvrFileSources"][0]
    rules = cfg["rules"]
    max_skip = rules.get("maxSkippedRanksAllowed", "")
    max_rank = rules.get("maxRankingsAllowed", "")
    return RctabContest(
        candidates=tuple(c["name"] for c in cfg["candidates"] if not c.get("excluded")),
        interpretation=Interpretation(
            overvote="exhaust" if rules["overvoteRule"] == "exhaustImmediately" else "skip",
            max_skipped_ranks=None if max_skip in ("", "unlimited") else int(max_skip),
            duplicate="exhaust" if rules.get("exhaustOnDuplicateCandidate") else "skip",
        ),
        first_vote_column=int(source["firstVoteColumnIndex"]),
        first_vote_row=int(source["firstVoteRowIndex"]),
        max_rankings=None if max_rank in ("", "max") else int(max_rank),
        overvote_label=source.get("overvoteLabel", "overvote"),
        skipped_label=source.get("skippedRankLabel", "undervote"),
        write_in_label=source.get("undeclaredWriteInLabel", "UWI"),
        batch_elimination=bool(rules.get("batchElimination")),
    )


#: the name RCTab reports undeclared write-ins under
WRITE_IN_NAME = "Undeclared Write-ins"


def read_ess(
    path: str | Path, contest: RctabContest, *, interpretation: Interpretation | None = None
) -> Profile:
    """ES&S spreadsheet to a profile; undeclared write-ins become the last candidate."""
    names = (*contest.candidates, WRITE_IN_NAME)
    index = {n: i for i, n in enumerate(contest.candidates)}
    index[contest.write_in_label] = len(contest.candidates)
    rows = read_xlsx_rows(path)
    first = contest.first_vote_column
    width = contest.max_rankings
    raw: list[list[int]] = []
    for row_no, cells in rows:
        if row_no < contest.first_vote_row:
            continue
        marks = cells[first - 1 :]
        if width is not None:
            marks = marks[:width]
        row: list[int] = []
        for text in marks:
            t = text.strip()
            if t == "" or t == contest.skipped_label:
                row.append(SKIP)
            elif t == contest.overvote_label:
                row.append(OVERVOTE)
            elif t in index:
                row.append(index[t])
            else:
                raise BallotFileError(f"unknown candidate {t!r}", line=row_no, path=str(path))
        raw.append(row)
    w = max((len(r) for r in raw), default=0)
    matrix = np.full((len(raw), w), SKIP, dtype=np.int32)
    for i, r in enumerate(raw):
        matrix[i, : len(r)] = r
    counts = np.ones(len(raw), dtype=np.int64)
    ranks, counts, blank, notes = interpret(
        matrix,
        counts,
        interpretation or contest.interpretation,
        write_ins=frozenset({len(contest.candidates)}),
    )
    ranks, counts = compact_rows(ranks, counts, len(names))
    return Profile(
        candidates=names,
        ranks=ranks,
        counts=counts,
        seats=1,
        write_ins=frozenset({len(contest.candidates)}),
        blank=blank,
        digest="",
        interpretation_notes=notes,
        compacted=True,
    )
