"""Joining: a public application makes (or matches) a person and a pending membership.

A public form is typed by anyone, so it never changes an existing record: the email decides
who it is (people.services.match_public_submission, the same dedupe as RSVPs), a new record gets
the consent the form gave, an existing one is asked by email instead (and keeps its name, phone
and chapter), and what the visitor sees next does not depend on whether the address was known.
The membership stays pending until the processor reports dues (people.payments) or staff grant
a hardship waiver."""

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bloc.core import geo
from bloc.core.audit import record
from bloc.core.tasks import send_email_on_commit
from bloc.people import audit, permissions, selectors
from bloc.people import services as people_services
from bloc.people.joining.forms import HARDSHIP
from bloc.people.models import (
    Channel,
    ConsentEvent,
    DuesPlan,
    LadderEvent,
    LadderStage,
    Membership,
)
from bloc.people.normalize import normalize_email, normalize_phone
from bloc.people.payments import configured_processors
from bloc.people.payments.refs import person_ref

THANKS_SALT = "bloc.people.join-thanks"
THANKS_MAX_AGE = 2 * 24 * 3600


def apply_for_membership(
    *,
    email: str,
    first_name: str,
    zip_code: str,
    dues: str,
    last_name: str = "",
    phone: str = "",
    email_opt_in: bool = False,
    sms_opt_in: bool = False,
) -> tuple[Membership, str]:
    """Record an application; returns the (pending) membership and the thank-you token."""
    email_key = normalize_email(email)
    if not email_key:
        raise ValidationError({"email": "Enter your email address."})
    zip5 = geo.normalize_zip(zip_code)
    if not zip5:
        raise ValidationError({"zip_code": "Enter a five-digit ZIP code."})
    hardship = dues == HARDSHIP
    plan = DuesPlan.MONTHLY if hardship else dues
    if plan not in (DuesPlan.MONTHLY, DuesPlan.ANNUAL, DuesPlan.INCOME_BASED):
        raise ValidationError({"dues": "Choose a dues option."})
    phone_key = normalize_phone(phone) if phone else ""
    consents: dict[str, str] = {}
    if email_opt_in:
        consents[Channel.EMAIL] = ConsentEvent.Status.OPTED_IN
    if sms_opt_in and phone_key:
        consents[Channel.SMS] = ConsentEvent.Status.OPTED_IN
    with transaction.atomic():
        person, created = people_services.match_public_submission(
            email=email_key,
            phone=phone_key,
            zip_code=zip5,
            first_name=first_name,
            last_name=last_name,
            source="membership form",
            consents=consents,
        )
        if not created and consents:
            # Never raised on an existing record: the owner of the address confirms by email.
            people_services.ask_to_confirm_consent(
                person=person, wanted=list(consents), source="membership form", email=email_key
            )
        membership = Membership.objects.select_for_update().filter(person=person).first()
        if membership is None:
            membership = Membership.objects.create(
                person=person,
                joined_on=timezone.localdate(),
                dues_plan=plan,
                status=Membership.Status.PENDING,
                waiver_requested=hardship,
            )
            fields = ["joined_on", "dues_plan", "status", "waiver_requested"]
        elif membership.status == Membership.Status.CANCELLED:
            # A former member applies again: a new application, nothing else changes.
            membership.status = Membership.Status.PENDING
            membership.waiver_requested = hardship
            membership.save(update_fields=["status", "waiver_requested", "updated_at"])
            fields = ["status", "waiver_requested"]
        else:
            fields = []  # already a member or applicant: nothing changes, nothing is revealed
        if fields:
            audit.membership_recorded(actor=None, membership=membership, fields=fields)
        record(
            "people.membership_applied",
            target=membership,
            chapter_id=person.chapter_id,
            person_created=created,
            waiver_requested=hardship,
            changed=bool(fields),
        )
        chapter = selectors.chapter_for_zip(zip5)
        token = signing.dumps(
            {"p": person.pk, "d": plan, "h": hardship, "c": chapter.pk if chapter else None},
            salt=THANKS_SALT,
            compress=True,
        )
        _send_confirmation(email_key, first_name, token, hardship)
    return membership, token


def _send_confirmation(email: str, first_name: str, token: str, hardship: bool) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("people:join-thanks", args=[token])
    if hardship:
        next_step = (
            "You asked for a hardship waiver: an organizer will look at it and write to you."
        )
    else:
        next_step = f"To finish joining, pay your first dues here: {link}"
    send_email_on_commit(
        to=[email],
        subject="Your membership application",
        body=(
            f"Hello {first_name[:100]},\n\nThank you for applying to join.\n\n{next_step}\n\n"
            "If you did not apply, ignore this message.\n"
        ),
    )


def read_thanks_token(token: str) -> dict[str, Any]:
    try:
        data = signing.loads(token, salt=THANKS_SALT, max_age=THANKS_MAX_AGE)
    except signing.BadSignature:
        raise ValidationError("This page has expired.") from None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        raise ValidationError("This page has expired.")
    return data


def pay_links(*, person_id: int, dues_plan: str) -> list[tuple[str, str]]:
    """(processor label, URL) for every configured processor with a page for this plan."""
    ref = person_ref(person_id)
    links = []
    for processor in configured_processors():
        url = processor.pay_url(person_ref=ref, dues_plan=dues_plan, email="")
        if url:
            links.append((processor.label, url))
    return links


# --- Staff: applications ----------------------------------------------------------------------


def applications_for(actor: Any) -> Any:
    """Pending memberships of the people the actor may see (their chapters), oldest first."""
    return (
        Membership.objects.filter(
            status=Membership.Status.PENDING, person__in=selectors.people_visible_to(actor)
        )
        .exclude(person__user=actor)
        .select_related("person", "person__chapter")
        .order_by("-waiver_requested", "joined_on", "pk")
    )


def decide_application(*, actor: Any, membership: Membership, decision: str) -> Membership:
    """Grant a hardship waiver, decline it (the application waits for dues), or close it."""
    if not permissions.can_edit_person_in(actor, membership.person.chapter_id):
        raise PermissionDenied("You cannot decide this application.")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.status != Membership.Status.PENDING:
            raise ValidationError("This application was already decided.")
        if decision == "waive":
            membership.status = Membership.Status.WAIVED
            membership.dues_plan = DuesPlan.WAIVED
            fields = ["status", "dues_plan", "waiver_requested"]
        elif decision == "dues":
            fields = ["waiver_requested"]
        elif decision == "cancel":
            membership.status = Membership.Status.CANCELLED
            fields = ["status", "waiver_requested"]
        else:
            raise ValidationError("Choose a decision.")
        membership.waiver_requested = False
        membership.save()
        audit.membership_recorded(actor=actor, membership=membership, fields=fields)
        if (
            decision == "waive"
            and not LadderEvent.objects.filter(
                person=membership.person, stage=LadderStage.JOINED
            ).exists()
        ):
            people_services.record_ladder_step(
                person=membership.person,
                stage=LadderStage.JOINED,
                attribution_type="membership",
                attribution_id=str(membership.pk),
                attribution_label="hardship waiver granted",
            )
    return membership
