"""Views through the test client: the response and the database."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bloc.core.models import AuditEvent
from bloc.electoral import services
from bloc.electoral.models import Candidate, Condition, Endorsement, FecImport, Stage
from bloc.electoral.tests.test_services import FEC_CSV
from bloc.electoral.tests.world import answers, world

pytestmark = pytest.mark.django_db


def _endorsed(p, w):
    from bloc.electoral.models import EndorsementPolicy

    EndorsementPolicy.objects.create(
        scope="chapter",
        chapter=p.chapter_a,
        requires_forum=False,
        requires_recommendation=False,
        requires_vote=False,
    )
    e = services.open_intake(actor=p.organizer_a, candidacy=w.candidacy, chapter=p.chapter_a)
    services.advance_endorsement(actor=p.organizer_a, endorsement=e)
    response, _ = services.send_questionnaire(
        actor=p.organizer_a, endorsement=e, questionnaire=w.questionnaire
    )
    services.submit_answers(
        response=response, answers=answers(w.questionnaire, "Yes", "Co-sponsor", "Because.")
    )
    return services.advance_endorsement(actor=p.organizer_a, endorsement=e)


def test_an_organizer_opens_intake_for_their_chapter(client, personas):
    w = world(personas)
    client.force_login(personas.organizer_a)
    response = client.post(
        reverse("electoral:endorsement-create"),
        {"candidacy": w.candidacy.pk, "chapter": personas.chapter_a.pk, "method": "form"},
    )
    e = Endorsement.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{e.pk}/")
    assert e.stage == Stage.INTAKE and e.submitted_by == personas.organizer_a


def test_the_answer_link_records_answers_once(client, personas):
    w = world(personas)
    e = services.open_intake(actor=None, candidacy=w.candidacy, chapter=personas.chapter_a)
    response, token = services.send_questionnaire(
        actor=None, endorsement=e, questionnaire=w.questionnaire
    )
    url = reverse("electoral:questionnaire-answer", args=[token])
    q1, q2, q3 = w.questionnaire.questions.all()
    too_long = " ".join(["word"] * 60)
    page = client.post(url, {f"q{q1.pk}": "Yes", f"q{q2.pk}": "Oppose", f"q{q3.pk}": too_long})
    assert "at most 50 words" in page.content.decode()
    response.refresh_from_db()
    assert response.submitted_at is None
    client.post(url, {f"q{q1.pk}": "Yes", f"q{q2.pk}": "Oppose", f"q{q3.pk}": "Short."})
    response.refresh_from_db()
    assert response.submitted_at is not None and response.answers.count() == 3
    assert "were received" in client.get(url).content.decode()


def test_the_slate_is_public_and_shows_the_score(client, personas, django_assert_max_num_queries):
    w = world(personas)
    _endorsed(personas, w)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("electoral:slate", args=[2026])).content.decode()
    assert "Marisol Quintero-Hale" in page and "100%" in page
    assert "U.S. House, NY-12" in page
    assert "Marisol" not in client.get(reverse("electoral:slate", args=[2028])).content.decode()


def test_the_list_warns_of_deadlines(client, personas):
    w = world(personas)
    services.open_intake(actor=None, candidacy=w.candidacy, chapter=personas.chapter_a)
    client.force_login(personas.organizer_a)
    page = client.get(reverse("electoral:endorsement-list")).content.decode()
    assert "Filing deadline in 10 days" in page
    client.force_login(personas.organizer_b)
    page = client.get(reverse("electoral:endorsement-list")).content.decode()
    assert "Marisol" not in page


def test_conditions_suspension_and_the_firewall_through_the_page(client, personas):
    w = world(personas)
    e = _endorsed(personas, w)
    url = reverse("electoral:endorsement-act", args=[e.pk])
    client.force_login(personas.organizer_a)
    client.post(url, {"action": "condition", "text": "Join the socialists-in-office committee"})
    assert Condition.objects.get(endorsement=e).status == "pending"
    client.post(url, {"action": "suspend", "reason": "Missed two meetings"})
    e.refresh_from_db()
    assert e.stage == Stage.SUSPENDED and e.suspended_at
    client.post(url, {"action": "coordination", "mode": "coordinated", "legal_entity": "Campaign"})
    client.post(url, {"action": "coordination", "mode": "independent"})
    e.refresh_from_db()
    assert e.coordination_mode == "coordinated"
    assert AuditEvent.objects.filter(action="electoral.endorsement_coordinated").count() == 1


def test_an_admin_imports_the_fec_file(client, personas):
    world(personas)
    client.force_login(personas.admin)
    upload = SimpleUploadedFile("cn.csv", FEC_CSV.encode(), content_type="text/csv")
    page = client.post(reverse("electoral:fec-import"), {"file": upload, "cycle": 2026})
    assert "2 created, 0 updated, 3 skipped." in page.content.decode()
    assert FecImport.objects.get().imported_by == personas.admin
    assert Candidate.objects.filter(fec_candidate_id="H6NY12001").exists()


def test_a_report_card_lists_an_electeds_votes_against_the_program(client, personas):
    from datetime import date

    w = world(personas)
    e = _endorsed(personas, w)
    report = reverse("electoral:report-card", args=[w.candidacy.pk])
    assert client.get(report).status_code == 404  # not elected yet
    for status in ("filed", "on_ballot", "won"):
        services.move_candidacy(actor=None, candidacy=w.candidacy, status=status)
    services.record_elected_vote(
        actor=personas.organizer_a,
        endorsement=e,
        plank=w.planks[1],
        measure="H.R. 20, final passage",
        voted_on=date(2027, 3, 9),
        position="opposes",
    )
    page = client.get(report).content.decode()
    assert "H.R. 20, final passage" in page and "1 against it" in page
    assert "50%" in page  # supports Medicare for All, now opposes the PRO Act by vote
    assert "Report card" in client.get(reverse("electoral:slate", args=[2026])).content.decode()


def test_organizers_move_the_candidacy_and_review_conditions(client, personas):
    w = world(personas)
    e = _endorsed(personas, w)
    condition = services.attach_condition(
        actor=personas.organizer_a, endorsement=e, text="Join the socialists-in-office committee"
    )
    url = reverse("electoral:endorsement-act", args=[e.pk])
    client.force_login(personas.organizer_b)
    assert client.post(url, {"action": "candidacy", "status": "filed"}).status_code == 404
    client.force_login(personas.organizer_a)
    client.post(url, {"action": "candidacy", "status": "filed"})
    client.post(url, {"action": "candidacy", "status": "won"})  # not yet on the ballot: refused
    w.candidacy.refresh_from_db()
    assert w.candidacy.status == "filed"
    client.post(url, {"action": "review_condition", "condition": condition.pk, "status": "met"})
    condition.refresh_from_db()
    assert condition.status == "met" and condition.reviewed_by == personas.organizer_a


def test_the_home_page_widget_shows_the_pipeline_to_staff_only(client, personas):
    w = world(personas)
    services.open_intake(actor=None, candidacy=w.candidacy, chapter=personas.chapter_a)
    client.force_login(personas.organizer_a)
    page = client.get(reverse("core:home")).content.decode()
    assert "Pipeline by stage" in page and "Intake: 1" in page
    client.force_login(personas.member_a)
    assert "Pipeline by stage" not in client.get(reverse("core:home")).content.decode()
