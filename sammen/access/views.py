"""Break-the-glass, the leader's review queue, and the citizen's own log."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sammen.access import selectors, services
from sammen.access.forms import GrantForm, ReviewForm
from sammen.access.models import Operation
from sammen.core.access_rules import CITIZEN, access_rule, needs
from sammen.core.errors import ValidationFailed
from sammen.core.forms import form_handle
from sammen.core.presenters import datetime_text, yes_no
from sammen.core.requests import ActorRequest, CitizenRequest
from sammen.organisation.permissions import Permission


@access_rule(needs(Permission.BREAK_THE_GLASS))
@require_http_methods(["GET", "POST"])
def grant_create(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    actor = request.actor
    selectors.grant_target_get(actor=actor, citizen_id=citizen_id)
    return form_handle(
        request,
        GrantForm(request.POST or None),
        save=lambda data: services.grant_create(
            actor=actor,
            citizen_id=citizen_id,
            reason=data["reason"],
            reason_text=data["reason_text"],
        ),
        success_message=_("Du har fået udvidet adgang til borgeren. Adgangen er logget."),
        message_level=messages.WARNING,
        success_url=reverse("citizens:overview", kwargs={"citizen_id": citizen_id}),
        template="access/grant_form.html",
        context={"citizen_id": citizen_id},
    )


@access_rule(needs(Permission.ACCESS_REVIEW))
def review_queue(request: ActorRequest) -> HttpResponse:
    queue = selectors.review_queue(actor=request.actor)
    return render(request, "access/review_queue.html", {"queue": queue, "form": ReviewForm()})


@access_rule(needs(Permission.ACCESS_REVIEW))
@require_POST
def review_resolve(request: ActorRequest, item_id: Any) -> HttpResponse:
    actor = request.actor
    item = selectors.review_item_get(actor=actor, item_id=item_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_item_resolve(
                actor=actor,
                item=item,
                comment=form.cleaned_data["comment"],
                approved=form.cleaned_data["approved"],
            )
        except ValidationFailed as error:
            messages.error(request, next(iter(error.field_errors.values()), [error.message])[0])
        else:
            messages.success(request, _("Gennemgangen er gemt."))
    else:
        messages.error(request, _("Skriv en kommentar og vælg en vurdering."))
    return redirect("access:review_queue")


def _own_citizen(request: CitizenRequest) -> Any:
    return request.citizen_account.citizen


@access_rule(CITIZEN)
def citizen_log(request: CitizenRequest) -> HttpResponse:
    citizen = _own_citizen(request)
    lines = selectors.citizen_own_log(citizen=citizen)
    return render(
        request,
        "access/citizen_log.html",
        {
            "citizen": citizen,
            "lines": lines,
            "show_names": citizen.municipality.show_staff_names_to_citizens,
        },
    )


@access_rule(CITIZEN)
def citizen_log_csv(request: CitizenRequest) -> HttpResponse:
    citizen = _own_citizen(request)
    lines = selectors.citizen_own_log(citizen=citizen, operation=Operation.EXPORT)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    header = ["Tidspunkt", "Enhed", "Formål", "Handling", "Udvidet adgang"]
    show_names = citizen.municipality.show_staff_names_to_citizens
    writer.writerow([*header, "Medarbejder"] if show_names else header)
    for line in lines:
        row = [
            datetime_text(line.at),
            line.unit_name,
            line.purpose,
            line.operation,
            yes_no(line.break_the_glass),
        ]
        writer.writerow([*row, line.staff_name] if show_names else row)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="hvem-har-set-mine-oplysninger.csv"'
    return response


UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _pdf_font(pdf: Any) -> tuple[str, Callable[[str], str]]:
    """A Unicode font where the system has one (names like "Wiśniewska" print as written);
    otherwise the built-in Latin-1 font with other letters simplified (ś → s)."""
    bold = UNICODE_FONT.with_name("DejaVuSans-Bold.ttf")
    if UNICODE_FONT.exists() and bold.exists():
        pdf.add_font("DejaVu", "", str(UNICODE_FONT))
        pdf.add_font("DejaVu", "B", str(bold))
        return "DejaVu", lambda value: value

    def latin1(value: str) -> str:
        def one(c: str) -> str:
            try:
                c.encode("latin-1")
                return c  # æ, ø, å and the other Latin-1 letters stay as they are
            except UnicodeEncodeError:
                if c in "–—":
                    return "-"
                base = "".join(
                    d for d in unicodedata.normalize("NFKD", c) if not unicodedata.combining(d)
                )
                return base.encode("latin-1", "replace").decode("latin-1") or "?"

        return "".join(one(c) for c in value)

    return "Helvetica", latin1


@access_rule(CITIZEN)
def citizen_log_pdf(request: CitizenRequest) -> HttpResponse:
    from fpdf import FPDF

    citizen = _own_citizen(request)
    lines = selectors.citizen_own_log(citizen=citizen, operation=Operation.PRINT)
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title("Hvem har set mine oplysninger?")
    pdf.add_page()
    family, text = _pdf_font(pdf)
    pdf.set_font(family, "B", 14)
    pdf.cell(0, 10, "Hvem har set mine oplysninger?", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    pdf.cell(
        0,
        6,
        text(f"{citizen.full_name} – udskrevet {datetime_text(timezone.now())}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    with pdf.table(col_widths=(28, 52, 48, 30, 22), text_align="LEFT") as table:
        table.row(["Tidspunkt", "Enhed", "Formål", "Handling", "Udvidet"])
        for line in lines:
            unit = f"{line.unit_name} ({line.staff_name})" if line.staff_name else line.unit_name
            table.row(
                [
                    datetime_text(line.at),
                    text(unit),
                    text(line.purpose),
                    text(line.operation),
                    yes_no(line.break_the_glass),
                ]
            )
    response = HttpResponse(bytes(pdf.output()), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="hvem-har-set-mine-oplysninger.pdf"'
    return response
