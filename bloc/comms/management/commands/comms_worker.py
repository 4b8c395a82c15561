"""A dedicated outbox worker: `manage.py comms_worker` (run several; they share work safely).

SIGTERM or SIGINT stops it gracefully: it finishes the message in flight, gives back the rest of
its claim and exits (well inside `BLOC_WORKER_GRACE_SECONDS`); a second signal exits at once.
"""

from typing import Any

from django.core.management.base import BaseCommand

from bloc.comms import delivery
from bloc.core import workers


class Command(BaseCommand):
    help = "Send due outbox messages in batches; with --loop keep polling."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--batch", type=int, default=None)
        parser.add_argument("--poll", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        workers.install_stop_handler()
        totals = delivery.run_worker(
            limit=options["batch"], idle_exit=not options["loop"], poll_seconds=options["poll"]
        )
        self.stdout.write(", ".join(f"{k}={v}" for k, v in sorted(totals.items())) or "idle")
