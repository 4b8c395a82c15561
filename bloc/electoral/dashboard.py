"""Electoral widget for the home page: the pipeline by stage, deadlines at risk, the slate."""

from typing import Any

from bloc.core.registry import DashboardWidget, dashboard_widgets
from bloc.electoral import permissions, selectors


def _electoral_context(user: Any) -> dict[str, Any]:
    cycles = selectors.slate_cycles()
    return {
        "stages": [(label, n) for label, n in selectors.pipeline_counts(user) if n],
        "deadlines": selectors.deadlines_at_risk(user)[:5],
        "slate": [(cycle, len(selectors.slate(cycle))) for cycle in cycles[:3]],
    }


dashboard_widgets.register(
    "electoral.pipeline",
    DashboardWidget(
        title="Endorsements",
        template="electoral/_widget_pipeline.html",
        context=_electoral_context,
        order=45,
        visible_to=permissions.is_electoral_staff,
    ),
)
