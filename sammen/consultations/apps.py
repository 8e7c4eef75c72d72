from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "sammen.consultations"
    label = "consultations"
    verbose_name = "Skærmbesøg"

    def ready(self) -> None:
        from sammen.citizens.sections import CitizenSection, section_register
        from sammen.consultations.selectors import consultation_section_load

        section_register(
            CitizenSection(
                key="consultations",
                title="Skærmbesøg",
                template="consultations/_section.html",
                order=30,
                load=consultation_section_load,
            )
        )
