"""Voting by code (issue 15, finding 6): a chapter's ballot is invisible to those off its roll,
ids cannot be enumerated, and guessing codes is limited per connection and per ballot."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bloc.democracy import services
from bloc.democracy.models import Ballot, Participation
from bloc.democracy.tests.helpers import CANDIDATES, YES, draft, opened

WRONG = "0000-0000-0000-0000-0000"
CHAPTER_TITLE = "Fictional chapter bylaws vote"


def _url(pk: int) -> str:
    return reverse("democracy:ballot-vote-by-code", args=[pk])


def _codes(ballot: Ballot) -> list[str]:
    """Every roll entry's code, as printed for mailing (nobody here is emailed)."""
    from bloc.democracy.models import VoterRollEntry
    from bloc.people.models import Person

    people = VoterRollEntry._base_manager.filter(ballot=ballot).values_list("person_id", flat=True)
    Person.objects.filter(pk__in=list(people)).update(email="")
    if _no_address_on_roll():
        VoterRollEntry._base_manager.filter(ballot=ballot).update(**_no_address_on_roll())
    return [code for _entry, code in services.issue_voting_codes(actor=None, ballot=ballot)]


def _no_address_on_roll() -> dict[str, str]:
    from bloc.democracy.models import VoterRollEntry

    names = {f.name for f in VoterRollEntry._meta.get_fields()}
    return {"email_at_freeze": ""} if "email_at_freeze" in names else {}


def _chapter_ballot(personas) -> Ballot:
    ballot, _ = opened(
        method="stv",
        seats=1,
        title=CHAPTER_TITLE,
        description="Fictional description of the chapter's question.",
        chapter=personas.chapter_a,
    )
    return ballot


def _votes(ballot: Ballot) -> int:
    """Members who have voted (their sealed ballots may still wait to be mixed into the box)."""
    return Participation.objects.filter(roll_entry__ballot=ballot).count()


def _page(response) -> str:
    """The page as a visitor sees it, without what differs on every response (CSRF tokens)."""
    text = response.content.decode()
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", text)


def _leaks(text: str, ballot: Ballot, personas) -> list[str]:
    secrets = [ballot.title, ballot.description, personas.chapter_a.name, *CANDIDATES]
    return [s for s in secrets if s and s in text]


# --- A chapter's ballot is invisible off its roll ----------------------------------------------


def test_a_chapter_ballot_shows_a_visitor_only_a_neutral_code_step(client, personas):
    ballot = _chapter_ballot(personas)

    response = client.get(_url(ballot.pk))

    assert response.status_code == 200
    assert _leaks(response.content.decode(), ballot, personas) == []
    assert "personal voting code" in response.content.decode()
    assert "Cast my vote" not in response.content.decode()


def test_an_open_chapter_ballot_a_closed_one_a_draft_and_an_unknown_id_look_the_same(
    client, personas
):
    chapter = _chapter_ballot(personas)
    closed, _ = opened(chapter=personas.chapter_b, title="Fictional closed ballot")
    Ballot.objects.filter(pk=closed.pk).update(status=Ballot.Status.CLOSED)
    drafted = draft(chapter=personas.chapter_b, title="Fictional draft ballot")
    ids = [chapter.pk, closed.pk, drafted.pk, 987654]

    gets = [client.get(_url(pk)) for pk in ids]
    posts = [client.post(_url(pk), {"code": WRONG}) for pk in ids]

    for responses in (gets, posts):
        assert {r.status_code for r in responses} == {200}
        pages = {_page(r).replace(_url(pk), "URL") for r, pk in zip(responses, ids, strict=True)}
        assert len(pages) == 1, "every id answers the same page"
    assert "not valid" in _page(posts[0])


def test_a_valid_code_shows_the_chapter_ballot_and_votes_with_the_code_in_the_post(
    client, personas
):
    ballot = _chapter_ballot(personas)
    code = _codes(ballot)[0]

    shown = client.post(_url(ballot.pk), {"code": code.lower()})

    text = shown.content.decode()
    assert shown.status_code == 200
    assert ballot.title in text and all(name in text for name in CANDIDATES)
    assert re.search(rf'<input type="hidden" name="code" value="{code.lower()}"', text)
    assert "no-store" in shown["Cache-Control"]
    assert not any(code.lower() in str(v) for v in client.session.values())

    receipt = client.post(_url(ballot.pk), {"code": code, "cast": "1", "rank_2": "1"})

    assert receipt.status_code == 200 and receipt.context["tracker"]
    assert "no-store" in receipt["Cache-Control"]
    assert _votes(ballot) == 1


def test_a_chapter_ballot_cast_with_a_wrong_code_shows_nothing_and_casts_nothing(client, personas):
    ballot = _chapter_ballot(personas)
    _codes(ballot)

    refused = client.post(_url(ballot.pk), {"code": WRONG, "cast": "1", "rank_2": "1"})
    no_choice = client.post(_url(ballot.pk), {"code": WRONG, "cast": "1"})

    for response in (refused, no_choice):
        assert response.status_code == 200
        assert _leaks(response.content.decode(), ballot, personas) == []
        assert "not valid" in response.content.decode()
    assert _votes(ballot) == 0


def test_a_valid_code_for_a_ballot_no_longer_open_says_so_and_shows_nothing_else(client, personas):
    ballot = _chapter_ballot(personas)
    code = _codes(ballot)[0]
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.CLOSED)

    response = client.post(_url(ballot.pk), {"code": code, "cast": "1", "rank_0": "1"})

    assert "not open for voting now" in response.content.decode()
    assert _leaks(response.content.decode(), ballot, personas) == []
    assert _votes(ballot) == 0


def test_a_national_ballot_stays_public(client, personas):
    ballot, _ = opened(method="stv", seats=1, title="Fictional national election")
    response = client.get(_url(ballot.pk))
    assert ballot.title in response.content.decode()
    assert all(name in response.content.decode() for name in CANDIDATES)


# --- Wrong codes are limited --------------------------------------------------------------------

FROM = {"REMOTE_ADDR": "203.0.113.7"}


def _limited_message(response) -> str:
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    return " ".join(response.content.decode().split())


def test_after_n_wrong_codes_a_connection_waits_whatever_it_sends(
    client, personas, settings, time_machine
):
    time_machine.move_to(timezone.now())
    settings.BLOC_RATE_WRONG_CODE_CLIENT = "3/h"
    settings.BLOC_RATE_WRONG_CODE_BALLOT = "1000/h"
    ballot, _ = opened()
    code = _codes(ballot)[0]
    url = _url(ballot.pk)

    wrong = [client.post(url, {"code": WRONG, "choice": str(YES)}, **FROM) for _ in range(3)]
    assert all(r.status_code == 200 and "not valid" in r.content.decode() for r in wrong)
    blocked = client.post(url, {"code": code, "choice": str(YES)}, **FROM)
    spoofed = client.post(
        url, {"code": code, "choice": str(YES)}, HTTP_X_FORWARDED_FOR="198.51.100.9", **FROM
    )

    message = _limited_message(blocked)
    assert re.search(
        r"Too many wrong codes from this connection; try again in \d+ minutes?\.", message
    ), message
    assert _limited_message(spoofed), "a header the visitor writes is not their address"
    assert _votes(ballot) == 0, "nothing was checked"
    elsewhere = client.post(url, {"code": code, "choice": str(YES)}, REMOTE_ADDR="192.0.2.44")
    assert elsewhere.status_code == 200 and elsewhere.context["tracker"]

    time_machine.shift(timedelta(hours=1, minutes=1))
    again = client.post(url, {"code": WRONG, "choice": str(YES)}, **FROM)
    assert again.status_code == 200 and "not valid" in again.content.decode()


def test_right_codes_never_count_against_a_connection(client, personas, settings):
    settings.BLOC_RATE_WRONG_CODE_CLIENT = "2/h"
    ballot = _chapter_ballot(personas)
    code = _codes(ballot)[0]

    shown = [client.post(_url(ballot.pk), {"code": code}, **FROM) for _ in range(5)]

    assert all(r.status_code == 200 and ballot.title in r.content.decode() for r in shown)


def test_after_m_wrong_codes_on_a_ballot_guesses_get_429_but_a_right_code_still_votes(
    client, personas, settings, time_machine
):
    time_machine.move_to(timezone.now())
    settings.BLOC_RATE_WRONG_CODE_CLIENT = "1000/h"
    settings.BLOC_RATE_WRONG_CODE_BALLOT = "4/h"
    ballot = _chapter_ballot(personas)
    first, second, third = _codes(ballot)[:3]
    other = _chapter_ballot(personas)
    url = _url(ballot.pk)

    # Four strangers guess once each: the ballot's allowance of wrong codes is used up.
    for n in range(4):
        guess = client.post(url, {"code": WRONG}, REMOTE_ADDR=f"198.51.100.{n}")
        assert guess.status_code == 200 and "not valid" in guess.content.decode()
    fifth = client.post(url, {"code": WRONG}, REMOTE_ADDR="198.51.100.50")
    message = _limited_message(fifth)
    assert re.search(
        r"Too many wrong codes have been tried for this ballot; try again in \d+ minutes?\.",
        message,
    ), message
    assert _leaks(fifth.content.decode(), ballot, personas) == []

    # A voter with the right code still sees the ballot and votes, from a fresh connection or
    # from one that guessed wrong once (a typo).
    voter = client.post(url, {"code": first, "cast": "1", "rank_1": "1"}, REMOTE_ADDR="192.0.2.1")
    assert voter.status_code == 200 and voter.context["tracker"]
    typo = client.post(
        url, {"code": second, "cast": "1", "rank_0": "1"}, REMOTE_ADDR="198.51.100.0"
    )
    assert typo.status_code == 200 and typo.context["tracker"]
    # A connection that keeps guessing on the flooded ballot waits, right code or not.
    for _ in range(3):
        client.post(url, {"code": WRONG}, REMOTE_ADDR="198.51.100.60")
    guesser = client.post(url, {"code": third}, REMOTE_ADDR="198.51.100.60")
    assert guesser.status_code == 429
    # Another ballot is not affected.
    assert client.post(_url(other.pk), {"code": WRONG}, **FROM).status_code == 200
    assert _votes(ballot) == 2

    time_machine.shift(timedelta(hours=1, minutes=1))
    later = client.post(url, {"code": WRONG}, REMOTE_ADDR="198.51.100.99")
    assert later.status_code == 200 and "not valid" in later.content.decode()


def test_an_empty_setting_turns_a_limit_off(client, personas, settings):
    settings.BLOC_RATE_WRONG_CODE_CLIENT = ""
    settings.BLOC_RATE_WRONG_CODE_BALLOT = ""
    ballot = _chapter_ballot(personas)
    responses = [client.post(_url(ballot.pk), {"code": WRONG}, **FROM) for _ in range(30)]
    assert {r.status_code for r in responses} == {200}


@pytest.mark.parametrize("missing", ["", "   "])
def test_an_empty_code_is_asked_for_again_and_does_not_count(client, personas, settings, missing):
    settings.BLOC_RATE_WRONG_CODE_CLIENT = "1/h"
    ballot = _chapter_ballot(personas)
    for _ in range(3):
        response = client.post(_url(ballot.pk), {"code": missing}, **FROM)
        assert response.status_code == 200
        assert _leaks(response.content.decode(), ballot, personas) == []
