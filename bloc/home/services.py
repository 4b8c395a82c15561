"""Writes of the front door and the member pages. Most go through the owning app's services
(consent and transfers: people; RSVPs: events); these are the few that are this app's own."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bloc.core.tasks import send_email_on_commit
from bloc.home import audit, permissions, selectors
from bloc.home.models import ChapterProfile, DeletionRequest
from bloc.people import selectors as people
from bloc.people import services as people_services
from bloc.people.models import Channel, Chapter, ConsentEvent, Person, TransferRequest


def _own(actor: Any, person: Person) -> None:
    if person.user_id is None or person.user_id != getattr(actor, "pk", None):
        raise PermissionDenied("Members change only their own record.")


# --- Chapter pages ---------------------------------------------------------------------------


def contact_chapter(*, chapter: Chapter, name: str, email: str, message: str) -> int:
    """A visitor's message to a chapter's organizers (or national admins when it has none),
    one email each, answered by replying: the visitor never sees an organizer's address, and
    nothing is sent back to the address the visitor typed (it could be anyone's). Returns how
    many organizers it went to."""
    recipients = selectors.contact_addresses(chapter.pk)
    if not recipients:
        raise ValidationError("This chapter cannot take messages yet.")
    body = (
        f"A message for {chapter.name}, sent from its public page.\n\n"
        f"From: {name} <{email}>\n\n"
        f"{message}\n\n"
        "Reply to this email to answer them. Your own address was not shown to them.\n"
    )
    with transaction.atomic():
        for address in recipients:
            send_email_on_commit(
                to=[address],
                subject=f"A message for {chapter.name} from its public page",
                body=body,
                headers={"Reply-To": email},
            )
        audit.chapter_contacted(chapter=chapter, recipients=len(recipients))
    return len(recipients)


def update_chapter_page(
    *, actor: Any, chapter: Chapter, about: str, how_to_join: str
) -> ChapterProfile:
    """A chapter's public page text (actor None: the system, e.g. the demo seed)."""
    if actor is not None and not permissions.can_edit_chapter_page(actor, chapter.pk):
        raise PermissionDenied("Only this chapter's organizers can edit its page.")
    with transaction.atomic():
        profile, _ = ChapterProfile.objects.select_for_update().get_or_create(chapter=chapter)
        changed = [
            field
            for field, value in (("about", about.strip()), ("how_to_join", how_to_join.strip()))
            if getattr(profile, field) != value
        ]
        if changed:
            profile.about = about.strip()
            profile.how_to_join = how_to_join.strip()
            profile.updated_by = actor if getattr(actor, "is_authenticated", False) else None
            profile.save()
            audit.chapter_page_updated(actor=actor, profile=profile, fields=changed)
    return profile


# --- Preferences -----------------------------------------------------------------------------


def update_consent(*, actor: Any, person: Person, wanted: dict[str, bool]) -> list[str]:
    """Record a change per channel whose wish differs from the consent in force (people's
    ledger; an opt-out holds for the very next message). Returns the channels changed."""
    _own(actor, person)
    current = people.current_consent(person)
    changed = []
    with transaction.atomic():
        for channel, opted_in in wanted.items():
            channel = Channel(channel)
            if opted_in != (current.get(channel) == ConsentEvent.Status.OPTED_IN):
                people_services.set_consent(
                    actor=actor,
                    person=person,
                    channel=channel,
                    opted_in=opted_in,
                    source="member preferences",
                )
                changed.append(channel.value)
    return changed


def request_move(
    *,
    actor: Any,
    person: Person,
    zip_code: str = "",
    chapter: Chapter | None = None,
    reason: str = "",
) -> TransferRequest:
    """Ask to move to the chapter of a new ZIP, or to a chosen chapter (people's transfer
    request: the receiving chapter decides)."""
    _own(actor, person)
    if chapter is None:
        chapter = selectors.chapter_for_zip(zip_code)
        if chapter is None:
            raise ValidationError({"zip_code": "No chapter covers that ZIP code yet."})
        reason = f"New ZIP code {zip_code}. {reason}".strip()
    return people_services.request_transfer(
        actor=actor, person=person, to_chapter=chapter, reason=reason
    )


def handle_deletion_request(*, actor: Any, request: DeletionRequest, done: bool) -> DeletionRequest:
    """A national admin marks a deletion request carried out, or declined (after writing to
    the member why some records stay). Deleting the record itself is people's work."""
    if not permissions.can_see_deletion_requests(actor):
        raise PermissionDenied("Only national admins handle deletion requests.")
    with transaction.atomic():
        request = DeletionRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != DeletionRequest.Status.PENDING:
            raise ValidationError("This request was already handled.")
        request.status = DeletionRequest.Status.DONE if done else DeletionRequest.Status.DECLINED
        request.handled_at = timezone.now()
        request.handled_by = actor
        request.save(update_fields=["status", "handled_at", "handled_by"])
        audit.deletion_handled(actor=actor, request=request)
    return request


def request_deletion(*, actor: Any, person: Person, reason: str = "") -> DeletionRequest:
    """Record a member's request to be deleted, for staff to carry out."""
    _own(actor, person)
    try:
        with transaction.atomic():
            request = DeletionRequest.objects.create(
                person=person, reason=reason.strip()[:2000], requested_at=timezone.now()
            )
            audit.deletion_requested(actor=actor, request=request)
    except IntegrityError:
        raise ValidationError("You have already asked us to delete your record.") from None
    return request
