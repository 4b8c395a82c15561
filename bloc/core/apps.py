from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bloc.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Widgets and periodic jobs; the task workers' graceful stop and heartbeat (signals);
        # the task queue's gauges (/metrics).
        from bloc.core import dashboard, metrics, task_outbox, tasks, workers  # noqa: F401
