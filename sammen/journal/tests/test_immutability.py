"""A journal entry is never changed or deleted: not through the ORM, not with raw SQL (the
database triggers), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from conftest import World
from sammen.citizens.models import Citizen
from sammen.journal.models import Entry, EntryImmutable
from sammen.journal.tests.factories import PERSONLIG_PLEJE, funktionsevne


@pytest.fixture
def entry(world: World, citizen: Citizen) -> Entry:
    return funktionsevne(world.actor(world.nurse), citizen, PERSONLIG_PLEJE, 2)


def _unchanged(entry: Entry) -> None:
    fresh = Entry.objects.get(pk=entry.pk)
    assert fresh.data["nuvaerende_niveau"] == 2
    assert Entry.objects.count() == 1


def test_save_of_an_existing_entry_is_refused(entry: Entry) -> None:
    entry.data = {**entry.data, "nuvaerende_niveau": 4}
    with pytest.raises(EntryImmutable):
        entry.save()
    fetched = Entry.objects.get(pk=entry.pk)
    with pytest.raises(EntryImmutable):
        fetched.save(update_fields=["data"])
    _unchanged(entry)


def test_delete_of_an_entry_is_refused(entry: Entry) -> None:
    with pytest.raises(EntryImmutable):
        entry.delete()
    _unchanged(entry)


@pytest.mark.parametrize(
    "call",
    [
        lambda qs: qs.update(status="entered_in_error"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_update(list(qs), ["status"]),
        lambda qs: qs.update_or_create(pk=None, defaults={}),
    ],
    ids=["update", "delete", "bulk_update", "update_or_create"],
)
def test_queryset_writes_are_refused(entry: Entry, call: object) -> None:
    with pytest.raises(EntryImmutable):
        call(Entry.objects.filter(pk=entry.pk))  # type: ignore[operator]
    with pytest.raises(EntryImmutable):
        call(entry.citizen.journal_entries.all())  # type: ignore[operator]
    _unchanged(entry)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE journal_entry SET status = 'entered_in_error'",
        "UPDATE journal_entry SET data = '{}' WHERE id = %s",
        "DELETE FROM journal_entry WHERE id = %s",
        "DELETE FROM journal_entry",
    ],
)
def test_raw_sql_update_and_delete_are_refused_by_the_database(entry: Entry, sql: str) -> None:
    params = [entry.pk.hex if connection.vendor == "sqlite" else entry.pk] if "%s" in sql else []
    with (
        pytest.raises(DatabaseError, match=r"append-only|permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    _unchanged(entry)


@pytest.mark.postgres_only
def test_truncate_is_refused_on_postgresql(entry: Entry) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with (
        pytest.raises(DatabaseError, match=r"append-only|permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # SET CONSTRAINTS first, so no pending FK check stands in the trigger's way.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE journal_entry CASCADE")
    _unchanged(entry)


def test_insert_still_works_and_the_database_keeps_every_row(
    world: World, citizen: Citizen, entry: Entry
) -> None:
    funktionsevne(world.actor(world.nurse), citizen, PERSONLIG_PLEJE, 3)
    assert Entry.objects.count() == 2
