"""CSV import of people and members: column mapping, a per-row report, dry runs, all or nothing.

A file is *refused* (nothing written, one clear message) when it cannot be read as UTF-8 CSV or
lacks a required column. Otherwise every good row is written in one transaction and every bad
row is reported with its row number, column and reason; a crash mid-way writes nothing.
"""

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bloc.core import csvrows, geo
from bloc.people import audit, bulk, selectors
from bloc.people.models import (
    Channel,
    ChapterAssignment,
    ConsentEvent,
    DuesPlan,
    LadderEvent,
    LadderStage,
    Membership,
    Person,
    PersonEmail,
    PersonPhone,
)
from bloc.people.normalize import normalize_email, normalize_phone

FIELDS: dict[str, str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "pronouns": "Pronouns",
    "email": "Email",
    "phone": "Phone",
    "address_line1": "Address",
    "address_line2": "Address line 2",
    "city": "City",
    "state": "State",
    "zip_code": "ZIP code",
    "languages": "Languages",
    "joined_on": "Joined on (YYYY-MM-DD)",
    "dues_plan": "Dues plan",
    "paid_through_on": "Dues paid through (YYYY-MM-DD)",
    "membership_status": "Membership status",
    "email_opt_in": "Email opt-in (yes/no)",
    "sms_opt_in": "SMS opt-in (yes/no)",
    "phone_opt_in": "Phone opt-in (yes/no)",
}
REQUIRED = ("first_name", "last_name", "email")
ALIASES = {
    "zip": "zip_code",
    "zipcode": "zip_code",
    "postal_code": "zip_code",
    "email_address": "email",
    "phone_number": "phone",
    "mobile": "phone",
    "address": "address_line1",
    "first": "first_name",
    "last": "last_name",
    "given_name": "first_name",
    "family_name": "last_name",
    "dues_paid_through": "paid_through_on",
}
TRUE = {"yes", "y", "true", "1", "opted_in"}
FALSE = {"no", "n", "false", "0", "opted_out"}
MAX_LENGTHS = {
    "first_name": 100,
    "last_name": 100,
    "pronouns": 40,
    "address_line1": 200,
    "address_line2": 200,
    "city": 100,
    "languages": 120,
}
BATCH = 5000
DUES_PLANS = frozenset(DuesPlan.values)
MEMBERSHIP_STATUSES = frozenset(Membership.Status.values)


class ImportRefused(Exception):
    """The whole file is refused; nothing was written."""


@dataclass
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    members: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def rejected(self) -> int:
        return len({error.row for error in self.errors})

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "members": self.members,
            "rejected": self.rejected,
            "dry_run": self.dry_run,
        }

    def as_dict(self) -> dict[str, Any]:
        return {**self.summary(), "errors": [asdict(e) for e in self.errors]}


def _key(header: str) -> str:
    return header.strip().lower().replace(" ", "_").replace("-", "_")


def default_mapping(headers: Iterable[str]) -> dict[str, str]:
    mapping = {}
    for header in headers:
        key = _key(header)
        key = ALIASES.get(key, key)
        if key in FIELDS:
            mapping[header] = key
    return mapping


def decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            f"The file is not UTF-8 text (invalid byte 0x{data[exc.start]:02x} on line {line}). "
            "Save it as “CSV UTF-8” and try again. Nothing was imported."
        ) from None
    if "\x00" in text:
        raise ImportRefused(
            "The file contains NUL bytes; it is not a CSV text file. Nothing was imported."
        )
    return text


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError("Not a date in YYYY-MM-DD form.") from None


def _parse_bool(value: str) -> bool | None:
    low = value.strip().lower()
    if not low:
        return None
    if low in TRUE:
        return True
    if low in FALSE:
        return False
    raise ValidationError("Use yes or no.")


@dataclass
class _Row:
    number: int
    person: dict[str, Any]
    email: str
    phone: str
    membership: dict[str, Any] | None
    consents: dict[str, bool]


def _clean_row(number: int, raw: dict[str, str]) -> tuple[_Row | None, list[RowError]]:
    errors: list[RowError] = []
    values = {k: (v or "").strip() for k, v in raw.items()}
    person: dict[str, Any] = {}
    for name, limit in MAX_LENGTHS.items():
        value = values.get(name, "")
        if len(value) > limit:
            errors.append(RowError(number, name, f"Longer than {limit} characters."))
        person[name] = value[:limit]
    for name in ("first_name", "last_name"):
        if not values.get(name):
            errors.append(RowError(number, name, "Required."))
    state = values.get("state", "").upper()
    if state and (len(state) != 2 or not state.isalpha()):
        errors.append(RowError(number, "state", "Use the two-letter state code."))
    person["state"] = state[:2]
    zip_raw = values.get("zip_code", "")
    zip5 = geo.normalize_zip(zip_raw)
    if zip_raw and not zip5:
        errors.append(RowError(number, "zip_code", "Not a ZIP code."))
    person["zip_code"] = zip5
    email = phone = ""
    try:
        email = normalize_email(values.get("email"))
    except ValidationError as exc:
        too_long = exc.code == "max_length"
        reason = exc.messages[0] if too_long else "Not a valid email address."
        errors.append(RowError(number, "email", reason))
    try:
        phone = normalize_phone(values.get("phone"))
    except ValidationError as exc:
        errors.append(RowError(number, "phone", exc.messages[0]))
    if not email and not phone and not any(e.column in ("email", "phone") for e in errors):
        errors.append(RowError(number, "email", "An email address or a phone number is required."))
    membership: dict[str, Any] | None = None
    if values.get("joined_on"):
        membership = {}
        for name in ("joined_on", "paid_through_on"):
            if values.get(name):
                try:
                    membership[name] = _parse_date(values[name])
                except ValidationError as exc:
                    errors.append(RowError(number, name, exc.messages[0]))
        plan = values.get("dues_plan", "").lower() or DuesPlan.MONTHLY
        if plan not in DUES_PLANS:
            errors.append(
                RowError(number, "dues_plan", f"Use one of: {', '.join(DuesPlan.values)}.")
            )
        membership["dues_plan"] = plan
        status = values.get("membership_status", "").lower() or Membership.Status.ACTIVE
        if status not in MEMBERSHIP_STATUSES:
            errors.append(
                RowError(
                    number,
                    "membership_status",
                    f"Use one of: {', '.join(Membership.Status.values)}.",
                )
            )
        membership["status"] = status
        if (
            membership.get("joined_on")
            and membership.get("paid_through_on")
            and membership["paid_through_on"] < membership["joined_on"]
        ):
            errors.append(RowError(number, "paid_through_on", "Before the join date."))
    elif values.get("paid_through_on") or values.get("dues_plan"):
        errors.append(RowError(number, "joined_on", "Dues given without a join date."))
    consents: dict[str, bool] = {}
    for column, channel in (
        ("email_opt_in", Channel.EMAIL),
        ("sms_opt_in", Channel.SMS),
        ("phone_opt_in", Channel.PHONE),
    ):
        try:
            flag = _parse_bool(values.get(column, ""))
        except ValidationError as exc:
            errors.append(RowError(number, column, exc.messages[0]))
            continue
        if flag is not None:
            consents[channel] = flag
    if errors:
        return None, errors
    return _Row(number, person, email, phone, membership, consents), []


def import_people(
    data: bytes,
    *,
    actor: Any,
    mapping: dict[str, str] | None = None,
    source: str = "import",
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import people (and memberships) from CSV bytes. See the module docstring for the rules."""
    text = decode(data)
    records = csvrows.records(text)
    head = next(records, None)
    if head is None:
        raise ImportRefused("The file is empty. Nothing was imported.")
    if head.error:
        raise ImportRefused(
            f"The header line is not valid CSV ({head.error}). Nothing was imported."
        )
    headers = head.cells
    mapping = mapping or default_mapping(headers)
    unknown_targets = sorted(set(mapping.values()) - set(FIELDS))
    if unknown_targets:
        raise ImportRefused(f"Unknown target fields in the mapping: {', '.join(unknown_targets)}.")
    missing_headers = sorted(set(mapping) - set(headers))
    if missing_headers:
        raise ImportRefused(
            f"The mapping names columns the file lacks: {', '.join(missing_headers)}."
        )
    mapped = set(mapping.values())
    missing = [FIELDS[name] for name in REQUIRED if name not in mapped]
    if missing:
        raise ImportRefused(
            f"Missing required column(s): {', '.join(missing)}. "
            f"Found: {', '.join(headers) or 'none'}. Nothing was imported."
        )
    index = {target: headers.index(header) for header, target in mapping.items()}
    report = ImportReport(dry_run=dry_run, ignored_columns=[h for h in headers if h not in mapping])

    rows: list[_Row] = []
    seen_email: dict[str, int] = {}
    seen_phone: dict[str, int] = {}
    column_of = {i: target for target, i in index.items()}
    told = 0  # rows passed to progress()
    for record in records:
        if progress and report.rows - told >= 1000:
            progress(report.rows - told)
            told = report.rows
        if record.is_blank:
            continue
        first, raw = record.first, record.cells
        if record.error:
            report.rows += record.last - first + 1
            report.errors.append(RowError(first, "", f"Not valid CSV ({record.error})."))
            report.errors += [
                RowError(line, "", f"Part of row {first}, which is not valid CSV. Not imported.")
                for line in range(first + 1, record.last + 1)
            ]
            continue
        if record.spans_lines:
            # A quoted cell holding line breaks: in a file of one-line cells, a quote that was
            # never closed. Every line it swallowed is a row of the report.
            report.rows += record.last - first + 1
            report.errors.extend(_swallowed(record, column_of))
            continue
        report.rows += 1
        if len(raw) != len(headers):
            report.errors.append(
                RowError(first, "", f"Has {len(raw)} cells; the header has {len(headers)}.")
            )
            continue
        values = {target: raw[i] for target, i in index.items()}
        row, errors = _clean_row(first, values)
        if row is not None:
            if row.email and row.email in seen_email:
                errors = [RowError(first, "email", f"Same email as row {seen_email[row.email]}.")]
            elif row.phone and row.phone in seen_phone:
                errors = [RowError(first, "phone", f"Same phone as row {seen_phone[row.phone]}.")]
        if errors:
            report.errors.extend(errors)
            continue
        assert row is not None
        if row.email:
            seen_email[row.email] = first
        if row.phone:
            seen_phone[row.phone] = first
        rows.append(row)
    if progress:
        progress(report.rows - told)

    with transaction.atomic():
        _write(
            rows, report=report, source=source, allowed=_allowed_chapters(actor), dry_run=dry_run
        )
        audit.people_imported(actor=actor, report=report.summary())
        if dry_run:
            transaction.set_rollback(True)
    return report


def _swallowed(record: csvrows.Record, column_of: dict[int, str]) -> list[RowError]:
    """The report rows for the lines of a record that a quoted cell runs over."""
    first, last = record.first, record.last
    at = record.broken_cell()
    column = column_of.get(at, "") if at is not None else ""
    errors = [
        RowError(
            first,
            column,
            f"A quoted cell starts on this row and runs on to row {last}: is a closing quote "
            f"missing? Rows {first} to {last} were not imported.",
        )
    ]
    errors += [
        RowError(
            line,
            "",
            f"Inside the quoted cell that starts on row {first}: is a closing quote missing? "
            "Not imported.",
        )
        for line in range(first + 1, last + 1)
    ]
    return errors


def _existing_by_key(rows: list[_Row]) -> tuple[dict[str, int], dict[str, int]]:
    emails = [r.email for r in rows if r.email]
    phones = [r.phone for r in rows if r.phone]
    by_email: dict[str, int] = {}
    by_phone: dict[str, int] = {}
    for start in range(0, len(emails), 900):
        by_email.update(
            PersonEmail.objects.filter(
                normalized__in=emails[start : start + 900], person__merged_into__isnull=True
            ).values_list("normalized", "person_id")
        )
    for start in range(0, len(phones), 900):
        by_phone.update(
            PersonPhone.objects.filter(
                number__in=phones[start : start + 900], person__merged_into__isnull=True
            ).values_list("number", "person_id")
        )
    return by_email, by_phone


def _allowed_chapters(actor: Any) -> set[int | None] | None:
    """None: anything (a national admin, or the system). Otherwise the organizer's chapters."""
    from bloc.accounts import selectors as roles

    if actor is None or roles.is_national_admin(actor):
        return None
    return set(roles.organized_chapter_ids(actor))


OUT_OF_SCOPE = "Outside your chapters' jurisdiction; national staff can import this row."


def _write(
    rows: list[_Row],
    *,
    report: ImportReport,
    source: str,
    allowed: set[int | None] | None,
    dry_run: bool = False,
) -> None:
    chapters = selectors.chapter_ids_by_zip()
    by_email, by_phone = _existing_by_key(rows)
    existing_chapter: dict[int, int | None] = {}
    if allowed is not None:
        ids = list(set(by_email.values()) | set(by_phone.values()))
        for start in range(0, len(ids), 900):
            existing_chapter.update(
                Person.objects.filter(pk__in=ids[start : start + 900]).values_list(
                    "pk", "chapter_id"
                )
            )
    now = timezone.now()
    new_rows: list[_Row] = []
    matched: list[tuple[_Row, int]] = []
    for row in rows:
        existing = by_email.get(row.email) or by_phone.get(row.phone)
        # An organizer imports into their own chapters only: no edits to, and no new records in,
        # another chapter (the same message either way, so a row reveals as little as possible).
        if allowed is not None:
            own_chapter = chapters.get(row.person["zip_code"])
            chapter_id = existing_chapter.get(existing) if existing else own_chapter
            if chapter_id not in allowed:
                if dry_run and existing and own_chapter in allowed:
                    # Someone outside the organizer's chapters has this address or number. A dry
                    # run must not say so (it would answer "is X a member elsewhere?" for free):
                    # it reports the row as the new person it would be for an unknown address.
                    # Nothing is written in a dry run; a real import refuses the row below.
                    report.created += 1
                    report.members += 1 if row.membership else 0
                    continue
                report.errors.append(RowError(row.number, "zip_code", OUT_OF_SCOPE))
                continue
        if existing:
            matched.append((row, existing))
        else:
            new_rows.append(row)

    for start in range(0, len(new_rows), BATCH):
        batch = new_rows[start : start + BATCH]
        ids = bulk.allocate_ids(Person, len(batch))
        people, emails, phones, assignments, consents, memberships, ladder = ([] for _ in range(7))
        for row, pid in zip(batch, ids, strict=True):
            chapter_id = chapters.get(row.person["zip_code"])
            people.append(
                {
                    "id": pid,
                    **row.person,
                    "email": row.email,
                    "phone": row.phone,
                    "source": source,
                    "chapter_id": chapter_id,
                }
            )
            if row.email:
                emails.append(
                    {
                        "person_id": pid,
                        "address": row.email,
                        "normalized": row.email,
                        "is_primary": True,
                    }
                )
            if row.phone:
                phones.append({"person_id": pid, "number": row.phone, "is_primary": True})
            if chapter_id:
                assignments.append(
                    {
                        "person_id": pid,
                        "to_chapter_id": chapter_id,
                        "reason": ChapterAssignment.Reason.ZIP.value,
                        "occurred_at": now,
                    }
                )
            for channel, flag in row.consents.items():
                consents.append(
                    {
                        "person_id": pid,
                        "channel": str(channel),
                        "status": (
                            ConsentEvent.Status.OPTED_IN if flag else ConsentEvent.Status.OPTED_OUT
                        ).value,
                        "source": source[:120],
                        "recorded_at": now,
                    }
                )
            if row.membership:
                memberships.append({"person_id": pid, **row.membership})
                ladder.append(
                    {
                        "person_id": pid,
                        "stage": LadderStage.JOINED.value,
                        "chapter_id": chapter_id,
                        "attribution_type": "import",
                        "attribution_label": source[:200],
                        "occurred_at": now,
                    }
                )
        bulk.insert_rows(Person, people)
        bulk.insert_rows(PersonEmail, emails)
        bulk.insert_rows(PersonPhone, phones)
        bulk.insert_rows(ChapterAssignment, assignments)
        bulk.insert_rows(ConsentEvent, consents)
        bulk.insert_rows(Membership, memberships)
        bulk.insert_rows(LadderEvent, ladder)
        report.created += len(batch)
        report.members += len(memberships)

    _update_matched(matched, report=report, source=source, now=now)


def _update_matched(
    matched: list[tuple[_Row, int]], *, report: ImportReport, source: str, now: Any
) -> None:
    """Known people: fill blank fields, update dues, record new consent. Never blank anything."""
    ids = [pid for _, pid in matched]
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids)} if ids else {}
    memberships = (
        {m.person_id: m for m in Membership.objects.filter(person_id__in=ids)} if ids else {}
    )
    changed_people, new_memberships, changed_memberships, consents = [], [], [], []
    latest = _latest_consent(ids)
    for row, pid in matched:
        person = people[pid]
        dirty = False
        for name, value in row.person.items():
            if value and not getattr(person, name):
                setattr(person, name, value)
                dirty = True
        if dirty:
            changed_people.append(person)
        if row.membership:
            existing = memberships.get(pid)
            if existing is None:
                new_memberships.append(Membership(person_id=pid, **row.membership))
            else:
                for name, value in row.membership.items():
                    setattr(existing, name, value)
                changed_memberships.append(existing)
            report.members += 1
        for channel, flag in row.consents.items():
            status = ConsentEvent.Status.OPTED_IN if flag else ConsentEvent.Status.OPTED_OUT
            current = latest.get((pid, channel))
            if current == status:
                continue  # already in force: importing a file again records nothing
            if flag and current == ConsentEvent.Status.OPTED_OUT:
                # An import never re-subscribes someone who opted out; only they can.
                continue
            latest[(pid, channel)] = status
            consents.append(
                ConsentEvent(
                    person_id=pid,
                    channel=channel,
                    status=status,
                    source=source[:120],
                    recorded_at=now,
                )
            )
        report.updated += 1
    fields = list(MAX_LENGTHS) + ["state", "zip_code"]
    Person.objects.bulk_update(changed_people, fields, batch_size=BATCH)
    Membership.objects.bulk_create(new_memberships, batch_size=BATCH)
    Membership.objects.bulk_update(
        changed_memberships,
        ["joined_on", "paid_through_on", "dues_plan", "status"],
        batch_size=BATCH,
    )
    ConsentEvent.objects.bulk_create(consents, batch_size=BATCH)


def _latest_consent(person_ids: list[int]) -> dict[tuple[int, str], str]:
    """The consent in force per (person, channel), for those who have one."""
    latest: dict[tuple[int, str], str] = {}
    for start in range(0, len(person_ids), 900):
        for pid, channel, status in (
            ConsentEvent.objects.filter(person_id__in=person_ids[start : start + 900])
            .order_by("person_id", "channel", "-recorded_at", "-id")
            .values_list("person_id", "channel", "status")
        ):
            latest.setdefault((pid, channel), status)
    return latest
