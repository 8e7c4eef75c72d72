from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "sammen.citizens"
    label = "citizens"
    verbose_name = "Borgere"

    def ready(self) -> None:
        from sammen.access.gate import citizen_finder_register
        from sammen.access.policy import CitizenRecords, citizen_records_register
        from sammen.citizens.models import Consent, ConsentScope, Responsibility
        from sammen.citizens.selectors import citizen_row

        # The access kernel finds citizens and reads responsibilities and consents through
        # this module; it does not import it (DESIGN.md layers, import-linter in make test).
        citizen_finder_register(citizen_row)
        citizen_records_register(
            CitizenRecords(
                responsibility=Responsibility,
                consent=Consent,
                consent_scope_all=ConsentScope.ALL,
            )
        )
