"""Import of FMCS "F-7" notice spreadsheets (xlsx), with a report per row and no repeat notices.

The layout (docs/decisions/0301-coalition-contracts-and-f7.md): the first sheet, a header row,
then one notice per row. Headers are matched ignoring case, spaces and punctuation:

    Notice Date*, Employer Name*, Employer City, Employer State, Union Name*, Union Local,
    NAICS Code, Bargaining Unit Size, Contract Expiration Date*, Health Care   (* required)

A notice is a repeat when the employer, its state, the union, the local and the expiration date
are the same as one already stored (FMCS files often carry a notice again in a later month).
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from bloc.coalition import audit
from bloc.coalition.models import F7Import, F7Notice, Partner

COLUMNS = {
    "noticedate": "notice_on",
    "employername": "employer",
    "employercity": "employer_city",
    "employerstate": "employer_state",
    "unionname": "union_name",
    "unionlocal": "union_local",
    "naicscode": "naics_code",
    "naics": "naics_code",
    "bargainingunitsize": "unit_size",
    "unitsize": "unit_size",
    "contractexpirationdate": "expires_on",
    "expirationdate": "expires_on",
    "healthcare": "is_health_care",
}
REQUIRED = ["notice_on", "employer", "union_name", "expires_on"]
MAX_ROWS = 20_000
MAX_UNIT_SIZE = 2_147_483_647  # the largest number the unit size column holds
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class RowResult:
    row: int
    status: str
    message: str = ""


@dataclass
class Parsed:
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _key(header: Any) -> str:
    return re.sub(r"[^a-z]", "", str(header or "").lower())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _bool(value: Any) -> bool:
    text = _text(value).lower()
    if text in {"", "n", "no", "false", "0"}:
        return False
    if text in {"y", "yes", "true", "1"}:
        return True
    raise ValueError


def parse_row(cells: dict[str, Any]) -> Parsed:
    parsed = Parsed()
    for name in REQUIRED:
        if not _text(cells.get(name)):
            parsed.problems.append(f"{name.replace('_', ' ')} is missing")
    for name in ("notice_on", "expires_on"):
        if _text(cells.get(name)):
            try:
                parsed.values[name] = _date(cells[name])
            except ValueError:
                parsed.problems.append(f"{name.replace('_', ' ')} is not a date")
    for name, limit in (
        ("employer", 200),
        ("employer_city", 100),
        ("union_name", 200),
        ("union_local", 60),
    ):
        text = _text(cells.get(name))
        if len(text) > limit:
            parsed.problems.append(f"{name.replace('_', ' ')} is longer than {limit} characters")
        if _CONTROL.search(text):
            parsed.problems.append(f"{name.replace('_', ' ')} holds a control character")
        parsed.values[name] = text
    state = _text(cells.get("employer_state")).upper()
    if state and not re.fullmatch(r"[A-Z]{2}", state, re.ASCII):
        parsed.problems.append("employer state is not a two-letter code")
    parsed.values["employer_state"] = state
    naics = _text(cells.get("naics_code"))
    if naics and not re.fullmatch(r"[0-9]{2,6}", naics):
        parsed.problems.append("NAICS code is not 2 to 6 digits")
    parsed.values["naics_code"] = naics
    size = _text(cells.get("unit_size")).replace(",", "")
    if size:
        if not (size.isascii() and size.isdigit()):  # "²" and "٣" are digits to isdigit()
            parsed.problems.append("bargaining unit size is not a whole number")
        elif len(size.lstrip("0")) > len(str(MAX_UNIT_SIZE)) or int(size) > MAX_UNIT_SIZE:
            parsed.problems.append(f"bargaining unit size is larger than {MAX_UNIT_SIZE:,}")
        else:
            parsed.values["unit_size"] = int(size)
    try:
        parsed.values["is_health_care"] = _bool(cells.get("is_health_care"))
    except ValueError:
        parsed.problems.append("health care is not yes or no")
    return parsed


def dedupe_key(values: dict[str, Any]) -> str:
    parts = [
        values["employer"].lower(),
        values["employer_state"],
        values["union_name"].lower(),
        values["union_local"].lower(),
        values["expires_on"].isoformat(),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def read_rows(data: bytes) -> list[dict[str, Any]]:
    """The data rows of the first sheet as {field: cell}, keyed by the recognised headers."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not xlsx
        raise ValidationError("This is not a readable .xlsx file.") from exc
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ValidationError("The spreadsheet is empty.")
        names = [COLUMNS.get(_key(h)) for h in header]
        missing = [r for r in REQUIRED if r not in names]
        if missing:
            raise ValidationError(
                "Missing columns: " + ", ".join(m.replace("_", " ") for m in missing)
            )
        result: list[dict[str, Any]] = []
        for cells in rows:
            if all(c is None or _text(c) == "" for c in cells):
                result.append({})
                continue
            result.append({n: c for n, c in zip(names, cells, strict=False) if n})
            if len(result) > MAX_ROWS:
                raise ValidationError(f"The file has more than {MAX_ROWS} rows.")
        return result
    except ValidationError:
        raise
    except Exception as exc:  # a sheet openpyxl opened but cannot read to the end
        raise ValidationError("This is not a readable .xlsx file.") from exc
    finally:
        book.close()


def _partners_by_name() -> dict[str, int]:
    return {
        name: pk
        for name, pk in Partner.objects.filter(
            kind__in=[Partner.Kind.UNION_LOCAL, Partner.Kind.INTERNATIONAL_UNION]
        )
        .annotate(lname=Lower("name"))
        .values_list("lname", "pk")
    }


@transaction.atomic
def import_f7_notices(*, actor: Any, data: bytes, file_name: str) -> F7Import:
    """Store every good, new notice; report each row as created, duplicate or error."""
    rows = read_rows(data)
    run = F7Import.objects.create(
        file_name=file_name[:200],
        imported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    partners = _partners_by_name()
    seen = set(F7Notice.objects.values_list("dedupe_key", flat=True))
    report: list[RowResult] = []
    notices: list[F7Notice] = []
    for number, cells in enumerate(rows, start=2):
        if not cells:
            continue
        parsed = parse_row(cells)
        if parsed.problems:
            report.append(RowResult(number, "error", "; ".join(parsed.problems)))
            continue
        key = dedupe_key(parsed.values)
        if key in seen:
            report.append(RowResult(number, "duplicate", "already imported"))
            continue
        seen.add(key)
        values = parsed.values
        local = values["union_local"]
        name = f"{values['union_name']} Local {local}" if local else values["union_name"]
        notices.append(
            F7Notice(
                source=run,
                dedupe_key=key,
                partner_id=partners.get(name.lower()),
                **values,
            )
        )
        report.append(RowResult(number, "created"))
    F7Notice.objects.bulk_create(notices, batch_size=1000)
    run.created = len(notices)
    run.duplicates = sum(r.status == "duplicate" for r in report)
    run.errors = sum(r.status == "error" for r in report)
    run.report = [{"row": r.row, "status": r.status, "message": r.message} for r in report]
    run.save(update_fields=["created", "duplicates", "errors", "report"])
    audit.f7_imported(actor=actor, run=run)
    return run
