"""Templates and value sets are cached per process by the loaded version (core.refcache):
a newly loaded version is seen by the very next request, never a stale one."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import World
from sammen.citizens.models import Citizen
from sammen.core import refcache
from sammen.journal import selectors
from sammen.journal.loader import TEMPLATES_DIR, TERMINOLOGY_DIR
from sammen.journal.tests.factories import citizen_create
from sammen.terminology.loader import LoadResult
from sammen.terminology.selectors import value_sets_get


def _note_form(citizen: Citizen) -> str:
    return reverse(
        "journal:entry_create",
        kwargs={"citizen_id": citizen.pk, "template_key": "fsiii-fagligt-notat"},
    )


def test_a_new_template_version_is_seen_by_the_next_request(
    world: World, citizen: Citizen, tmp_path: Path
) -> None:
    client = world.client(world.nurse)
    before = client.get(_note_form(citizen))
    assert before.status_code == 200
    assert "Fagligt notat" in before.text
    assert "Sygeplejefagligt notat" not in before.text
    doc = json.loads((TEMPLATES_DIR / "fsiii-fagligt-notat.v1.json").read_text())
    doc.update(version=2, title="Sygeplejefagligt notat")
    path = tmp_path / "fsiii-fagligt-notat.v2.json"
    path.write_text(json.dumps(doc))
    call_command("documentation_load", str(path), stdout=StringIO())
    after = client.get(_note_form(citizen))
    assert after.status_code == 200
    assert "Sygeplejefagligt notat" in after.text
    assert selectors.template_current(key="fsiii-fagligt-notat").version == 2  # type: ignore[union-attr]


def test_a_changed_value_set_is_seen_at_once(content: LoadResult, tmp_path: Path) -> None:
    doc = json.loads((TERMINOLOGY_DIR / "valuesets-2026.1.json").read_text())
    spec = next(v for v in doc["value_sets"] if v["key"] == "fsiii-tilstande")
    assert value_sets_get(keys=["fsiii-tilstande"])["fsiii-tilstande"].title == spec["title"]
    changed = {**doc, "version": "2026.2", "value_sets": [{**spec, "title": "Nye tilstande"}]}
    path = tmp_path / "valuesets-2026.2.json"
    path.write_text(json.dumps(changed))
    call_command("documentation_load", str(path), stdout=StringIO())
    assert value_sets_get(keys=["fsiii-tilstande"])["fsiii-tilstande"].title == "Nye tilstande"


def test_the_cache_holds_nothing_of_a_municipality(world: World, content: LoadResult) -> None:
    """Both municipalities get the same reference objects; citizen data never goes in."""
    greve = citizen_create(world.home_care_team)
    solrod = citizen_create(world.solrod_team)
    for staff, citizen in ((world.nurse, greve), (world.foreign_nurse, solrod)):
        assert world.client(staff).get(_note_form(citizen)).status_code == 200
    cached = refcache._store["values"]
    assert "journal.templates" in cached
    assert set(cached) <= {"journal.templates", "journal.areas", "terminology.value_sets"}
    for value in cached.values():
        items = list(value.values()) if isinstance(value, dict) else list(value)
        assert items
        assert not any(hasattr(item, "municipality_id") for item in items)


def test_a_reference_scope_reads_the_stamp_once_and_a_new_scope_again(content: LoadResult) -> None:
    """Outside a request (a task, a benchmark) `reference_scope` sees one version throughout,
    as a request does; the next scope reads the stamp afresh."""

    def stamps(queries: list[dict[str, str]]) -> int:
        return sum(1 for q in queries if 'MAX("updated_at")' in q["sql"])

    selectors.templates_active()
    with CaptureQueriesContext(connection) as ctx, refcache.reference_scope():
        selectors.templates_active()
        selectors.areas_all()
        with refcache.reference_scope():
            selectors.templates_active()
    assert stamps(ctx.captured_queries) == 1
    with CaptureQueriesContext(connection) as ctx:
        with refcache.reference_scope():
            selectors.templates_active()
        selectors.templates_active()
    assert stamps(ctx.captured_queries) == 2
