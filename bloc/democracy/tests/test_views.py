"""Members vote and find their tracker; staff run the lifecycle; anyone reads a certified result."""

import re
from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from bloc.democracy.models import Ballot, Participation, SealedBallot
from bloc.democracy.tests.helpers import YES, certified_yes_no, in_box, opened, vote


def test_a_member_ranks_casts_and_finds_their_tracker(client, personas):
    ballot, _ = opened(method="irv")
    client.force_login(personas.member_a)
    assert ballot in client.get(reverse("democracy:ballot-list")).context["open_for_me"]
    page = client.get(reverse("democracy:ballot-detail", args=[ballot.pk]))
    assert page.context["form"] is not None

    cast_url = reverse("democracy:ballot-cast", args=[ballot.pk])
    receipt = client.post(cast_url, {"rank_2": "1", "rank_0": "2"})
    assert receipt.status_code == 200
    tracker = receipt.context["tracker"]
    assert in_box(ballot) == 1
    assert SealedBallot.objects.filter(ballot=ballot, tracker=tracker).exists()
    assert "Cy Okonkwo" not in receipt.content.decode()

    board = client.get(reverse("democracy:ballot-board", args=[ballot.pk]), {"tracker": tracker})
    assert board.context["found"] is True

    again = client.post(cast_url, {"rank_1": "1"}, follow=True)
    assert "already voted" in again.content.decode()
    assert SealedBallot.objects.filter(ballot=ballot).count() == 1
    assert client.get(reverse("democracy:ballot-list")).context["open_for_me"] == []


def test_a_ranking_with_gaps_is_refused_and_nothing_is_cast(client, personas):
    ballot, _ = opened(method="stv", seats=2)
    client.force_login(personas.member_a)
    response = client.post(
        reverse("democracy:ballot-cast", args=[ballot.pk]), {"rank_0": "1", "rank_1": "3"}
    )
    assert response.status_code == 302
    assert not Participation.objects.filter(roll_entry__ballot=ballot).exists()


def test_a_member_of_another_chapter_cannot_see_or_cast(client, personas):
    ballot, _ = opened(chapter=personas.chapter_b)
    client.force_login(personas.member_a)
    assert client.get(reverse("democracy:ballot-detail", args=[ballot.pk])).status_code == 404
    cast = client.post(reverse("democracy:ballot-cast", args=[ballot.pk]), {"choice": "0"})
    assert cast.status_code == 404
    assert not SealedBallot.objects.filter(ballot=ballot).exists()


def test_an_admin_runs_a_ballot_through_every_step(client, personas):
    client.force_login(personas.admin)
    now = timezone.localtime()
    response = client.post(
        reverse("democracy:ballot-create"),
        {
            "title": "Adopt the fictional 2027 program",
            "kind": "referendum",
            "method": "yes_no",
            "options": "",
            "chapter": "",
            "seats": 1,
            "threshold": "2/3",
            "quorum_share": "0",
            "stv_rule": "scotland",
            "cutoff_on": now.date().isoformat(),
            "grace_days": 0,
            "opens_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "trustee_threshold": 2,
            "trustee_count": 3,
        },
    )
    ballot = Ballot.objects.get(title="Adopt the fictional 2027 program")
    assert response.status_code == 302
    step = reverse("democracy:ballot-step", args=[ballot.pk])
    assert client.post(step, {"step": "open"}).status_code == 302  # refused: not ready
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.DRAFT
    client.post(step, {"step": "notice"})
    shares_page = client.post(step, {"step": "freeze"})
    shares = shares_page.context["shares"]
    assert len(shares) == 3 and shares_page["Cache-Control"] == "no-store"
    manage = client.get(reverse("democracy:ballot-manage", args=[ballot.pk]))
    assert manage.context["problems"] == [] and manage.context["fingerprint_ok"] is True
    client.post(step, {"step": "open"})
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN
    vote(ballot, personas.person_member_a, [YES])
    vote(ballot, personas.person_member_b, [YES])
    with time_machine.travel(ballot.closes_at + timedelta(minutes=1), tick=False):
        client.force_login(personas.admin)  # two days on, the earlier session has expired
        client.post(step, {"step": "close"})
        tally = client.post(
            reverse("democracy:ballot-tally", args=[ballot.pk]),
            {"shares": f"{shares[2]}\n{shares[0]}"},
        )
        assert tally.status_code == 302
        client.post(step, {"step": "certify"})
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CERTIFIED
    assert ballot.result.data["yes"] == 2 and ballot.result.data["passed"] is True


def test_anyone_reads_a_certified_result_and_downloads_the_record(client, personas):
    ballot = certified_yes_no(personas)
    page = client.get(reverse("democracy:ballot-results", args=[ballot.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert ballot.roll_fingerprint in text and ballot.result.ballots_sha256 in text
    record = client.get(reverse("democracy:ballot-record", args=[ballot.pk]))
    assert record.content.decode() == ballot.result.ballots_blt


def test_the_turnout_panel_shows_counts_not_choices(
    client, personas, django_assert_max_num_queries
):
    ballot, _ = opened()
    vote(ballot, personas.person_member_a, [YES])
    client.force_login(personas.member_a)
    with django_assert_max_num_queries(12):
        panel = client.get(reverse("democracy:ballot-turnout", args=[ballot.pk]))
    text = panel.content.decode()
    assert re.search(r"<strong>1</strong> of 5", text)
    assert "Yes" not in text


def test_the_home_page_lists_ballots_waiting_for_my_vote(client, personas):
    ballot, _ = opened(title="Fictional ballot on the home page")
    client.force_login(personas.member_a)
    assert ballot.title in client.get(reverse("core:home")).content.decode()
    vote(ballot, personas.person_member_a, [YES])
    assert ballot.title not in client.get(reverse("core:home")).content.decode()


def test_the_election_record_checks_out(client, personas):
    import base64
    import hashlib

    from bloc.democracy import crypto

    ballot = certified_yes_no(personas)
    record = client.get(reverse("democracy:ballot-record-json", args=[ballot.pk])).json()
    entries = record["board"]["entries"]
    assert record["roll"] == {"size": ballot.roll_size, "fingerprint": ballot.roll_fingerprint}
    assert len(entries) == record["turnout"]["voted"] == record["result"]["turnout"] == 2
    assert len({e["tracker"] for e in entries}) == len(entries)
    for entry in entries:
        ciphertext = base64.b64decode(entry["ciphertext"])
        assert crypto.tracker_for(ciphertext) == entry["tracker"]
    blt = client.get(reverse("democracy:ballot-record", args=[ballot.pk])).content
    assert hashlib.sha256(blt).hexdigest() == record["ballots"]["sha256"]
