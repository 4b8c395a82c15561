"""A member votes in a real browser: sign in, open the ballot, rank, cast, find the tracker."""

import pytest
from django.core import mail

from bloc.democracy import crypto, services
from bloc.democracy.models import Participation, SealedBallot
from bloc.democracy.tests.helpers import opened

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_member_ranks_candidates_casts_and_finds_their_tracker(page, live_server, personas):
    ballot, shares = opened(
        method="stv", seats=2, title="Fictional 2027 steering committee election"
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", personas.member_a.email)
    page.fill("input[name=password]", personas.password)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/democracy/")
    page.get_by_role("link", name=ballot.title).first.click()
    assert page.locator("h1").inner_text() == ballot.title
    page.get_by_label("Cy Okonkwo").fill("1")
    page.get_by_label("Ana Rivers").fill("2")
    page.get_by_label("Dee Marsh").fill("3")
    page.click("text=Cast my vote")

    page.wait_for_selector("h1:has-text('Your vote is recorded')")
    tracker = page.locator("p.tracker code").inner_text().strip()
    assert len(tracker) == 16
    for candidate in ("Ana Rivers", "Bo Lindqvist", "Cy Okonkwo", "Dee Marsh"):
        assert candidate not in page.content()
    page.screenshot(path="var/e2e-democracy-receipt.png", full_page=True)

    # The member asks for the tracker by email: sent now, stored nowhere.
    mail.outbox.clear()
    page.click("text=Email me this tracker")
    page.wait_for_selector("[role=status]:has-text('We have emailed your tracker')")
    assert len(mail.outbox) == 1 and tracker in mail.outbox[0].body

    # The ballot waits to be mixed into the box with others; the board says so.
    page.click("text=bulletin board")
    page.wait_for_selector("[role=status]:has-text('is not on the board yet')")
    assert services.mix_pending(ballot=ballot, force=True) == 1
    page.reload()
    page.wait_for_selector("[role=status]")
    assert page.locator("[role=status]").inner_text() == f"Tracker {tracker} is on the board."
    assert page.locator("ul.columns code").all_inner_texts() == [tracker]

    # Looking up another tracker by hand says it is not there.
    page.fill("input[name=tracker]", "0" * 16)
    page.click("text=Look up")
    page.wait_for_selector("[role=status]:has-text('is not on the board')")

    # The ballot page now says the member has voted and offers no second ballot.
    page.goto(f"{live_server.url}/democracy/ballots/{ballot.pk}/")
    assert "You have voted on this ballot." in page.content()
    assert page.locator("text=Cast my vote").count() == 0

    # What the browser sent is what was sealed: only the trustees' key opens it.
    (sealed,) = SealedBallot.objects.filter(ballot=ballot)
    assert sealed.tracker == tracker
    assert Participation.objects.filter(roll_entry__ballot=ballot).count() == 1
    private = crypto.combine_shares(
        shares[: ballot.trustee_threshold],
        threshold=ballot.trustee_threshold,
        public_hex=ballot.public_key,
    )
    assert crypto.unseal(bytes(sealed.ciphertext), private=private) == [2, 0, 3]
