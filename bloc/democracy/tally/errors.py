"""Errors raised by the tally engine."""

from __future__ import annotations


class TallyError(Exception):
    """Base class for every error the tally engine raises on purpose."""


class BallotFileError(TallyError):
    """A ballot file is malformed. Nothing is counted from a file that raises this."""

    def __init__(self, reason: str, *, line: int | None = None, path: str | None = None) -> None:
        self.reason = reason
        self.line = line
        self.path = path
        where = path or "ballot file"
        if line is not None:
            where = f"{where}, line {line}"
        super().__init__(f"{where}: {reason}")


class CountError(TallyError):
    """The count cannot be carried out with these parameters (e.g. more seats than candidates)."""
