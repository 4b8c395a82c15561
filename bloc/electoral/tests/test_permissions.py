"""Committee members see dossiers and assessments; tendencies only inside the committee;
organizers manage their own chapter's intake only."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from bloc.electoral import selectors, services
from bloc.electoral.models import Endorsement, Stage
from bloc.electoral.tests.world import chapter_endorsed, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessing(personas, django_capture_on_commit_callbacks):
    p, w = personas, world(personas)
    chapter = chapter_endorsed(p, w, django_capture_on_commit_callbacks)
    national = services.apply_for_national(actor=p.organizer_a, chapter_endorsement=chapter)
    services.update_dossier(
        actor=p.organizer_a,
        endorsement=national,
        one_on_one_notes="Met.",
        race_analysis="Confidential race analysis",
        win_number=48000,
        field_plan="Doors.",
        chapter_capacity="Plenty.",
    )
    for _ in range(4):
        services.advance_endorsement(actor=p.organizer_a, endorsement=national)
    services.assign_committee(actor=p.admin, endorsement=national, committee=w.committee)
    services.write_assessment(
        actor=w.assessors[0],
        endorsement=national,
        text="Private assessment text",
        recommendation="endorse",
    )
    services.declare_tendency(actor=w.assessors[0], committee=w.committee, tendency="Tendency Red")
    national.refresh_from_db()
    assert national.stage == Stage.ASSESSMENT
    return w, national


def test_committee_members_see_the_dossier_and_assessments(client, personas, assessing):
    w, national = assessing
    client.force_login(w.assessors[1])
    page = client.get(reverse("electoral:endorsement-detail", args=[national.pk])).content.decode()
    assert "Confidential race analysis" in page
    assert "Private assessment text" in page


def test_the_applying_organizer_sees_the_dossier_but_not_assessments(client, personas, assessing):
    _, national = assessing
    client.force_login(personas.organizer_a)
    page = client.get(reverse("electoral:endorsement-detail", args=[national.pk])).content.decode()
    assert "Confidential race analysis" in page
    assert "Private assessment text" not in page


def test_others_do_not_find_the_application(client, personas, assessing):
    _, national = assessing
    for user in (personas.organizer_b, personas.member_a, personas.outsider):
        client.force_login(user)
        url = reverse("electoral:endorsement-detail", args=[national.pk])
        assert client.get(url).status_code == 404


def test_tendencies_are_visible_only_to_the_committee(client, personas, assessing):
    w, _ = assessing
    url = reverse("electoral:committee-detail", args=[w.committee.pk])
    client.force_login(w.assessors[1])
    assert "Tendency Red" in client.get(url).content.decode()
    assert list(selectors.tendencies_visible_to(personas.admin, w.committee)) == []
    for user in (personas.admin, personas.organizer_a, personas.member_a):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_only_committee_members_assess(personas, assessing):
    _, national = assessing
    with pytest.raises(PermissionDenied):
        services.write_assessment(
            actor=personas.admin, endorsement=national, text="x", recommendation="endorse"
        )


def test_organizers_manage_only_their_own_chapters_intake(client, personas):
    w = world(personas)
    with pytest.raises(PermissionDenied):
        services.open_intake(
            actor=personas.organizer_b, candidacy=w.candidacy, chapter=personas.chapter_a
        )
    e = services.open_intake(
        actor=personas.organizer_a, candidacy=w.candidacy, chapter=personas.chapter_a
    )
    client.force_login(personas.organizer_b)
    url = reverse("electoral:endorsement-act", args=[e.pk])
    assert client.post(url, {"action": "advance"}).status_code == 404
    assert (
        client.post(
            reverse("electoral:endorsement-create"),
            {"candidacy": w.candidacy.pk, "chapter": personas.chapter_a.pk, "method": "form"},
        ).status_code
        == 200
    )  # the form refuses chapter A: not a choice for organizer B
    assert Endorsement.objects.count() == 1
    client.force_login(personas.organizer_a)
    assert client.post(url, {"action": "advance"}).status_code == 302
    e.refresh_from_db()
    assert e.stage == Stage.QUESTIONNAIRE
