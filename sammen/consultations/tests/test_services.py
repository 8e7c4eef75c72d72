"""Booking, rebooking, cancelling, links and one-time codes."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import World
from sammen.access.models import AccessLogEntry, ChangeLogEntry
from sammen.citizens.models import Citizen
from sammen.consultations import selectors, services
from sammen.consultations.models import (
    Consultation,
    ConsultationStatus,
    EncounterClass,
    Participant,
    ParticipantKind,
)
from sammen.consultations.tests.conftest import book, code_in, token_in
from sammen.core.errors import NotFound, ValidationFailed
from sammen.integrations.notifications import Notification, notifier
from sammen.journal.models import Entry

pytestmark = pytest.mark.django_db


def test_booking_invites_citizen_and_guests_with_their_own_links(
    world: World,
    citizen: Citizen,
    outbox: list[Notification],
    django_capture_on_commit_callbacks: object,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        c = book(
            world,
            citizen,
            guests=[
                services.GuestInput(
                    kind=ParticipantKind.RELATIVE, name="Jens", contact="jens@example.dk"
                ),
                services.GuestInput(
                    kind=ParticipantKind.CLINICIAN, name="Dr. Holm", contact="+4520000002"
                ),
            ],
            service_ref="5b0f6a52-4f7e-4d0e-9c53-000000000001",
        )
    assert c.status == ConsultationStatus.BOOKED
    kinds = sorted(p.kind for p in c.participants.all())
    assert kinds == ["citizen", "clinician", "relative", "staff"]
    assert [m.to for m in outbox] == ["+4520000001", "jens@example.dk", "+4520000002"]
    tokens = [token_in(m) for m in outbox]
    assert len(set(tokens)) == 3
    # Stored only as a hash; the link says nothing about the citizen.
    stored = set(Participant.objects.exclude(token_hash="").values_list("token_hash", flat=True))
    assert stored == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}
    for message, token in zip(outbox, tokens, strict=True):
        assert citizen.cpr not in message.body
        assert citizen.cpr[:6] not in token
    assert ChangeLogEntry.objects.filter(citizen_id=citizen.pk, object_id=c.pk).exists()
    assert AccessLogEntry.objects.filter(citizen_id=citizen.pk, object_type="consultation").exists()
    assert str(c.service_ref) == "5b0f6a52-4f7e-4d0e-9c53-000000000001"


@pytest.mark.parametrize(
    ("starts_in", "duration", "field"),
    [(-60, 30, "starts_at"), (60 * 24 * 200, 30, "starts_at"), (10, 7, "duration_minutes")],
)
def test_bad_times_are_refused_in_danish(
    world: World, citizen: Citizen, starts_in: int, duration: int, field: str
) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.consultation_book(
            actor=world.actor(world.nurse),
            citizen_id=citizen.pk,
            starts_at=timezone.now() + dt.timedelta(minutes=starts_in),
            duration_minutes=duration,
            purpose="x",
        )
    assert field in error.value.field_errors
    assert not Consultation.objects.exists()


def test_another_municipality_cannot_book_or_see(world: World, citizen: Citizen) -> None:
    with pytest.raises(NotFound):
        book(world, citizen) if False else services.consultation_book(
            actor=world.actor(world.foreign_nurse),
            citizen_id=citizen.pk,
            starts_at=timezone.now() + dt.timedelta(hours=1),
            duration_minutes=30,
            purpose="x",
        )
    c = book(world, citizen)
    from sammen.consultations.selectors import consultation_get

    with pytest.raises(NotFound):
        consultation_get(actor=world.actor(world.foreign_nurse), consultation_id=c.pk)


def _guest_token(outbox: list[Notification], to: str = "+4520000001") -> str:
    return token_in(next(m for m in reversed(outbox) if m.to == to and m.kind != "code"))


def test_link_works_only_from_15_minutes_before_to_the_end(
    world: World,
    citizen: Citizen,
    outbox: list[Notification],
    django_capture_on_commit_callbacks: object,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        c = book(world, citizen, minutes_from_now=60)
    token = _guest_token(outbox)
    with time_machine.travel(c.starts_at - dt.timedelta(minutes=16)), pytest.raises(NotFound):
        selectors.guest_by_token(token=token)
    with time_machine.travel(c.starts_at - dt.timedelta(minutes=15)):
        assert selectors.guest_by_token(token=token).kind == ParticipantKind.CITIZEN
    with time_machine.travel(c.ends_at - dt.timedelta(seconds=1)):
        selectors.guest_by_token(token=token)
    with time_machine.travel(c.ends_at), pytest.raises(NotFound):
        selectors.guest_by_token(token=token)
    with pytest.raises(NotFound):
        selectors.guest_by_token(token=token[:-2] + "xx")  # guessed


def test_one_time_code_is_single_use_and_throttled(
    world: World,
    citizen: Citizen,
    outbox: list[Notification],
    django_capture_on_commit_callbacks: object,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        book(world, citizen)
    token = _guest_token(outbox)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.guest_code_send(token=token)
    code = code_in(outbox[-1])
    p = Participant.objects.get(kind=ParticipantKind.CITIZEN)
    assert code not in p.code_hash
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            services.guest_verify(token=token, code=wrong, session_key="s1")
    with pytest.raises(ValidationFailed) as error:  # the right code no longer helps
        services.guest_verify(token=token, code=code, session_key="s1")
    assert "ny kode" in error.value.field_errors["code"][0]
    # A new code (after a minute) works once, for one browser session.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            services.guest_code_send(token=token)
        code = code_in(outbox[-1])
        assert services.guest_verify(token=token, code=code, session_key="s1").verified_at
        with pytest.raises(ValidationFailed):  # reused in another browser
            services.guest_verify(token=token, code=code, session_key="s2")


def test_rebook_replaces_links_and_cancel_notifies(
    world: World,
    citizen: Citizen,
    outbox: list[Notification],
    django_capture_on_commit_callbacks: object,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        c = book(world, citizen)
    old = _guest_token(outbox)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.consultation_rebook(
            actor=world.actor(world.nurse),
            consultation_id=c.pk,
            version=c.version,
            starts_at=timezone.now() + dt.timedelta(minutes=10),
            duration_minutes=45,
        )
    new = _guest_token(outbox)
    assert outbox[-1].kind == "rebooked"
    assert new != old
    with pytest.raises(NotFound):
        selectors.guest_by_token(token=old)
    c.refresh_from_db()
    assert c.duration_minutes == 45
    assert c.version == 2
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.consultation_cancel(
            actor=world.actor(world.nurse), consultation_id=c.pk, version=c.version, reason="Syg"
        )
    assert outbox[-1].kind == "cancelled"
    with pytest.raises(NotFound):
        selectors.guest_by_token(token=new)


def test_citizen_cancels_and_moves_own_visit(world: World, citizen: Citizen) -> None:
    c = book(world, citizen, minutes_from_now=24 * 60)
    other = book(world, citizen, minutes_from_now=48 * 60)
    moved = services.consultation_rebook_by_citizen(
        citizen=citizen,
        consultation_id=c.pk,
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    assert moved.version == 2
    with pytest.raises(ValidationFailed):
        services.consultation_rebook_by_citizen(
            citizen=citizen, consultation_id=c.pk, starts_at=timezone.now()
        )
    services.consultation_cancel_by_citizen(citizen=citizen, consultation_id=other.pk)
    other.refresh_from_db()
    assert other.status == ConsultationStatus.CANCELLED
    stranger = Citizen.objects.exclude(pk=citizen.pk).first()
    if stranger is not None:
        with pytest.raises(NotFound):
            services.consultation_cancel_by_citizen(citizen=stranger, consultation_id=c.pk)


def test_end_writes_a_journal_note_with_the_encounter_class(world: World, citizen: Citizen) -> None:
    c = book(world, citizen)
    services.consultation_end(
        actor=world.actor(world.nurse),
        consultation_id=c.pk,
        version=c.version,
        encounter_class=EncounterClass.PHONE,
        minutes=20,
        note="Talte om medicinen. Aftalt ny samtale om en uge.",
    )
    c.refresh_from_db()
    assert c.status == ConsultationStatus.ENDED
    assert c.encounter_class == "telefonisk"
    entry = Entry.objects.get(pk=str(c.journal_entry_id))
    assert entry.template.key == "skaermbesoeg-notat"
    assert entry.subject_code == "telefonisk"
    assert entry.data["varighed"] == 20
    from sammen.consultations.selectors import screen_visit_figures

    figures = screen_visit_figures(
        actor=world.actor(world.nurse), since=timezone.localdate(), minutes_each_way=15
    )
    assert (figures.held, figures.phone, figures.screen, figures.minutes_saved) == (1, 1, 0, 30)


def test_end_needs_a_note(world: World, citizen: Citizen) -> None:
    c = book(world, citizen)
    with pytest.raises(ValidationFailed) as error:
        services.consultation_end(
            actor=world.actor(world.nurse),
            consultation_id=c.pk,
            version=c.version,
            encounter_class="video",
            minutes=None,
            note=" ",
        )
    assert set(error.value.field_errors) == {"encounter_class", "minutes", "note"}
    assert not Entry.objects.exists()


def test_production_refuses_the_fake_notifier(settings: object) -> None:
    settings.SAMMEN_ENV = "production"  # type: ignore[attr-defined]
    settings.SAMMEN_NOTIFIER = ""  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured):
        notifier()


def test_upcoming_list_logs_each_citizen_once_and_its_queries_do_not_grow(
    world: World, citizen: Citizen
) -> None:
    from sammen.consultations.selectors import consultation_list_upcoming

    book(world, citizen)
    with CaptureQueriesContext(connection) as few:
        consultation_list_upcoming(actor=world.actor(world.nurse))
    for i in range(5):
        book(world, citizen, minutes_from_now=60 + i)
    with CaptureQueriesContext(connection) as many:
        rows = consultation_list_upcoming(actor=world.actor(world.nurse))
    assert len(rows) == 6
    assert len(many) == len(few)
    assert consultation_list_upcoming(actor=world.actor(world.foreign_nurse)) == []
