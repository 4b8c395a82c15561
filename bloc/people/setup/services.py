"""Chapter setup: rename and redraw a chapter's ZIP jurisdiction. National admins only."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from bloc.core.audit import record
from bloc.people import permissions
from bloc.people.models import Chapter, ChapterZip, Person


def zip_conflicts(zips: list[str], chapter: Chapter | None = None) -> dict[str, str]:
    """ZIP → the name of the other chapter whose jurisdiction already holds it."""
    taken = ChapterZip.objects.filter(zip_code__in=zips).select_related("chapter")
    if chapter is not None:
        taken = taken.exclude(chapter=chapter)
    return {row.zip_code: row.chapter.name for row in taken}


def update_chapter(
    *, actor: Any, chapter: Chapter, name: str, state: str, zips: list[str]
) -> Chapter:
    """Rename a chapter and set its ZIP codes. A ZIP of another chapter is refused (move it
    there first): one ZIP, one chapter. People are not moved; ZIP changes apply to new records
    and edits (the importer and the join form read the jurisdiction)."""
    if not permissions.can_manage_chapters(actor):
        raise PermissionDenied("Only a national admin can change chapters.")
    name = name.strip()
    with transaction.atomic():
        chapter = Chapter.objects.select_for_update().get(pk=chapter.pk)
        if Chapter.objects.filter(name__iexact=name).exclude(pk=chapter.pk).exists():
            raise ValidationError({"name": "Another chapter has this name."})
        conflicts = zip_conflicts(zips, chapter)
        if conflicts:
            raise ValidationError({"zip_codes": "Already in another chapter's jurisdiction."})
        fields = []
        if name != chapter.name:
            chapter.name = name  # the slug stays: public chapter links keep working
            fields.append("name")
        if state.upper() != chapter.state:
            chapter.state = state.upper()
            fields.append("state")
        if fields:
            chapter.save(update_fields=[*fields, "updated_at"])
        current = set(chapter.zips.values_list("zip_code", flat=True))
        removed, added = current - set(zips), set(zips) - current
        chapter.zips.filter(zip_code__in=removed).delete()
        ChapterZip.objects.bulk_create(
            [ChapterZip(chapter=chapter, zip_code=z) for z in sorted(added)]
        )
        record(
            "people.chapter_updated",
            actor=actor,
            target=chapter,
            chapter_id=chapter.pk,
            fields=sorted(fields),
            zips_added=len(added),
            zips_removed=len(removed),
        )
    return chapter


def create_account_for(*, actor: Any, person: Person) -> Any:
    """Give a person a sign-in account with their recorded email, linked to their record, so a
    role can be granted before they first sign in (they sign in with a one-time code)."""
    from bloc.accounts.models import User
    from bloc.accounts.services import create_user

    if not permissions.can_manage_chapters(actor):
        raise PermissionDenied("Only a national admin can create accounts.")
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.user_id is not None:
            raise ValidationError("This person already has an account.")
        if not person.email:
            raise ValidationError("This person has no email address to sign in with.")
        user = User.objects.filter(email__iexact=person.email).first()
        if user is not None and Person.objects.filter(user=user).exists():
            raise ValidationError("This email's account belongs to another person's record.")
        created = user is None
        if user is None:
            user = create_user(email=person.email, display_name=person.full_name)
        person.user = user
        person.save(update_fields=["user", "updated_at"])
        record(
            "people.account_linked",
            actor=actor,
            target=person,
            chapter_id=person.chapter_id,
            user_id=user.pk,
            via="staff setup",
            created=created,
        )
    return user
