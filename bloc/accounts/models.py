"""Users (email is the login) and roles held within a scope.

A role's scope is a typed reference (kind + id) rather than a foreign key: chapters live in
`people`, committees and partners in capabilities above it, and `accounts` sits below them all
(docs/decisions/0004-role-scopes.md).
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May use the Django admin (technical operators only)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []  # noqa: RUF012

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name or self.email


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", "National admin"
    CHAPTER_ORGANIZER = "chapter_organizer", "Chapter organizer"
    COMMITTEE_MEMBER = "committee_member", "Committee member"
    PARTNER_LIAISON = "partner_liaison", "Partner liaison"
    # Texts, calls or knocks for one voter-contact campaign (scope: the campaign id); sees only
    # the contacts assigned to them (bloc/contact, docs/decisions/0901-voter-contact.md).
    CONTACT_VOLUNTEER = "contact_volunteer", "Voter-contact volunteer"


SCOPED_ROLES = {
    Role.CHAPTER_ORGANIZER,
    Role.COMMITTEE_MEMBER,
    Role.PARTNER_LIAISON,
    Role.CONTACT_VOLUNTEER,
}


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active(self) -> "RoleAssignmentQuerySet":
        return self.filter(revoked_at__isnull=True)


class RoleAssignment(models.Model):
    """A user holds a role within a scope: national, or one chapter / committee / partner."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    scope_id = models.BigIntegerField(
        null=True, blank=True, help_text="The chapter, committee or partner id; empty for national."
    )
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["user_id", "role", "scope_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "scope_id"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_role_per_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(revoked_at__isnull=True, scope_id__isnull=True),
                name="one_active_national_role",
            ),
            models.CheckConstraint(
                condition=(Q(role="national_admin") & Q(scope_id__isnull=True))
                | (~Q(role="national_admin") & Q(scope_id__isnull=False)),
                name="role_scope_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        scope = f" #{self.scope_id}" if self.scope_id else ""
        return f"{self.get_role_display()}{scope}"
