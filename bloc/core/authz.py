"""The authorization matrix: every URL pattern has a row saying who gets what.

Each app lists its rows in `bloc/<app>/tests/matrix.py` as `ROWS`; the core test walks every URL
pattern and fails when one has no row, then requests each row as each persona.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = ("anon", "admin", "organizer_a", "organizer_b", "member_a", "liaison", "outsider")


def expect(*, anon: int = 302, default: int = 404, **overrides: int) -> dict[str, int]:
    """Expected GET status per persona: anonymous users are sent to sign in by default."""
    unknown = set(overrides) - set(PERSONAS)
    if unknown:
        raise ValueError(f"Unknown personas: {unknown}")
    return {"anon": anon, **{p: overrides.get(p, default) for p in PERSONAS if p != "anon"}}


@dataclass(frozen=True)
class Row:
    name: str
    url: Callable[[Any], str]
    expect: dict[str, int]
    note: str = ""
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    #: Extra request headers for a persona's user (None for anonymous): the API's rows send
    #: the persona's token (``HTTP_AUTHORIZATION``) instead of the session.
    headers: Callable[[Any], dict[str, str]] | None = None
