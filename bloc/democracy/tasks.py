"""Background work for ballots: personal voting codes by email, and mixing cast ballots into the
box. Neither task's arguments hold a secret: codes are derived again at send time from the voting
secret (docs/voting-security.md), so the task table, its results and the admin never show one."""

import logging
import smtplib
from datetime import timedelta

from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import task

from bloc.core.navigation import cached_reverse
from bloc.core.registry import PeriodicJob, periodic_jobs
from bloc.core.tasks import backoff_delay
from bloc.democracy import services
from bloc.democracy.models import Ballot, VoterRollEntry

logger = logging.getLogger(__name__)

#: Sends to try before a batch gives up (each retry carries only the ids not yet sent).
MAX_ATTEMPTS = 6
_TEMPORARY = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, OSError)


def _code_email(ballot: Ballot, code: str) -> tuple[str, str]:
    from django.conf import settings

    vote_url = settings.SITE_URL.rstrip("/") + cached_reverse(
        "democracy:ballot-vote-by-code", ballot.pk
    )
    subject = f"Your voting code: {ballot.title}"
    body = (
        f"You may vote in “{ballot.title}” from {ballot.opens_at:%B %d, %Y %H:%M} "
        f"to {ballot.closes_at:%B %d, %Y %H:%M} UTC.\n\n"
        f"Your personal voting code: {code}\n\nVote at {vote_url}\n\n"
        "Keep this code private: it can be used once. You can also vote by signing in.\n"
    )
    return subject, body


@task()
def send_voting_codes(ballot_id: int, entry_ids: list[int], attempt: int = 0) -> int:
    """Email each roll entry its personal code, derived now and held only in this function.

    Only entries whose stored hash matches the derived code are sent (a changed voting secret
    would otherwise mail codes that do not work: those are logged, by count, and skipped). On a
    temporary mail failure the entries not yet sent are queued again with backoff."""
    ballot = Ballot.objects.filter(pk=ballot_id).first()
    if ballot is None or ballot.status not in (Ballot.Status.ROLL_FROZEN, Ballot.Status.OPEN):
        return 0
    entries = {
        e.pk: e
        for e in VoterRollEntry.objects.filter(
            ballot_id=ballot_id, pk__in=entry_ids, participation__isnull=True
        ).select_related("voting_code")
    }
    sent = mismatched = 0
    for position, entry_id in enumerate(entry_ids):
        entry = entries.get(entry_id)
        if entry is None or not entry.email_at_freeze:
            continue
        code = services.voting_code_for(ballot, entry.pk)
        if services.code_hash(code) != entry.voting_code.code_sha256:
            mismatched += 1
            continue
        subject, body = _code_email(ballot, code)
        try:
            EmailMessage(subject=subject, body=body, to=[entry.email_at_freeze]).send()
        except _TEMPORARY as exc:
            rest = entry_ids[position:]
            if attempt + 1 >= MAX_ATTEMPTS:
                logger.error(
                    "voting codes for ballot %s: gave up on %d entries (%s)",
                    ballot_id,
                    len(rest),
                    type(exc).__name__,
                )
                raise
            delay = backoff_delay(attempt)
            retry = send_voting_codes
            if retry.get_backend().supports_defer:
                retry = retry.using(run_after=timezone.now() + delay)
            retry.enqueue(ballot_id=ballot_id, entry_ids=rest, attempt=attempt + 1)
            logger.warning(
                "voting codes for ballot %s: %d left, retry in %ss (%s)",
                ballot_id,
                len(rest),
                int(delay.total_seconds()),
                type(exc).__name__,
            )
            break
        sent += 1
    if mismatched:
        logger.error(
            "voting codes for ballot %s: %d codes no longer match their hash (was the voting "
            "secret changed?); not sent",
            ballot_id,
            mismatched,
        )
    return sent


def _mix() -> None:
    mixed = services.mix_open_ballots()
    if mixed:
        logger.info("mixed %d cast ballots into their boxes", mixed)


periodic_jobs.register(
    "democracy.mix-pending-ballots", PeriodicJob(run=_mix, every=timedelta(minutes=1))
)
