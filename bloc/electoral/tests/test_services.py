"""Races, the FEC import, questionnaires and the legal firewall."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from bloc.electoral import services
from bloc.electoral.models import Candidacy, Candidate, CoordinationMode, Stage
from bloc.electoral.tests.world import answers, world
from bloc.program.models import Stance

pytestmark = pytest.mark.django_db


def test_a_race_needs_an_ocd_division_id():
    election = services.create_election(
        actor=None, name="CA 2026", cycle=2026, election_type="primary", held_on=date(2026, 6, 2)
    )
    with pytest.raises(ValidationError, match="Open Civic Data"):
        services.create_race(
            actor=None,
            election=election,
            office="House",
            level="federal",
            ocd_division_id="California district 12",
        )
    with pytest.raises(ValidationError):
        services.create_race(
            actor=None,
            election=election,
            office="Mayor",
            level="local",
            ocd_division_id="ocd-division/country:us/state:ca/place:oakland",
            runoff_rule="threshold",
        )


def test_a_candidacy_moves_forward_only(personas):
    w = world(personas)
    services.move_candidacy(actor=None, candidacy=w.candidacy, status="filed")
    with pytest.raises(ValidationError):
        services.move_candidacy(actor=None, candidacy=w.candidacy, status="declared")
    services.move_candidacy(actor=None, candidacy=w.candidacy, status="on_ballot")
    services.move_candidacy(actor=None, candidacy=w.candidacy, status="won")
    w.candidacy.refresh_from_db()
    assert w.candidacy.filed_at and w.candidacy.on_ballot_at and w.candidacy.ended_at


FEC_HEADER = (
    "cand_id,cand_name,cand_pty_affiliation,cand_election_yr,"
    "cand_office_st,cand_office,cand_office_district,cand_ici,cand_status\n"
)
FEC_CSV = (
    FEC_HEADER
    + """H6NY12001,"HALE, MARISOL Q",DEM,2026,NY,H,12,O,C
H6NY12002,"DORN, FELIX",REP,2026,NY,H,12,O,N
H6NY07003,"ASH, PIA",DEM,2026,NY,H,07,O,C
H4NY12004,"OLD, RUN",DEM,2024,NY,H,12,O,P
bogus,"NOBODY",,2026,NY,H,12,,C
"""
)


def test_the_fec_import_reports_every_row(personas):
    w = world(personas)
    result = services.import_fec_candidates(
        actor=personas.admin, file_name="cn.csv", text=FEC_CSV, cycle=2026
    )
    assert (result.created, result.updated, result.skipped) == (2, 0, 3)
    by_row = {r["row"]: r for r in result.report}
    assert by_row[2]["outcome"] == "created"
    assert "no race this cycle for ocd-division/country:us/state:ny/cd:7" in by_row[4]["reason"]
    assert "not running" in by_row[5]["reason"]
    assert by_row[6]["reason"] == "cand_id is not an FEC candidate id"
    hale = Candidate.objects.get(fec_candidate_id="H6NY12001")
    assert hale.full_name == "Marisol Q Hale"
    assert Candidacy.objects.get(candidate=hale).race == w.race
    again = services.import_fec_candidates(actor=None, file_name="cn.csv", text=FEC_CSV, cycle=2026)
    assert (again.created, again.updated) == (0, 2)


def test_the_fec_import_refuses_a_file_without_its_columns():
    with pytest.raises(ValidationError, match="cand_id"):
        services.import_fec_candidates(
            actor=None, file_name="x.csv", text="name,office\n", cycle=2026
        )


def test_answers_are_checked_then_feed_stances(personas):
    w = world(personas)
    e = services.open_intake(actor=None, candidacy=w.candidacy, chapter=personas.chapter_a)
    response, token = services.send_questionnaire(
        actor=None, endorsement=e, questionnaire=w.questionnaire
    )
    assert services.response_for_token(token) == response
    assert services.response_for_token(token + "x") is None
    too_long = " ".join(["word"] * 51)
    with pytest.raises(ValidationError, match="at most 50 words"):
        services.submit_answers(
            response=response, answers=answers(w.questionnaire, "Yes", "Oppose", too_long)
        )
    with pytest.raises(ValidationError, match="choose one"):
        services.submit_answers(
            response=response, answers=answers(w.questionnaire, "Maybe", "Oppose", "ok")
        )
    services.submit_answers(
        response=response, answers=answers(w.questionnaire, "Yes", "Oppose", "ok")
    )
    positions = dict(Stance.objects.values_list("plank__title", "position"))
    assert positions == {"Medicare for All": "supports", "The PRO Act": "opposes"}
    with pytest.raises(ValidationError):
        services.submit_answers(
            response=response, answers=answers(w.questionnaire, "No", "Oppose", "x")
        )


def test_reissuing_a_link_revokes_the_old_one(personas):
    w = world(personas)
    e = services.open_intake(actor=None, candidacy=w.candidacy, chapter=personas.chapter_a)
    _, old = services.send_questionnaire(actor=None, endorsement=e, questionnaire=w.questionnaire)
    _, new = services.send_questionnaire(actor=None, endorsement=e, questionnaire=w.questionnaire)
    assert services.response_for_token(old) is None
    assert services.response_for_token(new) is not None


def test_the_firewall_is_a_one_way_door(personas):
    w = world(personas)
    independent = services.open_intake(
        actor=None, candidacy=w.candidacy, chapter=personas.chapter_a
    )
    coordinated = services.open_intake(
        actor=None, candidacy=w.candidacy, chapter=personas.chapter_b
    )
    services.set_coordination_mode(
        actor=personas.organizer_b,
        endorsement=coordinated,
        mode="coordinated",
        legal_entity="Lakeshore for Hale",
    )
    coordinated.refresh_from_db()
    assert (
        coordinated.coordination_mode == CoordinationMode.COORDINATED and coordinated.coordinated_at
    )
    with pytest.raises(services.FirewallViolation):
        services.set_coordination_mode(
            actor=personas.organizer_b, endorsement=coordinated, mode="independent"
        )
    with pytest.raises(services.FirewallViolation):
        services.share_campaign_data(
            actor=None, source=coordinated, target=independent, what="walk list"
        )
    services.share_campaign_data(
        actor=None, source=independent, target=coordinated, what="walk list"
    )
    coordinated.refresh_from_db()
    assert coordinated.coordination_mode == CoordinationMode.COORDINATED
    assert independent.stage == Stage.INTAKE


def test_a_questionnaire_with_a_used_title_is_a_new_version():
    first = services.create_questionnaire(
        actor=None, title="Local questionnaire", questions=[{"prompt": "Why?", "kind": "text"}]
    )
    second = services.create_questionnaire(
        actor=None,
        title="Local questionnaire",
        questions=[{"prompt": "Rent control?", "kind": "choice", "choices": ["Yes", "No"]}],
    )
    assert (first.key, first.version) == (second.key, 1) and second.version == 2
    with pytest.raises(ValidationError, match="two options"):
        services.create_questionnaire(
            actor=None, title="Bad", questions=[{"prompt": "?", "kind": "choice", "choices": ["A"]}]
        )
