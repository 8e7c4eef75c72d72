"""Citizen search, the citizen page (borgerblik) and the registry's forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sammen.access.models import Operation
from sammen.citizens import sections, selectors, services
from sammen.citizens.forms import (
    CitizenForm,
    ConsentForm,
    RelativeForm,
    ResponsibilityForm,
    SearchForm,
    StatusForm,
    WithdrawForm,
    citizen_initial,
)
from sammen.core.access_rules import access_rule, needs
from sammen.core.errors import ValidationFailed
from sammen.core.forms import form_add_domain_errors, form_handle
from sammen.core.requests import ActorRequest
from sammen.organisation.permissions import Permission


def _posted_version(request: ActorRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _without_version(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "version"}


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["GET", "POST"])
def citizen_search(request: ActorRequest) -> HttpResponse:
    """The search box posts, so a CPR number typed into it never lands in a URL or access log."""
    form = SearchForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = selectors.citizen_search(actor=request.actor, query=form.cleaned_data["q"])
        except ValidationFailed as error:
            form_add_domain_errors(form, error)
    context = {"form": form, "result": result}
    if request.htmx and request.method == "POST":
        return render(request, "citizens/search.html#results", context)
    return render(request, "citizens/search.html", context, status=422 if form.errors else 200)


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["GET"])
def citizen_list_mine(request: ActorRequest) -> HttpResponse:
    """ "Mine borgere": the citizens the actor's unit is responsible for (one log row each)."""
    result = selectors.citizen_list_mine(actor=request.actor)
    return render(request, "citizens/mine.html", {"result": result})


@access_rule(needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE))
@require_http_methods(["GET", "POST"])
def citizen_create(request: ActorRequest) -> HttpResponse:
    return form_handle(
        request,
        CitizenForm(request.POST or None),
        save=lambda data: services.citizen_create(
            actor=request.actor, data=services.CitizenInput(**_without_version(data))
        ),
        success_message=lambda citizen: _("%(name)s er oprettet.") % {"name": citizen.full_name},
        success_url=lambda citizen: _overview_url(citizen.pk),
        template="citizens/citizen_form.html",
        context={"citizen": None},
    )


def _overview_url(citizen_id: Any) -> str:
    return reverse("citizens:overview", kwargs={"citizen_id": citizen_id})


@access_rule(needs(Permission.CITIZEN_READ))
def citizen_overview(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    actor = request.actor
    overview = selectors.citizen_overview(actor=actor, citizen_id=citizen_id)
    rendered_sections = [
        {"section": s, "context": s.load(actor, overview.access)} for s in sections.sections_all()
    ]
    return render(
        request,
        "citizens/overview.html",
        {
            "o": overview,
            "citizen": overview.citizen,
            "sections": rendered_sections,
            "status_form": StatusForm(
                initial={"status": overview.citizen.status, "version": overview.citizen.version}
            ),
            "today": timezone.localdate(),
        },
    )


@access_rule(needs(Permission.CITIZEN_READ))
@require_POST
def citizen_cpr_reveal(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    """Show the full CPR number on request; the look is logged on its own."""
    citizen = selectors.citizen_get(
        actor=request.actor, citizen_id=citizen_id, operation=Operation.VIEW, object_type="cpr"
    )
    return render(request, "citizens/overview.html#cpr", {"citizen": citizen, "cpr_shown": True})


@access_rule(needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE))
@require_http_methods(["GET", "POST"])
def citizen_edit(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    actor = request.actor
    if request.method == "GET":
        citizen = selectors.citizen_get(actor=actor, citizen_id=citizen_id)
    else:
        citizen = selectors.citizen_for_update(actor=actor, citizen_id=citizen_id)
    return form_handle(
        request,
        CitizenForm(request.POST or None, initial=citizen_initial(citizen)),
        save=lambda data: services.citizen_update(
            actor=actor,
            citizen=citizen,
            data=services.CitizenInput(**_without_version(data)),
            version=data["version"],
        ),
        success_message=_("Oplysningerne er gemt."),
        success_url=_overview_url(citizen.pk),
        template="citizens/citizen_form.html",
        context={"citizen": citizen},
    )


@access_rule(needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE))
@require_POST
def citizen_status(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    actor = request.actor
    citizen = selectors.citizen_for_update(actor=actor, citizen_id=citizen_id)
    return form_handle(
        request,
        StatusForm(request.POST),
        save=lambda data: services.citizen_set_status(
            actor=actor,
            citizen=citizen,
            status=data["status"],
            on=data["status_date"],
            version=data["version"],
        ),
        success_message=_("Status er opdateret."),
        success_url=_overview_url(citizen.pk),
        template="citizens/simple_form.html",
        context={"citizen": citizen, "title": _("Skift status")},
    )


def _citizen_for_form(request: ActorRequest, citizen_id: Any) -> Any:
    """The citizen a form changes (the right to change is checked; the service logs the
    write). Showing the form shows the citizen's name: that is a logged view."""
    citizen = selectors.citizen_for_update(actor=request.actor, citizen_id=citizen_id)
    if request.method == "GET":
        selectors.citizen_get(actor=request.actor, citizen_id=citizen_id)
    return citizen


def _simple_form(
    request: ActorRequest,
    citizen: Any,
    form: Any,
    title: str,
    *,
    save: Callable[[dict[str, Any]], object],
    message: str,
) -> HttpResponse:
    """The registry's small forms: one page titled `title`, back to the citizen page."""
    return form_handle(
        request,
        form,
        save=save,
        success_message=message,
        success_url=_overview_url(citizen.pk),
        template="citizens/simple_form.html",
        context={"citizen": citizen, "title": title},
    )


@access_rule(needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE))
@require_http_methods(["GET", "POST"])
def relative_add(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    actor = request.actor
    citizen = _citizen_for_form(request, citizen_id)
    return _simple_form(
        request,
        citizen,
        RelativeForm(request.POST or None),
        _("Tilføj pårørende"),
        save=lambda data: services.relative_add(
            actor=actor, citizen=citizen, data=services.RelativeInput(**data)
        ),
        message=_("Den pårørende er tilføjet."),
    )


@access_rule(needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE))
@require_POST
def relative_remove(request: ActorRequest, relative_id: Any) -> HttpResponse:
    actor = request.actor
    relative = selectors.relative_for_update(actor=actor, relative_id=relative_id)
    citizen_id = relative.citizen_id
    services.relative_remove(actor=actor, relative=relative, version=_posted_version(request))
    messages.success(request, _("Den pårørende er fjernet."))
    return redirect("citizens:overview", citizen_id=citizen_id)


@access_rule(needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE))
@require_http_methods(["GET", "POST"])
def consent_give(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    actor = request.actor
    citizen = _citizen_for_form(request, citizen_id)
    return _simple_form(
        request,
        citizen,
        ConsentForm(request.POST or None, initial={"given_on": timezone.localdate()}),
        _("Registrer samtykke eller lovhjemmel"),
        save=lambda data: services.consent_give(actor=actor, citizen=citizen, **data),
        message=_("Samtykket er registreret."),
    )


@access_rule(needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE))
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: ActorRequest, consent_id: Any) -> HttpResponse:
    actor = request.actor
    consent = selectors.consent_for_update(actor=actor, consent_id=consent_id)
    if request.method == "GET":  # the form shows the citizen: a logged view
        selectors.citizen_get(actor=actor, citizen_id=consent.citizen_id)
    return _simple_form(
        request,
        consent.citizen,
        WithdrawForm(
            request.POST or None,
            initial={"withdrawn_on": timezone.localdate(), "version": consent.version},
        ),
        _("Træk samtykke tilbage"),
        save=lambda data: services.consent_withdraw(
            actor=actor,
            consent=consent,
            withdrawn_on=data["withdrawn_on"],
            version=data["version"],
        ),
        message=_("Samtykket er trukket tilbage."),
    )


@access_rule(needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE))
@require_http_methods(["GET", "POST"])
def responsibility_set(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    actor = request.actor
    citizen = _citizen_for_form(request, citizen_id)
    return _simple_form(
        request,
        citizen,
        ResponsibilityForm(
            request.POST or None, actor=actor, initial={"since": timezone.localdate()}
        ),
        _("Ansvarlig enhed"),
        save=lambda data: services.responsibility_set(actor=actor, citizen=citizen, **data),
        message=_("Den ansvarlige enhed er opdateret."),
    )
