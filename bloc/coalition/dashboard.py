"""Coalition widget for the home page: partners by stage, commitments, aligned contracts."""

from typing import Any

from bloc.coalition import charts, permissions, selectors
from bloc.core.registry import DashboardWidget, dashboard_widgets


def _coalition_context(user: Any) -> dict[str, Any]:
    stages = selectors.relationship_counts_by_stage(user)
    return {
        "stages": stages,
        "funnel": charts.funnel_chart(stages),
        "commitments": selectors.commitment_counts(user),
        "contracts": selectors.contract_totals(user),
    }


dashboard_widgets.register(
    "coalition.overview",
    DashboardWidget(
        title="Coalition",
        template="coalition/_widget_coalition.html",
        context=_coalition_context,
        order=40,
        visible_to=permissions.is_staff_organizer,
    ),
)
