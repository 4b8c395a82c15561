"""Who runs a campaign and who contacts for it.

National admins run every campaign; a chapter organizer runs their chapter's campaigns. A
volunteer holds `Role.CONTACT_VOLUNTEER` scoped to one campaign and sees only the contacts
assigned to them.
"""

from typing import Any

from bloc.accounts import selectors as roles
from bloc.accounts.models import Role


def can_run_any(user: Any) -> bool:
    return roles.is_national_admin(user) or bool(roles.organized_chapter_ids(user))


def can_run(user: Any, chapter_id: int | None) -> bool:
    if roles.is_national_admin(user):
        return True
    return chapter_id is not None and chapter_id in roles.organized_chapter_ids(user)


def volunteer_campaign_ids(user: Any) -> set[int]:
    return roles.scope_ids(user, Role.CONTACT_VOLUNTEER)


def can_volunteer(user: Any, campaign: Any) -> bool:
    """Volunteers of the campaign, and whoever runs it, may take contacts."""
    return campaign.pk in volunteer_campaign_ids(user) or can_run(user, campaign.chapter_id)


def sees_contact_home(user: Any) -> bool:
    return can_run_any(user) or bool(volunteer_campaign_ids(user))
