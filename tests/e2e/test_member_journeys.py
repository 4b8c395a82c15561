"""What people really do, in a real browser: sign in, find their record, change consent."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_member_signs_in_and_turns_off_email(page, live_server, personas):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", personas.member_a.email)
    page.fill("input[name=password]", personas.password)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/people/me/")
    assert page.locator("h1").inner_text() == "My record"
    assert "Riverside Chapter" in page.content()
    page.uncheck("input[name=email]")
    page.click("text=Save preferences")
    page.wait_for_selector("#consent-status:has-text('Saved.')")
    from bloc.people.selectors import can_contact

    assert not can_contact(personas.person_member_a, "email")
    page.screenshot(path="var/e2e-member-record.png", full_page=True)


def test_an_organizer_searches_people_of_their_chapter_only(page, live_server, personas):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", personas.organizer_a.email)
    page.fill("input[name=password]", personas.password)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/people/")
    page.fill("input[name=q]", "Castellan")
    page.wait_for_selector("text=1 people")
    assert "Mina Castellan" in page.content()
    assert "Marchetti" not in page.content()
