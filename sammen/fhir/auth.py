"""Who is calling the FHIR facade: a system client's OAuth2 bearer token (client credentials,
django-oauth-toolkit) or a staff member's complete session login. Bearer requests need no
CSRF token (nothing ambient: the browser never sends the header by itself); the facade only
reads, and answers every unsafe method with 405."""

from __future__ import annotations

import time
import uuid

from django.core.cache import cache
from django.http import HttpRequest
from oauth2_provider.oauth2_backends import get_oauthlib_core

from sammen.core.access_rules import AUTH_COMPLETE
from sammen.core.actor import Actor
from sammen.fhir import scopes
from sammen.fhir.context import FhirContext
from sammen.fhir.errors import FhirError
from sammen.fhir.models import SystemClient
from sammen.organisation.models import Membership
from sammen.organisation.permissions import SYSTEM_CLIENT_ROLE, permissions_for_client


def client_actor(client: SystemClient, request: HttpRequest) -> Actor:
    """The client as the acting party: its service account, its unit, its purpose's
    permissions. The membership is not stored (a client holds no staff role)."""
    membership = Membership(
        municipality=client.municipality,
        staff=client.staff,
        unit=client.unit,
        role=SYSTEM_CLIENT_ROLE,
    )
    unit = client.unit
    unit.name = f"{client.name} ({client.get_purpose_display()})"  # the access log's unit text
    return Actor(
        staff=client.staff,
        municipality=client.municipality,
        membership=membership,
        role=SYSTEM_CLIENT_ROLE,
        unit=unit,
        request_id=uuid.uuid4().hex,
        client_ip=request.META.get("REMOTE_ADDR", ""),
        permissions=frozenset(str(p) for p in permissions_for_client(client.purpose)),
    )


def _bearer_client(request: HttpRequest) -> tuple[SystemClient, set[str]]:
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    token = getattr(oauth_request, "access_token", None)
    if not valid or token is None:
        raise FhirError(
            401, "Adgangstokenet er ugyldigt, udløbet eller tilbagekaldt.", code="login"
        )
    client = (
        SystemClient.objects.select_related("municipality", "staff", "unit")
        .filter(application_id=token.application_id, is_active=True)
        .first()
    )
    if client is None:
        raise FhirError(401, "Klienten er ikke længere aktiv.", code="login")
    granted = set(token.scope.split()) & set(client.scopes)
    return client, granted


def _rate_limit(client: SystemClient) -> None:
    """A fixed one-minute window per client in the shared cache."""
    if not client.rate_limit_per_minute:
        return
    key = f"fhir-rate:{client.pk}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        used = cache.incr(key)
    except ValueError:
        used = 1
    if used > client.rate_limit_per_minute:
        raise FhirError(429, "For mange forespørgsler. Prøv igen om et minut.")


def fhir_context(request: HttpRequest, resource_type: str, interaction: str) -> FhirContext:
    base_url = request.build_absolute_uri("/fhir/R4").rstrip("/")
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        client, granted = _bearer_client(request)
        if not scopes.allows(granted, resource_type, interaction):
            raise FhirError(
                403,
                f"Tokenet dækker ikke {resource_type} ({scopes.scope_for(resource_type)}).",
                code="forbidden",
            )
        _rate_limit(client)
        return FhirContext(
            actor=client_actor(client, request),
            base_url=base_url,
            may_see_cpr=client.may_see_cpr,
            client=client,
        )
    if header:
        raise FhirError(401, "Kun Bearer-tokens understøttes.", code="login")
    actor = getattr(request, "actor", None)
    if getattr(request, "auth_state", None) == AUTH_COMPLETE and actor is not None:
        return FhirContext(actor=actor, base_url=base_url, may_see_cpr=False)
    raise FhirError(
        401, "Log ind, eller brug et adgangstoken (OAuth2 client credentials).", code="login"
    )
