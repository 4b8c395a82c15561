"""The only write path for the program."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from bloc.program import audit, permissions
from bloc.program.models import Plank, Position, Stance


def _require_editor(actor: Any) -> None:
    # actor=None is the system: seeds, and reactions to certified ballots.
    if actor is not None and not permissions.can_edit_program(actor):
        raise PermissionDenied("You may not change the program.")


def _locked(plank: Plank, *expected: str) -> Plank:
    fresh = Plank.objects.select_for_update().get(pk=plank.pk)
    if fresh.status not in expected:
        raise ValidationError(f"This plank is {fresh.get_status_display().lower()}.")
    return fresh


def draft_plank(*, actor: Any, section: str, title: str, text: str, order: int = 0) -> Plank:
    _require_editor(actor)
    key = slugify(title)[:80]
    if not key:
        raise ValidationError("A plank needs a title.")
    if Plank.objects.filter(key=key).exists():
        raise ValidationError("A plank with this title exists; revise it instead.")
    with transaction.atomic():
        plank = Plank.objects.create(
            key=key,
            section=section.strip(),
            title=title.strip(),
            text=text.strip(),
            order=order,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.plank_step(actor=actor, plank=plank, step="drafted")
    return plank


def revise_plank(*, actor: Any, plank: Plank, text: str, title: str = "") -> Plank:
    """A new draft version of an adopted plank; adopting it supersedes the one in force."""
    _require_editor(actor)
    with transaction.atomic():
        current = _locked(plank, Plank.Status.ADOPTED)
        if Plank.objects.filter(previous=current).exists():
            raise ValidationError("A revision of this plank is already in progress.")
        revision = Plank.objects.create(
            key=current.key,
            version=current.version + 1,
            section=current.section,
            title=title.strip() or current.title,
            text=text.strip(),
            order=current.order,
            previous=current,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.plank_step(actor=actor, plank=revision, step="revised", previous_id=current.pk)
    return revision


def preflight(plank: Plank) -> list[str]:
    """Problems that block adoption; empty means ready."""
    problems = []
    if plank.status != Plank.Status.OPEN_FOR_COMMENT:
        problems.append("Members must have had the plank open for comment first.")
    if len(plank.text.split()) < 5:
        problems.append("The plank's text is too short to adopt.")
    if not plank.section:
        problems.append("The plank needs a section.")
    return problems


def open_for_comment(*, actor: Any, plank: Plank) -> Plank:
    _require_editor(actor)
    with transaction.atomic():
        plank = _locked(plank, Plank.Status.DRAFT)
        plank.status = Plank.Status.OPEN_FOR_COMMENT
        plank.opened_at = timezone.now()
        plank.save(update_fields=["status", "opened_at", "updated_at"])
        audit.plank_step(actor=actor, plank=plank, step="opened")
    return plank


def adopt_plank(*, actor: Any, plank: Plank, rule: str) -> Plank:
    """Adopt under a named rule (a convention vote, a ballot), superseding the version in force."""
    _require_editor(actor)
    with transaction.atomic():
        plank = _locked(plank, Plank.Status.OPEN_FOR_COMMENT)
        problems = preflight(plank)
        if problems:
            raise ValidationError(problems)
        now = timezone.now()
        superseded = Plank.objects.select_for_update().filter(
            key=plank.key, status=Plank.Status.ADOPTED
        )
        superseded_ids = list(superseded.values_list("pk", flat=True))
        superseded.update(status=Plank.Status.SUPERSEDED, superseded_at=now, updated_at=now)
        plank.status = Plank.Status.ADOPTED
        plank.adopted_at = now
        plank.adopted_rule = rule[:200]
        plank.save(update_fields=["status", "adopted_at", "adopted_rule", "updated_at"])
        # Stances follow the plank into its new version; the source says what they were given on.
        Stance.objects.filter(plank_id__in=superseded_ids).update(plank=plank)
        audit.plank_step(actor=actor, plank=plank, step="adopted", superseded=superseded_ids)
    return plank


def record_stance(
    *,
    actor: Any,
    plank: Plank,
    holder_type: str,
    holder_id: int,
    holder_name: str,
    position: str,
    source: str,
    source_detail: str,
) -> Stance:
    """Record (or replace) a holder's stance on a plank, with where it comes from.

    Callers check their own permission: electoral records candidates' answers on their behalf."""
    if position not in Position.values:
        raise ValidationError("Unknown position.")
    if source not in Stance.Source.values or holder_type not in Stance.HolderType.values:
        raise ValidationError("Unknown source or holder.")
    if plank.status == Plank.Status.DRAFT:
        raise ValidationError("Stances are recorded on planks members can see.")
    with transaction.atomic():
        stance, _ = Stance.objects.update_or_create(
            plank=plank,
            holder_type=holder_type,
            holder_id=holder_id,
            defaults={
                "holder_name": holder_name[:200],
                "position": position,
                "source": source,
                "source_detail": source_detail[:500],
                "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        audit.stance_recorded(actor=actor, stance=stance)
    return stance


def on_result_certified(
    sender: Any, *, ballot: Any, subject_type: str, subject_id: str, passed: Any, **kwargs: Any
) -> None:
    """A plank (or an amendment to one, as a new version) put to members is adopted if it passed."""
    if subject_type != "program.plank" or passed is not True:
        return
    plank = Plank.objects.filter(pk=int(subject_id), status=Plank.Status.OPEN_FOR_COMMENT).first()
    if plank is not None:
        adopt_plank(actor=None, plank=plank, rule=f"Member ballot #{ballot.pk}: {ballot.title}")
