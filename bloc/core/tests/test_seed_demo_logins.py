"""`bloc seed-demo` prints every demo login, last."""

import io

import pytest
from django.core.management import call_command

from bloc.core.management.commands.seed_demo import DEMO_DOMAIN, DEMO_PASSWORD
from bloc.core.testing import personas

pytestmark = pytest.mark.django_db


def _run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue().rstrip("\n").splitlines()


def test_every_demo_login_is_printed_last_with_what_it_is():
    personas(password=DEMO_PASSWORD, domain=DEMO_DOMAIN)
    lines = _run("--if-empty")
    assert lines[0] == "Demo data already loaded."
    start = lines.index(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    logins = [line.split() for line in lines[start + 1 :]]
    assert [row[0].split("@")[0] for row in logins] == [
        "admin",
        "organizer.a",
        "organizer.b",
        "member.a",
        "member.b",
        "liaison",
        "outsider",
    ]
    assert " ".join(logins[1][1:]) == "organizer of Riverside Chapter"
    assert " ".join(logins[4][1:]) == "member of Lakeshore Chapter"
    assert " ".join(logins[6][1:]) == "an account with no role"


def test_logins_can_be_left_out_and_printed_on_their_own():
    personas(password=DEMO_PASSWORD, domain=DEMO_DOMAIN)
    assert _run("--if-empty", "--no-logins") == ["Demo data already loaded."]
    assert _run("--logins-only")[-1].startswith("  outsider@")
