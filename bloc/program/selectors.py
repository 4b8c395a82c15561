"""Reads of the program. Drafts are for the editors; everything else is public."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from bloc.program import permissions
from bloc.program.models import Plank, Position, Stance


def planks_visible_to(actor: Any) -> QuerySet[Plank]:
    planks = Plank.objects.all()
    if not permissions.can_edit_program(actor):
        planks = planks.exclude(status=Plank.Status.DRAFT)
    return planks


def plank_for(actor: Any, pk: Any) -> Plank:
    try:
        return planks_visible_to(actor).get(pk=int(pk))
    except (Plank.DoesNotExist, ValueError, TypeError):
        raise Http404("No such plank.") from None


def adopted_planks() -> QuerySet[Plank]:
    return Plank.objects.filter(status=Plank.Status.ADOPTED).order_by("order", "key")


def stances_of(holder_type: str, holder_ids: list[int]) -> dict[int, dict[int, Stance]]:
    """Holder id → plank id → stance, for adopted planks only (one query)."""
    found: dict[int, dict[int, Stance]] = {}
    for stance in Stance.objects.filter(
        holder_type=holder_type, holder_id__in=holder_ids, plank__status=Plank.Status.ADOPTED
    ):
        found.setdefault(stance.holder_id, {})[stance.plank_id] = stance
    return found


POSITION_WEIGHT = {Position.SUPPORTS: 1.0, Position.PARTIAL: 0.5, Position.OPPOSES: 0.0}


class AlignmentLine:
    """One plank's contribution to a score, in words."""

    def __init__(self, plank: Plank, stance: Stance | None) -> None:
        self.plank = plank
        self.stance = stance
        position = stance.position if stance else Position.UNKNOWN
        self.position_label = Position(position).label
        self.weight = POSITION_WEIGHT.get(Position(position))
        self.counts = self.weight is not None

    @property
    def explanation(self) -> str:
        if self.stance is None:
            return f"{self.plank.title}: no stance recorded — not counted."
        how = f"{self.stance.get_source_display().lower()}: {self.stance.source_detail}"
        if not self.counts:
            return f"{self.plank.title}: unknown ({how}) — not counted."
        return f"{self.plank.title}: {self.position_label.lower()} ({how}) — {self.weight:g} point."


class Alignment:
    """Support for the adopted program: supports 1, partly 0.5, opposes 0, unknown not counted."""

    def __init__(self, lines: list[AlignmentLine]) -> None:
        self.lines = lines
        counted = [line for line in lines if line.counts]
        self.counted = len(counted)
        self.points = sum(line.weight or 0.0 for line in counted)
        self.percent: int | None = round(100 * self.points / self.counted) if counted else None

    @property
    def summary(self) -> str:
        if self.percent is None:
            return "No stances recorded on the adopted program yet."
        return (
            f"{self.percent}%: {self.points:g} points on {self.counted} of "
            f"{len(self.lines)} adopted planks with a known stance."
        )


def alignment(holder_type: str, holder_id: int, *, planks: list[Plank] | None = None) -> Alignment:
    planks = planks if planks is not None else list(adopted_planks())
    stances = stances_of(holder_type, [holder_id]).get(holder_id, {})
    return Alignment([AlignmentLine(plank, stances.get(plank.pk)) for plank in planks])


def alignments(holder_type: str, holder_ids: list[int]) -> dict[int, Alignment]:
    """Scores for many holders in two queries (the slate)."""
    planks = list(adopted_planks())
    stances = stances_of(holder_type, holder_ids)
    return {
        hid: Alignment([AlignmentLine(p, stances.get(hid, {}).get(p.pk)) for p in planks])
        for hid in holder_ids
    }
