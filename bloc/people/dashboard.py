"""People widgets for the home page: counts within the reader's scope."""

from typing import Any

from django.utils import timezone

from bloc.accounts import selectors as roles
from bloc.core.charts import Chart, format_month, line_chart
from bloc.core.registry import DashboardWidget, dashboard_widgets
from bloc.people import permissions, selectors
from bloc.people.models import Membership


def _membership_context(user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    chapter_ids = selectors.chapters_in_scope_ids(user)
    members = Membership.objects.filter(
        person__merged_into__isnull=True, person__chapter_id__in=chapter_ids
    ).exclude(status__in=Membership.NOT_MEMBERS)
    good = selectors.memberships_in_good_standing(as_of=today, grace_days=0).filter(
        person__chapter_id__in=chapter_ids
    )
    return {
        "members": members.count(),
        "good_standing": good.count(),
        "chapters": len(chapter_ids),
        "pending_transfers": len(selectors.pending_transfers_for(user)),
        "chart": membership_chart(
            selectors.membership_by_month(chapter_ids=chapter_ids, today=today),
            national=roles.is_national_admin(user),
        ),
    }


def membership_chart(months: list[selectors.MembershipMonth], *, national: bool) -> Chart:
    scope = "nationally" if national else "in your chapters"
    joins = sum(m.joins for m in months)
    lapses = sum(m.lapses for m in months)
    return line_chart(
        slug="membership-chart",
        title="Membership over time",
        description=(
            f"Over the last {len(months)} months {scope}: {joins:,} joined, {lapses:,} lapsed; "
            f"{months[-1].standing:,} in good standing today."
        ),
        label="Month",
        labels=[format_month(m.month) for m in months],
        series={
            "Joins": [m.joins for m in months],
            "Lapses": [m.lapses for m in months],
            "In good standing": [m.standing for m in months],
        },
        width=420,
        height=320,
    )


dashboard_widgets.register(
    "people.membership",
    DashboardWidget(
        title="Membership",
        template="people/_widget_membership.html",
        context=_membership_context,
        order=10,
        visible_to=permissions.can_list_people,
    ),
)
