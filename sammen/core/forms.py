"""Glue between domain errors and Django forms, shared by every module's views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sammen.core.errors import ValidationFailed


def form_add_domain_errors(form: forms.Form, error: ValidationFailed) -> None:
    """Put a service's field errors beside the fields (unknown fields become form errors)."""
    for field, messages in error.field_errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
    if not error.field_errors:
        form.add_error(None, error.message)


def render_form(
    request: HttpRequest, template: str, context: dict[str, Any], *, invalid: bool
) -> HttpResponse:
    """Full page for a normal request, the `#form` partial for htmx; 422 when input was bad.

    The form keeps what the user typed, so nothing is lost on a failed submit.
    """
    name = f"{template}#form" if getattr(request, "htmx", False) else template
    return render(request, name, context, status=422 if invalid else 200)
