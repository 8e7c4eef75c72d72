"""Glue between domain errors and Django forms, shared by every module's views.

`form_handle` is the one way an HTML form is handled: form → service → errors beside the
fields (422, typed input kept) or a stale-version answer (409, typed input kept, what changed
shown) → success message → redirect. An htmx submission is never answered with a whole page
to swap into the form: success is an `HX-Redirect` (the browser loads the next page, with the
message), a bad submission is the template's `#form` partial.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from sammen.core.errors import Conflict, ValidationFailed

T = TypeVar("T")

# The name of the hidden field that carries the version an edit form was opened on.
VERSION_FIELD = "version"


def form_add_domain_errors(form: forms.Form, error: ValidationFailed) -> None:
    """Put a service's field errors beside the fields (unknown fields become form errors)."""
    for field, messages_ in error.field_errors.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)
    if not error.field_errors:
        form.add_error(None, error.message)


def _shown(value: Any) -> str:
    return "–" if value in (None, "", [], {}) else str(value)


def _change_text(detail: Any) -> str:
    """ "before → after" from a Conflict's `changes` entry ([before, after], as the write
    kernel gives it), or "" when only the field's name is known."""
    if isinstance(detail, (list, tuple)) and len(detail) == 2:
        return f"{_shown(detail[0])} → {_shown(detail[1])}"
    return ""


def form_add_conflict(form: forms.Form, error: Conflict) -> None:
    """A stale form: say so above the form with what the other person changed ("Vej:
    Hovedgaden → Nygade"; the write kernel masks a CPR), mark each changed field beside it,
    keep what this person typed. With `error.current_version` the hidden `version` field moves
    on, so saving again deliberately replaces the other change. `changes` may also be a list
    of field names."""
    text = _(
        "Oplysningerne er ændret af en anden, siden du åbnede formularen. Det, du skrev, "
        "er bevaret. Se ændringerne, og gem igen, hvis dine oplysninger skal gælde."
    )
    if error.message and error.message not in {Conflict.title, Conflict().message}:
        text = f"{text} {error.message}"
    changes: Any = getattr(error, "changes", None) or {}
    if not isinstance(changes, Mapping):
        changes = dict.fromkeys(changes)
    shown: list[str] = []
    for name, detail in changes.items():
        if name == VERSION_FIELD:
            continue
        label = form[name].label if name in form.fields else None
        change = _change_text(detail)
        shown.append(f"{label or name}: {change}" if change else str(label or name))
        if name in form.fields:
            form.add_error(
                name,
                _("Ændret af en anden: %(change)s") % {"change": change}
                if change
                else _("Ændret af en anden."),
            )
    if shown:
        text = f"{text} " + _("Ændret: %(changes)s.") % {"changes": "; ".join(shown)}
    form.add_error(None, text)
    current = getattr(error, "current_version", None)
    if current is not None and VERSION_FIELD in form.fields and form.is_bound:
        data = QueryDict(mutable=True)
        data.update(form.data)
        data[VERSION_FIELD] = str(current)
        form.data = data


def render_form(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    invalid: bool = False,
    status: int | None = None,
    partial: str | None = "form",
) -> HttpResponse:
    """Full page for a normal request, the `#form` partial for htmx; 422 when input was bad.

    The form keeps what the user typed, so nothing is lost on a failed submit.
    """
    htmx = bool(getattr(request, "htmx", False))
    name = f"{template}#{partial}" if htmx and partial else template
    return render(request, name, context, status=status or (422 if invalid else 200))


def form_done(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful submit: a redirect, or for htmx an HX-Redirect so the browser
    loads the next page itself (never a whole page swapped into the form)."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def form_handle(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[dict[str, Any]], T],
    success_url: str | Callable[[T], str],
    success_message: str | Callable[[T], str] = "",
    template: str,
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    form_name: str = "form",
    partial: str | None = "form",
    message_level: int = messages.SUCCESS,
) -> HttpResponse:
    """The form flow of every HTML form (GET shows it, POST saves it).

    `save(cleaned_data)` calls the service; `ValidationFailed` puts its messages beside the
    fields (422), `Conflict` (a stale version) answers 409 with the form and what changed.
    Success adds `success_message` and redirects to `success_url` (either may be a function
    of what `save` returned). `context` may be a function, so a page's other data is loaded
    only when the form is shown again. `partial=None` when the form is not an htmx form (it
    then always renders the whole page).
    """
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                result = save(form.cleaned_data)
            except ValidationFailed as error:
                form_add_domain_errors(form, error)
            except Conflict as error:
                form_add_conflict(form, error)
                status = 409
            else:
                text = success_message(result) if callable(success_message) else success_message
                if text:
                    messages.add_message(request, message_level, text)
                url = success_url(result) if callable(success_url) else success_url
                return form_done(request, url)
    extra = context() if callable(context) else (context or {})
    return render_form(
        request, template, {**extra, form_name: form}, status=status, partial=partial
    )
