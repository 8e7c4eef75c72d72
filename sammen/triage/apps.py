from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "sammen.triage"
    label = "triage"
    verbose_name = "Tidlig opsporing"
