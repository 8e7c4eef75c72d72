"""Citizen search, the citizen page (borgerblik) and the registry's forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
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
from sammen.core.errors import Conflict, ValidationFailed
from sammen.core.forms import form_add_domain_errors, render_form
from sammen.organisation.permissions import Permission


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _form_conflict(form: Any, error: Conflict) -> None:
    """Someone saved in between: say what they changed (old → new, CPR masked) above the form,
    keep what this person typed, and base the next submit on the version now stored."""
    shown = "; ".join(
        f"{form.fields[name].label if name in form.fields else name}: "
        f"{old if old not in (None, '') else '–'} → {new if new not in (None, '') else '–'}"
        for name, (old, new) in error.changes.items()
    )
    form.add_error(None, f"{error.message} {shown}".strip())
    if error.current_version is not None:
        form.data = form.data.copy()
        form.data["version"] = str(error.current_version)


def _citizen_for_form(request: HttpRequest, citizen_id: Any) -> Any:
    """GET shows the citizen (a logged read); POST hands the row to a write service, which
    logs the write."""
    actor = _actor(request)
    if request.method == "GET":
        return selectors.citizen_get(actor=actor, citizen_id=citizen_id)
    return selectors.citizen_for_update(actor=actor, citizen_id=citizen_id)


def _posted_version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["GET", "POST"])
def citizen_search(request: HttpRequest) -> HttpResponse:
    """The search box posts, so a CPR number typed into it never lands in a URL or access log."""
    form = SearchForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = selectors.citizen_search(actor=_actor(request), query=form.cleaned_data["q"])
        except ValidationFailed as error:
            form_add_domain_errors(form, error)
    context = {"form": form, "result": result}
    if getattr(request, "htmx", False) and request.method == "POST":
        return render(request, "citizens/search.html#results", context)
    return render(request, "citizens/search.html", context, status=422 if form.errors else 200)


@access_rule(needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE))
@require_http_methods(["GET", "POST"])
def citizen_create(request: HttpRequest) -> HttpResponse:
    form = CitizenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            citizen = services.citizen_create(
                actor=_actor(request), data=services.CitizenInput(**values)
            )
        except ValidationFailed as error:
            form_add_domain_errors(form, error)
        else:
            messages.success(request, f"{citizen.full_name} er oprettet.")
            return redirect("citizens:overview", citizen_id=citizen.pk)
    return render_form(
        request,
        "citizens/citizen_form.html",
        {"form": form, "citizen": None},
        invalid=request.method == "POST",
    )


@access_rule(needs(Permission.CITIZEN_READ))
def citizen_overview(request: HttpRequest, citizen_id: Any) -> HttpResponse:
    actor = _actor(request)
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
def citizen_cpr_reveal(request: HttpRequest, citizen_id: Any) -> HttpResponse:
    """Show the full CPR number on request; the look is logged on its own."""
    citizen = selectors.citizen_get(
        actor=_actor(request), citizen_id=citizen_id, operation=Operation.VIEW, object_type="cpr"
    )
    return render(request, "citizens/overview.html#cpr", {"citizen": citizen, "cpr_shown": True})


@access_rule(needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE))
@require_http_methods(["GET", "POST"])
def citizen_edit(request: HttpRequest, citizen_id: Any) -> HttpResponse:
    actor = _actor(request)
    if request.method == "GET":
        citizen = selectors.citizen_get(actor=actor, citizen_id=citizen_id)
    else:
        citizen = selectors.citizen_for_update(actor=actor, citizen_id=citizen_id)
    form = CitizenForm(request.POST or None, initial=citizen_initial(citizen))
    status = None
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        try:
            services.citizen_update(
                actor=actor,
                citizen=citizen,
                data=services.CitizenInput(**values),
                version=version,
            )
        except ValidationFailed as error:
            form_add_domain_errors(form, error)
        except Conflict as error:
            _form_conflict(form, error)
            status = error.status_code
        else:
            messages.success(request, "Oplysningerne er gemt.")
            return redirect("citizens:overview", citizen_id=citizen.pk)
    response = render_form(
        request,
        "citizens/citizen_form.html",
        {"form": form, "citizen": citizen},
        invalid=request.method == "POST",
    )
    response.status_code = status or response.status_code
    return response


@access_rule(needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE))
@require_POST
def citizen_status(request: HttpRequest, citizen_id: Any) -> HttpResponse:
    actor = _actor(request)
    citizen = selectors.citizen_for_update(actor=actor, citizen_id=citizen_id)
    form = StatusForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.citizen_set_status(
                actor=actor,
                citizen=citizen,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["status_date"],
                version=form.cleaned_data["version"],
            )
        except ValidationFailed as error:
            form_add_domain_errors(form, error)
        except Conflict as error:
            _form_conflict(form, error)
            status = error.status_code
        else:
            messages.success(request, "Status er opdateret.")
            return redirect("citizens:overview", citizen_id=citizen.pk)
    return render(
        request,
        "citizens/simple_form.html",
        {"form": form, "citizen": citizen, "title": "Skift status"},
        status=status,
    )


def _simple_form(
    request: HttpRequest, citizen: Any, form: Any, title: str, *, invalid: bool
) -> HttpResponse:
    return render_form(
        request,
        "citizens/simple_form.html",
        {"form": form, "citizen": citizen, "title": title},
        invalid=invalid,
    )


@access_rule(needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE))
@require_http_methods(["GET", "POST"])
def relative_add(request: HttpRequest, citizen_id: Any) -> HttpResponse:
    actor = _actor(request)
    citizen = _citizen_for_form(request, citizen_id)
    form = RelativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.relative_add(
                actor=actor, citizen=citizen, data=services.RelativeInput(**form.cleaned_data)
            )
        except ValidationFailed as error:
            form_add_domain_errors(form, error)
        else:
            messages.success(request, "Den pårørende er tilføjet.")
            return redirect("citizens:overview", citizen_id=citizen.pk)
    return _simple_form(
        request, citizen, form, "Tilføj pårørende", invalid=request.method == "POST"
    )


@access_rule(needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE))
@require_POST
def relative_remove(request: HttpRequest, relative_id: Any) -> HttpResponse:
    actor = _actor(request)
    relative = selectors.relative_for_update(actor=actor, relative_id=relative_id)
    citizen_id = relative.citizen_id
    services.relative_remove(actor=actor, relative=relative, version=_posted_version(request))
    messages.success(request, "Den pårørende er fjernet.")
    return redirect("citizens:overview", citizen_id=citizen_id)


@access_rule(needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE))
@require_http_methods(["GET", "POST"])
def consent_give(request: HttpRequest, citizen_id: Any) -> HttpResponse:
    actor = _actor(request)
    citizen = _citizen_for_form(request, citizen_id)
    form = ConsentForm(request.POST or None, initial={"given_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_give(actor=actor, citizen=citizen, **form.cleaned_data)
        except ValidationFailed as error:
            form_add_domain_errors(form, error)
        else:
            messages.success(request, "Samtykket er registreret.")
            return redirect("citizens:overview", citizen_id=citizen.pk)
    return _simple_form(
        request,
        citizen,
        form,
        "Registrer samtykke eller lovhjemmel",
        invalid=request.method == "POST",
    )


@access_rule(needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE))
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, consent_id: Any) -> HttpResponse:
    actor = _actor(request)
    consent = selectors.consent_for_update(actor=actor, consent_id=consent_id)
    if request.method == "GET":  # the page shows the citizen: a logged read
        selectors.citizen_get(actor=actor, citizen_id=consent.citizen_id)
    form = WithdrawForm(
        request.POST or None,
        initial={"withdrawn_on": timezone.localdate(), "version": consent.version},
    )
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                actor=actor,
                consent=consent,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                version=form.cleaned_data["version"],
            )
        except ValidationFailed as error:
            form_add_domain_errors(form, error)
        except Conflict as error:
            _form_conflict(form, error)
            status = error.status_code
        else:
            messages.success(request, "Samtykket er trukket tilbage.")
            return redirect("citizens:overview", citizen_id=consent.citizen_id)
    response = _simple_form(
        request, consent.citizen, form, "Træk samtykke tilbage", invalid=request.method == "POST"
    )
    response.status_code = status or response.status_code
    return response


@access_rule(needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE))
@require_http_methods(["GET", "POST"])
def responsibility_set(request: HttpRequest, citizen_id: Any) -> HttpResponse:
    actor = _actor(request)
    citizen = _citizen_for_form(request, citizen_id)
    form = ResponsibilityForm(
        request.POST or None, actor=actor, initial={"since": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.responsibility_set(actor=actor, citizen=citizen, **form.cleaned_data)
        except ValidationFailed as error:
            form_add_domain_errors(form, error)
        else:
            messages.success(request, "Den ansvarlige enhed er opdateret.")
            return redirect("citizens:overview", citizen_id=citizen.pk)
    return _simple_form(request, citizen, form, "Ansvarlig enhed", invalid=request.method == "POST")
