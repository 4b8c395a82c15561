"""manage.py verify RECORD.json BALLOTS.blt [--share S ...]: check a published election record.

The same check as `bloc verify` (bloc/democracy/verify.py), which runs without Django at all;
this command is for those already inside a Bloc installation. Needs no database. One FAIL line
per problem and exit status 1 when a check fails."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from bloc.democracy.verify import run


class Command(BaseCommand):
    help = "Verify a published election record and recount its ballots."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("record", type=Path, help="the election record (JSON)")
        parser.add_argument("ballots", type=Path, help="the published ballot file (.blt)")
        parser.add_argument(
            "--share", action="append", default=[], help="a trustee share (repeat k times)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        status = run(
            options["record"],
            options["ballots"],
            options["share"],
            stdout=self.stdout,
            stderr=self.stderr,
        )
        if status:
            raise SystemExit(status)
