from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "bloc.program"
    label = "program"
    verbose_name = "Program"

    def ready(self) -> None:
        from bloc.core.navigation import MenuEntry, register_menu
        from bloc.democracy.signals import result_certified
        from bloc.program import seeds, services  # noqa: F401

        register_menu(MenuEntry("Program", "program:plank-list", lambda user: True, order=55))
        result_certified.connect(services.on_result_certified, dispatch_uid="program.plank_vote")
