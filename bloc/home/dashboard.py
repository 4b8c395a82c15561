"""Dashboard widget for national admins: members' deletion requests waiting for staff."""

from typing import Any

from bloc.core.registry import DashboardWidget, dashboard_widgets
from bloc.home import permissions, selectors


def _context(user: Any) -> dict[str, Any]:
    return {"requests": selectors.pending_deletions()}


dashboard_widgets.register(
    "home.deletion_requests",
    DashboardWidget(
        title="Deletion requests",
        template="home/_widget_deletion_requests.html",
        context=_context,
        order=90,
        visible_to=permissions.can_see_deletion_requests,
    ),
)
