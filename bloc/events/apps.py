from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "bloc.events"
    label = "events"
    verbose_name = "Events"
