"""Audiences, email and SMS broadcasts, pledge and petition pages."""

from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "bloc.comms"
    label = "comms"
    verbose_name = "Comms"

    def ready(self) -> None:
        from bloc.comms import permissions, seeds, signals, tasks  # noqa: F401
        from bloc.comms.health import GAUGES, OutboxLeases
        from bloc.core.navigation import MenuEntry, register_menu
        from bloc.core.registry import gauges, health_checks

        health_checks.register("comms.outbox-leases", OutboxLeases)
        for name, gauge in GAUGES.items():
            gauges.register(name, gauge)

        register_menu(MenuEntry("Comms", "comms:home", permissions.can_use_comms, order=60))
