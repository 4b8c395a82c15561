"""HAL+JSON as OSDI v1.1 writes it: `_links`, `_embedded`, `osdi:` curies,
page/per_page/total_pages, and the OData-style `filter` subset OSDI defines on `modified_date`."""

import math
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import get_current_timezone, is_naive, make_aware
from ninja import Query
from ninja.errors import HttpError

CURIES = [
    {"name": "osdi", "href": "https://opensupporter.github.io/osdi-docs/{rel}", "templated": True}
]
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
MAX_PAGE = 1_000_000
PAGE: int = Query(1, ge=1, le=MAX_PAGE, description="The page, from 1.")
PER_PAGE: int = Query(DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE, description="Items per page.")

_CLAUSE = re.compile(r"^\s*modified_date\s+(gt|ge|lt|le|eq)\s+'([^']{1,40})'\s*$", re.IGNORECASE)
_LOOKUPS = {"gt": "gt", "ge": "gte", "lt": "lt", "le": "lte", "eq": "exact"}


def base(request: HttpRequest) -> str:
    """The absolute address of the API's root, ending in a slash."""
    return request.build_absolute_uri("/api/v1/")


def link(href: str) -> dict[str, str]:
    return {"href": href}


def filter_modified(qs: QuerySet[Any], expression: str | None, field: str = "updated_at") -> Any:
    """Apply ``modified_date gt '2026-01-01'`` (gt, ge, lt, le, eq; clauses joined by ``and``).
    A date or a date and time in ISO 8601; a time without offset is in the site's time zone."""
    if not expression:
        return qs
    for clause in re.split(r"\s+and\s+", expression.strip(), flags=re.IGNORECASE):
        match = _CLAUSE.match(clause)
        if not match:
            raise HttpError(
                400, "filter: only modified_date gt|ge|lt|le|eq '<ISO 8601 date>' is supported."
            )
        op, value = match.group(1).lower(), match.group(2)
        moment = _moment(value)
        if moment is None:
            raise HttpError(400, f"filter: {value!r} is not an ISO 8601 date or date and time.")
        qs = qs.filter(Q(**{f"{field}__{_LOOKUPS[op]}": moment}))
    return qs


def _moment(value: str) -> datetime | None:
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = datetime(day.year, day.month, day.day) if day else None
    except ValueError:
        return None
    if moment is None:
        return None
    return make_aware(moment, get_current_timezone()) if is_naive(moment) else moment


def page_of(
    request: HttpRequest,
    qs: QuerySet[Any],
    *,
    path: str,
    page: int,
    per_page: int,
    params: dict[str, Any] | None = None,
) -> tuple[list[Any], dict[str, Any]]:
    """One page of `qs` and the collection's paging fields and links (self, next, prev)."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    total = qs.count()
    pages = max(1, math.ceil(total / per_page))
    items = list(qs[(page - 1) * per_page : page * per_page])
    root = base(request) + path
    kept = {k: v for k, v in (params or {}).items() if v not in (None, "")}

    def at(n: int) -> dict[str, str]:
        return link(root + "?" + urlencode({**kept, "page": n, "per_page": per_page}))

    links: dict[str, Any] = {"self": at(page), "curies": CURIES}
    if page < pages:
        links["next"] = at(page + 1)
    if page > 1:
        links["prev"] = at(page - 1)
    return items, {
        "total_pages": pages,
        "per_page": per_page,
        "page": page,
        "total_records": total,
        "_links": links,
    }
