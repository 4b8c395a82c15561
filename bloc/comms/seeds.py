"""Demo: a national 2028 pledge page with thousands of fictional signers, a sent broadcast with
stats, and a scheduled text. Everyone and everything here is fictional."""

import random
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from bloc.accounts.models import Role, RoleAssignment
from bloc.comms import delivery, services
from bloc.comms.backends.locmem import InMemoryEmail
from bloc.comms.models import Broadcast, OutboxMessage, Signature
from bloc.core.registry import Seed, seeds
from bloc.people.models import ConsentEvent, LadderEvent, LadderStage, Person

PARTNER_CODES = ["seiu-local-1199", "nurses-united", "tenant-union", "dsa-youth", ""]


def _admin() -> Any:
    assignment = (
        RoleAssignment.objects.active()
        .filter(role=Role.NATIONAL_ADMIN)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return assignment.user if assignment else None


def seed_comms(size: int, rng: random.Random) -> dict[str, int]:
    admin = _admin()
    org = services.create_legal_entity(
        actor=None,
        name="Bloc National Organization",
        coordination="nonpartisan",
        disclaimer="Paid for by Bloc National Organization.",
        postal_address="1 Solidarity Plaza, Suite 5, New York, NY 10001",
    )
    services.create_legal_entity(
        actor=None,
        name="Bloc Independent Action Fund",
        coordination="independent",
        disclaimer="Paid for by Bloc Independent Action Fund. Not authorized by any candidate.",
        postal_address="2 Solidarity Plaza, New York, NY 10001",
    )
    pledge = services.create_pledge(
        actor=None,
        slug="left-labor-2028",
        title="I pledge to back a left-labor candidate for president in 2028",
        statement=(
            "Working people need a candidate of our own. I pledge to back a left-labor candidate "
            "for president in the 2028 primary, chosen by member referendum, and to knock doors "
            "with my neighbors and co-workers."
        ),
        goal=10000,
        legal_entity=org,
        next_ask_text="Join your local chapter's next meeting and help choose our candidate.",
        next_ask_url="/chapters/",
    )
    signers = list(
        Person.objects.live()
        .exclude(email="")
        .order_by("id")
        .values_list("id", "chapter_id")[: max(50, min(6000, size // 3))]
    )
    now = timezone.now()
    signatures, steps = [], []
    for person_id, chapter_id in signers:
        code = rng.choice(PARTNER_CODES)
        at = now - timedelta(minutes=rng.randint(0, 60 * 24 * 90))
        signatures.append(
            Signature(pledge=pledge, person_id=person_id, referrer=code, signed_at=at)
        )
        label = f"{pledge.title} via {code}" if code else pledge.title
        steps.append(
            LadderEvent(
                person_id=person_id,
                stage=LadderStage.PLEDGED,
                chapter_id=chapter_id,
                attribution_type="pledge",
                attribution_id=str(pledge.pk),
                attribution_label=label[:200],
                occurred_at=at,
            )
        )
    Signature.objects.bulk_create(signatures, batch_size=2000, ignore_conflicts=True)
    LadderEvent.objects.bulk_create(steps, batch_size=2000)

    sent = 0
    if admin is not None:
        national = services.save_audience(
            actor=admin, name="Members in good standing", member_status="good_standing"
        )
        sender_chapter: int | None = (
            Person.objects.filter(user=admin).values_list("chapter_id", flat=True).first()
        )
        broadcast = services.create_broadcast(
            actor=admin,
            title="Convention report-back",
            channel="email",
            audience=national,
            legal_entity=org,
            chapter_id=sender_chapter,
            subject="{{ first_name|Comrade }}, here is what the convention decided",
            body="Hi {{ first_name|there }},\n\nDelegates from {{ chapter|every chapter }} voted.",
        )
        services.submit_broadcast(actor=admin, broadcast=broadcast)
        InMemoryEmail.reset()
        delivery.run_worker(backends={"email": InMemoryEmail()})
        InMemoryEmail.reset()
        rows = OutboxMessage.objects.filter(broadcast=broadcast, status="sent")
        sent = rows.count()
        ids = list(rows.values_list("id", flat=True))
        rng.shuffle(ids)
        delivered = ids[: int(len(ids) * 0.97)]
        rows.filter(id__in=delivered).update(delivered_at=now)
        rows.filter(id__in=delivered[: int(len(ids) * 0.31)]).update(opened_at=now)
        rows.filter(id__in=delivered[: int(len(ids) * 0.06)]).update(clicked_at=now)
        rows.filter(id__in=ids[int(len(ids) * 0.99) :]).update(bounced_at=now)
        texters = services.save_audience(actor=admin, name="Texters near Riverside")
        ConsentEvent.objects.bulk_create(
            [
                ConsentEvent(person_id=pid, channel="sms", status="opted_in", source="demo seed")
                for pid in Person.objects.live()
                .filter(~Q(phone=""))
                .values_list("id", flat=True)[:200]
            ]
        )
        scheduled = services.create_broadcast(
            actor=admin,
            title="Day of action reminder (text)",
            channel="sms",
            audience=texters,
            legal_entity=org,
            chapter_id=sender_chapter,
            body="{{ first_name|Friend }}, the day of action is Saturday. Bring a neighbor!",
            scheduled_for=now + timedelta(days=3),
        )
        services.submit_broadcast(actor=admin, broadcast=scheduled)
    return {
        "pledge signers": len(signatures),
        "broadcast emails": sent,
        "scheduled texts": Broadcast.objects.filter(status="approved").count(),
    }


seeds.register("comms.pledges", Seed(run=seed_comms, order=70))
