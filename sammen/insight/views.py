"""Insight pages: the team leader's, the director's and the council's. Figures only; the one
page with names is a leader's drill-down, inside the leader's reach and logged."""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sammen.core.access_rules import STAFF, access_rule, needs
from sammen.core.errors import Forbidden
from sammen.core.presenters import datetime_text
from sammen.core.requests import ActorRequest
from sammen.insight import selectors
from sammen.insight.definitions import definitions_all
from sammen.insight.figures import SHOWN, Cell, FigureResult, Period
from sammen.insight.present import ShownFigure, cell_text, figure_present
from sammen.organisation.models import Area
from sammen.organisation.permissions import Permission, has_permission

MONTHS = 12


@access_rule(STAFF)
def insight_home(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if has_permission(actor, Permission.INSIGHT_MUNICIPALITY):
        return redirect("insight:municipality")
    if has_permission(actor, Permission.INSIGHT_COUNCIL):
        return redirect("insight:council")
    if has_permission(actor, Permission.INSIGHT_TEAM):
        return redirect("insight:team")
    raise Forbidden(_("Din rolle giver ikke adgang til nøgletal."))


def _team_drill(result: FigureResult, row_key: str, period: Period, cell: Cell) -> str:
    d = result.definition
    if d.drilldown == "none" or cell.status != SHOWN or cell.count is None:
        return ""
    counted = cell.count if d.drilldown == "hit" else (cell.base or 0) - cell.count
    if counted < d.threshold:
        return ""
    return reverse("insight:drilldown", args=[d.id, row_key, period.key])


@access_rule(needs(Permission.INSIGHT_TEAM))
def team(request: ActorRequest) -> HttpResponse:
    page = selectors.team_view(actor=request.actor)
    figures = [figure_present(r, months=MONTHS, drill=_team_drill) for r in page.figures]
    return render(
        request,
        "insight/team.html",
        {"figures": figures, "periods": page.periods, "computed_at": page.computed_at},
    )


@access_rule(needs(Permission.INSIGHT_TEAM))
def drilldown(request: ActorRequest, figure_id: str, unit_id: str, period_key: str) -> HttpResponse:
    found = selectors.drilldown(
        actor=request.actor, figure_id=figure_id, unit_id=unit_id, period_key=period_key
    )
    return render(request, "insight/drilldown.html", {"d": found})


@access_rule(needs(Permission.INSIGHT_MUNICIPALITY))
def municipality(request: ActorRequest) -> HttpResponse:
    page = selectors.municipality_view(actor=request.actor)
    figures = [figure_present(r, months=MONTHS) for r in page.figures]
    return render(
        request,
        "insight/municipality.html",
        {"figures": figures, "periods": page.periods, "computed_at": page.computed_at},
    )


@access_rule(needs(Permission.INSIGHT_MUNICIPALITY))
def municipality_csv(request: ActorRequest) -> HttpResponse:
    """The director's tables as CSV: exactly the protected cells the page shows."""
    page = selectors.municipality_view(actor=request.actor)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="noegletal-kommune.csv"'
    writer = csv.writer(response, delimiter=";")
    for result in page.figures:
        shown = figure_present(result, months=MONTHS)
        writer.writerow([shown.definition.title, f"v{shown.definition.version}"])
        writer.writerow(["", *[p.key for p in shown.periods]])
        for row in [*shown.rows, shown.total, *shown.categories]:
            writer.writerow([row.label, *[c.text for c in row.cells]])
        writer.writerow([])
    return response


def _council_figures(page: selectors.InsightPage, area: str | None) -> list[ShownFigure]:
    return [figure_present(r, months=MONTHS, only_row=area) for r in page.figures]


@access_rule(needs(Permission.INSIGHT_COUNCIL))
def council(request: ActorRequest) -> HttpResponse:
    figures = _council_figures(selectors.council_view(actor=request.actor), None)
    years = figures[0].result.years if figures else []
    return render(
        request,
        "insight/council.html",
        {"figures": figures, "years": years, "areas": Area.choices, "computed_at": timezone.now()},
    )


@access_rule(needs(Permission.INSIGHT_COUNCIL))
def council_area(request: ActorRequest, area: str) -> HttpResponse:
    label, page = selectors.council_area(actor=request.actor, area=area)
    figures = _council_figures(page, area)
    years = figures[0].result.years if figures else []
    context = {"figures": figures, "years": years, "area": area, "area_label": label}
    if request.GET.get("format") == "pdf":
        return _council_pdf(label, figures, years)
    return render(request, "insight/council_area.html", {**context, "computed_at": timezone.now()})


def _council_pdf(label: str, figures: list[ShownFigure], years: list[int]) -> HttpResponse:
    from fpdf import FPDF

    def text(value: str) -> str:
        return value.replace("–", "-").encode("latin-1", "replace").decode("latin-1")

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(text(f"Nøgletal: {label}"))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, text(f"Nøgletal for {label}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    pdf.cell(
        0,
        5,
        text(f"Udskrevet {datetime_text(timezone.now())}. Tal under 5 vises som <5."),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for f in figures:
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 5, text(f.definition.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 8)
        pdf.multi_cell(0, 4, text(f.definition.explanation), new_x="LMARGIN", new_y="NEXT")
        row = f.rows[0] if f.rows else f.total
        values = "   ".join(f"{y}: {c.text}" for y, c in zip(years, row.years, strict=True))
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(0, 5, text(values), new_x="LMARGIN", new_y="NEXT")
        q = f.quality
        pdf.set_font("Helvetica", "", 7)
        pdf.cell(
            0,
            4,
            text(f"Datakvalitet: dækning {q.coverage}, mangler {q.missing}, forsinket {q.late}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    response = HttpResponse(bytes(pdf.output()), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="noegletal-{label.lower().replace(" ", "-")}.pdf"'
    )
    return response


@access_rule(STAFF)
def definitions(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not any(
        has_permission(actor, p)
        for p in (
            Permission.INSIGHT_TEAM,
            Permission.INSIGHT_MUNICIPALITY,
            Permission.INSIGHT_COUNCIL,
        )
    ):
        raise Forbidden(_("Din rolle giver ikke adgang til nøgletal."))
    found: list[Any] = [d for versions in definitions_all().values() for d in versions]
    return render(request, "insight/definitions.html", {"definitions": found})


__all__ = ["cell_text"]
