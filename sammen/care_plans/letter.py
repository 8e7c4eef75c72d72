"""The decision letter as PDF (fpdf2): Danish, the citizen's address, each service with its
legal basis, and the appeal guidance for each legal basis used."""

from __future__ import annotations

from typing import Any

from sammen.access.views import _pdf_font
from sammen.care_plans.catalogues import law_catalogue
from sammen.care_plans.models import Decision, ServiceStatus
from sammen.care_plans.selectors import ServiceView


def decision_letter_pdf(decision: Decision, services: list[ServiceView]) -> bytes:
    from fpdf import FPDF

    citizen: Any = decision.citizen
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title("Afgørelse om hjælp")
    pdf.add_page()
    family, text = _pdf_font(pdf)

    def para(value: str, size: int = 11, style: str = "", gap: float = 2) -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(0, 6, text(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    para(f"{decision.municipality.name} Kommune", 10, "B", 0)
    para(f"Dato: {decision.decided_at:%d.%m.%Y}", 10, "", 6)
    para(citizen.full_name, 11, "", 0)
    para(f"{citizen.street} {citizen.house_number} {citizen.floor_door}".strip(), 11, "", 0)
    para(f"{citizen.postcode} {citizen.city}".strip(), 11, "", 8)
    title = {
        "granted": "Du får bevilget hjælp",
        "partial": "Du får delvist bevilget hjælp",
        "refused": "Afslag på hjælp",
    }[decision.outcome]
    para(title, 15, "B", 3)
    para(f"Kære {citizen.first_name}. Vi har behandlet din sag og har truffet denne afgørelse.")
    for v in services:
        s = v.service
        basis = v.basis.label if v.basis else s.legal_basis
        if s.status == ServiceStatus.REFUSED:
            para(f"Afslag: {v.name}", 12, "B", 1)
            para(f"Begrundelse: {s.refusal_reason}")
        else:
            para(f"Bevilget: {v.name}", 12, "B", 1)
            until = f" til og med {s.granted_to:%d.%m.%Y}" if s.granted_to else ""
            lines = [
                f"Hvor ofte: {v.frequency}, ca. {s.minutes} minutter hver gang.",
                f"Periode: fra {s.granted_from:%d.%m.%Y}{until}.",
                f"Hvem hjælper: {v.provider}." if v.provider else "",
                "Der kommer to medarbejdere." if s.double_staffing else "",
                f"Du har søgt om {s.requested_times} gange, og vi bevilger {s.times}."
                if s.requested_times and s.requested_times > s.times
                else "",
            ]
            para(" ".join(x for x in lines if x))
        para(f"Lovgrundlag: {basis}", 10, "", 3)
    para("Begrundelse", 12, "B", 1)
    para(decision.reasoning)
    law = law_catalogue()
    appeals = list(dict.fromkeys(law.appeal_text(v.service.legal_basis) for v in services))
    para("Sådan klager du", 12, "B", 1)
    for appeal in appeals:
        if appeal:
            para(appeal)
    para("Har du spørgsmål, er du velkommen til at kontakte visitationen.", 11, "", 1)
    para(f"Lovkatalog version {decision.law_catalogue_version}", 8, "", 0)
    return bytes(pdf.output())
