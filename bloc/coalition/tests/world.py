"""A small fictional coalition around the personas, built with the real services.

The liaison's own organization sits with chapter A; another organization with chapter B is what
the liaison and organizer A must not reach.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bloc.accounts.models import Role, RoleAssignment
from bloc.accounts.selectors import forget_roles
from bloc.accounts.services import grant_role, revoke_role
from bloc.coalition import services
from bloc.coalition.f7 import import_f7_notices
from bloc.coalition.models import Commitment, Contract, Interaction, Partner, PartnerContact
from bloc.coalition.tests.xlsx import f7_workbook
from bloc.core.registry import SharedDataSource, shared_data

DETROIT = ZoneInfo("America/Detroit")


@dataclass
class World:
    own: Partner
    other: Partner
    own_contract: Contract
    other_contract: Contract
    other_contact: PartnerContact
    other_interaction: Interaction
    other_commitment: Commitment
    f7_run: Any


def make_liaison_of(p: Any, partner: Partner) -> None:
    """Point the liaison persona at `partner` (and nothing else)."""
    for assignment in RoleAssignment.objects.active().filter(
        user=p.liaison, role=Role.PARTNER_LIAISON
    ):
        revoke_role(actor=None, assignment=assignment)
    grant_role(actor=None, user=p.liaison, role=Role.PARTNER_LIAISON, scope_id=partner.pk)
    forget_roles(p.liaison)


def world(p: Any) -> World:
    cached = getattr(p, "_coalition_world", None)
    if cached is not None:
        return cached
    own = services.create_partner(
        actor=p.admin,
        name="Riverside Machinists Local 77",
        kind=Partner.Kind.UNION_LOCAL,
        state="NY",
        size=1200,
        owner_chapter=p.chapter_a,
    )
    other = services.create_partner(
        actor=p.admin,
        name="Lakeshore Nurses Local 9",
        kind=Partner.Kind.UNION_LOCAL,
        state="IL",
        size=800,
        owner_chapter=p.chapter_b,
    )
    make_liaison_of(p, own)
    expires = datetime(2028, 4, 30, 23, 59, tzinfo=DETROIT)
    own_contract = services.record_contract(
        actor=p.admin,
        union_local=own,
        employer="Northfield Motor Works",
        unit_name="Production",
        unit_size=1100,
        expires_at=expires,
        time_zone="America/Detroit",
    )
    other_contract = services.record_contract(
        actor=p.admin,
        union_local=other,
        employer="Prairie Health System",
        unit_name="Registered nurses",
        unit_size=700,
        regime="nlra_health_care",
        expires_at=datetime(2027, 9, 30, 23, 59, tzinfo=ZoneInfo("America/Chicago")),
        time_zone="America/Chicago",
    )
    contact = services.add_contact(
        actor=p.admin, partner=other, person=p.person_member_b, role="Steward", is_officer=False
    )
    interaction = services.log_interaction(
        actor=p.admin,
        relationship=other.relationship,
        occurred_on=date.today() - timedelta(days=10),
        channel="meeting",
        summary="First sit-down with the executive board.",
        next_step="Send the coalition program",
        next_step_due_on=date.today() - timedelta(days=3),
    )
    commitment = services.make_commitment(
        actor=p.admin, partner=other, kind="co_host", description="Co-host the May Day rally"
    )
    run = import_f7_notices(
        actor=p.admin,
        data=f7_workbook(
            [
                [
                    "2026-10-01",
                    "Acme Foods",
                    "",
                    "OH",
                    "Bakers Union",
                    "12",
                    "",
                    "40",
                    "2027-01-31",
                    "N",
                ]
            ]
        ),
        file_name="f7-october.xlsx",
    )
    result = World(own, other, own_contract, other_contract, contact, interaction, commitment, run)
    p._coalition_world = result
    return result


def signed_world(p: Any) -> tuple[Any, Any]:
    """A statement, and chapter B's partner signing it through its president (pending)."""
    cached = getattr(p, "_coalition_signed", None)
    if cached is not None:
        return cached
    w = world(p)
    statement = services.create_statement(
        actor=p.admin,
        title="The May Day 2028 pledge",
        slug="may-day-2028",
        text="We will align our contracts and strike together on May Day 2028.",
    )
    services.add_contact(
        actor=p.admin, partner=w.other, person=p.person_member_b, role="President", is_officer=True
    )
    sign_on = services.sign_statement(
        actor=p.admin, statement=statement, partner=w.other, signer=p.person_member_b
    )
    p._coalition_signed = (statement, sign_on)
    return statement, sign_on


@dataclass
class FakeSource:
    """A test-only shared data source: fictional sign-ups per partner, and a log of its calls."""

    by_partner: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    calls: list[tuple[int, date, date]] = field(default_factory=list)

    def rows(self, partner_id: int, since: date, until: date) -> list[dict[str, Any]]:
        self.calls.append((partner_id, since, until))
        return list(self.by_partner.get(partner_id, []))

    def source(self) -> SharedDataSource:
        return SharedDataSource(
            label="Test sign-ups", columns=("name", "email", "signed_up_on"), rows=self.rows
        )


def sign_ups(n: int, *, prefix: str = "Supporter") -> list[dict[str, Any]]:
    return [
        {
            "name": f"{prefix} {i:03d}",
            "email": f"{prefix.lower()}{i:03d}@example.test",
            "signed_up_on": date(2026, 11, 1).isoformat(),
            "not_a_column": "kept out of every table",
        }
        for i in range(n)
    ]


@contextmanager
def registered_source(key: str, fake: FakeSource) -> Iterator[FakeSource]:
    """Register a test-only source for the length of a test, and take it away afterwards."""
    shared_data.register(key, fake.source())
    try:
        yield fake
    finally:
        shared_data._items.pop(key, None)


# The authorization matrix needs a registered kind for its rows; its rows function builds URLs
# without a teardown hook, so this one source stays registered for the rest of the test run.
MATRIX_KIND = "coalition_tests.matrix"
_MATRIX_SOURCE = SharedDataSource(
    label="Matrix sign-ups",
    columns=("name",),
    rows=lambda partner_id, since, until: [{"name": "Jordan Example"}],
)


def shared_world(p: Any) -> Any:
    """An agreement in force with the liaison's organization, covering the matrix kind."""
    cached = getattr(p, "_coalition_shared", None)
    if cached is not None:
        return cached
    w = world(p)
    shared_data.register(MATRIX_KIND, _MATRIX_SOURCE)
    today = date.today()
    agreement = services.grant_data_sharing(
        actor=p.admin,
        partner=w.own,
        kinds=[MATRIX_KIND],
        uses=["turnout_follow_up"],
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=30),
        signed_by_user=p.liaison,
    )
    p._coalition_shared = agreement
    return agreement
