"""Demo data: a fictional coalition of internationals and their locals, labor councils,
community groups and a left party, with relationships, interactions, commitments, and contracts
expiring around 2028-04-30 and at other dates. Every name here is invented."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from bloc.accounts.models import Role, RoleAssignment
from bloc.coalition import deadlines, services
from bloc.coalition.models import PIPELINE, Commitment, Contract, Partner, Regime, Stage
from bloc.core.registry import Seed, seeds, shared_data
from bloc.people.models import Chapter

INTERNATIONALS = [
    ("United Vehicle and Machine Workers", "3361", "MI", "Detroit"),
    ("Federated Hospital and Care Workers", "622", "NY", "New York"),
    ("Amalgamated Transit and Rail Union", "482", "IL", "Chicago"),
    ("Public Service Employees Alliance", "921", "CA", "Sacramento"),
]
LOCAL_CITIES = [
    ("Dearborn", "MI", "America/Detroit"),
    ("Toledo", "OH", "America/New_York"),
    ("Buffalo", "NY", "America/New_York"),
    ("Gary", "IN", "America/Chicago"),
    ("Denver", "CO", "America/Denver"),
    ("Phoenix", "AZ", "America/Phoenix"),
    ("Oakland", "CA", "America/Los_Angeles"),
]
EMPLOYERS = [
    "Northfield Motor Works",
    "Great Lakes Assembly Co.",
    "St. Brigid Regional Medical Center",
    "Harborview Care Network",
    "Midland Freight Rail",
    "County of Alder Valley",
    "Cascade Components Inc.",
    "Prairie Health System",
]
OTHERS = [
    ("Riverside Central Labor Council", Partner.Kind.CENTRAL_LABOR_COUNCIL, "NY", "New York"),
    ("Lakeshore Area Labor Federation", Partner.Kind.FEDERATION, "IL", "Chicago"),
    ("Tenants United of the East Side", Partner.Kind.COMMUNITY, "NY", "New York"),
    ("Neighbors for Transit Justice", Partner.Kind.COMMUNITY, "IL", "Chicago"),
    ("Working Families Renewal Party", Partner.Kind.LEFT_PARTY, "NY", "Albany"),
    ("Fair Wages Now Coalition", Partner.Kind.COALITION, "CA", "Oakland"),
    ("Office of Council Member Ida Brennock (fictional)", Partner.Kind.ELECTED_OFFICE, "IL", ""),
]


def _expiry(rng: random.Random, tz_name: str, aligned: bool) -> datetime:
    tz = deadlines.zone(tz_name)
    if aligned:
        return datetime.combine(date(2028, 4, 30), time(23, 59), tz)
    day = date(2026, 12, 15) + timedelta(days=rng.randint(0, 900))
    return datetime.combine(day, time(23, 59), tz)


def seed_coalition(size: int, rng: random.Random) -> dict[str, int]:
    chapters = list(Chapter.objects.order_by("id")[:6])
    today = timezone.localdate()
    partners: list[Partner] = []
    contracts = 0
    for name, naics, state, city in INTERNATIONALS:
        international = services.create_partner(
            actor=None,
            name=name,
            kind=Partner.Kind.INTERNATIONAL_UNION,
            size=rng.randint(80, 600) * 1000,
            naics_code=naics,
            state=state,
            city=city,
            website=f"https://{name.split()[0].lower()}.example.org",
            tags=["union", "May Day 2028"],
            owner_chapter=chapters[0] if chapters else None,
        )
        partners.append(international)
        for number in rng.sample(range(100, 2000), 3):
            local_city, local_state, local_tz = rng.choice(LOCAL_CITIES)
            local = services.create_partner(
                actor=None,
                name=f"{name} Local {number}",
                kind=Partner.Kind.UNION_LOCAL,
                parent=international,
                size=rng.randint(300, 9000),
                naics_code=naics,
                state=local_state,
                city=local_city,
                tags=["union"],
                owner_chapter=rng.choice(chapters) if chapters else None,
            )
            partners.append(local)
            regime = {
                "622": Regime.NLRA_HEALTH_CARE,
                "482": Regime.RLA,
                "921": Regime.PUBLIC_SECTOR,
            }.get(naics, Regime.NLRA)
            aligned = rng.random() < 0.4
            services.record_contract(
                actor=None,
                union_local=local,
                employer=rng.choice(EMPLOYERS),
                unit_name=rng.choice(["Production and maintenance", "Registered nurses", "All"]),
                unit_size=local.size or 500,
                naics_code=naics,
                regime=regime,
                expires_at=_expiry(rng, local_tz, aligned),
                time_zone=local_tz,
                bargaining_state=Contract.Bargaining.IN_FORCE,
                alignment_stage=Contract.Alignment.WON if aligned else Contract.Alignment.ASKED,
            )
            contracts += 1
    for name, kind, state, city in OTHERS:
        partners.append(
            services.create_partner(
                actor=None,
                name=name,
                kind=kind,
                state=state,
                city=city,
                size=rng.randint(200, 20000),
                owner_chapter=rng.choice(chapters) if chapters else None,
            )
        )
    interactions = commitments = 0
    for partner in partners:
        relationship = partner.relationship
        target = rng.choice([*PIPELINE, Stage.DORMANT])
        for stage in PIPELINE[1 : PIPELINE.index(target) + 1] if target in PIPELINE else [target]:
            relationship = services.move_stage(
                actor=None, relationship=relationship, to_stage=stage
            )
        for _ in range(rng.randint(0, 3)):
            due = today + timedelta(days=rng.randint(-20, 30))
            services.log_interaction(
                actor=None,
                relationship=relationship,
                occurred_on=today - timedelta(days=rng.randint(1, 60)),
                channel=rng.choice(["meeting", "call", "email"]),
                summary="Discussed the May Day 2028 plan and the coalition program.",
                asks="Co-sponsor the spring day of action.",
                next_step="Send the draft resolution",
                next_step_due_on=due,
            )
            interactions += 1
        if relationship.stage in (Stage.COMMITTED, Stage.FORMAL_PARTNER):
            commitment = services.make_commitment(
                actor=None,
                partner=partner,
                kind=rng.choice(Commitment.Kind.values),
                description=f"{partner.name} pledges support for May Day 2028",
                target=rng.choice([None, 200, 1000]),
            )
            services.advance_commitment(
                actor=None,
                commitment=commitment,
                to_state=Commitment.State.VERBAL,
            )
            commitments += 1
    return {
        "partners": len(partners),
        "contracts": contracts,
        "interactions": interactions,
        "commitments": commitments,
        "data-sharing agreements": seed_agreements(partners, today=today),
    }


def seed_agreements(partners: list[Partner], *, today: date) -> int:
    """An agreement in force with each seeded partner that has a liaison, covering every kind of
    data the apps offer, granted by the first national admin: the demo liaison has data to see."""
    admin_role = RoleAssignment.objects.active().filter(role=Role.NATIONAL_ADMIN).order_by("id")
    admin = admin_role.select_related("user").first()
    kinds = [key for key, _ in shared_data]
    if admin is None or not kinds:
        return 0
    by_pk = {p.pk: p for p in partners}
    liaisons = RoleAssignment.objects.active().filter(
        role=Role.PARTNER_LIAISON, scope_id__in=list(by_pk)
    )
    granted = 0
    for assignment in liaisons.select_related("user").order_by("id"):
        assert assignment.scope_id is not None
        services.grant_data_sharing(
            actor=admin.user,
            partner=by_pk[assignment.scope_id],
            kinds=kinds,
            uses=["turnout_follow_up", "joint_reporting"],
            use_note="Follow up with people the partner brought to May Day 2028 actions only.",
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=365),
            signed_by_user=assignment.user,
        )
        granted += 1
    return granted


seeds.register("coalition.partners", Seed(run=seed_coalition, order=40))
