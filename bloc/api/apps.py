from django.apps import AppConfig


class ApiConfig(AppConfig):
    default = True
    name = "bloc.api"
    label = "api"
    verbose_name = "API tokens and webhooks"

    def ready(self) -> None:
        from bloc.accounts.selectors import is_national_admin
        from bloc.api import signals, tasks  # noqa: F401 (tasks registers the retry job)
        from bloc.core.navigation import MenuEntry, register_menu

        register_menu(MenuEntry("API tokens", "api:token-list", lambda user: True, order=910))
        register_menu(MenuEntry("Webhooks", "api:webhook-list", is_national_admin, order=911))
        signals.connect()
