"""The only write path for comms: audiences, broadcasts, unsubscribes, webhooks, pledges."""

import random
import string
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bloc.comms import audit, permissions, render, selectors
from bloc.comms.models import (
    Broadcast,
    InboundMessage,
    LegalEntity,
    MemberStatus,
    OutboxMessage,
    Pledge,
    SavedAudience,
    Signature,
    Suppression,
)
from bloc.core import geo
from bloc.core.tasks import send_email_on_commit
from bloc.people import selectors as people_selectors
from bloc.people import services as people_services
from bloc.people.models import Channel, LadderStage, Person, PersonEmail, PersonPhone
from bloc.people.normalize import normalize_email, normalize_phone

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP", "YES"})
Coordination = LegalEntity.Coordination


# --- Audiences ------------------------------------------------------------------------------


def save_audience(
    *,
    actor: Any,
    name: str,
    chapter_id: int | None = None,
    member_status: str = MemberStatus.ANYONE,
    ladder_stage: str = "",
    near_zip: str = "",
    radius_miles: int | None = None,
    registered_key: str = "",
    legal_entity: LegalEntity | None = None,
) -> SavedAudience:
    if not permissions.can_use_comms(actor):
        raise PermissionDenied("You cannot build audiences.")
    if chapter_id is not None and not permissions.can_send_for(actor, chapter_id):
        raise PermissionDenied("That chapter is outside your scope.")
    near_zip = geo.normalize_zip(near_zip)
    if bool(near_zip) != (radius_miles is not None):
        raise ValidationError("A radius needs both a ZIP code and a distance.")
    if near_zip and geo.lookup(near_zip) is None:
        raise ValidationError("Unknown ZIP code.")
    if registered_key:
        selectors.registered_audiences.get(registered_key)
    with transaction.atomic():
        audience = SavedAudience.objects.create(
            name=name,
            created_by=actor,
            chapter_id=chapter_id,
            member_status=member_status,
            ladder_stage=ladder_stage,
            near_zip=near_zip,
            radius_miles=radius_miles,
            registered_key=registered_key,
            legal_entity=legal_entity,
        )
        audit.event("audience_saved", actor=actor, target=audience)
    return audience


# --- Broadcasts -----------------------------------------------------------------------------


def firewall_problem(audience: SavedAudience, entity: LegalEntity) -> str:
    """Lists never cross the line between independent-expenditure and coordinated work."""
    owner = audience.legal_entity
    if owner is None or owner.pk == entity.pk:
        return ""
    sides = {owner.coordination, entity.coordination}
    if sides == {Coordination.INDEPENDENT, Coordination.COORDINATED}:
        return (
            f"The audience belongs to {owner.name} ({owner.get_coordination_display()}); "
            f"{entity.name} ({entity.get_coordination_display()}) may not use it."
        )
    return ""


def preflight(broadcast: Broadcast) -> list[str]:
    """Human-readable problems that block sending while any remain."""
    problems = []
    firewall = firewall_problem(broadcast.audience, broadcast.legal_entity)
    if firewall:
        problems.append(firewall)
    if broadcast.channel == Broadcast.Channel.EMAIL and not broadcast.subject.strip():
        problems.append("An email needs a subject.")
    if broadcast.channel == Broadcast.Channel.SMS and len(broadcast.body) > 480:
        problems.append("A text is at most 480 characters (three segments).")
    if not broadcast.legal_entity.postal_address.strip():
        problems.append("The sending entity has no postal address for the footer.")
    if (broadcast.subject_b or broadcast.body_b) and not 2 <= broadcast.test_percent <= 100:
        problems.append("An A/B test goes to between 2% and 100% of the audience.")
    for text in (broadcast.subject, broadcast.body, broadcast.subject_b, broadcast.body_b):
        try:
            render.check_template(text)
        except ValidationError as exc:
            problems.extend(exc.messages)
    return problems


def create_broadcast(
    *,
    actor: Any,
    title: str,
    channel: str,
    audience: SavedAudience,
    legal_entity: LegalEntity,
    chapter_id: int | None,
    body: str,
    subject: str = "",
    from_name: str = "",
    scheduled_for: datetime | None = None,
    subject_b: str = "",
    body_b: str = "",
    test_percent: int = 0,
    test_hours: int = 4,
    winner_metric: str = "opened",
) -> Broadcast:
    if not permissions.can_send_for(actor, chapter_id):
        raise PermissionDenied("You cannot send for that chapter.")
    if audience not in selectors.audiences_for(actor):
        raise PermissionDenied("That audience is outside your scope.")
    for text in (subject, body, subject_b, body_b):
        render.check_template(text)
    with transaction.atomic():
        broadcast = Broadcast.objects.create(
            subject_b=subject_b,
            body_b=body_b,
            test_percent=test_percent,
            test_hours=test_hours,
            winner_metric=winner_metric,
            title=title,
            channel=channel,
            audience=audience,
            legal_entity=legal_entity,
            chapter_id=chapter_id,
            body=body,
            subject=subject,
            from_name=from_name,
            scheduled_for=scheduled_for,
            created_by=actor,
        )
        audit.event("broadcast_created", actor=actor, target=broadcast, channel=channel)
    return broadcast


def submit_broadcast(*, actor: Any, broadcast: Broadcast) -> Broadcast:
    """Chapter sends go straight to the queue (or their time); national sends wait for approval."""
    if broadcast.status != Broadcast.Status.DRAFT:
        raise ValidationError("Only a draft can be submitted.")
    if not permissions.can_send_for(actor, broadcast.chapter_id):
        raise PermissionDenied("You cannot send for that chapter.")
    problems = preflight(broadcast)
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    with transaction.atomic():
        broadcast.submitted_at = now
        if broadcast.is_national:
            broadcast.status = Broadcast.Status.AWAITING_APPROVAL
        else:
            broadcast.status = Broadcast.Status.APPROVED
            broadcast.approved_at, broadcast.approved_by = now, actor
        broadcast.save(update_fields=["status", "submitted_at", "approved_at", "approved_by"])
        audit.event("broadcast_submitted", actor=actor, target=broadcast)
        if broadcast.status == Broadcast.Status.APPROVED and _due(broadcast, now):
            _queue(broadcast, now)
    return broadcast


def approve_broadcast(*, actor: Any, broadcast: Broadcast) -> Broadcast:
    if broadcast.status != Broadcast.Status.AWAITING_APPROVAL:
        raise ValidationError("This broadcast is not waiting for approval.")
    if not permissions.can_approve(actor, broadcast):
        raise PermissionDenied("A national admin other than the author approves national sends.")
    problems = preflight(broadcast)
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    with transaction.atomic():
        broadcast.status = Broadcast.Status.APPROVED
        broadcast.approved_at, broadcast.approved_by = now, actor
        broadcast.save(update_fields=["status", "approved_at", "approved_by"])
        audit.event("broadcast_approved", actor=actor, target=broadcast)
        if _due(broadcast, now):
            _queue(broadcast, now)
    return broadcast


def cancel_broadcast(*, actor: Any, broadcast: Broadcast) -> Broadcast:
    """Stops a broadcast; messages already handed to the provider stay sent."""
    if broadcast.status in (Broadcast.Status.SENT, Broadcast.Status.CANCELLED):
        raise ValidationError("This broadcast is finished.")
    if not permissions.can_send_for(actor, broadcast.chapter_id):
        raise PermissionDenied("You cannot cancel this broadcast.")
    with transaction.atomic():
        broadcast.status, broadcast.cancelled_at = Broadcast.Status.CANCELLED, timezone.now()
        broadcast.save(update_fields=["status", "cancelled_at"])
        skipped = OutboxMessage.objects.filter(
            broadcast=broadcast, status=OutboxMessage.Status.PENDING
        ).update(status=OutboxMessage.Status.SKIPPED, reason="cancelled")
        audit.event("broadcast_cancelled", actor=actor, target=broadcast, skipped=skipped)
    return broadcast


def resend_unknown(*, actor: Any, broadcast: Broadcast, confirmed: bool) -> int:
    """Send again the messages whose outcome is unknown (with the provider when their worker
    died: some may have arrived). A deliberate, confirmed and audited act of a sender of the
    broadcast; consent is checked again when each goes out. Returns how many were queued."""
    if not permissions.can_send_for(actor, broadcast.chapter_id):
        raise PermissionDenied("You cannot send for this broadcast.")
    if not confirmed:
        raise ValidationError("Confirm that some recipients may get this message twice.")
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        if broadcast.status == Broadcast.Status.CANCELLED:
            raise ValidationError("This broadcast was cancelled.")
        count = OutboxMessage.objects.filter(
            broadcast=broadcast, status=OutboxMessage.Status.UNKNOWN
        ).update(
            status=OutboxMessage.Status.PENDING,
            next_attempt_at=timezone.now(),
            reason="resent",
            attempted_at=None,
        )
        if not count:
            raise ValidationError("No message of this broadcast has an unknown outcome.")
        if broadcast.status == Broadcast.Status.SENT:
            broadcast.status, broadcast.finished_at = Broadcast.Status.SENDING, None
            broadcast.save(update_fields=["status", "finished_at"])
        audit.event("unknown_resent", actor=actor, target=broadcast, count=count)
        from bloc.comms import tasks

        transaction.on_commit(lambda: tasks.start_delivery(recipients=count))
    return count


def _due(broadcast: Broadcast, now: datetime) -> bool:
    return broadcast.scheduled_for is None or broadcast.scheduled_for <= now


def _queue(broadcast: Broadcast, now: datetime) -> int:
    """Write one outbox row per recipient (inside the caller's transaction) and start workers."""
    from bloc.comms import delivery, tasks
    from bloc.comms.backends import backend_for

    mode = delivery.mode_for(delivery.MessageClass.BULK, backend_for(broadcast.channel))
    recipients = people_selectors.contactable(
        selectors.audience_people(broadcast.audience, broadcast.created_by), broadcast.channel
    )
    address_field = "phone" if broadcast.channel == Broadcast.Channel.SMS else "email"
    person_ids = list(recipients.exclude(**{address_field: ""}).values_list("pk", flat=True))
    variants = _split(broadcast, person_ids)
    rows = [
        OutboxMessage(
            broadcast=broadcast,
            person_id=person_id,
            channel=broadcast.channel,
            mode=mode,
            variant=variants.get(person_id, "a"),
            idempotency_key=f"bloc-b{broadcast.pk}-p{person_id}",
            next_attempt_at=timezone.now(),
        )
        for person_id in person_ids
    ]
    OutboxMessage.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    broadcast.status, broadcast.queued_at = Broadcast.Status.SENDING, now
    broadcast.save(update_fields=["status", "queued_at"])
    audit.event("broadcast_queued", actor=None, target=broadcast, recipients=len(rows), mode=mode)
    transaction.on_commit(lambda: tasks.start_delivery(recipients=len(rows)))
    return len(rows)


def _split(broadcast: Broadcast, person_ids: list[int]) -> dict[int, str]:
    """A/B: a random test share, half A and half B; everyone else waits for the winner ("")."""
    if not broadcast.is_ab_test:
        return {}
    shuffled = sorted(person_ids)
    random.Random(broadcast.pk).shuffle(shuffled)
    tested = round(len(shuffled) * broadcast.test_percent / 100)
    half = tested // 2
    return {pid: ("a" if i < half else "b" if i < tested else "") for i, pid in enumerate(shuffled)}


def choose_winners(*, now: datetime | None = None) -> int:
    """After each A/B test's window, pick the better variant and release the held rows."""
    from bloc.comms import delivery

    now = now or timezone.now()
    chosen = 0
    due = Broadcast.objects.filter(status=Broadcast.Status.SENDING, winner="").exclude(
        test_percent=0
    )
    for broadcast in due:
        if not broadcast.is_ab_test or broadcast.queued_at is None:
            continue
        if broadcast.queued_at + timedelta(hours=broadcast.test_hours) > now:
            continue
        rates = delivery.variant_rates(broadcast)
        winner = "b" if rates["b"] > rates["a"] else "a"
        with transaction.atomic():
            broadcast.winner, broadcast.winner_chosen_at = winner, now
            broadcast.save(update_fields=["winner", "winner_chosen_at"])
            released = OutboxMessage.objects.filter(
                broadcast=broadcast, variant="", status=OutboxMessage.Status.PENDING
            ).update(variant=winner, next_attempt_at=timezone.now(), reason="")
            audit.event(
                "ab_winner_chosen",
                actor=None,
                target=broadcast,
                winner=winner,
                rate_a=round(rates["a"], 4),
                rate_b=round(rates["b"], 4),
                released=released,
            )
        chosen += 1
    return chosen


def release_scheduled(*, now: datetime | None = None) -> int:
    """Queue every approved broadcast whose time has come (a periodic job)."""
    now = now or timezone.now()
    released = 0
    due = Broadcast.objects.filter(status=Broadcast.Status.APPROVED, scheduled_for__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            broadcast = (
                Broadcast.objects.select_for_update(of=("self",))
                .select_related("audience", "created_by")
                .get(pk=pk)
            )
            if broadcast.status == Broadcast.Status.APPROVED:
                _queue(broadcast, now)
                released += 1
    return released


# --- Unsubscribe, inbound texts, provider events --------------------------------------------


def unsubscribe(*, token: str, source: str = "unsubscribe link") -> Person | None:
    """One click, no session: opt out everywhere (DOMAIN.md). Idempotent."""
    data = render.read_unsubscribe_token(token)
    with transaction.atomic():
        # The lock the outbox takes while it checks consent and hands messages over.
        person = Person.objects.select_for_update().filter(pk=data["p"]).first()
        # A link sent to a record that was merged since acts on the record it was merged into.
        while person is not None and person.merged_into_id is not None:
            person = Person.objects.select_for_update().filter(pk=person.merged_into_id).first()
        if person is None:
            return None
        people_services.opt_out_everywhere(actor=None, person=person, source=source)
        audit.event("unsubscribed", actor=None, target=person, broadcast_id=data.get("b"))
    return person


def _keyword(body: str) -> str:
    return body.strip().strip(string.punctuation + " ").upper()


def receive_text(*, from_number: str, body: str, message_id: str) -> InboundMessage:
    """An inbound text: STOP and its variants opt out everywhere; START opts back in to texts."""
    try:
        number = normalize_phone(from_number)
    except ValidationError:
        number = ""
    keyword = _keyword(body)
    with transaction.atomic():
        existing = InboundMessage.objects.filter(provider_message_id=message_id[:64]).first()
        if existing is not None:  # providers retry webhooks
            return existing
        phone = PersonPhone.objects.filter(number=number).select_related("person").first()
        person = phone.person if phone else None
        while person is not None and person.merged_into_id is not None:
            person = person.merged_into
        if person is not None:
            person = Person.objects.select_for_update().get(pk=person.pk)
        acted = ""
        if person is not None and keyword in STOP_WORDS:
            people_services.opt_out_everywhere(actor=None, person=person, source=f"SMS {keyword}")
            acted = keyword
        elif person is not None and keyword in START_WORDS:
            people_services.set_consent(
                actor=None, person=person, channel=Channel.SMS, opted_in=True, source="SMS START"
            )
            acted = keyword
        elif person is not None:
            last = (
                OutboxMessage.objects.filter(
                    person=person, channel="sms", status=OutboxMessage.Status.SENT
                )
                .order_by("-sent_at")
                .first()
            )
            if last is not None and last.replied_at is None:
                last.replied_at = timezone.now()
                last.save(update_fields=["replied_at"])
        inbound = InboundMessage.objects.create(
            person=person, keyword=acted, body=body[:1600], provider_message_id=message_id[:64]
        )
        audit.event(
            "text_received", actor=None, target=inbound, keyword=acted, matched=person is not None
        )
    return inbound


EVENT_FIELDS = {
    "delivered": "delivered_at",
    "opened": "opened_at",
    "clicked": "clicked_at",
    "bounced": "bounced_at",
    "complained": "complained_at",
}


def record_email_event(
    *, event: str, message_id: str, recipient: str, permanent: bool = True
) -> bool:
    """A provider's delivery report. Hard bounces and complaints suppress the address."""
    field = EVENT_FIELDS.get(event)
    if field is None:
        return False
    try:
        address = normalize_email(recipient)
    except ValidationError:
        address = ""
    now = timezone.now()
    with transaction.atomic():
        if message_id:
            OutboxMessage.objects.filter(
                provider_message_id=message_id, **{f"{field}__isnull": True}
            ).update(**{field: now})
        suppress = address and (event == "complained" or (event == "bounced" and permanent))
        if suppress:
            reason = Suppression.Reason.COMPLAINT if event == "complained" else "bounce"
            Suppression.objects.get_or_create(
                channel="email", address=address, defaults={"reason": reason}
            )
        if address and event == "complained":
            for person_id in PersonEmail.objects.filter(normalized=address).values_list(
                "person_id", flat=True
            ):
                person = Person.objects.select_for_update().get(pk=person_id)
                people_services.set_consent(
                    actor=None,
                    person=person,
                    channel=Channel.EMAIL,
                    opted_in=False,
                    source="spam complaint",
                )
        audit.event("email_event", actor=None, event=event, suppressed=bool(suppress))
    return True


# --- Pledges --------------------------------------------------------------------------------


def sign_pledge(
    *,
    pledge: Pledge,
    first_name: str,
    last_name: str,
    email: str,
    zip_code: str,
    phone: str = "",
    email_opt_in: bool = False,
    sms_opt_in: bool = False,
    referrer: str = "",
) -> Signature:
    """Create or match the signer, record consent as given, the signature and the ladder step.

    An existing record is matched, never overwritten by a public form (anyone can type an address).
    """
    if not pledge.is_open:
        raise ValidationError("This page is closed.")
    email_key = normalize_email(email)
    phone_key = normalize_phone(phone) if phone else ""
    source = f"{pledge.kind} {pledge.slug}"[:120]
    with transaction.atomic():
        person, created = people_services.match_public_submission(
            email=email_key,
            phone=phone_key,
            zip_code=zip_code,
            first_name=first_name,
            last_name=last_name,
            source=source,
        )
        wanted = {Channel.EMAIL: email_opt_in, Channel.SMS: sms_opt_in and bool(phone_key)}
        asked = [channel.value for channel, opted_in in wanted.items() if opted_in]
        if created:
            for channel in asked:
                people_services.set_consent(
                    actor=None, person=person, channel=channel, opted_in=True, source=source
                )
        elif asked:
            # An unverified form never raises consent on an existing record: ask by email.
            people_services.ask_to_confirm_consent(
                person=person, wanted=asked, source=source, email=email_key
            )
        signature, new = Signature.objects.get_or_create(
            pledge=pledge, person=person, defaults={"referrer": referrer[:64]}
        )
        if new:
            people_services.record_ladder_step(
                person=person,
                stage=LadderStage.PLEDGED,
                attribution_type=pledge.kind,
                attribution_id=str(pledge.pk),
                attribution_label=(f"{pledge.title} via {referrer}" if referrer else pledge.title),
            )
        audit.event(
            "pledge_signed",
            actor=None,
            target=pledge,
            person_id=person.pk,
            new_person=created,
            new_signature=new,
            referrer=referrer[:64],
        )
        if new:
            link = _site_url() + render.unsubscribe_path(person_id=person.pk)
            send_email_on_commit(
                to=[email_key],
                subject=f"Thank you for signing: {pledge.title}",
                body=(
                    f"Thank you for adding your name to “{pledge.title}”.\n\n"
                    f"Next: {pledge.next_ask_text}\n{_site_url()}{pledge.next_ask_url}\n\n"
                    f"--\n{pledge.legal_entity.disclaimer}\n"
                    f"{pledge.legal_entity.name}, {pledge.legal_entity.postal_address}\n"
                    f"Unsubscribe: {link}\n"
                ),
                headers={
                    "List-Unsubscribe": f"<{link}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
    return signature


def _site_url() -> str:
    from django.conf import settings

    return str(getattr(settings, "SITE_URL", "http://localhost:8000")).rstrip("/")


def create_pledge(
    *,
    actor: Any,
    slug: str,
    title: str,
    statement: str,
    goal: int,
    legal_entity: LegalEntity,
    next_ask_text: str,
    next_ask_url: str,
    kind: str = Pledge.Kind.PLEDGE,
    chapter_id: int | None = None,
) -> Pledge:
    if actor is not None and not permissions.can_send_for(actor, chapter_id):
        raise PermissionDenied("You cannot publish pages for that chapter.")
    with transaction.atomic():
        pledge = Pledge.objects.create(
            slug=slug,
            title=title,
            statement=statement,
            goal=goal,
            legal_entity=legal_entity,
            next_ask_text=next_ask_text,
            next_ask_url=next_ask_url,
            kind=kind,
            chapter_id=chapter_id,
            created_by=actor,
        )
        audit.event("pledge_created", actor=actor, target=pledge)
    return pledge


def create_legal_entity(
    *, actor: Any, name: str, coordination: str, disclaimer: str, postal_address: str
) -> LegalEntity:
    if actor is not None and not permissions.can_send_national(actor):
        raise PermissionDenied("Only national admins register legal entities.")
    with transaction.atomic():
        entity = LegalEntity.objects.create(
            name=name,
            coordination=coordination,
            disclaimer=disclaimer,
            postal_address=postal_address,
        )
        audit.event("legal_entity_created", actor=actor, target=entity)
    return entity
