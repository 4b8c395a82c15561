from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "bloc.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from bloc.accounts import permissions
        from bloc.core.navigation import MenuEntry, register_menu

        register_menu(MenuEntry("Security", "accounts:security", lambda user: True, order=900))
        register_menu(
            MenuEntry("Roles", "accounts:role-list", permissions.can_manage_roles, order=800)
        )
        register_menu(
            MenuEntry("Audit log", "accounts:audit-log", permissions.can_read_audit_log, order=810)
        )


class AdminConfig(admin_apps.AdminConfig):
    """The Django admin, signed in to through the app (bloc.accounts.admin_site)."""

    default = False  # named in INSTALLED_APPS; "bloc.accounts" stays AccountsConfig

    default_site = "bloc.accounts.admin_site.AdminSite"
