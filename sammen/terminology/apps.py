from django.apps import AppConfig


class TerminologyConfig(AppConfig):
    name = "sammen.terminology"
    label = "terminology"
    verbose_name = "Terminologi"
