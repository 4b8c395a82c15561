"""Reads of people, always scoped to the reader. Views never fetch a person by raw id."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from bloc.accounts import selectors as roles
from bloc.people import search
from bloc.people.models import (
    Channel,
    Chapter,
    ChapterZip,
    ConsentEvent,
    DuesPlan,
    IdentityReview,
    Membership,
    MembershipQuerySet,
    Person,
    PersonEmail,
    PersonPhone,
    PersonQuerySet,
    TransferRequest,
)


def people_visible_to(actor: Any) -> PersonQuerySet:
    """National admins see everyone; organizers their chapters; anyone else only themselves."""
    live = Person.objects.live()
    if not getattr(actor, "is_authenticated", False):
        return live.none()
    if roles.is_national_admin(actor):
        return live
    chapter_ids = roles.organized_chapter_ids(actor)
    if chapter_ids:
        return live.filter(Q(chapter_id__in=chapter_ids) | Q(user=actor))
    return live.filter(user=actor)


def person_for(actor: Any, pk: Any) -> Person:
    """The person with this id if the actor may see it; 404 otherwise (never 403: no probing)."""
    try:
        return people_visible_to(actor).select_related("chapter", "membership").get(pk=int(pk))
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No such person.") from None


def membership_for(actor: Any, pk: Any) -> Membership:
    try:
        return Membership.objects.select_related("person", "person__chapter").get(
            pk=int(pk), person__in=people_visible_to(actor)
        )
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404("No such membership.") from None


def own_person(actor: Any) -> Person | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return Person.objects.live().select_related("chapter").filter(user=actor).first()


def search_people(actor: Any, *, query: str = "", chapter_id: int | None = None) -> PersonQuerySet:
    people = people_visible_to(actor).select_related("chapter", "membership")
    if chapter_id:
        people = people.filter(chapter_id=chapter_id)
    return search.search(people, query)


def chapter_for_zip(zip_code: str) -> Chapter | None:
    if not zip_code:
        return None
    row = ChapterZip.objects.select_related("chapter").filter(zip_code=zip_code).first()
    return row.chapter if row else None


def chapter_ids_by_zip() -> dict[str, int]:
    return dict(ChapterZip.objects.values_list("zip_code", "chapter_id"))


def chapters_with_counts(actor: Any) -> list[Any]:
    """Every chapter's name; member counts only where the reader may see that chapter's people."""
    chapters = list(Chapter.objects.select_related("parent").annotate(zip_count=Count("zips")))
    visible_ids = chapters_in_scope_ids(actor)
    counts = dict(
        Membership.objects.filter(
            person__merged_into__isnull=True, person__chapter_id__in=visible_ids
        )
        .exclude(status__in=Membership.NOT_MEMBERS)
        .values_list("person__chapter_id")
        .annotate(n=Count("id"))
        .values_list("person__chapter_id", "n")
    )
    for chapter in chapters:
        chapter.member_count = counts.get(chapter.pk) if chapter.pk in visible_ids else None  # type: ignore[attr-defined]
    return chapters


def chapters_in_scope_ids(actor: Any) -> set[int]:
    if roles.is_national_admin(actor):
        return set(Chapter.objects.values_list("pk", flat=True))
    return roles.organized_chapter_ids(actor)


def chapter_for(actor: Any, slug: str) -> Chapter:
    try:
        return Chapter.objects.get(slug=slug)
    except Chapter.DoesNotExist:
        raise Http404("No such chapter.") from None


def memberships_in_good_standing(
    *, as_of: date, grace_days: int, chapter_id: int | None = None
) -> MembershipQuerySet:
    """For voter rolls and apportionment: live people only."""
    qs = Membership.objects.filter(person__merged_into__isnull=True).in_good_standing(
        as_of, grace_days
    )
    if chapter_id is not None:
        qs = qs.filter(person__chapter_id=chapter_id)
    return qs


def current_consent(person: Person) -> dict[str, str]:
    """The status in force per channel; no row means no consent."""
    status: dict[str, str] = {}
    for event in ConsentEvent.objects.filter(person=person).order_by("-recorded_at", "-id"):
        status.setdefault(event.channel, event.status)
    return status


def can_contact(person: Person, channel: Channel | str) -> bool:
    """Checked at send time, per message: the latest ledger row decides."""
    latest = (
        ConsentEvent.objects.filter(person=person, channel=channel)
        .order_by("-recorded_at", "-id")
        .values_list("status", flat=True)
        .first()
    )
    return latest == ConsentEvent.Status.OPTED_IN


def contactable(people: PersonQuerySet, channel: Channel | str) -> PersonQuerySet:
    latest = ConsentEvent.objects.filter(person=OuterRef("pk"), channel=channel).order_by(
        "-recorded_at", "-id"
    )
    return people.annotate(_consent=Subquery(latest.values("status")[:1])).filter(
        _consent=ConsentEvent.Status.OPTED_IN
    )


def find_matches(*, email: str = "", phone: str = "") -> list[Person]:
    """Live people sharing a normalized email or E.164 phone (dedupe)."""
    ids: set[int] = set()
    if email:
        ids.update(PersonEmail.objects.filter(normalized=email).values_list("person_id", flat=True))
    if phone:
        ids.update(PersonPhone.objects.filter(number=phone).values_list("person_id", flat=True))
    return list(Person.objects.live().filter(pk__in=ids))


def _pending_transfers(actor: Any) -> QuerySet[TransferRequest]:
    qs = TransferRequest.objects.filter(status=TransferRequest.Status.PENDING).select_related(
        "person", "person__chapter", "to_chapter"
    )
    if not roles.is_national_admin(actor):
        chapter_ids = roles.organized_chapter_ids(actor)
        qs = qs.filter(Q(to_chapter_id__in=chapter_ids) | Q(person__chapter_id__in=chapter_ids))
    return qs


def open_reviews_for(actor: Any) -> list[IdentityReview]:
    """Identity questions public forms left for organizers, in the actor's chapters."""
    qs = IdentityReview.objects.filter(resolved_at__isnull=True).select_related(
        "person", "other", "person__chapter", "other__chapter"
    )
    if not roles.is_national_admin(actor):
        ids = roles.organized_chapter_ids(actor)
        qs = qs.filter(Q(person__chapter_id__in=ids) | Q(other__chapter_id__in=ids))
    return list(qs[:500])


def review_for(actor: Any, pk: Any) -> IdentityReview:
    for review in open_reviews_for(actor):
        if str(review.pk) == str(pk):
            return review
    raise Http404("Not found.")


def pending_transfers_for(actor: Any) -> list[TransferRequest]:
    return list(_pending_transfers(actor))


def transfer_for(actor: Any, pk: Any) -> TransferRequest:
    try:
        return _pending_transfers(actor).get(pk=int(pk))
    except (TransferRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("No such transfer request.") from None


def import_job_for(actor: Any, pk: Any) -> Any:
    """An import job is visible to the account that started it, and to national admins."""
    from bloc.people.models import ImportJob

    jobs = ImportJob.objects.all()
    if not roles.is_national_admin(actor):
        jobs = jobs.filter(created_by=actor)
    try:
        return jobs.get(pk=int(pk))
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404("No such import.") from None


def recent_import_jobs(actor: Any, limit: int = 10) -> list[Any]:
    from bloc.people.models import ImportJob

    return list(ImportJob.objects.filter(created_by=actor)[:limit])


@dataclass(frozen=True)
class MembershipMonth:
    #: The first day of the month.
    month: date
    joins: int
    #: Dues that ran out in the month (paid through the day before), waived members aside.
    lapses: int
    #: In good standing at the month's end (today, for this month), by today's statuses.
    standing: int


def membership_by_month(
    *, chapter_ids: Iterable[int], today: date, months: int = 12
) -> list[MembershipMonth]:
    """Joins, lapses and good standing for each of the last `months` months. One query."""
    starts = [_month_start(today, back) for back in range(months - 1, -1, -1)]
    ends = [_month_start(today, back) - timedelta(days=1) for back in range(months - 2, -2, -1)]
    ends[-1] = today
    members = Membership.objects.filter(
        person__merged_into__isnull=True, person__chapter_id__in=list(chapter_ids)
    ).exclude(status__in=Membership.NOT_MEMBERS)
    waived = Q(status=Membership.Status.WAIVED) | Q(dues_plan=DuesPlan.WAIVED)
    counts: dict[str, Any] = {}
    for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
        counts[f"joins_{i}"] = Count("pk", filter=Q(joined_on__gte=start, joined_on__lte=end))
        counts[f"lapses_{i}"] = Count(
            "pk",
            filter=Q(
                paid_through_on__gte=start - timedelta(days=1),
                paid_through_on__lt=end,
                joined_on__lte=end,
            )
            & ~waived,
        )
        counts[f"standing_{i}"] = Count(
            "pk", filter=Q(joined_on__lte=end) & (waived | Q(paid_through_on__gte=end))
        )
    row = members.aggregate(**counts)
    return [
        MembershipMonth(start, row[f"joins_{i}"], row[f"lapses_{i}"], row[f"standing_{i}"])
        for i, start in enumerate(starts)
    ]


def _month_start(today: date, back: int) -> date:
    """The first day of the month `back` months before today's (back=-1: next month)."""
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)
