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
import numpy.typing as npt

from .ballots import (
    MAX_BALLOTS,
    NONE,
    OVERVOTE,
    SKIP,
    TOO_MANY,
    Interpretation,
    Profile,
    compact_rows,
    interpret,
    left_justify,
    total_ballots,
)
from .errors import BallotFileError

_TOKEN = re.compile(r'"[^"]*"|\([^)]*\)|\[[^\]]*\]?|\S+')


def _number(token: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes "²", which ``int`` refuses."""
    return token.isascii() and token.isdigit()


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
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        raise BallotFileError("a NUL character: this is not a text file", line=line, path=path)
    digest = hashlib.sha256(raw).hexdigest()
    rules = interpretation or Interpretation(max_skipped_ranks=None)
    fast = _parse_fast(raw, path, digest)
    if fast is not None:
        return fast
    # The careful line-by-line parser: any file the fast reader declines (ids, nicknames,
    # "2=3", "-", unusual line breaks, or a mistake) is read here, which names the line.
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BallotFileError("not valid UTF-8 text", line=line, path=path) from exc
    return _Parser(text.splitlines(), path, rules, digest).parse()


class _Parser:
    def __init__(
        self, lines: list[str], path: str | None, rules: Interpretation, digest: str
    ) -> None:
        self.lines = lines
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
        return self.profile(names, title, seats, withdrawn, tie, ranks, counts, blank, notes)

    def profile(
        self,
        names: list[str],
        title: str,
        seats: int,
        withdrawn: set[int],
        tie: tuple[int, ...] | None,
        ranks: npt.NDArray[np.int32],
        counts: npt.NDArray[np.int64],
        blank: int,
        notes: dict[str, int],
    ) -> Profile:
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
            compacted=True,
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
            if not _number(tok) or not tok.strip("0"):
                raise self.fail(f"expected the {what} (a positive integer), found {tok!r}", ln)
            if len(tok.lstrip("0")) > 9:
                raise self.fail(f"the {what} is too large: {tok}", ln)
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
            if _number(toks[0]) or toks[0].startswith("("):
                break  # first ballot line
            for tok in toks:
                if re.fullmatch(r"-[0-9]+", tok):
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
            if len(order) != self.n_cand or len(set(order)) != len(order):
                raise self.fail("[tie] must list each candidate exactly once", line)
            return tuple(order)
        if name == "droop":
            return None  # counting options for Droop itself; the rule is chosen by the caller
        raise self.fail(f"unknown option [{name}]", line)

    def _cid(self, tok: str, line: int) -> int:
        if _number(tok):
            if len(tok.lstrip("0")) <= 9 and 1 <= int(tok) <= self.n_cand:
                return int(tok) - 1
            raise self.fail(f"candidate {tok.lstrip('0') or 0} out of range 1..{self.n_cand}", line)
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
        rows: list[list[int]] = []
        mults: list[int] = []
        ids: set[str] = set()
        total = 0
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
            elif _number(head) and head.strip("0"):
                mult = int(head) if len(head) <= 19 else MAX_BALLOTS + 1
            else:
                raise self.fail(
                    f"expected a ballot multiplier (a positive integer), got {head!r}", ln
                )
            total += mult
            if total > MAX_BALLOTS:
                raise self.fail(TOO_MANY, ln)
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
        seen: set[str] = set()
        for k in range(self.n_cand):
            if k >= len(strings):
                raise self.fail(
                    f"expected {self.n_cand} candidate names, found {k}", len(self.lines)
                )
            ln, tok = strings[k]
            if not (len(tok) >= 2 and tok[0] == tok[-1] == '"'):
                raise self.fail(f"expected a quoted candidate name, found {tok!r}", ln)
            if tok[1:-1] in seen:  # the line of the second one
                raise self.fail("two candidates have the same name", ln)
            seen.add(tok[1:-1])
            names.append(tok[1:-1])
        title = ""
        if len(strings) > self.n_cand:
            ln, tok = strings[self.n_cand]
            if not (len(tok) >= 2 and tok[0] == tok[-1] == '"'):
                raise self.fail(f"expected the quoted election title, found {tok!r}", ln)
            title = tok[1:-1]
        return names, title


# -- the vectorised reader ------------------------------------------------------------------
# Reads the common shape of a BLT file (numeric ballot lines "m c1 c2 ... 0") straight from
# the bytes with numpy, a chunk of lines at a time. Each ballot becomes one integer key (its
# ranking in base n+1), so identical ballots merge with one sort and memory stays at a few
# bytes per ballot. It returns None (never an error) whenever the file is not plainly valid;
# the careful parser then reads it and reports any error with its line number, so both
# readers accept exactly the same files and give the same profile.

_BOM = b"\xef\xbb\xbf"
_HEAD_BYTES = 1 << 16  #: the header (counts, withdrawn, options) must fit in this prefix
_CHUNK_BYTES = 1 << 18  #: ballot bytes parsed per numpy pass (small: reuses freed memory)
_MAX_DIGITS = 18  #: longer numbers could overflow int64: left to the careful parser
_DIGIT, _BLANK, _CR, _LF = 1, 2, 3, 4
_CLASS = np.zeros(256, dtype=np.uint8)  # 0: a byte the fast reader does not accept
_CLASS[ord("0") : ord("9") + 1] = _DIGIT
_CLASS[[ord(" "), ord("\t")]] = _BLANK
_CLASS[ord("\r")] = _CR
_CLASS[ord("\n")] = _LF


def _parse_fast(raw: bytes, path: str | None, digest: str) -> Profile | None:
    body_at = len(_BOM) if raw.startswith(_BOM) else 0
    head = raw[body_at : body_at + _HEAD_BYTES]
    if len(raw) > body_at + _HEAD_BYTES:
        head = head[: head.rfind(b"\n") + 1]
    try:
        head_lines = head.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return None
    parser = _Parser([ln.rstrip("\r\n") for ln in head_lines], path, Interpretation(), digest)
    try:
        first, n_cand, seats, withdrawn, tie = parser._header()
    except BallotFileError:
        return None
    if first >= len(head_lines) or any(not ln.endswith("\n") for ln in head_lines[:first]):
        return None  # header longer than the prefix, or a line break other than \n / \r\n
    start = body_at + len("".join(head_lines[:first]).encode())
    found = _find_end_line(raw, start)
    if found is None:
        return None
    end, tail_at = found
    try:
        parser.lines = raw[tail_at:].decode("utf-8").splitlines()
        names, title = parser._names(0)
    except (UnicodeDecodeError, BallotFileError):
        return None
    keyed = n_cand * np.log2(n_cand + 1) < 62  # a whole ranking fits one int64 key
    bounds = []
    at = start
    while at < end:
        stop = end if end - at <= _CHUNK_BYTES else raw.rfind(b"\n", at, at + _CHUNK_BYTES) + 1
        if stop <= at:  # one line longer than a chunk
            stop = raw.find(b"\n", at, end) + 1
        bounds.append((at, stop))
        at = stop
    work = _Workspace(max((hi - lo for lo, hi in bounds), default=0))  # reused by every chunk
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    try:
        for lo, hi in bounds:
            tokens = _parse_chunk(raw[lo:hi], work)
            got = None
            if tokens is not None:
                got = _chunk_keys(*tokens, n_cand, work) if keyed else _chunk_rows(*tokens, n_cand)
            if got is None:
                return None
            parts.append(got)
        merged = _merge_keys(parts, n_cand) if keyed else _merge_rows(parts, n_cand)
    except ValueError:  # more ballots than a count holds: the careful parser names the line
        return None
    if merged is None:
        return None
    ranks, counts = merged
    if withdrawn and ranks.size:
        ranks[np.isin(ranks, np.asarray(sorted(withdrawn), dtype=np.int32))] = NONE
        ranks = left_justify(ranks)
    marked = ranks[:, 0] != NONE if ranks.shape[1] else np.zeros(len(counts), dtype=bool)
    blank = int(counts[~marked].sum())
    if withdrawn or not marked.all():
        ranks, counts = compact_rows(ranks[marked], counts[marked], n_cand)
    notes = {"overvote": 0, "skipped_ranks": 0, "duplicate": 0}
    return parser.profile(names, title, seats, withdrawn, tie, ranks, counts, blank, notes)


def _find_end_line(raw: bytes, start: int) -> tuple[int, int] | None:
    """Byte offsets of the "0" line that ends the ballots and of the line after it.

    Searched from the end of the file, where the names are, so the ballots are not scanned
    twice: the last line holding only "0" that is followed by a quoted name. Should the
    ballots hold an earlier "0" line (or an indented one), the chunk check declines it (it
    refuses one-token lines), and the careful parser reads the file."""
    if start == 0 or raw[start - 1 : start] != b"\n":
        return None
    at = len(raw)
    while True:
        hit = raw.rfind(b"\n0", start - 1, at)
        if hit < 0:
            return None
        eol = raw.find(b"\n", hit + 2)
        rest = raw[hit + 2 : eol if eol >= 0 else len(raw)]
        if not rest.strip(b" \t\r") and raw[eol + 1 :].lstrip()[:1] == b'"' and eol >= 0:
            return hit + 1, eol + 1
        at = hit + 1


class _Workspace:
    """Scratch arrays for reading chunks of up to ``size`` bytes, reused chunk after chunk:
    fresh memory costs a page fault per page, which would cost more than the reading."""

    def __init__(self, size: int) -> None:
        tokens = size // 2 + 1  # a token is at least one byte and a separator
        self.digit = np.empty(size + 1, dtype=bool)
        self.edge = np.empty(size, dtype=bool)
        self.byte = np.empty(tokens, dtype=np.uint8)
        self.index = np.empty(tokens, dtype=np.intp)
        self.value = np.empty(tokens, dtype=np.int64)
        self.flag = np.empty(tokens, dtype=bool)
        self.first = np.empty(tokens, dtype=bool)


def _parse_chunk(
    buf: bytes, work: _Workspace
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.intp]] | None:
    """Whole ballot lines (ending in \\n) to ``(values, first, line_starts)``: every number in
    the chunk, whether it opens its line, and the index of each line's multiplier (the first
    two are views of ``work``, valid until its next chunk). Checks the line shape
    ``m c1 ... 0``; candidate ranges are checked by the caller. None: decline."""
    if buf.translate(None, b"0123456789 \t\r\n"):
        return None
    if b"\r" in buf and buf.count(b"\r") != buf.count(b"\r\n"):
        return None
    a = np.frombuffer(buf, dtype=np.uint8)
    digit = work.digit[: a.size + 1]  # digit[i + 1]: byte i is a digit
    digit[0] = False
    np.greater_equal(a, ord("0"), out=digit[1:])  # the only accepted bytes >= "0" are digits
    edge = work.edge[: a.size]
    np.greater(digit[1:], digit[:-1], out=edge)
    starts = np.flatnonzero(edge)
    n_tok = starts.size
    if n_tok == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool), np.zeros(0, dtype=np.intp)
    byte, index = work.byte[:n_tok], work.index[:n_tok]
    val = work.value[:n_tok]
    np.take(a, starts, out=byte, mode="clip")
    np.subtract(byte, ord("0"), out=val)
    more = work.flag[:n_tok]  # the token has a second digit (buf ends in \\n)
    np.add(starts, 2, out=index)
    np.take(digit, index, out=more, mode="clip")
    live = np.flatnonzero(more)
    k = 1
    while live.size:
        if k >= _MAX_DIGITS:
            return None
        at = starts[live] + k
        val[live] = val[live] * 10 + (a[at].astype(np.int64) - 48)
        live = live[digit[at + 2]]
        k += 1
    # A token opens its line when a line break precedes it. An indented line is then
    # taken as part of the line before, whose closing 0 falls mid-line: the zero count
    # below declines it, and the careful parser reads the file.
    first = work.first[:n_tok]
    first[0] = True
    np.subtract(starts[1:], 1, out=index[1:])
    np.take(a, index[1:], out=byte[1:], mode="clip")
    np.equal(byte[1:], 10, out=first[1:])
    f_idx = np.flatnonzero(first)
    l_idx = np.empty_like(f_idx)
    l_idx[:-1] = f_idx[1:] - 1
    l_idx[-1] = n_tok - 1
    if (
        np.any(l_idx - f_idx < 1)  # a one-token line: the end line indented, or a mistake
        or np.any(val[l_idx] != 0)
        or more[l_idx].any()  # the closing token is "0", not "00"
        or np.any(val[f_idx] <= 0)
    ):
        return None
    zero = work.flag[:n_tok]
    np.equal(val, 0, out=zero)
    if np.count_nonzero(zero) != f_idx.size:  # 0 only closes a line
        return None
    return val, first, f_idx


def _chunk_keys(
    val: npt.NDArray[np.int64],
    first: npt.NDArray[np.bool_],
    f_idx: npt.NDArray[np.intp],
    n_cand: int,
    work: _Workspace,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None:
    """One base-(n+1) key per ballot line (first preference most significant), and its
    multiplier. None if a mark is out of range or a line has more marks than candidates."""
    if not f_idx.size:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    longest = max(int(np.diff(f_idx).max(initial=0)), val.size - int(f_idx[-1])) - 2
    if longest > n_cand or (
        int(val.max()) > n_cand and int(np.where(first, 0, val).max()) > n_cand
    ):
        return None  # more marks than candidates (so a repeat), or a mark out of range
    # Horner over rank positions: the j-th mark of a line is token f_idx + j; past the last
    # mark the index stops at the closing 0, which adds nothing.
    base = n_cand + 1
    lines = f_idx.size
    l_idx = work.index[:lines]  # the index of each line's closing 0
    l_idx[:-1] = f_idx[1:]
    l_idx[:-1] -= 1
    l_idx[-1] = val.size - 1
    at = np.empty(lines, dtype=np.intp)
    mark = np.empty(lines, dtype=np.int64)
    key = np.zeros(lines, dtype=np.int64)
    for j in range(1, longest + 1):
        np.add(f_idx, j, out=at)
        np.minimum(at, l_idx, out=at)
        np.take(val, at, out=mark, mode="clip")
        key *= base
        key += mark
    key *= base ** (n_cand - longest)
    return key, val[f_idx]


def _chunk_rows(
    val: npt.NDArray[np.int64],
    first: npt.NDArray[np.bool_],
    f_idx: npt.NDArray[np.intp],
    n_cand: int,
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]] | None:
    """Many candidates: the chunk's rank matrix, identical rows merged; None if out of range."""
    if not f_idx.size:
        return np.zeros((0, 0), dtype=np.int32), np.zeros(0, dtype=np.int64)
    if int(np.where(first, 0, val).max()) > n_cand:
        return None
    pos = _positions(first, f_idx)
    n_marks = np.diff(np.append(f_idx, val.size)) - 2
    ranks = np.full((f_idx.size, int(n_marks.max())), NONE, dtype=np.int32)
    mark = (pos > 0) & (val > 0)
    line = np.cumsum(first) - 1
    ranks[line[mark], pos[mark] - 1] = val[mark] - 1
    return compact_rows(ranks, val[f_idx], n_cand)


def _positions(first: npt.NDArray[np.bool_], f_idx: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """Each token's position in its line (0: the multiplier, 1: the first preference...)."""
    return np.arange(first.size) - f_idx[np.cumsum(first) - 1]


def _merge_keys(
    parts: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]], n_cand: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]] | None:
    """Merge identical ballots by key; decode the distinct keys into rows, in the order
    :func:`compact_rows` gives (ascending key)."""
    key = np.concatenate([k for k, _ in parts]) if parts else np.zeros(0, dtype=np.int64)
    if all(m.size == 0 or int(m.max()) == 1 for _, m in parts):
        key.sort()  # our own array: sorted in place, then runs of equal keys are counted
        new = np.empty(key.size, dtype=bool)
        new[:1] = True
        np.not_equal(key[1:], key[:-1], out=new[1:])
        at = np.flatnonzero(new)
        uniq = key[at]
        counts = np.diff(np.append(at, key.size)).astype(np.int64)
    else:
        mult = np.concatenate([m for _, m in parts])
        if total_ballots(mult) > MAX_BALLOTS:
            return None  # the careful parser names the line where the total passes it
        uniq, inverse = np.unique(key, return_inverse=True)
        counts = np.zeros(uniq.size, dtype=np.int64)
        np.add.at(counts, inverse, mult)
    # Decode the keys a digit (rank) at a time, last rank first, into one contiguous row per
    # rank; int32 arithmetic on groups of digits that fit it. Each candidate also gets one bit:
    # a row's marks are distinct exactly when adding their bits gives the same as or-ing them
    # (a repeated bit carries into another), which finds any ballot ranking someone twice.
    base = n_cand + 1
    bit = np.zeros(base, dtype=np.int32)
    bit[1:] = np.left_shift(np.int32(1), np.arange(n_cand, dtype=np.int32))
    digits = np.empty((n_cand, uniq.size), dtype=np.int32)
    added = np.zeros(uniq.size, dtype=np.int32)
    ored = np.zeros(uniq.size, dtype=np.int32)
    mark = np.empty(uniq.size, dtype=np.int32)
    per_group = max(1, int(31 // np.log2(base)))
    rest = uniq
    j = n_cand
    while j > 0:
        size = min(per_group, j)
        if j > size:
            rest, group64 = np.divmod(rest, base**size)
        else:
            group64 = rest
        group = group64.astype(np.int32)
        for _ in range(size):
            j -= 1
            quot = group // np.int32(base)
            digits[j] = group - quot * np.int32(base)
            group = quot
            np.take(bit, digits[j], out=mark, mode="clip")
            added += mark
            ored |= mark
    if not np.array_equal(added, ored):
        return None  # a ballot ranks a candidate twice
    used = np.flatnonzero(digits.any(axis=1))
    width = int(used[-1]) + 1 if used.size else 0
    ranks = np.ascontiguousarray(digits[:width].T)
    ranks -= 1
    return ranks, counts


def _merge_rows(
    parts: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]]], n_cand: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]] | None:
    """Merge the chunks' distinct rows with :func:`compact_rows`."""
    width = max((r.shape[1] for r, _ in parts), default=0)
    ranks = np.full((sum(len(c) for _, c in parts), width), NONE, dtype=np.int32)
    row = 0
    for r, c in parts:
        ranks[row : row + len(c), : r.shape[1]] = r
        row += len(c)
    counts = np.concatenate([c for _, c in parts]) if parts else np.zeros(0, dtype=np.int64)
    ranks, counts = compact_rows(ranks, counts, n_cand)
    return (ranks, counts) if _no_repeats(ranks) else None


def _no_repeats(ranks: npt.NDArray[np.int32]) -> bool:
    """No row ranks a candidate twice (checked on distinct rows only)."""
    if ranks.shape[1] < 2:
        return True
    pad = -np.arange(1, ranks.shape[1] + 1, dtype=np.int32)
    srt = np.sort(np.where(ranks >= 0, ranks, pad), axis=1)
    return not bool(np.any((srt[:, 1:] == srt[:, :-1]) & (srt[:, 1:] >= 0)))


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
