"""Who may do what: one `Permission` enum and one role → permissions table.

This is the only place that knows which role may do what. Views declare
`access_rule(needs(Permission.X))`, documentation templates name the permission they need
(`"permission": "document_health"`), and policy code asks `has_permission(actor, X)`. No other
module defines a set of roles (a test in `tests/test_permissions_single_source.py` keeps it so).

The actor carries its permissions (`Actor.permissions`, filled from this table when the actor
is built), so the core's access rules can check them without knowing the table.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sammen.core.actor import Actor
from sammen.organisation.models import Role


class Permission(models.TextChoices):
    CITIZEN_READ = "citizen_read", _("Søge efter og se navngivne borgere og deres journal")
    CITIZEN_REACH_SUBUNITS = (
        "citizen_reach_subunits",
        _("Se borgere, som underliggende enheder har ansvaret for"),
    )
    CITIZEN_REACH_AREA = (
        "citizen_reach_area",
        _("Se borgere i hele sit område og borgere uden ansvarlig enhed (visitation)"),
    )
    CITIZEN_WRITE = (
        "citizen_write",
        _("Oprette borgere og ændre stamoplysninger, pårørende, ansvar og samtykker"),
    )
    BREAK_THE_GLASS = "break_the_glass", _("Give sig selv udvidet adgang til én borger")
    DOCUMENT = (
        "document",
        _("Dokumentere notater, generelle oplysninger og funktionsevnetilstande"),
    )
    DOCUMENT_HEALTH = "document_health", _("Dokumentere helbredstilstande")
    DOCUMENT_ASSESSMENT = (
        "document_assessment",
        _("Udrede funktionsevne efter voksenudredningsmetoden (FFB)"),
    )
    ACCESS_REVIEW = (
        "access_review",
        _("Gennemgå udvidet adgang, mistænkelige opslag og rettighedsændringer"),
    )
    ORGANISATION_ADMIN = (
        "organisation_admin",
        _("Administrere enheder, medarbejdere og roller"),
    )
    VISITATION = (
        "visitation_decide",
        _("Visitere: modtage henvendelser, udrede, træffe afgørelser og følge op på indsatser"),
    )
    TEAM_SERVICES = (
        "team_services",
        _("Se nye og ophørende indsatser for sine teams"),
    )
    TRIAGE_ASSESS = (
        "triage_assess",
        _("Revurdere triagefarve og fordele opfølgning (tavlemøde)"),
    )
    CONSULTATION = (
        "consultation",
        _("Booke og holde skærmbesøg (video) med borgere"),
    )
    VISIT_DELIVER = (
        "visit_deliver",
        _("Se sin køreliste og registrere levering af besøg"),
    )
    VISIT_PLAN = (
        "visit_plan",
        _("Fordele besøg, oprette akutte besøg og se afvigelser for sine teams"),
    )
    # Insight (issue 13): figures, never a name, except a leader's drill-down inside reach.
    INSIGHT_TEAM = (
        "insight_team",
        _("Se nøgletal for egne enheder og listen over egne borgere bag et tal"),
    )
    INSIGHT_MUNICIPALITY = (
        "insight_municipality",
        _("Se nøgletal for hele kommunen, områderne side om side (uden navne)"),
    )
    INSIGHT_COUNCIL = (
        "insight_council",
        _("Se politiske nøgletal med forklaring og udskrive et resumé pr. område"),
    )


P = Permission
_CARE = frozenset({P.CITIZEN_READ, P.BREAK_THE_GLASS, P.DOCUMENT, P.VISIT_DELIVER, P.CONSULTATION})
_CLINICAL = _CARE | {P.CITIZEN_WRITE, P.DOCUMENT_HEALTH, P.DOCUMENT_ASSESSMENT, P.TRIAGE_ASSESS}

# The table. Direktion and politicians see aggregates only (no named citizen); an
# administrator manages the organisation and is not a care worker.
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.SOSU_HELPER: _CARE,
    Role.SOSU_ASSISTANT: _CLINICAL,
    Role.NURSE: _CLINICAL,
    Role.THERAPIST: _CLINICAL,
    Role.ASSESSOR: (_CLINICAL - {P.VISIT_DELIVER}) | {P.CITIZEN_REACH_AREA, P.VISITATION},
    Role.LEADER: frozenset(
        {
            P.CITIZEN_READ,
            P.CITIZEN_REACH_SUBUNITS,
            P.CITIZEN_WRITE,
            P.BREAK_THE_GLASS,
            P.ACCESS_REVIEW,
            P.TEAM_SERVICES,
            P.VISIT_PLAN,
            P.INSIGHT_TEAM,
        }
    ),
    Role.DIRECTOR: frozenset({P.INSIGHT_MUNICIPALITY, P.INSIGHT_COUNCIL}),
    Role.POLITICIAN: frozenset({P.INSIGHT_COUNCIL}),
    Role.ADMINISTRATOR: frozenset({P.ORGANISATION_ADMIN}),
}

# Permissions that open named citizens' data: a role holding one of these widens citizen
# access, so giving it needs a second administrator and becomes a leader review item.
CITIZEN_ACCESS: frozenset[Permission] = frozenset(
    {P.CITIZEN_READ, P.CITIZEN_REACH_SUBUNITS, P.CITIZEN_REACH_AREA, P.BREAK_THE_GLASS}
)
# Two-factor login is required for these (citizen data, and granting access to it).
MFA_PERMISSIONS: frozenset[Permission] = CITIZEN_ACCESS | {P.ORGANISATION_ADMIN}
# Permissions that show protected aggregates only (small cells suppressed, no name): a role
# holding nothing else opens no citizen and grants nothing, so it takes effect at once.
AGGREGATES_ONLY: frozenset[Permission] = frozenset({P.INSIGHT_MUNICIPALITY, P.INSIGHT_COUNCIL})


def permissions_for(role: str) -> frozenset[Permission]:
    """The permissions of a role; an unknown role has none (deny by default)."""
    return ROLE_PERMISSIONS.get(role, frozenset())


def has_permission(actor: Actor, permission: str) -> bool:
    return permission in actor.permissions


def roles_with(*permissions: Permission) -> frozenset[str]:
    """The roles holding any of the permissions (for database filters such as role__in)."""
    wanted = set(permissions)
    return frozenset(role for role, held in ROLE_PERMISSIONS.items() if held & wanted)


def role_widens_citizen_access(role: str) -> bool:
    return bool(permissions_for(role) & CITIZEN_ACCESS)


def role_needs_second_approver(role: str) -> bool:
    """A role that gives any permission is pending until a second administrator approves;
    protected aggregates alone (direktion, politician) are not access to anyone's data."""
    return bool(permissions_for(role) - AGGREGATES_ONLY)


def permission_table() -> list[tuple[Permission, list[bool]]]:
    """Rows for the administration page: each permission and, per role (in `Role` order),
    whether the role holds it."""
    return [(p, [p in permissions_for(r) for r in Role]) for p in Permission]


# System clients (sammen.fhir): a client is no staff role; what its purpose lets it do is kept
# in this table too. A client reaches citizens like a leader of its unit on a list (the unit
# and the units below it), never breaks the glass, never writes.
SYSTEM_CLIENT_ROLE = "systemklient"
CLIENT_PURPOSE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "indberetning": frozenset({P.CITIZEN_READ, P.CITIZEN_REACH_SUBUNITS}),
    "behandling": frozenset({P.CITIZEN_READ, P.CITIZEN_REACH_SUBUNITS}),
    "statistik": frozenset({P.CITIZEN_READ, P.CITIZEN_REACH_SUBUNITS}),
    "tilsyn": frozenset({P.ACCESS_REVIEW}),
}


def permissions_for_client(purpose: str) -> frozenset[Permission]:
    return CLIENT_PURPOSE_PERMISSIONS.get(purpose, frozenset())
