"""Fictional campaigns, voters and volunteers for the contact tests."""

import io
from datetime import UTC, datetime

from bloc.accounts.services import create_user
from bloc.comms.models import LegalEntity
from bloc.contact import services
from bloc.contact.models import Campaign, Contact, ContactList, Voter

# 15:00 UTC = 11:00 in New York, 8:00 in Los Angeles (quiet there), 10:00 in Chicago.
MORNING = datetime(2026, 10, 14, 15, 0, tzinfo=UTC)
# 18:00 UTC: open from Honolulu (8:00, quiet) ... to New York (14:00).
AFTERNOON = datetime(2026, 10, 14, 22, 0, tzinfo=UTC)


def entity(name="Bloc Voter Fund", coordination="nonpartisan") -> LegalEntity:
    return LegalEntity.objects.get_or_create(
        name=name,
        defaults={
            "coordination": coordination,
            "postal_address": "1 Fictional Plaza, Springfield",
            "disclaimer": "Paid for by a fictional fund.",
        },
    )[0]


def campaign(actor, *, chapter=None, channel="text", batch_size=5, active=True, **kw) -> Campaign:
    c = services.create_campaign(
        actor=actor,
        name=kw.pop("name", "Slate textbank"),
        channel=channel,
        legal_entity=kw.pop("legal_entity", None) or entity(),
        opening=kw.pop(
            "opening",
            "Hi {first_name}, it's {volunteer_name} with {campaign}. Can we count on you?",
        ),
        subject_type="chapter" if chapter else "electoral.endorsement",
        subject_id="" if chapter else "7",
        subject_label="" if chapter else "State Senate District 9",
        chapter=chapter,
        batch_size=batch_size,
        **kw,
    )
    if active:
        services.set_status(actor=actor, campaign=c, status="active")
    return c


def survey(actor, c):
    return services.add_question(
        actor=actor,
        campaign=c,
        text="Will you vote for our slate?",
        answers=[
            {
                "label": "Yes, and I'll volunteer",
                "ladder_stage": "pledged",
                "makes_supporter": True,
                "reply": "Thank you {first_name}!",
            },
            {"label": "Undecided"},
            {"label": "No"},
        ],
    )


def volunteer(admin, c, email="texter.one@volunteers.bloc.test", name="Robin Texter"):
    user = create_user(email=email, password="volunteer-pass-2026!", display_name=name)
    services.add_volunteer(actor=admin, campaign=c, user=user)
    return user


def phone(n: int) -> str:
    """Fictional, valid-looking numbers: area codes 212..., line 555-01xx is reserved for
    fiction; beyond 100 we vary the area code."""
    area = [212, 312, 415, 213, 617, 305, 206, 503, 808, 907][n // 100 % 10]
    return f"+1{area}5550{100 + n % 100:03d}"[:12]


def voter_file(rows) -> io.StringIO:
    lines = ["VOTER_ID,FIRST,LAST,CELL,ADDRESS,ZIP,PRECINCT"]
    lines += [",".join(r) for r in rows]
    return io.StringIO("\n".join(lines) + "\n")


MAPPING = {
    "state_voter_id": "VOTER_ID",
    "first_name": "FIRST",
    "last_name": "LAST",
    "phone": "CELL",
    "address": "ADDRESS",
    "zip_code": "ZIP",
    "precinct": "PRECINCT",
}


def bulk_contacts(c, n: int, zip_code: str = "10001", time_zone="America/New_York") -> None:
    """Many contacts at once (bench and concurrency tests): voters with distinct numbers."""
    cl = ContactList.objects.create(campaign=c, name="Bulk", source="voter_file")
    voters = Voter.objects.bulk_create(
        [
            Voter(source_list=cl, first_name=f"Voter{i}", phone=f"+1999{i:07d}", zip_code=zip_code)
            for i in range(n)
        ],
        batch_size=2000,
    )
    Contact.objects.bulk_create(
        [
            Contact(
                campaign=c,
                contact_list=cl,
                voter=v,
                first_name=v.first_name,
                phone=v.phone,
                zip_code=zip_code,
                time_zone=time_zone,
            )
            for v in voters
        ],
        batch_size=2000,
    )
