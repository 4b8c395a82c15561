"""Home-page widget: the ballots waiting for the reader's vote."""

from typing import Any

from bloc.core.registry import DashboardWidget, dashboard_widgets
from bloc.democracy import selectors


def _my_ballots(user: Any) -> dict[str, Any]:
    return {"ballots": selectors.ballots_open_for(user)}


dashboard_widgets.register(
    "democracy.my_ballots",
    DashboardWidget(
        title="Your ballots",
        template="democracy/_widget_my_ballots.html",
        context=_my_ballots,
        order=15,
        visible_to=lambda user: bool(getattr(user, "is_authenticated", False)),
    ),
)
