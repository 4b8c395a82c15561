"""Searching people by name, email or ZIP.

On PostgreSQL each word is matched against one lower-cased "name and email" text through a
trigram GIN index (migration 0007): a substring (`LIKE '%word%'`, which pg_trgm's index serves)
or, when no one matches exactly, a close spelling (`word <% text`, word similarity), so a typo
still finds the person and no query scans the table. Results are ordered by similarity unless
the reader chose a sort.
SQLite, for development and tests, keeps a per-word `icontains` scan with the same meaning
except for the typo tolerance.
"""

from typing import Any, TypeVar

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, Q, QuerySet, TextField, Value

MAX_WORDS = 5

_QS = TypeVar("_QS", bound=QuerySet[Any])


class SearchText(Func):
    """lower(first_name || ' ' || last_name || ' ' || email): exactly the expression migration
    0007 indexes, so PostgreSQL uses the index. The fields are never NULL."""

    template = "lower(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()

    def __init__(self) -> None:
        super().__init__(F("first_name"), F("last_name"), F("email"))


class _Operator(Func):
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _like(text: Func, pattern: str) -> _Operator:
    return _Operator(text, Value(pattern), arg_joiner=" LIKE ")


def _word_similar(word: str, text: Func) -> _Operator:
    # `word <% text`: the word is close to some part of the text (pg_trgm); `%%` for the driver.
    return _Operator(Value(word), text, arg_joiner=" <%% ")


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _words(query: str) -> list[str]:
    return [w for w in query.lower().split() if w][:MAX_WORDS]


def uses_trigrams() -> bool:
    return connection.vendor == "postgresql"


def matching(query: str, *, fuzzy: bool = True) -> Q:
    """A condition true for the people the search words describe (every word must match);
    `fuzzy` adds close spellings on PostgreSQL."""
    condition = Q()
    for word in _words(query):
        if uses_trigrams():
            text = SearchText()
            match: Q = Q(_like(text, f"%{_like_escape(word)}%"))
            if fuzzy:
                match |= Q(_word_similar(word, text))
        else:
            match = (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
        if word.isdigit():
            match |= Q(zip_code__startswith=word)
        condition &= match
    return condition


def search(people: _QS, query: str) -> _QS:
    """People matching every word. On PostgreSQL, exact substrings first: close spellings are
    looked for only when nothing matches exactly, since a similarity scan of the index is many
    times slower than a substring one (bench/people/search.py)."""
    query = query.strip()
    if not _words(query):
        return people
    if uses_trigrams():
        exact = people.filter(matching(query, fuzzy=False))
        if exact.exists():
            return exact
    return people.filter(matching(query))


def by_relevance(people: _QS, query: str) -> _QS:
    """Closest matches first on PostgreSQL; unchanged elsewhere."""
    words = " ".join(_words(query))
    if not words or not uses_trigrams():
        return people
    similarity = Func(
        Value(words), SearchText(), function="word_similarity", output_field=FloatField()
    )
    return people.annotate(search_rank=similarity).order_by(
        F("search_rank").desc(), "last_name", "first_name", "pk"
    )
