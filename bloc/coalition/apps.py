"""The coalition: partner organizations, relationships, commitments, union contracts, sign-ons."""

from django.apps import AppConfig


class CoalitionConfig(AppConfig):
    name = "bloc.coalition"
    label = "coalition"
    verbose_name = "Coalition"

    def ready(self) -> None:
        from bloc.coalition import dashboard, permissions, seeds  # noqa: F401
        from bloc.core.navigation import MenuEntry, register_menu
        from bloc.core.registry import Export, exports

        register_menu(
            MenuEntry("Coalition", "coalition:partner-list", permissions.can_see_partners, order=50)
        )
        exports.register(
            "coalition.partners",
            Export(
                "Partner organizations (CSV)",
                "coalition:partner-export",
                permissions.can_see_partners,
            ),
        )
        exports.register(
            "coalition.contracts",
            Export(
                "Union contracts (CSV)", "coalition:contract-export", permissions.can_see_partners
            ),
        )
