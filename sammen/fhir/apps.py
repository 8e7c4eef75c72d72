from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "sammen.fhir"
    label = "fhir"
    verbose_name = "FHIR R4"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each resource file registers its mapper (sammen/fhir/resources/__init__.py).
        from sammen.fhir import resources  # noqa: F401
