"""The synthetic municipality in the database: sizes, roles, teams, responsibility, streams."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command

from sammen.citizens import selectors
from sammen.citizens.models import Citizen, Consent, Relative, Responsibility
from sammen.citizens.services import _search_fields
from sammen.core import demo_streams as streams
from sammen.core.demo_streams import DemoContext, stream_register
from sammen.demo.generator import (
    home_care_teams_per_district,
    municipality_generate,
    municipality_get_or_create,
)
from sammen.demo.population import DISTRICTS, is_fictitious_cpr
from sammen.organisation.models import (
    Area,
    Membership,
    Municipality,
    OrgUnit,
    Role,
    StaffMember,
    UnitKind,
)
from sammen.organisation.permissions import Permission, roles_with
from sammen.organisation.tests import factories as f

TODAY = dt.date(2026, 3, 2)


def _generate(name: str, *, citizens: int = 120, staff: int = 30, seed: int = 7) -> Municipality:
    municipality = municipality_get_or_create(name=name)
    municipality_generate(
        municipality=municipality,
        citizens=citizens,
        staff=staff,
        years=2,
        seed=seed,
        today=TODAY,
        run_streams=False,
    )
    return municipality


def _people(municipality: Municipality) -> list[tuple[str, str, str, str, str]]:
    return sorted(
        Citizen.objects.for_municipality(municipality).values_list(
            "cpr", "first_name", "last_name", "street", "postcode"
        )
    )


def _staff_names(municipality: Municipality) -> list[tuple[str, str, str]]:
    return sorted(
        Membership.objects.for_municipality(municipality).values_list(
            "staff__first_name", "staff__last_name", "role"
        )
    )


@pytest.mark.django_db
def test_same_seed_gives_the_same_municipality_and_another_seed_another() -> None:
    one, two, other = _generate("Testby"), _generate("Prøveby"), _generate("Andeby", seed=8)
    assert _people(one) == _people(two)
    assert _staff_names(one) == _staff_names(two)
    assert set(_people(one)).isdisjoint(_people(other))
    assert _staff_names(one) != _staff_names(other)


@pytest.mark.django_db
def test_sizes_roles_and_teams_per_area() -> None:
    municipality = _generate("Testby", citizens=150, staff=300)
    scoped = Citizen.objects.for_municipality(municipality)
    assert scoped.count() == 150
    assert StaffMember.objects.for_municipality(municipality).count() == 300
    roles = set(Membership.objects.for_municipality(municipality).values_list("role", flat=True))
    assert roles == set(Role.values)
    teams = OrgUnit.objects.for_municipality(municipality).filter(kind=UnitKind.TEAM)
    assert set(teams.values_list("area", flat=True)) == set(Area.values)
    per_district = home_care_teams_per_district(300)
    assert per_district == 2
    for district in DISTRICTS:
        home_care = teams.filter(parent__name=f"Hjemmepleje {district}")
        assert home_care.filter(name__startswith="Hjemmeplejen Team").count() == per_district
        assert home_care.filter(name=f"Hjemmesygeplejen {district}").exists()
    # Every team has staff; every unit sits where the tree allows it.
    assert not teams.filter(memberships__isnull=True).exists()
    assert not OrgUnit.objects.filter(kind=UnitKind.TEAM, parent__kind=UnitKind.TEAM).exists()
    # Generated staff cannot log in (no argon2 for hundreds of people).
    staff = StaffMember.objects.for_municipality(municipality).select_related("user")
    assert not any(s.user.has_usable_password() for s in staff)
    assert Relative.objects.for_municipality(municipality).count() > 100
    assert Consent.objects.for_municipality(municipality).exists()


@pytest.mark.django_db
def test_citizens_follow_the_cpr_rule_and_the_age_profile() -> None:
    municipality = _generate("Testby", citizens=200)
    citizens = list(Citizen.objects.for_municipality(municipality))
    for citizen in citizens:
        assert is_fictitious_cpr(citizen.cpr)
        assert citizen.cpr_birth_part == citizen.cpr[:6]
    ages = [c.age(TODAY) for c in citizens]
    assert sum(a >= 65 for a in ages) > len(ages) / 2


@pytest.mark.django_db
def test_each_citizen_has_a_team_of_their_area_responsible_for_them() -> None:
    municipality = _generate("Greve", citizens=200)
    assert municipality.code == "253"
    responsibilities = Responsibility.objects.for_municipality(municipality).select_related(
        "unit", "citizen"
    )
    per_citizen = Counter(r.citizen_id for r in responsibilities)
    assert len(per_citizen) == 200
    assert set(per_citizen.values()) == {1}
    for r in responsibilities:
        assert r.unit.kind == UnitKind.TEAM
        assert r.unit.area == r.area
        assert r.unit.municipality_id == municipality.pk
        if r.citizen.age(TODAY) >= 65:
            assert r.area == Area.ELDERLY_HEALTH
        assert (r.until is None) == (r.citizen.status == "active")
    home_care = [r for r in responsibilities if r.unit.name.startswith("Hjemmeplejen Team")]
    assert len(home_care) > 200 / 3


@pytest.mark.django_db
def test_search_columns_are_filled_as_services_fill_them_and_search_finds_people() -> None:
    municipality = _generate("Testby", citizens=50)
    citizen = Citizen.objects.for_municipality(municipality).order_by("cpr").first()
    assert citizen is not None
    values = {
        k: getattr(citizen, k)
        for k in ("first_name", "last_name", "street", "house_number", "postcode", "city")
    }
    assert _search_fields(values) == {
        "search_name": citizen.search_name,
        "search_address": citizen.search_address,
    }
    # Someone in the team responsible for the citizen (so any care-relation rule lets them).
    responsibility = Responsibility.objects.get(citizen=citizen)
    carer = (
        Membership.objects.filter(
            unit=responsibility.unit, role__in=roles_with(Permission.CITIZEN_READ)
        )
        .select_related("staff", "unit")
        .first()
    )
    assert carer is not None
    actor = f.actor_for(carer.staff, carer)
    found = selectors.citizen_search(actor=actor, query=citizen.cpr_formatted)
    assert found.citizens == [citizen]
    found = selectors.citizen_search(actor=actor, query=f"{citizen.first_name} {citizen.last_name}")
    assert citizen in found.citizens


@pytest.mark.django_db
def test_running_again_adds_nothing() -> None:
    municipality = _generate("Testby")
    counts = [
        model.objects.count()
        for model in (Citizen, Relative, Consent, Responsibility, StaffMember, Membership, OrgUnit)
    ]
    _generate("Testby")
    assert counts == [
        model.objects.count()
        for model in (Citizen, Relative, Consent, Responsibility, StaffMember, Membership, OrgUnit)
    ]
    assert Citizen.objects.for_municipality(municipality).count() == 120


@pytest.mark.django_db
def test_registered_streams_are_called_in_order_with_the_context(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(streams, "_STREAMS", {})
    calls: list[tuple[str, DemoContext]] = []

    def stream(name: str, rows: int) -> Any:
        def generate(ctx: DemoContext) -> int:
            calls.append((name, ctx))
            ctx.progress(name, rows, rows)
            return rows

        return generate

    stream_register("visits", order=30, generate=stream("visits", 5))
    stream_register("journal", order=20, generate=stream("journal", 7))
    progress: list[tuple[str, int, int]] = []
    municipality = municipality_get_or_create(name="Testby")
    result = municipality_generate(
        municipality=municipality,
        citizens=40,
        staff=20,
        years=3,
        seed=1,
        today=TODAY,
        progress=lambda *args: progress.append(args),
    )
    assert [name for name, _ in calls] == ["journal", "visits"]
    ctx = calls[0][1]
    assert calls[1][1] is ctx
    assert ctx.municipality == municipality
    assert (ctx.today, ctx.years) == (TODAY, 3)
    assert len(ctx.citizens) == 40
    assert all(c.pk for c in ctx.citizens)  # saved rows, usable as foreign keys
    assert set(ctx.staff_by_role) == set(Role.values)
    assert set(ctx.units_by_area) == set(Area.values)
    assert ("journal", 7, 7) in progress
    assert result.rows["journal"] == 7
    assert result.rows["visits"] == 5

    calls.clear()
    municipality_generate(
        municipality=municipality, citizens=40, staff=20, years=3, seed=1, today=TODAY
    )
    assert calls == []  # nothing new, so no stream writes twice


@pytest.mark.django_db
def test_the_make_run_path_is_idempotent_and_feeds_the_named_teams() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("demo_load", stdout=out, stderr=err)
    models = (Citizen, Relative, Consent, Responsibility, StaffMember, Membership, OrgUnit)
    counts = [model.objects.count() for model in models]
    call_command("demo_load", stdout=out, stderr=err)
    assert counts == [model.objects.count() for model in models]
    greve = Municipality.objects.get(code="253")
    assert Citizen.objects.for_municipality(greve).count() == 200
    responsible = set(
        Responsibility.objects.for_municipality(greve).values_list("unit__name", flat=True)
    )
    assert {"Hjemmeplejen Team Nord A", "Hjemmesygeplejen Nord", "Bostøtteteam Øst"} <= responsible
    # The named demo units were reused, not duplicated.
    assert OrgUnit.objects.filter(municipality=greve, name="Hjemmeplejen Team Nord A").count() == 1
    cprs = Citizen.objects.values_list("cpr", flat=True)
    output = out.getvalue() + err.getvalue()
    assert not any(cpr in output or cpr[:6] + "-" + cpr[6:] in output for cpr in cprs)


@pytest.mark.django_db
def test_command_prints_no_cpr_number_and_checks_its_arguments() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "demo_municipality",
        "--name=Testby",
        "--citizens=30",
        "--staff=12",
        "--seed=4",
        "--today=2026-03-02",
        stdout=out,
        stderr=err,
    )
    assert "citizens: 30" in out.getvalue()
    output = out.getvalue() + err.getvalue()
    for cpr in Citizen.objects.values_list("cpr", flat=True):
        assert cpr not in output
        assert cpr[:6] + "-" + cpr[6:] not in output
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="mindst"):
        call_command("demo_municipality", "--name=Testby", "--staff=3", stdout=out, stderr=err)


@pytest.mark.django_db
def test_municipality_lookup_by_known_code_name_or_a_free_code() -> None:
    greve = municipality_get_or_create(name="Greve")
    assert (greve.code, greve.name) == ("253", "Greve")
    assert municipality_get_or_create(name="Greve") == greve
    made_up = municipality_get_or_create(name="Andeby")
    assert made_up.code.startswith("9")
    assert municipality_get_or_create(name="andeby") == made_up


@pytest.mark.django_db
def test_a_generated_history_seals_and_verifies_clean() -> None:
    """The demo's access history and journal (streams on) hold nothing later than now, so the
    first seal covers them and the verifier finds no fault."""
    import time_machine
    from django.utils import timezone

    from sammen.access.sealing import access_log_seal, access_log_verify

    noon = dt.datetime.combine(TODAY, dt.time(6, 0), tzinfo=dt.UTC)
    with time_machine.travel(noon, tick=False):
        municipality_generate(
            municipality=municipality_get_or_create(name="Forseglby"),
            citizens=40,
            staff=20,
            years=1,
            seed=3,
            today=TODAY,
            run_streams=True,
        )
        assert access_log_seal(now=timezone.now()) is not None
        assert [str(p) for p in access_log_verify()] == []
