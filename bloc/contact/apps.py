"""Voter contact: peer-to-peer textbanks, phonebanks and canvasses, with results on people."""

from datetime import timedelta

from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "bloc.contact"
    label = "contact"
    verbose_name = "Voter contact"

    def ready(self) -> None:
        from bloc.contact import permissions, tasks
        from bloc.core.navigation import MenuEntry, register_menu
        from bloc.core.registry import PeriodicJob, periodic_jobs

        register_menu(
            MenuEntry("Voter contact", "contact:home", permissions.sees_contact_home, order=58)
        )
        periodic_jobs.register(
            "contact.release_batches",
            PeriodicJob(run=tasks.release_expired_batches_job, every=timedelta(minutes=1)),
        )
