from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "sammen.integrations"
    label = "integrations"
    verbose_name = "Integrationer"
