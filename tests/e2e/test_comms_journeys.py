"""A supporter in a real browser: sign the pledge, see the next ask, unsubscribe by the link."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_supporter_signs_the_pledge_gets_the_next_ask_and_unsubscribes(page, live_server):
    from bloc.comms import services
    from bloc.people.selectors import can_contact, find_matches

    entity = services.create_legal_entity(
        actor=None,
        name="Bloc National Organization",
        coordination="nonpartisan",
        disclaimer="Paid for by Bloc National Organization.",
        postal_address="1 Solidarity Plaza, New York, NY 10001",
    )
    services.create_pledge(
        actor=None,
        slug="left-labor-2028",
        title="I pledge to back a left-labor candidate in 2028",
        statement="Working people need a candidate of our own.",
        goal=100,
        legal_entity=entity,
        next_ask_text="Join your chapter's next meeting.",
        next_ask_url="/people/chapters/",
    )
    page.goto(f"{live_server.url}/comms/p/left-labor-2028/?ref=tenant-union")
    page.fill("input[name=first_name]", "Juno")
    page.fill("input[name=last_name]", "Example")
    page.fill("input[name=email]", "juno.example@example.org")
    page.fill("input[name=zip_code]", "10001")
    page.click("button:has-text('Sign')")
    page.wait_for_selector("#next-ask")
    assert "Join your chapter's next meeting." in page.inner_text("#next-ask")

    person = find_matches(email="juno.example@example.org")[0]
    assert can_contact(person, "email")
    assert len(mail.outbox) == 1
    link = re.search(r"Unsubscribe: (\S+)", mail.outbox[0].body).group(1)
    page.goto(live_server.url + urlsplit(link).path)
    page.click("button:has-text('Unsubscribe')")
    page.wait_for_selector("#unsubscribed")
    assert not can_contact(person, "email")
    assert not can_contact(person, "sms")
