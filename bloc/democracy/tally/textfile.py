"""Reading ballot text files: UTF-8 with its line numbers, and CSV records by the ``csv``
module's rules (strict), each with the line it starts on.

A ballot CSV holds one-line cells (names, counts, yes/no), so a quoted cell that runs over a
line break is a stray quote, not data: it is an error naming the line it starts on, never a
"candidate" swallowing the ballots after it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from .errors import BallotFileError


def decode(raw: bytes, path: str | None) -> str:
    """UTF-8 text (a byte-order mark is dropped); no NUL characters."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BallotFileError("not valid UTF-8 text", line=line, path=path) from exc
    at = text.find("\x00")
    if at >= 0:
        line = text.count("\n", 0, at) + 1
        raise BallotFileError("a NUL character: this is not a text file", line=line, path=path)
    return text


def csv_records(text: str, path: str | None) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` for each record, ``line`` being the file line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    first = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if str(exc) == "unexpected end of data":  # a quote still open at the end
                reason = (
                    f"a quoted cell runs on to line {reader.line_num} (a stray quote?): "
                    "it is never closed"
                )
                raise BallotFileError(reason, line=first, path=path) from None
            if reader.line_num > first:  # the record began lines before: a quote opened there
                reason = f"a quoted cell runs on to line {reader.line_num} (a stray quote?)"
                raise BallotFileError(reason, line=first, path=path) from None
            reason = f"not readable as CSV ({exc})"
            raise BallotFileError(reason, line=max(reader.line_num, first), path=path) from None
        last = reader.line_num
        if last > first and any("\n" in cell or "\r" in cell for cell in cells):
            reason = f"a quoted cell runs on to line {last} (a stray quote?)"
            raise BallotFileError(reason, line=first, path=path)
        yield first, cells
        first = last + 1
