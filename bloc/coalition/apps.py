from django.apps import AppConfig


class CoalitionConfig(AppConfig):
    name = "bloc.coalition"
    label = "coalition"
    verbose_name = "Coalition"
