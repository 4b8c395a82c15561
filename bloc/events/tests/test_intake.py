"""The public RSVP intake (decision 0706): one insert on the form, RSVPs made by the drain."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from bloc.events import selectors, services
from bloc.events.models import RSVP, Event, RSVPIntake
from bloc.events.tests import builders
from bloc.people.models import Person

pytestmark = pytest.mark.django_db


def _post(client, event, **fields):
    if not hasattr(event, "_slot_pk"):
        event._slot_pk = event.timeslots.get().pk
    data = {"timeslot": event._slot_pk, "zip_code": "60602", **fields}
    return client.post(reverse("events:rsvp-create", args=[event.slug]), data)


def test_the_form_answers_at_once_and_the_status_link_shows_the_rsvp_once_drained(client, personas):
    event, _ = builders.approved_event(personas.admin)
    response = _post(client, event, first_name="Rowan", email="rowan.intake@example.org")

    assert response.status_code == 202
    html = response.content.decode()
    assert "Thanks, Rowan! We're saving your spot" in html
    assert 'hx-trigger="every 1s"' in html
    assert RSVP.objects.count() == 0
    [intake] = RSVPIntake.objects.all()
    assert intake.state == "pending" and intake.email == "rowan.intake@example.org"
    status_url = builders.STATUS_LINK.search(html).group(1)

    polled = client.get(status_url, headers={"HX-Request": "true"})
    assert polled.status_code == 200
    assert polled.content.decode().lstrip().startswith('<section id="rsvp-outcome"')
    assert "<html" not in polled.content.decode()

    assert services.process_rsvp_intake() == 1

    done = client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert "You're signed up!" in done and "hx-trigger" not in done
    rsvp = RSVP.objects.get()
    assert rsvp.person.email == "rowan.intake@example.org"
    intake.refresh_from_db()
    assert intake.state == "recorded" and intake.rsvp == rsvp
    # Nothing personal stays on the intake row once it is processed.
    assert (intake.email, intake.first_name, intake.zip_code, intake.token) == ("", "", "", "")
    # The status link's token is the RSVP's cancel token: the page offers the cancel link.
    token = status_url.rstrip("/").rsplit("/", 1)[1]
    assert reverse("events:rsvp-cancel", args=[token]) in done
    client.post(reverse("events:rsvp-cancel", args=[token]))
    rsvp.refresh_from_db()
    assert rsvp.status == RSVP.Status.CANCELLED


def test_invalid_form_writes_nothing(client, personas):
    event, _ = builders.approved_event(personas.admin)
    response = _post(client, event, first_name="Rowan", email="not-an-email")
    assert response.status_code == 400
    assert RSVPIntake.objects.count() == 0


def test_an_event_cancelled_before_the_drain_refuses_with_the_reason(client, personas):
    event, _ = builders.approved_event(personas.admin)
    response = _post(client, event, first_name="Sage", email="sage.late@example.org")
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)

    services.process_rsvp_intake()

    intake = RSVPIntake.objects.get()
    assert intake.state == "refused" and "not taking RSVPs" in intake.refusal
    page = client.get(builders.STATUS_LINK.search(response.content.decode()).group(1))
    assert "We couldn't record your RSVP" in page.content.decode()
    assert RSVP.objects.count() == 0 and intake.email == ""


def test_a_repeated_rsvp_is_matched_and_has_no_second_cancel_link(client, personas):
    event, _ = builders.approved_event(personas.admin)
    first = _post(client, event, first_name="Ivy", email="ivy.twice@example.org")
    second = _post(client, event, first_name="Ivy", email="IVY.twice@example.org")
    services.process_rsvp_intake()

    assert Person.objects.filter(emails__normalized="ivy.twice@example.org").count() == 1
    assert RSVP.objects.count() == 1
    states = set(RSVPIntake.objects.values_list("state", "rsvp"))
    assert states == {("recorded", RSVP.objects.get().pk)}
    again = client.get(builders.STATUS_LINK.search(second.content.decode()).group(1))
    assert "You had already RSVPed" in again.content.decode()
    token = builders.STATUS_LINK.search(first.content.decode()).group(1).split("/")[-2]
    assert (
        reverse("events:rsvp-cancel", args=[token])
        in client.get(reverse("events:rsvp-status", args=[token])).content.decode()
    )


def test_the_drain_keeps_arrival_order_for_the_waitlist(client, personas):
    event, _ = builders.approved_event(personas.admin, capacity=2)
    for name in ("ada", "bea", "cy", "dee"):
        _post(client, event, first_name=name.title(), email=f"{name}.order@example.org")

    services.process_rsvp_intake()

    statuses = [
        (r.person.email.split(".")[0], r.status) for r in RSVP.objects.order_by("created_at")
    ]
    assert statuses == [
        ("ada", "confirmed"),
        ("bea", "confirmed"),
        ("cy", "waitlisted"),
        ("dee", "waitlisted"),
    ]


def test_one_failing_row_does_not_hold_up_the_rest_and_logs_nothing_personal(
    client, personas, monkeypatch, caplog
):
    from bloc.events.services import rsvps

    event, _ = builders.approved_event(personas.admin)
    for name in ("eli", "fay", "gus"):
        _post(client, event, first_name=name.title(), email=f"{name}.poison@example.org")
    real = rsvps.rsvp

    def flaky(**kwargs):
        if kwargs["email"].startswith("fay"):
            raise RuntimeError(f"boom for {kwargs['email']}")
        return real(**kwargs)

    monkeypatch.setattr(rsvps, "rsvp", flaky)
    with caplog.at_level(logging.ERROR):
        assert services.process_rsvp_intake() == 3

    states = sorted(RSVPIntake.objects.values_list("state", flat=True))
    assert states == ["recorded", "recorded", "refused"]
    assert RSVP.objects.count() == 2
    refused = RSVPIntake.objects.get(state="refused")
    assert refused.refusal.startswith("Something went wrong") and refused.email == ""
    assert "failed: RuntimeError" in caplog.text
    assert "poison@example.org" not in caplog.text


def test_processed_rows_are_purged_after_a_week_pending_ones_never(client, personas):
    event, _ = builders.approved_event(personas.admin)
    _post(client, event, first_name="Hal", email="hal.old@example.org")
    services.process_rsvp_intake()
    _post(client, event, first_name="Ike", email="ike.new@example.org")
    RSVPIntake.objects.filter(state="recorded").update(
        processed_at=timezone.now() - timedelta(days=8)
    )

    assert services.purge_processed_intake() == 1
    assert list(RSVPIntake.objects.values_list("state", flat=True)) == ["pending"]
    assert RSVP.objects.count() == 1, "purging the intake never touches RSVPs"


def test_the_drain_runs_when_the_form_commits(client, personas, django_capture_on_commit_callbacks):
    event, _ = builders.approved_event(personas.admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, event, first_name="Jo", email="jo.commit@example.org")
    assert RSVPIntake.objects.get().state == "recorded"
    assert [m.to for m in mail.outbox] == [["jo.commit@example.org"]], "confirmation sent"
    # The drain let go of its key: the next RSVP schedules a drain of its own.
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, event, first_name="Kit", email="kit.commit@example.org")
    assert set(RSVPIntake.objects.values_list("state", flat=True)) == {"recorded"}


def test_the_periodic_job_drains_what_a_lost_drain_left(client, personas):
    from bloc.core.registry import periodic_jobs

    event, _ = builders.approved_event(personas.admin)
    _post(client, event, first_name="Lee", email="lee.backstop@example.org")
    periodic_jobs.get("events.rsvp_intake").run()
    assert RSVPIntake.objects.get().state == "recorded"


def test_the_form_caches_the_event_briefly_and_the_drain_still_checks_it(
    client, personas, settings, django_assert_num_queries
):
    settings.BLOC_EVENTS_RSVP_FORM_CACHE_SECONDS = 10
    event, _ = builders.approved_event(personas.admin)
    _post(client, event, first_name="Max", email="max.cache@example.org")
    # The second post reads neither the event nor its shifts: it writes the intake row, and
    # that is all (the drain runs when the request's transaction commits).
    with django_assert_num_queries(1):
        _post(client, event, first_name="Ned", email="ned.cache@example.org")
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    stale = _post(client, event, first_name="Oz", email="oz.cache@example.org")
    assert stale.status_code == 202, "the cached event still looks open for a few seconds"

    services.process_rsvp_intake()

    assert RSVP.objects.count() == 0
    assert set(RSVPIntake.objects.values_list("state", flat=True)) == {"refused"}


def test_a_cancelled_event_refuses_at_the_form(client, personas):
    event, _ = builders.approved_event(personas.admin)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    response = _post(client, event, first_name="Pia", email="pia.cancelled@example.org")
    assert response.status_code == 400
    assert "This event has been cancelled." in response.content.decode()
    assert RSVPIntake.objects.count() == 0


def _receive(slot, count, prefix):
    for i in range(count):
        services.receive_rsvp(timeslot=slot, email=f"{prefix}.{i}@example.org", first_name="Sam")


def _slot_with_rsvps_received(personas, count, prefix):
    """An event's shift and the moment ``count`` RSVPs to it were received (time frozen)."""
    event, _ = builders.approved_event(personas.admin)
    slot = event.timeslots.get()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _receive(slot, count, prefix)
    return slot, start


class Pauses(list):
    """The drain's pauses, recorded; each moves the frozen clock on instead of sleeping."""

    traveller = None

    def __call__(self, seconds):
        self.append(seconds)
        self.made_before.append(RSVP.objects.count())
        self.key_held.append(cache.get(services.rsvps.DRAIN_KEY) is not None)
        cache.delete(services.rsvps.DRAIN_KEY)  # as if it had expired: the next look sets it
        self.traveller.shift(seconds)

    @property
    def key_held(self):
        """Whether the drain held its key (no other drain gets scheduled) at each pause."""
        return self.__dict__.setdefault("_held", [])

    @property
    def made_before(self):
        """How many RSVPs had been made when each pause began."""
        return self.__dict__.setdefault("_made", [])


@pytest.fixture
def pauses(settings, monkeypatch):
    """A spike is 20 RSVPs a second here; the drain looks again every 0.5 s."""
    from bloc.events.services import rsvps

    settings.BLOC_EVENTS_DRAIN_YIELD_SECONDS = 0.5
    settings.BLOC_EVENTS_DRAIN_YIELD_RATE = 20
    settings.BLOC_EVENTS_DRAIN_YIELD_MAX_WAIT = 60
    taken = Pauses()
    monkeypatch.setattr(rsvps, "_sleep", taken)
    return taken


def test_the_drain_waits_while_a_spike_arrives_and_then_makes_every_rsvp(personas, pauses):
    event, _ = builders.approved_event(personas.admin)
    slot = event.timeslots.get()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        pauses.traveller = traveller
        _receive(slot, 60, "spike")
        # 60 received in the last second: before its first batch the drain looks again at
        # +0.5 s and +1 s (still a spike), then at +1.5 s (over), and makes the three batches
        # of 25 without waiting again.
        assert services.process_rsvp_intake() == 60

    assert pauses == [0.5, 0.5, 0.5]
    assert pauses.made_before == [0, 0, 0], "a drain that starts in a spike waits first"
    assert pauses.key_held == [True, True, True]
    assert RSVP.objects.count() == 60
    assert not RSVPIntake.objects.filter(state="pending").exists()


def test_the_drain_does_not_pause_once_the_spike_is_over(personas, pauses):
    slot, start = _slot_with_rsvps_received(personas, 60, "over")
    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        assert services.process_rsvp_intake() == 60
    assert pauses == []


@pytest.mark.parametrize(("max_wait", "expected"), [(60, []), (61, [0.5, 0.5])])
def test_the_drain_stops_pausing_once_an_rsvp_has_waited_long_enough(
    personas, pauses, settings, max_wait, expected
):
    settings.BLOC_EVENTS_DRAIN_YIELD_MAX_WAIT = max_wait
    slot, start = _slot_with_rsvps_received(personas, 30, "early")
    with time_machine.travel(start + timedelta(seconds=60), tick=False) as traveller:
        pauses.traveller = traveller
        _receive(slot, 30, "still-arriving")
        # The early RSVPs have waited 60 s while 30 more arrived: with a maximum of 61 s the
        # drain waits until they have waited 61 s.
        assert services.process_rsvp_intake() == 60
    assert pauses == expected


def test_the_drain_never_pauses_when_turned_off(personas, pauses, settings):
    settings.BLOC_EVENTS_DRAIN_YIELD_SECONDS = 0
    event, _ = builders.approved_event(personas.admin)
    with time_machine.travel(timezone.now(), tick=False):
        _receive(event.timeslots.get(), 60, "off")
        assert services.process_rsvp_intake() == 60
    assert pauses == []


# --- The page after the form (decision 0706): rendered once per event, name and token put in


def _full_render(response, event, first_name):
    """The page as the template renders it for this response's request, in full."""
    from django.template.loader import render_to_string

    html = response.content.decode()
    token = builders.STATUS_LINK.search(html).group(1).rstrip("/").rsplit("/", 1)[1]
    intake = RSVPIntake.objects.get(token_hash=selectors.token_hash(token))
    context = {
        "intake": intake,
        "event": event,
        "rsvp": None,
        "token": "",
        "token_for_status": token,
        "first_name": first_name,
    }
    return render_to_string("events/rsvp_done.html", context, request=response.wsgi_request)


def test_the_page_after_the_form_is_the_full_page_with_the_name_escaped(client, personas, settings):
    settings.BLOC_EVENTS_RSVP_FORM_CACHE_SECONDS = 10
    event, _ = builders.approved_event(personas.admin)
    name = 'Ana <b>"Bo"</b> & O\'Neil'
    first = _post(client, event, first_name="Kim", email="kim.page@example.org")
    second = _post(client, event, first_name=name, email="ana.page@example.org")

    assert first.status_code == second.status_code == 202
    assert first.content.decode() == _full_render(first, event, "Kim")
    html = second.content.decode()
    assert html == _full_render(second, event, name)
    assert "Thanks, Ana &lt;b&gt;&quot;Bo&quot;&lt;/b&gt; &amp; O&#x27;Neil!" in html
    assert "<b>" not in html
    # Each visitor's page links to their own RSVP.
    assert builders.STATUS_LINK.search(first.content.decode()).group(1) != (
        builders.STATUS_LINK.search(html).group(1)
    )


def test_the_page_after_the_form_is_rendered_once_per_event_for_visitors(
    client, personas, settings, monkeypatch
):
    from bloc.events.views import public

    settings.BLOC_EVENTS_RSVP_FORM_CACHE_SECONDS = 10
    renders = []
    real = public.render_to_string
    monkeypatch.setattr(
        public, "render_to_string", lambda *a, **k: renders.append(a[0]) or real(*a, **k)
    )
    event, _ = builders.approved_event(personas.admin)
    for i in range(3):
        assert (
            _post(client, event, first_name="Lou", email=f"lou.{i}@example.org").status_code == 202
        )
    assert renders == ["events/rsvp_done.html"]


def test_a_signed_in_member_gets_their_own_page_after_the_form(client, personas, settings):
    settings.BLOC_EVENTS_RSVP_FORM_CACHE_SECONDS = 10
    event, _ = builders.approved_event(personas.admin)
    visitor = _post(client, event, first_name="Viv", email="viv.page@example.org")
    assert "Sign out" not in visitor.content.decode()

    client.force_login(personas.member_a)
    member = _post(client, event, first_name="Mo", email="mo.page@example.org")
    html = member.content.decode()
    assert member.status_code == 202
    assert "Sign out" in html and "Thanks, Mo!" in html  # rendered for them, in full


def test_a_visitor_with_a_message_waiting_gets_it_and_nobody_else_does(client, personas, settings):
    from django.test import Client

    settings.BLOC_EVENTS_RSVP_FORM_CACHE_SECONDS = 10
    event, _ = builders.approved_event(personas.admin)
    other, _ = builders.approved_event(personas.admin)
    first = _post(client, event, first_name="Gus", email="gus.page@example.org")
    services.process_rsvp_intake()
    token = builders.STATUS_LINK.search(first.content.decode()).group(1).split("/")[-2]
    client.post(reverse("events:rsvp-cancel", args=[token]))  # a message waits in a cookie

    mine = _post(client, other, first_name="Gus", email="gus.again@example.org")
    assert "Your RSVP is cancelled" in mine.content.decode()
    someone_else = _post(Client(), other, first_name="Hal", email="hal.page@example.org")
    assert "Your RSVP is cancelled" not in someone_else.content.decode()


# --- Scheduling the drain: a web process that saw it scheduled does not ask for a moment ---


@pytest.fixture
def key_memo(settings, monkeypatch):
    """The memo on, a clock the test moves, and every cache.add of the drain key counted."""
    from bloc.events.services import rsvps

    settings.BLOC_EVENTS_DRAIN_KEY_MEMO_SECONDS = 0.25
    clock = [1000.0]
    monkeypatch.setattr(rsvps, "_clock", lambda: clock[0])
    monkeypatch.setattr(rsvps, "_key_seen_held_until", 0.0)
    asked = []
    real_add = cache.add
    monkeypatch.setattr(
        cache, "add", lambda key, *a, **k: asked.append(key) or real_add(key, *a, **k)
    )
    return clock, asked


def test_a_web_process_that_saw_the_drain_scheduled_does_not_ask_again_for_a_moment(key_memo):
    from bloc.events.services import rsvps

    clock, asked = key_memo
    cache.set(rsvps.DRAIN_KEY, 1, timeout=60)  # another process's drain is scheduled
    rsvps.schedule_intake_drain()
    clock[0] += 0.2
    rsvps.schedule_intake_drain()
    assert asked == [rsvps.DRAIN_KEY], "the second RSVP relied on the first's answer"
    clock[0] += 0.1
    rsvps.schedule_intake_drain()
    assert asked == [rsvps.DRAIN_KEY] * 2, "after 0.25 s the process asks again"


def test_a_finishing_drain_waits_out_the_memo_and_queues_a_drain_for_what_arrived(
    personas, key_memo, monkeypatch
):
    from bloc.events.services import rsvps

    event, _ = builders.approved_event(personas.admin)
    slot = event.timeslots.get()
    _receive(slot, 3, "before")
    waits = []

    def wait(seconds):
        # While the drain waits, a process that had seen the key held takes an RSVP and
        # schedules nothing.
        waits.append(seconds)
        if len(waits) == 1:
            _receive(slot, 1, "meanwhile")

    queued = []
    real_task = rsvps.tasks.drain_rsvp_intake

    class CountedTask:
        def enqueue(self):
            queued.append(1)
            return real_task.enqueue()

    monkeypatch.setattr(rsvps.tasks, "drain_rsvp_intake", CountedTask())
    monkeypatch.setattr(rsvps, "_sleep", wait)
    # This drain makes the three, waits, finds the fourth and queues a new drain for it
    # (behind whatever else waits in the queue), which makes it (tasks run inline here).
    assert services.process_rsvp_intake() == 3
    assert queued == [1]
    assert waits == [0.5, 0.5]
    assert not RSVPIntake.objects.filter(state="pending").exists()
    assert RSVP.objects.count() == 4
