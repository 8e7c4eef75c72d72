"""HTML input of the home-care day → clean values for the services."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sammen.visits.models import AbsenceKind, DeliveryOutcome, VisitKind
from sammen.visits.reasons import reason_choices
from sammen.visits.services import NOTE_MAX, TITLE_MAX


class DeliveryForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Resultat"), choices=DeliveryOutcome.choices, initial=DeliveryOutcome.DELIVERED
    )
    reason_code = forms.ChoiceField(
        label=_("Begrundelse"), choices=[("", "—"), *reason_choices()], required=False
    )
    # Longer than the limit on purpose: the service answers with the Danish reason.
    note = forms.CharField(
        label=_("Notat"), required=False, widget=forms.Textarea, max_length=200_000
    )

    def __init__(self, *args: Any, service_ids: list[str] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.service_ids = list(service_ids)
        for sid in self.service_ids:
            self.fields[f"missing-{sid}"] = forms.ChoiceField(
                choices=[("", "—"), *reason_choices()], required=False
            )

    def not_delivered(self) -> dict[str, str]:
        return {
            sid: self.cleaned_data[f"missing-{sid}"]
            for sid in self.service_ids
            if self.cleaned_data.get(f"missing-{sid}")
        }


def new_client_id() -> str:
    return str(uuid.uuid4())


class OneOffForm(forms.Form):
    citizen_id = forms.ChoiceField(label=_("Borger"))
    kind = forms.ChoiceField(
        label=_("Art"),
        choices=[
            (VisitKind.ACUTE, VisitKind.ACUTE.label),
            (VisitKind.UNGRANTED, VisitKind.UNGRANTED.label),
        ],
    )
    day = forms.DateField(
        label=_("Dag"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    at = forms.TimeField(label=_("Klokkeslæt"), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(label=_("Varighed i minutter"), min_value=1, max_value=480)
    title = forms.CharField(label=_("Hvad gælder besøget"), max_length=TITLE_MAX)
    note = forms.CharField(
        label=_("Bemærkning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX,
    )
    staff_id = forms.ChoiceField(label=_("Medarbejder"), required=False)

    def __init__(
        self,
        *args: Any,
        citizens: list[tuple[str, str]],
        staff: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["citizen_id"].choices = [("", "—"), *citizens]  # type: ignore[attr-defined]
        self.fields["staff_id"].choices = [("", _("Ikke fordelt")), *staff]  # type: ignore[attr-defined]


class AbsenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Fravær"), choices=AbsenceKind.choices)
    starts_on = forms.DateField(
        label=_("Fra"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Til og med"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
