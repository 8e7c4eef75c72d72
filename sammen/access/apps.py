from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "sammen.access"
    label = "access"
    verbose_name = "Adgang og logning"

    def ready(self) -> None:
        from sammen.access.demo import access_demo_stream
        from sammen.access.privileges import privilege_change_write
        from sammen.core.audit import privilege_auditor_register
        from sammen.core.demo_streams import stream_register

        stream_register("access", order=90, generate=access_demo_stream)
        # Organisation reports privilege changes through core.audit; the log is written here.
        privilege_auditor_register(privilege_change_write)
