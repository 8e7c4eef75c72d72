from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sammen.demo"
    label = "demo"
    verbose_name = "Demodata"
