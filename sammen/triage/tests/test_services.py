"""Observations through the write kernel: scored at once, bad input refused in Danish with
nothing saved, corrections as versions, the colour raised by scores and change forms, red
notifying the responsible nurse, reviews and follow-up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction

from conftest import World
from sammen.access.models import AccessLogEntry, ChangeLogEntry
from sammen.citizens.models import Citizen
from sammen.citizens.tests.factories import citizen_create
from sammen.core.errors import Forbidden, NotFound, ValidationFailed
from sammen.triage import notify, selectors, services
from sammen.triage.models import (
    CitizenTriage,
    Colour,
    FollowUpTask,
    Immutable,
    Notification,
    Observation,
    ScoreRecord,
    TriageAssessment,
)

NOW = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC)
HABITUEL = "fc025609-8d3c-4d36-aa44-19fe839d548f"
AGITERET = "4d5eeb61-a9b4-40cc-af45-4e8e2caa6db0"

NORMAL = {
    "pulse": "72",
    "respiration": "16",
    "temperature": "37,0",
    "systolic": "130",
    "diastolic": "80",
    "spo2": "97",
    "consciousness": HABITUEL,
}


@pytest.fixture
def citizen(world: World) -> Citizen:
    return citizen_create(world.greve, first_name="Else", last_name="Jensen")


@pytest.fixture(autouse=True)
def _frozen() -> object:
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_normal_set_is_saved_scored_and_leaves_the_colour(world: World, citizen: Citizen) -> None:
    helper = world.actor(world.sosu_helper)
    saved = services.observations_record(actor=helper, citizen_id=citizen.pk, values=NORMAL)
    assert (saved.tobs.total, saved.news2.total) == (0, 0)
    assert saved.raised_to is None
    assert Observation.objects.filter(set_id=saved.set_id).count() == 7
    pulse = Observation.objects.get(set_id=saved.set_id, kind="pulse")
    assert (pulse.unit, pulse.codes["NPU"], pulse.codes["LOINC"]) == ("/min", "NPU21692", "8867-4")
    assert pulse.author == world.sosu_helper
    temp = Observation.objects.get(set_id=saved.set_id, kind="temperature")
    assert (temp.value, temp.site) == (Decimal("37.0"), "rectal")
    assert ScoreRecord.objects.filter(set_id=saved.set_id).count() == 2
    assert ChangeLogEntry.objects.filter(citizen_id=citizen.pk).exists()
    assert AccessLogEntry.objects.filter(object_type="triage", operation="create").exists()
    assert not CitizenTriage.objects.filter(citizen=citizen).exists()


def test_a_high_score_turns_the_citizen_red_and_notifies_the_nurse(
    world: World,
    citizen: Citizen,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    fake = notify.FakeSms()
    monkeypatch.setattr(notify, "_NOTIFIER", [fake])
    helper = world.actor(world.sosu_helper)
    values = {**NORMAL, "pulse": "118", "consciousness": AGITERET}
    with django_capture_on_commit_callbacks(execute=True):
        saved = services.observations_record(actor=helper, citizen_id=citizen.pk, values=values)
    assert saved.tobs.total == 3
    assert saved.raised_to == "red"
    state = CitizenTriage.objects.get(citizen=citizen)
    assert state.colour == "red"
    assessment = state.assessment
    assert (assessment.set_by, assessment.reason, assessment.text) == (
        world.sosu_helper,
        "score",
        "TOBS 3",
    )
    assert assessment.review_due == NOW + dt.timedelta(hours=24)
    note = Notification.objects.get(citizen=citizen)
    assert note.recipient == world.nurse
    assert "Else Jensen er rød" in note.text
    assert fake.sent == [(world.nurse.pk, "Sammen: en borger i dit team er rød. Se tavlen.")]


def test_a_lower_score_never_lowers_the_colour_by_itself(world: World, citizen: Citizen) -> None:
    helper = world.actor(world.sosu_helper)
    services.observations_record(
        actor=helper, citizen_id=citizen.pk, values={**NORMAL, "pulse": "95"}
    )
    assert CitizenTriage.objects.get(citizen=citizen).colour == "yellow"
    services.observations_record(actor=helper, citizen_id=citizen.pk, values=NORMAL)
    assert CitizenTriage.objects.get(citizen=citizen).colour == "yellow"
    nurse = world.actor(world.nurse)
    services.triage_review(actor=nurse, citizen_id=citizen.pk, colour="green", text="Habituel igen")
    state = CitizenTriage.objects.get(citizen=citizen)
    assert (state.colour, state.review_due, state.assessment.set_by) == ("green", None, world.nurse)
    assert TriageAssessment.objects.filter(citizen=citizen).count() == 2


def test_a_helper_cannot_review_the_colour(world: World, citizen: Citizen) -> None:
    with pytest.raises(Forbidden):
        services.triage_review(
            actor=world.actor(world.sosu_helper), citizen_id=citizen.pk, colour="green", text="x"
        )


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        ("pulse", "0", "Puls skal ligge mellem 20 og 250/min."),
        ("pulse", "400", "Puls skal ligge mellem 20 og 250/min."),
        ("temperature", "60", "Temperatur skal ligge mellem 25 og 45 °C."),
        (
            "spo2",
            "101",
            "Iltmætning (SpO2) skal ligge mellem 50 og 100 %. "
            "Iltmætningen kan ikke være over 100 %.",
        ),
        ("weight", "65000", "Vægt skal ligge mellem 20 og 350 kg. Angiv vægten i kg, ikke i gram."),
        (
            "temperature",
            "37,5,1",
            "Skriv et tal, fx 37,5 (højst ét komma, ingen tusindtalsseparator).",
        ),
        ("weight", "1.234,5", "Skriv et tal, fx 37,5 (højst ét komma, ingen tusindtalsseparator)."),
        ("pulse", "72,5", "Angiv puls i hele tal."),
        ("pulse", "abc", "Skriv et tal, fx 37,5 (højst ét komma, ingen tusindtalsseparator)."),
    ],
)
def test_bad_values_are_refused_in_danish_and_nothing_is_saved(
    world: World, citizen: Citizen, field: str, raw: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.observations_record(
            actor=world.actor(world.sosu_helper),
            citizen_id=citizen.pk,
            values={**NORMAL, field: raw},
        )
    assert caught.value.field_errors[field] == [message]
    assert Observation.objects.count() == 0


def test_implausible_but_possible_asks_for_confirmation(world: World, citizen: Citizen) -> None:
    helper = world.actor(world.sosu_helper)
    with pytest.raises(ValidationFailed) as caught:
        services.observations_record(
            actor=helper, citizen_id=citizen.pk, values={**NORMAL, "pulse": "190"}
        )
    assert "usædvanligt" in caught.value.field_errors["pulse"][0]
    saved = services.observations_record(
        actor=helper, citizen_id=citizen.pk, values={**NORMAL, "pulse": "190"}, confirmed=True
    )
    assert saved.tobs.total == 3


def test_a_measurement_in_the_future_is_refused(world: World, citizen: Citizen) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.observations_record(
            actor=world.actor(world.sosu_helper),
            citizen_id=citizen.pk,
            values=NORMAL,
            measured_at=NOW + dt.timedelta(hours=1),
        )
    assert caught.value.field_errors["measured_at"] == ["Målingen kan ikke ligge i fremtiden."]


def test_scale_two_needs_the_documented_decision(world: World, citizen: Citizen) -> None:
    helper = world.actor(world.sosu_helper)
    with pytest.raises(ValidationFailed) as caught:
        services.observations_record(
            actor=helper, citizen_id=citizen.pk, values={**NORMAL, "spo2": "89"}, spo2_scale=2
        )
    assert "hyperkapnisk" in caught.value.field_errors["spo2_scale"][0]
    with pytest.raises(Forbidden):  # a SOSU helper cannot document the clinical decision
        services.scale_two_record(actor=helper, citizen_id=citizen.pk, active=True, reason="KOL")
    services.scale_two_record(
        actor=world.actor(world.nurse),
        citizen_id=citizen.pk,
        active=True,
        reason="KOL, mål 88–92 %",
    )
    saved = services.observations_record(
        actor=helper, citizen_id=citizen.pk, values={**NORMAL, "spo2": "89"}, spo2_scale=2
    )
    assert saved.news2.total == 0


def test_a_partial_set_has_no_total(world: World, citizen: Citizen) -> None:
    saved = services.observations_record(
        actor=world.actor(world.sosu_helper), citizen_id=citizen.pk, values={"pulse": "118"}
    )
    assert saved.tobs.total is None
    assert saved.tobs.known == 2
    record = ScoreRecord.objects.get(set_id=saved.set_id, system="tobs")
    assert (record.total, record.known) == (None, 2)
    assert "respiration" in record.missing


def test_values_from_an_earlier_visit_within_the_window_complete_the_set(
    world: World, citizen: Citizen
) -> None:
    helper = world.actor(world.sosu_helper)
    services.observations_record(
        actor=helper,
        citizen_id=citizen.pk,
        values={"respiration": "16", "temperature": "37,0", "consciousness": HABITUEL},
        measured_at=NOW - dt.timedelta(minutes=30),
    )
    saved = services.observations_record(
        actor=helper, citizen_id=citizen.pk, values={"pulse": "72", "systolic": "130"}
    )
    assert saved.tobs.total == 0
    stale = services.observations_record(
        actor=helper,
        citizen_id=citizen.pk,
        values={"pulse": "72", "systolic": "130"},
        measured_at=NOW + dt.timedelta(minutes=5),
    )
    assert stale.tobs.total == 0  # 35 minutes: still fresh
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        late = services.observations_record(
            actor=helper, citizen_id=citizen.pk, values={"pulse": "72", "systolic": "130"}
        )
    assert late.tobs.total is None
    assert set(late.tobs.stale) == {"respiration", "temperature", "consciousness"}


def test_a_correction_is_a_new_version_and_rescored(world: World, citizen: Citizen) -> None:
    helper = world.actor(world.sosu_helper)
    saved = services.observations_record(
        actor=helper, citizen_id=citizen.pk, values={**NORMAL, "pulse": "118"}
    )
    pulse = Observation.objects.get(set_id=saved.set_id, kind="pulse")
    with pytest.raises(ValidationFailed):
        services.observation_correct(actor=helper, observation_id=pulse.pk, value="78", reason="")
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        corrected = services.observation_correct(
            actor=helper, observation_id=pulse.pk, value="78", reason="Tastefejl"
        )
    assert (corrected.version, corrected.replaces, corrected.value) == (2, pulse, Decimal("78"))
    pulse.refresh_from_db()
    assert pulse.value == Decimal("118")  # the first version stays readable
    newest = ScoreRecord.objects.filter(set_id=saved.set_id, system="tobs").order_by("-created_at")
    assert [r.total for r in newest] == [0, 2]
    with pytest.raises(ValidationFailed):
        services.observation_correct(actor=helper, observation_id=pulse.pk, value="80", reason="x")


def test_observations_are_append_only(world: World, citizen: Citizen) -> None:
    saved = services.observations_record(
        actor=world.actor(world.sosu_helper), citizen_id=citizen.pk, values=NORMAL
    )
    obs = saved.observations[0]
    with pytest.raises(Immutable):
        obs.save()
    with pytest.raises(Immutable):
        Observation.objects.filter(pk=obs.pk).update(value=1)
    with pytest.raises(Immutable):
        obs.delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE triage_observation SET value = 1 WHERE id = %s",
            [obs.pk.hex if connection.vendor == "sqlite" else obs.pk],
        )


def test_another_municipality_cannot_record(world: World, citizen: Citizen) -> None:
    with pytest.raises(NotFound):
        services.observations_record(
            actor=world.actor(world.foreign_nurse), citizen_id=citizen.pk, values=NORMAL
        )
    assert Observation.objects.count() == 0


def test_change_form_suggests_by_rules_in_data(world: World, citizen: Citizen) -> None:
    helper = world.actor(world.sosu_helper)
    yellow = services.change_report_record(
        actor=helper, citizen_id=citizen.pk, items=["spise-drikke/drikker-mindre"]
    )
    assert (yellow.suggested, yellow.raised_to) == ("yellow", "yellow")
    red = services.change_report_record(
        actor=helper,
        citizen_id=citizen.pk,
        items=["psykisk-socialt/forvirret"],
        source="relative",
        note="Datteren ringede",
    )
    assert (red.suggested, red.raised_to) == ("red", "red")
    state = CitizenTriage.objects.get(citizen=citizen)
    assert (state.colour, state.assessment.reason) == ("red", "relative")
    three = services.change_report_record(
        actor=helper,
        citizen_id=citizen.pk,
        items=["hjemmet/uorden", "medicin/ikke-taget", "spise-drikke/spiser-mindre"],
    )
    assert three.suggested == "red"  # three or more ticks: red (red_when_count in data)
    with pytest.raises(ValidationFailed):
        services.change_report_record(actor=helper, citizen_id=citizen.pk, items=["nope/x"])
    with pytest.raises(ValidationFailed):
        services.change_report_record(actor=helper, citizen_id=citizen.pk, items=[])


def test_follow_up_with_owner_and_due_time_closed_by_a_helper(
    world: World, citizen: Citizen
) -> None:
    nurse = world.actor(world.nurse)
    services.change_report_record(
        actor=nurse, citizen_id=citizen.pk, items=["fysiske-klager/aandenoed"]
    )
    task = services.follow_up_create(
        actor=nurse,
        citizen_id=citizen.pk,
        title="Ring til egen læge",
        owner_id=world.sosu_helper.pk,
        due_hours=24,
    )
    assert task.due_at == NOW + dt.timedelta(hours=24)
    assert task.assessment is not None
    with pytest.raises(ValidationFailed):
        services.follow_up_create(
            actor=nurse,
            citizen_id=citizen.pk,
            title="x",
            owner_id=world.sosu_helper.pk,
            due_hours=5,
        )
    with pytest.raises(ValidationFailed):  # an owner of another municipality is no owner
        services.follow_up_create(
            actor=nurse,
            citizen_id=citizen.pk,
            title="x",
            owner_id=world.foreign_nurse.pk,
            due_hours=24,
        )
    closed = services.follow_up_close(
        actor=world.actor(world.sosu_helper), task_id=task.pk, note="Lægen kommer", version=1
    )
    assert closed.done_by == world.sosu_helper
    assert FollowUpTask.objects.get(pk=task.pk).version == 2


def test_the_board_lists_yellow_and_red_with_tasks_and_flags(
    world: World, citizen: Citizen
) -> None:
    helper = world.actor(world.sosu_helper)
    other = citizen_create(world.greve, first_name="Poul", last_name="Berg")
    calm = citizen_create(world.greve, first_name="Anna", last_name="Holm")
    services.observations_record(actor=helper, citizen_id=calm.pk, values=NORMAL)
    for days, kg in [(60, "70"), (30, "68"), (0, "66")]:
        with time_machine.travel(NOW - dt.timedelta(days=days), tick=False):
            services.observations_record(
                actor=helper, citizen_id=citizen.pk, values={**NORMAL, "pulse": "95", "weight": kg}
            )
    services.change_report_record(
        actor=helper, citizen_id=other.pk, items=["psykisk-socialt/forvirret"]
    )
    task = services.follow_up_create(
        actor=world.actor(world.nurse),
        citizen_id=other.pk,
        title="Tilse i aften",
        owner_id=world.sosu_helper.pk,
        due_hours=24,
    )
    with time_machine.travel(NOW + dt.timedelta(hours=25), tick=False):
        b = selectors.board(actor=world.actor(world.nurse))
    assert [r.citizen.first_name for r in b.rows] == ["Poul", "Else"]  # red first
    poul, else_ = b.rows
    assert [t.task for t in poul.tasks] == [task]
    assert poul.tasks[0].overdue
    assert poul.review_overdue  # the red colour's review is due: it stays red, marked
    assert poul.triage.colour == Colour.RED
    assert else_.tobs_trend == [1, 1, 1]
    assert else_.weight_trend == [Decimal("70.00"), Decimal("68.00"), Decimal("66.00")]
    assert any("Vægttab" in f for f in else_.flags)
    assert AccessLogEntry.objects.filter(object_type="triage", operation="view").count() == 2
    assert selectors.board(actor=world.actor(world.foreign_nurse)).rows == []
