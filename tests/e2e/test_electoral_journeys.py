"""A candidate answers the questionnaire through their private link; an organizer sees the
alignment score and moves the endorsement forward; the public slate shows the candidate."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_questionnaire_to_score_to_slate(browser, live_server, personas):
    from bloc.electoral import services
    from bloc.electoral.models import Endorsement, EndorsementPolicy, Stage
    from bloc.electoral.tests.world import world

    w = world(personas)
    # Riverside endorses on its electoral committee's word once the questionnaire is in.
    EndorsementPolicy.objects.create(
        scope="chapter",
        chapter=personas.chapter_a,
        requires_forum=False,
        requires_recommendation=False,
        requires_vote=False,
    )
    e = services.open_intake(
        actor=personas.organizer_a, candidacy=w.candidacy, chapter=personas.chapter_a
    )
    services.advance_endorsement(actor=personas.organizer_a, endorsement=e)
    _, token = services.send_questionnaire(
        actor=personas.organizer_a, endorsement=e, questionnaire=w.questionnaire
    )
    yes_no, choice, text = w.questionnaire.questions.all()

    candidate = browser.new_context().new_page()
    candidate.goto(f"{live_server.url}/electoral/answer/{token}/")
    assert "Marisol Quintero-Hale" in candidate.content()
    candidate.check(f"input[name=q{yes_no.pk}][value=Yes]")
    candidate.check(f"input[name=q{choice.pk}][value='Vote for']")
    candidate.fill(f"textarea[name=q{text.pk}]", "Because health care is a right.")
    candidate.click("text=Submit answers")
    candidate.wait_for_selector("#submitted")
    candidate.context.close()

    organizer = browser.new_context().new_page()
    organizer.goto(f"{live_server.url}/accounts/login/")
    organizer.fill("input[name=login]", personas.organizer_a.email)
    organizer.fill("input[name=password]", personas.password)
    organizer.click("button[type=submit]")
    organizer.goto(f"{live_server.url}/electoral/endorsements/{e.pk}/")
    assert organizer.locator("#score").inner_text() == "75%"
    assert "Medicare for All: supports" in organizer.content()
    organizer.click("text=Move to the next step")
    organizer.wait_for_selector("#stage:has-text('Endorsed')")
    organizer.screenshot(path="var/e2e-endorsement.png", full_page=True)
    organizer.context.close()
    assert Endorsement.objects.get(pk=e.pk).stage == Stage.ENDORSED

    public = browser.new_context().new_page()
    public.goto(f"{live_server.url}/electoral/slate/")
    assert public.locator("h1").inner_text() == "The 2026 slate"
    entry = public.locator(".slate-entry").first
    assert "Marisol Quintero-Hale" in entry.inner_text()
    assert "75%" in entry.locator(".alignment").inner_text()
    public.context.close()
