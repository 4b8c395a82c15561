from django.apps import AppConfig


class AccountsConfig(AppConfig):
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
