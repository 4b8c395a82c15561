from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "bloc.program"
    label = "program"
    verbose_name = "Program"
