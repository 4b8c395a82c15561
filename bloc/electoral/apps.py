from django.apps import AppConfig


class ElectoralConfig(AppConfig):
    name = "bloc.electoral"
    label = "electoral"
    verbose_name = "Electoral"
