"""Who may do what in the coalition. Object visibility itself lives in selectors."""

from typing import Any

from bloc.accounts import selectors as roles
from bloc.accounts.models import Role


def is_staff_organizer(user: Any) -> bool:
    """National admins and chapter organizers work the coalition from our side."""
    return roles.is_national_admin(user) or bool(roles.organized_chapter_ids(user))


def liaison_partner_ids(user: Any) -> set[int]:
    return roles.scope_ids(user, Role.PARTNER_LIAISON)


def can_see_partners(user: Any) -> bool:
    return is_staff_organizer(user) or bool(liaison_partner_ids(user))


def can_create_partner(user: Any) -> bool:
    return is_staff_organizer(user)


def can_edit_partner(user: Any, partner: Any) -> bool:
    """Admins; the partner's own liaisons; organizers of the chapter owning the relationship."""
    if roles.is_national_admin(user) or partner.pk in liaison_partner_ids(user):
        return True
    relationship = getattr(partner, "relationship", None)
    return relationship is not None and can_work_relationship(user, relationship)


def can_work_relationship(user: Any, relationship: Any) -> bool:
    if roles.is_national_admin(user):
        return True
    if relationship.owner_user_id is not None and relationship.owner_user_id == user.pk:
        return True
    return relationship.owner_chapter_id in roles.organized_chapter_ids(user)


def can_manage_contracts(user: Any) -> bool:
    return is_staff_organizer(user)


def can_import_f7(user: Any) -> bool:
    return roles.is_national_admin(user)


def can_manage_statements(user: Any) -> bool:
    return roles.is_national_admin(user)


def can_manage_agreements(user: Any) -> bool:
    """Data-sharing agreements bind the whole organization: national admins only."""
    return roles.is_national_admin(user)


def can_receive_shared_data(user: Any, partner: Any) -> bool:
    """Who may read what is shared with a partner (when an agreement is active): its liaisons,
    and national admins who answer for the agreements."""
    return roles.is_national_admin(user) or partner.pk in liaison_partner_ids(user)
