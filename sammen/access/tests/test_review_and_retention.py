"""Review patterns (T11), retention (T13), and the citizen's own log (T12)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import World
from sammen.access import services
from sammen.access.log import access_log_record
from sammen.access.models import AccessLogEntry, CitizenAccessRecord, ReviewItem
from sammen.access.sealing import access_log_seal, access_log_verify
from sammen.citizens.models import Citizen, CitizenAccount
from sammen.citizens.tests.factories import citizen_create
from sammen.organisation.models import User

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")


def test_many_citizens_within_an_hour_becomes_one_review_item(world: World) -> None:
    actor = world.actor(world.nurse)
    start = dt.datetime(2026, 3, 2, 10, 0, tzinfo=CPH)
    citizens = [citizen_create(world.greve, "Mange", f"B{i}") for i in range(45)]
    for i, c in enumerate(citizens):
        with time_machine.travel(start + dt.timedelta(minutes=i), tick=False):
            access_log_record(actor=actor, citizen_ids=[c.pk], operation="view")
    created = services.access_review_scan(
        municipality_id=world.greve.pk,
        since=start - dt.timedelta(hours=1),
        until=start + dt.timedelta(hours=2),
    )
    assert created == 1
    item = ReviewItem.objects.get(kind="many_citizens")
    assert item.staff == world.nurse
    assert "45 forskellige borgere" in item.details
    # Idempotent: scanning again adds nothing.
    assert (
        services.access_review_scan(
            municipality_id=world.greve.pk,
            since=start - dt.timedelta(hours=1),
            until=start + dt.timedelta(hours=2),
        )
        == 0
    )


def test_spread_out_reading_is_not_flagged(world: World) -> None:
    actor = world.actor(world.nurse)
    start = dt.datetime(2026, 3, 2, 8, 0, tzinfo=CPH)
    for i in range(45):
        c = citizen_create(world.greve, "Rolig", f"B{i}")
        with time_machine.travel(start + dt.timedelta(minutes=5 * i), tick=False):
            access_log_record(actor=actor, citizen_ids=[c.pk], operation="view")
    services.access_review_scan(
        municipality_id=world.greve.pk, since=start, until=start + dt.timedelta(days=1)
    )
    assert not ReviewItem.objects.filter(kind="many_citizens").exists()


def test_same_surname_and_own_address_are_flagged(world: World) -> None:
    nurse = world.nurse
    nurse.last_name, nurse.home_street, nurse.home_house_number, nurse.home_postcode = (
        "Østergaard",
        "Kirkevej",
        "8",
        "2670",
    )
    nurse.save()
    actor = world.actor(nurse)
    relative = citizen_create(world.greve, "Jens", "Oestergaard")
    neighbour = citizen_create(world.greve, "Lis", "Madsen", street="Kirkevej", house_number="8")
    stranger = citizen_create(world.greve, "Bo", "Berg")
    access_log_record(
        actor=actor, citizen_ids=[relative.pk, neighbour.pk, stranger.pk], operation="view"
    )
    services.access_review_scan(
        municipality_id=world.greve.pk, since=timezone.now() - dt.timedelta(hours=1)
    )
    kinds = {(i.kind, i.citizen_id) for i in ReviewItem.objects.all()}
    assert kinds == {("same_surname", relative.pk), ("same_address", neighbour.pk)}


def test_break_the_glass_at_night_is_flagged(world: World) -> None:
    citizen = citizen_create(world.greve, responsible=world.training_team)
    night = dt.datetime(2026, 3, 3, 2, 30, tzinfo=CPH)
    with time_machine.travel(night, tick=False):
        services.grant_create(
            actor=world.actor(world.nurse),
            citizen_id=citizen.pk,
            reason="akut",
            reason_text="Nattevagt: borgeren er faldet.",
        )
    assert set(ReviewItem.objects.values_list("kind", flat=True)) == {
        "break_the_glass",
        "night_grant",
    }


def _age_log(world: World, when: dt.datetime, citizen_pk: uuid.UUID) -> None:
    with time_machine.travel(when, tick=False):
        access_log_record(
            actor=world.actor(world.nurse), citizen_ids=[citizen_pk], operation="view"
        )


def test_retention_prunes_exactly_and_chain_still_verifies(world: World) -> None:
    citizen = citizen_create(world.greve)
    now = dt.datetime(2026, 11, 1, 12, 0, tzinfo=CPH)
    days = settings.SAMMEN_ACCESS_LOG_RETENTION_DAYS
    old = now - dt.timedelta(days=days + 1)
    young = now - dt.timedelta(days=days - 1)
    ancient = now - dt.timedelta(days=settings.SAMMEN_CITIZEN_LOG_RETENTION_DAYS + 1)
    for when in (ancient, old, young):
        _age_log(world, when, citizen.pk)
    with time_machine.travel(now, tick=False):
        access_log_seal()  # the sealer runs on its own; retention takes only sealed rows
        totals = services.access_log_prune()
    assert totals == {"access_log": 2, "citizen_log": 1}
    remaining = list(AccessLogEntry.objects.order_by("seq").values_list("at", "operation"))
    assert [op for _at, op in remaining] == ["view", "prune"]
    assert remaining[0][0] == young
    assert CitizenAccessRecord.objects.filter(citizen_id=citizen.pk).count() == 2  # old + young
    assert list(access_log_verify(now=now)) == []  # verified the same day the job ran
    prune = AccessLogEntry.objects.get(operation="prune")
    assert "sikkerhedslog: 2 rækker" in prune.criterion


def test_pruning_never_touches_journal_or_other_tables(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 1, tzinfo=CPH), tick=False):
        assert services.access_log_prune() == {"access_log": 0, "citizen_log": 0}
    assert not AccessLogEntry.objects.filter(operation="prune").exists()


@pytest.fixture
def citizen_login(world: World) -> tuple[Client, Citizen]:
    citizen = citizen_create(world.greve, "Karen", "Borger")
    user = User.objects.create_user(username="karen", password="borger-demo-2026-x")
    CitizenAccount.objects.create(user=user, citizen=citizen)
    client = Client()
    client.post("/log-ind/", {"username": "karen", "password": "borger-demo-2026-x"})
    return client, citizen


def test_citizen_log_matches_access_log_one_to_one(
    world: World, citizen_login: tuple[Client, Citizen]
) -> None:
    client, citizen = citizen_login
    nurse = world.client(world.nurse)
    nurse.get(f"/borgere/{citizen.pk}/")
    nurse.post("/borgere/", {"q": "karen"})
    page = client.get("/min-side/")
    assert page.status_code == 200
    assert "Hvem har set mine oplysninger?" in page.text
    staff_rows = AccessLogEntry.objects.filter(
        citizen_id=citizen.pk,
        outcome="success",
        staff_id__isnull=False,
    )
    records = CitizenAccessRecord.objects.filter(citizen_id=citizen.pk)
    assert sorted(r.seq for r in staff_rows) == sorted(r.access_seq for r in records)
    assert page.text.count("Team Nord A") == staff_rows.count()
    assert "Birgitte" not in page.text  # names hidden by default
    # The citizen's own look is logged (purpose citizen_self), not shown as someone else's.
    assert AccessLogEntry.objects.filter(purpose="citizen_self").count() == 1


def test_citizen_log_shows_names_when_the_municipality_decides(
    world: World, citizen_login: tuple[Client, Citizen]
) -> None:
    client, citizen = citizen_login
    world.client(world.nurse).get(f"/borgere/{citizen.pk}/")
    world.greve.show_staff_names_to_citizens = True
    world.greve.save()
    assert "Birgitte Person" in client.get("/min-side/").text


def test_citizen_log_exports_csv_and_pdf(
    world: World, citizen_login: tuple[Client, Citizen]
) -> None:
    client, citizen = citizen_login
    stranger_nurse = world.actor(world.therapist)
    services.grant_create(
        actor=stranger_nurse,
        citizen_id=citizen.pk,
        reason="akut",
        reason_text="Akut henvendelse fra egen læge.",
    )
    world.client(world.therapist).get(f"/borgere/{citizen.pk}/")
    response = client.get("/min-side/log.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Tidspunkt", "Enhed", "Formål", "Handling", "Udvidet adgang"]
    assert any(r[4] == "Ja" for r in rows[1:])
    pdf = client.get("/min-side/log.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_citizen_cannot_reach_staff_pages_and_staff_cannot_reach_min_side(
    world: World, citizen_login: tuple[Client, Citizen]
) -> None:
    client, citizen = citizen_login
    assert client.get(f"/borgere/{citizen.pk}/").status_code == 403
    assert client.get("/administration/").status_code == 403
    assert world.client(world.nurse).get("/min-side/").status_code == 403


def test_pdf_handles_names_outside_latin_1(
    world: World, citizen_login: tuple[Client, Citizen], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, citizen = citizen_login
    citizen.last_name = "Wiśniewska"
    citizen.save()
    world.client(world.nurse).get(f"/borgere/{citizen.pk}/")
    assert client.get("/min-side/log.pdf").content.startswith(b"%PDF")
    from sammen.access import views

    monkeypatch.setattr(views, "UNICODE_FONT", Path("/findes/ikke.ttf"))
    assert client.get("/min-side/log.pdf").content.startswith(b"%PDF")
    family, text = views._pdf_font(
        views.FPDF() if hasattr(views, "FPDF") else __import__("fpdf").FPDF()
    )
    assert (family, text("Wiśniewska – Åse")) == ("Helvetica", "Wisniewska - Åse")


def test_prune_takes_old_imported_rows_and_keeps_young_ones_verifiable(world: World) -> None:
    """Retention goes by each row's time, not its position: an old row imported after a young
    one is pruned, the young one stays, and the signed leaves tell the verifier which rows
    retention was allowed to remove."""
    from sammen.access.log import access_log_import

    citizen = citizen_create(world.greve)
    now = timezone.now()
    access_log_record(actor=world.actor(world.nurse), citizen_ids=[citizen.pk], operation="view")
    access_log_import(
        municipality_id=world.greve.pk,
        events=[
            {
                "at": now - dt.timedelta(days=300),
                "staff_id": world.nurse.pk,
                "role": "sygeplejerske",
                "unit_id": world.home_care_team.pk,
                "unit_name": "Team Nord A",
                "citizen_id": citizen.pk,
                "operation": "view",
                "purpose": "care_relation",
            }
        ],
    )
    access_log_seal()
    assert services.access_log_prune() == {"access_log": 1, "citizen_log": 0}
    assert AccessLogEntry.objects.filter(operation="view").count() == 1
    assert list(access_log_verify()) == []


def test_a_young_row_deleted_by_hand_is_not_taken_for_retention(world: World) -> None:
    from sammen.access.tests.insider import insider

    citizen = citizen_create(world.greve)
    rows = access_log_record(
        actor=world.actor(world.nurse), citizen_ids=[citizen.pk], operation="view"
    )
    access_log_seal()
    assert services.access_log_prune() == {"access_log": 0, "citizen_log": 0}
    with insider() as cursor:
        cursor.execute("DELETE FROM access_accesslogentry WHERE seq = %s", [rows[0].seq])
    problems = [str(p) for p in access_log_verify()]
    assert problems[0] == f"access_log: forsegling 1, række {rows[0].seq}: rækken er slettet"


def test_rows_not_yet_sealed_are_not_pruned(world: World, settings: Any) -> None:
    citizen = citizen_create(world.greve)
    old = timezone.now() - dt.timedelta(days=settings.SAMMEN_ACCESS_LOG_RETENTION_DAYS + 5)
    with time_machine.travel(old, tick=False):
        access_log_record(
            actor=world.actor(world.nurse), citizen_ids=[citizen.pk], operation="view"
        )
    assert services.access_log_prune() == {"access_log": 0, "citizen_log": 0}  # not sealed
    assert AccessLogEntry.objects.filter(operation="view").count() == 1


def test_too_long_break_the_glass_reason_is_422_not_500(world: World) -> None:
    citizen = citizen_create(world.greve, responsible=world.training_team)
    response = world.client(world.nurse).post(
        f"/adgang/udvidet/{citizen.pk}/", {"reason": "akut", "reason_text": "x" * 600}
    )
    assert response.status_code == 422
    assert "højst 500 tegn" in response.text


def test_retention_periods_come_from_the_signed_statement(world: World, settings: Any) -> None:
    """A verifier with a shorter retention setting does not excuse a deleted row."""
    from sammen.access.tests.insider import insider

    citizen = citizen_create(world.greve)
    two_days_ago = timezone.now() - dt.timedelta(days=2)
    with time_machine.travel(two_days_ago, tick=False):
        rows = access_log_record(
            actor=world.actor(world.nurse), citizen_ids=[citizen.pk], operation="view"
        )
        access_log_seal()
    with insider() as cursor:
        cursor.execute("DELETE FROM access_accesslogentry WHERE seq = %s", [rows[0].seq])
    settings.SAMMEN_ACCESS_LOG_RETENTION_DAYS = 1
    problems = [str(p) for p in access_log_verify()]
    assert f"række {rows[0].seq}: rækken er slettet" in "\n".join(problems)


def test_retention_refuses_to_build_on_a_forged_checkpoint(world: World) -> None:
    from sammen.access.models import Checkpoint
    from sammen.access.sealing import SealRefused

    citizen = citizen_create(world.greve)
    access_log_record(actor=world.actor(world.nurse), citizen_ids=[citizen.pk], operation="view")
    checkpoint = access_log_seal()
    assert checkpoint is not None
    statement = checkpoint.statement.replace('"number":1', '"number":2')
    Checkpoint.objects.create(  # the app's role may insert here: the signature is what counts
        number=2,
        created_at=checkpoint.created_at,
        statement=statement.replace('"last":', '"last":1000000000000,"x":'),
        signature="00" * 64,
        key_id=checkpoint.key_id,
        leaves=checkpoint.leaves,
    )
    with pytest.raises(SealRefused):
        services.access_log_prune()
    with pytest.raises(SealRefused):
        access_log_seal()
