"""Events widget for the home page: live totals of the next day of action."""

from typing import Any

from django.utils import timezone

from bloc.core.registry import DashboardWidget, dashboard_widgets
from bloc.events import permissions, selectors


def _context(user: Any) -> dict[str, Any]:
    day = (
        selectors.published_days()
        .filter(ends_on__gte=timezone.localdate())
        .order_by("starts_on")
        .first()
    )
    return {
        "day": day,
        "totals": selectors.day_totals(day) if day else None,
        "queue": selectors.moderation_queue(user).count(),
        "follow_ups": selectors.follow_ups_for(user).count(),
    }


dashboard_widgets.register(
    "events.day_of_action",
    DashboardWidget(
        title="Events",
        template="events/_widget_events.html",
        context=_context,
        order=45,
        visible_to=permissions.is_event_staff,
    ),
)
