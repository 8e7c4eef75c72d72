"""Plain factory functions for organisation rows (fictitious people only)."""

from __future__ import annotations

import itertools
from importlib import import_module

from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sammen.core.actor import Actor
from sammen.organisation import services
from sammen.organisation.models import (
    Area,
    Membership,
    Municipality,
    OrgUnit,
    Profession,
    StaffMember,
    UnitKind,
    User,
)
from sammen.organisation.permissions import permissions_for

_seq = itertools.count(1)


def municipality_create(name: str = "Testkommune", code: str | None = None) -> Municipality:
    return Municipality.objects.create(name=name, code=code or f"{900 + next(_seq) % 99:03d}")


def unit_create(
    municipality: Municipality,
    name: str,
    *,
    kind: str = UnitKind.TEAM,
    area: str = Area.ELDERLY_HEALTH,
    parent: OrgUnit | None = None,
) -> OrgUnit:
    return OrgUnit.objects.create(
        municipality=municipality, name=name, kind=kind, area=area, parent=parent
    )


def staff_create(
    unit: OrgUnit,
    role: str,
    *,
    username: str | None = None,
    first_name: str = "Test",
    last_name: str = "Person",
    profession: str = Profession.NURSE,
    password: str | None = None,
) -> StaffMember:
    username = username or f"user{next(_seq)}"
    user = User(username=username)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    staff = StaffMember.objects.create(
        municipality=unit.municipality,
        user=user,
        first_name=first_name,
        last_name=last_name,
        profession=profession,
    )
    Membership.objects.create(
        municipality=unit.municipality, staff=staff, unit=unit, role=role, is_primary=True
    )
    return staff


def actor_for(staff: StaffMember, membership: Membership | None = None) -> Actor:
    membership = membership or staff.memberships.select_related("unit").first()
    assert membership is not None
    return Actor(
        staff=staff,
        municipality=staff.municipality,
        membership=membership,
        role=membership.role,
        unit=membership.unit,
        permissions=permissions_for(membership.role),
    )


def totp_device_create(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def logged_in_client(staff: StaffMember, *, verified: bool = True) -> Client:
    """A client whose session is a complete login (password + TOTP when `verified`)."""
    client = Client()
    client.force_login(staff.user, backend="django.contrib.auth.backends.ModelBackend")
    store = import_module(settings.SESSION_ENGINE).SessionStore  # db or cached_db
    session = store(session_key=client.session.session_key)
    now = timezone.now().timestamp()
    session[services.SESSION_AUTH_TIME] = now
    session[services.SESSION_LAST_ACTIVITY] = now
    if verified:
        device = totp_device_create(staff.user)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
