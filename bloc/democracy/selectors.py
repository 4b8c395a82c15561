"""Reads of ballots, always scoped to the reader. Never a choice, never who cast which ballot."""

import base64
import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from bloc.accounts import selectors as roles
from bloc.core.memo import ProcessMemo
from bloc.democracy import clock, permissions
from bloc.democracy.models import (
    Ballot,
    Comment,
    Participation,
    PendingBallot,
    Proposal,
    SealedBallot,
    VoterRollEntry,
    VotingCode,
)
from bloc.democracy.verify import board_digest
from bloc.people import selectors as people
from bloc.people.models import Chapter

PUBLIC_STATUSES = (Ballot.Status.CERTIFIED, Ballot.Status.CHALLENGED, Ballot.Status.FINAL)


def ballots_visible_to(actor: Any) -> QuerySet[Ballot]:
    """Admins see every ballot; organizers their chapters' drafts too; members the announced
    national ballots and their own chapter's; people with no record or role see none."""
    ballots = Ballot.objects.select_related("chapter")
    if not getattr(actor, "is_authenticated", False):
        return ballots.none()
    if roles.is_national_admin(actor):
        return ballots
    organized = roles.organized_chapter_ids(actor)
    own = people.own_person(actor)
    if own is None and not organized:
        return ballots.none()
    chapters = set(organized)
    if own is not None and own.chapter_id is not None:
        chapters.add(own.chapter_id)
    announced = ~Q(status=Ballot.Status.DRAFT) & (
        Q(chapter__isnull=True) | Q(chapter_id__in=chapters)
    )
    return ballots.filter(announced | Q(chapter_id__in=organized))


def ballot_for(actor: Any, pk: Any) -> Ballot:
    try:
        return ballots_visible_to(actor).get(pk=int(pk))
    except (Ballot.DoesNotExist, ValueError, TypeError):
        raise Http404("No such ballot.") from None


def managed_ballot_for(actor: Any, pk: Any) -> Ballot:
    ballot = ballot_for(actor, pk)
    if not permissions.can_manage_ballot_in(actor, ballot.chapter_id):
        raise Http404("No such ballot.")
    return ballot


def published_ballot_for(actor: Any, pk: Any) -> Ballot:
    """Certified results are public; a tallied result is shown to those who run the ballot."""
    try:
        ballot = Ballot.objects.select_related("chapter", "result").get(
            pk=int(pk), status__in=(Ballot.Status.TALLIED, *PUBLIC_STATUSES)
        )
    except (Ballot.DoesNotExist, ValueError, TypeError):
        raise Http404("No such result.") from None
    if ballot.status == Ballot.Status.TALLIED and not (
        getattr(actor, "is_authenticated", False)
        and permissions.can_manage_ballot_in(actor, ballot.chapter_id)
    ):
        raise Http404("No such result.")
    return ballot


_OPEN_BALLOT_MEMO = ProcessMemo()


def ballot_open_for_codes(pk: Any) -> Ballot:
    """Open ballots accept personal codes from anyone who holds one; nothing else is shown.

    Kept in the web process for a few seconds (``BLOC_DEMOCRACY_VOTE_PAGE_CACHE_SECONDS``,
    core.memo): a referendum's vote page is hit by thousands of voters at once. The cast
    itself re-reads status and window under lock (:func:`ballot_window_for_cast`), so a
    ballot closed meanwhile refuses the vote. The ballot is shared by the process's requests:
    read-only."""
    try:
        key = int(pk)
    except (ValueError, TypeError):
        raise Http404("No such ballot.") from None

    def load() -> Ballot:
        try:
            return Ballot.objects.get(pk=key, status=Ballot.Status.OPEN)
        except Ballot.DoesNotExist:
            raise Http404("No such ballot.") from None

    seconds = int(getattr(settings, "BLOC_DEMOCRACY_VOTE_PAGE_CACHE_SECONDS", 5))
    return _OPEN_BALLOT_MEMO.get(key, seconds, load)


_LABELS: dict[tuple[int, datetime], tuple[str, ...]] = {}
_LABELS_LOCK = threading.Lock()


def option_labels(ballot: Ballot) -> tuple[str, ...]:
    """A ballot's option labels in ballot order. Options are written once, with the ballot,
    and never change, so each process keeps them (keyed by id and creation time, which also
    tells apart a re-used id in a test database): casting reads no option rows."""
    key = (ballot.pk, ballot.created_at)
    labels = _LABELS.get(key)
    if labels is None:
        labels = tuple(ballot.options.order_by("position").values_list("label", flat=True))
        with _LABELS_LOCK:
            if len(_LABELS) >= 1024:
                _LABELS.clear()
            _LABELS[key] = labels
    return labels


@dataclass(frozen=True)
class CastWindow:
    status: str
    opens_at: datetime
    closes_at: datetime
    public_key: str

    def accepts_votes_at(self, now: datetime) -> bool:
        return self.status == Ballot.Status.OPEN and self.opens_at <= now < self.closes_at


def ballot_window_for_cast(pk: int) -> CastWindow | None:
    """Status, window and key of a ballot, read inside the casting transaction. On PostgreSQL
    the row is held with FOR KEY SHARE: casts don't block one another, but closing (which
    takes the row FOR UPDATE) waits for them, and they wait for it and then see it closed."""
    table = Ballot._meta.db_table
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status, opens_at, closes_at, public_key FROM {table} WHERE id = %s{lock}",
            [pk],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    opens_at, closes_at = (_aware(v) for v in row[1:3])
    return CastWindow(status=row[0], opens_at=opens_at, closes_at=closes_at, public_key=row[3])


def roll_entry_for_code(code_sha256: str, ballot_pk: int) -> tuple[int, str] | None:
    """The roll entry a personal voting code opens on this ballot, and the address recorded on
    the roll (for a receipt), or None. One plain statement: this runs on every vote by code,
    and building the same join with the ORM each time cost more CPU than the lookup."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.id, e.email_at_freeze FROM {VotingCode._meta.db_table} c"
            f" JOIN {VoterRollEntry._meta.db_table} e ON e.id = c.roll_entry_id"
            " WHERE c.code_sha256 = %s AND e.ballot_id = %s",
            [code_sha256, ballot_pk],
        )
        row = cursor.fetchone()
    return (row[0], row[1] or "") if row is not None else None


def ballot_for_receipt_by_code(pk: int) -> Ballot:
    """A ballot a voter by code may ask a receipt for: one that has begun voting (the code is
    checked by the service; an unknown or drafted ballot is simply not found)."""
    live = (Ballot.Status.OPEN, Ballot.Status.CLOSED, Ballot.Status.TALLIED)
    ballot = Ballot.objects.filter(pk=pk, status__in=live).first()
    if ballot is None:
        raise Http404("Not found.")
    return ballot


def _aware(value: Any) -> datetime:
    """A raw cursor on SQLite gives naive UTC datetimes (or text); PostgreSQL aware ones."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def roll_entry_for(actor: Any, ballot: Ballot) -> VoterRollEntry | None:
    own = people.own_person(actor)
    if own is None:
        return None
    return VoterRollEntry.objects.filter(ballot=ballot, person=own).first()


def has_voted(entry: VoterRollEntry | None) -> bool:
    return entry is not None and Participation.objects.filter(roll_entry=entry).exists()


def ballots_open_for(actor: Any) -> list[Ballot]:
    """Open ballots on whose roll the actor stands and has not yet voted."""
    own = people.own_person(actor)
    if own is None:
        return []
    now = clock.now()
    return list(
        Ballot.objects.filter(
            status=Ballot.Status.OPEN,
            opens_at__lte=now,
            closes_at__gt=now,
            roll__person=own,
            roll__participation__isnull=True,
        ).select_related("chapter")
    )


def roll_fingerprint(ballot: Ballot) -> str:
    """SHA-256 over the frozen roll (person ids and their chapters at freeze), recomputable."""
    digest = hashlib.sha256(f"bloc-roll-v1\nballot {ballot.pk}\n".encode())
    for person_id, chapter_id in (
        VoterRollEntry.objects.filter(ballot=ballot)
        .order_by("person_id")
        .values_list("person_id", "chapter_id_at_freeze")
    ):
        digest.update(f"{person_id},{chapter_id or ''}\n".encode())
    return digest.hexdigest()


def pending_count(ballot: Ballot) -> int:
    """Cast ballots not yet mixed into the box (they join in batches, and all at closing)."""
    return PendingBallot.objects.filter(ballot=ballot).count()


def board_fingerprint(ballot: Ballot) -> str:
    """SHA-256 over the bulletin board (see verify.board_digest), recomputable from the record."""
    rows = SealedBallot.objects.filter(ballot=ballot).values_list("tracker", "ciphertext")
    return board_digest(ballot.pk, ((t, bytes(c)) for t, c in rows))


def board(ballot: Ballot, *, tracker: str = "") -> QuerySet[SealedBallot]:
    """The bulletin board: trackers in alphabetical order (never casting order)."""
    rows = SealedBallot.objects.filter(ballot=ballot).order_by("tracker")
    if tracker:
        rows = rows.filter(tracker=tracker.strip().upper())
    return rows


@dataclass(frozen=True)
class ChapterTurnout:
    name: str
    voted: int
    eligible: int

    @property
    def percent(self) -> float:
        return 100 * self.voted / self.eligible if self.eligible else 0.0


@dataclass(frozen=True)
class Turnout:
    voted: int
    eligible: int
    quorum_needed: int
    chapters: list[ChapterTurnout]

    @property
    def percent(self) -> float:
        return 100 * self.voted / self.eligible if self.eligible else 0.0

    @property
    def quorum_met(self) -> bool:
        return self.voted >= self.quorum_needed


def turnout(ballot: Ballot) -> Turnout:
    """Participation counts overall and per chapter — never any choice. Two queries."""
    rows = list(
        VoterRollEntry.objects.filter(ballot=ballot)
        .values("chapter_id_at_freeze")
        .annotate(
            eligible=Count("id"),
            voted=Count("participation"),
        )
        .order_by()
    )
    names = dict(
        Chapter.objects.filter(
            pk__in=[r["chapter_id_at_freeze"] for r in rows if r["chapter_id_at_freeze"]]
        ).values_list("pk", "name")
    )
    chapters = sorted(
        (
            ChapterTurnout(
                names.get(r["chapter_id_at_freeze"] or 0, "At large"), r["voted"], r["eligible"]
            )
            for r in rows
        ),
        key=lambda c: c.name,
    )
    eligible = sum(c.eligible for c in chapters)
    voted = sum(c.voted for c in chapters)
    share = ballot.quorum_share
    needed = int(-(-(share * eligible) // 1)) if share else 0
    return Turnout(voted=voted, eligible=eligible, quorum_needed=needed, chapters=chapters)


def is_member_in_scope(actor: Any, chapter_id: int | None) -> bool:
    """A member in good standing today, of the chapter when one is given."""
    own = people.own_person(actor)
    if own is None:
        return False
    return (
        people.memberships_in_good_standing(
            as_of=clock.today(), grace_days=0, chapter_id=chapter_id
        )
        .filter(person=own)
        .exists()
    )


def proposals_visible_to(actor: Any) -> QuerySet[Proposal]:
    """The same scoping as ballots: national proposals to members and staff, chapter proposals
    to that chapter's members and organizers, everything to national admins."""
    proposals = Proposal.objects.select_related("chapter", "author", "amends")
    if not getattr(actor, "is_authenticated", False):
        return proposals.none()
    if roles.is_national_admin(actor):
        return proposals
    organized = roles.organized_chapter_ids(actor)
    own = people.own_person(actor)
    if own is None and not organized:
        return proposals.none()
    chapters = set(organized)
    if own is not None and own.chapter_id is not None:
        chapters.add(own.chapter_id)
    return proposals.filter(Q(chapter__isnull=True) | Q(chapter_id__in=chapters))


def proposal_for(actor: Any, pk: Any) -> Proposal:
    try:
        return proposals_visible_to(actor).get(pk=int(pk))
    except (Proposal.DoesNotExist, ValueError, TypeError):
        raise Http404("No such proposal.") from None


def comment_for(actor: Any, pk: Any) -> Comment:
    try:
        comment = Comment.objects.select_related("proposal").get(pk=int(pk))
    except (Comment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such comment.") from None
    proposal_for(actor, comment.proposal_id)
    return comment


@dataclass(frozen=True)
class Debate:
    threads: list[tuple[Comment, list[Comment]]]
    arguments_for: list[Comment]
    arguments_against: list[Comment]
    questions: int


def debate(proposal: Proposal) -> Debate:
    """Comments as threads (top level, replies in order) and a summary of the arguments:
    visible top-level comments for and against. One query."""
    comments = list(proposal.comments.select_related("author"))
    replies: dict[int, list[Comment]] = {}
    top = []
    for comment in comments:
        if comment.parent_id is None:
            top.append(comment)
        else:
            replies.setdefault(comment.parent_id, []).append(comment)
    shown = [c for c in top if not c.is_hidden]
    return Debate(
        threads=[(c, replies.get(c.pk, [])) for c in top],
        arguments_for=[c for c in shown if c.stance == Comment.Stance.FOR],
        arguments_against=[c for c in shown if c.stance == Comment.Stance.AGAINST],
        questions=sum(1 for c in comments if c.stance == Comment.Stance.QUESTION),
    )


def election_record(ballot: Ballot) -> dict[str, Any]:
    """The published record of a tallied ballot: enough for anyone to check the roll size,
    the board (trackers and ciphertexts), that ballots equal participations, and the recount."""
    result = ballot.result
    board_rows = [
        {
            "tracker": tracker,
            "ciphertext": base64.b64encode(bytes(ciphertext)).decode(),
        }
        for tracker, ciphertext in SealedBallot.objects.filter(ballot=ballot)
        .order_by("tracker")
        .values_list("tracker", "ciphertext")
    ]
    counts = turnout(ballot)
    return {
        "format": "bloc-election-record-v1",
        "ballot": {
            "id": ballot.pk,
            "title": ballot.title,
            "kind": ballot.kind,
            "method": ballot.method,
            "seats": ballot.seats,
            "stv_rule": ballot.stv_rule,
            "max_marks": ballot.max_marks,
            "threshold": ballot.threshold,
            "quorum_share": str(ballot.quorum_share),
            "scope": ballot.chapter.name if ballot.chapter else "national",
            "options": list(ballot.options.values_list("label", flat=True)),
            "public_key": ballot.public_key,
            "status": ballot.status,
        },
        "roll": {"size": ballot.roll_size, "fingerprint": ballot.roll_fingerprint},
        "turnout": {
            "voted": counts.voted,
            "eligible": counts.eligible,
            "chapters": [
                {"chapter": c.name, "voted": c.voted, "eligible": c.eligible}
                for c in counts.chapters
            ],
        },
        "board": {"fingerprint": ballot.board_fingerprint, "entries": board_rows},
        "ballots": {"file": "ballots.blt", "sha256": result.ballots_sha256},
        "recount": result.recount_command,
        "result": result.data,
    }
