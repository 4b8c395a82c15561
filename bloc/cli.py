"""The `bloc` console command: Django's management commands without manage.py.

`bloc migrate`, `bloc import-people FILE`, `bloc tally FILE ...`: dashes and underscores are the
same, so command names read naturally on a shell. `bloc tally` and `bloc verify` need no settings,
no secret key and no database: they run without Django.
"""

import os
import sys


def run_management(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "tally":
        # The tally engine is a pure library: counting a file needs no settings or database.
        from bloc.democracy.tally.cli import main as tally_main

        sys.exit(tally_main(args[2:]))
    if len(args) > 1 and args[1] == "verify":
        # An observer checks a published record with the files alone: no settings, no secret
        # key, no database (so no Django at all).
        from bloc.democracy.verify import main as verify_main

        sys.exit(verify_main(args[2:]))
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    run_management(["bloc", *args[1:]])
