"""A dedicated outbox worker: `manage.py comms_worker` (run several; they share work safely)."""

from typing import Any

from django.core.management.base import BaseCommand

from bloc.comms import delivery


class Command(BaseCommand):
    help = "Send due outbox messages in batches; with --loop keep polling."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--batch", type=int, default=None)
        parser.add_argument("--poll", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        totals = delivery.run_worker(
            limit=options["batch"], idle_exit=not options["loop"], poll_seconds=options["poll"]
        )
        self.stdout.write(", ".join(f"{k}={v}" for k, v in sorted(totals.items())) or "idle")
