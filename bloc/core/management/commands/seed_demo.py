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

    def handle(self, *args: Any, **options: Any) -> None:
        from django.contrib.auth import get_user_model

        from bloc.core.testing import personas

        if options["if_empty"] and get_user_model().objects.exists():
            self.stdout.write("Demo data already loaded.")
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
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for who, label in (
            ("admin", "national admin"),
            ("organizer.a", "organizer of Riverside Chapter"),
            ("organizer.b", "organizer of Lakeshore Chapter"),
            ("member.a", "member of Riverside Chapter"),
            ("liaison", "partner liaison"),
            ("outsider", "an account with no role"),
        ):
            self.stdout.write(f"  {who + '@' + DEMO_DOMAIN:<32} {label}")
