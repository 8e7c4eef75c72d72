"""The access log (SECURITY.md T09, T10, T12): append-only for the app's own database role,
sealed by signed checkpoints kept outside the database, and every way an insider with a
superuser login can rewrite it is named by `access_log_verify`, first bad row first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from conftest import World
from sammen.access.log import Logged, access_log_record
from sammen.access.models import (
    AccessLogEntry,
    ChangeLogEntry,
    Checkpoint,
    CitizenAccessRecord,
)
from sammen.access.sealing import SealRefused, access_log_seal, access_log_verify
from sammen.access.tests.insider import insider
from sammen.citizens.tests.factories import citizen_create

TABLE = AccessLogEntry._meta.db_table
COPY = CitizenAccessRecord._meta.db_table


@pytest.fixture
def logged(world: World) -> list[Logged]:
    actor = world.actor(world.nurse)
    citizens = [citizen_create(world.greve, "Borger", f"Nr{i}") for i in range(6)]
    rows: list[Logged] = []
    for c in citizens:
        rows += access_log_record(actor=actor, citizen_ids=[c.pk], operation="view")
    return rows


@pytest.fixture
def sealed(logged: list[Logged]) -> Checkpoint:
    checkpoint = access_log_seal()
    assert checkpoint is not None
    return checkpoint


def _problems() -> list[str]:
    return [str(p) for p in access_log_verify()]


def _raw(sql: str, params: list[Any] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


# --- What the app itself can do ----------------------------------------------------------------


@pytest.mark.parametrize(
    "sql", [f"UPDATE {TABLE} SET operation = 'export'", f"DELETE FROM {TABLE}"]
)
def test_raw_update_and_delete_are_refused(logged: list[Logged], sql: str) -> None:
    with pytest.raises(DatabaseError, match=r"append-only|permission denied"):
        _raw(sql)
    assert AccessLogEntry.objects.count() == len(logged)


def test_orm_update_and_delete_are_refused(logged: list[Logged]) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(seq=logged[0].seq).update(role="leder")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(seq=logged[0].seq).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        CitizenAccessRecord.objects.all().delete()


def test_checkpoints_are_append_only(sealed: Checkpoint) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        Checkpoint.objects.update(signature="00")
    with pytest.raises(DatabaseError), transaction.atomic():
        Checkpoint.objects.all().delete()
    assert Checkpoint.objects.get().signature == sealed.signature


def test_change_log_is_append_only(world: World) -> None:
    from sammen.citizens import services

    citizen = citizen_create(world.greve)
    services.citizen_set_status(
        actor=world.actor(world.nurse),
        citizen=citizen,
        status="moved_away",
        on=citizen.birth_date.replace(year=2020),
    )
    assert ChangeLogEntry.objects.exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        ChangeLogEntry.objects.update(action="x")


@pytest.mark.postgres_only
def test_the_suite_runs_as_the_app_role(logged: list[Logged]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL roles")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == "sammen_app"


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {TABLE} SET role = 'x'",
        f"DELETE FROM {TABLE}",
        f"TRUNCATE {TABLE}",
        f"DELETE FROM {COPY}",
        "UPDATE access_checkpoint SET signature = '00'",
        "DELETE FROM journal_entry",
        f"ALTER TABLE {TABLE} DISABLE TRIGGER USER",
        f"DROP TRIGGER {TABLE}_append_only_del ON {TABLE}",
        "SET ROLE postgres",
        "SET ROLE sammen_retention",
        "SET session_replication_role = replica",
        f"INSERT INTO {TABLE} (seq) VALUES (1000000000000)",
    ],
)
def test_a_login_as_the_app_role_cannot_rewrite_the_log(db: None, sql: str) -> None:
    """A real login as sammen_app (what production uses), not the test's SET ROLE."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL roles")
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    params["user"] = "sammen_app"
    with (
        psycopg.connect(**params, autocommit=True) as login,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        login.execute(sql)


# --- Sealing and the copy outside the database ----------------------------------------------


def test_untouched_sealed_log_verifies(sealed: Checkpoint, logged: list[Logged]) -> None:
    assert _problems() == []
    statement = json.loads(sealed.statement)
    assert statement["streams"]["access_log"]["count"] == len(logged)
    assert statement["streams"]["citizen_log"]["count"] == len(logged)
    files = list(Path(settings.SAMMEN_SEAL_DIR).glob("checkpoint-*.json"))
    assert [f.name for f in files] == ["checkpoint-000000000001.json"]
    assert json.loads(files[0].read_text())["signature"] == sealed.signature


def test_the_next_checkpoint_takes_only_new_rows(sealed: Checkpoint, world: World) -> None:
    assert access_log_seal() is None  # nothing new
    access_log_record(actor=world.actor(world.nurse), citizen_ids=[None], operation="search")
    second = access_log_seal()
    assert second is not None
    assert second.number == 2
    streams = json.loads(second.statement)["streams"]
    assert streams["access_log"]["count"] == 1
    assert json.loads(second.statement)["prev"] != "0" * 64
    assert _problems() == []


def test_rows_younger_than_the_lag_wait_for_the_next_run(logged: list[Logged]) -> None:
    assert access_log_seal(lag_seconds=3600) is None
    checkpoint = access_log_seal(lag_seconds=0)
    assert checkpoint is not None


def test_the_signing_key_is_not_in_the_database(sealed: Checkpoint) -> None:
    key = Path(settings.SAMMEN_SEAL_KEY_FILE).read_bytes()
    assert b"PRIVATE KEY" in key
    dumped = json.dumps(list(Checkpoint.objects.values()), default=str)
    assert "PRIVATE" not in dumped
    body = key.split(b"-----")[2].strip().decode()
    assert body[:20] not in dumped


# --- The insider with a superuser login -----------------------------------------------------


def test_tail_truncation_with_rewind_is_found(sealed: Checkpoint, logged: list[Logged]) -> None:
    """Delete the last rows and the checkpoint that covered them, as a DBA could."""
    with insider() as cursor:
        cursor.execute(f"DELETE FROM {COPY} WHERE access_seq >= %s", [logged[-2].seq])
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq >= %s", [logged[-2].seq])
        cursor.execute("DELETE FROM access_checkpoint")
    problems = _problems()
    assert "mangler i databasen" in problems[0]
    assert f"række {logged[-2].seq}: rækken er slettet" in "\n".join(problems)
    assert f"række {logged[-1].seq}: rækken er slettet" in "\n".join(problems)
    with pytest.raises(SealRefused):  # the sealer will not paper over it
        access_log_seal()


def test_middle_rewrite_with_rehash_is_found(sealed: Checkpoint, logged: list[Logged]) -> None:
    """Rewrite a middle row, then recompute the database's checkpoint to match: the signature
    and the copy outside the database still tell."""
    target = logged[2]
    with insider() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET role = 'leder' WHERE seq = %s", [target.seq])
    problems = _problems()
    assert problems[0] == f"access_log: forsegling 1, række {target.seq}: rækken er ændret"
    # Re-hash: the insider rebuilds the leaves and root in the database and keeps the number.
    from sammen.access import sealing

    statement = json.loads(sealed.statement)
    fields = statement["streams"]["access_log"]["fields"]
    leaves = json.loads(sealed.leaves)
    leaves["access_log"] = [
        [r["seq"], int(r["at"].timestamp()), sealing.leaf_hash(r, fields)]
        for r in AccessLogEntry.objects.order_by("seq").values(*fields)
    ]
    statement["streams"]["access_log"]["root"] = sealing._root(leaves["access_log"])
    with insider() as cursor:
        cursor.execute(
            "UPDATE access_checkpoint SET statement = %s, leaves = %s WHERE number = 1",
            [sealing._dumps(statement), sealing._dumps(leaves)],
        )
    problems = _problems()
    assert any("databasens kopi er ændret" in p for p in problems)
    assert f"række {target.seq}: rækken er ændret" in "\n".join(problems)


def test_middle_rewrite_without_the_outside_copy_fails_the_signature(
    sealed: Checkpoint, logged: list[Logged]
) -> None:
    """Even where the outside copy is lost, a re-hashed checkpoint no longer carries a valid
    signature."""
    from sammen.access import sealing

    for path in Path(settings.SAMMEN_SEAL_DIR).glob("*.json"):
        path.chmod(0o644)
        path.unlink()
    statement = json.loads(sealed.statement)
    statement["streams"]["access_log"]["root"] = "f" * 64
    with insider() as cursor:
        cursor.execute(
            "UPDATE access_checkpoint SET statement = %s WHERE number = 1",
            [sealing._dumps(statement)],
        )
    assert any("signaturen passer ikke" in p for p in _problems())


def test_deletion_from_the_middle_is_named(sealed: Checkpoint, logged: list[Logged]) -> None:
    with insider() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [logged[3].seq])
    problems = _problems()
    assert problems[0] == f"access_log: forsegling 1, række {logged[3].seq}: rækken er slettet"


def test_deletion_from_the_citizen_copy_is_found(sealed: Checkpoint, logged: list[Logged]) -> None:
    with insider() as cursor:
        cursor.execute(f"DELETE FROM {COPY} WHERE access_seq = %s", [logged[1].seq])
    problems = _problems()
    assert problems[0] == f"citizen_log: forsegling 1, række {logged[1].seq}: rækken er slettet"
    assert any("borgerens kopi af adgangen mangler" in p for p in problems)


def test_deletion_from_the_citizen_copy_is_found_before_sealing(
    logged: list[Logged],
) -> None:
    with insider() as cursor:
        cursor.execute(f"DELETE FROM {COPY} WHERE access_seq = %s", [logged[1].seq])
    assert _problems() == [
        f"citizen_log: loggen, række {logged[1].seq}: borgerens kopi af adgangen mangler"
    ]


def test_a_row_inserted_into_a_sealed_range_is_found(
    sealed: Checkpoint, logged: list[Logged]
) -> None:
    forged = AccessLogEntry.objects.get(seq=logged[2].seq)
    forged.seq = logged[0].seq - 1
    with insider():
        forged.save(force_insert=True)
    problems = _problems()
    assert problems
    assert f"række {forged.seq}: rækken er indsat" in problems[0]


def test_a_forged_checkpoint_is_refused(sealed: Checkpoint, world: World) -> None:
    """The insider appends a checkpoint signed with a key of their own."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from sammen.access import sealing

    access_log_record(actor=world.actor(world.nurse), citizen_ids=[None], operation="search")
    statement = json.loads(sealed.statement)
    statement["number"] = 2
    statement["prev"] = sealing._statement_hash(sealed.statement)
    text = sealing._dumps(statement)
    Checkpoint.objects.create(
        number=2,
        created_at=sealed.created_at,
        statement=text,
        signature=Ed25519PrivateKey.generate().sign(text.encode()).hex(),
        key_id=statement["key_id"],
        leaves=sealed.leaves,
    )
    problems = _problems()
    assert any("forsegling 2: findes ikke uden for databasen" in p for p in problems)
    assert any("forsegling 2: signaturen passer ikke" in p for p in problems)


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


@pytest.mark.postgres_only
def test_the_triggers_still_stop_the_owner(logged: list[Logged]) -> None:
    """Privileges stop the app; the triggers are the second wall, for the owner by mistake."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL roles")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute('SET ROLE "sammen_app"')
    assert owner != "sammen_app"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == "sammen_app"


# --- Found in review: ways to keep rows out of the seal ----------------------------------------


def test_a_row_dated_far_ahead_does_not_stop_sealing_and_is_named(
    world: World, logged: list[Logged]
) -> None:
    import datetime as dt

    from django.utils import timezone

    from sammen.access.log import access_log_record_system

    future = access_log_record_system(
        municipality_id=world.greve.pk,
        citizen_ids=[None],
        operation="view",
        purpose="administration",
        at=timezone.now() + dt.timedelta(days=3650),
    )
    later = access_log_record(actor=world.actor(world.nurse), citizen_ids=[None], operation="view")
    checkpoint = access_log_seal()
    assert checkpoint is not None
    assert json.loads(checkpoint.statement)["streams"]["access_log"]["last"] == later[0].seq
    problems = _problems()
    assert problems == [
        f"access_log: forsegling 1, række {future[0].seq}: rækkens tidspunkt er forkert"
    ]
    assert access_log_seal() is None  # nothing is left waiting behind it


def test_a_stalled_sealer_is_reported(world: World, logged: list[Logged]) -> None:
    import datetime as dt

    from django.utils import timezone

    assert _problems() == []  # young rows wait for the sealer: no alarm yet
    later = timezone.now() + dt.timedelta(hours=1)
    problems = [str(p) for p in access_log_verify(now=later)]
    assert problems == [
        f"access_log: loggen: forseglingen står stille: {len(logged)} rækker ældre end 900 s "
        "er ikke forseglet"
    ]


def test_verify_knows_how_many_checkpoints_to_expect(sealed: Checkpoint) -> None:
    assert list(access_log_verify(expect_min=1)) == []
    assert [str(p) for p in access_log_verify(expect_min=3)] == [
        "forsegling: loggen: forsegling 2–3 mangler helt"
    ]


def test_a_citizen_access_cannot_be_copied_to_another_citizen(world: World) -> None:
    import dataclasses

    from sammen.access import gate

    mine = citizen_create(world.greve, "Min", "Borger")
    other = citizen_create(world.greve, "Anden", "Borger")
    access = gate.citizen_open(actor=world.actor(world.nurse), citizen_id=mine.pk)
    with pytest.raises((TypeError, ValueError)):
        dataclasses.replace(access, citizen=other)
    with pytest.raises(TypeError):
        gate.CitizenAccess(allowed=True, citizen=other)
