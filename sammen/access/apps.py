from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "sammen.access"
    label = "access"
    verbose_name = "Adgang og logning"

    def ready(self) -> None:
        from sammen.access.demo import access_demo_stream
        from sammen.demo.streams import stream_register

        stream_register("access", order=90, generate=access_demo_stream)
