"""Days of action, events, shifts, RSVPs, check-in and the volunteer-to-member hand-off."""

from datetime import timedelta

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "bloc.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from bloc.core.navigation import MenuEntry, register_menu
        from bloc.core.registry import PeriodicJob, gauges, periodic_jobs
        from bloc.events import dashboard, permissions, seeds, shared, tasks  # noqa: F401
        from bloc.events.health import GAUGES

        for name, gauge in GAUGES.items():
            gauges.register(name, gauge)

        # Everyone finds events; staff also review submissions.
        register_menu(MenuEntry("Events", "events:event-search", lambda user: True, order=50))
        register_menu(
            MenuEntry(
                "Event review", "events:moderation-queue", permissions.is_event_staff, order=55
            )
        )
        periodic_jobs.register(
            "events.reminders",
            PeriodicJob(run=tasks.queue_reminders_job, every=timedelta(minutes=5)),
        )
        periodic_jobs.register(
            "events.rsvp_intake",
            PeriodicJob(run=tasks.intake_job, every=timedelta(minutes=1)),
        )
