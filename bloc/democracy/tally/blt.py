"""Read and write BLT, the standard STV ballot format (as read by OpenSTV and Droop).

::

    4 2            candidates, seats
    -3             optional: withdrawn candidate 3 (a leading minus sign)
    [tie 2 1 4 3]  optional: tie-breaking order; [nick a b c d] nicknames; [droop ...] ignored
    3 1 2 0        three ballots ranking candidate 1 then 2; each line ends with 0
    (b7) 4 1 0     a ballot identified by an id instead of a multiplier
    1 2=3 4 0      2 and 3 marked at the same rank (an overvote, see Interpretation)
    0              end of ballots
    "Ann" ...      one quoted name per candidate, then the quoted title

One ballot per line. Anything after the title (sources, comments) is ignored. A malformed file
raises :class:`BallotFileError` with the line number; nothing is returned half-read.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import IO

import numpy as np

from .ballots import (
    NONE,
    OVERVOTE,
    SKIP,
    Interpretation,
    Profile,
    compact_rows,
    interpret,
    left_justify,
)
from .errors import BallotFileError

_TOKEN = re.compile(r'"[^"]*"|\([^)]*\)|\[[^\]]*\]?|\S+')
_NUMERIC_SECTION = re.compile(rb"[0-9 \t\r\n]*")


def read_blt(
    source: str | Path,
    *,
    interpretation: Interpretation | None = None,
) -> Profile:
    """Read a BLT file from a path. BLT has no skipped ranks; an equal ranking (``2=3``) is
    an overvote, handled per ``interpretation`` (default: the ballot stops there)."""
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BallotFileError(f"cannot read file ({exc.strerror})", path=str(path)) from exc
    return parse_blt(data, path=str(path), interpretation=interpretation)


def parse_blt(
    data: bytes | str,
    *,
    path: str | None = None,
    interpretation: Interpretation | None = None,
) -> Profile:
    """Parse BLT content; ``path`` is only used in error messages."""
    raw = data.encode() if isinstance(data, str) else data
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BallotFileError("not valid UTF-8 text", line=line, path=path) from exc
    rules = interpretation or Interpretation(max_skipped_ranks=None)
    return _Parser(text, path, rules, digest).parse()


class _Parser:
    def __init__(self, text: str, path: str | None, rules: Interpretation, digest: str) -> None:
        self.lines = text.splitlines()
        self.path = path
        self.rules = rules
        self.digest = digest
        self.n_cand = 0
        self.nicks: dict[str, int] = {}

    def fail(self, reason: str, line: int | None) -> BallotFileError:
        return BallotFileError(reason, line=line, path=self.path)

    def parse(self) -> Profile:
        line_no, n_cand, seats, withdrawn, tie = self._header()
        end = self._find_end(line_no)
        ranks, counts = self._ballots(line_no, end)
        names, title = self._names(end + 1)
        if withdrawn:
            ranks[np.isin(ranks, np.asarray(sorted(withdrawn), dtype=np.int32))] = NONE
            ranks = left_justify(ranks)
        ranks, counts, blank, notes = interpret(ranks, counts, self.rules)
        keep = ranks[:, 0] != NONE if ranks.shape[1] else np.zeros(len(counts), dtype=bool)
        ranks, counts = compact_rows(ranks[keep], counts[keep], n_cand)
        return Profile(
            candidates=tuple(names),
            ranks=ranks,
            counts=counts,
            title=title,
            seats=seats,
            withdrawn=frozenset(withdrawn),
            tie_order=tie,
            blank=blank,
            digest=self.digest,
            interpretation_notes=notes,
        )

    # -- header ---------------------------------------------------------------------------
    def _header(self) -> tuple[int, int, int, set[int], tuple[int, ...] | None]:
        tokens: list[tuple[int, str]] = []
        i = 0
        while i < len(self.lines) and len(tokens) < 2:
            tokens += [(i + 1, t) for t in _TOKEN.findall(self.lines[i])]
            i += 1
        if len(tokens) < 2:
            raise self.fail("expected the number of candidates and of seats", 1)
        for k, what in ((0, "number of candidates"), (1, "number of seats")):
            ln, tok = tokens[k]
            if not tok.isdigit() or int(tok) == 0:
                raise self.fail(f"expected the {what} (a positive integer), found {tok!r}", ln)
        self.n_cand, seats = int(tokens[0][1]), int(tokens[1][1])
        if seats > self.n_cand:
            raise self.fail(f"{seats} seats but only {self.n_cand} candidates", tokens[1][0])
        withdrawn: set[int] = set()
        tie: tuple[int, ...] | None = None
        rest = tokens[2:]
        if rest:
            raise self.fail("the first line must hold only candidates and seats", rest[0][0])
        while i < len(self.lines):
            toks = _TOKEN.findall(self.lines[i])
            if not toks:
                i += 1
                continue
            if toks[0].isdigit() or toks[0].startswith("("):
                break  # first ballot line
            for tok in toks:
                if re.fullmatch(r"-\d+", tok):
                    withdrawn.add(self._cid(tok[1:], i + 1))
                elif tok.startswith("["):
                    tie = self._option(tok, i + 1) or tie
                else:
                    raise self.fail(f"unexpected {tok!r} before the first ballot", i + 1)
            i += 1
        if i >= len(self.lines):
            raise self.fail("no ballots (missing the ballot lines and the closing 0)", i)
        return i, self.n_cand, seats, withdrawn, tie

    def _option(self, tok: str, line: int) -> tuple[int, ...] | None:
        if not tok.endswith("]"):
            raise self.fail("an option must open and close on one line: [name ...]", line)
        words = tok[1:-1].split()
        if not words:
            raise self.fail("empty option []", line)
        name, args = words[0], words[1:]
        if name == "nick":
            if len(args) != self.n_cand or len(set(args)) != len(args):
                raise self.fail("[nick] must give each candidate one distinct nickname", line)
            self.nicks = {nick: k for k, nick in enumerate(args)}
            return None
        if name == "tie":
            order = [self._cid(a, line) for a in args]
            if sorted(order) != list(range(self.n_cand)):
                raise self.fail("[tie] must list each candidate exactly once", line)
            return tuple(order)
        if name == "droop":
            return None  # counting options for Droop itself; the rule is chosen by the caller
        raise self.fail(f"unknown option [{name}]", line)

    def _cid(self, tok: str, line: int) -> int:
        if tok.isdigit():
            cid = int(tok)
            if 1 <= cid <= self.n_cand:
                return cid - 1
            raise self.fail(f"candidate {cid} out of range 1..{self.n_cand}", line)
        if tok in self.nicks:
            return self.nicks[tok]
        raise self.fail(f"unknown candidate {tok!r}", line)

    # -- ballots --------------------------------------------------------------------------
    def _find_end(self, start: int) -> int:
        for i in range(start, len(self.lines)):
            if self.lines[i].strip() == "0":
                return i
        raise self.fail("missing the 0 line that ends the ballots", len(self.lines))

    def _ballots(self, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        section = "\n".join(self.lines[start:end]).encode()
        if not self.nicks and _NUMERIC_SECTION.fullmatch(section):
            fast = self._ballots_fast(section, end - start)
            if fast is not None:
                return fast
        return self._ballots_slow(start, end)

    def _ballots_fast(self, section: bytes, n_lines: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Vectorised parse of a purely numeric ballot section; ``None`` means "re-parse
        line by line" (which then reports the exact line of any problem)."""
        if n_lines == 0:
            return np.zeros((0, 0), dtype=np.int32), np.zeros(0, dtype=np.int64)
        if b"\n\n" in section or section.strip() != section.strip(b"\n"):
            return None
        tokens = np.fromstring(section, dtype=np.int64, sep=" ")
        zeros = np.flatnonzero(tokens == 0)
        if zeros.size != n_lines or zeros[-1] != tokens.size - 1:
            return None
        starts = np.concatenate(([0], zeros[:-1] + 1))
        lengths = zeros - starts - 1  # ranked candidates per line
        if np.any(lengths < 0):
            return None
        mult = tokens[starts]
        if np.any(mult <= 0):
            return None
        width = int(lengths.max(initial=0))
        n = zeros.size
        ranks = np.full((n, width), SKIP, dtype=np.int32)
        if width:
            row = np.repeat(np.arange(n), lengths)
            first = np.repeat(starts + 1, lengths)
            col = np.arange(row.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            cand = tokens[first + col]
            if np.any((cand < 1) | (cand > self.n_cand)):
                return None
            ranks[row, col] = cand - 1
            srt = np.sort(np.where(ranks >= 0, ranks, -np.arange(1, width + 1)), axis=1)
            if np.any((srt[:, 1:] == srt[:, :-1]) & (srt[:, 1:] >= 0)):
                return None
        ranks[ranks == SKIP] = NONE
        return ranks, mult

    def _ballots_slow(self, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        rows: list[list[int]] = []
        mults: list[int] = []
        ids: set[str] = set()
        for i in range(start, end):
            ln = i + 1
            toks = _TOKEN.findall(self.lines[i])
            if not toks:
                continue
            head = toks[0]
            if head.startswith("("):
                if not head.endswith(")"):
                    raise self.fail("unclosed ballot id", ln)
                if head in ids:
                    raise self.fail(f"duplicate ballot id {head}", ln)
                ids.add(head)
                mult = 1
            elif head.isdigit() and int(head) > 0:
                mult = int(head)
            else:
                raise self.fail(
                    f"expected a ballot multiplier (a positive integer), got {head!r}", ln
                )
            if toks[-1] != "0":
                raise self.fail("a ballot line must end with 0", ln)
            row: list[int] = []
            seen: set[int] = set()
            for tok in toks[1:-1]:
                if tok == "-":
                    row.append(SKIP)
                    continue
                marks = [self._cid(t, ln) for t in tok.split("=")]
                for c in marks:
                    if c in seen:
                        raise self.fail(f"candidate {c + 1} ranked twice", ln)
                    seen.add(c)
                row.append(marks[0] if len(marks) == 1 else OVERVOTE)
            rows.append(row)
            mults.append(mult)
        width = max((len(r) for r in rows), default=0)
        ranks = np.full((len(rows), width), NONE, dtype=np.int32)
        for k, r in enumerate(rows):
            ranks[k, : len(r)] = r
        return ranks, np.asarray(mults, dtype=np.int64)

    # -- names and title ------------------------------------------------------------------
    def _names(self, start: int) -> tuple[list[str], str]:
        strings: list[tuple[int, str]] = []
        for i in range(start, len(self.lines)):
            for tok in _TOKEN.findall(self.lines[i]):
                strings.append((i + 1, tok))
            if len(strings) > self.n_cand:
                break
        names: list[str] = []
        for k in range(self.n_cand):
            if k >= len(strings):
                raise self.fail(
                    f"expected {self.n_cand} candidate names, found {k}", len(self.lines)
                )
            ln, tok = strings[k]
            if not (len(tok) >= 2 and tok[0] == tok[-1] == '"'):
                raise self.fail(f"expected a quoted candidate name, found {tok!r}", ln)
            names.append(tok[1:-1])
        if len(set(names)) != len(names):
            raise self.fail("two candidates have the same name", strings[0][0])
        title = ""
        if len(strings) > self.n_cand:
            ln, tok = strings[self.n_cand]
            if not (len(tok) >= 2 and tok[0] == tok[-1] == '"'):
                raise self.fail(f"expected the quoted election title, found {tok!r}", ln)
            title = tok[1:-1]
        return names, title


def dumps_blt(profile: Profile, *, seats: int | None = None) -> str:
    """BLT text for a profile (rows in profile order, multipliers as counts)."""
    n_seats = seats if seats is not None else (profile.seats or 1)
    for name in (*profile.candidates, profile.title):
        if '"' in name or "\n" in name:
            raise ValueError(f"BLT cannot hold a name containing a quote or newline: {name!r}")
    out = [f"{profile.n_candidates} {n_seats}"]
    if profile.withdrawn:
        out.append(" ".join(f"-{c + 1}" for c in sorted(profile.withdrawn)))
    if profile.tie_order is not None:
        out.append("[tie " + " ".join(str(c + 1) for c in profile.tie_order) + "]")
    for row, count in zip(profile.ranks.tolist(), profile.counts.tolist(), strict=True):
        prefs = " ".join(str(c + 1) for c in row if c >= 0)
        out.append(f"{count} {prefs} 0" if prefs else f"{count} 0")
    out.append("0")
    out += [f'"{name}"' for name in profile.candidates]
    out.append(f'"{profile.title}"')
    return "\n".join(out) + "\n"


def write_blt(profile: Profile, target: str | Path | IO[str], *, seats: int | None = None) -> None:
    text = dumps_blt(profile, seats=seats)
    if isinstance(target, str | Path):
        Path(target).write_text(text, encoding="utf-8")
    else:
        target.write(text)
