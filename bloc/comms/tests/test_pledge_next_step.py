"""The pledge thank-you page ends in an action a signer can take without an account."""

import pytest
from django.urls import reverse

from bloc.comms import services

pytestmark = pytest.mark.django_db


def test_the_main_action_after_signing_needs_no_account(client, entity):
    pledge = services.create_pledge(
        actor=None,
        slug="fair-contracts",
        title="Fair contracts for every worker",
        statement="We stand together.",
        goal=100,
        legal_entity=entity,
        next_ask_text="Join your chapter's next meeting.",
        next_ask_url="/people/chapters/",  # behind the sign-in: not a signer's first step
    )
    html = client.get(reverse("comms:pledge-thanks", args=[pledge.slug])).content.decode()
    section = html.split('id="next-ask"')[1].split("</section>")[0]
    assert "Join your chapter&#x27;s next meeting." in section
    main_action = section.split('class="button"')[1].split('href="')[1].split('"')[0]
    assert client.get(main_action).status_code == 200
    assert 'href="/people/chapters/">Yes, count me in</a>' in section
