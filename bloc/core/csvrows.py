"""CSV records with the file lines they came from, so an import can report every line.

The ``csv`` module's rules decide what a record is: a quoted cell may hold line breaks, so one
record can cover several lines of the file. Imports of one-line cells (names, addresses, ids)
treat such a record as a quote left open and report each line it covers. A record the module
cannot read (a cell over its field limit) is yielded with the module's complaint instead of
stopping the file: the reader carries on with the next line.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Record:
    first: int  #: the file line the record starts on (1-based)
    last: int  #: the file line it ends on
    cells: list[str] = field(default_factory=list)
    error: str = ""  #: why the csv module could not read it ("field larger than field limit")

    @property
    def is_blank(self) -> bool:
        return not self.error and not any(cell.strip() for cell in self.cells)

    @property
    def spans_lines(self) -> bool:
        return self.last > self.first

    def broken_cell(self) -> int | None:
        """The index of the first cell holding a line break, if any."""
        return next((i for i, c in enumerate(self.cells) if "\n" in c or "\r" in c), None)


def records(text: str) -> Iterator[Record]:
    """Every record of ``text`` with its lines; a blank line is a record with no cells."""
    reader = csv.reader(io.StringIO(text, newline=""))
    first = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Record(first, max(reader.line_num, first), error=str(exc))
            if reader.line_num < first:
                return  # nothing was read: nothing more can be
        else:
            yield Record(first, max(reader.line_num, first), cells)
        first = reader.line_num + 1
