"""bloc import-people FILE: import people and members from CSV, with a per-row report."""

import csv
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bloc.people.importer import FIELDS, ImportRefused, import_people


class Command(BaseCommand):
    help = (
        "Import people and memberships from a UTF-8 CSV file. Bad rows are reported, not written."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The CSV file to import.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help=f"Map a CSV column to a field (repeatable). Fields: {', '.join(FIELDS)}.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything, write nothing."
        )
        parser.add_argument("--source", default="import", help="Recorded as each person's source.")
        parser.add_argument("--errors", help="Write the per-row error report to this CSV file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        mapping = None
        if options["map"]:
            mapping = {}
            for item in options["map"]:
                column, sep, field = item.partition("=")
                if not sep:
                    raise CommandError(f"--map takes COLUMN=FIELD, got {item!r}")
                mapping[column] = field
        data = path.read_bytes()
        total = max(data.count(b"\n") - 1, 0)
        with tqdm(total=total, unit="rows", disable=None, file=sys.stderr) as bar:
            try:
                report = import_people(
                    data,
                    actor=None,
                    mapping=mapping,
                    source=options["source"],
                    dry_run=options["dry_run"],
                    progress=bar.update,
                )
            except ImportRefused as exc:
                raise CommandError(str(exc)) from None
        verb = "Would import" if report.dry_run else "Imported"
        self.stdout.write(
            f"{verb}: {report.rows} rows, {report.created} new people, {report.updated} updated, "
            f"{report.members} memberships, {report.rejected} rows rejected."
        )
        if report.ignored_columns:
            self.stdout.write(f"Ignored columns: {', '.join(report.ignored_columns)}")
        for error in report.errors[:20]:
            self.stdout.write(f"  row {error.row}, {error.column or 'row'}: {error.reason}")
        if len(report.errors) > 20:
            self.stdout.write(f"  … and {len(report.errors) - 20} more (use --errors FILE).")
        if options["errors"]:
            with open(options["errors"], "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["row", "column", "reason"])
                writer.writerows((e.row, e.column, e.reason) for e in report.errors)
