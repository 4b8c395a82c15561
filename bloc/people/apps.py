from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "bloc.people"
    label = "people"
    verbose_name = "People and chapters"

    def ready(self) -> None:
        from bloc.core.navigation import MenuEntry, register_menu
        from bloc.core.registry import Export, exports
        from bloc.people import audiences, dashboard, permissions, seeds  # noqa: F401

        register_menu(MenuEntry("My record", "people:me", lambda user: True, order=10))
        register_menu(
            MenuEntry("People", "people:person-list", permissions.can_list_people, order=20)
        )
        register_menu(MenuEntry("Chapters", "people:chapter-list", lambda user: True, order=30))
        register_menu(MenuEntry("Import", "people:import-create", permissions.can_import, order=40))
        exports.register(
            "people.people",
            Export("People (CSV)", "people:person-export", permissions.can_list_people),
        )
