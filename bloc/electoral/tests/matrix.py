"""Authorization rows for electoral URLs. Chapter B's intake is what organizer A must not see;
committees are visible only to their members (no persona sits on one)."""

from django.urls import reverse

from bloc.core.authz import Row, expect

EVERYONE = {
    p: 200 for p in ("admin", "organizer_a", "organizer_b", "member_a", "liaison", "outsider")
}
STAFF = {"admin": 200, "organizer_a": 200, "organizer_b": 200}


def _candidacy(p):
    from datetime import date

    from bloc.electoral import services

    election = services.create_election(
        actor=None,
        name="Illinois general 2026",
        cycle=2026,
        election_type="general",
        held_on=date(2026, 11, 3),
        state="IL",
    )
    race = services.create_race(
        actor=None,
        election=election,
        office="Chicago City Council, Ward 9",
        level="local",
        state="IL",
        ocd_division_id="ocd-division/country:us/state:il/place:chicago/ward:9",
    )
    candidate = services.create_candidate(actor=None, full_name="Odessa Varga-Lind")
    return services.declare_candidacy(actor=None, candidate=candidate, race=race)


def _b_intake(p):
    from bloc.electoral import services

    return services.open_intake(actor=None, candidacy=_candidacy(p), chapter=p.chapter_b).pk


def _endorsed_b(p):
    """Chapter B's endorsement under a policy with no further stages: on the 2026 slate."""
    from bloc.electoral import services
    from bloc.electoral.models import EndorsementPolicy

    EndorsementPolicy.objects.get_or_create(
        scope="chapter",
        chapter=p.chapter_b,
        defaults={
            "requires_questionnaire": False,
            "requires_forum": False,
            "requires_recommendation": False,
            "requires_vote": False,
        },
    )
    e = services.open_intake(actor=None, candidacy=_candidacy(p), chapter=p.chapter_b)
    services.advance_endorsement(actor=None, endorsement=e)
    return 2026


def _committee(p):
    from bloc.electoral import services

    return services.create_committee(actor=None, name="National Electoral Committee").pk


def _token(p):
    from bloc.electoral import services
    from bloc.electoral.models import Endorsement

    e = Endorsement.objects.get(pk=_b_intake(p))
    questionnaire = services.create_questionnaire(
        actor=None,
        title="Local questionnaire",
        questions=[
            {"prompt": "Will you join the socialists-in-office committee?", "kind": "yes_no"}
        ],
    )
    return services.send_questionnaire(actor=None, endorsement=e, questionnaire=questionnaire)[1]


def _elected_b(p):
    """Chapter B's endorsed candidate who won: a public report card."""
    from bloc.electoral import services
    from bloc.electoral.models import Endorsement

    _endorsed_b(p)
    candidacy = Endorsement.objects.get(chapter=p.chapter_b).candidacy
    for status in ("declared", "filed", "on_ballot", "won"):
        services.move_candidacy(actor=None, candidacy=candidacy, status=status)
    return candidacy.pk


ROWS = [
    Row(
        "electoral:report-card",
        lambda p: reverse("electoral:report-card", args=[_elected_b(p)]),
        expect(anon=200, **EVERYONE),
        note="public for endorsed electeds",
    ),
    Row(
        "electoral:slate-index",
        lambda p: reverse("electoral:slate-index"),
        expect(anon=200, **EVERYONE),
        note="no endorsements yet: an empty slate",
    ),
    Row(
        "electoral:slate",
        lambda p: reverse("electoral:slate", args=[_endorsed_b(p)]),
        expect(anon=200, **EVERYONE),
        note="public, with an endorsed candidate",
    ),
    Row(
        "electoral:questionnaire-answer",
        lambda p: reverse("electoral:questionnaire-answer", args=[_token(p)]),
        expect(anon=200, **EVERYONE),
        note="the signed link is the credential",
    ),
    Row(
        "electoral:questionnaire-answer",
        lambda p: reverse("electoral:questionnaire-answer", args=["forged-token"]),
        expect(anon=404),
        note="a forged link finds nothing",
    ),
    Row(
        "electoral:endorsement-list",
        lambda p: reverse("electoral:endorsement-list"),
        expect(**STAFF),
    ),
    Row(
        "electoral:endorsement-create",
        lambda p: reverse("electoral:endorsement-create"),
        expect(**STAFF),
        note="organizers choose among their own chapters",
    ),
    Row(
        "electoral:endorsement-detail",
        lambda p: reverse("electoral:endorsement-detail", args=[_b_intake(p)]),
        expect(admin=200, organizer_b=200),
        note="chapter B's intake",
    ),
    Row(
        "electoral:endorsement-act",
        lambda p: reverse("electoral:endorsement-act", args=[_b_intake(p)]),
        expect(admin=302, organizer_b=302),
        method="post",
        data={"action": "advance"},
        note="advancing intake by form: a redirect either way",
    ),
    Row(
        "electoral:committee-detail",
        lambda p: reverse("electoral:committee-detail", args=[_committee(p)]),
        expect(),
        note="members only; no persona sits on it, not even the admin",
    ),
    Row(
        "electoral:tendency-declare",
        lambda p: reverse("electoral:tendency-declare", args=[_committee(p)]),
        expect(),
        method="post",
        data={"tendency": "Tendency Red"},
    ),
    Row("electoral:race-list", lambda p: reverse("electoral:race-list"), expect(**STAFF)),
    Row("electoral:fec-import", lambda p: reverse("electoral:fec-import"), expect(admin=200)),
]
