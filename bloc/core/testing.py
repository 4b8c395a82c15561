"""Named personas, so permission tests read like sentences.

    p = personas()
    client.force_login(p.organizer_a)
    assert client.get(person_url(p.member_b)).status_code == 404

Built with the real services. The demo uses the same personas with fixed addresses. All fictional.
(This module reaches up into accounts and people on purpose; import-linter exempts it.)
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from bloc.accounts.models import Role, User
from bloc.accounts.services import create_user, grant_role
from bloc.people.models import Chapter, Person
from bloc.people.services import create_chapter, create_person, record_membership

# A partner organization id for the liaison's scope until the coalition app defines partners.
PARTNER_SCOPE_ID = 1


@dataclass
class Personas:
    chapter_a: Chapter
    chapter_b: Chapter
    admin: User
    organizer_a: User
    organizer_b: User
    member_a: User
    member_b: User
    liaison: User
    outsider: User
    person_member_a: Person
    person_member_b: Person
    password: str

    def all(self) -> dict[str, Any]:
        return {
            "admin": self.admin,
            "organizer_a": self.organizer_a,
            "organizer_b": self.organizer_b,
            "member_a": self.member_a,
            "liaison": self.liaison,
            "outsider": self.outsider,
        }


def _member(
    email: str, first: str, last: str, zip_code: str, password: str, domain: str
) -> tuple[User, Person]:
    user = create_user(email=f"{email}@{domain}", password=password, display_name=f"{first} {last}")
    person = create_person(
        actor=None,
        email=user.email,
        first_name=first,
        last_name=last,
        zip_code=zip_code,
        consents={"email": "opted_in"},
        consent_source="persona",
    )
    person.user = user
    person.save(update_fields=["user"])
    today = timezone.localdate()
    record_membership(
        actor=None,
        person=person,
        joined_on=date(2020, 1, 15),
        paid_through_on=today + timedelta(days=200),
    )
    return user, person


def personas(
    *, password: str = "persona-pass-2026!", domain: str = "personas.bloc.test"
) -> Personas:
    chapter_a = create_chapter(
        actor=None, name="Riverside Chapter", state="NY", zip_codes=["10001", "10002"]
    )
    chapter_b = create_chapter(
        actor=None, name="Lakeshore Chapter", state="IL", zip_codes=["60601", "60602"]
    )
    admin, _ = _member("admin", "Ada", "Quill", "10001", password, domain)
    organizer_a, _ = _member("organizer.a", "Rosa", "Fenwick", "10002", password, domain)
    organizer_b, _ = _member("organizer.b", "Luis", "Ortega-Vale", "60601", password, domain)
    member_a, person_a = _member("member.a", "Mina", "Castellan", "10001", password, domain)
    member_b, person_b = _member("member.b", "Theo", "Marchetti", "60602", password, domain)
    liaison = create_user(email=f"liaison@{domain}", password=password, display_name="Pat Liaison")
    outsider = create_user(
        email=f"outsider@{domain}", password=password, display_name="Sam Outsider"
    )
    grant_role(actor=None, user=admin, role=Role.NATIONAL_ADMIN)
    grant_role(actor=None, user=organizer_a, role=Role.CHAPTER_ORGANIZER, scope_id=chapter_a.pk)
    grant_role(actor=None, user=organizer_b, role=Role.CHAPTER_ORGANIZER, scope_id=chapter_b.pk)
    grant_role(actor=None, user=liaison, role=Role.PARTNER_LIAISON, scope_id=PARTNER_SCOPE_ID)
    return Personas(
        chapter_a=chapter_a,
        chapter_b=chapter_b,
        admin=admin,
        organizer_a=organizer_a,
        organizer_b=organizer_b,
        member_a=member_a,
        member_b=member_b,
        liaison=liaison,
        outsider=outsider,
        person_member_a=person_a,
        person_member_b=person_b,
        password=password,
    )


def demo_logins(domain: str) -> list[tuple[str, str]]:
    """Every account that can sign in with a password at ``domain`` (the demo's and tests'
    fictional domain), with what it is: its roles, else its membership. Staff first."""
    rank: dict[str, int] = {
        Role.NATIONAL_ADMIN: 0,
        Role.CHAPTER_ORGANIZER: 1,
        Role.PARTNER_LIAISON: 3,
    }
    chapters = dict(Chapter.objects.values_list("pk", "name"))
    rows = []
    for user in User.objects.filter(email__endswith=f"@{domain}").prefetch_related("roles"):
        if not user.has_usable_password():
            continue
        roles = [r for r in user.roles.all() if r.revoked_at is None]
        person = Person.objects.live().select_related("chapter").filter(user=user).first()
        labels = []
        for role in sorted(roles, key=lambda r: (rank.get(r.role, 2), r.scope_id or 0)):
            if role.role == Role.CHAPTER_ORGANIZER:
                labels.append(f"organizer of {chapters.get(role.scope_id or 0, 'a chapter')}")
            else:
                labels.append(role.get_role_display().lower())
        if not labels and person is not None:
            labels.append(f"member of {person.chapter.name}" if person.chapter else "member")
        order = min((rank.get(r.role, 2) for r in roles), default=2 if person else 4)
        rows.append((order, user.email, ", ".join(labels) or "an account with no role"))
    return [(email, label) for _, email, label in sorted(rows)]
