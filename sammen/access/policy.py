"""Need-to-know: who may see and change which citizen's data, and why. Deny by default.

A staff member reaches a citizen when
- their active unit (or a unit below it, for leaders) is responsible for the citizen, or
- a care-relation provider says so (visits and tasks within SAMMEN_CARE_RELATION_DAYS plug in
  through `care_relation_register`), or
- (visitator) the citizen belongs to their unit's area or has no responsible unit yet, or
- they hold an unexpired break-the-glass grant for exactly that citizen.
Data of another area than the actor's needs a recorded, active consent or legal basis for the
actor's area. What a role may do at all comes from `organisation.permissions` (one table):
direktion, politicians and administrators never see a named citizen.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from sammen.access.models import AccessGrant, Purpose
from sammen.core.actor import Actor
from sammen.core.errors import Forbidden, NotFound
from sammen.organisation.models import OrgUnit
from sammen.organisation.permissions import Permission, has_permission

CareRelationProvider = Callable[[Actor], QuerySet[Any]]
_PROVIDERS: list[CareRelationProvider] = []


def care_relation_register(provider: CareRelationProvider) -> None:
    """A module that knows of visits or tasks adds the citizen ids the actor is working with
    (a queryset of citizen ids, within the configured window)."""
    _PROVIDERS.append(provider)


@dataclass(frozen=True)
class CitizenRecords:
    """Where the citizens module keeps what the policy reads: responsibilities (citizen,
    unit, area, until) and consents (citizen, area, scope, given_on, withdrawn_on). The kernel
    knows Citizen by id, not by import; citizens registers these in CitizensConfig.ready."""

    responsibility: type[models.Model]
    consent: type[models.Model]
    consent_scope_all: str


_RECORDS: list[CitizenRecords] = []


def citizen_records_register(records: CitizenRecords) -> None:
    _RECORDS[:] = [records]


def _records() -> CitizenRecords:
    if not _RECORDS:
        raise ImproperlyConfigured("The citizens app has not registered its records.")
    return _RECORDS[0]


class NoCareRelation(Forbidden):
    """403 that offers break-the-glass for one citizen."""

    template = "access/no_relation.html"

    def __init__(self, citizen_id: uuid.UUID) -> None:
        super().__init__(
            "Du har ingen aktuel plejerelation til borgeren. Har du brug for oplysningerne nu, "
            "kan du give dig selv udvidet adgang med en begrundelse. Det bliver logget og set "
            "af din leder."
        )
        self.citizen_id = citizen_id
        self.problem_extra = {"break_the_glass": f"/adgang/udvidet/{citizen_id}/"}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    purpose: str = ""
    grant_id: uuid.UUID | None = None


def citizen_data_allowed(actor: Actor) -> bool:
    return has_permission(actor, Permission.CITIZEN_READ)


def _unit_subtree_ids(actor: Actor) -> list[uuid.UUID]:
    units = list(
        OrgUnit.objects.for_municipality(actor.municipality).values_list("pk", "parent_id")
    )
    children: dict[Any, list[Any]] = {}
    for pk, parent in units:
        children.setdefault(parent, []).append(pk)
    found, stack = [], [actor.unit.pk]
    while stack:
        pk = stack.pop()
        found.append(pk)
        stack.extend(children.get(pk, []))
    return found


def _outer(prefix: str) -> OuterRef:
    """The citizen's id as seen from the queryset being filtered: "pk" on citizens, the
    foreign key (prefix "citizen__" -> "citizen") on a citizen-owned model."""
    return OuterRef(prefix.removesuffix("__") if prefix else "pk")


def _relation_q(actor: Actor, prefix: str = "") -> Q:
    """Care relation through responsibility, providers and the assessor's area. Correlated
    EXISTS subqueries, so a lookup of one citizen never loads everyone the actor can see."""
    open_rows = _records().responsibility._default_manager.filter(
        citizen_id=_outer(prefix), until__isnull=True
    )
    # Leaders reach the citizens of every unit below theirs; everyone else their own unit's.
    if has_permission(actor, Permission.CITIZEN_REACH_SUBUNITS):
        units = _unit_subtree_ids(actor)
    else:
        units = [actor.unit.pk]
    condition = Q(Exists(open_rows.filter(unit_id__in=units)))
    for provider in _PROVIDERS:
        condition |= Q(**{f"{prefix}pk__in": provider(actor)})
    if has_permission(actor, Permission.CITIZEN_REACH_AREA):
        # A citizen who never had a responsible unit (new, waiting for assessment) — not one
        # whose responsibilities all ended (moved away, died): those stay with their history.
        ever = _records().responsibility._default_manager.filter(citizen_id=_outer(prefix))
        condition |= Q(Exists(open_rows.filter(area=actor.unit.area))) | ~Q(Exists(ever))
    return condition


def _grant_q(actor: Actor) -> Q:
    return Q(
        Exists(
            AccessGrant.objects.filter(
                citizen_id=OuterRef("pk"), staff=actor.staff, expires_at__gt=timezone.now()
            )
        )
    )


def citizens_related_q(actor: Actor, *, prefix: str = "") -> Q:
    """The care relation as a filter on citizens (prefix "") or on rows that belong to a
    citizen (prefix "citizen__"): what lists (`access.lists.visible_to`) are made of.

    A list starts from the actor's side: the citizen ids the actor's units are responsible for
    (`IN (SELECT citizen_id …)`, driven by the unit index), not a correlated check per citizen
    of the municipality — on SQLite the latter scanned the team's responsibilities once per
    citizen (2,000 citizens: 70 ms against under 1 ms)."""
    records = _records().responsibility._default_manager
    open_rows = records.filter(until__isnull=True)
    if has_permission(actor, Permission.CITIZEN_REACH_SUBUNITS):
        units = _unit_subtree_ids(actor)
    else:
        units = [actor.unit.pk]
    key = f"{prefix}pk__in"
    condition = Q(**{key: open_rows.filter(unit_id__in=units).values("citizen_id")})
    for provider in _PROVIDERS:
        condition |= Q(**{key: provider(actor)})
    if has_permission(actor, Permission.CITIZEN_REACH_AREA):
        condition |= Q(**{key: open_rows.filter(area=actor.unit.area).values("citizen_id")})
        condition |= ~Q(**{key: records.values("citizen_id")})  # never had a unit
    return condition


def consent_q(actor: Actor, *, prefix: str = "") -> Q:
    """An active consent or legal basis with scope "alle" for the actor's area."""
    records = _records()
    today = timezone.localdate()
    return Q(
        Exists(
            records.consent._default_manager.filter(
                citizen_id=_outer(prefix),
                area=actor.unit.area,
                given_on__lte=today,
                scope=records.consent_scope_all,
            ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
        )
    )


def citizens_visible(*, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Narrow a citizen queryset to the actor's reach: never another municipality, never a
    citizen without care relation or grant. Counts and totals come from this queryset too."""
    if not citizen_data_allowed(actor):
        return queryset.none()
    return queryset.filter(municipality=actor.municipality).filter(
        _relation_q(actor) | _grant_q(actor)
    )


def active_grant(*, actor: Actor, citizen: Any) -> AccessGrant | None:
    return (
        AccessGrant.objects.filter(
            staff=actor.staff, citizen_id=citizen.pk, expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )


def decide(
    *, actor: Actor, citizen: Any, area: str | None = None, scope: str | None = None
) -> Decision:
    """May the actor read this citizen's data (in `area`, when given)? Never raises.

    Data of another area than the actor's needs an active consent (or legal basis) for the
    actor's area whose scope covers it: scope "alle", or exactly `scope` when the caller names
    the kind of data (helbred, funktionsevne, sociale)."""
    if citizen.municipality_id != actor.municipality.pk or not citizen_data_allowed(actor):
        return Decision(False)
    related = type(citizen).objects.filter(pk=citizen.pk).filter(_relation_q(actor)).exists()
    if related:
        if area is None or area == actor.unit.area:
            return Decision(True, str(Purpose.CARE_RELATION))
        if _consent_covers(citizen, area=actor.unit.area, scope=scope):
            return Decision(True, str(Purpose.CONSENT))
    grant = active_grant(actor=actor, citizen=citizen)
    if grant is not None:
        return Decision(True, str(Purpose.BREAK_THE_GLASS), grant.pk)
    return Decision(False)


def decide_areas(
    *, actor: Actor, citizen: Any, areas: Iterable[str], given: Decision | None = None
) -> dict[str, Decision]:
    """`decide(area=a)` for each of `areas`, with at most one database question for all of
    them. What another area's data needs does not depend on which other area it is (an active
    consent with scope "alle" for the actor's own area, or a grant), and `given` — the
    decision already made for this citizen without an area, e.g. the gate's `CitizenAccess` —
    says whether there is a care relation or a grant, so it is not asked again."""
    base = decide(actor=actor, citizen=citizen) if given is None else given
    related = base.allowed and base.purpose in (Purpose.CARE_RELATION, Purpose.CONSENT)
    if related:
        own = Decision(True, str(Purpose.CARE_RELATION))
    elif base.allowed and base.purpose == Purpose.BREAK_THE_GLASS:
        own = Decision(True, str(Purpose.BREAK_THE_GLASS), base.grant_id)
    else:
        own = Decision(False)
    other: Decision | None = None
    out: dict[str, Decision] = {}
    for area in areas:
        if area == actor.unit.area:
            out[area] = own
            continue
        if other is None:
            # A grant opens every area; no relation and no grant opens none.
            other = _other_area(actor, citizen) if related else own
        out[area] = other
    return out


def _other_area(actor: Actor, citizen: Any) -> Decision:
    """Another area's data for a related actor: consent (scope "alle") for the actor's area,
    else an unexpired grant — asked in one query, answered as `decide(area=…)` would."""
    records = _records()
    today = timezone.localdate()
    consent = records.consent._default_manager.filter(
        citizen_id=citizen.pk,
        area=actor.unit.area,
        given_on__lte=today,
        scope=records.consent_scope_all,
    ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
    grant = AccessGrant.objects.filter(
        staff=actor.staff, citizen_id=citizen.pk, expires_at__gt=timezone.now()
    ).order_by("-expires_at")
    row = (
        type(citizen)
        .objects.filter(pk=citizen.pk)
        .values(consent=Exists(consent), grant=Subquery(grant.values("pk")[:1]))
        .first()
    )
    if row and row["consent"]:
        return Decision(True, str(Purpose.CONSENT))
    if row and row["grant"] is not None:
        return Decision(True, str(Purpose.BREAK_THE_GLASS), uuid.UUID(str(row["grant"])))
    return Decision(False)


def _consent_covers(citizen: Any, *, area: str, scope: str | None) -> bool:
    records = _records()
    today = timezone.localdate()
    scopes = {records.consent_scope_all} | ({scope} if scope else set())
    return (
        records.consent._default_manager.filter(
            citizen_id=citizen.pk, area=area, given_on__lte=today, scope__in=scopes
        )
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
        .exists()
    )


def citizen_require(
    *,
    actor: Actor,
    citizen: Any,
    action: str = "view",
    area: str | None = None,
    scope: str | None = None,
) -> Decision:
    """Raise NotFound (foreign), Forbidden (role) or NoCareRelation (offers break-the-glass)."""
    if citizen.municipality_id != actor.municipality.pk:
        raise NotFound()
    if not citizen_data_allowed(actor):
        raise Forbidden("Din rolle giver ikke adgang til oplysninger om navngivne borgere.")
    if action != "view" and not has_permission(actor, Permission.CITIZEN_WRITE):
        raise Forbidden("Din rolle kan ikke ændre borgerens stamoplysninger.")
    decision = decide(actor=actor, citizen=citizen, area=area, scope=scope)
    if not decision.allowed:
        raise NoCareRelation(citizen.pk)
    if action == "change_access" and decision.purpose == Purpose.BREAK_THE_GLASS:
        # Break-the-glass is for looking now, not for making the access permanent.
        raise Forbidden(
            "Udvidet adgang giver ikke ret til at ændre ansvarlig enhed eller samtykker. "
            "Kontakt borgerens team eller visitationen."
        )
    return decision


def citizen_search_allowed(*, actor: Actor) -> None:
    if not citizen_data_allowed(actor):
        raise Forbidden("Din rolle giver ikke adgang til at søge efter borgere.")


def citizen_write_require(*, actor: Actor) -> None:
    """May the actor create citizens / change master data at all?"""
    if not has_permission(actor, Permission.CITIZEN_WRITE):
        raise Forbidden("Din rolle kan ikke oprette eller ændre borgeres stamoplysninger.")
