"""'Your Bloc account' invitations: an email broadcast, through the ordinary outbox, whose body
carries each recipient's own one-click sign-in link (`{{ sign_in_link }}`, made when the
message is built for sending: bloc.comms.render). Everything a broadcast guarantees holds:
the sender's scope bounds the audience, national sends wait for a second admin, consent and
suppressions are checked at send time, and each step is audited."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from bloc.comms import audit, permissions, selectors, services
from bloc.comms.models import Broadcast, LegalEntity, SavedAudience

SUBJECT = "Your account is ready: sign in with one click"


def invitation_body() -> str:
    days = int(getattr(settings, "BLOC_SIGN_IN_LINK_DAYS", 14))
    login = settings.SITE_URL.rstrip("/") + "/accounts/login/code/"
    return (
        "Hello {{ first_name|friend }},\n\n"
        "You have an account on our organizing platform: see your chapter, your events and "
        "your dues, and vote in the organization's ballots from your phone.\n\n"
        f"Sign in with one click (the link works once, for {days} days):\n"
        "{{ sign_in_link }}\n\n"
        f"Afterwards, sign in any time at {login} with a code sent to this address: no "
        "password needed.\n"
    )


def send_account_invitations(
    *,
    actor: Any,
    audience: SavedAudience,
    legal_entity: LegalEntity,
    chapter_id: int | None,
    from_name: str = "",
) -> Broadcast:
    """Create and submit the invitation broadcast (chapter sends go out at once; national ones
    wait for another national admin's approval)."""
    if not permissions.can_send_for(actor, chapter_id):
        raise PermissionDenied("You cannot send for that chapter.")
    if audience not in selectors.audiences_for(actor):
        raise PermissionDenied("That audience is outside your scope.")
    with transaction.atomic():
        broadcast = services.create_broadcast(
            actor=actor,
            title=f"Account invitations: {audience.name}"[:200],
            channel=Broadcast.Channel.EMAIL,
            audience=audience,
            legal_entity=legal_entity,
            chapter_id=chapter_id,
            subject=SUBJECT,
            body=invitation_body(),
            from_name=from_name,
        )
        audit.event(
            "account_invitations_created", actor=actor, target=broadcast, audience_id=audience.pk
        )
        services.submit_broadcast(actor=actor, broadcast=broadcast)
    return broadcast
