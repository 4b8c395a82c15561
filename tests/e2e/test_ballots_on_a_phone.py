"""The ballot and its results on a 375 px phone: nothing scrolls sideways (the rounds table
scrolls inside its own box), the charts draw under the strict CSP, and screenshots are kept in
var/ to look at. All fictional."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bloc.coalition import services as coalition
from bloc.coalition.tests.world import world
from bloc.democracy.tests.helpers import counted, opened, vote

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def _width(page) -> int:
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")


def _sign_in(page, base, user, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text))
    page.console_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def test_the_ballot_and_an_stv_result_fit_a_phone(phone, live_server, personas):
    voting, _ = opened(method="stv", seats=2, title="Fictional steering committee election")
    decided, shares = opened(method="stv", seats=2, title="Fictional delegates election")
    vote(decided, personas.person_member_a, [0, 1, 2, 3])
    vote(decided, personas.person_member_b, [2, 0, 3, 1])
    counted(decided, shares)

    _sign_in(phone, live_server.url, personas.member_a, personas.password)
    phone.goto(f"{live_server.url}/democracy/ballots/{voting.pk}/")
    assert phone.locator("h1").inner_text() == voting.title
    assert _width(phone) <= PHONE["width"]
    phone.screenshot(path="var/e2e-ballot-375.png", full_page=True)

    phone.goto(f"{live_server.url}/democracy/ballots/{decided.pk}/results/")
    assert _width(phone) <= PHONE["width"]
    # The rounds table is wider than the phone: it scrolls inside its box, not the page.
    box = phone.locator("table.rounds").locator("xpath=..")
    assert box.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    assert phone.locator("table.rounds td").first.is_visible()
    # The layout hides fourth columns on phones; a table in its own scrolling box keeps them.
    assert phone.locator("#turnout > .table-scroll thead th").nth(3).is_visible()
    chart = phone.locator("#rounds-chart svg")
    assert chart.get_attribute("role") == "img" and chart.bounding_box()["height"] > 100
    frame = phone.locator("#rounds-chart .chart-frame")
    assert frame.bounding_box()["width"] <= PHONE["width"]
    phone.screenshot(path="var/e2e-results-375.png", full_page=True)
    assert not [e for e in phone.console_errors if "Content Security Policy" in e]


def test_the_strike_calendar_draws_its_chart_and_month(page, live_server, personas):
    w = world(personas)
    coalition.record_contract(
        actor=personas.admin,
        union_local=w.other,
        employer="Fictional Freight",
        unit_name="Drivers",
        unit_size=2619,
        expires_at=datetime(2028, 4, 30, 23, 59, tzinfo=ZoneInfo("America/Chicago")),
        time_zone="America/Chicago",
    )
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text))
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server.url, personas.admin, personas.password)
    page.goto(f"{live_server.url}/coalition/contracts/calendar/?month=2028-04")
    if "/accounts/" in page.url:
        pytest.skip("the admin persona needs its second factor in this browser")
    page.wait_for_selector("#strike-wave-chart svg")
    assert page.locator("table.calendar tbody tr").count() >= 4
    assert page.locator("table.calendar li.expiry").count() == 2
    assert page.locator("table.calendar thead th").count() == 7
    page.screenshot(path="var/e2e-strike-calendar-1280.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.reload()
    assert _width(page) <= PHONE["width"]
    # All seven days stay on a phone (the layout's rule hides fourth columns onwards elsewhere).
    assert page.locator("table.calendar thead th").nth(6).bounding_box()["width"] > 30
    page.screenshot(path="var/e2e-strike-calendar-375.png", full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e]


def test_the_dashboard_charts_fit_a_phone(phone, live_server, personas):
    _sign_in(phone, live_server.url, personas.organizer_a, personas.password)
    phone.goto(f"{live_server.url}/dashboard/")
    if "/accounts/" in phone.url:
        pytest.skip("the organizer persona needs its second factor in this browser")
    phone.wait_for_selector("#membership-chart svg")
    assert _width(phone) <= PHONE["width"]
    phone.screenshot(path="var/e2e-dashboard-375.png", full_page=True)
    phone.set_viewport_size({"width": 1280, "height": 900})
    phone.screenshot(path="var/e2e-dashboard-1280.png", full_page=True)
