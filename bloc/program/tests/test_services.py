import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bloc.core.models import AuditEvent
from bloc.program import selectors, services
from bloc.program.models import Plank, Stance
from bloc.program.tests.helpers import adopted, draft

pytestmark = pytest.mark.django_db


def test_a_plank_moves_from_draft_through_comment_to_adopted():
    plank = draft()
    with pytest.raises(ValidationError):
        services.adopt_plank(actor=None, plank=plank, rule="too early")
    services.open_for_comment(actor=None, plank=plank)
    services.adopt_plank(actor=None, plank=plank, rule="2025 convention")
    plank.refresh_from_db()
    assert plank.status == Plank.Status.ADOPTED
    assert plank.opened_at and plank.adopted_at and plank.adopted_rule == "2025 convention"
    assert AuditEvent.objects.filter(action="program.plank_adopted", target_id=plank.pk).exists()


def test_adopting_a_revision_supersedes_the_version_in_force_and_keeps_stances():
    first = adopted()
    services.record_stance(
        actor=None,
        plank=first,
        holder_type=Stance.HolderType.PARTNER,
        holder_id=7,
        holder_name="Fictional Nurses Union",
        position="supports",
        source="statement",
        source_detail="Press release, March 2026",
    )
    revision = services.revise_plank(actor=None, plank=first, text="A stronger, longer new text.")
    assert revision.version == 2 and revision.status == Plank.Status.DRAFT
    with pytest.raises(ValidationError):
        services.revise_plank(actor=None, plank=first, text="A second parallel revision text.")
    services.open_for_comment(actor=None, plank=revision)
    services.adopt_plank(actor=None, plank=revision, rule="ballot")
    first.refresh_from_db()
    assert first.status == Plank.Status.SUPERSEDED and first.superseded_at
    assert list(selectors.adopted_planks()) == [revision]
    assert Stance.objects.get().plank == revision


def test_only_national_admins_change_the_program(personas):
    with pytest.raises(PermissionDenied):
        services.draft_plank(
            actor=personas.organizer_a, section="S", title="Sneaky", text="Not allowed to draft."
        )
    plank = services.draft_plank(
        actor=personas.admin, section="S", title="Allowed", text="National admins may draft."
    )
    assert plank.created_by == personas.admin


def test_alignment_is_explained_and_ignores_unknown_stances():
    health = adopted("Medicare for All", order=1)
    labor = adopted("The PRO Act", order=2)
    adopted("Homes for all", order=3)
    for plank, position in ((health, "supports"), (labor, "partial")):
        services.record_stance(
            actor=None,
            plank=plank,
            holder_type=Stance.HolderType.CANDIDATE,
            holder_id=1,
            holder_name="Fictional Candidate",
            position=position,
            source="vote",
            source_detail="Roll call 12",
        )
    score = selectors.alignment(Stance.HolderType.CANDIDATE, 1)
    assert score.percent == 75
    assert score.counted == 2
    assert "1.5 points on 2 of 3" in score.summary
    assert "Homes for all: no stance recorded — not counted." in [
        line.explanation for line in score.lines
    ]
    assert selectors.alignment(Stance.HolderType.CANDIDATE, 2).percent is None


def test_a_certified_plank_ballot_adopts_the_plank(personas, django_capture_on_commit_callbacks):
    from bloc.democracy.tests.helpers import YES, counted, opened, vote

    plank = draft("Public broadband")
    services.open_for_comment(actor=None, plank=plank)
    ballot, shares = opened(subject_type="program.plank", subject_id=str(plank.pk))
    vote(ballot, personas.person_member_a, [YES])
    with django_capture_on_commit_callbacks(execute=True):
        counted(ballot, shares)
    plank.refresh_from_db()
    assert plank.status == Plank.Status.ADOPTED
    assert f"#{ballot.pk}" in plank.adopted_rule
