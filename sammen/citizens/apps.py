from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "sammen.citizens"
    label = "citizens"
    verbose_name = "Borgere"

    def ready(self) -> None:
        from sammen.access.gate import citizen_finder_register
        from sammen.citizens.selectors import citizen_row

        # The access gate finds citizens through this module (it does not import it).
        citizen_finder_register(citizen_row)
