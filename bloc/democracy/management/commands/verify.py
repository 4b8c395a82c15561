"""bloc verify RECORD.json BALLOTS.blt [--share S ...]: check a published election record.

Checks that trackers are unique and match their ciphertexts, that the board fingerprint
recomputes, that ballots equal participations, and that a recount of the ballot file equals
the published result; with k trustee shares, that the ballot file is exactly the decrypted
board. Needs no database. Exit status 1 when a check fails."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bloc.democracy.verify import verify_record


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
        try:
            record = json.loads(options["record"].read_text(encoding="utf-8"))
            ballots = options["ballots"].read_bytes()
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the record or the ballot file: {exc}") from None
        problems = verify_record(record, ballots, shares=options["share"])
        for problem in problems:
            self.stderr.write(f"FAIL {problem}")
        if problems:
            raise SystemExit(1)
        checked = "board, participations, recount" + (", decryption" if options["share"] else "")
        self.stdout.write(f"OK {record['ballot']['title']}: {checked} all check out.")
