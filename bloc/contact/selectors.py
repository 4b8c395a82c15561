"""Reads for voter contact, scoped to the reader: staff see their campaigns; a volunteer sees
only their campaigns and the contacts assigned to them. Out of scope is a 404."""

from collections import Counter
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404

from bloc.accounts import selectors as roles
from bloc.contact import permissions
from bloc.contact.models import (
    Attempt,
    Campaign,
    Contact,
    Message,
    OptOut,
    SurveyResponse,
    Turf,
)

Status = Contact.Status


def campaigns_run_by(actor: Any) -> QuerySet[Campaign]:
    if roles.is_national_admin(actor):
        return Campaign.objects.all()
    return Campaign.objects.filter(chapter_id__in=roles.organized_chapter_ids(actor))


def campaigns_for(actor: Any) -> QuerySet[Campaign]:
    """Campaigns the actor runs or volunteers for."""
    if not getattr(actor, "is_authenticated", False):
        return Campaign.objects.none()
    volunteer = permissions.volunteer_campaign_ids(actor)
    return (campaigns_run_by(actor) | Campaign.objects.filter(pk__in=volunteer)).select_related(
        "chapter", "legal_entity"
    )


def _get(qs: QuerySet[Any], pk: Any) -> Any:
    try:
        return qs.get(pk=int(pk))
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found.") from None


def campaign_to_run(actor: Any, pk: Any) -> Campaign:
    return _get(campaigns_run_by(actor).select_related("chapter", "legal_entity"), pk)


def campaign_to_work(actor: Any, pk: Any) -> Campaign:
    campaign = _get(campaigns_for(actor), pk)
    if not permissions.can_volunteer(actor, campaign):
        raise Http404("Not found.")
    return campaign


def my_contact(actor: Any, pk: Any) -> Contact:
    """A contact assigned to the actor (volunteers see nothing else), or any contact of a
    campaign the actor runs."""
    qs = Contact.objects.select_related("campaign", "voter")
    contact = _get(qs, pk)
    campaign = contact.campaign
    if permissions.can_run(actor, campaign.chapter_id):
        return contact
    if contact.volunteer_id == getattr(actor, "pk", None) and permissions.can_volunteer(
        actor, campaign
    ):
        return contact
    raise Http404("Not found.")


def door_contact(actor: Any, pk: Any) -> Contact:
    """A contact on a walk list of a canvass the actor works."""
    contact = _get(Contact.objects.select_related("campaign", "voter"), pk)
    campaign = contact.campaign
    if campaign.channel != Campaign.Channel.DOOR or not permissions.can_volunteer(actor, campaign):
        raise Http404("Not found.")
    return contact


def reached(campaign: Campaign) -> QuerySet[Contact]:
    """Contacts attempted or reached (what the export lists)."""
    return Contact.objects.filter(campaign=campaign).exclude(
        status__in=[Status.NEW, Status.ASSIGNED]
    )


def batch_contacts(actor: Any, campaign: Campaign) -> QuerySet[Contact]:
    """The actor's contacts waiting for their initial text."""
    return Contact.objects.filter(
        campaign=campaign, volunteer=actor, status=Status.ASSIGNED
    ).order_by("id")


def inbox(actor: Any, campaign: Campaign) -> QuerySet[Contact]:
    """The actor's conversations, those waiting for a reply first."""
    return (
        Contact.objects.filter(
            campaign=campaign,
            volunteer=actor,
            status__in=[Status.NEEDS_REPLY, Status.CONVERSING, Status.CONTACTED],
            messages__direction=Message.Direction.IN,
        )
        .distinct()
        .order_by(
            # needs_reply sorts before conversing and contacted
            "-status",
            "-last_message_at",
        )
    )


def thread(contact: Contact) -> QuerySet[Message]:
    return Message.objects.filter(contact=contact).order_by("created_at", "id")


def answers_of(contact: Contact) -> dict[int, int]:
    return dict(
        SurveyResponse.objects.filter(contact=contact).values_list("question_id", "answer_id")
    )


def conversations_for_review(campaign: Campaign, *, flagged_only: bool = False) -> Any:
    qs = Contact.objects.filter(campaign=campaign, messages__isnull=False)
    if flagged_only:
        qs = qs.filter(messages__flagged_at__isnull=False)
    return qs.distinct().select_related("volunteer").order_by("-last_message_at")


def turfs_for(actor: Any, campaign: Campaign) -> QuerySet[Turf]:
    turfs = Turf.objects.filter(campaign=campaign)
    if permissions.can_run(actor, campaign.chapter_id):
        return turfs
    return turfs.filter(volunteer=actor)


def turf_for(actor: Any, pk: Any) -> Turf:
    turf = _get(Turf.objects.select_related("campaign"), pk)
    if turf.volunteer_id == getattr(actor, "pk", None) and permissions.can_volunteer(
        actor, turf.campaign
    ):
        return turf
    if permissions.can_run(actor, turf.campaign.chapter_id):
        return turf
    raise Http404("Not found.")


def walk_list(turf: Turf) -> QuerySet[Contact]:
    """Doors in the turf, by street, then house number (numerically), then unit."""
    where = Q()
    if turf.zip_codes:
        where |= Q(voter__zip_code__in=turf.zip_codes)
    if turf.precincts:
        where |= Q(voter__precinct__in=turf.precincts)
    return (
        Contact.objects.filter(campaign=turf.campaign, voter__isnull=False)
        .filter(where)
        .exclude(status=Status.OPTED_OUT)
        .select_related("voter")
        .order_by(
            "voter__street",
            "voter__house_number_value",
            "voter__house_number",
            "voter__unit",
            "id",
        )
    )


def dashboard(campaign: Campaign) -> dict[str, Any]:
    """The numbers a campaign manager watches. Counts only."""
    contacts = Contact.objects.filter(campaign=campaign)
    by_status = Counter(dict(contacts.values_list("status").annotate(n=Count("id"))))
    total = sum(by_status.values())
    attempted = total - by_status[Status.NEW] - by_status[Status.ASSIGNED]
    replied = (
        Message.objects.filter(contact__campaign=campaign, direction=Message.Direction.IN)
        .values("contact_id")
        .distinct()
        .count()
    )
    talked = (
        Attempt.objects.filter(contact__campaign=campaign, disposition=Attempt.Disposition.TALKED)
        .values("contact_id")
        .distinct()
        .count()
    )
    made = replied if campaign.channel == Campaign.Channel.TEXT else talked
    opted_out = by_status[Status.OPTED_OUT]
    ids_by_answer = list(
        SurveyResponse.objects.filter(contact__campaign=campaign)
        .values("question__text", "answer__label")
        .annotate(n=Count("id"))
        .order_by("question__order", "question_id", "answer__order")
    )
    responses = SurveyResponse.objects.filter(contact__campaign=campaign)
    by_volunteer: dict[str, dict[str, int]] = {}
    sent = Message.objects.filter(
        contact__campaign=campaign, direction=Message.Direction.OUT, key__endswith="-initial"
    )
    for name, email, n in sent.values_list("volunteer__display_name", "volunteer__email").annotate(
        n=Count("id")
    ):
        by_volunteer.setdefault(name or email or "—", {"attempts": 0, "ids": 0})["attempts"] += n
    for name, email, n in (
        Attempt.objects.filter(contact__campaign=campaign)
        .values_list("volunteer__display_name", "volunteer__email")
        .annotate(n=Count("id"))
    ):
        by_volunteer.setdefault(name or email or "—", {"attempts": 0, "ids": 0})["attempts"] += n
    for name, email, n in responses.values_list(
        "volunteer__display_name", "volunteer__email"
    ).annotate(n=Count("id")):
        by_volunteer.setdefault(name or email or "—", {"attempts": 0, "ids": 0})["ids"] += n
    by_day: Counter[Any] = Counter()
    for day, n in (
        contacts.exclude(contacted_at__isnull=True)
        .annotate(day=TruncDate("contacted_at"))
        .values_list("day")
        .annotate(n=Count("id"))
    ):
        by_day[day] += n
    return {
        "total": total,
        "waiting": by_status[Status.NEW],
        "assigned": by_status[Status.ASSIGNED],
        "attempted": attempted,
        "made": made,
        "opted_out": opted_out,
        "opt_out_rate": round(100 * opted_out / attempted, 1) if attempted else 0.0,
        "ids_by_answer": ids_by_answer,
        "by_volunteer": sorted(by_volunteer.items()),
        "by_day": sorted(by_day.items()),
        "by_status": dict(by_status),
    }


def opted_out_numbers_since(since: datetime) -> int:
    return OptOut.objects.filter(recorded_at__gte=since).count()
