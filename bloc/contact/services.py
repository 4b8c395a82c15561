"""The only write path for voter contact: campaigns, scripts, lists, batches, texts, calls, doors
and results. Keyword-only, the acting user as `actor=`, one transaction, one audit event.

Safety rules (docs/decisions/0901-voter-contact.md):
- a contact is assigned to one volunteer at a time: claims take rows with
  `SELECT … FOR UPDATE SKIP LOCKED` and update only rows still unassigned;
- a text is sent while its contact row is locked, after reading opt-outs *now*; a STOP locks
  every contact row with that number first, so a send either finished before the STOP or sees it;
- the initial text of a contact has a unique key: it is never sent twice.
"""

import csv
import io
import re
import string
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bloc.accounts.models import Role
from bloc.accounts.services import grant_role
from bloc.comms import quiet_hours
from bloc.comms import selectors as comms_selectors
from bloc.comms import services as comms_services
from bloc.comms.backends import backend_for
from bloc.comms.backends.base import Outcome, OutgoingMessage
from bloc.comms.models import LegalEntity, SavedAudience
from bloc.contact import audit, permissions
from bloc.contact.models import (
    Answer,
    Attempt,
    Batch,
    Campaign,
    CannedResponse,
    Contact,
    ContactList,
    Message,
    OptOut,
    Question,
    SurveyResponse,
    Turf,
    Voter,
)
from bloc.core import geo
from bloc.people import services as people_services
from bloc.people.models import Channel, Chapter, ConsentEvent, Person, PersonPhone
from bloc.people.normalize import normalize_phone

MERGE_FIELDS = ("first_name", "last_name", "volunteer_name", "campaign")
_MERGE = re.compile(r"\{(\w*)\}")
Status = Contact.Status
# Statuses in which a contact's conversation belongs to its volunteer.
TALKING = (Status.CONTACTED, Status.NEEDS_REPLY, Status.CONVERSING)


class NotAllowed(PermissionDenied):
    pass


def _require(allowed: bool, message: str = "Not allowed.") -> None:
    if not allowed:
        raise NotAllowed(message)


# --- Campaigns and scripts ------------------------------------------------------------------


def check_merge_fields(text: str) -> None:
    unknown = sorted({name for name in _MERGE.findall(text) if name not in MERGE_FIELDS})
    if unknown:
        raise ValidationError(
            f"Unknown merge fields: {', '.join('{' + n + '}' for n in unknown)}. "
            f"Use {', '.join('{' + n + '}' for n in MERGE_FIELDS)}."
        )


def render(text: str, *, contact: Contact, volunteer: Any) -> str:
    values = {
        "first_name": contact.first_name or "there",
        "last_name": contact.last_name,
        "volunteer_name": (getattr(volunteer, "display_name", "") or "a volunteer").split()[0],
        "campaign": contact.campaign.name,
    }
    return _MERGE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def create_campaign(
    *,
    actor: Any,
    name: str,
    channel: str,
    legal_entity: LegalEntity,
    opening: str,
    subject_type: str = Campaign.Subject.CHAPTER,
    subject_id: str = "",
    subject_label: str = "",
    chapter: Chapter | None = None,
    batch_size: int = 50,
    batch_minutes: int = 60,
) -> Campaign:
    _require(permissions.can_run(actor, chapter.pk if chapter else None))
    check_merge_fields(opening)
    if channel == Campaign.Channel.TEXT and len(opening) > 480:
        raise ValidationError("An initial text is at most 480 characters.")
    if subject_type == Campaign.Subject.CHAPTER and chapter is None:
        raise ValidationError("A chapter drive needs its chapter.")
    if not 1 <= batch_size <= 500:
        raise ValidationError("A batch is between 1 and 500 contacts.")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name,
            channel=Campaign.Channel(channel),
            subject_type=Campaign.Subject(subject_type),
            subject_id=str(subject_id),
            subject_label=subject_label,
            chapter=chapter,
            legal_entity=legal_entity,
            opening=opening,
            batch_size=batch_size,
            batch_minutes=batch_minutes,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.event("campaign_created", actor=actor, campaign=campaign)
    return campaign


def set_status(*, actor: Any, campaign: Campaign, status: str) -> Campaign:
    _require(permissions.can_run(actor, campaign.chapter_id))
    with transaction.atomic():
        campaign.status = Campaign.Status(status)
        campaign.save(update_fields=["status", "updated_at"])
        audit.event("campaign_status", actor=actor, campaign=campaign, status=campaign.status)
    return campaign


def add_question(
    *,
    actor: Any,
    campaign: Campaign,
    text: str,
    answers: Iterable[dict[str, Any]],
    parent_answer: Answer | None = None,
    order: int = 0,
) -> Question:
    """A question and its answers: dicts of label, and optionally reply, ladder_stage,
    makes_supporter."""
    _require(permissions.can_run(actor, campaign.chapter_id))
    if parent_answer is not None and parent_answer.question.campaign_id != campaign.pk:
        raise ValidationError("The parent answer belongs to another campaign.")
    answers = list(answers)
    if not answers:
        raise ValidationError("A question needs answers.")
    with transaction.atomic():
        question = Question.objects.create(
            campaign=campaign, text=text, order=order, parent_answer=parent_answer
        )
        for index, spec in enumerate(answers):
            check_merge_fields(spec.get("reply", ""))
            Answer.objects.create(
                question=question,
                label=spec["label"],
                order=index,
                reply=spec.get("reply", ""),
                ladder_stage=spec.get("ladder_stage", ""),
                makes_supporter=bool(spec.get("makes_supporter", False)),
            )
        audit.event("question_added", actor=actor, campaign=campaign, target=question)
    return question


def add_canned_response(*, actor: Any, campaign: Campaign, title: str, body: str) -> CannedResponse:
    _require(permissions.can_run(actor, campaign.chapter_id))
    check_merge_fields(body)
    with transaction.atomic():
        canned = CannedResponse.objects.create(campaign=campaign, title=title, body=body)
        audit.event("canned_added", actor=actor, campaign=campaign, target=canned)
    return canned


def add_volunteer(*, actor: Any, campaign: Campaign, user: Any) -> None:
    """Whoever runs the campaign recruits its volunteers (the role is scoped to the campaign)."""
    _require(permissions.can_run(actor, campaign.chapter_id))
    with transaction.atomic():
        grant_role(actor=None, user=user, role=Role.CONTACT_VOLUNTEER, scope_id=campaign.pk)
        audit.event("volunteer_added", actor=actor, campaign=campaign, user_id=user.pk)


# --- Contact lists --------------------------------------------------------------------------


def _time_zone(zip_code: str) -> str:
    zone = quiet_hours.zone_for(zip_code)
    return zone.key if zone is not None else ""


def _latest_sms_opt_outs(person_ids: list[int]) -> set[int]:
    latest: dict[int, str] = {}
    rows = ConsentEvent.objects.filter(person_id__in=person_ids, channel=Channel.SMS).order_by(
        "person_id", "-recorded_at", "-id"
    )
    for person_id, status in rows.values_list("person_id", "status"):
        latest.setdefault(person_id, status)
    return {pid for pid, status in latest.items() if status == ConsentEvent.Status.OPTED_OUT}


def list_from_audience(
    *, actor: Any, campaign: Campaign, audience: SavedAudience, name: str = ""
) -> ContactList:
    """People of a saved audience, as the actor may see them, with a phone for texts and calls.
    People who opted out of texts are left out; nobody is added twice to a campaign."""
    _require(permissions.can_run(actor, campaign.chapter_id))
    firewall = comms_services.firewall_problem(audience, campaign.legal_entity)
    if firewall:
        raise ValidationError(firewall)
    people = comms_selectors.audience_people(audience, actor)
    if campaign.chapter_id:
        people = people.filter(chapter_id=campaign.chapter_id)
    rows = list(people.values("pk", "first_name", "last_name", "phone", "zip_code"))
    skipped: Counter[str] = Counter()
    opted_out = _latest_sms_opt_outs([row["pk"] for row in rows])
    opted_out_numbers = set(OptOut.objects.values_list("phone", flat=True))
    with transaction.atomic():
        contact_list = ContactList.objects.create(
            campaign=campaign,
            name=name or audience.name,
            source=ContactList.Source.AUDIENCE,
            audience_id=audience.pk,
            rows_read=len(rows),
            created_by=actor,
        )
        taken = _taken(campaign)
        new = []
        for row in rows:
            phone = row["phone"]
            if campaign.channel != Campaign.Channel.DOOR and not phone:
                skipped["no_phone"] += 1
            elif row["pk"] in opted_out or phone in opted_out_numbers:
                skipped["opted_out"] += 1
            elif (phone and phone in taken[0]) or row["pk"] in taken[1]:
                skipped["already_in_campaign"] += 1
            else:
                taken[0].add(phone)
                taken[1].add(row["pk"])
                new.append(
                    Contact(
                        campaign=campaign,
                        contact_list=contact_list,
                        person_id=row["pk"],
                        first_name=row["first_name"],
                        last_name=row["last_name"],
                        phone=phone,
                        zip_code=row["zip_code"],
                        time_zone=_time_zone(row["zip_code"]),
                    )
                )
        Contact.objects.bulk_create(new, batch_size=1000)
        contact_list.added = len(new)
        contact_list.skipped = dict(skipped)
        contact_list.save(update_fields=["added", "skipped"])
        audit.event(
            "list_added",
            actor=actor,
            campaign=campaign,
            target=contact_list,
            source="audience",
            added=len(new),
            skipped=dict(skipped),
        )
    return contact_list


def _taken(campaign: Campaign) -> tuple[set[str], set[int]]:
    phones, people = set(), set()
    for phone, person_id in Contact.objects.filter(campaign=campaign).values_list(
        "phone", "person_id"
    ):
        if phone:
            phones.add(phone)
        if person_id:
            people.add(person_id)
    return phones, people


#: Fields a voter-file column can map to.
VOTER_FIELDS = (
    "state_voter_id",
    "first_name",
    "last_name",
    "phone",
    "address",
    "house_number",
    "street",
    "unit",
    "city",
    "state",
    "zip_code",
    "precinct",
    "district",
)
_HOUSE = re.compile(r"^\s*(\d+)\s*([A-Za-z]?(?:-\d+)?|1/2)?\s+(.+?)\s*$")
MAX_VOTER_ROWS = 200_000


def split_address(address: str) -> tuple[str, str]:
    """ "1412B Maple Ave" -> ("1412B", "Maple Ave"); an address without a number is all street."""
    match = _HOUSE.match(address or "")
    if not match:
        return "", (address or "").strip()
    return (match.group(1) + (match.group(2) or "")).strip(), match.group(3)


def _house_value(house_number: str) -> int | None:
    digits = re.match(r"\d+", house_number or "")
    return int(digits.group(0)) if digits else None


def import_voter_file(
    *,
    actor: Any,
    campaign: Campaign,
    file: Any,
    mapping: dict[str, str],
    name: str = "",
    file_name: str = "",
) -> ContactList:
    """A state voter-file CSV: `mapping` names, for each voter field, the CSV column it is read
    from. Voters are kept as voters (not people); a voter whose phone is a person's is linked to
    that person, so answers land on the person. Rows without a usable phone (texts and calls) or
    address (doors), and numbers already in the campaign or opted out, are skipped and counted."""
    _require(permissions.can_run(actor, campaign.chapter_id))
    unknown = set(mapping) - set(VOTER_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown voter fields: {', '.join(sorted(unknown))}.")
    mapping = {field: column for field, column in mapping.items() if column}
    if campaign.channel != Campaign.Channel.DOOR and "phone" not in mapping:
        raise ValidationError("Map a column to the phone number.")
    if campaign.channel == Campaign.Channel.DOOR and not (
        "address" in mapping or "street" in mapping
    ):
        raise ValidationError("Map a column to the street address.")
    text = file.read()
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    missing = sorted(set(mapping.values()) - set(reader.fieldnames or []))
    if missing:
        raise ValidationError(f"Columns not in the file: {', '.join(missing)}.")
    skipped: Counter[str] = Counter()
    voters: list[Voter] = []
    seen_phones: set[str] = set()
    taken_phones, _ = _taken(campaign)
    opted_out = set(OptOut.objects.values_list("phone", flat=True))
    for count, row in enumerate(reader, start=1):
        if count > MAX_VOTER_ROWS:
            raise ValidationError(f"At most {MAX_VOTER_ROWS} rows per file.")
        value = {field: (row.get(column) or "").strip() for field, column in mapping.items()}
        try:
            phone = normalize_phone(value.get("phone", ""))
        except ValidationError:
            phone = ""
        house, street = value.get("house_number", ""), value.get("street", "")
        if value.get("address") and not street:
            house, street = split_address(value["address"])
        if campaign.channel != Campaign.Channel.DOOR:
            if not phone:
                skipped["no_valid_phone"] += 1
                continue
            if phone in seen_phones or phone in taken_phones:
                skipped["already_in_campaign"] += 1
                continue
            if phone in opted_out:
                skipped["opted_out"] += 1
                continue
        elif not street:
            skipped["no_address"] += 1
            continue
        if phone:
            seen_phones.add(phone)
        voters.append(
            Voter(
                state_voter_id=value.get("state_voter_id", "")[:40],
                first_name=value.get("first_name", "")[:100],
                last_name=value.get("last_name", "")[:100],
                phone=phone,
                house_number=house[:20],
                house_number_value=_house_value(house),
                street=street[:120],
                unit=value.get("unit", "")[:20],
                city=value.get("city", "")[:100],
                state=value.get("state", "")[:2].upper(),
                zip_code=geo.normalize_zip(value.get("zip_code", "")),
                precinct=value.get("precinct", "")[:40],
                district=value.get("district", "")[:40],
            )
        )
    people_by_phone = dict(
        PersonPhone.objects.filter(number__in=[v.phone for v in voters if v.phone]).values_list(
            "number", "person_id"
        )
    )
    blocked_people = _latest_sms_opt_outs(list(set(people_by_phone.values())))
    with transaction.atomic():
        contact_list = ContactList.objects.create(
            campaign=campaign,
            name=name or file_name or "Voter file",
            source=ContactList.Source.VOTER_FILE,
            file_name=file_name[:200],
            created_by=actor,
        )
        kept = []
        for voter in voters:
            voter.source_list = contact_list
            voter.person_id = people_by_phone.get(voter.phone)
            if voter.person_id in blocked_people and campaign.channel == Campaign.Channel.TEXT:
                skipped["opted_out"] += 1
                continue
            kept.append(voter)
        Voter.objects.bulk_create(kept, batch_size=1000)
        Contact.objects.bulk_create(
            [
                Contact(
                    campaign=campaign,
                    contact_list=contact_list,
                    voter=voter,
                    person_id=voter.person_id,
                    first_name=voter.first_name,
                    last_name=voter.last_name,
                    phone=voter.phone,
                    zip_code=voter.zip_code,
                    time_zone=_time_zone(voter.zip_code),
                )
                for voter in kept
            ],
            batch_size=1000,
        )
        contact_list.rows_read = sum(skipped.values()) + len(kept)
        contact_list.added = len(kept)
        contact_list.skipped = dict(skipped)
        contact_list.save(update_fields=["rows_read", "added", "skipped"])
        audit.event(
            "list_added",
            actor=actor,
            campaign=campaign,
            target=contact_list,
            source="voter_file",
            added=len(kept),
            matched_people=sum(1 for v in kept if v.person_id),
            skipped=dict(skipped),
        )
    return contact_list


# --- Opt-outs -------------------------------------------------------------------------------


def is_opted_out(phone: str, person_id: int | None) -> bool:
    """Read now, under the caller's locks: the number's opt-out, or the person's (by the contact's
    link or by the number) latest text consent being an opt-out."""
    if phone and OptOut.objects.filter(phone=phone).exists():
        return True
    ids = set()
    if person_id:
        ids.add(person_id)
    if phone:
        ids.update(PersonPhone.objects.filter(number=phone).values_list("person_id", flat=True))
    return bool(ids and _latest_sms_opt_outs(list(ids)))


def _lock_number(phone: str) -> list[Contact]:
    """Lock every contact row of a number, in id order (the lock every send holds)."""
    return list(Contact.objects.select_for_update().filter(phone=phone).order_by("id"))


def opt_out_number(*, actor: Any, phone: str, source: str, campaign: Campaign | None = None) -> int:
    """Stop every campaign's texts to this number now; a person with it is opted out
    everywhere. Returns the number of contacts closed. Idempotent."""
    with transaction.atomic():
        contacts = _lock_number(phone)
        OptOut.objects.get_or_create(
            phone=phone,
            defaults={
                "source": source[:40],
                "campaign": campaign,
                "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        person_ids = {c.person_id for c in contacts if c.person_id}
        person_ids.update(
            PersonPhone.objects.filter(number=phone).values_list("person_id", flat=True)
        )
        for person in Person.objects.select_for_update().filter(pk__in=person_ids).order_by("pk"):
            people_services.opt_out_everywhere(
                actor=actor, person=person, source=f"voter contact: {source}"[:120]
            )
        closed = Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(
            status=Status.OPTED_OUT
        )
        audit.event(
            "opted_out",
            actor=actor,
            campaign=campaign,
            target=campaign,
            source=source[:40],
            contacts=closed,
            people=len(person_ids),
        )
    return closed


def opt_out_contact(*, actor: Any, contact: Contact) -> int:
    """The volunteer (or staff) records an opt-out said in words."""
    _may_handle(actor, contact)
    if not contact.phone:
        with transaction.atomic():
            Contact.objects.filter(pk=contact.pk).update(status=Status.OPTED_OUT)
            if contact.person_id:
                person = Person.objects.select_for_update().get(pk=contact.person_id)
                people_services.opt_out_everywhere(
                    actor=actor, person=person, source="voter contact: manual"
                )
            audit.event("opted_out", actor=actor, campaign=contact.campaign, target=contact)
        return 1
    return opt_out_number(
        actor=actor, phone=contact.phone, source="manual", campaign=contact.campaign
    )


# --- Batches --------------------------------------------------------------------------------


def _zone_open(zone_name: str, now: datetime) -> bool:
    """The quiet-hours rule of `bloc.comms.quiet_hours`, per stored time zone ("" = unknown)."""
    if not zone_name:
        return quiet_hours.may_text_now("", now)
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        return quiet_hours.may_text_now("", now)
    return quiet_hours.OPENS <= now.astimezone(zone).time() < quiet_hours.CLOSES


def open_zones(campaign: Campaign, now: datetime) -> list[str]:
    """The time zones of the campaign's waiting contacts where texting is allowed now."""
    zones = (
        Contact.objects.filter(campaign=campaign, status=Status.NEW)
        .values_list("time_zone", flat=True)
        .distinct()
    )
    return [zone for zone in zones if _zone_open(zone, now)]


def _claim(
    campaign: Campaign, volunteer: Any, limit: int, now: datetime, batch: Batch
) -> list[int]:
    """Take up to `limit` waiting contacts for `volunteer`. Rows another claimer holds are
    skipped (PostgreSQL), and only rows still waiting are updated, so no contact goes to two
    volunteers whatever the database."""
    pool = Contact.objects.filter(campaign=campaign, status=Status.NEW).exclude(
        phone__in=OptOut.objects.values("phone")
    )
    if campaign.channel == Campaign.Channel.TEXT:
        pool = pool.filter(time_zone__in=open_zones(campaign, now))
    ids = list(
        pool.select_for_update(skip_locked=True).order_by("id").values_list("id", flat=True)[:limit]
    )
    if not ids:
        return []
    Contact.objects.filter(id__in=ids, status=Status.NEW).update(
        status=Status.ASSIGNED, volunteer=volunteer, batch=batch, assigned_at=now
    )
    return list(
        Contact.objects.filter(id__in=ids, batch=batch, volunteer=volunteer).values_list(
            "id", flat=True
        )
    )


def request_batch(*, actor: Any, campaign: Campaign, now: datetime | None = None) -> Batch | None:
    """A batch of contacts for the volunteer, or None when nobody is waiting (or every waiting
    contact is in quiet hours). A volunteer with unsent contacts keeps their batch."""
    _require(permissions.can_volunteer(actor, campaign))
    if campaign.status != Campaign.Status.ACTIVE:
        raise ValidationError("This campaign is not active.")
    now = now or timezone.now()
    with transaction.atomic():
        current = (
            Batch.objects.filter(
                campaign=campaign,
                volunteer=actor,
                expires_at__gt=now,
                contacts__status=Status.ASSIGNED,
            )
            .order_by("-requested_at")
            .first()
        )
        if current is not None:
            return current
        batch = Batch.objects.create(
            campaign=campaign,
            volunteer=actor,
            requested_at=now,
            expires_at=now + timedelta(minutes=campaign.batch_minutes),
        )
        ids = _claim(campaign, actor, campaign.batch_size, now, batch)
        if not ids:
            transaction.set_rollback(True)
            return None
        batch.size = len(ids)
        batch.save(update_fields=["size"])
        audit.event("batch_taken", actor=actor, campaign=campaign, target=batch, size=len(ids))
    return batch


def release_expired_batches(*, now: datetime | None = None) -> int:
    """Unsent contacts of expired batches go back to the pool. Conversations stay."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = list(
            Batch.objects.filter(expires_at__lte=now, contacts__status=Status.ASSIGNED)
            .values_list("id", flat=True)
            .distinct()
        )
        if not expired:
            return 0
        # Status is a column of the updated rows: a send holding a row's lock is waited for, and
        # the row is released only if it is still unsent.
        released = Contact.objects.filter(batch_id__in=expired, status=Status.ASSIGNED).update(
            status=Status.NEW, volunteer=None, batch=None, assigned_at=None
        )
        audit.event(
            "batches_released", actor=None, campaign=None, batches=len(expired), contacts=released
        )
    return released


def reassign(*, actor: Any, contact: Contact, volunteer: Any) -> Contact:
    """Staff hand a conversation (or an unsent contact) to another of the campaign's volunteers."""
    campaign = contact.campaign
    _require(permissions.can_run(actor, campaign.chapter_id))
    if not permissions.can_volunteer(volunteer, campaign):
        raise ValidationError("That person is not a volunteer of this campaign.")
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        locked.volunteer = volunteer
        if locked.status == Status.NEW:
            locked.status = Status.ASSIGNED
            locked.assigned_at = timezone.now()
        locked.save(update_fields=["volunteer", "status", "assigned_at"])
        audit.event(
            "reassigned", actor=actor, campaign=campaign, target=locked, volunteer_id=volunteer.pk
        )
    return locked


# --- Texts ----------------------------------------------------------------------------------


def _may_handle(actor: Any, contact: Contact) -> None:
    """The assigned volunteer, or whoever runs the campaign."""
    campaign = contact.campaign
    mine = contact.volunteer_id == getattr(actor, "pk", None) and permissions.can_volunteer(
        actor, campaign
    )
    _require(mine or permissions.can_run(actor, campaign.chapter_id))


def _deliver(contact: Contact, *, key: str, body: str, actor: Any) -> Message:
    """Hand one text to the SMS provider while the contact row is locked (the caller's
    transaction). A provider that certainly did not take it (TEMPORARY) leaves no row, so the
    click can be repeated; an unknown outcome is recorded and never re-sent."""
    message = Message.objects.create(
        contact=contact,
        direction=Message.Direction.OUT,
        body=body,
        volunteer=actor,
        status=Message.Status.UNKNOWN,
        key=key,
    )
    [result] = backend_for("sms").send([OutgoingMessage(key=key, to=contact.phone, body=body)])
    if result.outcome == Outcome.TEMPORARY:
        message.delete()
        raise ValidationError("The text provider is busy; nothing was sent. Try again.")
    message.status = {
        Outcome.ACCEPTED: Message.Status.SENT,
        Outcome.PERMANENT: Message.Status.FAILED,
    }.get(result.outcome, Message.Status.UNKNOWN)
    message.provider_message_id = result.provider_id[:64]
    message.detail = result.detail[:40]
    message.save(update_fields=["status", "provider_message_id", "detail"])
    return message


def _lock_for_send(actor: Any, contact: Contact) -> Contact:
    locked = (
        Contact.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=contact.pk)
    )
    _may_handle(actor, locked)
    if locked.person_id:  # the lock comms takes for unsubscribes and STOP
        Person.objects.select_for_update().filter(pk=locked.person_id).first()
    return locked


def send_initial(*, actor: Any, contact: Contact, now: datetime | None = None) -> Message | None:
    """One deliberate click, one text: the campaign's opening with merge fields, to one contact
    assigned to the actor. Refused in the contact's quiet hours; an opted-out contact is closed
    instead (returns None)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_for_send(actor, contact)
        campaign = locked.campaign
        if campaign.channel != Campaign.Channel.TEXT or campaign.status != Campaign.Status.ACTIVE:
            raise ValidationError("This campaign is not texting now.")
        if locked.status == Status.OPTED_OUT or is_opted_out(locked.phone, locked.person_id):
            locked.status = Status.OPTED_OUT
            locked.save(update_fields=["status"])
            return None
        if locked.status != Status.ASSIGNED or locked.volunteer_id != actor.pk:
            raise ValidationError("This contact is no longer in your batch.")
        if not quiet_hours.may_text_now(locked.zip_code, now):
            raise ValidationError("It is outside 9:00–21:00 where this contact lives.")
        body = render(campaign.opening, contact=locked, volunteer=actor)
        try:
            with transaction.atomic():
                message = _deliver(
                    locked, key=f"bloc-contact-{locked.pk}-initial", body=body, actor=actor
                )
        except IntegrityError:
            raise ValidationError("This contact has had the initial text already.") from None
        locked.status = (
            Status.CONTACTED if message.status == Message.Status.SENT else Status.SKIPPED
        )
        locked.contacted_at = locked.last_message_at = now
        locked.save(update_fields=["status", "contacted_at", "last_message_at"])
        audit.event(
            "text_sent",
            actor=actor,
            campaign=campaign,
            target=message,
            initial=True,
            status=message.status,
        )
    return message


def send_reply(*, actor: Any, contact: Contact, body: str) -> Message | None:
    """A reply in a conversation the contact started by answering (no quiet hours: they wrote)."""
    body = body.strip()
    if not body:
        raise ValidationError("Write a reply.")
    if len(body) > 480:
        raise ValidationError("A text is at most 480 characters.")
    check_merge_fields(body)
    with transaction.atomic():
        locked = _lock_for_send(actor, contact)
        if locked.status == Status.OPTED_OUT or is_opted_out(locked.phone, locked.person_id):
            locked.status = Status.OPTED_OUT
            locked.save(update_fields=["status"])
            return None
        if locked.status not in TALKING:
            raise ValidationError("There is no open conversation with this contact.")
        body = render(body, contact=locked, volunteer=actor)
        key = f"bloc-contact-{locked.pk}-r{Message.objects.filter(contact=locked).count()}"
        message = _deliver(locked, key=key, body=body, actor=actor)
        locked.status = Status.CONVERSING
        locked.last_message_at = message.created_at
        locked.save(update_fields=["status", "last_message_at"])
        audit.event(
            "text_sent",
            actor=actor,
            campaign=locked.campaign,
            target=message,
            initial=False,
            status=message.status,
        )
    return message


def _keyword(body: str) -> str:
    return body.strip().strip(string.punctuation + " ").upper()


def receive_reply(*, from_number: str, body: str, message_id: str) -> Message | None:
    """An inbound text on the textbank number. STOP (and its variants) opts the number out of
    every campaign in this request; other replies join the conversation of the latest contact
    texted from that number. Provider retries of one message are recorded once."""
    try:
        phone = normalize_phone(from_number)
    except ValidationError:
        # The provider sends E.164; a number the parser does not know is still that sender.
        phone = from_number.strip()[:20]
    if not phone:
        return None
    key = f"in-{message_id[:60]}"
    with transaction.atomic():
        contacts = _lock_number(phone)
        existing = Message.objects.filter(key=key).first()
        if existing is not None:
            return existing
        talked = [c for c in contacts if c.last_message_at is not None]
        contact = max(talked, key=lambda c: (c.last_message_at, c.pk)) if talked else None
        keyword = _keyword(body)
        message = None
        if contact is not None:
            message = Message.objects.create(
                contact=contact,
                direction=Message.Direction.IN,
                body=body[:1600],
                status=Message.Status.RECEIVED,
                key=key,
                provider_message_id=message_id[:64],
            )
            if contact.status in TALKING:
                contact.status = Status.NEEDS_REPLY
            contact.last_message_at = message.created_at
            contact.save(update_fields=["status", "last_message_at"])
        if keyword in comms_services.STOP_WORDS:
            opt_out_number(
                actor=None,
                phone=phone,
                source=f"SMS {keyword}",
                campaign=contact.campaign if contact else None,
            )
        audit.event(
            "text_received",
            actor=None,
            campaign=contact.campaign if contact else None,
            target=message,
            matched=contact is not None,
            stop=keyword in comms_services.STOP_WORDS,
        )
    return message


def flag_message(*, actor: Any, message: Message) -> Message:
    """Staff (or the volunteer who received it) flag an abusive reply for review."""
    _may_handle(actor, message.contact)
    with transaction.atomic():
        message.flagged_at = timezone.now()
        message.flagged_by = actor
        message.save(update_fields=["flagged_at", "flagged_by"])
        audit.event("reply_flagged", actor=actor, campaign=message.contact.campaign, target=message)
    return message


def close_conversation(*, actor: Any, contact: Contact) -> Contact:
    _may_handle(actor, contact)
    with transaction.atomic():
        Contact.objects.filter(pk=contact.pk, status__in=TALKING).update(status=Status.CLOSED)
        audit.event("conversation_closed", actor=actor, campaign=contact.campaign, target=contact)
    contact.refresh_from_db()
    return contact


# --- Calls and doors ------------------------------------------------------------------------


def next_call(*, actor: Any, campaign: Campaign, now: datetime | None = None) -> Contact | None:
    """The caller's current contact, or the next one waiting (claimed like a batch of one)."""
    _require(permissions.can_volunteer(actor, campaign))
    if campaign.channel != Campaign.Channel.PHONE or campaign.status != Campaign.Status.ACTIVE:
        raise ValidationError("This campaign is not calling now.")
    now = now or timezone.now()
    current = Contact.objects.filter(
        campaign=campaign, volunteer=actor, status=Status.ASSIGNED
    ).first()
    if current is not None:
        return current
    with transaction.atomic():
        batch = Batch.objects.create(
            campaign=campaign,
            volunteer=actor,
            requested_at=now,
            expires_at=now + timedelta(minutes=campaign.batch_minutes),
            size=1,
        )
        ids = _claim(campaign, actor, 1, now, batch)
        if not ids:
            transaction.set_rollback(True)
            return None
    return Contact.objects.get(pk=ids[0])


def record_attempt(
    *, actor: Any, contact: Contact, disposition: str, now: datetime | None = None
) -> Attempt:
    """A call made or a door knocked. A wrong number is closed; a refusal closes the contact."""
    disposition = Attempt.Disposition(disposition)
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Contact.objects.select_for_update(of=("self",))
            .select_related("campaign")
            .get(pk=contact.pk)
        )
        campaign = locked.campaign
        if campaign.channel == Campaign.Channel.DOOR:
            _require(permissions.can_volunteer(actor, campaign))
        else:
            _may_handle(actor, locked)
        attempt = Attempt.objects.create(
            contact=locked,
            volunteer=actor,
            channel=campaign.channel,
            disposition=disposition,
            occurred_at=now,
        )
        closing = {Attempt.Disposition.WRONG_NUMBER, Attempt.Disposition.REFUSED}
        locked.disposition = disposition
        locked.contacted_at = now
        if locked.status != Status.OPTED_OUT:
            locked.status = Status.CLOSED if disposition in closing else Status.CONTACTED
        if campaign.channel == Campaign.Channel.DOOR and locked.volunteer_id is None:
            locked.volunteer = actor
        locked.save(update_fields=["disposition", "contacted_at", "status", "volunteer"])
        audit.event(
            "attempt_recorded",
            actor=actor,
            campaign=campaign,
            target=attempt,
            disposition=disposition,
        )
    return attempt


def create_turf(
    *,
    actor: Any,
    campaign: Campaign,
    name: str,
    zip_codes: Iterable[str] = (),
    precincts: Iterable[str] = (),
    volunteer: Any = None,
) -> Turf:
    _require(permissions.can_run(actor, campaign.chapter_id))
    zips = sorted({geo.normalize_zip(z) for z in zip_codes} - {""})
    precinct_list = sorted({p.strip() for p in precincts} - {""})
    if not zips and not precinct_list:
        raise ValidationError("A turf needs ZIP codes or precincts.")
    if volunteer is not None and not permissions.can_volunteer(volunteer, campaign):
        raise ValidationError("That person is not a volunteer of this campaign.")
    with transaction.atomic():
        turf = Turf.objects.create(
            campaign=campaign,
            name=name,
            zip_codes=zips,
            precincts=precinct_list,
            volunteer=volunteer,
        )
        audit.event("turf_created", actor=actor, campaign=campaign, target=turf)
    return turf


# --- Results --------------------------------------------------------------------------------


def record_answer(
    *, actor: Any, contact: Contact, answer: Answer, now: datetime | None = None
) -> SurveyResponse:
    """A survey answer, credited to the volunteer. A voter who gives a `makes_supporter` answer
    becomes a person (or is linked to the person with their number); a ladder step is recorded
    on the person the first time an answer gives it."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Contact.objects.select_for_update(of=("self",))
            .select_related("campaign")
            .get(pk=contact.pk)
        )
        campaign = locked.campaign
        if campaign.channel == Campaign.Channel.DOOR:
            _require(permissions.can_volunteer(actor, campaign))
        else:
            _may_handle(actor, locked)
        if answer.question.campaign_id != campaign.pk:
            raise ValidationError("That answer belongs to another campaign.")
        previous = SurveyResponse.objects.filter(contact=locked, question=answer.question).first()
        if previous is not None and previous.answer_id == answer.pk:
            return previous
        response, _ = SurveyResponse.objects.update_or_create(
            contact=locked,
            question=answer.question,
            defaults={
                "answer": answer,
                "volunteer": actor,
                "channel": campaign.channel,
                "recorded_at": now,
            },
        )
        if answer.makes_supporter and locked.person_id is None:
            locked.person = _supporter_from(locked, campaign)
            locked.save(update_fields=["person"])
            if locked.voter_id:
                Voter.objects.filter(pk=locked.voter_id).update(person=locked.person)
        if answer.ladder_stage and locked.person_id:
            people_services.record_ladder_step(
                person=Person.objects.get(pk=locked.person_id),
                stage=answer.ladder_stage,
                attribution_type="contact.response",
                attribution_id=str(response.pk),
                attribution_label=campaign.name,
                occurred_at=now,
            )
        audit.event(
            "answer_recorded",
            actor=actor,
            campaign=campaign,
            target=response,
            question_id=answer.question_id,
            answer_id=answer.pk,
        )
    return response


def _supporter_from(contact: Contact, campaign: Campaign) -> Person:
    """A voter said they support us: they become a person (no consent to bulk messages is
    implied). A person already known by the number is used instead."""
    source = f"voter contact: {campaign.name}"[:120]
    try:
        return people_services.create_person(
            actor=None,
            phone=contact.phone,
            zip_code=contact.zip_code,
            first_name=contact.first_name,
            last_name=contact.last_name,
            source=source,
        )
    except people_services.DuplicatePerson as exc:
        return exc.matches[0]


def results_rows(campaign: Campaign) -> Iterable[list[Any]]:
    """The export: one row per contact reached or attempted, answers by question."""
    questions = list(Question.objects.filter(campaign=campaign).order_by("order", "id"))
    yield [
        "contact_id",
        "state_voter_id",
        "first_name",
        "last_name",
        "phone",
        "zip_code",
        "precinct",
        "status",
        "disposition",
        "volunteer",
        "contacted_at",
        *[q.text for q in questions],
    ]
    answers: dict[tuple[int, int], str] = {
        (contact_id, question_id): label
        for contact_id, question_id, label in SurveyResponse.objects.filter(
            contact__campaign=campaign
        ).values_list("contact_id", "question_id", "answer__label")
    }
    contacts = (
        Contact.objects.filter(campaign=campaign)
        .exclude(status__in=[Status.NEW, Status.ASSIGNED])
        .select_related("voter", "volunteer")
        .order_by("id")
    )
    for c in contacts.iterator(chunk_size=2000):
        yield [
            c.pk,
            c.voter.state_voter_id if c.voter else "",
            c.first_name,
            c.last_name,
            c.phone,
            c.zip_code,
            c.voter.precinct if c.voter else "",
            c.status,
            c.disposition,
            (c.volunteer.display_name or c.volunteer.email) if c.volunteer else "",
            c.contacted_at.isoformat() if c.contacted_at else "",
            *[answers.get((c.pk, q.pk), "") for q in questions],
        ]


def record_export(*, actor: Any, campaign: Campaign, count: int) -> None:
    audit.event("results_exported", actor=actor, campaign=campaign, count=count)
