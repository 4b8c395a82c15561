"""manage.py import_f7 FILE.xlsx [...]: load FMCS F-7 notice spreadsheets, report bad rows."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bloc.coalition.f7 import import_f7_notices


class Command(BaseCommand):
    help = "Import FMCS F-7 notice spreadsheets (.xlsx); repeat notices are skipped."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        failed = False
        for path in options["paths"]:
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            try:
                run = import_f7_notices(actor=None, data=path.read_bytes(), file_name=path.name)
            except ValidationError as exc:
                raise CommandError(f"{path.name}: {' '.join(exc.messages)}") from exc
            self.stdout.write(
                f"{path.name}: {run.created} created, {run.duplicates} duplicates, "
                f"{run.errors} errors"
            )
            for entry in run.report:
                if entry["status"] == "error":
                    failed = True
                    self.stdout.write(f"  row {entry['row']}: {entry['message']}")
        if failed:
            self.stderr.write("Some rows were not imported; see the rows listed above.")
