"""Break-the-glass (SECURITY.md T05)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from conftest import World
from sammen.access import services
from sammen.access.models import AccessGrant, AccessLogEntry, CitizenAccessRecord, ReviewItem
from sammen.citizens import selectors
from sammen.citizens.models import Citizen
from sammen.citizens.tests.factories import citizen_create
from sammen.core.errors import ValidationFailed
from sammen.organisation.tests import factories as f

REASON_TEXT = "Borgeren har ringet akut, hendes team er ikke på arbejde."


@pytest.fixture(autouse=True)
def _daytime() -> object:
    """Grants at night add a second review item; these tests are about the day case."""
    import zoneinfo

    day = dt.datetime(2026, 3, 4, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Copenhagen"))
    with time_machine.travel(day, tick=True):
        yield


@pytest.fixture
def stranger(world: World) -> Citizen:
    """A citizen of Greve that the nurse has no care relation to."""
    return citizen_create(world.greve, "Grethe", "Fremmed", responsible=world.training_team)


@pytest.mark.parametrize(("reason", "text"), [("", REASON_TEXT), ("akut", ""), ("akut", "kort")])
def test_a_no_reason_is_denied_and_logged(
    world: World, stranger: Citizen, reason: str, text: str
) -> None:
    with pytest.raises(ValidationFailed):
        services.grant_create(
            actor=world.actor(world.nurse),
            citizen_id=stranger.pk,
            reason=reason,
            reason_text=text,
        )
    assert not AccessGrant.objects.exists()
    row = AccessLogEntry.objects.get(citizen_id=stranger.pk)
    assert (row.outcome, row.severity, row.operation) == ("denied", "high", "grant")


def test_b_with_reason_opens_one_citizen_for_a_window(world: World, stranger: Citizen) -> None:
    actor = world.actor(world.nurse)
    grant = services.grant_create(
        actor=actor,
        citizen_id=stranger.pk,
        reason="akut",
        reason_text=REASON_TEXT,
    )
    expected = dt.timedelta(hours=settings.SAMMEN_BREAK_THE_GLASS_HOURS)
    assert abs((grant.expires_at - grant.created_at) - expected) < dt.timedelta(seconds=5)
    event = AccessLogEntry.objects.get(operation="grant")
    assert (event.severity, event.purpose, event.grant_id) == ("high", "break_the_glass", grant.pk)
    assert ReviewItem.objects.filter(grant=grant, kind="break_the_glass").exists()
    citizen = selectors.citizen_get(actor=actor, citizen_id=stranger.pk)
    read = AccessLogEntry.objects.filter(operation="view", citizen_id=citizen.pk).get()
    assert read.grant_id == grant.pk
    assert read.purpose == "break_the_glass"
    record = CitizenAccessRecord.objects.get(access_seq=read.seq)
    assert record.break_the_glass


def test_c_expired_grant_is_denied(world: World, stranger: Citizen) -> None:
    actor = world.actor(world.nurse)
    services.grant_create(
        actor=actor, citizen_id=stranger.pk, reason="akut", reason_text=REASON_TEXT
    )
    later = timezone.now() + dt.timedelta(hours=settings.SAMMEN_BREAK_THE_GLASS_HOURS, minutes=1)
    with time_machine.travel(later, tick=False):
        response = world.client(world.nurse).get(f"/borgere/{stranger.pk}/")
    assert response.status_code == 403


def test_d_grant_is_for_one_citizen_only(world: World, stranger: Citizen) -> None:
    other = citizen_create(world.greve, "Anden", "Borger", responsible=world.training_team)
    client = world.client(world.nurse)
    client.post(
        f"/adgang/udvidet/{stranger.pk}/",
        {"reason": "akut", "reason_text": REASON_TEXT},
    )
    assert client.get(f"/borgere/{stranger.pk}/").status_code == 200
    assert client.get(f"/borgere/{other.pk}/").status_code == 403


def test_e_nobody_reviews_their_own_grant(world: World, stranger: Citizen) -> None:
    leader = world.actor(world.leader)
    services.grant_create(
        actor=leader, citizen_id=stranger.pk, reason="vikar", reason_text=REASON_TEXT
    )
    item = ReviewItem.objects.get(kind="break_the_glass")
    with pytest.raises(ValidationFailed):
        services.review_item_resolve(actor=leader, item=item, comment="ok", approved=True)


def test_no_silent_extension_every_grant_needs_its_own_reason(
    world: World, stranger: Citizen
) -> None:
    actor = world.actor(world.nurse)
    first = services.grant_create(
        actor=actor, citizen_id=stranger.pk, reason="akut", reason_text=REASON_TEXT
    )
    with pytest.raises(ValidationFailed):
        services.grant_create(actor=actor, citizen_id=stranger.pk, reason="akut", reason_text="")
    second = services.grant_create(
        actor=actor,
        citizen_id=stranger.pk,
        reason="vikar",
        reason_text="Dækker vagt for kollega i aften.",
    )
    assert first.pk != second.pk
    first.refresh_from_db()
    assert first.expires_at < second.expires_at
    assert ReviewItem.objects.filter(kind="break_the_glass").count() == 2


def test_grant_form_flow_and_foreign_id(world: World, stranger: Citizen) -> None:
    client = world.client(world.nurse)
    page = client.get(f"/adgang/udvidet/{stranger.pk}/")
    assert page.status_code == 200
    assert "Grethe" not in page.text  # nothing about the citizen before the grant
    bad = client.post(f"/adgang/udvidet/{stranger.pk}/", {"reason": "akut", "reason_text": ""})
    assert bad.status_code == 422
    assert "Beskriv kort, hvorfor du har brug for adgang" in bad.text
    foreign = citizen_create(world.solrod)
    assert client.get(f"/adgang/udvidet/{foreign.pk}/").status_code == 404
    assert (
        client.post(
            f"/adgang/udvidet/{foreign.pk}/", {"reason": "akut", "reason_text": REASON_TEXT}
        ).status_code
        == 404
    )
    assert not AccessGrant.objects.exists()


def test_review_queue_is_for_leaders_and_logged(world: World, stranger: Citizen) -> None:
    services.grant_create(
        actor=world.actor(world.nurse),
        citizen_id=stranger.pk,
        reason="akut",
        reason_text=REASON_TEXT,
    )
    assert world.client(world.nurse).get("/adgang/gennemgang/").status_code == 403
    page = world.client(world.leader).get("/adgang/gennemgang/")
    assert page.status_code == 200
    assert "Udvidet adgang" in page.text
    assert "Grethe Fremmed" in page.text
    logged = AccessLogEntry.objects.filter(object_type="review_queue", citizen_id=stranger.pk)
    assert logged.count() == 1
    item = ReviewItem.objects.get(kind="break_the_glass")
    response = world.client(world.leader).post(
        f"/adgang/gennemgang/{item.pk}/",
        {"comment": "Talt med Birgitte, i orden.", "approved": "1"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.reviewed_by == world.leader
    assert AccessGrant.objects.get().review_approved is True


def test_foreign_leader_cannot_review(world: World, stranger: Citizen) -> None:
    services.grant_create(
        actor=world.actor(world.nurse),
        citizen_id=stranger.pk,
        reason="akut",
        reason_text=REASON_TEXT,
    )
    item = ReviewItem.objects.get(kind="break_the_glass")
    from sammen.organisation.models import Role

    foreign_leader = f.staff_create(world.solrod_team, Role.LEADER)
    response = f.logged_in_client(foreign_leader).post(
        f"/adgang/gennemgang/{item.pk}/", {"comment": "x", "approved": "1"}
    )
    assert response.status_code == 404


def test_grant_cannot_be_turned_into_permanent_access(world: World, stranger: Citizen) -> None:
    """Break-the-glass is for looking now: no moving responsibility or adding consents."""
    client = world.client(world.nurse)
    client.post(f"/adgang/udvidet/{stranger.pk}/", {"reason": "akut", "reason_text": REASON_TEXT})
    response = client.post(
        f"/borgere/{stranger.pk}/ansvar/",
        {"unit": world.home_care_team.pk, "since": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403
    assert stranger.responsibilities.get(until__isnull=True).unit == world.training_team
    response = client.post(
        f"/borgere/{stranger.pk}/samtykker/ny/",
        {"area": "aeldre_sundhed", "scope": "alle", "basis": "samtykke", "given_on": "2026-01-02"},
    )
    assert response.status_code == 403
    assert not stranger.consents.exists()
