from typing import Any

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "bloc.people"
    label = "people"
    verbose_name = "People and chapters"

    def ready(self) -> None:
        from bloc.core.navigation import MenuEntry, register_menu
        from bloc.core.registry import Export, exports
        from bloc.people import audiences, dashboard, permissions, seeds, tasks  # noqa: F401

        register_menu(MenuEntry("My record", "people:me", lambda user: True, order=10))
        register_menu(
            MenuEntry("People", "people:person-list", permissions.can_list_people, order=20)
        )
        register_menu(MenuEntry("Chapters", "people:chapter-list", lambda user: True, order=30))
        register_menu(
            MenuEntry(
                "Grant a role",
                "people:setup-role-grant",
                permissions.can_manage_chapters,
                order=805,
            )
        )
        register_menu(MenuEntry("Import", "people:import-create", permissions.can_import, order=40))
        exports.register(
            "people.people",
            Export("People (CSV)", "people:person-export", permissions.can_list_people),
        )
        register_menu(
            MenuEntry(
                "Applications", "people:application-list", permissions.can_list_people, order=45
            )
        )
        # Accounts claimed by proving an email (docs/decisions/0007-dues-and-payments.md).
        from django.contrib.auth.signals import user_logged_in

        from bloc.accounts.claims import claim_checks
        from bloc.people.claiming import services as claiming

        claim_checks.register("people.person-email", claiming.may_claim_email)
        from bloc.people.payments import seeds as dues_seeds  # noqa: F401  (demo dues)

        user_logged_in.connect(_link_on_sign_in, dispatch_uid="bloc.people.link_on_sign_in")


def _link_on_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from bloc.people.claiming.services import link_on_sign_in

    link_on_sign_in(user)
