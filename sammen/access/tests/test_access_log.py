"""The access log: append-only on both databases, hash chain finds tampering."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from conftest import World
from sammen.access.log import access_log_record, access_log_verify
from sammen.access.models import AccessLogEntry, ChangeLogEntry
from sammen.citizens.tests.factories import citizen_create

TABLE = AccessLogEntry._meta.db_table


@pytest.fixture
def logged(world: World) -> list[AccessLogEntry]:
    actor = world.actor(world.nurse)
    citizens = [citizen_create(world.greve, "Borger", f"Nr{i}") for i in range(5)]
    rows: list[AccessLogEntry] = []
    for c in citizens:
        rows += access_log_record(actor=actor, citizen_ids=[c.pk], operation="view")
    return rows


def test_chain_verifies_when_untouched(logged: list[AccessLogEntry]) -> None:
    assert list(access_log_verify()) == []


def _raw(sql: str, params: list[Any] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {TABLE} SET operation = 'export'",
        f"DELETE FROM {TABLE}",
    ],
)
def test_raw_update_and_delete_are_refused(logged: list[AccessLogEntry], sql: str) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(sql)
    assert AccessLogEntry.objects.count() == len(logged)


def test_orm_update_and_delete_are_refused(logged: list[AccessLogEntry]) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(seq=logged[0].seq).update(role="leder")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(seq=logged[0].seq).delete()


def test_change_log_is_append_only(world: World) -> None:
    from sammen.citizens import services

    citizen = citizen_create(world.greve)
    services.citizen_set_status(
        actor=world.actor(world.nurse),
        citizen=citizen,
        status="moved_away",
        on=citizen.birth_date.replace(year=2020),
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        ChangeLogEntry.objects.update(action="x")


def _drop_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        else:
            cursor.execute(f"DROP TRIGGER {TABLE}_append_only_upd")
            cursor.execute(f"DROP TRIGGER {TABLE}_append_only_del")


def _problems() -> list[str]:
    return [str(p) for p in access_log_verify()]


@pytest.mark.django_db(transaction=True)
class TestTamperingWithTriggersDropped:
    """A superuser bypasses the triggers; the chain still names the first broken row.

    The triggers are put back after each test by the root conftest's teardown hook.
    """

    def test_altered_row(self, logged: list[AccessLogEntry]) -> None:
        _drop_triggers()
        _raw(f"UPDATE {TABLE} SET role = 'leder' WHERE seq = %s", [logged[2].seq])
        problems = _problems()
        assert problems
        assert f"seq={logged[2].seq}" in problems[0]
        assert "ændret" in problems[0]

    def test_removed_row(self, logged: list[AccessLogEntry]) -> None:
        _drop_triggers()
        _raw(f"DELETE FROM {TABLE} WHERE seq = %s", [logged[1].seq])
        problems = _problems()
        assert problems
        assert f"seq={logged[2].seq}" in problems[0]

    def test_removed_last_row(self, logged: list[AccessLogEntry]) -> None:
        _drop_triggers()
        _raw(f"DELETE FROM {TABLE} WHERE seq = %s", [logged[-1].seq])
        assert any("sidste række mangler" in p for p in _problems())

    def test_inserted_row(self, logged: list[AccessLogEntry]) -> None:
        _drop_triggers()
        forged = AccessLogEntry.objects.get(seq=logged[2].seq)
        forged.seq = None
        forged.pk = None
        forged.chain_seq = logged[-1].chain_seq + 1
        forged.save()
        assert _problems()

    def test_reordered_rows(self, logged: list[AccessLogEntry]) -> None:
        _drop_triggers()
        a, b = logged[1], logged[3]
        field = AccessLogEntry._meta.get_field("citizen_id")
        a_id = field.get_db_prep_value(a.citizen_id, connection)
        b_id = field.get_db_prep_value(b.citizen_id, connection)
        _raw(
            f"UPDATE {TABLE} SET citizen_id = CASE WHEN seq = %s THEN %s ELSE %s END "
            f"WHERE seq IN (%s, %s)",
            [a.seq, b_id, a_id, a.seq, b.seq],
        )
        problems = _problems()
        assert problems
        assert f"seq={a.seq}" in problems[0]


def test_fail_closed_no_log_row_no_data_and_no_change(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SECURITY.md T09(3): if the access-log row cannot be written, nothing is served and a
    write rolls back with it."""
    from sammen.access import log
    from sammen.citizens import services

    citizen = citizen_create(world.greve, "Skjult", "Borger")

    def broken(**kwargs: Any) -> None:
        raise DatabaseError("audit store unavailable")

    monkeypatch.setattr(log, "_append", broken)
    client = world.client(world.nurse)
    client.raise_request_exception = False
    response = client.get(f"/borgere/{citizen.pk}/")
    assert response.status_code == 500
    assert "Skjult" not in response.content.decode()
    with pytest.raises(DatabaseError):
        services.citizen_set_status(
            actor=world.actor(world.nurse),
            citizen=citizen,
            status="moved_away",
            on=citizen.birth_date.replace(year=2024),
        )
    citizen.refresh_from_db()
    assert citizen.status == "active"
    assert not ChangeLogEntry.objects.filter(citizen_id=citizen.pk).exists()
