from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sammen.core"
    label = "core"
    verbose_name = "Sammen kerne"
