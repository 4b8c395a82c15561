"""Who may do what in electoral work. Object visibility itself lives in selectors."""

from typing import Any

from bloc.accounts import selectors as roles
from bloc.accounts.models import Role


def committee_ids(user: Any) -> set[int]:
    return roles.scope_ids(user, Role.COMMITTEE_MEMBER)


def is_electoral_staff(user: Any) -> bool:
    return (
        roles.is_national_admin(user)
        or bool(roles.organized_chapter_ids(user))
        or bool(committee_ids(user))
    )


def can_manage(user: Any, endorsement: Any) -> bool:
    """Chapter endorsements: that chapter's organizers. National: national admins; the applying
    chapter's organizers only prepare the application (see can_prepare)."""
    if user is None:
        return True
    if roles.is_national_admin(user):
        return True
    return not endorsement.is_national and endorsement.chapter_id in roles.organized_chapter_ids(
        user
    )


def can_prepare(user: Any, endorsement: Any) -> bool:
    """Write the one-on-one notes and the dossier of a national application."""
    if user is None or roles.is_national_admin(user):
        return True
    return endorsement.chapter_id in roles.organized_chapter_ids(user)


def is_on_committee(user: Any, committee_id: int | None) -> bool:
    return user is None or (committee_id is not None and committee_id in committee_ids(user))


def can_see_dossier(user: Any, endorsement: Any) -> bool:
    return can_prepare(user, endorsement) or is_on_committee(user, endorsement.committee_id)


def can_see_assessments(user: Any, endorsement: Any) -> bool:
    return roles.is_national_admin(user) or is_on_committee(user, endorsement.committee_id)


def can_import(user: Any) -> bool:
    return roles.is_national_admin(user)


def can_advance(user: Any, endorsement: Any) -> bool:
    """National preparation stages are the applying chapter's; the assessment is the
    committee's or the admins'; everything else is for whoever manages the endorsement."""
    if endorsement.stage in ("application", "one_on_one", "questionnaire", "dossier"):
        return can_prepare(user, endorsement)
    if endorsement.stage == "assessment":
        return can_manage(user, endorsement) or is_on_committee(user, endorsement.committee_id)
    return can_manage(user, endorsement)
