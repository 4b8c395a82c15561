"""The build-up to a day of action: RSVPs and events, day by day."""

from bloc.core.charts import Chart, format_date, format_number, line_chart
from bloc.events.models import DayOfAction
from bloc.events.selectors import BuildUpDay


def build_up_chart(day: DayOfAction, days: list[BuildUpDay]) -> Chart:
    last = days[-1]
    return line_chart(
        slug="build-up-chart",
        title=f"RSVPs and events for {day.name}, day by day",
        description=(
            f"From {format_date(days[0].on)} to {format_date(last.on)}: "
            f"{format_number(last.rsvps_total)} RSVPs and {format_number(last.events_total)} "
            "approved events in all (RSVPs on the left scale, events on the right)."
        ),
        label="Day",
        labels=[format_date(d.on) for d in days],
        series={
            "RSVPs (total)": [d.rsvps_total for d in days],
            "Events (total)": [d.events_total for d in days],
        },
        secondary=("Events (total)",),
        extra={"New RSVPs": [d.rsvps for d in days], "New events": [d.events for d in days]},
    )
