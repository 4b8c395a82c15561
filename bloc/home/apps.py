"""The front door and the member's own Bloc: the public home, public chapter pages, the member
home and preferences. A top-layer app: it reads from every capability below it and writes only
through their services (or its own, for chapter profiles and deletion requests)."""

from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "bloc.home"
    label = "home"
    verbose_name = "Home and member pages"

    def ready(self) -> None:
        from bloc.core.navigation import MenuEntry, register_menu
        from bloc.home import dashboard, seeds  # noqa: F401

        register_menu(
            MenuEntry(
                "My home",
                "home:me",
                lambda user: bool(getattr(user, "is_authenticated", False)),
                order=5,
            )
        )
