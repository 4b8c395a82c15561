from django.apps import AppConfig


class DemocracyConfig(AppConfig):
    name = "bloc.democracy"
    label = "democracy"
    verbose_name = "Member democracy"
