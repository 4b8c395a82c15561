"""bloc seed-demo: fictional demo data from every app's registered seeds, plus the personas."""

import random
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from bloc.core.registry import seeds

DEMO_PASSWORD = "demo-pass-2026!"
DEMO_DOMAIN = "demo.bloc.test"


class Command(BaseCommand):
    help = "Load fictional demo data. --people sets the size (e.g. 1000000 for benchmarks)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--people", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2028, help="Random seed (repeatable data).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database already has data."
        )
        parser.add_argument(
            "--no-logins", action="store_true", help="Do not print the demo logins at the end."
        )
        parser.add_argument(
            "--logins-only", action="store_true", help="Only print the demo logins (no data)."
        )
        parser.add_argument(
            "--wait-for",
            default="",
            metavar="URL",
            help="With --logins-only: print them once this URL answers (the demo server is up), "
            "so they come after the server's own start-up lines.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.contrib.auth import get_user_model

        from bloc.core.testing import personas

        if options["logins_only"]:
            if options["wait_for"]:
                _wait_for(options["wait_for"])
            self.print_logins()
            return
        if options["if_empty"] and get_user_model().objects.exists():
            self.stdout.write("Demo data already loaded.")
            if not options["no_logins"]:
                self.print_logins()
            return
        started = time.monotonic()
        rng = random.Random(options["seed"])
        with transaction.atomic():
            personas(password=DEMO_PASSWORD, domain=DEMO_DOMAIN)
            for name, seed in sorted(seeds, key=lambda item: item[1].order):
                counts = seed.run(options["people"], rng)
                summary = ", ".join(f"{v} {k}" for k, v in counts.items())
                self.stdout.write(f"{name}: {summary}")
        self.stdout.write(f"Demo data loaded in {time.monotonic() - started:.1f}s.")
        if not options["no_logins"]:
            self.print_logins()

    def print_logins(self) -> None:
        """Every demo account that signs in with the password, read from the database."""
        from bloc.core.testing import demo_logins

        logins = demo_logins(DEMO_DOMAIN)
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        width = max((len(email) for email, _ in logins), default=0) + 2
        for email, label in logins:
            self.stdout.write(f"  {email:<{width}}{label}")


def _wait_for(url: str, seconds: float = 60) -> None:
    """Until ``url`` answers (any HTTP status), or ``seconds`` pass."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 (a local address)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
