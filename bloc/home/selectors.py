"""Reads for the front door, public chapter pages and the member's own pages.

Public reads show only what each capability already publishes (approved public events,
published days of action, open pledges, the endorsed slate, certified results). Member reads
start from the reader's own record (``people.selectors.own_person``) and never reach anyone
else's: organizers are shown by name only, never by address.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from bloc.accounts.models import Role, RoleAssignment, User
from bloc.comms.models import Pledge, Signature
from bloc.core import geo
from bloc.democracy import selectors as democracy
from bloc.democracy.models import Ballot, CoSponsorship, Proposal
from bloc.democracy.services.proposals import OPEN_STATUSES
from bloc.electoral import selectors as electoral
from bloc.events import selectors as events
from bloc.events.models import RSVP, DayOfAction, Event
from bloc.home.models import ChapterProfile, DeletionRequest
from bloc.people import selectors as people
from bloc.people.models import (
    LADDER_ORDER,
    Chapter,
    ChapterAssignment,
    ConsentEvent,
    LadderEvent,
    LadderStage,
    Membership,
    Person,
    TransferRequest,
)

#: Ballot statuses after voting opened: the ones a member may have voted in.
VOTED_STATUSES = (
    Ballot.Status.OPEN,
    Ballot.Status.CLOSED,
    Ballot.Status.TALLIED,
    *democracy.PUBLIC_STATUSES,
)


# --- The front door --------------------------------------------------------------------------


def events_near(zip_code: str, *, radius_miles: float = 50, limit: int = 6) -> Any:
    """Upcoming public events nearest a ZIP first (virtual ones after), and the ZIP's place;
    the next public events anywhere when no ZIP is given."""
    return events.search_events(zip_code=zip_code, radius_miles=radius_miles, limit=limit)


def upcoming_days(*, limit: int = 4) -> list[DayOfAction]:
    """Published days of action that have not ended, soonest first."""
    return list(
        events.published_days()
        .filter(ends_on__gte=timezone.localdate())
        .order_by("starts_on", "name")[:limit]
    )


def live_pledges(*, limit: int = 4) -> list[Pledge]:
    """Open pledges and petitions, newest first, with their signature counts."""
    return list(
        Pledge.objects.filter(is_open=True)
        .annotate(signed=Count("signatures"))
        .order_by("-created_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class Slate:
    cycle: int | None
    entries: list[dict[str, Any]]
    total: int


def public_slate(*, limit: int = 6) -> Slate:
    """The latest cycle's endorsed candidacies (the public slate)."""
    cycles = electoral.slate_cycles()
    if not cycles:
        return Slate(cycle=None, entries=[], total=0)
    entries = electoral.slate(cycles[0])
    return Slate(cycle=cycles[0], entries=entries[:limit], total=len(entries))


def recent_results(*, limit: int = 4) -> list[Ballot]:
    """Certified results, most recent first: public once certified."""
    return list(
        Ballot.objects.filter(status__in=democracy.PUBLIC_STATUSES)
        .select_related("chapter", "result")
        .order_by("-certified_at", "-pk")[:limit]
    )


def public_chapters() -> QuerySet[Chapter]:
    return Chapter.objects.exclude(status=Chapter.Status.INACTIVE).order_by("state", "name")


def chapter_for_zip(zip_code: str) -> Chapter | None:
    """The chapter whose jurisdiction holds this ZIP, if it is not inactive."""
    chapter = people.chapter_for_zip(geo.normalize_zip(zip_code))
    if chapter is None or chapter.status == Chapter.Status.INACTIVE:
        return None
    return chapter


# --- Public chapter pages --------------------------------------------------------------------


def public_chapter(slug: str) -> Chapter:
    """A chapter's public page: active and organizing chapters; inactive ones are a 404."""
    chapter = public_chapters().filter(slug=slug).first()
    if chapter is None:
        raise Http404("No such chapter.")
    return chapter


def profile_of(chapter: Chapter) -> ChapterProfile | None:
    return ChapterProfile.objects.filter(chapter=chapter).first()


def chapter_events(chapter: Chapter, *, limit: int = 10) -> list[Event]:
    """The chapter's upcoming public events, soonest first."""
    return list(
        events.upcoming_public_events().filter(chapter=chapter).order_by("starts_at", "pk")[:limit]
    )


def _organizer_user_ids(chapter_id: int) -> list[int]:
    return list(
        RoleAssignment.objects.active()
        .filter(role=Role.CHAPTER_ORGANIZER, scope_id=chapter_id)
        .values_list("user_id", flat=True)
    )


def organizer_names(chapter_id: int) -> list[str]:
    """The names of a chapter's organizers, for its members: names only, never addresses.
    An organizer with no name on record is left out rather than shown by email."""
    user_ids = _organizer_user_ids(chapter_id)
    names: dict[int, str] = {
        user_id: f"{first} {last}".strip()
        for user_id, first, last in Person.objects.live()
        .filter(user_id__in=user_ids)
        .values_list("user_id", "first_name", "last_name")
    }
    for user_id, display_name in User.objects.filter(pk__in=user_ids).values_list(
        "pk", "display_name"
    ):
        if not names.get(user_id) and display_name and "@" not in display_name:
            names[user_id] = display_name
    return sorted(name for name in names.values() if name)


def contact_addresses(chapter_id: int) -> list[str]:
    """Where a chapter's contact form goes: its organizers' sign-in addresses, or national
    admins' when the chapter has no organizer yet. Only the mail task ever sees these."""
    users = User.objects.filter(is_active=True)
    addresses = list(
        users.filter(pk__in=_organizer_user_ids(chapter_id)).values_list("email", flat=True)
    )
    if not addresses:
        admins = RoleAssignment.objects.active().filter(role=Role.NATIONAL_ADMIN)
        addresses = list(
            users.filter(pk__in=admins.values("user_id")).values_list("email", flat=True)
        )
    return sorted(set(addresses))


def chapter_managed_by(actor: Any, slug: str) -> Chapter:
    """A chapter whose public page the actor may edit (its organizers, national admins)."""
    from bloc.home import permissions

    chapter = Chapter.objects.filter(slug=slug).first()
    if chapter is None or not permissions.can_edit_chapter_page(actor, chapter.pk):
        raise Http404("No such chapter.")
    return chapter


# --- The member home -------------------------------------------------------------------------


def my_rsvps(person: Person, *, now: datetime | None = None) -> list[RSVP]:
    """My RSVPs for shifts that have not ended, soonest first (cancelled ones left out)."""
    return list(
        RSVP.objects.filter(person=person, timeslot__ends_at__gte=now or timezone.now())
        .exclude(status=RSVP.Status.CANCELLED)
        .select_related("event", "timeslot")
        .order_by("timeslot__starts_at", "pk")[:20]
    )


def my_rsvp(person: Person | None, pk: Any) -> RSVP:
    """One of my own RSVPs; anyone else's is a 404."""
    if person is None:
        raise Http404("No such RSVP.")
    try:
        return RSVP.objects.select_related("event", "timeslot").get(pk=int(pk), person=person)
    except (RSVP.DoesNotExist, ValueError, TypeError):
        raise Http404("No such RSVP.") from None


def events_near_me(person: Person, *, skip: set[int], limit: int = 5) -> list[Any]:
    """Public events near my ZIP that I have not said I will come to."""
    if not person.zip_code:
        return []
    found, _ = events.search_events(zip_code=person.zip_code, radius_miles=25, limit=limit + 20)
    return [f for f in found if f.event.pk not in skip][:limit]


@dataclass(frozen=True)
class MyBallot:
    ballot: Ballot
    has_voted: bool


def my_ballots(user: Any, person: Person, *, limit: int | None = 10) -> list[MyBallot]:
    """Ballots I stand on the roll of, open or since closed: whether I have voted, never how,
    and never my tracker (it is not stored; the receipt page showed it once)."""
    ballots = (
        democracy.ballots_visible_to(user)
        .filter(status__in=VOTED_STATUSES, roll__person=person)
        .order_by("-opens_at", "-pk")
        .distinct()
    )
    if limit is not None:
        ballots = ballots[:limit]
    return [
        MyBallot(ballot, democracy.has_voted(democracy.roll_entry_for(user, ballot)))
        for ballot in ballots
    ]


def proposals_to_cosponsor(user: Any, person: Person, *, limit: int = 5) -> list[Proposal]:
    """Proposals still gathering support that I may co-sponsor: in my scope, where I am a
    member in good standing, not mine, not already signed."""
    proposals = list(
        democracy.proposals_visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .exclude(author=person)
        .exclude(pk__in=CoSponsorship.objects.filter(person=person).values("proposal_id"))
        .annotate(signed=Count("cosponsors"))
        .order_by("-submitted_at", "-pk")[: limit * 4]
    )
    allowed: dict[int | None, bool] = {}
    result: list[Proposal] = []
    for proposal in proposals:
        if proposal.chapter_id not in allowed:
            allowed[proposal.chapter_id] = democracy.is_member_in_scope(user, proposal.chapter_id)
        if allowed[proposal.chapter_id]:
            result.append(proposal)
    return result[:limit]


@dataclass(frozen=True)
class Dues:
    membership: Membership
    in_good_standing: bool
    grace_days: int


def grace_days() -> int:
    return int(getattr(settings, "BLOC_DEFAULT_GRACE_DAYS", 30))


def my_dues(person: Person) -> Dues | None:
    membership = Membership.objects.filter(person=person).first()
    if membership is None:
        return None
    days = grace_days()
    return Dues(
        membership=membership,
        in_good_standing=membership.is_in_good_standing(grace_days=days),
        grace_days=days,
    )


def my_signatures(person: Person) -> list[Signature]:
    return list(Signature.objects.filter(person=person).select_related("pledge")[:10])


def ladder_stage(person: Person) -> str:
    """The highest step I have reached on the engagement ladder ("" for none)."""
    stages = set(LadderEvent.objects.filter(person=person).values_list("stage", flat=True))
    if Membership.objects.filter(person=person).exclude(status="cancelled").exists():
        stages.add(LadderStage.JOINED)
    known = [s for s in stages if s in LADDER_ORDER]
    return max(known, key=LADDER_ORDER.__getitem__) if known else ""


def next_ladder_stage(stage: str) -> str:
    """The step after ``stage`` ("" at the top)."""
    order = list(LadderStage.values)
    if not stage:
        return order[1]  # someone on record is contacted; next they pledge
    index = order.index(stage)
    return order[index + 1] if index + 1 < len(order) else ""


def pending_deletion(person: Person) -> DeletionRequest | None:
    return DeletionRequest.objects.filter(
        person=person, status=DeletionRequest.Status.PENDING
    ).first()


def pending_transfer(person: Person) -> TransferRequest | None:
    return (
        TransferRequest.objects.filter(person=person, status=TransferRequest.Status.PENDING)
        .select_related("to_chapter")
        .first()
    )


def deletion_request_for(actor: Any, pk: Any) -> DeletionRequest:
    from bloc.home import permissions

    if not permissions.can_see_deletion_requests(actor):
        raise Http404("No such request.")
    try:
        return DeletionRequest.objects.select_related("person").get(pk=int(pk))
    except (DeletionRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("No such request.") from None


def pending_deletions(*, limit: int = 20) -> list[DeletionRequest]:
    """For national admins: deletion requests waiting for staff, oldest first."""
    return list(
        DeletionRequest.objects.filter(status=DeletionRequest.Status.PENDING)
        .select_related("person")
        .order_by("requested_at", "pk")[:limit]
    )


# --- Download my data ------------------------------------------------------------------------


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def personal_data(user: Any, person: Person) -> dict[str, Any]:
    """Everything Bloc holds about me, for "download my data": my record, addresses and
    phones, membership, consent ledger, chapter history and requests, ladder steps, RSVPs,
    signatures, co-sponsorships, and which ballots I stood on the roll of and whether I voted
    (never how: that is not linked to me anywhere)."""
    membership = Membership.objects.filter(person=person).first()
    return {
        "format": "bloc-personal-data-v1",
        "exported_at": timezone.now().isoformat(),
        "person": {
            "id": person.pk,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "pronouns": person.pronouns,
            "email": person.email,
            "phone": person.phone,
            "address_line1": person.address_line1,
            "address_line2": person.address_line2,
            "city": person.city,
            "state": person.state,
            "zip_code": person.zip_code,
            "languages": person.languages,
            "source": person.source,
            "chapter": person.chapter.name if person.chapter_id and person.chapter else "",
            "created_at": _iso(person.created_at),
        },
        "emails": list(person.emails.values_list("address", flat=True)),
        "phones": list(person.phones.values_list("number", flat=True)),
        "membership": None
        if membership is None
        else {
            "joined_on": _iso(membership.joined_on),
            "dues_plan": membership.dues_plan,
            "paid_through_on": _iso(membership.paid_through_on),
            "status": membership.status,
        },
        "consent": [
            {"channel": c, "status": s, "source": src, "recorded_at": _iso(at)}
            for c, s, src, at in ConsentEvent.objects.filter(person=person)
            .order_by("recorded_at", "pk")
            .values_list("channel", "status", "source", "recorded_at")
        ],
        "chapter_history": [
            {
                "from": h.from_chapter.name if h.from_chapter else "",
                "to": h.to_chapter.name if h.to_chapter else "",
                "reason": h.reason,
                "at": _iso(h.occurred_at),
            }
            for h in ChapterAssignment.objects.filter(person=person).select_related(
                "from_chapter", "to_chapter"
            )
        ],
        "transfer_requests": [
            {
                "to": t.to_chapter.name,
                "reason": t.reason,
                "status": t.status,
                "requested_at": _iso(t.requested_at),
            }
            for t in TransferRequest.objects.filter(person=person).select_related("to_chapter")
        ],
        "ladder": [
            {"stage": stage, "label": label, "at": _iso(at)}
            for stage, label, at in LadderEvent.objects.filter(person=person)
            .order_by("occurred_at", "pk")
            .values_list("stage", "attribution_label", "occurred_at")
        ],
        "rsvps": [
            {
                "event": r.event.title,
                "starts_at": _iso(r.timeslot.starts_at),
                "status": r.status,
                "guests": r.guests,
                "checked_in_at": _iso(r.checked_in_at),
            }
            for r in RSVP.objects.filter(person=person).select_related("event", "timeslot")
        ],
        "signatures": [
            {"pledge": s.pledge.title, "signed_at": _iso(s.signed_at)}
            for s in Signature.objects.filter(person=person).select_related("pledge")
        ],
        "cosponsored": [
            {"proposal": c.proposal.title, "signed_at": _iso(c.signed_at)}
            for c in CoSponsorship.objects.filter(person=person).select_related("proposal")
        ],
        "ballots": [
            {"ballot": mine.ballot.title, "voted": mine.has_voted}
            for mine in my_ballots(user, person, limit=None)
        ],
        "deletion_requests": [
            {"status": d.status, "requested_at": _iso(d.requested_at)}
            for d in DeletionRequest.objects.filter(person=person)
        ],
    }


def personal_data_rows(data: dict[str, Any]) -> list[tuple[str, int, str, str]]:
    """The same data as rows for a CSV: (section, item number, field, value)."""
    rows: list[tuple[str, int, str, str]] = []
    for section, value in data.items():
        if isinstance(value, dict):
            for field, item in value.items():
                rows.append((section, 1, field, "" if item is None else str(item)))
        elif isinstance(value, list):
            for number, item in enumerate(value, start=1):
                if isinstance(item, dict):
                    for field, cell in item.items():
                        rows.append((section, number, field, "" if cell is None else str(cell)))
                else:
                    rows.append((section, number, "value", str(item)))
        elif value is not None:
            rows.append((section, 1, "value", str(value)))
    return rows
