"""What a request costs the session and the actor, and that saving it costs no safety."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import World
from sammen.journal.tests.factories import citizen_create
from sammen.organisation import services
from sammen.organisation.middleware import ACTIVITY_GRANULARITY_SECONDS
from sammen.organisation.models import LoginSession, Membership


def _session_writes(queries: list[dict[str, str]]) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_a_get_within_the_minute_writes_no_session_row(world: World) -> None:
    client = world.client(world.nurse)
    key = client.session.session_key
    stamp = client.session[services.SESSION_LAST_ACTIVITY]
    expire = Session.objects.get(session_key=key).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert _session_writes(queries.captured_queries) == []
    assert Session.objects.get(session_key=key).expire_date == expire
    assert client.session[services.SESSION_LAST_ACTIVITY] == stamp


def test_the_activity_stamp_moves_once_it_is_older_than_a_minute(world: World) -> None:
    client = world.client(world.nurse)
    stamp = client.session[services.SESSION_LAST_ACTIVITY]
    later = timezone.now() + timedelta(seconds=ACTIVITY_GRANULARITY_SECONDS + 5)
    with time_machine.travel(later, tick=False), CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert _session_writes(queries.captured_queries)
    assert client.session[services.SESSION_LAST_ACTIVITY] > stamp


def test_the_actor_is_loaded_in_one_query(world: World) -> None:
    client = world.client(world.nurse)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    about_staff = [
        q["sql"]
        for q in queries.captured_queries
        if "organisation_membership" in q["sql"] or "organisation_staffmember" in q["sql"]
    ]
    assert len(about_staff) == 1, about_staff


def test_a_removed_membership_is_refused_on_the_next_request(world: World) -> None:
    citizen = citizen_create(world.home_care_team)
    client = world.client(world.nurse)
    page = reverse("citizens:overview", kwargs={"citizen_id": citizen.pk})
    assert client.get(page).status_code == 200
    Membership.objects.filter(staff=world.nurse).delete()
    assert client.get(page).status_code == 403


def test_a_membership_removed_by_the_administrator_is_refused_on_the_next_request(
    world: World,
) -> None:
    """Through the administration service, while the nurse keeps another role elsewhere: the
    next request is made with the remaining role (another unit), not a cached one."""
    citizen = citizen_create(world.home_care_team)
    other = Membership.objects.create(
        municipality=world.greve, staff=world.nurse, unit=world.training_team, role="sygeplejerske"
    )
    client = world.client(world.nurse)
    home = Membership.objects.get(staff=world.nurse, unit=world.home_care_team)
    session = client.session
    session[services.SESSION_ACTIVE_MEMBERSHIP] = str(home.pk)  # working in the home-care team
    session.save()
    page = reverse("citizens:overview", kwargs={"citizen_id": citizen.pk})
    assert client.get(page).status_code == 200
    services.membership_remove(actor=world.actor(world.administrator), membership=home)
    assert list(Membership.objects.filter(staff=world.nurse)) == [other]
    assert client.get(page).status_code == 403


def test_a_disabled_staff_member_is_logged_out_on_the_next_request(world: World) -> None:
    citizen = citizen_create(world.home_care_team)
    client = world.client(world.nurse)
    page = reverse("citizens:overview", kwargs={"citizen_id": citizen.pk})
    assert client.get(page).status_code == 200
    services.staff_set_active(
        actor=world.actor(world.administrator), staff=world.nurse, active=False
    )
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")


CACHED_SESSIONS = {
    "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
}


def test_cached_sessions_read_no_session_row_and_die_with_their_user(
    world: World, settings: Any
) -> None:
    """With SAMMEN_CACHE_URL the sessions are cached (cached_db; Redis in production, a local
    memory cache here): a request reads no session row, and ending a user's sessions (as when
    an administrator disables them or resets their password) ends the cached copy too."""
    for name, value in CACHED_SESSIONS.items():
        setattr(settings, name, value)
    client = world.client(world.nurse)
    assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
    key = client.session.session_key or ""
    LoginSession.objects.create(user=world.nurse.user, session_key=key)  # as login records it
    assert services.sessions_end_all_for_user(user=world.nurse.user) == 1
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")
