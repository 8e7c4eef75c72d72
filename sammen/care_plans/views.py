"""Visitation in the browser: worklists, request, assessment, decision (with its letter as
PDF), the care plan and follow-up. Every view calls the module's selectors and services."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sammen.access.models import Operation
from sammen.care_plans import selectors, services
from sammen.care_plans.forms import CaseForm, DecisionForm, FollowUpForm, RequestForm
from sammen.care_plans.letter import decision_letter_pdf
from sammen.core.access_rules import access_rule, needs
from sammen.core.errors import ValidationFailed
from sammen.core.forms import form_done, form_handle
from sammen.core.requests import ActorRequest
from sammen.organisation.models import Area
from sammen.organisation.permissions import Permission

SERVICE_PREFIX = "services-0-"
GOAL_PREFIX = "goals-0-"


@access_rule(needs(Permission.VISITATION))
@require_http_methods(["GET"])
def worklist(request: ActorRequest) -> HttpResponse:
    result = selectors.visitation_worklist(actor=request.actor)
    return render(request, "care_plans/worklist.html", {"w": result})


@access_rule(needs(Permission.TEAM_SERVICES))
@require_http_methods(["GET"])
def team_list(request: ActorRequest) -> HttpResponse:
    result = selectors.team_services(actor=request.actor)
    return render(request, "care_plans/team_list.html", {"t": result})


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["GET", "POST"])
def request_create(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    """Reached from the citizen's page: the citizen is looked up first (404 / 403 with
    break-the-glass like every citizen route), then the visitation permission is required."""
    actor = request.actor
    citizen = selectors.citizen_heading(actor=actor, citizen_id=citizen_id)
    services.visitation_require(actor=actor)

    def save(data: dict[str, Any]) -> Any:
        attachments: tuple[tuple[str, str], ...] = ()
        if data["attachment_title"] or data["attachment_text"]:
            attachments = ((data["attachment_title"], data["attachment_text"]),)
        return services.request_create(
            actor=actor,
            citizen_id=citizen.pk,
            data=services.RequestInput(
                area=data["area"],
                source_code=data["source_code"],
                subject=data["subject"],
                text=data["text"],
                attachments=attachments,
            ),
        )

    return form_handle(
        request,
        RequestForm(request.POST or None, initial={"area": actor.unit.area}),
        save=save,
        success_message=_("Henvendelsen er registreret og står på visitationens arbejdsliste."),
        success_url=lambda r: reverse("care_plans:case", kwargs={"request_id": r.pk}),
        template="care_plans/request_form.html",
        context={"citizen": citizen},
    )


@access_rule(needs(Permission.VISITATION))
@require_http_methods(["GET", "POST"])
def case(request: ActorRequest, request_id: Any) -> HttpResponse:
    actor = request.actor
    page = selectors.case_page(actor=actor, request_id=request_id)
    social = page.request.area == Area.DISABILITY_PSYCHIATRY
    initial: dict[str, Any] = {}
    if page.case:
        c = page.case
        initial = {
            "version": c.version,
            "condition_codes": c.condition_codes,
            "citizen_view": c.citizen_view,
            "citizen_performance": c.citizen_performance,
            "citizen_meaning": c.citizen_meaning,
            "overall_assessment": c.overall_assessment,
        }
        if social and c.ffb_themes:
            initial["ffb_theme"], initial["ffb_level"] = next(iter(c.ffb_themes.items()))
    form = CaseForm(
        request.POST or None, initial=initial, conditions=page.conditions, social=social
    )

    def save(data: dict[str, Any]) -> Any:
        themes = {}
        if social and (data.get("ffb_theme") or data.get("ffb_level")):
            themes = {data.get("ffb_theme", ""): data.get("ffb_level", "")}
        return services.case_save(
            actor=actor,
            request_id=page.request.pk,
            version=data.get("version"),
            data=services.CaseInput(
                condition_codes=tuple(data["condition_codes"]),
                citizen_view=data["citizen_view"],
                citizen_performance=data["citizen_performance"],
                citizen_meaning=data["citizen_meaning"],
                overall_assessment=data["overall_assessment"],
                ffb_themes=themes,
            ),
        )

    decided = page.case is not None and page.case.status != "open"
    return form_handle(
        request,
        form,
        save=save,
        success_message=_("Udredningen er gemt."),
        success_url=lambda c: reverse("care_plans:decision_create", kwargs={"case_id": c.pk}),
        template="care_plans/case.html",
        context={"page": page, "citizen": page.request.citizen, "decided": decided},
    )


def _decision_input(data: dict[str, Any]) -> services.DecisionInput:
    service = services.ServiceInput(
        code=data["code"],
        legal_basis=data["legal_basis"],
        granted_from=data["granted_from"],
        granted_to=data["granted_to"],
        times=data["times"],
        per=data["per"],
        weekdays=tuple(int(d) for d in data["weekdays"]),
        minutes=data["minutes"],
        requested_times=data["requested_times"],
        provider_unit_id=data["provider_unit_id"] or None,
        private_provider=data["private_provider"],
        double_staffing=data["double_staffing"],
        instructions=data["instructions"],
        refused=data["refused"],
        refusal_reason=data["refusal_reason"],
    )
    goals: tuple[services.GoalInput, ...] = ()
    if data["goal_text"]:
        goals = (
            services.GoalInput(
                kind=data["goal_kind"] or "citizen",
                text=data["goal_text"],
                expected_code=data["goal_expected"],
                services=(0,),
            ),
        )
    return services.DecisionInput(
        reasoning=data["reasoning"],
        services=(service,),
        goals=goals,
        follow_up_on=data["follow_up_on"],
    )


def _unprefixed(error: ValidationFailed) -> ValidationFailed:
    """The service names fields of its first service and goal `services-0-…`/`goals-0-…`;
    the browser form has one of each, with plain names."""
    fields: dict[str, list[str]] = {}
    for name, messages_ in error.field_errors.items():
        plain = name.removeprefix(SERVICE_PREFIX)
        if name.startswith(GOAL_PREFIX):
            plain = "goal_" + name.removeprefix(GOAL_PREFIX)
        fields.setdefault(plain, []).extend(messages_)
    return ValidationFailed(error.message, fields)


@access_rule(needs(Permission.VISITATION))
@require_http_methods(["GET", "POST"])
def decision_create(request: ActorRequest, case_id: Any) -> HttpResponse:
    actor = request.actor
    the_case, _decision = selectors.case_for_update(actor=actor, case_id=case_id)
    citizen = selectors.citizen_heading(
        actor=actor, citizen_id=the_case.citizen_id, object_type="care_case"
    )
    today = timezone.localdate()
    form = DecisionForm(
        request.POST or None,
        initial={
            "version": the_case.version,
            "granted_from": today,
            "times": 1,
            "per": "week",
            "goal_kind": "citizen",
        },
        area=the_case.area,
        units=selectors.provider_units(actor=actor),
        today=today,
    )

    def save(data: dict[str, Any]) -> Any:
        try:
            return services.decision_make(
                actor=actor,
                case_id=the_case.pk,
                case_version=data.get("version"),
                data=_decision_input(data),
            )
        except ValidationFailed as error:
            raise _unprefixed(error) from None

    return form_handle(
        request,
        form,
        save=save,
        success_message=_("Afgørelsen er truffet. Send brevet til borgeren."),
        success_url=lambda d: reverse("care_plans:decision", kwargs={"decision_id": d.pk}),
        template="care_plans/decision_form.html",
        context={"case": the_case, "citizen": citizen},
    )


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["GET"])
def decision(request: ActorRequest, decision_id: Any) -> HttpResponse:
    made = selectors.decision_get(actor=request.actor, decision_id=decision_id)
    views = selectors.decision_services(decision=made)
    return render(
        request, "care_plans/decision.html", {"d": made, "citizen": made.citizen, "services": views}
    )


@access_rule(needs(Permission.VISITATION))
@require_POST
def decision_sent(request: ActorRequest, decision_id: Any) -> HttpResponse:
    value = request.POST.get("version", "")
    version = int(value) if value.isdigit() and len(value) < 10 else None
    made = services.decision_mark_sent(
        actor=request.actor, decision_id=decision_id, version=version
    )
    return form_done(request, reverse("care_plans:decision", kwargs={"decision_id": made.pk}))


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["GET"])
def decision_letter(request: ActorRequest, decision_id: Any) -> HttpResponse:
    made = selectors.decision_get(
        actor=request.actor, decision_id=decision_id, operation=Operation.PRINT
    )
    pdf = decision_letter_pdf(made, selectors.decision_services(decision=made))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="afgoerelse.pdf"'
    return response


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["GET"])
def care_plan(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    plan = selectors.care_plan(actor=request.actor, citizen_id=citizen_id)
    return render(
        request,
        "care_plans/plan.html",
        {"plan": plan, "citizen": plan.citizen, "today": timezone.localdate()},
    )


@access_rule(needs(Permission.VISITATION))
@require_http_methods(["GET", "POST"])
def follow_up(request: ActorRequest, follow_up_id: Any) -> HttpResponse:
    actor = request.actor
    row = selectors.follow_up_get(actor=actor, follow_up_id=follow_up_id)
    name = selectors.display(row.service.code, selectors.VS_INDSATSER, selectors.VS_FFB_YDELSER)
    return form_handle(
        request,
        FollowUpForm(request.POST or None, initial={"version": row.version}),
        save=lambda data: services.follow_up_record(
            actor=actor,
            follow_up_id=row.pk,
            version=data.get("version"),
            result_code=data["result_code"],
            note=data["note"],
            next_due=data["next_due"],
        ),
        success_message=_("Opfølgningen er registreret."),
        success_url=reverse("care_plans:plan", kwargs={"citizen_id": row.citizen_id}),
        template="care_plans/follow_up_form.html",
        context={"row": row, "citizen": row.citizen, "service_name": name},
    )
