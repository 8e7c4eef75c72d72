from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "sammen.citizens"
    label = "citizens"
    verbose_name = "Borgere"
