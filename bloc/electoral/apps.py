from django.apps import AppConfig


class ElectoralConfig(AppConfig):
    name = "bloc.electoral"
    label = "electoral"
    verbose_name = "Electoral"

    def ready(self) -> None:
        from bloc.core.navigation import MenuEntry, register_menu
        from bloc.democracy.signals import result_certified
        from bloc.electoral import dashboard, permissions, seeds, services  # noqa: F401

        register_menu(
            MenuEntry(
                "Endorsements",
                "electoral:endorsement-list",
                permissions.is_electoral_staff,
                order=56,
            )
        )
        register_menu(MenuEntry("Slate", "electoral:slate-index", lambda user: True, order=57))
        result_certified.connect(
            services.on_result_certified, dispatch_uid="electoral.endorsement_vote"
        )
