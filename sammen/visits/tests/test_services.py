from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from conftest import World
from sammen.access.models import ChangeLogEntry
from sammen.care_plans import services as cp_services
from sammen.care_plans.models import FollowUp
from sammen.care_plans.tests import factories as cp
from sammen.citizens import services as citizen_services
from sammen.citizens.models import Citizen, CitizenStatus
from sammen.core.errors import ValidationFailed
from sammen.organisation.models import StaffMember
from sammen.visits import services
from sammen.visits.models import (
    CancelReason,
    Delivery,
    DeliveryLine,
    Visit,
    VisitService,
    VisitStatus,
)
from sammen.visits.tests.conftest import committed, grant
from sammen.visits.tests.factories import assign_all, deliver

pytestmark = pytest.mark.django_db


def _today(citizen: Citizen) -> list[Visit]:
    return list(
        Visit.objects.filter(citizen=citizen, day=timezone.localdate()).order_by("window_start")
    )


def test_a_decision_makes_the_visit_plan_for_fourteen_days(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    grant(world, assessor, citizen, per="day", times=2, weekdays=())
    visits = Visit.objects.filter(citizen=citizen)
    assert visits.count() == 28  # 2 a day for 14 days, made after the decision's commit
    first = _today(citizen)[0]
    assert timezone.localtime(first.window_start).strftime("%H:%M") == "07:30"
    assert timezone.localtime(first.window_end).strftime("%H:%M") == "08:30"
    assert first.unit_id == world.home_care_team.pk
    vs = first.services.get()
    assert vs.minutes == 25
    assert vs.instructions == "Jeg vil gerne i bad om morgenen."
    assert vs.title
    assert vs.title != vs.code
    # Generating again changes nothing (idempotent).
    again = services.visit_plan_generate(municipality=world.greve, citizen_ids=[citizen.pk])
    assert (again.created, again.cancelled, again.removed) == (0, 0, 0)
    assert Visit.objects.filter(citizen=citizen).count() == 28


def test_weekly_services_fall_on_their_weekdays(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    grant(world, assessor, citizen, per="week", times=2, weekdays=(1, 4))
    days = {v.day.isoweekday() for v in Visit.objects.filter(citizen=citizen)}
    assert days == {1, 4}
    assert Visit.objects.filter(citizen=citizen).count() == 4


def test_ending_a_service_cancels_future_visits_but_keeps_delivered_and_past(
    world: World, assessor: StaffMember, citizen: Citizen, frozen: object
) -> None:
    service = grant(world, assessor, citizen, per="day", times=2, weekdays=())
    morning, evening = _today(citizen)
    assign_all(world.actor(world.leader), world.sosu_helper, [morning, evening])
    frozen.move_to(timezone.now() + dt.timedelta(hours=1, minutes=10))  # type: ignore[attr-defined]
    assert deliver(world.actor(world.sosu_helper), morning).result == "accepted"
    follow_up = FollowUp.objects.get(service=service)
    with committed():
        cp_services.follow_up_record(
            actor=world.actor(assessor),
            follow_up_id=follow_up.pk,
            version=follow_up.version,
            result_code="E3",
            note="Klarer sig selv",
        )
    morning.refresh_from_db()
    evening.refresh_from_db()
    assert morning.status == VisitStatus.DELIVERED  # delivered: untouched
    assert evening.status == VisitStatus.CANCELLED
    assert evening.cancel_reason == CancelReason.SERVICE_ENDED
    future = Visit.objects.filter(citizen=citizen, day__gt=timezone.localdate())
    assert future.exists()
    assert not future.exclude(status=VisitStatus.CANCELLED).exists()


def test_death_and_moving_away_cancel_the_plan(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    with committed():
        citizen_services.citizen_set_status(
            actor=world.actor(world.nurse),
            citizen=citizen,
            status=CitizenStatus.DECEASED,
            on=timezone.localdate(),
            version=citizen.version,
        )
    reasons = set(Visit.objects.filter(citizen=citizen).values_list("cancel_reason", flat=True))
    assert reasons == {CancelReason.DECEASED}


def test_admission_cancels_the_period_and_the_plan_comes_back(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    today = timezone.localdate()
    with committed():
        services.absence_record(
            actor=world.actor(world.leader),
            citizen_id=citizen.pk,
            kind="admitted",
            starts_on=today,
            ends_on=today + dt.timedelta(days=2),
        )
    cancelled = Visit.objects.filter(citizen=citizen, status=VisitStatus.CANCELLED)
    assert sorted(v.day for v in cancelled) == [today + dt.timedelta(days=i) for i in range(3)]
    assert {v.cancel_reason for v in cancelled} == {CancelReason.ADMITTED}
    planned = Visit.objects.filter(citizen=citizen, status=VisitStatus.PLANNED)
    assert planned.count() == 11


def test_a_changed_decision_replans_without_touching_delivered_visits(
    world: World, assessor: StaffMember, citizen: Citizen, frozen: object
) -> None:
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    (first,) = _today(citizen)
    assign_all(world.actor(world.leader), world.nurse, [first])
    frozen.move_to(timezone.now() + dt.timedelta(hours=1, minutes=10))  # type: ignore[attr-defined]
    deliver(world.actor(world.nurse), first)
    # A new decision adds an evening service (cleaning 1 a week on Thursdays).
    case = cp.case_make(world.actor(assessor), citizen)
    with committed():
        cp.decision_make(
            world.actor(assessor),
            case,
            world.home_care_team,
            code=cp.RENGOERING,
            per="week",
            times=1,
            weekdays=(4,),
            minutes=30,
            granted_from=timezone.localdate(),
        )
    first.refresh_from_db()
    assert first.status == VisitStatus.DELIVERED
    assert first.services.count() == 1
    thursday = Visit.objects.get(citizen=citizen, day=dt.date(2026, 12, 3))
    assert thursday.services.count() == 2  # same 08:00 slot: one visit, two services
    assert thursday.minutes == 55


def test_one_tap_delivery_is_a_leveret_indsats_with_change_log(
    world: World, assessor: StaffMember, citizen: Citizen, frozen: object
) -> None:
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    (visit,) = _today(citizen)
    assign_all(world.actor(world.leader), world.sosu_helper, [visit])
    frozen.move_to(timezone.now() + dt.timedelta(hours=1))  # type: ignore[attr-defined]
    answer = deliver(world.actor(world.sosu_helper), visit, note="Alt vel")
    assert answer.result == "accepted"
    delivery = Delivery.objects.get(visit=visit)
    assert delivery.outcome == "delivered"
    assert delivery.note == "Alt vel"
    assert DeliveryLine.objects.filter(delivery=delivery, delivered=True).count() == 1
    assert ChangeLogEntry.objects.filter(object_id=delivery.pk, action="create").exists()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DELIVERED


def test_replay_duplicate_forged_id_and_conflict(
    world: World, assessor: StaffMember, citizen: Citizen, frozen: object
) -> None:
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    (visit,) = _today(citizen)
    leader = world.actor(world.leader)
    services.visit_assign(
        actor=leader, visit_id=visit.pk, staff_id=world.sosu_helper.pk, version=visit.version
    )
    frozen.move_to(timezone.now() + dt.timedelta(hours=1))  # type: ignore[attr-defined]
    helper, nurse = world.actor(world.sosu_helper), world.actor(world.nurse)
    client_id = uuid.uuid4()
    first = deliver(helper, visit, client_id=client_id)
    replay = services.sync_batch(
        actor=helper,
        items=[services.DeliveryInput(client_id=client_id, visit_id=visit.pk)] * 3,
    )
    assert first.result == "accepted"
    assert [a.result for a in replay] == ["duplicate"] * 3
    forged = deliver(nurse, visit, client_id=client_id)
    assert forged.result == "refused"
    assert "anden medarbejder" in forged.reason
    colleague = deliver(nurse, visit)  # same team, another device, another id
    assert colleague.result == "conflict"
    assert "allerede registreret" in colleague.reason
    assert Delivery.objects.filter(visit=visit).count() == 1


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"note": "x" * 100_000}, "Notatet er for langt"),
        ({"started_at_shift": dt.timedelta(hours=2)}, "fremtiden"),
        ({"started_at_shift": dt.timedelta(days=-1)}, "anden dag"),
        ({"outcome": "not_delivered"}, "hvorfor"),
        ({"outcome": "partly"}, "hvilke indsatser"),
        ({"client_id": "ikke-et-id"}, "gyldigt id"),
        ({"visit_id": uuid.uuid4()}, "findes ikke"),
    ],
)
def test_bad_deliveries_are_refused_with_a_danish_reason(
    world: World,
    assessor: StaffMember,
    citizen: Citizen,
    frozen: object,
    extra: dict[str, object],
    reason: str,
) -> None:
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    (visit,) = _today(citizen)
    assign_all(world.actor(world.leader), world.sosu_helper, [visit])
    frozen.move_to(timezone.now() + dt.timedelta(hours=1))  # type: ignore[attr-defined]
    shift = extra.pop("started_at_shift", None)
    if isinstance(shift, dt.timedelta):
        extra["started_at"] = timezone.now() + shift
    answer = deliver(world.actor(world.sosu_helper), visit, **extra)
    assert answer.result == "refused"
    assert reason in answer.reason
    assert not Delivery.objects.exists()


def test_a_late_queue_is_answered_per_item(
    world: World, assessor: StaffMember, citizen: Citizen, frozen: object
) -> None:
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    (visit,) = _today(citizen)
    assign_all(world.actor(world.leader), world.sosu_helper, [visit])
    frozen.move_to(timezone.now() + dt.timedelta(hours=1))  # type: ignore[attr-defined]
    done_at = timezone.now()
    frozen.move_to(timezone.now() + dt.timedelta(days=2))  # type: ignore[attr-defined]
    ok = deliver(world.actor(world.sosu_helper), visit, started_at=done_at)
    assert ok.result == "accepted"  # two days late: within SAMMEN_VISIT_LATE_SYNC_DAYS
    frozen.move_to(timezone.now() + dt.timedelta(days=3))  # type: ignore[attr-defined]
    other = Visit.objects.filter(
        citizen=citizen, day=timezone.localdate() - dt.timedelta(days=5)
    ).first()
    assert other is not None
    late = deliver(world.actor(world.sosu_helper), other, started_at=done_at)
    assert late.result == "refused"


def test_another_teams_visit_is_refused(
    world: World, assessor: StaffMember, citizen: Citizen, frozen: object
) -> None:
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    (visit,) = _today(citizen)
    frozen.move_to(timezone.now() + dt.timedelta(hours=1))  # type: ignore[attr-defined]
    answer = deliver(world.actor(world.therapist), visit)
    assert answer.result == "refused"
    assert "andet team" in answer.reason


def test_partial_delivery_per_service(
    world: World, assessor: StaffMember, citizen: Citizen, frozen: object
) -> None:
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    case = cp.case_make(world.actor(assessor), citizen)
    with committed():
        cp.decision_make(
            world.actor(assessor),
            case,
            world.home_care_team,
            code=cp.RENGOERING,
            per="day",
            times=1,
            weekdays=(),
            minutes=30,
            granted_from=timezone.localdate(),
        )
    (visit,) = _today(citizen)
    assign_all(world.actor(world.leader), world.sosu_helper, [visit])
    frozen.move_to(timezone.now() + dt.timedelta(hours=1))  # type: ignore[attr-defined]
    skipped = VisitService.objects.filter(visit=visit).order_by("minutes").first()
    assert skipped is not None
    answer = deliver(
        world.actor(world.sosu_helper),
        visit,
        outcome="partly",
        not_delivered={str(skipped.pk): "declined"},
    )
    assert answer.result == "accepted"
    lines = {line.visit_service_id: line for line in DeliveryLine.objects.all()}
    assert lines[skipped.pk].delivered is False
    assert lines[skipped.pk].reason_code == "declined"
    assert sum(1 for line in lines.values() if line.delivered) == 1


def test_one_off_visit_and_its_danish_422s(world: World, citizen: Citizen, frozen: object) -> None:
    leader = world.actor(world.leader)
    with pytest.raises(ValidationFailed) as error:
        services.visit_one_off_add(
            actor=leader,
            data=services.OneOffInput(
                citizen_id=citizen.pk,
                day=timezone.localdate() - dt.timedelta(days=1),
                at=None,
                minutes=0,
                title="",
            ),
        )
    assert set(error.value.field_errors) == {"day", "at", "minutes", "title"}
    visit = services.visit_one_off_add(
        actor=leader,
        data=services.OneOffInput(
            citizen_id=citizen.pk,
            day=timezone.localdate(),
            at=dt.time(13, 0),
            minutes=20,
            title="Faldet – tilse borgeren",
            staff_id=world.nurse.pk,
        ),
    )
    assert visit.kind == "acute"
    assert visit.assigned_to_id == world.nurse.pk


def test_assignment_rules(world: World, assessor: StaffMember, citizen: Citizen) -> None:
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    visit = _today(citizen)[0]
    leader = world.actor(world.leader)
    with pytest.raises(ValidationFailed) as error:
        services.visit_assign(
            actor=leader,
            visit_id=visit.pk,
            staff_id=world.nurse.pk,
            second_staff_id=world.sosu_helper.pk,
        )
    assert "dobbeltbemanding" in str(error.value.field_errors)
    with pytest.raises(ValidationFailed):
        services.visit_assign(actor=leader, visit_id=visit.pk, staff_id=world.foreign_nurse.pk)
