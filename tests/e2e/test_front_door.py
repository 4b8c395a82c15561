"""The front door and the member's own Bloc on a phone (375 px wide), in a real browser: a visitor
finds an event by ZIP and opens it; a member cancels a shift and opts out of SMS. Every page is
checked for horizontal overflow and, when axe-core is installed (`make e2e` installs it from the
npm registry into var/node), for serious or critical accessibility violations. All fictional."""

import warnings
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
AXE = Path(__file__).resolve().parents[2] / "var/node/node_modules/axe-core/axe.min.js"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text))
    page.csp_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def _axe_violations(page) -> list[dict]:
    # Evaluated through the DevTools protocol: the page's strict CSP (no inline scripts) stays on.
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
    )


def check_page(page, name: str) -> None:
    """No horizontal overflow at 375 px; no serious or critical axe violation; a screenshot."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page is {width}px wide at {PHONE['width']}px"
    if AXE.exists():
        assert _axe_violations(page) == [], name
    else:
        warnings.warn(
            "axe-core is not installed (make e2e installs it): no accessibility check",
            stacklevel=2,
        )
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], name
    page.screenshot(path=f"var/e2e-front-door-{name}.png", full_page=True)


def test_a_visitor_finds_an_event_by_zip_on_a_phone(phone, live_server, personas):
    from bloc.events.tests import builders
    from bloc.home.models import ChapterProfile

    builders.approved_event(personas.admin, zip_code="60601", title="Loop rally for contracts")
    builders.approved_event(
        personas.admin, zip_code="10001", tz="America/New_York", title="Chelsea canvass"
    )
    ChapterProfile.objects.create(
        chapter=personas.chapter_b,
        about="Lakeshore members back the transit workers' contract campaign.",
        how_to_join="Start with a Saturday canvass.",
    )
    page = phone
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Bloc"
    check_page(page, "home")
    # On a phone the menu sits behind a button, and opens without any script.
    assert not page.get_by_role("link", name="Events", exact=True).first.is_visible()
    page.click("summary:has-text('Menu')")
    assert page.locator(".menu-panel").get_by_role("link", name="Events", exact=True).is_visible()
    assert page.locator(".menu-panel").get_by_role("link", name="Sign in").is_visible()
    page.screenshot(path="var/e2e-front-door-menu.png")
    page.click("summary:has-text('Menu')")

    page.fill("input[name=zip]", "60602")
    page.click("text=Find events")
    page.wait_for_selector("h2:has-text('Events near Chicago, IL')")
    assert page.locator("#event-list h3").all_inner_texts() == ["Loop rally for contracts"]
    check_page(page, "home-zip")
    page.get_by_role("link", name="Lakeshore Chapter").click()
    page.wait_for_selector("h1:has-text('Lakeshore Chapter')")
    assert "transit workers' contract campaign" in page.content()
    check_page(page, "chapter")
    page.go_back()
    page.click("#event-list >> text=Loop rally for contracts")
    page.wait_for_selector("h1:has-text('Loop rally for contracts')")
    assert page.locator("#rsvp-form").is_visible()


def test_a_member_cancels_a_shift_and_turns_off_texts_on_a_phone(phone, live_server, personas):
    from bloc.events import services
    from bloc.events.models import RSVP
    from bloc.events.tests import builders
    from bloc.people import selectors as people
    from bloc.people.models import ConsentEvent, Person
    from bloc.people.services import set_consent

    event, _ = builders.approved_event(
        personas.admin, zip_code="10001", tz="America/New_York", title="Chelsea door-knocking"
    )
    rsvp, _ = services.rsvp(
        actor=None, timeslot=event.timeslots.get(), email=personas.member_a.email
    )
    person = personas.person_member_a
    set_consent(actor=None, person=person, channel="sms", opted_in=True, source="test")
    page = phone
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", personas.member_a.email)
    page.fill("input[name=password]", personas.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/me/")
    assert page.locator("h1").inner_text() == "Hello, Mina"
    assert "Riverside Chapter" in page.content() and "Rosa Fenwick" in page.content()
    check_page(page, "me")
    page.click("summary:has-text('Menu')")
    menu = page.locator(".menu-panel")
    assert menu.get_by_role("link", name="Events", exact=True).is_visible()
    assert menu.get_by_role("button", name="Sign out").is_visible()
    page.screenshot(path="var/e2e-front-door-member-menu.png")
    page.click("summary:has-text('Menu')")

    page.locator(".my-rsvp", has_text="Chelsea door-knocking").get_by_role(
        "button", name="Cancel"
    ).click()
    page.wait_for_selector("text=You are no longer down for Chelsea door-knocking.")
    rsvp.refresh_from_db()
    assert rsvp.status == RSVP.Status.CANCELLED

    page.click("text=Preferences")
    page.wait_for_selector("h1:has-text('Preferences')")
    check_page(page, "preferences")
    assert page.is_checked("input[name=sms]")
    page.uncheck("input[name=sms]")
    page.click("text=Save contact choices")
    page.wait_for_selector("text=Your choices apply from the very next message.")
    assert not people.can_contact(person, "sms")
    # The next text message skips her: the audience of contactable people leaves her out.
    assert not people.contactable(Person.objects.filter(pk=person.pk), "sms").exists()
    assert people.current_consent(person)["email"] == ConsentEvent.Status.OPTED_IN
    assert not page.is_checked("input[name=sms]")
