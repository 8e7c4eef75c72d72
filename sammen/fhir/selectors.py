"""Reads of the module's own data (system clients). The FHIR resources themselves are read by
the mapper files in `resources/`, through the access gate and the list kernel."""

from __future__ import annotations

from django.db.models import QuerySet

from sammen.core.actor import Actor
from sammen.fhir.models import SystemClient


def client_list(*, actor: Actor) -> QuerySet[SystemClient]:
    return (
        SystemClient.objects.for_municipality(actor.municipality)
        .select_related("unit", "application")
        .order_by("-is_active", "name")
    )
