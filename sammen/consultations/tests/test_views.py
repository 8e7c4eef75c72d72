"""The pages: booking with errors beside the fields, the visit's pages refused to another
municipality like a missing one, the guest's link and code, the citizen's own page, and the
room page under the nonce CSP."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import World
from sammen.citizens.models import Citizen, CitizenAccount
from sammen.consultations.models import Consultation, ConsultationStatus
from sammen.consultations.tests.conftest import book, code_in, token_in
from sammen.integrations.notifications import Notification
from sammen.journal.models import Entry
from sammen.organisation.models import User

pytestmark = pytest.mark.django_db


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_nurse_books_from_the_citizen_and_bad_input_is_422_in_danish(
    world: World, citizen: Citizen, outbox: list[Notification]
) -> None:
    client = world.client(world.nurse)
    url = f"/video/borger/{citizen.pk}/book/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"starts_at": "i går", "duration_minutes": "30", "purpose": ""})
    assert bad.status_code == 422
    assert "Ugyldigt tidspunkt." in bad.text
    assert "Skriv formålet med besøget." in bad.text
    when = timezone.now() + dt.timedelta(hours=2)
    ok = client.post(
        url,
        {
            "starts_at": _local(when),
            "duration_minutes": "30",
            "purpose": "Samtale om træning",
            "guest1_kind": "interpreter",
            "guest1_name": "Ali",
            "guest1_contact": "+4520000009",
        },
    )
    assert ok.status_code == 302
    c = Consultation.objects.get()
    assert ok["Location"] == f"/video/{c.pk}/"
    assert c.participants.count() == 3
    page = client.get(f"/video/{c.pk}/")
    assert "Samtale om træning" in page.text
    assert "Tolk" in page.text
    citizen_page = client.get(f"/borgere/{citizen.pk}/").text
    assert "Book skærmbesøg" in citizen_page
    assert "Samtale om træning" in citizen_page  # the section lists the citizen's visits


def test_every_page_of_a_visit_is_404_for_another_municipality(
    world: World, citizen: Citizen
) -> None:
    c = book(world, citizen)
    foreign = world.client(world.foreign_nurse)
    for suffix in ("", "flyt/", "aflys/", "rum/", "afslut/"):
        assert foreign.get(f"/video/{c.pk}/{suffix}").status_code == 404, suffix
    assert foreign.get(f"/video/borger/{citizen.pk}/book/").status_code == 404
    helper = world.client(world.politician)  # no citizen data, no video visits
    assert helper.get(f"/video/{c.pk}/").status_code == 403


def test_cancel_rebook_and_end_through_the_pages(world: World, citizen: Citizen) -> None:
    client = world.client(world.nurse)
    c = book(world, citizen)
    moved = client.post(
        f"/video/{c.pk}/flyt/",
        {"starts_at": _local(c.starts_at), "duration_minutes": "45", "version": c.version},
    )
    assert moved.status_code == 302
    stale = client.post(f"/video/{c.pk}/aflys/", {"reason": "Syg", "version": 1})
    assert stale.status_code == 409
    c.refresh_from_db()
    room = client.get(f"/video/{c.pk}/rum/")
    assert room.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", room["Content-Security-Policy"])
    assert nonce is not None
    assert f'src="/static/consultations/room.js" nonce="{nonce.group(1)}"' in room.text
    assert "<script>" not in room.text
    phone_form = client.get(f"/video/{c.pk}/afslut/?kontaktform=telefonisk").text
    assert re.search(r'value="telefonisk"[^>]*checked', phone_form)
    ended = client.post(
        f"/video/{c.pk}/afslut/",
        {
            "version": c.version,
            "encounter_class": "skaermbesoeg",
            "minutes": "25",
            "note": "Gennemgik øvelserne.",
        },
    )
    assert ended.status_code == 302
    c.refresh_from_db()
    assert c.status == ConsultationStatus.ENDED
    assert Entry.objects.get(pk=str(c.journal_entry_id)).data["notat"] == "Gennemgik øvelserne."


def test_guest_link_code_and_room(
    world: World,
    citizen: Citizen,
    outbox: list[Notification],
    django_capture_on_commit_callbacks: object,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        book(world, citizen)
    token = token_in(outbox[0])
    guest = Client()
    assert guest.get("/video/deltag/gættet-link/").status_code == 404
    assert guest.get(f"/video/deltag/{token}/rum/").status_code == 302  # no code yet
    assert "Send mig en kode" in guest.get(f"/video/deltag/{token}/").text
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        guest.post(f"/video/deltag/{token}/", {"send": "1"})
    code = code_in(outbox[-1])
    wrong = guest.post(f"/video/deltag/{token}/", {"code": "12345x"})
    assert wrong.status_code == 422
    assert "Koden er forkert." in wrong.text
    right = guest.post(f"/video/deltag/{token}/", {"code": code})
    assert right.status_code == 302
    assert guest.get(right["Location"]).status_code == 200
    other = Client()  # the link alone, in another browser, does not open the room
    assert other.get(right["Location"]).status_code == 302


def test_citizen_own_page_lists_cancels_and_moves(world: World, citizen: Citizen) -> None:
    user = User.objects.create_user(username="else", password="borger-demo-2026-x")
    CitizenAccount.objects.create(user=user, citizen=citizen)
    client = Client()
    client.post("/log-ind/", {"username": "else", "password": "borger-demo-2026-x"})
    upcoming = book(world, citizen, minutes_from_now=24 * 60)
    page = client.get("/min-side/video/")
    assert page.status_code == 200
    assert "Opfølgning på medicin" in page.text
    moved = client.post(
        f"/min-side/video/{upcoming.pk}/flyt/",
        {"starts_at": _local(timezone.now() + dt.timedelta(days=2))},
    )
    assert moved.status_code == 302
    assert client.post(f"/min-side/video/{upcoming.pk}/aflys/").status_code == 302
    upcoming.refresh_from_db()
    assert upcoming.status == ConsultationStatus.CANCELLED
    # Staff pages are not for the citizen, and another citizen's visit is not found.
    assert client.get(f"/video/{upcoming.pk}/").status_code == 403


def test_list_page_queries_do_not_grow_with_rows(world: World, citizen: Citizen) -> None:
    client = world.client(world.nurse)
    book(world, citizen)
    client.get("/video/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/video/").status_code == 200
    for i in range(6):
        book(world, citizen, minutes_from_now=30 + i)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/video/").status_code == 200
    assert len(many) == len(few)
