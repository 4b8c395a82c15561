"""Offline US ZIP code lookups from the `zipcodes` package (data: GeoNames, CC BY 4.0)."""

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import zipcodes

ZIP_RE = re.compile(r"^\s*([0-9]{5})(?:-?[0-9]{4})?\s*$", re.ASCII)


@dataclass(frozen=True)
class ZipInfo:
    zip_code: str
    city: str
    state: str
    county: str
    latitude: float
    longitude: float
    timezone: str


def _ascii_digits(text: str) -> str:
    """NFKC (fullwidth forms and the like), then every decimal digit of any script (Arabic-
    Indic ١٢٣, Persian ۱۲۳, Devanagari १२३...) as its ASCII digit."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def normalize_zip(value: str | None) -> str:
    """Return the five ASCII digits of a ZIP, or "" when the value is not a ZIP (ZIP+4 is
    accepted). Digits of other scripts count as their ASCII digits: ``١٢٣٤٥`` and ``１２３４５``
    are 12345. What this returns is always "" or five ASCII digits, so it is safe to store in
    a five-character column and to hand to the ``zipcodes`` lookup."""
    if not value:
        return ""
    match = ZIP_RE.match(_ascii_digits(str(value)))
    return match.group(1) if match else ""


@lru_cache(maxsize=65536)
def lookup(zip_code: str) -> ZipInfo | None:
    zip5 = normalize_zip(zip_code)
    if not zip5:
        return None
    # Five ASCII digits only: the package panics (a BaseException) on other characters.
    found = zipcodes.matching(zip5)
    if not found:
        return None
    row = found[0]
    return ZipInfo(
        zip_code=zip5,
        city=row.get("city", ""),
        state=row.get("state", ""),
        county=row.get("county", ""),
        latitude=float(row.get("lat") or 0.0),
        longitude=float(row.get("long") or 0.0),
        timezone=row.get("timezone", ""),
    )


def zips_in_state(state: str) -> list[str]:
    return sorted(row["zip_code"] for row in zipcodes.filter_by(state=state.upper()))


def distance_miles(a: ZipInfo, b: ZipInfo) -> float:
    """Great-circle distance between two ZIP centroids."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 3958.8 * 2 * math.asin(math.sqrt(h))
