from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "sammen.organisation"
    label = "organisation"
    verbose_name = "Organisation"
