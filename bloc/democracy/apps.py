from django.apps import AppConfig


class DemocracyConfig(AppConfig):
    name = "bloc.democracy"
    label = "democracy"
    verbose_name = "Member democracy"

    def ready(self) -> None:
        from bloc.core.navigation import MenuEntry, register_menu
        from bloc.democracy import dashboard, identity, seeds, tasks  # noqa: F401

        register_menu(MenuEntry("Ballots", "democracy:ballot-list", lambda user: True, order=50))
        register_menu(
            MenuEntry("Proposals", "democracy:proposal-list", lambda user: True, order=51)
        )
