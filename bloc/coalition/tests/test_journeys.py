"""In a real browser: log an interaction, move the partner along, see it on the board and home."""

import pytest

from bloc.coalition.models import Stage
from bloc.coalition.tests.world import world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_organizer_logs_a_meeting_and_moves_the_partner_on_the_board(
    page,
    live_server,
    personas,
):
    w = world(personas)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", personas.organizer_b.email)
    page.fill("input[name=password]", personas.password)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/coalition/relationships/{w.other.relationship.pk}/")
    page.select_option("select[name=channel]", "meeting")
    page.fill("textarea[name=summary]", "Met the nurses' executive board about May Day 2028.")
    page.fill("input[name=next_step]", "Send the alignment resolution")
    page.click("text=Log interaction")
    page.wait_for_selector("text=Interaction logged.")
    assert "Send the alignment resolution" in page.content()

    page.goto(f"{live_server.url}/coalition/board/")
    card = page.locator(f"#rel-{w.other.relationship.pk}")
    card.locator("text=Move to next stage").click()
    page.wait_for_selector(
        f"section[aria-labelledby=col-researched] #rel-{w.other.relationship.pk}"
    )
    w.other.relationship.refresh_from_db()
    assert w.other.relationship.stage == Stage.RESEARCHED

    page.goto(f"{live_server.url}/")
    assert '<th scope="row">Researched</th><td>1</td>' in page.content()  # the funnel's table
