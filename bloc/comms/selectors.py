"""Reads for comms, scoped to the reader. Audiences resolve for the sender, at send time."""

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bloc.accounts import selectors as roles
from bloc.comms.models import (
    Broadcast,
    LegalEntity,
    MemberStatus,
    OutboxMessage,
    Pledge,
    SavedAudience,
)
from bloc.core import geo
from bloc.core.registry import audiences as registered_audiences
from bloc.people import selectors as people
from bloc.people.models import LadderEvent, Membership, PersonQuerySet


@lru_cache(maxsize=256)
def zips_within(center: str, miles: int) -> frozenset[str]:
    origin = geo.lookup(center)
    if origin is None:
        return frozenset()
    import zipcodes

    lat_span = miles / 69.0
    found = set()
    for row in zipcodes.list_all():
        lat = float(row.get("lat") or 0.0)
        if abs(lat - origin.latitude) > lat_span:
            continue
        lon = float(row.get("long") or 0.0)
        other = geo.ZipInfo(row["zip_code"], "", "", "", lat, lon, "")
        if geo.distance_miles(origin, other) <= miles:
            found.add(row["zip_code"])
    return frozenset(found)


def audience_people(audience: SavedAudience, actor: Any) -> PersonQuerySet:
    """The audience's people as `actor` may see them (the sender's scope bounds every send)."""
    visible = people.people_visible_to(actor)
    if audience.registered_key:
        entry = registered_audiences.get(audience.registered_key)
        qs = visible.filter(pk__in=entry.people(actor).values("pk"))
    else:
        qs = visible
    if audience.chapter_id:
        qs = qs.filter(chapter_id=audience.chapter_id)
    status = audience.member_status
    if status == MemberStatus.MEMBERS:
        qs = qs.filter(membership__isnull=False).exclude(
            membership__status__in=Membership.NOT_MEMBERS
        )
    elif status == MemberStatus.GOOD_STANDING:
        good = people.memberships_in_good_standing(
            as_of=timezone.localdate(), grace_days=settings.BLOC_DEFAULT_GRACE_DAYS
        ).values("person_id")
        qs = qs.filter(pk__in=good)
    elif status == MemberStatus.NON_MEMBERS:
        qs = qs.filter(
            Q(membership__isnull=True) | Q(membership__status__in=Membership.NOT_MEMBERS)
        )
    if audience.ladder_stage:
        qs = qs.filter(
            pk__in=LadderEvent.objects.filter(stage=audience.ladder_stage).values("person_id")
        )
    if audience.near_zip and audience.radius_miles is not None:
        qs = qs.filter(zip_code__in=zips_within(audience.near_zip, audience.radius_miles))
    return qs


def explain(audience: SavedAudience) -> list[str]:
    """The audience in words, clause by clause, as the sender sees it before sending."""
    clauses = ["People you may see in your role"]
    if audience.registered_key:
        entry = registered_audiences.get(audience.registered_key)
        clauses.append(f"{entry.label}: {entry.description}")
    if audience.chapter_id:
        clauses.append(f"in {audience.chapter}")
    if audience.member_status != MemberStatus.ANYONE:
        label = MemberStatus(audience.member_status).label
        if audience.member_status == MemberStatus.GOOD_STANDING:
            label += f" (grace {settings.BLOC_DEFAULT_GRACE_DAYS} days)"
        clauses.append(label)
    if audience.ladder_stage:
        clauses.append(f"who reached the ladder stage “{audience.get_ladder_stage_display()}”")
    if audience.near_zip:
        clauses.append(f"within {audience.radius_miles} miles of ZIP {audience.near_zip}")
    clauses.append("and, at the moment each message goes out, still opted in to the channel")
    return clauses


def audiences_for(actor: Any) -> QuerySet[SavedAudience]:
    qs = SavedAudience.objects.select_related("chapter", "legal_entity")
    if roles.is_national_admin(actor):
        return qs
    chapter_ids = roles.organized_chapter_ids(actor)
    if not chapter_ids:
        return qs.none()
    return qs.filter(Q(chapter_id__in=chapter_ids) | Q(created_by=actor))


def audience_for(actor: Any, pk: Any) -> SavedAudience:
    try:
        return audiences_for(actor).get(pk=int(pk))
    except (SavedAudience.DoesNotExist, ValueError, TypeError):
        raise Http404("No such audience.") from None


def broadcasts_for(actor: Any) -> QuerySet[Broadcast]:
    qs = Broadcast.objects.select_related("audience", "legal_entity", "chapter", "created_by")
    if roles.is_national_admin(actor):
        return qs
    chapter_ids = roles.organized_chapter_ids(actor)
    if not chapter_ids:
        return qs.none()
    return qs.filter(chapter_id__in=chapter_ids)


def broadcast_for(actor: Any, pk: Any) -> Broadcast:
    try:
        return broadcasts_for(actor).get(pk=int(pk))
    except (Broadcast.DoesNotExist, ValueError, TypeError):
        raise Http404("No such broadcast.") from None


def unknown_messages(broadcast: Broadcast, actor: Any) -> QuerySet[OutboxMessage]:
    """The broadcast's messages of unknown outcome, to people the reader may see."""
    return (
        OutboxMessage.objects.filter(
            broadcast=broadcast,
            status=OutboxMessage.Status.UNKNOWN,
            person__in=people.people_visible_to(actor),
        )
        .select_related("person")
        .order_by("id")
    )


def registered_audience_choices() -> list[tuple[str, str]]:
    return [(key, entry.label) for key, entry in registered_audiences]


def legal_entities() -> QuerySet[LegalEntity]:
    return LegalEntity.objects.all()


def pledges_for(actor: Any) -> QuerySet[Pledge]:
    qs = Pledge.objects.select_related("chapter", "legal_entity")
    if roles.is_national_admin(actor):
        return qs
    chapter_ids = roles.organized_chapter_ids(actor)
    return qs.filter(chapter_id__in=chapter_ids) if chapter_ids else qs.none()


def open_pledge(slug: str) -> Pledge:
    try:
        return Pledge.objects.select_related("legal_entity").get(slug=slug, is_open=True)
    except Pledge.DoesNotExist:
        raise Http404("No such page.") from None
