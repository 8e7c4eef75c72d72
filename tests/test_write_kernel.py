"""The write kernel (SECURITY.md T22, DESIGN.md "services"): every service in every module's
`services.py` is either a write of citizen data through `access.writes` — and then a call of
it leaves a change-log row and an access-log row — or listed here as exempt, with the reason.
A new service that is neither fails this file until someone decides."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import uuid
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

import sammen
from conftest import World
from sammen.access.models import AccessLogEntry, ChangeLogEntry, Operation
from sammen.access.writes import citizen_write, is_citizen_write_service
from sammen.citizens import services as citizen_services
from sammen.citizens.models import Citizen, CitizenStatus, Consent, Relative
from sammen.citizens.tests.factories import citizen_create, fictitious_cpr
from sammen.journal import services as journal_services
from sammen.journal.loader import content_load
from sammen.journal.tests.factories import LAVE_MAD, funktionsevne
from sammen.organisation.models import Area, Role
from sammen.organisation.tests.factories import actor_for
from sammen.visits import services as visit_services
from sammen.visits.models import Visit

# Services that do not write citizen data, and why.
EXEMPT: dict[str, str] = {
    "sammen.journal.services.document_require": "a policy check; writes nothing",
    "sammen.access.services.grant_create": (
        "break-the-glass grant: access-control data, not the citizen's record; written in one "
        "transaction with its access-log row (operation grant, severity high) and review item"
    ),
    "sammen.access.services.review_require": "a role check; writes nothing",
    "sammen.access.services.review_item_resolve": (
        "a leader's review of the access log (logged as operation review); no citizen data"
    ),
    "sammen.access.services.access_review_scan": "system job: review items from the access log",
    "sammen.access.services.access_log_prune": (
        "retention job: removes expired log rows through the retention door, logs the pruning"
    ),
    "sammen.access.services.minlog_push": "system job: sends queued accesses to MinLog",
    # visits (issue 11)
    "sammen.visits.services.visit_plan_generate": (
        "system job: planned visits derived from granted services (a cache of the plan, like a "
        "schedule); the decision, follow-up or status change that caused it is in the change log"
    ),
    "sammen.visits.services.visit_plan_after_write": (
        "the write kernel's after-write listener: calls visit_plan_generate"
    ),
    "sammen.visits.services.plan_require": "a permission check; writes nothing",
    "sammen.visits.services.sync_batch": (
        "an offline queue: each item goes through delivery_record (a kernel write) on its own"
    ),
    "sammen.care_plans.services.visitation_require": "a permission check; writes nothing",
    # Video visits: what guests and the citizen do themselves (no staff actor, no staff access).
    "sammen.consultations.services.consultation_cancel_by_citizen": (
        "the citizen cancels their own visit from their own page; no staff access to log"
    ),
    "sammen.consultations.services.consultation_rebook_by_citizen": (
        "the citizen moves their own visit from their own page; no staff access to log"
    ),
    "sammen.consultations.services.guest_code_send": "sends a guest's one-time code",
    "sammen.consultations.services.guest_verify": "checks a guest's one-time code",
}
# Whole modules without citizen data (the layering keeps Citizen out of them).
EXEMPT_MODULES: dict[str, str] = {
    "sammen.fhir.services": (
        "system clients of the FHIR facade (create, rotate key, deactivate): no citizen data; "
        "each change is logged as a privilege change by the module itself"
    ),
    "sammen.organisation.services": (
        "login, MFA, units, staff and roles: no citizen data; role and unit changes are logged "
        "as privilege changes (operation privilege) by the module itself"
    ),
}


def _service_modules() -> list[ModuleType]:
    found = []
    for info in pkgutil.iter_modules(sammen.__path__):
        try:
            found.append(importlib.import_module(f"sammen.{info.name}.services"))
        except ModuleNotFoundError as error:
            if error.name != f"sammen.{info.name}.services":
                raise
    return found


def _public_services() -> dict[str, Callable[..., Any]]:
    return {
        f"{module.__name__}.{name}": func
        for module in _service_modules()
        for name, func in inspect.getmembers(module, inspect.isfunction)
        if func.__module__ == module.__name__ and not name.startswith("_")
    }


def _writes() -> list[str]:
    return sorted(
        name for name, func in _public_services().items() if is_citizen_write_service(func)
    )


def test_the_walk_finds_the_services_of_every_module() -> None:
    modules = {m.__name__ for m in _service_modules()}
    assert {"sammen.citizens.services", "sammen.journal.services"} <= modules
    assert "sammen.citizens.services.citizen_update" in _writes()


def test_every_service_is_a_kernel_write_or_exempt_with_a_reason() -> None:
    undecided = [
        name
        for name, func in _public_services().items()
        if not is_citizen_write_service(func)
        and name not in EXEMPT
        and name.rsplit(".", 1)[0] not in EXEMPT_MODULES
    ]
    assert undecided == [], "mark with @citizen_write_service or list in EXEMPT with a reason"
    services = _public_services()
    stale = [name for name in EXEMPT if name not in services]
    assert stale == [], "EXEMPT names a service that no longer exists"
    both = [name for name in EXEMPT if is_citizen_write_service(services[name])]
    assert both == []
    assert all(reason.strip() for reason in [*EXEMPT.values(), *EXEMPT_MODULES.values()])


# One call of each citizen-data write: setup(world) returns the call (measured on its own).
Scenario = Callable[[World], Callable[[], Any]]


def _citizen(world: World) -> Citizen:
    return citizen_create(world.greve)


def _create(world: World) -> Callable[[], Any]:
    data = citizen_services.CitizenInput(
        cpr=fictitious_cpr(dt.date(1944, 5, 6)), first_name="Ane", last_name="Lund"
    )
    return lambda: citizen_services.citizen_create(actor=world.actor(world.nurse), data=data)


def _update(world: World) -> Callable[[], Any]:
    citizen = _citizen(world)
    data = citizen_services.CitizenInput(
        cpr=citizen.cpr,
        first_name=citizen.first_name,
        last_name=citizen.last_name,
        city="Karlslunde",
    )
    return lambda: citizen_services.citizen_update(
        actor=world.actor(world.nurse), citizen=citizen, data=data, version=citizen.version
    )


def _status(world: World) -> Callable[[], Any]:
    citizen = _citizen(world)
    return lambda: citizen_services.citizen_set_status(
        actor=world.actor(world.nurse),
        citizen=citizen,
        status=CitizenStatus.MOVED_AWAY,
        on=timezone.localdate(),
        version=citizen.version,
    )


def _relative_add(world: World) -> Callable[[], Any]:
    citizen = _citizen(world)
    data = citizen_services.RelativeInput(name="Bo Lund", relation="barn", is_primary_contact=True)
    return lambda: citizen_services.relative_add(
        actor=world.actor(world.nurse), citizen=citizen, data=data
    )


def _relative_remove(world: World) -> Callable[[], Any]:
    citizen = _citizen(world)
    relative = Relative.objects.create(
        municipality=world.greve, citizen=citizen, name="Bo Lund", relation="barn"
    )
    return lambda: citizen_services.relative_remove(
        actor=world.actor(world.nurse), relative=relative, version=relative.version
    )


def _consent_give(world: World) -> Callable[[], Any]:
    citizen = _citizen(world)
    return lambda: citizen_services.consent_give(
        actor=world.actor(world.nurse),
        citizen=citizen,
        area=Area.ELDERLY_HEALTH,
        scope="alle",
        basis="samtykke",
        legal_basis="",
        given_on=timezone.localdate(),
    )


def _consent_withdraw(world: World) -> Callable[[], Any]:
    citizen = _citizen(world)
    consent = Consent.objects.create(
        municipality=world.greve,
        citizen=citizen,
        area=Area.ELDERLY_HEALTH,
        scope="alle",
        basis="samtykke",
        given_on=dt.date(2020, 1, 1),
        recorded_by=world.nurse,
    )
    return lambda: citizen_services.consent_withdraw(
        actor=world.actor(world.nurse),
        consent=consent,
        withdrawn_on=timezone.localdate(),
        version=consent.version,
    )


def _responsibility_set(world: World) -> Callable[[], Any]:
    citizen = _citizen(world)
    return lambda: citizen_services.responsibility_set(
        actor=world.actor(world.nurse),
        citizen=citizen,
        unit=world.district,
        since=timezone.localdate(),
    )


def _entry_create(world: World) -> Callable[[], Any]:
    content_load()
    citizen = citizen_create(world.greve)
    return lambda: funktionsevne(world.actor(world.nurse), citizen, LAVE_MAD, 2)


def _entry_correct(world: World) -> Callable[[], Any]:
    content_load()
    entry = funktionsevne(world.actor(world.nurse), citizen_create(world.greve), LAVE_MAD, 2)
    return lambda: journal_services.entry_correct(
        actor=world.actor(world.nurse),
        entry_id=entry.pk,
        data={"tilstand": LAVE_MAD, "nuvaerende_niveau": 3},
        reason="Tastefejl",
    )


def _entry_mark_in_error(world: World) -> Callable[[], Any]:
    content_load()
    entry = funktionsevne(world.actor(world.nurse), citizen_create(world.greve), LAVE_MAD, 2)
    return lambda: journal_services.entry_mark_in_error(
        actor=world.actor(world.nurse), entry_id=entry.pk, reason="Forkert borger"
    )


def _visit(world: World) -> Any:
    now = timezone.now()
    return Visit.objects.create(
        municipality=world.greve,
        citizen=_citizen(world),
        unit=world.home_care_team,
        day=timezone.localdate(now),
        window_start=now - dt.timedelta(minutes=1),
        window_end=now + dt.timedelta(minutes=30),
        minutes=20,
        assigned_to=world.nurse,
    )


def _nurse_as_planner(world: World) -> Any:
    membership = world.nurse.memberships.create(
        municipality=world.greve, unit=world.district, role=Role.LEADER
    )
    return actor_for(world.nurse, membership)


def _visit_assign(world: World) -> Callable[[], Any]:
    visit = _visit(world)
    actor = _nurse_as_planner(world)
    return lambda: visit_services.visit_assign(
        actor=actor, visit_id=visit.pk, staff_id=world.sosu_helper.pk, version=visit.version
    )


def _visit_one_off_add(world: World) -> Callable[[], Any]:
    citizen = _citizen(world)
    data = visit_services.OneOffInput(
        citizen_id=citizen.pk,
        day=timezone.localdate(),
        at=dt.time(23, 0),
        minutes=15,
        title="Tilse efter fald",
    )
    return lambda: visit_services.visit_one_off_add(actor=world.actor(world.nurse), data=data)


def _absence_record(world: World) -> Callable[[], Any]:
    citizen = _citizen(world)
    return lambda: visit_services.absence_record(
        actor=world.actor(world.nurse),
        citizen_id=citizen.pk,
        kind="admitted",
        starts_on=timezone.localdate(),
        ends_on=None,
    )


def _delivery_record(world: World) -> Callable[[], Any]:
    visit = _visit(world)
    data = visit_services.DeliveryInput(
        client_id=uuid.uuid4(), visit_id=visit.pk, started_at=timezone.now()
    )

    def call() -> Any:
        answer = visit_services.delivery_record(actor=world.actor(world.nurse), data=data)
        assert answer.result == "accepted", answer
        return answer

    return call


def _visitator(world: World) -> Any:
    """The nurse as visitator (the kernel test measures the nurse's writes)."""
    from sammen.organisation.models import Membership, Role

    Membership.objects.filter(staff=world.nurse).update(role=Role.ASSESSOR)
    content_load()
    return world.actor(world.nurse)


def _care_request(world: World) -> Callable[[], Any]:
    from sammen.care_plans.tests import factories as cf

    actor = _visitator(world)
    citizen = citizen_create(world.greve)
    return lambda: cf.request_make(actor, citizen)


def _care_case(world: World) -> Callable[[], Any]:
    from sammen.care_plans import services as cp
    from sammen.care_plans.tests import factories as cf

    actor = _visitator(world)
    request = cf.request_make(actor, citizen_create(world.greve))
    return lambda: cp.case_save(actor=actor, request_id=request.pk, data=cp.CaseInput())


def _care_decision(world: World) -> Callable[[], Any]:
    from sammen.care_plans.tests import factories as cf

    actor = _visitator(world)
    case = cf.case_make(actor, citizen_create(world.greve))
    return lambda: cf.decision_make(actor, case, world.home_care_team)


def _care_decision_sent(world: World) -> Callable[[], Any]:
    from sammen.care_plans import services as cp
    from sammen.care_plans.tests import factories as cf

    actor = _visitator(world)
    made = cf.decision_make(
        actor,
        cf.case_make(actor, citizen_create(world.greve)),
        None,
        refused=True,
        refusal_reason="Kan selv",
    )
    return lambda: cp.decision_mark_sent(actor=actor, decision_id=made.pk, version=made.version)


def _care_follow_up(world: World) -> Callable[[], Any]:
    from sammen.care_plans import services as cp
    from sammen.care_plans.models import FollowUp
    from sammen.care_plans.tests import factories as cf

    actor = _visitator(world)
    made = cf.decision_make(
        actor, cf.case_make(actor, citizen_create(world.greve)), world.home_care_team
    )
    fu = FollowUp.objects.get(service__decision=made)
    return lambda: cp.follow_up_record(
        actor=actor,
        follow_up_id=fu.pk,
        version=fu.version,
        result_code=cf.E_ENDS,
        note="Klarer sig selv",
    )


# --- triage (issue 12) ---
_VITALS = {"pulse": "118", "respiration": "16", "temperature": "37,0", "systolic": "130"}


def _observations_record(world: World) -> Callable[[], Any]:
    from sammen.triage import services as triage

    citizen = citizen_create(world.greve)
    return lambda: triage.observations_record(
        actor=world.actor(world.nurse), citizen_id=citizen.pk, values=_VITALS
    )


def _observation_correct(world: World) -> Callable[[], Any]:
    from sammen.triage import services as triage

    saved = _observations_record(world)()
    return lambda: triage.observation_correct(
        actor=world.actor(world.nurse),
        observation_id=saved.observations[0].pk,
        value="80",
        reason="Tastefejl",
    )


def _scale_two_record(world: World) -> Callable[[], Any]:
    from sammen.triage import services as triage

    citizen = citizen_create(world.greve)
    return lambda: triage.scale_two_record(
        actor=world.actor(world.nurse), citizen_id=citizen.pk, active=True, reason="KOL"
    )


def _change_report_record(world: World) -> Callable[[], Any]:
    from sammen.triage import services as triage

    citizen = citizen_create(world.greve)
    return lambda: triage.change_report_record(
        actor=world.actor(world.nurse), citizen_id=citizen.pk, items=["hjemmet/uorden"]
    )


def _triage_review(world: World) -> Callable[[], Any]:
    from sammen.triage import services as triage

    citizen = citizen_create(world.greve)
    return lambda: triage.triage_review(
        actor=world.actor(world.nurse), citizen_id=citizen.pk, colour="yellow", text="Træt"
    )


def _follow_up_create(world: World) -> Callable[[], Any]:
    from sammen.triage import services as triage

    citizen = citizen_create(world.greve)
    return lambda: triage.follow_up_create(
        actor=world.actor(world.nurse),
        citizen_id=citizen.pk,
        title="Ring til lægen",
        owner_id=world.nurse.pk,
        due_hours=24,
    )


def _follow_up_close(world: World) -> Callable[[], Any]:
    from sammen.triage import services as triage

    task = _follow_up_create(world)()
    return lambda: triage.follow_up_close(actor=world.actor(world.nurse), task_id=task.pk)


def _notification_mark_read(world: World) -> Callable[[], Any]:
    from sammen.triage import services as triage
    from sammen.triage.models import Notification

    citizen = citizen_create(world.greve)
    note = Notification.objects.create(
        municipality=world.greve, citizen=citizen, recipient=world.nurse, text="Rød"
    )
    return lambda: triage.notification_mark_read(
        actor=world.actor(world.nurse), notification_id=note.pk
    )


def _consultation(world: World) -> Any:
    from sammen.consultations import services as consultation_services
    from sammen.journal.tests.factories import citizen_create as cared_for

    content_load()
    return consultation_services.consultation_book(
        actor=world.actor(world.nurse),
        citizen_id=cared_for(world.home_care_team).pk,
        starts_at=timezone.now() + dt.timedelta(minutes=30),
        duration_minutes=30,
        purpose="Opfølgning",
    )


def _consultation_book(world: World) -> Callable[[], Any]:
    from sammen.consultations import services as consultation_services
    from sammen.journal.tests.factories import citizen_create as cared_for

    citizen = cared_for(world.home_care_team)
    return lambda: consultation_services.consultation_book(
        actor=world.actor(world.nurse),
        citizen_id=citizen.pk,
        starts_at=timezone.now() + dt.timedelta(hours=1),
        duration_minutes=30,
        purpose="Opfølgning",
    )


def _consultation_rebook(world: World) -> Callable[[], Any]:
    from sammen.consultations import services as consultation_services

    c = _consultation(world)
    return lambda: consultation_services.consultation_rebook(
        actor=world.actor(world.nurse),
        consultation_id=c.pk,
        version=c.version,
        starts_at=c.starts_at + dt.timedelta(hours=1),
        duration_minutes=45,
    )


def _consultation_cancel(world: World) -> Callable[[], Any]:
    from sammen.consultations import services as consultation_services

    c = _consultation(world)
    return lambda: consultation_services.consultation_cancel(
        actor=world.actor(world.nurse), consultation_id=c.pk, version=c.version, reason="Syg"
    )


def _consultation_end(world: World) -> Callable[[], Any]:
    from sammen.consultations import services as consultation_services

    c = _consultation(world)
    return lambda: consultation_services.consultation_end(
        actor=world.actor(world.nurse),
        consultation_id=c.pk,
        version=c.version,
        encounter_class="skaermbesoeg",
        minutes=20,
        note="Samtale om træning.",
    )


SCENARIOS: dict[str, Scenario] = {
    "sammen.care_plans.services.request_create": _care_request,
    "sammen.care_plans.services.case_save": _care_case,
    "sammen.care_plans.services.decision_make": _care_decision,
    "sammen.care_plans.services.decision_mark_sent": _care_decision_sent,
    "sammen.care_plans.services.follow_up_record": _care_follow_up,
    "sammen.citizens.services.citizen_create": _create,
    "sammen.citizens.services.citizen_update": _update,
    "sammen.citizens.services.citizen_set_status": _status,
    "sammen.citizens.services.relative_add": _relative_add,
    "sammen.citizens.services.relative_remove": _relative_remove,
    "sammen.citizens.services.consent_give": _consent_give,
    "sammen.citizens.services.consent_withdraw": _consent_withdraw,
    "sammen.citizens.services.responsibility_set": _responsibility_set,
    "sammen.journal.services.entry_create": _entry_create,
    "sammen.journal.services.entry_correct": _entry_correct,
    "sammen.journal.services.entry_mark_in_error": _entry_mark_in_error,
    "sammen.triage.services.observations_record": _observations_record,
    "sammen.triage.services.observation_correct": _observation_correct,
    "sammen.triage.services.scale_two_record": _scale_two_record,
    "sammen.triage.services.change_report_record": _change_report_record,
    "sammen.triage.services.triage_review": _triage_review,
    "sammen.triage.services.follow_up_create": _follow_up_create,
    "sammen.triage.services.follow_up_close": _follow_up_close,
    "sammen.triage.services.notification_mark_read": _notification_mark_read,
    "sammen.consultations.services.consultation_book": _consultation_book,
    "sammen.consultations.services.consultation_rebook": _consultation_rebook,
    "sammen.consultations.services.consultation_cancel": _consultation_cancel,
    "sammen.consultations.services.consultation_end": _consultation_end,
    "sammen.visits.services.visit_assign": _visit_assign,
    "sammen.visits.services.visit_one_off_add": _visit_one_off_add,
    "sammen.visits.services.absence_record": _absence_record,
    "sammen.visits.services.delivery_record": _delivery_record,
}


def test_every_citizen_data_write_has_a_scenario_here() -> None:
    assert sorted(SCENARIOS) == _writes()


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_each_citizen_data_write_leaves_a_change_log_row_and_an_access_log_row(
    world: World, name: str
) -> None:
    call = SCENARIOS[name](world)
    changes_before = set(ChangeLogEntry.objects.values_list("pk", flat=True))
    last_seq = max(AccessLogEntry.objects.values_list("seq", flat=True), default=0)
    call()
    new_changes = ChangeLogEntry.objects.exclude(pk__in=changes_before)
    assert new_changes.exists(), f"{name} left no change-log row"
    assert all(row.staff_id == world.nurse.pk for row in new_changes)
    citizens = set(new_changes.values_list("citizen_id", flat=True))
    writes = AccessLogEntry.objects.filter(
        seq__gt=last_seq, operation__in=[Operation.CREATE, Operation.UPDATE], outcome="success"
    )
    assert citizens <= set(writes.values_list("citizen_id", flat=True))


def test_a_kernel_write_that_records_no_change_fails_and_saves_nothing(world: World) -> None:
    citizen = _citizen(world)
    with (
        pytest.raises(RuntimeError, match="recorded no change"),
        citizen_write(actor=world.actor(world.nurse), citizen=citizen),
    ):
        Citizen.objects.filter(pk=citizen.pk).update(city="Sneget ind")
    citizen.refresh_from_db()
    assert citizen.city == "Greve"


def test_a_write_is_never_part_of_a_larger_transaction(world: World) -> None:
    """atomic(durable=True): inside pytest-django's test transaction the block is allowed
    (Django marks the test case's own atomic), inside any other atomic it is refused."""
    citizen = _citizen(world)
    call = _update(world)
    call()  # within the `db` fixture's TestCase transaction: allowed
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        citizen_services.citizen_set_status(
            actor=world.actor(world.nurse),
            citizen=citizen,
            status=CitizenStatus.MOVED_AWAY,
            on=timezone.localdate(),
        )
    citizen.refresh_from_db()
    assert citizen.status == CitizenStatus.ACTIVE


def test_on_commit_tasks_run_after_the_commit_only(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    citizen = _citizen(world)
    ran: list[str] = []
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        citizen_write(actor=world.actor(world.nurse), citizen=citizen) as write,
    ):
        write.update(citizen, version=1, values={"city": "Tune"})
        write.on_commit(lambda: ran.append("sent"))
        assert ran == []
    assert (ran, len(callbacks)) == (["sent"], 1)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        citizen_write(actor=world.actor(world.nurse), citizen=citizen) as write,
    ):
        write.on_commit(lambda: ran.append("rolled back"))
    assert ran == ["sent"]


@pytest.mark.django_db(transaction=True)
def test_durable_writes_commit_in_a_transactional_test(world: World) -> None:
    """Without the test-case transaction (pytest-django `transaction=True`) the durable block
    is the outermost one and commits; on_commit runs for real."""
    citizen = _citizen(world)
    ran: list[int] = []
    with citizen_write(actor=world.actor(world.nurse), citizen=citizen) as write:
        write.update(citizen, version=1, values={"city": "Tune"})
        write.on_commit(lambda: ran.append(citizen.version))
    assert ran == [2]
    assert Citizen.objects.get(pk=citizen.pk).version == 2
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        _update(world)()
