"""Identity is frozen with the roll: while a ballot's roll is live (frozen, and the result not
final), nobody on it may be merged, re-addressed, moved to another chapter or given another
login, so that nobody votes twice or in someone else's place (docs/voting-security.md)."""

from bloc.core.registry import identity_locks
from bloc.democracy.models import Ballot, VoterRollEntry

#: From freezing the roll until the result is final: a vote can be cast, counted or
#: challenged, and a person on the roll must stay who they were at freeze.
LIVE = (
    Ballot.Status.ROLL_FROZEN,
    Ballot.Status.OPEN,
    Ballot.Status.CLOSED,
    Ballot.Status.TALLIED,
    Ballot.Status.CERTIFIED,
    Ballot.Status.CHALLENGED,
)


def on_live_roll(person_ids: list[int]) -> str:
    title = (
        VoterRollEntry.objects.filter(person_id__in=person_ids, ballot__status__in=LIVE)
        .values_list("ballot__title", flat=True)
        .first()
    )
    if title is None:
        return ""
    return (
        f"This person is on the voter roll of “{title}”, which is not final yet. Their record "
        "cannot be merged, re-addressed (email or phone) or moved to another chapter until the "
        "result is final, so that nobody can vote twice or in someone else's place."
    )


identity_locks.register("democracy.live-roll", on_live_roll)
