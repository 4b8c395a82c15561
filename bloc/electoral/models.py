"""Elections, races, candidates, questionnaires and the endorsement pipeline.

An endorsement is one chapter's or the national organization's decision about one candidacy. Its
`stage` moves only in services, each move recorded as an `EndorsementStep` saying who decided,
when and under which rule. Member votes are democracy ballots whose subject is the endorsement.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from bloc.core.models import TimeStampedModel
from bloc.democracy.models import Ballot
from bloc.people.models import Chapter, Person
from bloc.program.models import Plank, Position

OCD_DIVISION_RE = re.compile(r"^ocd-division/country:us(/[a-z_]+:[a-z0-9_.~\-]+)*$")


def validate_ocd_division(value: str) -> None:
    """Open Civic Data division ids, e.g. ocd-division/country:us/state:ca/cd:12."""
    if not OCD_DIVISION_RE.match(value or ""):
        raise ValidationError(
            "Use an Open Civic Data division id, e.g. ocd-division/country:us/state:ca/cd:12."
        )


class Level(models.TextChoices):
    FEDERAL = "federal", "Federal"
    STATE = "state", "State"
    LOCAL = "local", "Local"


class Election(models.Model):
    class Type(models.TextChoices):
        PRIMARY = "primary", "Primary"
        GENERAL = "general", "General"
        RUNOFF = "runoff", "Runoff"
        SPECIAL = "special", "Special"
        PRESIDENTIAL_PREFERENCE = "presidential_preference", "Presidential preference"

    name = models.CharField(max_length=200)
    cycle = models.PositiveSmallIntegerField(help_text="The election year, e.g. 2026.")
    election_type = models.CharField(max_length=24, choices=Type.choices)
    state = models.CharField(max_length=2, blank=True, help_text="Empty for a national election.")
    held_on = models.DateField()

    class Meta:
        ordering = ["-cycle", "held_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cycle__gte=1990) & Q(cycle__lte=2100), name="election_cycle_range"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Race(models.Model):
    class RunoffRule(models.TextChoices):
        NONE = "none", "Plurality, no runoff"
        MAJORITY = "majority", "Runoff unless someone wins a majority"
        THRESHOLD = "threshold", "Runoff below a set share"
        TOP_TWO = "top_two", "Top two advance"

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="races")
    office = models.CharField(max_length=200)
    level = models.CharField(max_length=8, choices=Level.choices)
    state = models.CharField(max_length=2, blank=True)
    district = models.CharField(max_length=20, blank=True, help_text="As the FEC writes it.")
    ocd_division_id = models.CharField(max_length=200, validators=[validate_ocd_division])
    seats = models.PositiveSmallIntegerField(default=1)
    runoff_rule = models.CharField(max_length=10, choices=RunoffRule.choices, default="none")
    runoff_threshold_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    filing_deadline_on = models.DateField(null=True, blank=True)
    petition_deadline_on = models.DateField(null=True, blank=True)
    application_deadline_on = models.DateField(
        null=True, blank=True, help_text="Last day for a chapter to apply for national endorsement."
    )
    primary_on = models.DateField(null=True, blank=True)
    general_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["state", "office"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(runoff_rule="threshold")
                | Q(
                    runoff_threshold_percent__isnull=False,
                    runoff_threshold_percent__gte=1,
                    runoff_threshold_percent__lte=99,
                ),
                name="race_runoff_threshold_set",
            ),
            models.UniqueConstraint(
                fields=["election", "ocd_division_id", "office"], name="race_unique_per_election"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} ({self.election.cycle})"

    def deadlines(self) -> list[tuple[str, object]]:
        named = [
            ("Filing", self.filing_deadline_on),
            ("Petition", self.petition_deadline_on),
            ("Endorsement application", self.application_deadline_on),
            ("Primary", self.primary_on),
            ("General", self.general_on),
        ]
        return [(label, day) for label, day in named if day is not None]


class Candidate(TimeStampedModel):
    """A real person running for office; only fictional ones in demo and tests."""

    full_name = models.CharField(max_length=200)
    fec_candidate_id = models.CharField(max_length=9, blank=True)
    party = models.CharField(max_length=40, blank=True)
    is_member = models.BooleanField(default=False, help_text="A member of the organization.")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    union_ties = models.CharField(max_length=300, blank=True)
    website = models.URLField(blank=True)
    contact_email = models.EmailField(blank=True, help_text="Where the questionnaire link goes.")

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["fec_candidate_id"],
                condition=~Q(fec_candidate_id=""),
                name="candidate_fec_id_unique",
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class Candidacy(TimeStampedModel):
    class Status(models.TextChoices):
        EXPLORING = "exploring", "Exploring"
        DECLARED = "declared", "Declared"
        FILED = "filed", "Filed"
        ON_BALLOT = "on_ballot", "On the ballot"
        WON = "won", "Won"
        LOST = "lost", "Lost"
        WITHDRAWN = "withdrawn", "Withdrawn"

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="candidacies")
    race = models.ForeignKey(Race, on_delete=models.PROTECT, related_name="candidacies")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.EXPLORING)
    declared_at = models.DateTimeField(null=True, blank=True)
    filed_at = models.DateTimeField(null=True, blank=True)
    on_ballot_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Won, lost or withdrew.")

    class Meta:
        ordering = ["candidate__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "race"], name="candidacy_once_per_race")
        ]

    def __str__(self) -> str:
        return f"{self.candidate} for {self.race}"


class FecImport(models.Model):
    """One upload of the FEC candidate master file, with its per-row report."""

    file_name = models.CharField(max_length=200)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, help_text="[{row, cand_id, outcome, reason}, ...]")

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"FEC import of {self.file_name}"


# Questionnaires ------------------------------------------------------------------------------


class Questionnaire(models.Model):
    key = models.SlugField(max_length=80, help_text="Shared by every version.")
    version = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=8, choices=Level.choices, default=Level.FEDERAL)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="questionnaire_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Free text"
        YES_NO = "yes_no", "Yes or no"
        CHOICE = "choice", "Choice"

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField()
    prompt = models.TextField(max_length=2000)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    word_limit = models.PositiveSmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True, help_text="Choice: the options.")
    plank = models.ForeignKey(
        Plank, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer_positions = models.JSONField(
        default=dict,
        blank=True,
        help_text='How answers map to a stance on the plank, e.g. {"Yes": "supports"}.',
    )

    class Meta:
        ordering = ["questionnaire_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="question_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Q{self.position}"

    def options(self) -> list[str]:
        if self.kind == self.Kind.YES_NO:
            return ["Yes", "No"]
        return list(self.choices) if self.kind == self.Kind.CHOICE else []

    def position_for(self, answer: str) -> str:
        return str(self.answer_positions.get(answer, Position.UNKNOWN))


class QuestionnaireResponse(models.Model):
    """A candidacy's answers, reached through a private signed link (no account needed)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="responses"
    )
    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.PROTECT, related_name="questionnaire_responses"
    )
    nonce = models.CharField(max_length=32, help_text="Part of the link; replaced to revoke it.")
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "candidacy"], name="response_once_per_candidacy"
            )
        ]

    def __str__(self) -> str:
        return f"Response of candidacy #{self.candidacy_id}"


class Answer(models.Model):
    response = models.ForeignKey(
        QuestionnaireResponse, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.TextField(max_length=20000)

    class Meta:
        ordering = ["question__position"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"Answer to {self.question}"


# Committees ----------------------------------------------------------------------------------


class Committee(models.Model):
    """An assessing committee. Its members hold Role.COMMITTEE_MEMBER scoped to its id."""

    name = models.CharField(max_length=200, unique=True)
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommitteeSeat(models.Model):
    """Seats are allotted across bodies and tendencies; a seat may be vacant."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="seats")
    body = models.CharField(max_length=120, help_text="E.g. National Political Committee.")
    tendency = models.CharField(max_length=120, blank=True, help_text="Empty for an open seat.")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["committee_id", "body", "tendency", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "holder"],
                condition=Q(holder__isnull=False),
                name="seat_one_per_holder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.body} seat"


class TendencyAffiliation(models.Model):
    """Opt-in, and shown only to members of the same committee."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="tendencies")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tendency = models.CharField(max_length=120)
    opted_in_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tendency"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"], name="tendency_once_per_member")
        ]

    def __str__(self) -> str:
        return self.tendency


# The endorsement pipeline --------------------------------------------------------------------


class EndorsementPolicy(models.Model):
    """Which stages run, with what thresholds and windows. A chapter's own policy wins over the
    default for its level (chapter empty)."""

    class Scope(models.TextChoices):
        CHAPTER = "chapter", "Chapter endorsement"
        NATIONAL = "national", "National endorsement"

    scope = models.CharField(max_length=8, choices=Scope.choices)
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    petition_signatures = models.PositiveSmallIntegerField(
        default=0, help_text="Members in good standing needed to start by petition; 0: by form."
    )
    requires_questionnaire = models.BooleanField(default=True)
    requires_forum = models.BooleanField(default=True)
    requires_recommendation = models.BooleanField(default=True)
    requires_one_on_one = models.BooleanField(default=True)
    requires_dossier = models.BooleanField(default=True)
    requires_assessment = models.BooleanField(default=True)
    requires_vote = models.BooleanField(default=True)
    vote_is_binding = models.BooleanField(default=True)
    vote_threshold = models.CharField(
        max_length=8, choices=Ballot.Threshold.choices, default=Ballot.Threshold.MAJORITY
    )
    vote_window_days = models.PositiveSmallIntegerField(default=7)
    requires_ratification = models.BooleanField(default=False)
    warn_days_ahead = models.PositiveSmallIntegerField(default=21)

    class Meta:
        ordering = ["scope", "chapter_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope"], condition=Q(chapter__isnull=True), name="policy_one_default"
            ),
            models.UniqueConstraint(
                fields=["scope", "chapter"],
                condition=Q(chapter__isnull=False),
                name="policy_one_per_chapter",
            ),
            models.CheckConstraint(
                condition=Q(vote_window_days__gte=1), name="policy_vote_window_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} policy"


class Stage(models.TextChoices):
    INTAKE = "intake", "Intake"
    APPLICATION = "application", "Chapter application"
    ONE_ON_ONE = "one_on_one", "One-on-one"
    QUESTIONNAIRE = "questionnaire", "Questionnaire"
    FORUM = "forum", "Forum"
    DOSSIER = "dossier", "Dossier"
    ASSESSMENT = "assessment", "Committee assessment"
    RECOMMENDATION = "recommendation", "Committee recommendation"
    MEMBER_VOTE = "member_vote", "Member vote"
    RATIFICATION = "ratification", "Ratification"
    ENDORSED = "endorsed", "Endorsed"
    SUSPENDED = "suspended", "Suspended"
    RESCISSION_REQUESTED = "rescission_requested", "Rescission requested"
    RESCINDED = "rescinded", "Rescinded"
    NOT_ENDORSED = "not_endorsed", "Not endorsed"
    WITHDRAWN = "withdrawn", "Withdrawn"


CLOSED_STAGES = (Stage.RESCINDED, Stage.NOT_ENDORSED, Stage.WITHDRAWN)


class CoordinationMode(models.TextChoices):
    INDEPENDENT = "independent", "Independent expenditure"
    COORDINATED = "coordinated", "Coordinated with the campaign"


class Endorsement(TimeStampedModel):
    class Recommendation(models.TextChoices):
        NONE = "", "Not yet"
        ENDORSE = "endorse", "Endorse"
        DO_NOT_ENDORSE = "do_not_endorse", "Do not endorse"

    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="endorsements")
    scope = models.CharField(max_length=8, choices=EndorsementPolicy.Scope.choices)
    chapter = models.ForeignKey(
        Chapter,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The endorsing chapter, or for national the chapter that applied.",
    )
    policy = models.ForeignKey(EndorsementPolicy, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=24, choices=Stage.choices)
    intake_method = models.CharField(
        max_length=8, choices=[("form", "Form"), ("petition", "Petition")], default="form"
    )
    chapter_endorsement = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="national_applications",
    )
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.PROTECT, related_name="endorsements"
    )
    one_on_one_notes = models.TextField(blank=True, max_length=5000)
    forum_notes = models.TextField(blank=True, max_length=5000)
    race_analysis = models.TextField(blank=True, max_length=10000)
    win_number = models.PositiveIntegerField(null=True, blank=True)
    field_plan = models.TextField(blank=True, max_length=10000)
    chapter_capacity = models.TextField(blank=True, max_length=5000)
    recommendation = models.CharField(
        max_length=16, choices=Recommendation.choices, default="", blank=True
    )
    committee_votes_for = models.PositiveSmallIntegerField(null=True, blank=True)
    committee_votes_against = models.PositiveSmallIntegerField(null=True, blank=True)
    committee_abstentions = models.PositiveSmallIntegerField(null=True, blank=True)
    ballot = models.ForeignKey(
        Ballot, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vote_passed = models.BooleanField(null=True, blank=True)
    rescission_ballot = models.ForeignKey(
        Ballot, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    legal_entity = models.CharField(
        max_length=120, default="Bloc Independent Expenditure PAC", help_text="Who spends."
    )
    coordination_mode = models.CharField(
        max_length=12, choices=CoordinationMode.choices, default=CoordinationMode.INDEPENDENT
    )
    coordinated_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    questionnaire_at = models.DateTimeField(null=True, blank=True)
    forum_at = models.DateTimeField(null=True, blank=True)
    one_on_one_at = models.DateTimeField(null=True, blank=True)
    dossier_at = models.DateTimeField(null=True, blank=True)
    recommended_at = models.DateTimeField(null=True, blank=True)
    vote_at = models.DateTimeField(null=True, blank=True)
    ratified_at = models.DateTimeField(null=True, blank=True)
    endorsed_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    rescission_requested_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="Not endorsed, withdrawn or rescinded."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidacy", "scope", "chapter"],
                condition=~Q(stage__in=["rescinded", "not_endorsed", "withdrawn"]),
                name="endorsement_one_live_per_chapter",
            ),
            models.UniqueConstraint(
                fields=["candidacy"],
                condition=Q(scope="national")
                & ~Q(stage__in=["rescinded", "not_endorsed", "withdrawn"]),
                name="endorsement_one_live_national",
            ),
            models.CheckConstraint(
                condition=Q(coordination_mode="independent", coordinated_at__isnull=True)
                | Q(coordination_mode="coordinated", coordinated_at__isnull=False),
                name="endorsement_coordination_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} of {self.candidacy}"

    @property
    def is_national(self) -> bool:
        return self.scope == EndorsementPolicy.Scope.NATIONAL

    @property
    def is_closed(self) -> bool:
        return self.stage in CLOSED_STAGES


class EndorsementStep(models.Model):
    """Who moved an endorsement, when, and under which rule. Append-only by convention."""

    endorsement = models.ForeignKey(Endorsement, on_delete=models.CASCADE, related_name="steps")
    from_stage = models.CharField(max_length=24, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=24, choices=Stage.choices)
    decided_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule = models.CharField(max_length=300)
    note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage or 'start'} → {self.to_stage}"


class PetitionSignature(models.Model):
    endorsement = models.ForeignKey(
        Endorsement, on_delete=models.CASCADE, related_name="signatures"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["endorsement", "person"], name="petition_sign_once")
        ]

    def __str__(self) -> str:
        return f"Signature on endorsement #{self.endorsement_id}"


class Assessment(models.Model):
    """A committee member's written assessment of a national application."""

    endorsement = models.ForeignKey(
        Endorsement, on_delete=models.CASCADE, related_name="assessments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=10000)
    recommendation = models.CharField(
        max_length=16,
        choices=[
            ("endorse", "Endorse"),
            ("do_not_endorse", "Do not endorse"),
        ],
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["written_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["endorsement", "author"], name="assessment_once")
        ]

    def __str__(self) -> str:
        return f"Assessment of endorsement #{self.endorsement_id}"


class Condition(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        MET = "met", "Met"
        BREACHED = "breached", "Breached"

    endorsement = models.ForeignKey(
        Endorsement, on_delete=models.CASCADE, related_name="conditions"
    )
    text = models.CharField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text


class RecordedVote(models.Model):
    """An endorsed elected's vote measured against a plank: the lines of their report card."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="votes")
    plank = models.ForeignKey(Plank, on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(max_length=200, help_text="The bill or roll call.")
    voted_on = models.DateField()
    position = models.CharField(
        max_length=10, choices=[(p.value, p.label) for p in Position if p != Position.UNKNOWN]
    )
    source_url = models.URLField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-voted_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidacy", "plank", "measure"], name="recorded_vote_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} ({self.voted_on})"
