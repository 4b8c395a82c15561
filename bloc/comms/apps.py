from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "bloc.comms"
    label = "comms"
    verbose_name = "Comms"
