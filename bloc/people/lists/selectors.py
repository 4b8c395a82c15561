"""The people view as organizers use it: filters, sorts and saved lists, scoped to the reader."""

from typing import Any

from django.conf import settings
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, QueryDict
from django.utils import timezone

from bloc.accounts import selectors as roles
from bloc.people import search
from bloc.people.lists.forms import SORTS
from bloc.people.lists.models import SavedList
from bloc.people.models import LadderEvent, Membership, PersonQuerySet
from bloc.people.selectors import people_visible_to


def saved_lists_visible_to(actor: Any) -> QuerySet[SavedList]:
    """Own lists, lists shared with a chapter the actor organizes; all lists for national admins."""
    lists = SavedList.objects.select_related("chapter", "owner")
    if not getattr(actor, "is_authenticated", False):
        return lists.none()
    if roles.is_national_admin(actor):
        return lists
    return lists.filter(Q(owner=actor) | Q(chapter_id__in=roles.organized_chapter_ids(actor)))


def saved_list_for(actor: Any, pk: Any) -> SavedList:
    try:
        return saved_lists_visible_to(actor).get(pk=int(pk))
    except (SavedList.DoesNotExist, ValueError, TypeError):
        raise Http404("No such list.") from None


def _filtered(people: PersonQuerySet, data: dict[str, Any]) -> PersonQuerySet:
    chapter = data.get("chapter")
    if chapter:
        people = people.filter(chapter_id=getattr(chapter, "pk", chapter))
    standing = data.get("standing")
    if standing:
        good = Membership.objects.in_good_standing(
            timezone.localdate(), settings.BLOC_DEFAULT_GRACE_DAYS
        ).values("person_id")
        if standing == "good":
            people = people.filter(pk__in=good)
        elif standing == "lapsed":
            people = people.filter(membership__isnull=False).exclude(pk__in=good)
        elif standing == "supporter":
            people = people.filter(membership__isnull=True)
    return search.search(people, data.get("q") or "")


def saved_query(saved_list: SavedList) -> dict[str, Any]:
    """A list's saved filters, as the view's form would have cleaned them."""
    values = QueryDict(saved_list.query)
    return {
        "q": values.get("q", "")[:100],
        "chapter": int(values["chapter"]) if values.get("chapter", "").isdigit() else None,
        "standing": values.get("standing", ""),
    }


def people_in_list(actor: Any, saved_list: SavedList) -> PersonQuerySet:
    """The people the list's filters match plus those added by hand, within the actor's scope."""
    visible = people_visible_to(actor)
    by_hand = Q(pk__in=saved_list.entries.values("person_id"))
    filters = saved_query(saved_list)
    if not any(filters.values()):
        return visible.filter(by_hand)
    matched = _filtered(people_visible_to(actor), filters)
    return visible.filter(by_hand | Q(pk__in=matched.values("pk")))


def people_view(actor: Any, data: dict[str, Any]) -> PersonQuerySet:
    """The rows of the people page for these cleaned filters, sorted as asked."""
    saved_list = data.get("saved_list")
    people = people_in_list(actor, saved_list) if saved_list else people_visible_to(actor)
    people = _filtered(people, data).select_related("chapter", "membership")
    latest_step = LadderEvent.objects.filter(person=OuterRef("pk")).order_by("-occurred_at")
    people = people.annotate(last_activity_at=Subquery(latest_step.values("occurred_at")[:1]))
    sort = data.get("sort") or ""
    key = sort.lstrip("-")
    if key in SORTS:
        descending = sort.startswith("-")
        order = [
            F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
            for field in SORTS[key]
        ]
        return people.order_by(*order)
    if data.get("q"):
        return search.by_relevance(people, data["q"])
    return people.order_by("last_name", "first_name", "pk")
