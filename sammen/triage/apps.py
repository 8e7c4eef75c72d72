from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "sammen.triage"
    label = "triage"
    verbose_name = "Tidlig opsporing"

    def ready(self) -> None:
        from sammen.citizens.sections import CitizenSection, section_register
        from sammen.core.demo_streams import stream_register
        from sammen.triage.demo import triage_demo_stream
        from sammen.triage.selectors import triage_section_load

        section_register(
            CitizenSection(
                key="triage",
                title="Tidlig opsporing",
                template="triage/_section.html",
                order=5,
                load=triage_section_load,
            )
        )
        stream_register("triage", order=40, generate=triage_demo_stream)
