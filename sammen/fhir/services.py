"""Creating, rotating and deactivating system clients (administration page). Not citizen
data: these are organisation writes by an administrator, recorded as privilege changes in the
access log (operation "privilege")."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken

from sammen.access.log import access_log_record
from sammen.access.models import Operation, Purpose
from sammen.core.actor import Actor
from sammen.core.errors import Forbidden, NotFound, ValidationFailed
from sammen.fhir import scopes as scope_rules
from sammen.fhir.models import ClientPurpose, SystemClient
from sammen.organisation.models import OrgUnit, Profession, StaffMember, User
from sammen.organisation.permissions import Permission, has_permission


@dataclass(frozen=True)
class IssuedSecret:
    """Shown once: the client id and the secret in clear (only its hash is stored)."""

    client: SystemClient
    client_id: str
    client_secret: str


def _require_admin(actor: Actor) -> None:
    if not has_permission(actor, Permission.ORGANISATION_ADMIN):
        raise Forbidden("Kun administratorer kan styre systemklienter.")


def _log(actor: Actor, what: str) -> None:
    access_log_record(
        actor=actor,
        citizen_ids=[None],
        operation=Operation.PRIVILEGE,
        purpose=Purpose.ADMINISTRATION,
        object_type="system_client",
        criterion=what[:200],
    )


def client_create(
    *,
    actor: Actor,
    name: str,
    unit_id: Any,
    purpose: str,
    scopes: list[str],
    may_see_cpr: bool,
) -> IssuedSecret:
    _require_admin(actor)
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name or len(name) > 100:
        errors["name"] = ["Skriv et navn på højst 100 tegn."]
    if purpose not in ClientPurpose.values:
        errors["purpose"] = ["Vælg et formål."]
    if not scopes or not all(scope_rules.valid(s) for s in scopes):
        errors["scopes"] = ["Vælg mindst én ressourcetype."]
    unit = OrgUnit.objects.for_municipality(actor.municipality).filter(pk=unit_id).first()
    if unit is None:
        errors["unit"] = ["Vælg en enhed i kommunen."]
    if (
        name
        and SystemClient.objects.for_municipality(actor.municipality).filter(name=name).exists()
    ):
        errors["name"] = ["Der findes allerede en systemklient med det navn."]
    if errors:
        raise ValidationFailed("Systemklienten kunne ikke oprettes.", errors)
    assert unit is not None
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        user = User(username=f"system-{secrets.token_hex(8)}", is_active=False)
        user.set_unusable_password()
        user.save()
        staff = StaffMember.objects.create(
            municipality=actor.municipality,
            user=user,
            first_name="Systemklient",
            last_name=name,
            profession=Profession.ADMINISTRATIVE,
        )
        application = Application.objects.create(
            name=f"{actor.municipality.code}: {name}",
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
        )
        client = SystemClient.objects.create(
            municipality=actor.municipality,
            name=name,
            purpose=purpose,
            application=application,
            staff=staff,
            unit=unit,
            scopes=sorted(set(scopes)),
            may_see_cpr=may_see_cpr,
            created_by=actor.staff,
            secret_rotated_at=timezone.now(),
        )
        _log(actor, f"systemklient oprettet: {name}")
    return IssuedSecret(client, application.client_id, secret)


def _client(actor: Actor, client_id: Any) -> SystemClient:
    client = (
        SystemClient.objects.for_municipality(actor.municipality)
        .select_related("application")
        .filter(pk=client_id)
        .first()
    )
    if client is None:
        raise NotFound()
    return client


def _revoke_tokens(application: Application) -> None:
    RefreshToken.objects.filter(application=application).delete()
    AccessToken.objects.filter(application=application).delete()


def client_rotate_secret(*, actor: Actor, client_id: Any) -> IssuedSecret:
    """A new secret; the old one and every token issued with it stop working at once."""
    _require_admin(actor)
    client = _client(actor, client_id)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        application = client.application
        application.client_secret = secret
        application.save(update_fields=["client_secret"])
        _revoke_tokens(application)
        client.secret_rotated_at = timezone.now()
        client.save(update_fields=["secret_rotated_at", "updated_at"])
        _log(actor, f"systemklient nøgle skiftet: {client.name}")
    return IssuedSecret(client, application.client_id, secret)


def client_deactivate(*, actor: Actor, client_id: Any) -> SystemClient:
    _require_admin(actor)
    client = _client(actor, client_id)
    with transaction.atomic():
        client.is_active = False
        client.save(update_fields=["is_active", "updated_at"])
        _revoke_tokens(client.application)
        _log(actor, f"systemklient deaktiveret: {client.name}")
    return client
