from django.apps import AppConfig


class TerminologyConfig(AppConfig):
    name = "sammen.terminology"
    label = "terminology"
    verbose_name = "Terminologi"

    def ready(self) -> None:
        from sammen.core.refcache import reference_tables_register
        from sammen.terminology.models import CodeSystem, ValueSet

        # Value sets are cached per process by the version loaded (code systems move when a
        # concept changes, value sets when a member does).
        reference_tables_register(CodeSystem, ValueSet)
