"""A real video visit in two headless Chromiums with fake camera and microphone, over loopback,
against the ASGI application served by daphne in this process (HTTP pages and the signalling
WebSocket): the citizen opens the link on a phone-sized screen, gets a one-time code, waits;
the nurse admits; each browser then plays the other's video (videoWidth > 0) and its
`getStats()` shows video and audio bytes received. Screenshots at 360 and 1280 px go to
test-artifacts/shots-video/ (or $SAMMEN_SHOTS_DIR)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connections

from conftest import World
from sammen.citizens.models import Citizen
from sammen.consultations.models import Consultation, Participant, ParticipantKind
from sammen.consultations.tests.conftest import book, code_in, token_in
from sammen.integrations.notifications import Notification
from sammen.organisation.tests import factories as f

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(os.environ.get("SAMMEN_SHOTS_DIR", "test-artifacts/shots-video"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # WhiteNoise answers static files with a synchronous iterator, which Django's ASGI handler
    # serves with this warning (development only: production serves pages with gunicorn).
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous"),
]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def asgi_url() -> str:
    """config.asgi served by daphne on a free loopback port, in a thread of this process (so
    it shares the test database, also SQLite's in-memory one). Twisted's reactor runs once
    per process, hence one server for the session."""
    from daphne.server import Server

    from config.asgi import application

    ready = threading.Event()
    server = Server(
        application,
        endpoints=["tcp:port=0:interface=127.0.0.1"],
        signal_handlers=False,
        verbosity=0,
        ready_callable=ready.set,
    )
    thread = threading.Thread(target=server.run, daemon=True, name="daphne")
    thread.start()
    assert ready.wait(20), "daphne did not start"
    for _ in range(200):
        if server.listening_addresses:
            break
        threading.Event().wait(0.05)
    host, port = server.listening_addresses[0]
    return f"http://{host}:{port}"


@pytest.fixture(scope="module")
def media_browser(playwright_driver: Any) -> Iterator[Any]:
    """A chromium with a fake camera and microphone, from the process's one driver."""
    browser = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            "--no-sandbox",
            "--disable-gpu",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )
    yield browser
    browser.close()


def _staff_context(browser: Any, url: str, staff: Any, width: int) -> Any:
    client = f.logged_in_client(staff)
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="da-DK", base_url=url
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.session.session_key,
                "url": url,
            }
        ]
    )
    return context


RECEIVED = """async () => {
  const totals = {video: 0, audio: 0};
  for (const peer of window.sammenRoom.peers.values()) {
    const stats = await peer.pc.getStats();
    stats.forEach(s => { if (s.type === 'inbound-rtp') { totals[s.kind] += s.bytesReceived; } });
  }
  return totals;
}"""
PLAYING = """() => [...document.querySelectorAll('.tile--remote video')]
  .some(v => v.videoWidth > 0 && v.readyState >= 2)"""


def _received(page: Any) -> dict[str, int]:
    page.wait_for_function(PLAYING, timeout=30_000)
    page.wait_for_function(
        f"(async () => {{ const t = await ({RECEIVED})(); return t.video > 0 && t.audio > 0; }})",
        timeout=30_000,
    )
    totals: dict[str, int] = page.evaluate(RECEIVED)
    return totals


def test_nurse_and_citizen_see_and_hear_each_other(
    world: World,
    citizen: Citizen,
    outbox: list[Notification],
    asgi_url: str,
    media_browser: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The server's threads close their database connections after each request, so none is
    # left open for the garbage collector (PostgreSQL: ResourceWarning).
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)
    monkeypatch.setattr(settings, "SAMMEN_PUBLIC_URL", asgi_url)
    visit: Consultation = book(world, citizen, minutes_from_now=5)
    invitation = next(m for m in outbox if m.to == citizen.phone)
    token = token_in(invitation)
    SHOTS.mkdir(parents=True, exist_ok=True)

    nurse_ctx = _staff_context(media_browser, asgi_url, world.nurse, 1280)
    citizen_ctx = media_browser.new_context(
        viewport={"width": 360, "height": 740}, locale="da-DK", base_url=asgi_url
    )
    nurse = nurse_ctx.new_page()
    phone = citizen_ctx.new_page()
    errors: list[str] = []
    for page in (nurse, phone):
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "console",
            lambda m: errors.append(m.text) if m.type == "error" else None,
        )
    try:
        # The nurse opens the room and waits.
        nurse.goto(f"/video/{visit.pk}/rum/")
        nurse.get_by_text("Venter på, at de andre kommer ind.").wait_for()

        # The citizen opens the link on the phone, asks for a code, types it.
        phone.goto(f"/video/deltag/{token}/")
        phone.screenshot(path=str(SHOTS / "join-360.png"), full_page=True)
        phone.get_by_role("button", name="Send mig en kode").click()
        code = code_in(next(m for m in reversed(outbox) if m.kind == "code"))
        phone.get_by_label("Kode").fill(code)
        phone.get_by_role("button", name="Gå til venteværelset").click()
        phone.get_by_text("Du er i venteværelset").wait_for()
        phone.screenshot(path=str(SHOTS / "waiting-360.png"), full_page=True)

        # The nurse admits; both see and hear each other.
        nurse.get_by_role("button", name="Luk ind Else").click()
        on_phone = _received(phone)
        on_pc = _received(nurse)
        assert on_phone["video"] > 0
        assert on_phone["audio"] > 0
        assert on_pc["video"] > 0
        assert on_pc["audio"] > 0

        # Chat reaches the other side (as text, never as HTML).
        phone.get_by_label("Besked").fill("<b>Hej</b> fra Else")
        phone.get_by_role("button", name="Send", exact=True).click()
        nurse.locator("#chat-log").get_by_text("<b>Hej</b> fra Else").wait_for()

        nurse.screenshot(path=str(SHOTS / "call-1280.png"), full_page=True)
        phone.screenshot(path=str(SHOTS / "call-360.png"), full_page=True)
        nurse.set_viewport_size({"width": 360, "height": 740})
        nurse.screenshot(path=str(SHOTS / "call-staff-360.png"), full_page=True)
        phone.set_viewport_size({"width": 1280, "height": 900})
        phone.screenshot(path=str(SHOTS / "call-citizen-1280.png"), full_page=True)

        admitted = Participant.objects.get(consultation=visit, kind=ParticipantKind.CITIZEN)
        assert admitted.admitted_at is not None

        # The nurse ends the visit: the citizen is told, the nurse lands on the note form.
        nurse.get_by_role("button", name="Afslut besøget").click()
        phone.get_by_text("Besøget er afsluttet").wait_for()
        nurse.get_by_role("heading", name="Afslut og dokumentér").wait_for()
        nurse.screenshot(path=str(SHOTS / "end-360.png"), full_page=True)
    except Exception:
        Path("test-artifacts").mkdir(exist_ok=True)
        nurse.screenshot(path="test-artifacts/video-nurse.png", full_page=True)
        phone.screenshot(path="test-artifacts/video-citizen.png", full_page=True)
        raise
    finally:
        nurse_ctx.close()
        citizen_ctx.close()
    assert [e for e in errors if "favicon" not in e] == []
