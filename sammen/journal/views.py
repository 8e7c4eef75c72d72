"""The journal on a phone: overview (borgerblik), document, history, correct, fejlregistrering.

Documenting a funktionsevne item from the overview takes three taps: the item's
"Dokumentér" button, the level, "Gem".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sammen.citizens.selectors import citizen_get
from sammen.core.access_rules import access_rule, needs
from sammen.core.errors import NotFound
from sammen.core.forms import form_handle
from sammen.core.requests import ActorRequest
from sammen.journal import selectors, services
from sammen.journal.fields import data_codes
from sammen.journal.forms import EntryForm, OverviewFilterForm, ReasonForm, initial_from_entry
from sammen.journal.models import Template
from sammen.organisation.permissions import Permission, has_permission

SUBJECT_PARAM = "tilstand"


def _overview_url(citizen_id: Any) -> str:
    return reverse("journal:overview", kwargs={"citizen_id": citizen_id})


@access_rule(needs(Permission.CITIZEN_READ))
@require_GET
def journal_overview(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    actor = request.actor
    filters = OverviewFilterForm(request.GET or None)
    since: dt.date | None = None
    area = ""
    if filters.is_valid():
        since = filters.cleaned_data["since"]
        area = filters.cleaned_data["area"] or ""
    overview = selectors.journal_overview(
        actor=actor, citizen_id=citizen_id, since=since, area=area
    )
    today = timezone.localdate()
    return render(
        request,
        "journal/overview.html",
        {
            "o": overview,
            "citizen": overview.citizen,
            "filters": filters,
            "may_document": {
                t.key for t in overview.templates if has_permission(actor, t.permission)
            },
            "quick_since": [
                (_("I går"), today - dt.timedelta(days=1)),
                (_("7 dage"), today - dt.timedelta(days=7)),
                (_("30 dage"), today - dt.timedelta(days=30)),
            ],
        },
        status=200 if not filters.errors else 422,
    )


def _entry_form(
    request: ActorRequest,
    template: Template,
    *,
    initial: dict[str, Any],
    hidden: set[str],
    keep: set[str] | None = None,
    with_reason: bool = False,
) -> EntryForm:
    form = EntryForm(
        request.POST or None,
        template=template,
        value_sets=selectors.template_value_sets([template]),
        keep_codes=keep,
        hidden_fields=hidden,
        with_reason=with_reason,
        initial=initial,
    )
    form.fields["refers_to"] = forms.DateTimeField(
        label=_("Gælder tidspunktet"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Udfyld kun, hvis dokumentationen gælder et tidligere tidspunkt."),
    )
    return form


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["GET", "POST"])
def entry_create(request: ActorRequest, citizen_id: Any, template_key: str) -> HttpResponse:
    actor = request.actor
    version_text = request.POST.get("template_version", "")
    template = selectors.template_current(key=template_key)
    if template is None:
        # The citizen's id is checked first, so an unknown template never tells a foreign or
        # unrelated actor more than the citizen page would (404 / 403 with break-the-glass).
        citizen_get(actor=actor, citizen_id=citizen_id, object_type=selectors.OBJECT_TYPE)
        raise NotFound()
    services.document_require(actor=actor, template=template)
    subject = request.GET.get(SUBJECT_PARAM, "") or request.POST.get(template.subject_field, "")
    value_sets = selectors.template_value_sets([template])
    subject_field = template.field(template.subject_field) if template.subject_field else None
    subject_choice = None
    if subject and subject_field and "value_set" in subject_field:
        vs = value_sets.get(subject_field["value_set"])
        subject_choice = vs.find(subject) if vs else None
        if subject_choice is not None and not subject_choice.active:
            subject_choice = None
    hidden = {template.subject_field} if subject_choice is not None else set()
    initial = {template.subject_field: subject_choice.code} if subject_choice else {}
    form = _entry_form(request, template, initial=initial, hidden=hidden)

    def save(data: dict[str, Any]) -> Any:
        version = (
            int(version_text)
            if version_text.isascii() and version_text.isdigit()
            else template.version
        )
        return services.entry_create(
            actor=actor,
            citizen_id=citizen_id,
            template_key=template.key,
            template_version=version,
            data=form.raw_data(),
            refers_to=data.get("refers_to"),
        )

    def page() -> dict[str, Any]:
        citizen = citizen_get(
            actor=actor,
            citizen_id=citizen_id,
            object_type=selectors.OBJECT_TYPE,
            area=template.area.municipal_area,
        )
        return {
            "citizen": citizen,
            "template": template,
            "subject": subject_choice,
            "template_version": version_text or template.version,
            "heading": subject_choice.label if subject_choice else template.title,
            "cancel_url": _overview_url(citizen.pk),
        }

    return form_handle(
        request,
        form,
        save=save,
        success_message=_("%(title)s er gemt.") % {"title": template.title},
        success_url=lambda entry: _overview_url(entry.citizen_id),
        template="journal/entry_form.html",
        context=page,
    )


@access_rule(needs(Permission.CITIZEN_READ))
@require_GET
def item_history(request: ActorRequest, citizen_id: Any, code: str) -> HttpResponse:
    history = selectors.item_history(actor=request.actor, citizen_id=citizen_id, code=code)
    return render(request, "journal/item_history.html", {"h": history, "citizen": history.citizen})


@access_rule(needs(Permission.CITIZEN_READ))
@require_GET
def entry_detail(request: ActorRequest, entry_id: Any) -> HttpResponse:
    versions = selectors.entry_versions(actor=request.actor, entry_id=entry_id)
    return render(
        request,
        "journal/entry_detail.html",
        {"v": versions, "citizen": versions.citizen, "requested": str(entry_id)},
    )


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["GET", "POST"])
def entry_correct(request: ActorRequest, entry_id: Any) -> HttpResponse:
    actor = request.actor
    versions = selectors.entry_versions(actor=actor, entry_id=entry_id)
    head = versions.head.entry
    if str(head.pk) != str(entry_id) or not head.is_valid:
        if request.method != "POST":
            messages.error(request, _("Den version er allerede rettet eller fejlregistreret."))
            return redirect("journal:entry_detail", entry_id=head.pk)
        # Submitted against a version someone else has replaced meanwhile: the service answers
        # Conflict (409) and the form comes back with what the person typed.
        head = next(v.entry for v in versions.versions if str(v.entry.pk) == str(entry_id))
    template = head.template
    services.document_require(actor=actor, template=template)
    keep = data_codes(template.definition, head.data)
    form = _entry_form(
        request,
        template,
        initial=initial_from_entry(template, head.data),
        hidden=set(),
        keep=keep,
        with_reason=True,
    )
    return form_handle(
        request,
        form,
        save=lambda data: services.entry_correct(
            actor=actor,
            entry_id=head.pk,
            data=form.raw_data(),
            reason=data.get("reason", ""),
            refers_to=data.get("refers_to"),
        ),
        success_message=_("Rettelsen er gemt som en ny version."),
        success_url=_overview_url(head.citizen_id),
        template="journal/entry_form.html",
        context={
            "citizen": versions.citizen,
            "template": template,
            "heading": _("Ret: %(subject)s") % {"subject": versions.head.subject},
            "correcting": head,
            "cancel_url": reverse("journal:entry_detail", kwargs={"entry_id": head.pk}),
        },
    )


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["GET", "POST"])
def entry_mark_in_error(request: ActorRequest, entry_id: Any) -> HttpResponse:
    actor = request.actor
    versions = selectors.entry_versions(actor=actor, entry_id=entry_id)
    head = versions.head.entry
    return form_handle(
        request,
        ReasonForm(request.POST or None),
        save=lambda data: services.entry_mark_in_error(
            actor=actor, entry_id=entry_id, reason=data["reason"]
        ),
        success_message=_("Notatet er markeret som fejlregistrering."),
        success_url=_overview_url(head.citizen_id),
        template="journal/in_error_form.html",
        context={"citizen": versions.citizen, "v": versions},
    )
