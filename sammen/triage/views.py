"""Early detection on a phone and on the board.

Recording a set of vital signs: "Målinger" on the citizen's triage page, then per value one
tap on the field and the numeric keypad ("Næste" moves on), consciousness one tap, "Gem" —
and the page that follows shows the score, the colour and the recommended action at once.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from sammen.citizens.selectors import citizen_get
from sammen.core.access_rules import access_rule, needs
from sammen.core.forms import form_handle
from sammen.core.requests import ActorRequest
from sammen.organisation.permissions import Permission, has_permission
from sammen.triage import catalogue, scoring, selectors, services
from sammen.triage.forms import (
    ChangeReportForm,
    CloseForm,
    CorrectionForm,
    FollowUpForm,
    ObservationForm,
    ReviewForm,
    ScaleTwoForm,
)
from sammen.triage.models import Colour

OBJECT_TYPE = selectors.OBJECT_TYPE
COLOUR_TEXT = {
    "green": gettext_lazy("Grøn"),
    "yellow": gettext_lazy("Gul"),
    "red": gettext_lazy("Rød"),
}


def _page_url(citizen_id: Any) -> str:
    return reverse("triage:citizen", kwargs={"citizen_id": citizen_id})


def _citizen(request: ActorRequest, citizen_id: Any) -> Any:
    return citizen_get(actor=request.actor, citizen_id=citizen_id, object_type=OBJECT_TYPE)


@access_rule(needs(Permission.CITIZEN_READ))
@require_GET
def triage_citizen(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    page = selectors.triage_page(actor=request.actor, citizen_id=citizen_id)
    return render(
        request,
        "triage/citizen.html",
        {
            "p": page,
            "citizen": page.citizen,
            "may_assess": has_permission(request.actor, Permission.TRIAGE_ASSESS),
            "may_document_health": has_permission(request.actor, Permission.DOCUMENT_HEALTH),
            "review_form": ReviewForm(
                initial={"version": page.current.version if page.current else None}
            ),
            "follow_up_form": FollowUpForm(staff=page.staff, initial={"due_hours": 24}),
            "scale_two_form": ScaleTwoForm(initial={"active": not page.scale_two}),
        },
    )


def _saved_message(saved: services.SetSaved) -> str:
    parts = []
    for result in (saved.tobs, saved.news2):
        if result.parameters:
            parts.append(scoring.score_label(result))
    text = _("Målingerne er gemt.")
    if parts:
        text = f"{text} {' · '.join(parts)}."
    if saved.raised_to:
        text = f"{text} " + _("Borgeren er nu %(colour)s.") % {
            "colour": str(COLOUR_TEXT[saved.raised_to]).lower()
        }
    return text


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["GET", "POST"])
def observations_new(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    actor = request.actor
    citizen = _citizen(request, citizen_id)
    scale_two = selectors.scale_two_documented(citizen.pk)
    form = ObservationForm(request.POST or None, scale_two=scale_two)
    kinds = catalogue.kinds()

    def save(data: dict[str, Any]) -> services.SetSaved:
        return services.observations_record(
            actor=actor,
            citizen_id=citizen.pk,
            values={k: data.get(k) for k in kinds},
            site=data.get("site") or "",
            oxygen=data.get("oxygen") or "",
            spo2_scale=int(data.get("spo2_scale") or 1),
            measured_at=data.get("measured_at"),
            confirmed=bool(data.get("confirmed")),
        )

    return form_handle(
        request,
        form,
        save=save,
        success_message=_saved_message,
        success_url=lambda saved: f"{_page_url(citizen.pk)}?saet={saved.set_id}",
        template="triage/observations_form.html",
        context={"citizen": citizen, "cancel_url": _page_url(citizen.pk)},
    )


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["GET", "POST"])
def change_report_new(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    actor = request.actor
    citizen = _citizen(request, citizen_id)
    form = ChangeReportForm(request.POST or None)

    def save(data: dict[str, Any]) -> services.ReportSaved:
        return services.change_report_record(
            actor=actor,
            citizen_id=citizen.pk,
            items=form.items(),
            note=data.get("note") or "",
            source=data.get("source") or "staff",
        )

    def message(saved: services.ReportSaved) -> str:
        text = _("Ændringsskemaet er gemt. Forslag: %(colour)s.") % {
            "colour": str(COLOUR_TEXT[saved.suggested]).lower()
        }
        if saved.raised_to:
            text = f"{text} " + _("Borgeren er nu %(colour)s.") % {
                "colour": str(COLOUR_TEXT[saved.raised_to]).lower()
            }
        return text

    return form_handle(
        request,
        form,
        save=save,
        success_message=message,
        success_url=_page_url(citizen.pk),
        template="triage/change_form.html",
        context={
            "citizen": citizen,
            "cancel_url": _page_url(citizen.pk),
            "change_form": catalogue.change_form(),
        },
    )


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["POST"])
def triage_review(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    actor = request.actor
    citizen = _citizen(request, citizen_id)
    form = ReviewForm(request.POST)
    return form_handle(
        request,
        form,
        save=lambda data: services.triage_review(
            actor=actor,
            citizen_id=citizen.pk,
            colour=data["colour"],
            text=data["text"],
            version=data.get("version"),
        ),
        success_message=_("Triagefarven er gemt."),
        success_url=_page_url(citizen.pk),
        template="triage/small_form.html",
        context={
            "citizen": citizen,
            "heading": _("Revurdér farve"),
            "action": reverse("triage:review", kwargs={"citizen_id": citizen.pk}),
            "cancel_url": _page_url(citizen.pk),
        },
    )


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["POST"])
def follow_up_new(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    actor = request.actor
    citizen = _citizen(request, citizen_id)
    page_staff = selectors.team_staff(actor=actor)
    form = FollowUpForm(request.POST, staff=page_staff)
    return form_handle(
        request,
        form,
        save=lambda data: services.follow_up_create(
            actor=actor,
            citizen_id=citizen.pk,
            title=data["title"],
            owner_id=data["owner"],
            due_hours=data["due_hours"],
        ),
        success_message=_("Opfølgningen er oprettet."),
        success_url=_page_url(citizen.pk),
        template="triage/small_form.html",
        context={
            "citizen": citizen,
            "heading": _("Ny opfølgning"),
            "action": reverse("triage:follow_up_new", kwargs={"citizen_id": citizen.pk}),
            "cancel_url": _page_url(citizen.pk),
        },
    )


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["POST"])
def follow_up_close(request: ActorRequest, task_id: Any) -> HttpResponse:
    actor = request.actor
    task = selectors.follow_up_get(actor=actor, task_id=task_id)
    form = CloseForm(request.POST)
    back = request.POST.get("next") == "board"
    url = reverse("triage:board") if back else _page_url(task.citizen_id)
    return form_handle(
        request,
        form,
        save=lambda data: services.follow_up_close(
            actor=actor, task_id=task.pk, note=data.get("note") or "", version=data.get("version")
        ),
        success_message=_("Opfølgningen er lukket."),
        success_url=url,
        template="triage/small_form.html",
        context={
            "citizen": task.citizen,
            "heading": _("Luk opfølgning"),
            "action": reverse("triage:follow_up_close", kwargs={"task_id": task.pk}),
            "cancel_url": url,
        },
    )


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["GET", "POST"])
def observation_correct(request: ActorRequest, observation_id: Any) -> HttpResponse:
    actor = request.actor
    obs = selectors.observation_for_correction(actor=actor, observation_id=observation_id)
    form = CorrectionForm(request.POST or None)
    return form_handle(
        request,
        form,
        save=lambda data: services.observation_correct(
            actor=actor,
            observation_id=obs.pk,
            value=data["value"],
            reason=data["reason"],
            confirmed=bool(data.get("confirmed")),
        ),
        success_message=_("Rettelsen er gemt som en ny version."),
        success_url=_page_url(obs.citizen_id),
        template="triage/small_form.html",
        context={
            "citizen": obs.citizen,
            "heading": _("Ret %(kind)s: %(value)s")
            % {"kind": obs.get_kind_display().lower(), "value": selectors.value_shown(obs)},
            "action": reverse("triage:observation_correct", kwargs={"observation_id": obs.pk}),
            "cancel_url": _page_url(obs.citizen_id),
        },
    )


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["POST"])
def scale_two(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    actor = request.actor
    citizen = _citizen(request, citizen_id)
    form = ScaleTwoForm(request.POST)
    return form_handle(
        request,
        form,
        save=lambda data: services.scale_two_record(
            actor=actor, citizen_id=citizen.pk, active=data["active"], reason=data["reason"]
        ),
        success_message=_("Iltmålet er dokumenteret."),
        success_url=_page_url(citizen.pk),
        template="triage/small_form.html",
        context={
            "citizen": citizen,
            "heading": _("Iltmål (SpO2-skala 2)"),
            "action": reverse("triage:scale_two", kwargs={"citizen_id": citizen.pk}),
            "cancel_url": _page_url(citizen.pk),
        },
    )


@access_rule(needs(Permission.CITIZEN_READ))
@require_GET
def board(request: ActorRequest) -> HttpResponse:
    b = selectors.board(actor=request.actor)
    return render(
        request,
        "triage/board.html",
        {
            "b": b,
            "notes": b.notes,
            "colour_text": COLOUR_TEXT,
            "red": Colour.RED,
            "yellow": Colour.YELLOW,
        },
    )


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["POST"])
def notification_read(request: ActorRequest, notification_id: Any) -> HttpResponse:
    services.notification_mark_read(actor=request.actor, notification_id=notification_id)
    return redirect("triage:board")
