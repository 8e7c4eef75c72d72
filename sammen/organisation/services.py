"""Writes for the organisation: login sessions, two-factor, units, staff and memberships."""

from __future__ import annotations

from importlib import import_module
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import auth
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from sammen.core.actor import Actor
from sammen.core.audit import PrivilegeChange, privilege_change_record
from sammen.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from sammen.core.ids import parse_uuid
from sammen.organisation.models import (
    ALLOWED_PARENT_KINDS,
    LoginSession,
    Membership,
    MembershipRequest,
    OrgUnit,
    Role,
    StaffMember,
    User,
)
from sammen.organisation.permissions import (
    MFA_PERMISSIONS,
    Permission,
    has_permission,
    role_needs_second_approver,
    role_widens_citizen_access,
    roles_with,
)

SESSION_AUTH_TIME = "sammen_auth_time"
SESSION_LAST_ACTIVITY = "sammen_last_activity"
SESSION_ACTIVE_MEMBERSHIP = "sammen_active_membership"


# --- Login -----------------------------------------------------------------------------------


def mfa_required_for(user: Any) -> bool:
    """Two-factor is required for any account that can reach citizen data or grant access."""
    if not settings.SAMMEN_MFA_REQUIRED:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return Membership.objects.filter(
        staff__user=user, staff__is_active=True, role__in=roles_with(*MFA_PERMISSIONS)
    ).exists()


def login_complete(*, request: HttpRequest, user: User) -> None:
    """First factor accepted: start a fresh session (new id) and record it server-side."""
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    now = timezone.now().timestamp()
    request.session[SESSION_AUTH_TIME] = now
    request.session[SESSION_LAST_ACTIVITY] = now
    request.session.save()
    LoginSession.objects.create(user=user, session_key=request.session.session_key or "")


def session_end(*, request: HttpRequest) -> None:
    """Log out: the session row is deleted, so the old cookie is dead server-side."""
    key = request.session.session_key
    if key:
        LoginSession.objects.filter(session_key=key, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
    auth.logout(request)


def sessions_end_all_for_user(*, user: User) -> int:
    """End every session the user holds (disabling, password reset by an administrator)."""
    rows = LoginSession.objects.filter(user=user, ended_at__isnull=True)
    keys = list(rows.values_list("session_key", flat=True))
    # Through the session engine, so a cached session (cached_db) dies with its row.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store().delete(key)
    rows.update(ended_at=timezone.now())
    return len(keys)


def totp_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed device shown as a QR code until the user proves they have set it up."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Sammen", confirmed=False)
    return device


def totp_verify(*, request: HttpRequest, user: User, token: str) -> bool:
    """Check a code against the user's device; on first success confirm it (enrolment)."""
    token = token.strip().replace(" ", "")
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = confirmed or TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not token.isdigit() or not device.verify_token(token):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    old_key = request.session.session_key
    otp_login(request, device)
    request.session.cycle_key()  # a new session id once the second factor is accepted
    LoginSession.objects.filter(session_key=old_key, ended_at__isnull=True).update(
        session_key=request.session.session_key or ""
    )
    return True


# --- Active role ------------------------------------------------------------------------------


def membership_activate(
    *, request: HttpRequest, staff: StaffMember, membership_id: Any
) -> Membership:
    """Switch the active role; the actor follows it from the next request on."""
    membership = Membership.objects.filter(
        pk=parse_uuid(membership_id), staff=staff, unit__is_active=True
    ).first()
    if membership is None:
        raise NotFound()
    request.session[SESSION_ACTIVE_MEMBERSHIP] = str(membership.pk)
    return membership


# --- Administration ---------------------------------------------------------------------------


def _require_admin(actor: Actor) -> None:
    if not has_permission(actor, Permission.ORGANISATION_ADMIN):
        raise Forbidden("Kun administratorer kan ændre organisationen.")


def _audit_privilege(
    actor: Actor,
    what: str,
    staff: StaffMember,
    *,
    object_type: str = "staff",
    review: str = "",
    refused: bool = False,
) -> None:
    """Every change of who may do what is itself in the tamper-evident log (SECURITY.md T09).

    `review` (a Danish sentence) makes the change a leader review item as well: given when the
    change widens who can reach named citizens. `staff` is the person the change concerns
    (whose access the leader reviews); for a unit change, the administrator who made it."""
    privilege_change_record(
        actor,
        PrivilegeChange(
            what=what, staff_id=staff.pk, object_type=object_type, review=review, refused=refused
        ),
    )


def _refuse(actor: Actor, what: str, staff: StaffMember, message: str) -> Forbidden:
    """An attempt to escalate: logged as a refused privilege change (high severity, in its own
    transaction so the refusal does not roll it back), then refused with 403."""
    with transaction.atomic():
        _audit_privilege(actor, what, staff, refused=True)
    return Forbidden(message)


SELF_GRANT = (
    "Du kan ikke give dig selv en rolle eller en rettighed. En anden administrator skal gøre det."
)


def _validate_parent(actor: Actor, kind: str, parent: OrgUnit | None, unit: OrgUnit | None) -> None:
    if parent is not None and parent.municipality_id != actor.municipality.pk:
        raise NotFound()
    allowed = ALLOWED_PARENT_KINDS.get(kind, set())
    parent_kind = parent.kind if parent else None
    if parent_kind not in allowed:
        raise ValidationFailed(
            field_errors={"parent": ["Enhedstypen kan ikke ligge under den valgte enhed."]}
        )
    # No cycles: the parent may not be the unit itself or one of its descendants.
    ancestor = parent
    while ancestor is not None and unit is not None:
        if ancestor.pk == unit.pk:
            raise ValidationFailed(
                field_errors={"parent": ["En enhed kan ikke ligge under sig selv."]}
            )
        ancestor = ancestor.parent


def _validate_unique_name(
    actor: Actor, name: str, parent: OrgUnit | None, unit: OrgUnit | None
) -> None:
    clash = OrgUnit.objects.for_municipality(actor.municipality).filter(name=name, parent=parent)
    if unit is not None:
        clash = clash.exclude(pk=unit.pk)
    if clash.exists():
        raise ValidationFailed(
            field_errors={"name": ["Der findes allerede en enhed med det navn her."]}
        )


@transaction.atomic
def unit_create(
    *, actor: Actor, name: str, kind: str, area: str, parent: OrgUnit | None
) -> OrgUnit:
    _require_admin(actor)
    name = name.strip()
    if not name:
        raise ValidationFailed(field_errors={"name": ["Skriv enhedens navn."]})
    _validate_parent(actor, kind, parent, None)
    _validate_unique_name(actor, name, parent, None)
    unit = OrgUnit.objects.create(
        municipality=actor.municipality, name=name, kind=kind, area=area, parent=parent
    )
    _audit_privilege(
        actor,
        f"enhed oprettet enhed:{unit.pk} under:{parent.pk if parent else '-'}",
        actor.staff,
        object_type="unit",
    )
    return unit


_V = TypeVar("_V", OrgUnit, StaffMember)


def _current(obj: _V, version: int | None) -> _V:
    """The row locked for the write; a version other than the one the person saw means someone
    else saved in between (409, nothing saved). None: a caller without a form (no check)."""
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    if version is not None and locked.version != version:
        raise Conflict(current_version=locked.version)
    locked.version += 1
    return locked


@transaction.atomic
def unit_update(
    *,
    actor: Actor,
    unit: OrgUnit,
    name: str,
    kind: str,
    area: str,
    parent: OrgUnit | None,
    is_active: bool,
    version: int | None = None,
) -> OrgUnit:
    _require_admin(actor)
    if unit.municipality_id != actor.municipality.pk:
        raise NotFound()
    unit = _current(unit, version)
    name = name.strip()
    if not name:
        raise ValidationFailed(field_errors={"name": ["Skriv enhedens navn."]})
    _validate_parent(actor, kind, parent, unit)
    _validate_unique_name(actor, name, parent, unit)
    if not is_active and unit.children.filter(is_active=True).exists():
        raise ValidationFailed(field_errors={"is_active": ["Luk først de underliggende enheder."]})
    widened = []
    if parent != unit.parent:
        widened.append(f"flyttet under {parent.name if parent else 'toppen'}")
    if area != unit.area:
        widened.append("skiftet område")
    if is_active and not unit.is_active:
        widened.append("genåbnet")
    unit.name, unit.kind, unit.area, unit.parent, unit.is_active = (
        name,
        kind,
        area,
        parent,
        is_active,
    )
    unit.save()
    # Moving a unit gives the leaders above its new place its citizens; a new area changes
    # who the visitation reaches and which consents count; a reopened unit revives its roles.
    _audit_privilege(
        actor,
        f"enhed ændret enhed:{unit.pk} " + (", ".join(widened) or "navn/type"),
        actor.staff,
        object_type="unit",
        review=f"Enheden {unit.name} er {' og '.join(widened)}" if widened else "",
    )
    return unit


@transaction.atomic
def staff_create(
    *,
    actor: Actor,
    username: str,
    first_name: str,
    last_name: str,
    profession: str,
    email: str,
    password: str,
) -> StaffMember:
    _require_admin(actor)
    username = username.strip().lower()
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(field_errors={"username": ["Brugernavnet er optaget."]})
    user = User.objects.create_user(username=username, password=password, email=email)
    staff = StaffMember.objects.create(
        municipality=actor.municipality,
        user=user,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        profession=profession,
        email=email,
    )
    _audit_privilege(actor, "oprettet", staff)
    return staff


@transaction.atomic
def staff_update(
    *,
    actor: Actor,
    staff: StaffMember,
    first_name: str,
    last_name: str,
    profession: str,
    email: str,
    version: int | None = None,
) -> StaffMember:
    _require_admin(actor)
    if staff.municipality_id != actor.municipality.pk:
        raise NotFound()
    staff = _current(staff, version)
    staff.first_name, staff.last_name = first_name.strip(), last_name.strip()
    staff.profession, staff.email = profession, email
    staff.save()
    _audit_privilege(actor, "stamdata ændret", staff)
    return staff


@transaction.atomic
def staff_set_active(*, actor: Actor, staff: StaffMember, active: bool) -> StaffMember:
    """Disable or re-enable a staff member. Disabling ends all their sessions at once."""
    _require_admin(actor)
    if staff.municipality_id != actor.municipality.pk:
        raise NotFound()
    if staff.pk == actor.staff.pk and not active:
        raise ValidationFailed("Du kan ikke deaktivere dig selv.")
    reopened = active and not staff.is_active
    staff.is_active = active
    staff.save(update_fields=["is_active", "updated_at"])
    User.objects.filter(pk=staff.user_id).update(is_active=active)
    if not active:
        sessions_end_all_for_user(user=staff.user)
    widens = reopened and any(role_widens_citizen_access(m.role) for m in staff.memberships.all())
    _audit_privilege(
        actor,
        "aktiveret" if active else "deaktiveret",
        staff,
        review=f"{staff.full_name} er aktiveret igen med adgang til borgere" if widens else "",
    )
    return staff


def _membership_create(
    actor: Actor, staff: StaffMember, unit: OrgUnit, role: str, *, what: str, note: str = ""
) -> Membership:
    is_first = not staff.memberships.exists()
    membership = Membership.objects.create(
        municipality=actor.municipality, staff=staff, unit=unit, role=role, is_primary=is_first
    )
    review = ""
    if role_widens_citizen_access(role):
        review = f"{staff.full_name} har fået rollen {Role(role).label} i {unit.name}{note}"
    _audit_privilege(actor, f"{what} {role} enhed:{unit.pk}", staff, review=review)
    return membership


def membership_add(
    *, actor: Actor, staff: StaffMember, unit: OrgUnit, role: str
) -> Membership | MembershipRequest:
    """Give a staff member a role in a unit. Nobody gives themselves a role (the attempt is
    logged as refused). A role that gives any permission waits (a `MembershipRequest`) until a
    second administrator approves it (`membership_request_decide`); a role without permissions
    takes effect at once."""
    _require_admin(actor)
    if actor.municipality.pk not in (staff.municipality_id, unit.municipality_id) or (
        staff.municipality_id != unit.municipality_id
    ):
        raise NotFound()
    if staff.pk == actor.staff.pk:
        raise _refuse(actor, f"rolle til sig selv afvist {role} enhed:{unit.pk}", staff, SELF_GRANT)
    return _membership_add(actor=actor, staff=staff, unit=unit, role=role)


@transaction.atomic
def _membership_add(
    *, actor: Actor, staff: StaffMember, unit: OrgUnit, role: str
) -> Membership | MembershipRequest:
    if staff.pk == actor.staff.pk:
        raise Forbidden(SELF_GRANT)
    if role not in Role.values:
        raise ValidationFailed(field_errors={"role": ["Vælg en rolle."]})
    if not unit.is_active:
        raise ValidationFailed(field_errors={"unit": ["Enheden er lukket."]})
    if Membership.objects.filter(staff=staff, unit=unit, role=role).exists():
        raise ValidationFailed(field_errors={"role": ["Medarbejderen har allerede den rolle her."]})
    if not role_needs_second_approver(role):
        return _membership_create(actor, staff, unit, role, what="rolle tilføjet")
    if MembershipRequest.objects.filter(
        staff=staff, unit=unit, role=role, decided_at__isnull=True
    ).exists():
        raise ValidationFailed(
            field_errors={
                "role": ["Rollen venter allerede på en anden administrators godkendelse."]
            }
        )
    request = MembershipRequest.objects.create(
        municipality=actor.municipality, staff=staff, unit=unit, role=role, requested_by=actor.staff
    )
    _audit_privilege(actor, f"rolle anmodet {role} enhed:{unit.pk}", staff)
    return request


OWN_ROLE = "Du kan ikke godkende en rolle til dig selv. En anden administrator skal gøre det."
OWN_REQUEST = "Du har selv bedt om rollen. En anden administrator skal godkende den."


def membership_request_decide(
    *, actor: Actor, request: MembershipRequest, approve: bool
) -> Membership | None:
    """A second administrator approves (the membership is created) or rejects a pending
    role. Neither the administrator who asked nor the staff member concerned may decide (the
    attempt is logged as refused)."""
    _require_admin(actor)
    if request.municipality_id != actor.municipality.pk:
        raise NotFound()
    what = f"godkendelse afvist {request.role} enhed:{request.unit_id}"
    if actor.staff.pk == request.staff_id:
        raise _refuse(actor, what, request.staff, OWN_ROLE)
    if actor.staff.pk == request.requested_by_id:
        raise _refuse(actor, what, request.staff, OWN_REQUEST)
    return _membership_request_decide(actor=actor, request=request, approve=approve)


@transaction.atomic
def _membership_request_decide(
    *, actor: Actor, request: MembershipRequest, approve: bool
) -> Membership | None:
    request = (
        MembershipRequest.objects.select_for_update()
        .select_related("staff", "unit")
        .filter(pk=request.pk, municipality=actor.municipality)
        .first()
        or _not_found()
    )
    if request.decided_at is not None:
        raise ValidationFailed("Anmodningen er allerede afgjort.")
    if actor.staff.pk in (request.staff_id, request.requested_by_id):
        raise Forbidden(OWN_ROLE if actor.staff.pk == request.staff_id else OWN_REQUEST)
    request.decided_at, request.decided_by, request.approved = timezone.now(), actor.staff, approve
    request.save(update_fields=["decided_at", "decided_by", "approved", "updated_at"])
    if not approve:
        _audit_privilege(
            actor, f"rolle afvist {request.role} enhed:{request.unit_id}", request.staff
        )
        return None
    if not request.unit.is_active or not request.staff.is_active:
        raise ValidationFailed("Enheden er lukket, eller medarbejderen er deaktiveret.")
    if Membership.objects.filter(
        staff=request.staff, unit=request.unit, role=request.role
    ).exists():
        raise ValidationFailed("Medarbejderen har allerede den rolle her.")
    return _membership_create(
        actor,
        request.staff,
        request.unit,
        request.role,
        what="rolle godkendt",
        note=f"; bedt om af {request.requested_by.full_name}, godkendt",
    )


def _not_found() -> MembershipRequest:
    raise NotFound()


@transaction.atomic
def membership_remove(*, actor: Actor, membership: Membership) -> None:
    _require_admin(actor)
    if membership.municipality_id != actor.municipality.pk:
        raise NotFound()
    if membership.pk == actor.membership.pk:
        raise ValidationFailed("Du kan ikke fjerne den rolle, du selv bruger nu.")
    staff = membership.staff
    was_primary = membership.is_primary
    _audit_privilege(actor, f"rolle fjernet {membership.role} enhed:{membership.unit_id}", staff)
    membership.delete()
    if was_primary:
        successor = staff.memberships.first()
        if successor is not None:
            successor.is_primary = True
            successor.save(update_fields=["is_primary", "updated_at"])


@transaction.atomic
def municipality_settings_update(*, actor: Actor, show_staff_names_to_citizens: bool) -> None:
    """The municipality's own choices (today: staff names in the citizen's access log)."""
    _require_admin(actor)
    municipality = actor.municipality
    if municipality.show_staff_names_to_citizens == show_staff_names_to_citizens:
        return
    type(municipality).objects.filter(pk=municipality.pk).update(
        show_staff_names_to_citizens=show_staff_names_to_citizens
    )
    municipality.show_staff_names_to_citizens = show_staff_names_to_citizens
    privilege_change_record(
        actor,
        PrivilegeChange(
            what="vis medarbejdernavne for borgere: "
            + ("ja" if show_staff_names_to_citizens else "nej"),
            object_type="municipality",
        ),
    )
