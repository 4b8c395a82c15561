"""run-periodic: a failing job is logged and recorded, and the other jobs and the loop go on."""

import logging
from datetime import timedelta

import pytest
from django.core.management import call_command

from bloc.core import geo
from bloc.core.management.commands import run_periodic
from bloc.core.models import PeriodicJobRun
from bloc.core.registry import PeriodicJob, periodic_jobs

pytestmark = pytest.mark.django_db


class Panic(BaseException):
    """What a native extension raises when it panics (pyo3's PanicException is one)."""


@pytest.fixture
def jobs():
    names: list[str] = []

    def register(name, run):
        periodic_jobs.register(name, PeriodicJob(run=run, every=timedelta(hours=1)))
        names.append(name)

    yield register
    for name in names:
        periodic_jobs._items.pop(name)


def test_a_failing_job_is_logged_and_the_next_job_still_runs(jobs, caplog):
    ran: list[str] = []

    def broken():
        raise RuntimeError("the provider is down")

    def panics():
        raise Panic("end byte index 5 is not a char boundary")

    jobs("test.broken", broken)
    jobs("test.panics", panics)
    jobs("test.after", lambda: ran.append("after"))
    with caplog.at_level(logging.ERROR):
        names = run_periodic.run_due_jobs()
    assert {"test.broken", "test.panics", "test.after"} <= set(names)
    assert ran == ["after"]
    failed = {r.getMessage() for r in caplog.records if r.exc_info}
    assert "periodic job test.broken failed" in failed
    assert "periodic job test.panics failed" in failed
    assert PeriodicJobRun.objects.get(name="test.broken").last_error == (
        "RuntimeError: the provider is down"
    )
    assert PeriodicJobRun.objects.get(name="test.panics").last_error.startswith("Panic: ")
    assert PeriodicJobRun.objects.get(name="test.after").last_error == ""


def test_a_job_given_a_zip_in_arabic_digits_runs(jobs):
    found: list[object] = []
    jobs("test.zip", lambda: found.append(geo.lookup("١٠٠٠١")))
    run_periodic.run_due_jobs(only="test.zip")
    assert PeriodicJobRun.objects.get(name="test.zip").last_error == ""
    assert found == [geo.lookup("10001")]


def test_the_loop_goes_on_when_a_round_fails(monkeypatch, caplog):
    rounds: list[str] = []

    def run_due_jobs(**kwargs):
        rounds.append("round")
        if len(rounds) == 1:
            raise RuntimeError("database restarting")
        if len(rounds) == 3:
            raise SystemExit(0)  # stop the test's loop: a stop request is never swallowed
        return []

    monkeypatch.setattr(run_periodic, "run_due_jobs", run_due_jobs)
    monkeypatch.setattr(run_periodic.workers, "sleep", lambda seconds: False)
    with caplog.at_level(logging.ERROR), pytest.raises(SystemExit):
        call_command("run_periodic", "--loop", "--interval", "1")
    assert rounds == ["round"] * 3
    assert any(r.exc_info and "periodic" in r.getMessage() for r in caplog.records)
