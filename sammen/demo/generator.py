"""The synthetic municipality: organisation, staff, citizens, relatives, consents, responsibility.

`municipality_generate` fills one municipality (new, or an existing one such as the small demo's
Greve) with a believable population, deterministically for a seed, with bulk inserts, and then
calls every data stream registered in `sammen.core.demo_streams` with the same `DemoContext`.
The people themselves (fictitious CPR numbers, ages, addresses, relatives) come from
`sammen.demo.population`, whose docstring states the CPR rule.

Determinism: the same seed gives the same names, CPR numbers, addresses, relatives and staff.
Citizens, staff and assignments draw from separate random streams, so the first K citizens of a
run with N > K citizens are the K citizens of a run with K, and the staff count does not change
who the citizens are.

Idempotency: a citizen whose CPR number the municipality already holds, and a staff member whose
username already exists, are skipped (with everything that hangs off them). Running the same
command twice therefore adds nothing the second time, and `make run` can be repeated. The whole
run is one transaction: all or nothing.

Staff get an unusable password (hashing hundreds of passwords with argon2 is slow, and nobody
logs in as a generated person); the named demo logins come from `demo_load`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.utils import timezone
from faker import Faker
from tqdm import tqdm

from sammen.citizens.models import (
    Citizen,
    CitizenStatus,
    Consent,
    ConsentBasis,
    Relative,
    Responsibility,
)
from sammen.citizens.text import fold
from sammen.core.demo_streams import DemoContext, streams_all
from sammen.demo.population import (
    BIRTH_ANCHOR,
    DISTRICTS,
    PLACES,
    CitizenPlan,
    age_at_anchor,
    citizen_plans,
)
from sammen.organisation.models import (
    Area,
    Membership,
    Municipality,
    OrgUnit,
    Profession,
    Role,
    StaffMember,
    UnitKind,
    User,
)

Progress = Callable[[str, int, int], None]
BATCH = 2000
LEGAL_BASIS = "Retssikkerhedsloven § 12 c"


# --- Organisation ----------------------------------------------------------------------------


@dataclass
class Organisation:
    """The tree, keyed for the generator. Names match the small demo's, so it extends it."""

    administrations: dict[str, OrgUnit] = field(default_factory=dict)  # area -> forvaltning
    home_care: dict[str, list[OrgUnit]] = field(default_factory=dict)  # district -> teams
    nursing: dict[str, OrgUnit] = field(default_factory=dict)  # district -> team
    districts: dict[str, OrgUnit] = field(default_factory=dict)  # name -> område
    support: dict[str, OrgUnit] = field(default_factory=dict)  # district -> bostøtteteam
    training: OrgUnit | None = None
    assessment: OrgUnit | None = None
    jobcentre: OrgUnit | None = None
    family: OrgUnit | None = None

    def teams(self) -> list[OrgUnit]:
        units = [t for teams in self.home_care.values() for t in teams]
        units += list(self.nursing.values()) + list(dict.fromkeys(self.support.values()))
        units += [u for u in (self.training, self.assessment, self.jobcentre, self.family) if u]
        return units


def home_care_teams_per_district(staff: int) -> int:
    """About 35 home-care staff per team: 1 team per district for 40 staff, 5 for 700."""
    return max(1, min(8, round(staff / 140)))


def organisation_build(municipality: Municipality, *, staff: int) -> Organisation:
    """Create (or find) forvaltning > område > team for every area; idempotent by name."""

    def unit(name: str, kind: str, area: str, parent: OrgUnit | None) -> OrgUnit:
        found, _ = OrgUnit.objects.get_or_create(
            municipality=municipality,
            parent=parent,
            name=name,
            defaults={"kind": kind, "area": area},
        )
        return found

    org = Organisation()
    elderly, disability = Area.ELDERLY_HEALTH, Area.DISABILITY_PSYCHIATRY
    sso = unit("Social, Sundhed og Ældre", UnitKind.ADMINISTRATION, elderly, None)
    org.administrations[elderly] = sso
    per_district = home_care_teams_per_district(staff)
    for district in DISTRICTS:
        area_unit = unit(f"Hjemmepleje {district}", UnitKind.DISTRICT, elderly, sso)
        org.districts[area_unit.name] = area_unit
        org.home_care[district] = [
            unit(f"Hjemmeplejen Team {district} {letter}", UnitKind.TEAM, elderly, area_unit)
            for letter in "ABCDEFGH"[:per_district]
        ]
        org.nursing[district] = unit(
            f"Hjemmesygeplejen {district}", UnitKind.TEAM, elderly, area_unit
        )
    org.training = unit("Træning og Rehabilitering", UnitKind.TEAM, elderly, sso)
    org.assessment = unit("Visitationen", UnitKind.TEAM, elderly, sso)

    hp = unit("Handicap og Psykiatri", UnitKind.ADMINISTRATION, disability, None)
    org.administrations[disability] = hp
    support = unit("Bostøtte", UnitKind.DISTRICT, disability, hp)
    org.districts[support.name] = support
    east = unit("Bostøtteteam Øst", UnitKind.TEAM, disability, support)
    west = unit("Bostøtteteam Vest", UnitKind.TEAM, disability, support)
    org.support = {"Nord": east, "Øst": east, "Syd": west, "Vest": west}

    employment = unit("Beskæftigelse", UnitKind.ADMINISTRATION, Area.EMPLOYMENT, None)
    org.administrations[Area.EMPLOYMENT] = employment
    org.jobcentre = unit("Jobcentret", UnitKind.TEAM, Area.EMPLOYMENT, employment)
    children = unit("Børn og Familie", UnitKind.ADMINISTRATION, Area.CHILDREN_FAMILY, None)
    org.administrations[Area.CHILDREN_FAMILY] = children
    org.family = unit("Familierådgivningen", UnitKind.TEAM, Area.CHILDREN_FAMILY, children)
    return org


# --- Staff -----------------------------------------------------------------------------------

_PROFESSIONS: dict[str, tuple[str, ...]] = {
    Role.SOSU_HELPER: (Profession.SOSU_HELPER,),
    Role.SOSU_ASSISTANT: (Profession.SOSU_ASSISTANT,),
    Role.NURSE: (Profession.NURSE,),
    Role.THERAPIST: (Profession.PHYSIOTHERAPIST, Profession.OCCUPATIONAL_THERAPIST),
    Role.ASSESSOR: (Profession.NURSE, Profession.OCCUPATIONAL_THERAPIST),
    Role.LEADER: (Profession.MANAGER,),
    Role.DIRECTOR: (Profession.MANAGER,),
    Role.POLITICIAN: (Profession.POLITICIAN,),
    Role.ADMINISTRATOR: (Profession.ADMINISTRATIVE,),
}


def _positions(
    org: Organisation,
) -> tuple[list[tuple[OrgUnit, str]], list[tuple[OrgUnit, str, float]]]:
    """The positions filled first (every role, a leader per district, someone in every team),
    then weighted slots for the rest of the staff."""
    assert org.training is not None
    assert org.assessment is not None
    assert org.jobcentre is not None
    assert org.family is not None
    sso = org.administrations[Area.ELDERLY_HEALTH]
    first_home = org.home_care[DISTRICTS[0]][0]
    first: list[tuple[OrgUnit, str]] = [
        (sso, Role.DIRECTOR),
        (sso, Role.POLITICIAN),
        (sso, Role.ADMINISTRATOR),
        (org.districts[f"Hjemmepleje {DISTRICTS[0]}"], Role.LEADER),
        (first_home, Role.SOSU_HELPER),
        (first_home, Role.SOSU_ASSISTANT),
        (org.nursing[DISTRICTS[0]], Role.NURSE),
        (org.training, Role.THERAPIST),
        (org.assessment, Role.ASSESSOR),
    ]
    first.append((sso, Role.LEADER))  # the head of elderly care (ældrechef) sees the whole area
    first += [(d, Role.LEADER) for name, d in org.districts.items() if not name.endswith("Nord")]
    first += [(t, Role.SOSU_HELPER) for ts in org.home_care.values() for t in ts]
    first += [(t, Role.NURSE) for t in org.nursing.values()]
    first += [(t, Role.SOSU_ASSISTANT) for t in dict.fromkeys(org.support.values())]
    first += [(org.jobcentre, Role.ASSESSOR), (org.family, Role.ASSESSOR)]
    first = list(dict.fromkeys(first))

    slots: list[tuple[OrgUnit, str, float]] = []
    for teams in org.home_care.values():
        share = 0.56 / (len(org.home_care) * len(teams))
        slots += [(t, Role.SOSU_HELPER, share * 0.55) for t in teams]
        slots += [(t, Role.SOSU_ASSISTANT, share * 0.40) for t in teams]
        slots += [(t, Role.NURSE, share * 0.05) for t in teams]
    slots += [(t, Role.NURSE, 0.13 / len(org.nursing)) for t in org.nursing.values()]
    supports = list(dict.fromkeys(org.support.values()))
    slots += [(t, Role.SOSU_ASSISTANT, 0.10 / len(supports)) for t in supports]
    slots += [
        (org.training, Role.THERAPIST, 0.06),
        (org.assessment, Role.ASSESSOR, 0.03),
        (org.jobcentre, Role.ASSESSOR, 0.03),
        (org.family, Role.ASSESSOR, 0.03),
        (sso, Role.ADMINISTRATOR, 0.02),
    ]
    slots += [(d, Role.LEADER, 0.03 / len(org.districts)) for d in org.districts.values()]
    return first, slots


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    profession: str
    unit: OrgUnit
    role: str


def staff_specs(
    org: Organisation, *, count: int, slug: str, rng: random.Random, faker: Faker
) -> list[StaffSpec]:
    first, slots = _positions(org)
    chosen = first[:count]
    if count > len(chosen):
        picks = rng.choices(slots, weights=[w for _, _, w in slots], k=count - len(chosen))
        chosen += [(u, r) for u, r, _ in picks]
    specs: list[StaffSpec] = []
    for i, (unit, role) in enumerate(chosen, 1):
        female = rng.random() < (0.85 if role in (Role.SOSU_HELPER, Role.NURSE) else 0.6)
        profession = rng.choice(_PROFESSIONS[role])
        if unit.area == Area.DISABILITY_PSYCHIATRY and rng.random() < 0.5:
            profession = Profession.PEDAGOGUE
        if unit.area in (Area.EMPLOYMENT, Area.CHILDREN_FAMILY) and role == Role.ASSESSOR:
            profession = Profession.SOCIAL_WORKER
        specs.append(
            StaffSpec(
                username=f"{slug}-{i:04d}",
                first_name=faker.first_name_female() if female else faker.first_name_male(),
                last_name=faker.last_name(),
                profession=profession,
                unit=unit,
                role=role,
            )
        )
    return specs


def _responsible_unit(
    org: Organisation, plan: CitizenPlan, age: int, rng: random.Random
) -> OrgUnit:
    """The home-care team of the district for most; home nursing, bostøtte or family otherwise."""
    if age < 18:
        assert org.family is not None
        return org.family
    if age < 65 and rng.random() < 0.7:
        return org.support[plan.district]
    draw = rng.random()
    if draw < 0.08 and org.training is not None:  # in a time-limited rehabilitation course
        return org.training
    if draw < 0.35:
        return org.nursing[plan.district]
    return rng.choice(org.home_care[plan.district])


class TqdmProgress:
    """A `Progress` that draws one tqdm bar per label (on stderr), closed at its total."""

    def __init__(self, stream: Any, *, disable: bool | None = None) -> None:
        self.stream = stream
        self.disable = disable  # None: only on a terminal
        self.bars: dict[str, tqdm[Any]] = {}

    def __call__(self, label: str, done: int, total: int) -> None:
        bar = self.bars.get(label)
        if bar is None:
            bar = tqdm(
                total=total, desc=label, unit=" rækker", file=self.stream, disable=self.disable
            )
            self.bars[label] = bar
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


# --- The whole municipality ------------------------------------------------------------------


@dataclass(frozen=True)
class GenerationResult:
    municipality: Municipality
    rows: dict[str, int]  # what was written, by kind (including each stream)


def municipality_get_or_create(*, name: str, code: str | None = None) -> Municipality:
    """By kommunekode (given, or known for the name), else by name, else a new one."""
    place = PLACES.get(fold(name).replace(" ", "-"))
    code = code or (place.code if place else None)
    if code:
        found, _ = Municipality.objects.get_or_create(code=code, defaults={"name": name})
        return found
    existing = Municipality.objects.filter(name__iexact=name).first()
    if existing:
        return existing
    used = set(Municipality.objects.values_list("code", flat=True))
    free = next(f"{c:03d}" for c in range(999, 899, -1) if f"{c:03d}" not in used)
    return Municipality.objects.create(name=name, code=free)


_T = TypeVar("_T")


@transaction.atomic
def municipality_generate(
    *,
    municipality: Municipality,
    citizens: int,
    staff: int,
    years: int,
    seed: int,
    today: dt.date | None = None,
    run_streams: bool = True,
    progress: Progress = lambda _label, _done, _total: None,
) -> GenerationResult:
    """Fill `municipality` (idempotent for a seed); all or nothing (one transaction).

    Citizens are generated and written in batches, so memory stays bounded for 100,000.
    """
    today = today or timezone.localdate()
    if staff < len(Role):
        raise ValueError(f"At least {len(Role)} staff, one per role.")
    if citizens < 0 or years < 1 or today < BIRTH_ANCHOR:
        raise ValueError(f"citizens >= 0, years >= 1 and today >= {BIRTH_ANCHOR}.")
    slug = fold(municipality.name).replace(" ", "-") or municipality.code
    place = PLACES.get(slug)
    rows: dict[str, int] = defaultdict(int)

    org = organisation_build(municipality, staff=staff)
    specs = staff_specs(
        org,
        count=staff,
        slug=slug,
        rng=random.Random(f"{seed}:staff"),
        faker=_faker(seed * 2 + 1),
    )
    rows["staff"] = _staff_insert(municipality, specs, progress)

    staff_by_unit = _staff_by_unit(municipality)
    fallback = staff_by_unit["*" + Role.ASSESSOR] + staff_by_unit["*" + Role.NURSE]
    existing = set(Citizen.objects.for_municipality(municipality).values_list("cpr", flat=True))
    plans = citizen_plans(
        municipality,
        count=citizens,
        rng=random.Random(f"{seed}:citizens"),
        faker=_faker(seed * 2),
        place=place,
    )
    rng_assign = random.Random(f"{seed}:assign")
    new_citizens: list[Citizen] = []
    done = 0
    for batch in _batched(plans, BATCH):
        fresh = [p for p in batch if p.citizen.cpr not in existing]
        responsibilities: list[Responsibility] = []
        consents: list[Consent] = []
        for plan in fresh:
            responsibility = _responsibility(org, plan, rng_assign, today=today, years=years)
            responsibilities.append(responsibility)
            if plan.consent:
                carers = staff_by_unit.get(str(responsibility.unit.pk)) or fallback
                consents.append(_consent(plan, responsibility, rng_assign.choice(carers), today))
        Citizen.objects.bulk_create([p.citizen for p in fresh])
        Relative.objects.bulk_create([r for p in fresh for r in p.relatives])
        Consent.objects.bulk_create(consents)
        Responsibility.objects.bulk_create(responsibilities)
        rows["citizens"] += len(fresh)
        rows["relatives"] += sum(len(p.relatives) for p in fresh)
        rows["consents"] += len(consents)
        rows["responsibilities"] += len(responsibilities)
        if run_streams:
            new_citizens += [p.citizen for p in fresh]
        done += len(batch)
        progress("Borgere", done, citizens)

    if run_streams and new_citizens:
        ctx = DemoContext(
            municipality=municipality,
            rng=random.Random(f"{seed}:streams"),
            faker=_faker(seed * 2 + 2),
            today=today,
            years=years,
            citizens=new_citizens,
            staff_by_role=_staff_by_role(municipality),
            units_by_area=_units_by_area(org),
            progress=progress,
        )
        for stream in streams_all():
            rows[stream.name] = stream.generate(ctx)
    return GenerationResult(municipality, dict(rows))


def _batched(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    batch: list[_T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _responsibility(
    org: Organisation, plan: CitizenPlan, rng: random.Random, *, today: dt.date, years: int
) -> Responsibility:
    citizen = plan.citizen
    unit = _responsible_unit(org, plan, age_at_anchor(citizen.birth_date), rng)
    since = max(citizen.birth_date, today - dt.timedelta(days=rng.randint(0, 365 * years)))
    until = None
    if citizen.status != CitizenStatus.ACTIVE:
        citizen.status_date = since + dt.timedelta(days=rng.randint(0, (today - since).days))
        until = citizen.status_date
    return Responsibility(
        municipality=citizen.municipality,
        citizen=citizen,
        area=unit.area,
        unit=unit,
        since=since,
        until=until,
    )


def _consent(
    plan: CitizenPlan, responsibility: Responsibility, by: StaffMember, today: dt.date
) -> Consent:
    assert plan.consent is not None
    area, scope, basis, offset, withdrawn = plan.consent
    since, end = responsibility.since, responsibility.until or today
    given = since + dt.timedelta(days=offset % ((end - since).days + 1))
    return Consent(
        municipality=plan.citizen.municipality,
        citizen=plan.citizen,
        area=area,
        scope=scope,
        basis=basis,
        legal_basis=LEGAL_BASIS if basis == ConsentBasis.LEGAL else "",
        given_on=given,
        withdrawn_on=given + dt.timedelta(days=(end - given).days // 2) if withdrawn else None,
        withdrawn_by=by if withdrawn else None,
        recorded_by=by,
    )


def _faker(seed: int) -> Faker:
    faker = Faker("da_DK")
    faker.seed_instance(seed)
    return faker


def _staff_insert(municipality: Municipality, specs: list[StaffSpec], progress: Progress) -> int:
    """Users with an unusable password (no argon2 for hundreds of generated logins)."""
    taken = set(
        User.objects.filter(username__in=[s.username for s in specs]).values_list(
            "username", flat=True
        )
    )
    new = [s for s in specs if s.username not in taken]
    if not new:
        return 0
    domain = f"{fold(municipality.name).replace(' ', '')}.example.dk"
    users = [
        User(
            username=s.username,
            password=f"{UNUSABLE_PASSWORD_PREFIX}generated-demo-staff",
            first_name=s.first_name,
            last_name=s.last_name,
        )
        for s in new
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    user_ids = dict(
        User.objects.filter(username__in=[s.username for s in new]).values_list("username", "id")
    )
    members = [
        StaffMember(
            municipality=municipality,
            user_id=user_ids[s.username],
            first_name=s.first_name,
            last_name=s.last_name,
            profession=s.profession,
            email=f"{s.username}@{domain}",
        )
        for s in new
    ]
    StaffMember.objects.bulk_create(members, batch_size=BATCH)
    memberships = [
        Membership(municipality=municipality, staff=m, unit=s.unit, role=s.role, is_primary=True)
        for s, m in zip(new, members, strict=True)
    ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    progress("Medarbejdere", len(new), len(new))
    return len(new)


def _memberships(municipality: Municipality) -> list[Membership]:
    return list(
        Membership.objects.for_municipality(municipality)
        .filter(staff__is_active=True, unit__is_active=True)
        .select_related("staff", "unit")
        .order_by("staff__user__username", "unit__name", "role")
    )


def _staff_by_unit(municipality: Municipality) -> dict[str, list[StaffMember]]:
    """Unit id -> its staff, and "*<role>" -> everyone in that role (for a fallback)."""
    found: dict[str, list[StaffMember]] = defaultdict(list)
    for m in _memberships(municipality):
        found[str(m.unit_id)].append(m.staff)
        found["*" + m.role].append(m.staff)
    return found


def _staff_by_role(municipality: Municipality) -> dict[str, list[StaffMember]]:
    found: dict[str, list[StaffMember]] = {}
    for m in _memberships(municipality):
        people = found.setdefault(m.role, [])
        if m.staff not in people:
            people.append(m.staff)
    return found


def _units_by_area(org: Organisation) -> dict[str, list[OrgUnit]]:
    found: dict[str, list[OrgUnit]] = {}
    for unit in org.teams():
        found.setdefault(unit.area, []).append(unit)
    return found


def teams_per_area(org: Organisation) -> dict[str, int]:
    """How many teams each area has (for the command's summary and the tests)."""
    return {area: len(units) for area, units in _units_by_area(org).items()}
