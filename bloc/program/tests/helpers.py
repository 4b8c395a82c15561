"""Planks built through the real services."""

from bloc.program import services
from bloc.program.models import Plank


def adopted(title: str = "Medicare for All", *, order: int = 10) -> Plank:
    plank = services.draft_plank(
        actor=None,
        section="Health",
        title=title,
        text=f"{title}: a fictional plank text long enough to adopt.",
        order=order,
    )
    services.open_for_comment(actor=None, plank=plank)
    return services.adopt_plank(actor=None, plank=plank, rule="test convention")


def draft(title: str = "Draft plank") -> Plank:
    return services.draft_plank(
        actor=None, section="Labor", title=title, text="A fictional draft plank under discussion."
    )
