"""django-oauth-toolkit wiring: a token's scopes are at most the client's own (set on the
administration page), and a deactivated client gets no token."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes

from sammen.fhir import registry
from sammen.fhir.models import SystemClient
from sammen.fhir.scopes import scope_for


def _client_scopes(application: Any) -> list[str]:
    if application is None:
        return []
    client = SystemClient.objects.filter(application_id=application.pk, is_active=True).first()
    return list(client.scopes) if client is not None else []


class SmartScopes(BaseScopes):  # type: ignore[misc]
    """SMART v2 `system/<Type>.rs` scopes, per client."""

    def get_all_scopes(self) -> dict[str, str]:
        scopes = {"system/*.rs": "Læse alle ressourcetyper"}
        scopes.update({scope_for(t.name): f"Læse {t.name}" for t in registry.all_types()})
        return scopes

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return _client_scopes(application)

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return _client_scopes(application)


class ClientScopeValidator(OAuth2Validator):  # type: ignore[misc]
    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        return SystemClient.objects.filter(
            application_id=request.client.pk, is_active=True
        ).exists()
