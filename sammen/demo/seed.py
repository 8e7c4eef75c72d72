"""The small, fixed demo used by `make run`: two municipalities, two areas, every role.

`demo_seed` creates the named demo logins; `demo_population` then gives Greve a small generated
population (citizens, relatives, consents, more staff and teams) with the synthetic-municipality
generator, on top of the same organisation tree, so the named logins' teams are responsible
for citizens. All people are fictitious. Running either again changes nothing (idempotent by
kommunekode, username and CPR number), so `make run` can be repeated safely.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from sammen.citizens.models import CitizenAccount, Responsibility
from sammen.demo.generator import GenerationResult, Progress, municipality_generate
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

DEMO_PASSWORD = "Sammen-demo-2026"  # noqa: S105 - printed for the local demo on purpose
# The generated population `make run` gives Greve: seconds to make, the same on every run.
DEMO_CITIZENS, DEMO_STAFF, DEMO_YEARS, DEMO_SEED = 200, 40, 2, 2026


@dataclass(frozen=True)
class DemoLogin:
    username: str
    name: str
    role: str
    unit: str


# (unit key, name, kind, area, parent key)
UNITS: list[tuple[str, str, str, str, str | None]] = [
    ("sso", "Social, Sundhed og Ældre", UnitKind.ADMINISTRATION, Area.ELDERLY_HEALTH, None),
    ("hp_nord", "Hjemmepleje Nord", UnitKind.DISTRICT, Area.ELDERLY_HEALTH, "sso"),
    ("team_nord_a", "Hjemmeplejen Team Nord A", UnitKind.TEAM, Area.ELDERLY_HEALTH, "hp_nord"),
    ("hjemmesyg", "Hjemmesygeplejen Nord", UnitKind.TEAM, Area.ELDERLY_HEALTH, "hp_nord"),
    ("traening", "Træning og Rehabilitering", UnitKind.TEAM, Area.ELDERLY_HEALTH, "sso"),
    ("visitation", "Visitationen", UnitKind.TEAM, Area.ELDERLY_HEALTH, "sso"),
    ("hp", "Handicap og Psykiatri", UnitKind.ADMINISTRATION, Area.DISABILITY_PSYCHIATRY, None),
    ("bostotte", "Bostøtte", UnitKind.DISTRICT, Area.DISABILITY_PSYCHIATRY, "hp"),
    ("bostotte_team", "Bostøtteteam Øst", UnitKind.TEAM, Area.DISABILITY_PSYCHIATRY, "bostotte"),
]

# (username, first, last, profession, [(unit key, role)])
STAFF: list[tuple[str, str, str, str, list[tuple[str, str]]]] = [
    (
        "sosu-hjaelper",
        "Mette",
        "Sørensen",
        Profession.SOSU_HELPER,
        [("team_nord_a", Role.SOSU_HELPER)],
    ),
    (
        "sosu-assistent",
        "Ali",
        "Hansen",
        Profession.SOSU_ASSISTANT,
        [("team_nord_a", Role.SOSU_ASSISTANT)],
    ),
    (
        "sygeplejerske",
        "Birgitte",
        "Lund",
        Profession.NURSE,
        [("hjemmesyg", Role.NURSE), ("team_nord_a", Role.NURSE)],
    ),
    ("terapeut", "Jonas", "Kristensen", Profession.PHYSIOTHERAPIST, [("traening", Role.THERAPIST)]),
    ("visitator", "Hanne", "Mortensen", Profession.NURSE, [("visitation", Role.ASSESSOR)]),
    ("leder", "Peter", "Jørgensen", Profession.MANAGER, [("hp_nord", Role.LEADER)]),
    (
        "bostoette",
        "Sara",
        "Nielsen",
        Profession.PEDAGOGUE,
        [("bostotte_team", Role.SOSU_ASSISTANT)],
    ),
    ("direktion", "Lone", "Rasmussen", Profession.MANAGER, [("sso", Role.DIRECTOR)]),
    ("politiker", "Kim", "Thomsen", Profession.POLITICIAN, [("sso", Role.POLITICIAN)]),
    ("admin", "Anders", "Berg", Profession.ADMINISTRATIVE, [("sso", Role.ADMINISTRATOR)]),
    # A role with permissions needs a second administrator's approval (four eyes).
    ("admin2", "Susanne", "Dahl", Profession.ADMINISTRATIVE, [("sso", Role.ADMINISTRATOR)]),
]

# A second municipality, so that isolation between tenants can be seen in the demo.
OTHER = ("Solrød", "269", [("solrod-sygeplejerske", "Eva", "Holm", Profession.NURSE)])


@transaction.atomic
def demo_seed(progress: Callable[[str], None] = lambda _msg: None) -> list[DemoLogin]:
    municipality, created = Municipality.objects.get_or_create(
        code="253", defaults={"name": "Greve"}
    )
    progress(("Opretter" if created else "Findes allerede:") + f" {municipality}")
    units: dict[str, OrgUnit] = {}
    for key, name, kind, area, parent_key in UNITS:
        parent = units[parent_key] if parent_key else None
        units[key], _ = OrgUnit.objects.get_or_create(
            municipality=municipality,
            parent=parent,
            name=name,
            defaults={"kind": kind, "area": area},
        )
    logins: list[DemoLogin] = []
    for username, first, last, profession, memberships in STAFF:
        staff = _staff(municipality, username, first, last, profession)
        for i, (unit_key, role) in enumerate(memberships):
            Membership.objects.get_or_create(
                municipality=municipality,
                staff=staff,
                unit=units[unit_key],
                role=role,
                defaults={"is_primary": i == 0},
            )
        first_unit, first_role = memberships[0]
        logins.append(
            DemoLogin(
                username, staff.full_name, str(Role(first_role).label), units[first_unit].name
            )
        )

    name, code, people = OTHER
    other, _ = Municipality.objects.get_or_create(code=code, defaults={"name": name})
    admin_unit, _ = OrgUnit.objects.get_or_create(
        municipality=other,
        parent=None,
        name="Sundhed og Omsorg",
        defaults={"kind": UnitKind.ADMINISTRATION, "area": Area.ELDERLY_HEALTH},
    )
    team, _ = OrgUnit.objects.get_or_create(
        municipality=other,
        parent=admin_unit,
        name="Hjemmesygeplejen",
        defaults={"kind": UnitKind.TEAM, "area": Area.ELDERLY_HEALTH},
    )
    for username, first, last, profession in people:
        staff = _staff(other, username, first, last, profession)
        Membership.objects.get_or_create(
            municipality=other,
            staff=staff,
            unit=team,
            role=Role.NURSE,
            defaults={"is_primary": True},
        )
        logins.append(DemoLogin(username, staff.full_name, str(Role.NURSE.label), team.name))
    progress(f"{len(logins)} demo-logins klar")
    return logins


def demo_population(
    *, citizens: int = DEMO_CITIZENS, progress: Progress = lambda _label, _done, _total: None
) -> GenerationResult:
    """Greve's generated citizens and extra staff (run `demo_seed` first); idempotent."""
    greve = Municipality.objects.get(code="253")
    return municipality_generate(
        municipality=greve,
        citizens=citizens,
        staff=DEMO_STAFF,
        years=DEMO_YEARS,
        seed=DEMO_SEED,
        progress=progress,
    )


def _staff(
    municipality: Municipality, username: str, first: str, last: str, profession: str
) -> StaffMember:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD)
    staff, _ = StaffMember.objects.get_or_create(
        user=user,
        defaults={
            "municipality": municipality,
            "first_name": first,
            "last_name": last,
            "profession": profession,
        },
    )
    return staff


def demo_citizen_login() -> DemoLogin | None:
    """A citizen's own demo login ("borger"), for "Hvem har set mine oplysninger?" (MitID
    replaces it). The citizen is one that Hjemmeplejen Team Nord A cares for; idempotent."""

    account = CitizenAccount.objects.select_related("citizen").filter(user__username="borger")
    if (existing := account.first()) is not None:
        return DemoLogin("borger", existing.citizen.full_name, "Borger", "Min side")
    responsibility = (
        Responsibility.objects.filter(
            municipality__code="253", unit__name="Hjemmeplejen Team Nord A", until__isnull=True
        )
        .select_related("citizen")
        .order_by("citizen__cpr")
        .first()
    )
    if responsibility is None:
        return None
    user = User.objects.create_user(username="borger", password=DEMO_PASSWORD)
    CitizenAccount.objects.create(user=user, citizen=responsibility.citizen)
    return DemoLogin("borger", responsibility.citizen.full_name, "Borger", "Min side")
