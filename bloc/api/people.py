"""OSDI people, their membership (beyond OSDI) and the person signup helper."""

import uuid
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Status

from bloc.api import hal, schemas, services
from bloc.core.audit import record_list_view
from bloc.people import audit as people_audit
from bloc.people import selectors
from bloc.people.models import ConsentEvent, Person, PersonQuerySet

router = Router(tags=["people"])

_STATUS: dict[str, str] = {
    ConsentEvent.Status.OPTED_IN: "subscribed",
    ConsentEvent.Status.OPTED_OUT: "unsubscribed",
}


def person_path(person: Person) -> str:
    return f"people/{person.uuid}"


def _consent_by_person(ids: list[int]) -> dict[int, dict[str, str]]:
    """The consent in force per channel for each person (the latest ledger row decides)."""
    found: dict[int, dict[str, str]] = {}
    rows = (
        ConsentEvent.objects.filter(person_id__in=ids)
        .order_by("person_id", "channel", "-recorded_at", "-id")
        .values_list("person_id", "channel", "status")
    )
    for person_id, channel, status in rows:
        found.setdefault(person_id, {}).setdefault(channel, status)
    return found


def represent(request: HttpRequest, people: list[Person]) -> list[dict[str, Any]]:
    """OSDI person documents; emails and phones come prefetched (`with_contacts`)."""
    consent = _consent_by_person([p.pk for p in people])
    root = hal.base(request)
    out = []
    for p in people:
        status = consent.get(p.pk, {})
        emails = [
            {
                "address": e.address,
                "primary": e.is_primary,
                "status": _STATUS.get(status.get("email", "")) if e.is_primary else None,
            }
            for e in p.emails.all()
        ]
        phones = [
            {
                "number": ph.number,
                "primary": ph.is_primary,
                "status": _STATUS.get(status.get("sms", "")) if ph.is_primary else None,
                "do_not_call": status.get("phone") == ConsentEvent.Status.OPTED_OUT,
            }
            for ph in p.phones.all()
        ]
        lines = [line for line in (p.address_line1, p.address_line2) if line]
        postal = (
            [
                {
                    "primary": True,
                    "address_lines": lines,
                    "locality": p.city,
                    "region": p.state,
                    "postal_code": p.zip_code,
                    "country": "US",
                }
            ]
            if lines or p.city or p.zip_code
            else []
        )
        custom = {"pronouns": p.pronouns, "source": p.source}
        if p.chapter is not None:
            custom["chapter"] = p.chapter.slug
        self_href = root + person_path(p)
        out.append(
            {
                "identifiers": [f"bloc:{p.uuid}"],
                "created_date": p.created_at,
                "modified_date": p.updated_at,
                "given_name": p.first_name,
                "family_name": p.last_name,
                "email_addresses": emails,
                "phone_numbers": phones,
                "postal_addresses": postal,
                "languages_spoken": [c.strip() for c in p.languages.split(",") if c.strip()],
                "custom_fields": {k: v for k, v in custom.items() if v},
                "_links": {
                    "self": hal.link(self_href),
                    "curies": hal.CURIES,
                    "osdi:attendances": hal.link(self_href + "/attendances"),
                    "bloc:membership": hal.link(self_href + "/membership"),
                },
            }
        )
    return out


def with_contacts(people: PersonQuerySet) -> PersonQuerySet:
    return people.select_related("chapter").prefetch_related("emails", "phones")


def person_by_uuid(actor: Any, key: str) -> Person:
    """The person with this `bloc:` identifier, through the same scoped selector as the pages."""
    try:
        value = uuid.UUID(key.removeprefix("bloc:"))
    except ValueError:
        raise Http404("No such person.") from None
    person = with_contacts(selectors.people_visible_to(actor)).filter(uuid=value).first()
    if person is None:
        raise Http404("No such person.")
    return person


@router.get(
    "/people",
    response={200: schemas.PeopleCollection, **schemas.ERRORS},
    by_alias=True,
    summary="People (OSDI)",
    operation_id="people_list",
)
def people_list(
    request: HttpRequest,
    page: int = hal.PAGE,
    per_page: int = hal.PER_PAGE,
    filter: str = "",  # noqa: A002 (OSDI's name)
) -> dict[str, Any]:
    """People the token's user may see (national admins: everyone; organizers: their
    chapters; anyone else: themselves), oldest first. Reading a page is audited."""
    actor = request.user
    qs = hal.filter_modified(with_contacts(selectors.people_visible_to(actor)), filter)
    items, doc = hal.page_of(
        request,
        qs.order_by("pk"),
        path="people",
        page=page,
        per_page=per_page,
        params={"filter": filter},
    )
    record_list_view(actor=actor, what="people (api)", count=doc["total_records"], page=doc["page"])
    doc["_embedded"] = {"osdi:people": represent(request, items)}
    return doc


@router.post(
    "/people/person_signup_helper",
    response={200: schemas.Person, 201: schemas.Person, 202: schemas.Accepted, **schemas.ERRORS},
    by_alias=True,
    summary="Person signup helper (OSDI)",
    operation_id="person_signup",
)
def person_signup(request: HttpRequest, body: schemas.SignupIn) -> Any:
    """Create or match a person as the public forms do: the email decides; `subscribed` on an
    existing person is never recorded here — they are emailed a link to confirm; `unsubscribed`
    is recorded. Answers 201 (created) or 200 (matched) with the person when they are in your
    scope, otherwise 202 with no details (so the helper cannot be used to look people up)."""
    p = body.person
    email = p.email_addresses[0] if p.email_addresses else None
    phone = p.phone_numbers[0] if p.phone_numbers else None
    signup = services.sign_up_person(
        actor=request.user,
        email=email.address if email else "",
        email_status=(email.status or "") if email else "",
        phone=phone.number if phone else "",
        phone_status=(phone.status or "") if phone else "",
        zip_code=p.postal_addresses[0].postal_code if p.postal_addresses else "",
        first_name=p.given_name,
        last_name=p.family_name,
        source=body.source,
    )
    if not signup.visible:
        return Status(202, {"status": "accepted"})
    person = with_contacts(Person.objects.filter(pk=signup.person.pk)).get()
    return Status(201 if signup.created else 200, represent(request, [person])[0])


@router.get(
    "/people/{person_id}",
    response={200: schemas.Person, **schemas.ERRORS},
    by_alias=True,
    summary="One person (OSDI)",
    operation_id="person_detail",
)
def person_detail(request: HttpRequest, person_id: str) -> dict[str, Any]:
    """`person_id` is the uuid of the `bloc:` identifier. Outside your scope: 404. Audited."""
    person = person_by_uuid(request.user, person_id)
    people_audit.person_viewed(actor=request.user, person=person)
    return represent(request, [person])[0]


@router.get(
    "/people/{person_id}/membership",
    response={200: schemas.Membership, **schemas.ERRORS},
    by_alias=True,
    summary="A person's membership and standing (beyond OSDI)",
    operation_id="person_membership",
)
def person_membership(request: HttpRequest, person_id: str) -> dict[str, Any]:
    person = person_by_uuid(request.user, person_id)
    membership = getattr(person, "membership", None)
    if membership is None:
        raise Http404("No membership.")
    people_audit.person_viewed(actor=request.user, person=person)
    grace = settings.BLOC_DEFAULT_GRACE_DAYS
    return {
        "joined_on": membership.joined_on,
        "status": membership.status,
        "dues_plan": membership.dues_plan,
        "paid_through_on": membership.paid_through_on,
        "in_good_standing": membership.is_in_good_standing(timezone.localdate(), grace),
        "chapter": person.chapter.slug if person.chapter is not None else None,
        "_links": {
            "self": hal.link(hal.base(request) + person_path(person) + "/membership"),
            "osdi:person": hal.link(hal.base(request) + person_path(person)),
        },
    }
