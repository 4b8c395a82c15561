"""The only write path for people, memberships, chapters, consent and the ladder."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from bloc.core import geo
from bloc.core.registry import identity_locks
from bloc.core.tasks import send_email_on_commit
from bloc.people import audit, permissions, selectors
from bloc.people.models import (
    LADDER_ORDER,
    Channel,
    Chapter,
    ChapterAssignment,
    ChapterZip,
    ConsentEvent,
    DuesPlan,
    IdentityReview,
    ImportJob,
    LadderEvent,
    LadderStage,
    Membership,
    MergeRecord,
    Person,
    PersonEmail,
    PersonPhone,
    TransferRequest,
)
from bloc.people.normalize import normalize_email, normalize_phone

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "pronouns",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "languages",
    "source",
)


class DuplicatePerson(ValidationError):
    def __init__(self, matches: list[Person]) -> None:
        super().__init__("Someone with this email address or phone number is already recorded.")
        self.matches = matches


# --- Chapters --------------------------------------------------------------------------------


def create_chapter(
    *,
    actor: Any,
    name: str,
    state: str = "",
    zip_codes: list[str] | None = None,
    parent: Chapter | None = None,
    status: str = Chapter.Status.ACTIVE,
) -> Chapter:
    if actor is not None and not permissions.can_manage_chapters(actor):
        raise PermissionDenied("Only a national admin can create chapters.")
    zips = sorted({z for z in (geo.normalize_zip(z) for z in zip_codes or []) if z})
    with transaction.atomic():
        taken = list(
            ChapterZip.objects.filter(zip_code__in=zips).values_list("zip_code", flat=True)
        )
        if taken:
            raise ValidationError(
                {
                    "zip_codes": "Already in another chapter's jurisdiction: "
                    + ", ".join(taken[:10])
                    + "."
                }
            )
        chapter = Chapter.objects.create(
            name=name, slug=slugify(name)[:120], state=state.upper(), parent=parent, status=status
        )
        ChapterZip.objects.bulk_create([ChapterZip(chapter=chapter, zip_code=z) for z in zips])
        audit.chapter_created(actor=actor, chapter=chapter, zips=len(zips))
    return chapter


# --- People ----------------------------------------------------------------------------------


def create_person(
    *,
    actor: Any,
    email: str = "",
    phone: str = "",
    zip_code: str = "",
    consents: dict[str, str] | None = None,
    consent_source: str = "",
    **fields: Any,
) -> Person:
    """Create a person after dedupe; raises DuplicatePerson when the email or phone is known."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {', '.join(sorted(unknown))}")
    email_key = normalize_email(email)
    phone_key = normalize_phone(phone)
    matches = selectors.find_matches(email=email_key, phone=phone_key)
    if matches:
        raise DuplicatePerson(matches)
    zip5 = geo.normalize_zip(zip_code)
    try:
        return _create_person(
            actor=actor,
            email_key=email_key,
            phone_key=phone_key,
            zip5=zip5,
            consents=consents,
            consent_source=consent_source,
            fields=fields,
        )
    except IntegrityError:
        # Someone else recorded the same email or phone a moment ago: the database decided.
        raise DuplicatePerson(selectors.find_matches(email=email_key, phone=phone_key)) from None


def _create_person(
    *,
    actor: Any,
    email_key: str,
    phone_key: str,
    zip5: str,
    consents: dict[str, str] | None,
    consent_source: str,
    fields: dict[str, Any],
) -> Person:
    with transaction.atomic():
        chapter = selectors.chapter_for_zip(zip5)
        person = Person.objects.create(
            email=email_key, phone=phone_key, zip_code=zip5, chapter=chapter, **fields
        )
        if email_key:
            PersonEmail.objects.create(
                person=person, address=email_key, normalized=email_key, is_primary=True
            )
        if phone_key:
            PersonPhone.objects.create(person=person, number=phone_key, is_primary=True)
        if chapter is not None:
            ChapterAssignment.objects.create(
                person=person, to_chapter=chapter, reason=ChapterAssignment.Reason.ZIP
            )
        for channel, status in (consents or {}).items():
            ConsentEvent.objects.create(
                person=person, channel=channel, status=status, source=consent_source or "created"
            )
        audit.person_created(actor=actor, person=person)
    return person


def update_person(*, actor: Any, person: Person, **changes: Any) -> Person:
    """Change a person's details; a new ZIP reassigns the chapter by jurisdiction, or asks the
    receiving chapter to approve the move when the editor cannot edit its people."""
    if actor is not None and not (
        permissions.can_edit_person_in(actor, person.chapter_id) or person.user_id == actor.pk
    ):
        raise PermissionDenied("You cannot edit this person.")
    allowed = set(PERSON_FIELDS) | {"email", "phone", "zip_code"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"Unknown person fields: {', '.join(sorted(unknown))}")
    changed: list[str] = []
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if "email" in changes:
            key = normalize_email(changes.pop("email"))
            if key != person.email:
                _refuse_if_locked(person, actor=actor)
                _set_primary_email(person, key)
                changed.append("email")
        if "phone" in changes:
            key = normalize_phone(changes.pop("phone"))
            if key != person.phone:
                _refuse_if_locked(person, actor=actor)
                _set_primary_phone(person, key)
                changed.append("phone")
        if "zip_code" in changes:
            zip5 = geo.normalize_zip(changes.pop("zip_code"))
            if zip5 != person.zip_code:
                person.zip_code = zip5
                changed.append("zip_code")
                new_chapter = selectors.chapter_for_zip(zip5)
                if new_chapter != person.chapter:
                    _move_for_zip(person, new_chapter, actor)
        for field, value in changes.items():
            if getattr(person, field) != value:
                setattr(person, field, value)
                changed.append(field)
        if changed:
            person.save()
            audit.person_updated(actor=actor, person=person, fields=changed)
    return person


def _move_for_zip(person: Person, chapter: Chapter | None, actor: Any) -> None:
    """A new ZIP moves the person to the chapter whose area it is in, when the one editing may
    edit that chapter's people (or is the person). Otherwise an organizer could move members
    into another chapter unasked: the move becomes a transfer request for the receiving
    chapter to approve."""
    own_edit = actor is None or person.user_id == getattr(actor, "pk", None)
    if chapter is None or own_edit or permissions.can_edit_person_in(actor, chapter.pk):
        _move(person, chapter, ChapterAssignment.Reason.ZIP, actor)
        return
    _refuse_if_locked(person, actor=actor)
    TransferRequest.objects.filter(person=person, status=TransferRequest.Status.PENDING).update(
        status=TransferRequest.Status.DECLINED, decided_at=timezone.now()
    )
    transfer = TransferRequest.objects.create(
        person=person,
        to_chapter=chapter,
        reason="The ZIP code was changed to one in this chapter's area by another chapter.",
    )
    audit.transfer_requested(actor=actor, transfer=transfer)


def _set_primary_email(person: Person, key: str) -> None:
    if key:
        others = selectors.find_matches(email=key)
        if any(other.pk != person.pk for other in others):
            raise DuplicatePerson([o for o in others if o.pk != person.pk])
    PersonEmail.objects.filter(person=person).update(is_primary=False)
    if key:
        PersonEmail.objects.update_or_create(
            normalized=key, defaults={"person": person, "address": key, "is_primary": True}
        )
    person.email = key


def _set_primary_phone(person: Person, key: str) -> None:
    if key:
        others = selectors.find_matches(phone=key)
        if any(other.pk != person.pk for other in others):
            raise DuplicatePerson([o for o in others if o.pk != person.pk])
    PersonPhone.objects.filter(person=person).update(is_primary=False)
    if key:
        PersonPhone.objects.update_or_create(
            number=key, defaults={"person": person, "is_primary": True}
        )
    person.phone = key


def identity_locked(*people: Person | int, actor: Any = None) -> str:
    """Why these people's voting identity cannot change now ("" when it can): merges, email
    and phone changes, chapter moves and login links are refused while any of them is on a live
    voter roll (the checks are registered by the apps that freeze identities)."""
    ids = [p if isinstance(p, int) else p.pk for p in people]
    for _name, check in identity_locks:
        reason = check(ids, actor)
        if reason:
            return reason
    return ""


def _refuse_if_locked(*people: Person | int, actor: Any = None) -> None:
    reason = identity_locked(*people, actor=actor)
    if reason:
        raise ValidationError(reason)


def _move(person: Person, chapter: Chapter | None, reason: str, actor: Any) -> None:
    _refuse_if_locked(person, actor=actor)
    from_id = person.chapter_id
    person.chapter = chapter
    person.save(update_fields=["chapter", "updated_at"])
    ChapterAssignment.objects.create(
        person=person,
        from_chapter_id=from_id,
        to_chapter=chapter,
        reason=reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.chapter_changed(actor=actor, person=person, from_id=from_id, reason=reason)


def move_person(*, actor: Any, person: Person, chapter: Chapter | None) -> Person:
    """An admin moves someone (at-large when chapter is None)."""
    if actor is not None and not permissions.can_manage_chapters(actor):
        raise PermissionDenied("Only a national admin can move people between chapters directly.")
    with transaction.atomic():
        _move(person, chapter, ChapterAssignment.Reason.ADMIN, actor)
    return person


def request_transfer(
    *, actor: Any, person: Person, to_chapter: Chapter, reason: str = ""
) -> TransferRequest:
    if actor is not None and person.user_id != getattr(actor, "pk", None):
        raise PermissionDenied("Members ask to move themselves.")
    if to_chapter.pk == person.chapter_id:
        raise ValidationError({"to_chapter": "You are already in this chapter."})
    if to_chapter.status == Chapter.Status.INACTIVE:
        raise ValidationError({"to_chapter": "This chapter is inactive."})
    try:
        with transaction.atomic():
            transfer = TransferRequest.objects.create(
                person=person, to_chapter=to_chapter, reason=reason[:2000]
            )
            audit.transfer_requested(actor=actor, transfer=transfer)
    except IntegrityError:
        raise ValidationError("You already have a pending request to move.") from None
    return transfer


def decide_transfer(*, actor: Any, transfer: TransferRequest, approve: bool) -> TransferRequest:
    """The receiving chapter's organizer (or a national admin) approves or declines."""
    if actor is not None and not permissions.can_edit_person_in(actor, transfer.to_chapter_id):
        raise PermissionDenied("Only the receiving chapter can decide a transfer.")
    with transaction.atomic():
        transfer = TransferRequest.objects.select_for_update().get(pk=transfer.pk)
        if transfer.status != TransferRequest.Status.PENDING:
            raise ValidationError("This request was already decided.")
        transfer.status = (
            TransferRequest.Status.APPROVED if approve else TransferRequest.Status.DECLINED
        )
        transfer.decided_at = timezone.now()
        transfer.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        transfer.save()
        if approve:
            _move(transfer.person, transfer.to_chapter, ChapterAssignment.Reason.REQUEST, actor)
        audit.transfer_decided(actor=actor, transfer=transfer, approved=approve)
    return transfer


# --- Membership ------------------------------------------------------------------------------


def record_membership(
    *,
    actor: Any,
    person: Person,
    joined_on: date,
    dues_plan: str = DuesPlan.MONTHLY,
    paid_through_on: date | None = None,
    status: str = Membership.Status.ACTIVE,
) -> Membership:
    """Create or update a person's membership; joining puts a step on the ladder."""
    if actor is not None and not permissions.can_edit_person_in(actor, person.chapter_id):
        raise PermissionDenied("You cannot change this membership.")
    if paid_through_on and paid_through_on < joined_on:
        raise ValidationError(
            {"paid_through_on": "Dues cannot be paid through a date before joining."}
        )
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            person=person,
            defaults={
                "joined_on": joined_on,
                "dues_plan": dues_plan,
                "paid_through_on": paid_through_on,
                "status": status,
            },
        )
        changed = ["joined_on", "dues_plan", "paid_through_on", "status"] if created else []
        if not created:
            for field, value in (
                ("joined_on", joined_on),
                ("dues_plan", dues_plan),
                ("paid_through_on", paid_through_on),
                ("status", status),
            ):
                if getattr(membership, field) != value:
                    setattr(membership, field, value)
                    changed.append(field)
            if changed:
                membership.save()
        if created:
            LadderEvent.objects.create(
                person=person,
                stage=LadderStage.JOINED,
                chapter=person.chapter,
                attribution_type="membership",
                attribution_id=str(membership.pk),
            )
        if changed:
            audit.membership_recorded(actor=actor, membership=membership, fields=changed)
    return membership


# --- Consent and ladder ---------------------------------------------------------------------


def set_consent(
    *, actor: Any, person: Person, channel: Channel | str, opted_in: bool, source: str
) -> ConsentEvent:
    """Append to the consent ledger. An opt-out is in force for the very next send."""
    channel = Channel(channel)
    status = ConsentEvent.Status.OPTED_IN if opted_in else ConsentEvent.Status.OPTED_OUT
    with transaction.atomic():
        event = ConsentEvent.objects.create(
            person=person, channel=channel, status=status, source=source[:120]
        )
        audit.consent_changed(
            actor=actor, person=person, channel=channel, status=status, source=source[:120]
        )
    return event


def opt_out_everywhere(*, actor: Any, person: Person, source: str) -> None:
    """STOP and unsubscribe apply everywhere at once (DOMAIN.md)."""
    with transaction.atomic():
        for channel in Channel:
            set_consent(actor=actor, person=person, channel=channel, opted_in=False, source=source)


def record_ladder_step(
    *,
    person: Person,
    stage: LadderStage | str,
    chapter: Chapter | None = None,
    attribution_type: str = "",
    attribution_id: str = "",
    attribution_label: str = "",
    occurred_at: Any = None,
) -> LadderEvent:
    stage = LadderStage(stage)
    if stage not in LADDER_ORDER:
        raise ValidationError("Unknown ladder stage.")
    return LadderEvent.objects.create(
        person=person,
        stage=stage,
        chapter=chapter if chapter is not None else person.chapter,
        attribution_type=attribution_type[:40],
        attribution_id=str(attribution_id)[:64],
        attribution_label=attribution_label[:200],
        occurred_at=occurred_at or timezone.now(),
    )


# --- Merge -----------------------------------------------------------------------------------


def merge_people(*, actor: Any, survivor: Person, merged: Person) -> MergeRecord:
    """Fold `merged` into `survivor`. Nothing is lost: histories move to the survivor, and the
    merged record stays as a tombstone (`merged_into`) with its own fields untouched."""
    if survivor.pk == merged.pk:
        raise ValidationError("Choose two different people to merge.")
    if actor is not None and not (
        permissions.can_edit_person_in(actor, survivor.chapter_id)
        and permissions.can_edit_person_in(actor, merged.chapter_id)
    ):
        raise PermissionDenied("You can only merge people in your own chapters.")
    with transaction.atomic():
        survivor = Person.objects.select_for_update().get(pk=survivor.pk)
        merged = Person.objects.select_for_update().get(pk=merged.pk)
        if survivor.merged_into_id or merged.merged_into_id:
            raise ValidationError("One of these records was already merged.")
        _refuse_if_locked(survivor, merged, actor=actor)
        consent_before = (selectors.current_consent(survivor), selectors.current_consent(merged))
        moved = {
            "emails": PersonEmail.objects.filter(person=merged).update(
                person=survivor, is_primary=False
            ),
            "phones": PersonPhone.objects.filter(person=merged).update(
                person=survivor, is_primary=False
            ),
            "consent_events": ConsentEvent.objects.filter(person=merged).update(person=survivor),
            "ladder_events": LadderEvent.objects.filter(person=merged).update(person=survivor),
            "chapter_history": ChapterAssignment.objects.filter(person=merged).update(
                person=survivor
            ),
            "transfer_requests": TransferRequest.objects.filter(person=merged)
            .exclude(status=TransferRequest.Status.PENDING)
            .update(person=survivor),
        }
        TransferRequest.objects.filter(person=merged, status=TransferRequest.Status.PENDING).update(
            status=TransferRequest.Status.DECLINED, decided_at=timezone.now()
        )
        filled = []
        for field in (*PERSON_FIELDS, "email", "phone", "zip_code"):
            if not getattr(survivor, field) and getattr(merged, field):
                setattr(survivor, field, getattr(merged, field))
                filled.append(field)
        if survivor.chapter_id is None and merged.chapter_id is not None:
            survivor.chapter_id = merged.chapter_id
        if survivor.user_id is None and merged.user_id is not None:
            survivor.user_id, merged.user_id = merged.user_id, None
            moved["account"] = 1
        moved["membership"] = _merge_membership(survivor, merged)
        moved["consent_kept_out"] = _keep_strictest_consent(survivor, *consent_before)
        merged.merged_into = survivor
        merged.save(update_fields=["merged_into", "user", "updated_at"])
        survivor.save()
        record = MergeRecord.objects.create(
            survivor=survivor,
            merged=merged,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            moved={**moved, "filled_fields": filled},
        )
        audit.people_merged(actor=actor, survivor=survivor, merged=merged, moved=moved)
    return record


def _keep_strictest_consent(survivor: Person, *before: dict[str, str]) -> int:
    """After the ledgers are joined, the latest row per channel would win, so an older opt-out
    of either record could be overtaken by the other's later opt-in. A merge keeps the
    strictest: a channel either record had opted out of is opted out on the survivor."""
    out = ConsentEvent.Status.OPTED_OUT
    refused = {channel for status in before for channel, s in status.items() if s == out}
    now_in_force = selectors.current_consent(survivor)
    kept = 0
    for channel in sorted(refused):
        if now_in_force.get(channel) != out:
            ConsentEvent.objects.create(
                person=survivor,
                channel=channel,
                status=out,
                source="merge: the stricter consent of the two records",
            )
            kept += 1
    return kept


def _merge_membership(survivor: Person, merged: Person) -> int:
    theirs = Membership.objects.filter(person=merged).first()
    if theirs is None:
        return 0
    ours = Membership.objects.filter(person=survivor).first()
    if ours is None:
        theirs.person = survivor
        theirs.save(update_fields=["person", "updated_at"])
        return 1
    # Both paid dues: the member keeps the earliest join date and the latest paid-through date.
    ours.joined_on = min(ours.joined_on, theirs.joined_on)
    dates = [d for d in (ours.paid_through_on, theirs.paid_through_on) if d]
    ours.paid_through_on = max(dates) if dates else None
    if (
        Membership.Status.CANCELLED in (ours.status,)
        and theirs.status != Membership.Status.CANCELLED
    ):
        ours.status = theirs.status
    ours.save()
    return 1


# --- Export ----------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "id",
    "first_name",
    "last_name",
    "pronouns",
    "email",
    "phone",
    "city",
    "state",
    "zip_code",
    "chapter",
    "joined_on",
    "dues_plan",
    "paid_through_on",
    "membership_status",
)


def export_people(*, actor: Any, chapter_id: int | None = None) -> Any:
    """Rows of the people the actor may see, spreadsheet-safe; the export itself is audited."""
    people = selectors.search_people(actor, chapter_id=chapter_id).order_by("id")
    count = people.count()
    audit.people_exported(actor=actor, count=count, chapter_id=chapter_id)
    return export_rows(people)


def export_rows(people: Any) -> Any:
    """The header and one spreadsheet-safe row per person (callers audit the export)."""
    from bloc.core.csvsafe import safe_cell

    def rows() -> Any:
        yield list(EXPORT_COLUMNS)
        for person in people.iterator(chunk_size=2000):
            membership = getattr(person, "membership", None)
            yield [
                safe_cell(v)
                for v in (
                    person.pk,
                    person.first_name,
                    person.last_name,
                    person.pronouns,
                    person.email,
                    person.phone,
                    person.city,
                    person.state,
                    person.zip_code,
                    person.chapter.name if person.chapter else "",
                    membership.joined_on if membership else "",
                    membership.dues_plan if membership else "",
                    membership.paid_through_on if membership else "",
                    membership.status if membership else "",
                )
            ]

    return rows()


# --- Background import -----------------------------------------------------------------------


def start_import(
    *,
    actor: Any,
    upload: Any,
    mapping: dict[str, str] | None,
    source: str,
    dry_run: bool,
) -> ImportJob:
    """Queue a CSV import; the worker checks and writes it (see people.tasks.run_import)."""
    from django.core.files.base import ContentFile

    if actor is not None and not permissions.can_import(actor):
        raise PermissionDenied("You cannot import people.")
    data = upload.read()
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            file_name=str(getattr(upload, "name", "upload.csv"))[:200],
            mapping=mapping,
            source=source[:120],
            is_dry_run=dry_run,
            rows_total=max(data.count(b"\n") - 1, 1),
        )
        job.file.save(f"import-{job.pk}.csv", ContentFile(data), save=True)
        audit.import_started(actor=actor, job=job)
        from bloc.people.tasks import run_import

        transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


# --- Public forms: unverified submissions (issue 16, item 5) ----------------------------------

CONSENT_CONFIRM_SALT = "bloc.people.consent-confirm"
CONSENT_CONFIRM_DAYS = 14


def match_public_submission(
    *,
    email: str,
    phone: str,
    zip_code: str,
    first_name: str,
    last_name: str,
    source: str,
    consents: dict[str, str] | None = None,
) -> tuple[Person, bool]:
    """The person a public form (RSVP, pledge, join) is about, creating them if new.

    Anyone can type anything into a public form, so it never changes an existing record: the
    email decides (it is what confirmations go to); a phone that belongs to someone else is not
    attached, and a phone-only match never takes in a new email address. Either case leaves an
    `IdentityReview` for an organizer instead of a silent attach. `consents` apply only to a new
    record (see `ask_to_confirm_consent` for existing ones). Returns (person, created)."""
    email_key = normalize_email(email)
    phone_key = normalize_phone(phone) if phone else ""
    by_email = selectors.find_matches(email=email_key) if email_key else []
    by_phone = selectors.find_matches(phone=phone_key) if phone_key else []
    if by_email:
        person = by_email[0]
        others = [p for p in by_phone if p.pk != person.pk]
        if others:
            _review(person, others[0], IdentityReview.Reason.CONFLICT, source)
        return person, False
    if not email_key and by_phone:
        return by_phone[0], False
    for _attempt in range(3):
        try:
            with transaction.atomic():
                person = create_person(
                    actor=None,
                    email=email_key,
                    phone="" if by_phone else phone_key,
                    zip_code=zip_code,
                    first_name=first_name[:100],
                    last_name=last_name[:100],
                    source=source[:120],
                    consents=consents,
                    consent_source=source,
                )
        except DuplicatePerson as known:
            # Created meanwhile by a request racing this one: the email decides.
            same = [p for p in known.matches if p.email == email_key]
            if same:
                return same[0], False
            by_phone = [p for p in known.matches if p.phone == phone_key] or by_phone
            continue
        except IntegrityError:
            continue
        if by_phone:
            _review(person, by_phone[0], IdentityReview.Reason.SHARED_PHONE, source)
        return person, True
    raise ValidationError("Please try again in a moment.")


def resolve_review(*, actor: Any, review: IdentityReview) -> IdentityReview:
    """An organizer looked at it (and merged the records, or decided they are two people)."""
    with transaction.atomic():
        review.resolved_at = timezone.now()
        review.resolved_by = actor if getattr(actor, "is_authenticated", False) else None
        review.save(update_fields=["resolved_at", "resolved_by"])
        audit.record(
            "people.identity_review_resolved",
            actor=actor,
            target=review.person,
            other=review.other_id,
        )
    return review


def _review(person: Person, other: Person, reason: str, source: str) -> None:
    open_review = IdentityReview.objects.filter(
        person=person, other=other, resolved_at__isnull=True
    )
    if not open_review.exists():
        IdentityReview.objects.create(person=person, other=other, reason=reason, source=source)


def ask_to_confirm_consent(
    *, person: Person, wanted: list[str], source: str, email: str
) -> list[str]:
    """A public form asked to raise consent on an existing record: record nothing, and email
    the address that was typed (it is this person's: it matched) a link that records the
    opt-in when its owner follows it. Returns the channels asked about."""
    current = selectors.current_consent(person)
    asked = [c for c in wanted if current.get(c) != ConsentEvent.Status.OPTED_IN]
    email_key = normalize_email(email)
    if (
        not asked
        or not email_key
        or email_key
        not in set(PersonEmail.objects.filter(person=person).values_list("normalized", flat=True))
    ):
        return []
    token = signing.dumps(
        {"p": person.pk, "c": sorted(asked), "s": source[:120]}, salt=CONSENT_CONFIRM_SALT
    )
    link = settings.SITE_URL.rstrip("/") + reverse("people:consent-confirm", args=[token])
    names = " and ".join("email" if c == "email" else "text messages" for c in sorted(asked))
    send_email_on_commit(
        to=[email_key],
        subject="Please confirm: do you want to hear from us?",
        body=(
            f"Someone (we hope you) asked on our {source} form to receive {names} from us.\n\n"
            f"If that was you, confirm here: {link}\n\n"
            "If it was not you, ignore this message: nothing changes.\n"
        ),
    )
    return asked


def read_consent_confirmation(token: str) -> dict[str, Any]:
    try:
        data = signing.loads(
            token, salt=CONSENT_CONFIRM_SALT, max_age=timedelta(days=CONSENT_CONFIRM_DAYS)
        )
    except signing.BadSignature:
        raise ValidationError("This confirmation link is not valid or has expired.") from None
    return data


def confirm_consent(*, token: str) -> Person:
    """The owner of the address followed the link: record the opt-in (the person's survivor if
    the record was merged since)."""
    data = read_consent_confirmation(token)
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(pk=data["p"]).first()
        while person is not None and person.merged_into_id is not None:
            person = Person.objects.select_for_update().filter(pk=person.merged_into_id).first()
        if person is None:
            raise ValidationError("This confirmation link is not valid or has expired.")
        for channel in data["c"]:
            set_consent(
                actor=None,
                person=person,
                channel=channel,
                opted_in=True,
                source=f"confirmed by email: {data['s']}"[:120],
            )
    return person
