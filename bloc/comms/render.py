"""Merge fields: `{{ first_name }}` or `{{ first_name|friend }}` (a fallback for missing values).

`{{ sign_in_link }}` is the recipient's own one-click sign-in link (a "your Bloc account"
invitation): made when the message is built for sending, single-use and expiring; a preview
(`previewing()`) shows a dummy, since whoever holds the link could sign in as the recipient."""

import contextlib
import contextvars
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse

from bloc.people.models import Person

MERGE_RE = re.compile(r"\{\{\s*([a-z_]+)\s*(?:\|([^}]*))?\}\}")
FIELDS = {
    "first_name": "First name",
    "last_name": "Last name",
    "full_name": "Full name",
    "city": "City",
    "state": "State",
    "zip_code": "ZIP code",
    "chapter": "Chapter name",
    "sign_in_link": "One-click sign-in link (invitations)",
}
_PREVIEW: contextvars.ContextVar[bool] = contextvars.ContextVar("bloc_comms_preview", default=False)
PREVIEW_SIGN_IN_LINK = "(the recipient's own one-click sign-in link)"


@contextlib.contextmanager
def previewing() -> Iterator[None]:
    """Messages built inside show placeholders for credentials (the sign-in link)."""
    reset = _PREVIEW.set(True)
    try:
        yield
    finally:
        _PREVIEW.reset(reset)


def _sign_in_link(person: Person) -> Callable[[], str]:
    def make() -> str:
        if _PREVIEW.get():
            return PREVIEW_SIGN_IN_LINK
        from bloc.people.claiming.services import sign_in_url

        return sign_in_url(person)

    return make


UNSUBSCRIBE_SALT = "bloc.comms.unsubscribe"


def check_template(text: str) -> None:
    unknown = sorted({m.group(1) for m in MERGE_RE.finditer(text)} - set(FIELDS))
    if unknown:
        raise ValidationError(
            "Unknown merge fields: %(fields)s. Available: %(available)s.",
            params={"fields": ", ".join(unknown), "available": ", ".join(FIELDS)},
        )


def person_values(person: Person) -> dict[str, Any]:
    """Values by merge field: text, or a callable made only when the text uses the field."""
    chapter = person.chapter.name if person.chapter_id and person.chapter else ""
    return {
        "sign_in_link": _sign_in_link(person),
        "first_name": person.first_name,
        "last_name": person.last_name,
        "full_name": person.full_name,
        "city": person.city,
        "state": person.state,
        "zip_code": person.zip_code,
        "chapter": chapter,
    }


def merge(text: str, values: dict[str, Any]) -> str:
    def replace(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        value = (value() if callable(value) else value or "").strip()
        return value or (match.group(2) or "").strip()

    return MERGE_RE.sub(replace, text)


def unsubscribe_token(*, person_id: int, broadcast_id: int | None = None) -> str:
    return signing.dumps({"p": person_id, "b": broadcast_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict[str, Any]:
    """The signed payload; raises signing.BadSignature when forged or mangled."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        raise signing.BadSignature("Malformed unsubscribe token.")
    return data


def unsubscribe_path(*, person_id: int, broadcast_id: int | None = None) -> str:
    token = unsubscribe_token(person_id=person_id, broadcast_id=broadcast_id)
    return reverse("comms:unsubscribe", args=[token])
