"""The overview (borgerblik) against a hand-built history; history timeline; query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import World
from sammen.access.models import AccessLogEntry
from sammen.citizens.models import Citizen
from sammen.core.errors import Forbidden, NotFound
from sammen.journal import selectors, services
from sammen.journal.selectors import JournalOverview
from sammen.journal.tests.factories import (
    EGENOMSORG,
    ERNAERING,
    LAVE_MAD,
    MESTRING,
    MOBILITET,
    PERSONLIG_PLEJE,
    PRAKTISKE_OPGAVER,
    TRYKSAAR,
    citizen_create,
    consent_give,
    funktionsevne,
    helbred,
    note,
)


def _items(o: JournalOverview) -> dict[str, Any]:
    return {i.choice.code: i for s in o.sections for g in s.groups for i in g.items}


def _level(o: JournalOverview, code: str) -> Any:
    current = _items(o)[code].current
    return None if current is None else current.entry.data.get("nuvaerende_niveau")


@pytest.fixture
def history(world: World, citizen: Citizen) -> dict[str, Any]:
    """Personlig pleje: 1 (60 d) -> 2 (30 d) -> 3 (10 d, then corrected to 4).
    Lave mad: 2 (20 d) -> 0 (5 d, fejlregistrering) => current is the 2 from 20 days ago.
    Mobilitet: written today but refers to 90 days ago, older than a 2 from 40 days ago.
    Tryksår: aktuelt (15 d). Notes on Personlig pleje and Tryksår."""
    helper, nurse = world.actor(world.sosu_helper), world.actor(world.nurse)
    funktionsevne(helper, citizen, PERSONLIG_PLEJE, 1, days_ago=60)
    funktionsevne(helper, citizen, PERSONLIG_PLEJE, 2, days_ago=30)
    wrong = funktionsevne(helper, citizen, PERSONLIG_PLEJE, 3, days_ago=10)
    fixed = services.entry_correct(
        actor=nurse,
        entry_id=wrong.pk,
        data={"tilstand": PERSONLIG_PLEJE, "nuvaerende_niveau": 4},
        reason="Forkert niveau",
    )
    mad = funktionsevne(helper, citizen, LAVE_MAD, 2, days_ago=20)
    error = funktionsevne(helper, citizen, LAVE_MAD, 0, days_ago=5)
    services.entry_mark_in_error(actor=nurse, entry_id=error.pk, reason="Forkert borger")
    funktionsevne(helper, citizen, MOBILITET, 2, days_ago=40)
    funktionsevne(helper, citizen, MOBILITET, 1, days_ago=90)
    tryk = helbred(nurse, citizen, TRYKSAAR, days_ago=15)
    note(helper, citizen, PERSONLIG_PLEJE, "Ømme fødder", days_ago=2)
    note(nurse, citizen, TRYKSAAR, "Sår på hæl, 2x2 cm", days_ago=1)
    return {"fixed": fixed, "mad": mad, "tryk": tryk}


def test_current_state_is_the_latest_valid_version_of_each_item(
    world: World, citizen: Citizen, history: dict[str, Any]
) -> None:
    o = selectors.journal_overview(actor=world.actor(world.nurse), citizen_id=citizen.pk)
    assert _level(o, PERSONLIG_PLEJE) == 4  # the correction, not the corrected 3
    assert _items(o)[PERSONLIG_PLEJE].current.entry == history["fixed"]
    assert _items(o)[LAVE_MAD].current.entry == history["mad"]  # fejlregistrering skipped
    assert _level(o, MOBILITET) == 2  # by the time it refers to, not the time written
    assert _items(o)[TRYKSAAR].current.entry == history["tryk"]
    assert _items(o)[TRYKSAAR].current.summary[0].value == "Aktuelt problem"
    assert _items(o)[ERNAERING].current is None
    assert _items(o)[MESTRING].current is None  # generelle oplysninger are listed too
    assert [n.entry.data["notat"] for n in o.notes] == ["Sår på hæl, 2x2 cm", "Ømme fødder"]
    titles = [s.template.title for s in o.sections]
    assert titles[:3] == ["Generelle oplysninger", "Funktionsevnetilstand", "Helbredstilstand"]
    groups = [g.title for g in o.sections[1].groups]
    assert groups[:2] == ["Egenomsorg", "Praktiske opgaver"]


def test_changes_since_a_date_compare_with_the_state_then(
    world: World, citizen: Citizen, history: dict[str, Any]
) -> None:
    since = timezone.localdate() - dt.timedelta(days=25)
    o = selectors.journal_overview(
        actor=world.actor(world.nurse), citizen_id=citizen.pk, since=since
    )
    changed = {i.choice.code: i for i in o.changes}
    assert set(changed) == {PERSONLIG_PLEJE, LAVE_MAD, TRYKSAAR}
    personal = changed[PERSONLIG_PLEJE]
    assert personal.before is not None
    assert personal.current is not None
    assert personal.before.entry.data["nuvaerende_niveau"] == 2
    assert personal.current.entry.data["nuvaerende_niveau"] == 4
    assert changed[LAVE_MAD].before is None  # new since then
    assert MOBILITET not in changed


def test_filter_by_area(world: World, citizen: Citizen, history: dict[str, Any]) -> None:
    nurse = world.actor(world.nurse)
    o = selectors.journal_overview(actor=nurse, citizen_id=citizen.pk, area=PRAKTISKE_OPGAVER)
    assert [s.template.key for s in o.sections] == ["fsiii-funktionsevnetilstand"]
    assert {i.choice.group_code for i in _items(o).values()} == {PRAKTISKE_OPGAVER}
    whole = selectors.journal_overview(actor=nurse, citizen_id=citizen.pk, area="area:fsiii")
    assert len(whole.sections) == 3
    assert EGENOMSORG in {opt.value for opt in whole.area_options}


def test_item_history_shows_every_version_newest_first(
    world: World, citizen: Citizen, history: dict[str, Any]
) -> None:
    h = selectors.item_history(
        actor=world.actor(world.nurse), citizen_id=citizen.pk, code=PERSONLIG_PLEJE
    )
    assert h.title == "Personlig pleje"
    rows = [
        (r.view.entry.template.kind, r.view.entry.data.get("nuvaerende_niveau"), r.replaced)
        for r in h.rows
    ]
    assert rows == [
        ("note", None, False),
        ("state", 4, False),
        ("state", 3, True),  # corrected, still readable
        ("state", 2, False),
        ("state", 1, False),
    ]


def test_reads_are_logged_as_journal_and_scoped(
    world: World, citizen: Citizen, history: dict[str, Any]
) -> None:
    before = AccessLogEntry.objects.filter(object_type="journal", operation="view").count()
    selectors.journal_overview(actor=world.actor(world.nurse), citizen_id=citizen.pk)
    after = AccessLogEntry.objects.filter(object_type="journal", operation="view").count()
    assert after == before + 1
    with pytest.raises(NotFound):
        selectors.journal_overview(actor=world.actor(world.foreign_nurse), citizen_id=citizen.pk)
    for who in ("director", "politician", "administrator"):
        with pytest.raises(Forbidden):
            selectors.journal_overview(
                actor=world.actor(getattr(world, who)), citizen_id=citizen.pk
            )
    with pytest.raises(NotFound):
        selectors.entry_versions(
            actor=world.actor(world.foreign_nurse), entry_id=history["fixed"].pk
        )


def test_the_overview_needs_the_same_number_of_queries_for_a_long_history(
    world: World, citizen: Citizen
) -> None:
    nurse = world.actor(world.nurse)
    other = citizen_create(world.home_care_team)

    def count(c: Citizen) -> int:
        since = timezone.localdate() - dt.timedelta(days=30)
        with CaptureQueriesContext(connection) as queries:
            selectors.journal_overview(actor=nurse, citizen_id=c.pk, since=since)
        return len(queries)

    funktionsevne(nurse, other, LAVE_MAD, 1)
    count(other)  # templates and value sets are cached per process (core.refcache)
    short = count(other)
    for day, level in enumerate([0, 1, 2, 3, 4, 9, 2, 1, 3, 2, 4, 1]):
        funktionsevne(nurse, citizen, PERSONLIG_PLEJE, level, days_ago=100 - day)
        funktionsevne(nurse, citizen, LAVE_MAD, level, days_ago=100 - day)
        note(nurse, citizen, PERSONLIG_PLEJE, f"Notat {day}", days_ago=100 - day)
    helbred(nurse, citizen, TRYKSAAR)
    assert count(citizen) == short
    assert short <= 25, short


def test_another_areas_journal_read_by_consent_is_logged_with_that_purpose(
    world: World, citizen: Citizen
) -> None:
    from sammen.citizens.models import Responsibility
    from sammen.organisation.models import Area as MunicipalArea
    from sammen.organisation.models import Role
    from sammen.organisation.tests import factories as f

    social = f.unit_create(world.greve, "Bostøtte", area=MunicipalArea.DISABILITY_PSYCHIATRY)
    worker = f.actor_for(f.staff_create(social, Role.SOSU_ASSISTANT))
    Responsibility.objects.create(
        municipality=world.greve,
        citizen=citizen,
        area=social.area,
        unit=social,
        since=dt.date(2024, 1, 1),
    )
    selectors.journal_overview(actor=worker, citizen_id=citizen.pk)
    assert not AccessLogEntry.objects.filter(purpose="consent").exists()
    consent_give(world, citizen, MunicipalArea.DISABILITY_PSYCHIATRY)
    selectors.journal_overview(actor=worker, citizen_id=citizen.pk)
    rows = AccessLogEntry.objects.filter(purpose="consent", citizen_id=citizen.pk)
    assert rows.count() == 1
    assert rows.get().criterion.startswith("område:")
