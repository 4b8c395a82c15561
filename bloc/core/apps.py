from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bloc.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from bloc.core import dashboard, tasks  # noqa: F401  (registers widgets and periodic jobs)
