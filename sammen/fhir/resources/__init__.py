"""The mapper files: each registers its sources with `sammen.fhir.registry` on import."""

from sammen.fhir.resources import (  # noqa: F401
    audit_event,
    condition,
    consent,
    observation_journal,
    organisation,
    patient,
    related_person,
)
