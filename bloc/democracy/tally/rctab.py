"""Read ES&S cast-vote-record spreadsheets (.xlsx) the way RCTab does, with its JSON config.

The spreadsheet is read with openpyxl in read-only mode (imported only when a spreadsheet is
read). Each row is a ballot; the ranking columns hold a candidate name, the skipped-rank label
("undervote"), the overvote label ("overvote") or the undeclared write-in label ("UWI").
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np

from .ballots import OVERVOTE, SKIP, Interpretation, Profile, compact_rows, interpret
from .errors import BallotFileError


def _cell_text(value: Any) -> str:
    """A cell as text: numbers as written (1, not 1.0), dates in ISO form, empty as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def read_xlsx_rows(path: str | Path) -> list[tuple[int, list[str]]]:
    """All rows of the first worksheet as ``(row number, cell texts)`` (1-based columns map to
    list positions ``column - 1``; missing cells are empty strings). Row and cell references
    are optional in the format, and the recorded dimension may be wrong: neither is trusted."""
    try:
        from openpyxl import load_workbook
    except ImportError as exc:  # the library runs without it; spreadsheets need it
        raise BallotFileError("reading .xlsx needs openpyxl installed", path=str(path)) from exc
    number = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles, odd dates...
        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except OSError as exc:
            reason = f"cannot read file ({exc.strerror or exc})"
            raise BallotFileError(reason, path=str(path)) from exc
        except Exception as exc:  # openpyxl raises many types for a file that is not .xlsx
            reason = f"not a readable .xlsx file ({exc})"
            raise BallotFileError(reason, path=str(path)) from exc
        try:
            if not book.worksheets:
                raise BallotFileError("no worksheet in the spreadsheet", path=str(path))
            sheet = book.worksheets[0]
            sheet.reset_dimensions()  # type: ignore[union-attr]
            rows: list[tuple[int, list[str]]] = []
            for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
                cells = [_cell_text(v) for v in values]
                while cells and cells[-1] == "":
                    cells.pop()
                rows.append((number, cells))
            return rows
        except BallotFileError:
            raise
        except Exception as exc:  # a damaged sheet: name the row it stopped at
            reason = f"not a readable .xlsx file ({type(exc).__name__}: {exc})"
            raise BallotFileError(reason, line=number + 1, path=str(path)) from exc
        finally:
            book.close()


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


class _Config:
    """Reads the parts of an RCTab JSON configuration a count needs; anything malformed is a
    :class:`BallotFileError` naming the file, the line of the key (where it can be found) and
    the problem."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise BallotFileError(f"cannot read file ({exc.strerror})", path=self.path) from exc
        try:
            self.text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise BallotFileError("not valid UTF-8 text", line=line, path=self.path) from exc
        try:
            self.data = json.loads(self.text)
        except json.JSONDecodeError as exc:
            reason = f"not valid JSON ({exc.msg}, column {exc.colno})"
            raise BallotFileError(reason, line=exc.lineno, path=self.path) from None
        except RecursionError:
            raise BallotFileError("not valid JSON (nested too deeply)", path=self.path) from None
        if not isinstance(self.data, dict):
            raise self.fail("not an RCTab configuration (a JSON object)")

    def fail(self, reason: str, key: str | None = None) -> BallotFileError:
        line = None
        if key is not None:
            at = self.text.find(f'"{key}"')
            line = self.text.count("\n", 0, at) + 1 if at >= 0 else None
        return BallotFileError(reason, line=line, path=self.path)

    def section(self, parent: dict[str, Any], key: str, kind: type) -> Any:
        if key not in parent:
            raise self.fail(f"{key} is missing")
        value = parent[key]
        if not isinstance(value, kind):
            what = "an object" if kind is dict else "a list"
            raise self.fail(f"{key} must be {what}", key)
        return value

    def text_value(self, parent: dict[str, Any], key: str, default: str) -> str:
        value = parent.get(key, default)
        if not isinstance(value, str):
            raise self.fail(f"{key} must be text: got {value!r}", key)
        return value

    def whole(
        self, parent: dict[str, Any], key: str, *, least: int, words: tuple[str, ...] = ()
    ) -> int | None:
        """A whole number at least ``least`` (text or number, as RCTab writes them); ``None``
        for the words meaning "no limit" (and for a missing or empty value when words are
        given)."""
        value = parent.get(key, "" if words else None)
        if words and value in ("", *words):
            return None
        text = str(value).strip() if isinstance(value, str | int) else ""
        if not (text.isascii() and text.isdigit() and len(text) <= 9 and int(text) >= least):
            kind = "a whole number" if least == 0 else "a positive whole number"
            alternatives = "".join(f" or {w!r}" for w in words if w)
            raise self.fail(f"{key} must be {kind}{alternatives}: got {value!r}", key)
        return int(text)


def load_rctab_config(path: str | Path) -> RctabContest:
    cfg = _Config(path)
    sources = cfg.section(cfg.data, "cvrFileSources", list)
    if not sources:
        raise cfg.fail("cvrFileSources is empty", "cvrFileSources")
    source = sources[0]
    if not isinstance(source, dict):
        raise cfg.fail("cvrFileSources must list objects", "cvrFileSources")
    rules = cfg.section(cfg.data, "rules", dict)
    names: list[str] = []
    for k, cand in enumerate(cfg.section(cfg.data, "candidates", list), start=1):
        name = cand.get("name") if isinstance(cand, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise cfg.fail(f"candidate {k} must be an object with a name", "candidates")
        if cand.get("excluded"):
            continue
        if name in names:
            raise cfg.fail(f"candidate {name!r} is listed twice", "candidates")
        names.append(name)
    if not names:
        raise cfg.fail("candidates lists nobody (who is not excluded)", "candidates")
    overvote = cfg.text_value(rules, "overvoteRule", "exhaustImmediately")
    first_column = cfg.whole(source, "firstVoteColumnIndex", least=1)
    first_row = cfg.whole(source, "firstVoteRowIndex", least=1)
    assert first_column is not None and first_row is not None
    return RctabContest(
        candidates=tuple(names),
        interpretation=Interpretation(
            overvote="exhaust" if overvote == "exhaustImmediately" else "skip",
            max_skipped_ranks=cfg.whole(
                rules, "maxSkippedRanksAllowed", least=0, words=("unlimited",)
            ),
            duplicate="exhaust" if rules.get("exhaustOnDuplicateCandidate") else "skip",
        ),
        first_vote_column=first_column,
        first_vote_row=first_row,
        max_rankings=cfg.whole(rules, "maxRankingsAllowed", least=1, words=("max",)),
        overvote_label=cfg.text_value(source, "overvoteLabel", "overvote"),
        skipped_label=cfg.text_value(source, "skippedRankLabel", "undervote"),
        write_in_label=cfg.text_value(source, "undeclaredWriteInLabel", "UWI"),
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
