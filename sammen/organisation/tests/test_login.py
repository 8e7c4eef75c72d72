"""Login: password (argon2), lockout, TOTP enrolment and verification, session lifetime."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.contrib.sessions.models import Session
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import config.settings
from conftest import World
from sammen.organisation import services
from sammen.organisation.models import Role, User
from sammen.organisation.tests import factories as f

PASSWORD = "korrekt-hest-batteri-42"


@pytest.fixture
def nurse_with_password(world: World) -> User:
    user = world.nurse.user
    user.set_password(PASSWORD)
    user.save()
    return user


def post_login(client: Client, username: str, password: str) -> object:
    return client.post("/log-ind/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(world: World) -> None:
    # With the production hashers (the suite runs with a fast one: root conftest.py).
    with override_settings(PASSWORD_HASHERS=config.settings.PASSWORD_HASHERS):
        user = world.nurse.user
        user.set_password(PASSWORD)
        assert identify_hasher(user.password).algorithm == "argon2"
        assert user.check_password(PASSWORD)


def test_anonymous_start_page_redirects_to_login(world: World) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")


def test_login_page_is_danish(db: None) -> None:
    response = Client().get("/log-ind/")
    assert response.status_code == 200
    assert 'lang="da"' in response.text
    assert "Log ind i Sammen" in response.text


def test_wrong_password_and_unknown_user_get_the_same_answer(
    nurse_with_password: User,
) -> None:
    wrong = post_login(Client(), "nurse", "forkert-adgangskode")
    unknown = post_login(Client(), "findes-ikke", "forkert-adgangskode")
    assert wrong.status_code == unknown.status_code == 422  # type: ignore[attr-defined]
    assert "Forkert brugernavn eller adgangskode." in wrong.text  # type: ignore[attr-defined]
    assert "Forkert brugernavn eller adgangskode." in unknown.text  # type: ignore[attr-defined]


def test_password_then_totp_completes_login_and_rotates_session(
    nurse_with_password: User,
) -> None:
    client = Client()
    client.get("/log-ind/")
    device = f.totp_device_create(nurse_with_password)
    response = post_login(client, "nurse", PASSWORD)
    assert response["Location"].startswith("/log-ind/totp/")  # type: ignore[index]
    key_after_password = client.session.session_key
    # Before the second factor, citizen-facing pages are out of reach.
    assert client.get("/")["Location"] == "/log-ind/totp/"
    wrong = "000000" if totp(device.bin_key) != 0 else "111111"
    response = client.post("/log-ind/totp/", {"token": wrong})
    assert response.status_code == 422
    assert "Koden er forkert" in response.text
    # django-otp throttles after a failure; a moment later the right code is accepted.
    with time_machine.travel(timezone.now() + timedelta(seconds=3), tick=False):
        response = client.post("/log-ind/totp/", {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert client.session.session_key != key_after_password
    home = client.get("/")
    assert home.status_code == 200
    assert "Goddag, Birgitte" in home.text


def test_first_login_enrols_a_totp_device(nurse_with_password: User) -> None:
    client = Client()
    post_login(client, "nurse", PASSWORD)
    page = client.get("/log-ind/totp/")
    assert "Opsæt totrinsbekræftelse" in page.text
    assert 'src="data:image/svg+xml' in page.text
    device = TOTPDevice.objects.get(user=nurse_with_password)
    assert device.confirmed is False
    client.post("/log-ind/totp/", {"token": f"{totp(device.bin_key):06d}"})
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/").status_code == 200


def test_totp_code_must_be_six_digits(nurse_with_password: User) -> None:
    client = Client()
    post_login(client, "nurse", PASSWORD)
    response = client.post("/log-ind/totp/", {"token": "12ab"})
    assert response.status_code == 422
    assert "Koden er seks cifre." in response.text


def test_mfa_not_required_for_politician(world: World) -> None:
    assert services.mfa_required_for(world.politician.user) is False
    assert services.mfa_required_for(world.sosu_helper.user) is True
    assert services.mfa_required_for(world.administrator.user) is True


def test_mfa_can_be_relaxed_for_the_demo(
    nurse_with_password: User, settings: pytest.FixtureRequest
) -> None:
    settings.SAMMEN_MFA_REQUIRED = False  # type: ignore[attr-defined]
    client = Client()
    response = post_login(client, "nurse", PASSWORD)
    assert response["Location"] == "/"  # type: ignore[index]
    assert client.get("/").status_code == 200


def test_lockout_after_repeated_failures_same_for_unknown_user(
    nurse_with_password: User,
) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for username in ("nurse", "findes-ikke"):
        client = Client()
        for _ in range(limit):
            post_login(client, username, "forkert-adgangskode")
        locked = post_login(client, username, "forkert-adgangskode")
        assert locked.status_code == 429  # type: ignore[attr-defined]
        assert "midlertidigt låst" in locked.text  # type: ignore[attr-defined]
    # Even the right password is refused while locked.
    locked = post_login(Client(), "nurse", PASSWORD)
    assert locked.status_code == 429  # type: ignore[attr-defined]


def test_idle_timeout_ends_session_server_side(world: World) -> None:
    client = f.logged_in_client(world.nurse)
    key = client.session.session_key
    assert client.get("/").status_code == 200
    later = timezone.now() + settings.SAMMEN_SESSION_IDLE_TIMEOUT + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")
    assert not Session.objects.filter(session_key=key).exists()


def test_activity_keeps_session_alive_until_absolute_lifetime(world: World) -> None:
    client = f.logged_in_client(world.nurse)
    start = timezone.now()
    step = settings.SAMMEN_SESSION_IDLE_TIMEOUT - timedelta(minutes=5)
    elapsed = timedelta(0)
    while elapsed + step < settings.SAMMEN_SESSION_ABSOLUTE_LIFETIME:
        elapsed += step
        with time_machine.travel(start + elapsed, tick=False):
            assert client.get("/").status_code == 200
    with time_machine.travel(
        start + settings.SAMMEN_SESSION_ABSOLUTE_LIFETIME + timedelta(minutes=1), tick=False
    ):
        assert client.get("/").status_code == 302


def test_logout_kills_session_and_replayed_cookie_is_dead(world: World) -> None:
    client = f.logged_in_client(world.nurse)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post("/log-ud/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=cookie).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert replay.get("/").status_code == 302


def test_logout_requires_post(world: World) -> None:
    client = f.logged_in_client(world.nurse)
    assert client.get("/log-ud/").status_code == 405
    assert client.get("/").status_code == 200


def test_disabling_staff_ends_all_their_sessions(world: World) -> None:
    phone, desktop = Client(), Client()
    world.nurse.user.set_password(PASSWORD)
    world.nurse.user.save()
    f.totp_device_create(world.nurse.user)
    for client in (phone, desktop):
        post_login(client, "nurse", PASSWORD)
    assert Session.objects.count() >= 2
    services.staff_set_active(
        actor=f.actor_for(world.administrator), staff=world.nurse, active=False
    )
    for client in (phone, desktop):
        assert client.get("/log-ind/totp/").status_code == 302
        assert client.get("/")["Location"].startswith("/log-ind/")
    assert post_login(Client(), "nurse", PASSWORD).status_code == 422  # type: ignore[attr-defined]


def test_role_switch_moves_the_actor(world: World) -> None:
    second = world.nurse.memberships.create(
        municipality=world.greve, unit=world.training_team, role=Role.THERAPIST
    )
    client = f.logged_in_client(world.nurse)
    assert "Team Nord A" in client.get("/").text
    response = client.post("/skift-rolle/", {"membership": str(second.pk)})
    assert response.status_code == 302
    page = client.get("/")
    assert "Du arbejder som Terapeut i Træning" in page.text
    assert client.get("/api/v1/organisation/me").json()["unit"] == "Træning"


def test_role_switch_to_someone_elses_membership_is_404(world: World) -> None:
    client = f.logged_in_client(world.nurse)
    other = world.leader.memberships.get()
    assert client.post("/skift-rolle/", {"membership": str(other.pk)}).status_code == 404
    assert client.post("/skift-rolle/", {"membership": "not-a-uuid"}).status_code == 404
    assert client.get("/api/v1/organisation/me").json()["unit"] == "Team Nord A"


def test_tampered_session_is_refused_and_logged(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    client = f.logged_in_client(world.nurse)
    real = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.cookies[settings.SESSION_COOKIE_NAME] = real[:-4] + "abcd"
    with caplog.at_level("WARNING", logger="sammen.security"):
        response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/log-ind/")
    assert "Din session er ikke længere gyldig" in response.text
    assert any("Ugyldig eller udløbet session" in r.getMessage() for r in caplog.records)
