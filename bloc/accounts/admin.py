from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from bloc.accounts.models import RoleAssignment, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "password1", "password2")}),)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "scope_id", "granted_at", "revoked_at"]
    list_filter = ["role"]
    readonly_fields = ["user", "role", "scope_id", "granted_at", "granted_by", "revoked_at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # roles are granted through the service (audited), not the admin
