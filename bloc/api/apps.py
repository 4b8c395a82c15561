from django.apps import AppConfig


class ApiConfig(AppConfig):
    default = True
    name = "bloc.api"
    label = "api"
    verbose_name = "API tokens and webhooks"

    def ready(self) -> None:
        from bloc.core.navigation import MenuEntry, register_menu

        register_menu(MenuEntry("API tokens", "api:token-list", lambda user: True, order=910))
