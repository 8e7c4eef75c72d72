"""Named actors in two municipalities. They encode the rules every module's tests rely on.

Greve (A): a home-care team with a nurse and a SOSU helper, a therapist in another team, a
leader, a director and a politician (aggregates only) and an administrator.
Solrød (B): a nurse and an administrator who must see nothing of Greve.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from sammen.core.actor import Actor
from sammen.core.db_roles import APP_ROLE, db_roles_apply
from sammen.organisation.models import (
    Municipality,
    OrgUnit,
    Profession,
    Role,
    StaffMember,
    UnitKind,
)
from sammen.organisation.tests import factories as f


@dataclass
class World:
    greve: Municipality
    solrod: Municipality
    admin_unit: OrgUnit
    district: OrgUnit
    home_care_team: OrgUnit
    training_team: OrgUnit
    solrod_team: OrgUnit
    nurse: StaffMember
    sosu_helper: StaffMember
    therapist: StaffMember
    leader: StaffMember
    director: StaffMember
    politician: StaffMember
    administrator: StaffMember
    foreign_nurse: StaffMember
    foreign_admin: StaffMember

    def actor(self, staff: StaffMember) -> Actor:
        return f.actor_for(staff)

    def client(self, staff: StaffMember) -> Client:
        return f.logged_in_client(staff)


@pytest.fixture
def world(db: None) -> World:
    greve = f.municipality_create("Greve", "253")
    solrod = f.municipality_create("Solrød", "269")
    admin_unit = f.unit_create(greve, "Social, Sundhed og Ældre", kind=UnitKind.ADMINISTRATION)
    district = f.unit_create(greve, "Hjemmepleje Nord", kind=UnitKind.DISTRICT, parent=admin_unit)
    home_care = f.unit_create(greve, "Team Nord A", parent=district)
    training = f.unit_create(greve, "Træning", parent=admin_unit)
    solrod_admin = f.unit_create(solrod, "Sundhed og Omsorg", kind=UnitKind.ADMINISTRATION)
    solrod_team = f.unit_create(solrod, "Hjemmesygeplejen", parent=solrod_admin)
    return World(
        greve=greve,
        solrod=solrod,
        admin_unit=admin_unit,
        district=district,
        home_care_team=home_care,
        training_team=training,
        solrod_team=solrod_team,
        nurse=f.staff_create(home_care, Role.NURSE, username="nurse", first_name="Birgitte"),
        sosu_helper=f.staff_create(
            home_care, Role.SOSU_HELPER, username="helper", profession=Profession.SOSU_HELPER
        ),
        therapist=f.staff_create(
            training, Role.THERAPIST, username="therapist", profession=Profession.PHYSIOTHERAPIST
        ),
        leader=f.staff_create(
            district, Role.LEADER, username="leader", profession=Profession.MANAGER
        ),
        director=f.staff_create(
            admin_unit, Role.DIRECTOR, username="director", profession=Profession.MANAGER
        ),
        politician=f.staff_create(
            admin_unit, Role.POLITICIAN, username="politician", profession=Profession.POLITICIAN
        ),
        administrator=f.staff_create(
            admin_unit, Role.ADMINISTRATOR, username="admin", profession=Profession.ADMINISTRATIVE
        ),
        foreign_nurse=f.staff_create(solrod_team, Role.NURSE, username="foreign-nurse"),
        foreign_admin=f.staff_create(
            solrod_admin,
            Role.ADMINISTRATOR,
            username="foreign-admin",
            profession=Profession.ADMINISTRATIVE,
        ),
    )


# --- Fast password hashing ------------------------------------------------------------------------
# Argon2 is slow on purpose (about 0.1–0.4 s and 100 MiB per hash here); the suite hashes a
# password for every login test and every named demo user. Tests use Django's fast MD5 hasher
# (never in settings.py: production keeps Argon2, tests/test_test_settings.py checks both).
TEST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=TEST_PASSWORD_HASHERS):
        yield


# --- Append-only tables and transactional tests -------------------------------------------------
# Transactional tests (live server, browser, tamper tests) are cleaned by Django's flush, which the
# append-only triggers rightly refuse. Around that flush only, the triggers are set aside the way
# a DBA would (SQLite: dropped and re-created from their own SQL; PostgreSQL: replica role), and
# put back before the next test. Non-transactional tests roll back and never need this.

_TRIGGER_SQL: list[tuple[str, str]] = []


@pytest.fixture(scope="session", autouse=True)
def _append_only_trigger_sql(django_db_setup: None, django_db_blocker: object) -> None:
    """Remember the SQLite triggers' own SQL once, before any test can drop them."""
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:  # type: ignore[attr-defined]
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE '%append_only%'"
            )
            _TRIGGER_SQL[:] = cursor.fetchall()


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or "transactional_db" in names
        or "live_server" in names
    )


def _append_only_tables(cursor: object) -> list[str]:
    from django.db import connection

    if connection.vendor == "postgresql":
        cursor.execute(  # type: ignore[attr-defined]
            "SELECT DISTINCT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name LIKE '%%append_only%%'"
        )
    else:
        cursor.execute(  # type: ignore[attr-defined]
            "SELECT DISTINCT tbl_name FROM sqlite_master "
            "WHERE type = 'trigger' AND name LIKE '%append_only%'"
        )
    return [row[0] for row in cursor.fetchall()]  # type: ignore[attr-defined]


def _set_aside_triggers() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("RESET ROLE")  # the flush is the DBA's, not the app's
            cursor.execute("SET session_replication_role = replica")
            return
        for name, _sql in _TRIGGER_SQL:
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def _restore_triggers() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("RESET ROLE")  # the flush may have left a new (app-role) connection
            cursor.execute("SET session_replication_role = DEFAULT")
            for table in _append_only_tables(cursor):
                cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
            cursor.execute(f'SET ROLE "{APP_ROLE}"')
            return
        for name, sql in _TRIGGER_SQL:
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
            cursor.execute(sql)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    transactional = _is_transactional(item)
    blocker = None
    if transactional:
        from pytest_django.plugin import blocking_manager_key

        blocker = item.config.stash[blocking_manager_key]
        with blocker.unblock():
            _set_aside_triggers()
    yield
    if transactional and blocker is not None:
        with blocker.unblock():
            _restore_triggers()


# --- Sealing: each test its own checkpoint directory (one key per test process) ---------------

_SEAL_ROOT = Path(tempfile.mkdtemp(prefix="sammen-seal-"))
_SEAL_COUNT = itertools.count()


@pytest.fixture(autouse=True)
def _seal_dir(settings: Any) -> Path:
    """Checkpoints written outside the database go to a fresh directory per test (made only
    when a test seals), so one test's checkpoints never meet another test's database."""
    directory = _SEAL_ROOT / f"t{next(_SEAL_COUNT)}"
    settings.SAMMEN_SEAL_DIR = str(directory)
    settings.SAMMEN_SEAL_KEY_FILE = str(_SEAL_ROOT / "seal-key.pem")
    settings.SAMMEN_SEAL_LAG_SECONDS = 0
    return directory


# --- Access-log completeness (T08) --------------------------------------------------------------


@pytest.fixture(autouse=True)
def _served_citizen_data_is_logged(settings: Any) -> Any:
    """Fails any test in which a response served citizen data without access-log rows."""
    from tests import served_data

    served_data.connect()
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.served_data.ServedCitizenDataMiddleware"]
    served_data.FAILURES.clear()
    yield
    failures = list(served_data.FAILURES)
    served_data.FAILURES.clear()
    if failures:
        pytest.fail("Citizen data served without access log:\n" + "\n".join(failures))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Any:
    """On PostgreSQL, the suite runs as the app's own database role: migrations ran as the
    owner and granted (`core.db_roles`); from here every connection is `SET ROLE sammen_app`.
    At the end, connections the live server's request threads left open are ended, so the test
    database can be dropped."""
    from django.conf import settings
    from django.db import connection, connections

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock():
            db_roles_apply(login=True)
        settings.SAMMEN_DB_ROLE = APP_ROLE
        connections.close_all()
    yield
    if connection.vendor == "postgresql":
        settings.SAMMEN_DB_ROLE = ""
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """One Playwright driver per test process: its sync API runs an event loop in this
    thread, and a second `sync_playwright()` while one runs is refused."""
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed (make browser installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright
