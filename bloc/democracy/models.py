"""Ballots, their options, the frozen voter roll, and the anonymous ballot box.

Secrecy rests on three separations (docs/decisions/0201-ballot-secrecy.md):
- who voted lives in `Participation` (one row per roll entry, a database constraint);
- what was voted lives in `SealedBallot`, ciphertexts sealed to the ballot's public key, with
  random UUID keys and no timestamps or voter columns;
- the private key is never stored: it is split among trustees when the roll is frozen.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from bloc.people.models import Chapter, Person


class FrozenRowError(Exception):
    """Raised when code tries to change or delete a row that must never change."""


class Ballot(models.Model):
    class Kind(models.TextChoices):
        ADVISORY_POLL = "advisory_poll", "Advisory poll"
        REFERENDUM = "referendum", "Binding referendum"
        LEADERSHIP = "leadership", "Leadership election"
        DELEGATES = "delegates", "Delegate election"
        CHAPTER_VOTE = "chapter_vote", "Chapter vote"
        ENDORSEMENT = "endorsement", "Endorsement vote"

    class Method(models.TextChoices):
        YES_NO = "yes_no", "Yes / no / abstain"
        APPROVAL = "approval", "Approval"
        IRV = "irv", "Instant runoff (IRV)"
        STV = "stv", "Single transferable vote (STV)"
        SCHULZE = "schulze", "Condorcet (Schulze)"

    class Threshold(models.TextChoices):
        MAJORITY = "majority", "More than half"
        TWO_THIRDS = "2/3", "Two thirds"
        THREE_FIFTHS = "3/5", "Three fifths"

    class StvRule(models.TextChoices):
        SCOTLAND = "scotland", "Scottish STV (2007 rules)"
        MEEK = "meek", "Meek STV"
        WIGM = "wigm", "Weighted inclusive Gregory"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        NOTICED = "noticed", "Notice given"
        ROLL_FROZEN = "roll_frozen", "Voter roll frozen"
        OPEN = "open", "Open for voting"
        CLOSED = "closed", "Closed"
        TALLIED = "tallied", "Tallied"
        CERTIFIED = "certified", "Certified"
        CHALLENGED = "challenged", "Challenged"
        FINAL = "final", "Final"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=10000)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    method = models.CharField(max_length=12, choices=Method.choices)
    seats = models.PositiveSmallIntegerField(default=1)
    threshold = models.CharField(max_length=8, choices=Threshold.choices, default="majority")
    quorum_share = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=0,
        help_text="Share of the electorate that must vote, e.g. 0.100 for 10%.",
    )
    stv_rule = models.CharField(max_length=10, choices=StvRule.choices, default="scotland")
    max_marks = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Approval: the most options a voter may mark."
    )
    chapter = models.ForeignKey(
        Chapter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ballots",
        help_text="Empty means a national ballot.",
    )
    cutoff_on = models.DateField(help_text="Members in good standing on this date may vote.")
    grace_days = models.PositiveSmallIntegerField(default=0)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    subject_type = models.CharField(
        max_length=60, blank=True, help_text="What this ballot decides, e.g. electoral.candidacy."
    )
    subject_id = models.CharField(max_length=64, blank=True)
    trustee_threshold = models.PositiveSmallIntegerField(default=2)
    trustee_count = models.PositiveSmallIntegerField(default=3)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    noticed_at = models.DateTimeField(null=True, blank=True)
    roll_frozen_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    tallied_at = models.DateTimeField(null=True, blank=True)
    certified_at = models.DateTimeField(null=True, blank=True)
    challenged_at = models.DateTimeField(null=True, blank=True)
    challenge = models.TextField(blank=True, max_length=4000)
    final_at = models.DateTimeField(null=True, blank=True)
    challenge_outcome = models.TextField(blank=True, max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    roll_size = models.PositiveIntegerField(null=True, blank=True)
    roll_fingerprint = models.CharField(max_length=64, blank=True)
    public_key = models.CharField(max_length=64, blank=True, help_text="X25519 key, hex.")
    board_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="ballot_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(trustee_threshold__gte=1)
                & Q(trustee_count__gte=models.F("trustee_threshold")),
                name="ballot_trustees_k_of_n",
            ),
            models.CheckConstraint(
                condition=Q(quorum_share__gte=0) & Q(quorum_share__lte=1),
                name="ballot_quorum_share_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_public_result(self) -> bool:
        return self.status in (self.Status.CERTIFIED, self.Status.CHALLENGED, self.Status.FINAL)

    @property
    def is_national(self) -> bool:
        return self.chapter_id is None

    @property
    def is_ranked(self) -> bool:
        return self.method in (self.Method.IRV, self.Method.STV, self.Method.SCHULZE)


class Option(models.Model):
    """A choice on a ballot: a candidate, or yes / no / abstain."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "position"], name="option_position_unique"),
            models.UniqueConstraint(fields=["ballot", "label"], name="option_label_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class FrozenQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise FrozenRowError("The voter roll cannot change once frozen.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise FrozenRowError("The voter roll cannot change once frozen.")


class VoterRollEntry(models.Model):
    """One eligible member on a frozen roll. Written once, at freeze; never changed."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="roll")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    chapter_id_at_freeze = models.BigIntegerField(null=True, blank=True)
    email_at_freeze = models.EmailField(
        blank=True,
        help_text="Where this voter's personal voting code goes: the address on file at freeze.",
    )

    objects = FrozenQuerySet.as_manager()

    class Meta:
        ordering = ["person_id"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "person"], name="roll_one_entry_per_person")
        ]

    def __str__(self) -> str:
        return f"Roll entry of person #{self.person_id} on ballot #{self.ballot_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise FrozenRowError("The voter roll cannot change once frozen.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise FrozenRowError("The voter roll cannot change once frozen.")


class Participation(models.Model):
    """That a roll entry has voted — never what. The one-to-one key is one member, one vote.

    A random UUID key and no timestamp, so participations cannot be put in casting order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    roll_entry = models.OneToOneField(
        VoterRollEntry, on_delete=models.PROTECT, related_name="participation"
    )

    def __str__(self) -> str:
        return "Participation"


class SealedBallot(models.Model):
    """One cast ballot, sealed to the ballot's public key and padded to a fixed size.

    No voter, no timestamp, a random key: nothing here says who cast it or when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="box")
    ciphertext = models.BinaryField()
    tracker = models.CharField(max_length=32)

    class Meta:
        ordering = ["tracker"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "tracker"], name="box_tracker_unique")
        ]

    def __str__(self) -> str:
        return self.tracker


class PendingBallot(models.Model):
    """A cast ballot waiting to be mixed into the box (docs/voting-security.md, "Unlinkable
    writes"). It is written in the casting transaction, next to the participation, so a vote is
    never half-stored; but it holds the sealed ballot only under a second layer of encryption
    (a key derived from the server's secret, never stored), so a dump, a replica or a live read
    that pairs it with its participation (same transaction id, neighbouring rows) learns nothing
    it can match to the box. A mixing job moves pending ballots into `SealedBallot` in batches,
    in random order, in its own transaction; closing mixes what is left."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="pending")
    wrapped = models.BinaryField()

    def __str__(self) -> str:
        return "Pending ballot"


class BallotResult(models.Model):
    """The published record of a tallied ballot: shuffled plaintexts and the engine's result."""

    ballot = models.OneToOneField(Ballot, on_delete=models.PROTECT, related_name="result")
    ballots_blt = models.TextField(help_text="The shuffled ballots, one a line (BLT format).")
    ballots_sha256 = models.CharField(max_length=64)
    data = models.JSONField(help_text="The tally engine's result, every round.")
    round_table = models.TextField(blank=True)
    recount_command = models.CharField(max_length=200)
    turnout = models.PositiveIntegerField()
    quorum_met = models.BooleanField()
    winners = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"Result of ballot #{self.ballot_id}"


class Apportionment(models.Model):
    """Convention delegates per chapter as adopted on a date (see apportionment.py)."""

    title = models.CharField(max_length=200)
    as_of_on = models.DateField(help_text="Members in good standing on this date count.")
    grace_days = models.PositiveSmallIntegerField(default=0)
    members_per_delegate = models.PositiveIntegerField()
    rounding = models.CharField(max_length=8)
    minimum = models.PositiveSmallIntegerField(default=1)
    allocations = models.JSONField(help_text="[{chapter_id, members, delegates}, ...]")
    total_delegates = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-as_of_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(members_per_delegate__gte=1), name="apportionment_per_positive"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Proposal(models.Model):
    """A resolution, or an amendment to one (`amends`), gathering co-sponsors before a vote."""

    class Status(models.TextChoices):
        GATHERING = "gathering", "Gathering co-sponsors"
        READY = "ready", "Ready for a vote"
        ACCEPTED = "accepted", "Accepted by the author"
        ON_BALLOT = "on_ballot", "On a ballot"
        WITHDRAWN = "withdrawn", "Withdrawn"

    title = models.CharField(max_length=200)
    text = models.TextField(max_length=20000)
    chapter = models.ForeignKey(
        Chapter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text="Empty means national.",
    )
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    cosponsors_needed = models.PositiveSmallIntegerField(default=10)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.GATHERING)
    submitted_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    balloted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    ballot = models.ForeignKey(
        Ballot, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["amends"], condition=Q(status="accepted"), name="one_accepted_amendment"
            )
        ]

    def __str__(self) -> str:
        return self.title


class CoSponsorship(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="cosponsors")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "person"], name="one_signature_each")
        ]

    def __str__(self) -> str:
        return f"Co-sponsorship of #{self.proposal_id}"


class Comment(models.Model):
    """Debate: threaded, with a stance. Moderators hide with a reason; nothing is deleted."""

    class Stance(models.TextChoices):
        FOR = "for", "For"
        AGAINST = "against", "Against"
        QUESTION = "question", "Question"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(max_length=8, choices=Stance.choices)
    body = models.TextField(max_length=5000)
    posted_at = models.DateTimeField(auto_now_add=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["posted_at", "id"]

    def __str__(self) -> str:
        return f"Comment #{self.pk} on proposal #{self.proposal_id}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class VotingCode(models.Model):
    """A personal voting code for a roll entry (by email, or printed and mailed). Only its
    SHA-256 is stored; the code itself is sent once and never kept."""

    roll_entry = models.OneToOneField(
        VoterRollEntry, on_delete=models.PROTECT, related_name="voting_code"
    )
    code_sha256 = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"Voting code for roll entry #{self.roll_entry_id}"


class IdentityOverride(models.Model):
    """A national admin's exception to "identity is frozen with the roll" for one person: asked
    by one national admin, approved by another, for a short time (docs/voting-security.md)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for a second national admin"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("requested_by")),
                name="override_two_people",
            )
        ]

    def __str__(self) -> str:
        return f"Identity override for person #{self.person_id} ({self.status})"
