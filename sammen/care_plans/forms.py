"""HTML input for the care chain → the services' input dataclasses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sammen.care_plans import selectors
from sammen.care_plans.catalogues import law_catalogue
from sammen.care_plans.models import FrequencyUnit, GoalKind
from sammen.organisation.models import Area

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EMPTY = [("", "—")]


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _choices(key: str) -> list[tuple[str, str]]:
    return EMPTY + [(c.code, c.label) for c in selectors.choices(key)]


class RequestForm(forms.Form):
    area = forms.ChoiceField(label=_("Område"), choices=Area.choices)
    source_code = forms.ChoiceField(label=_("Henvendelse fra"))
    subject = forms.CharField(label=_("Hvad handler henvendelsen om?"), max_length=300)
    text = forms.CharField(
        label=_("Beskrivelse"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    attachment_title = forms.CharField(label=_("Bilag: titel"), required=False, max_length=200)
    attachment_text = forms.CharField(
        label=_("Bilag: tekst"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Fx udskrivningsbrevet fra sygehuset, indsat som tekst."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "source_code", _choices(selectors.VS_SOURCE))


class CaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    condition_codes = forms.MultipleChoiceField(
        label=_("Tilstande i journalen, som udredningen bygger på"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    citizen_view = forms.CharField(
        label=_("Borgerens egen vurdering"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    citizen_performance = forms.ChoiceField(
        label=_("Udførelse (borgerens vurdering)"), required=False
    )
    citizen_meaning = forms.ChoiceField(label=_("Betydning (borgerens vurdering)"), required=False)
    overall_assessment = forms.CharField(
        label=_("Helhedsvurdering"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    ffb_theme = forms.ChoiceField(label=_("FFB-tema"), required=False)
    ffb_level = forms.ChoiceField(label=_("FFB-funktionsevneniveau"), required=False)

    def __init__(self, *args: Any, conditions: list[Any], social: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(
            self,
            "condition_codes",
            [(c.code, f"{c.name}{' – ' + c.summary if c.summary else ''}") for c in conditions],
        )
        _set_choices(self, "citizen_performance", _choices(selectors.VS_PERFORMANCE))
        _set_choices(self, "citizen_meaning", _choices(selectors.VS_MEANING))
        if social:
            _set_choices(self, "ffb_theme", _choices(selectors.VS_FFB_THEMES))
            _set_choices(self, "ffb_level", _choices(selectors.VS_FFB_LEVEL))
        else:
            del self.fields["ffb_theme"], self.fields["ffb_level"]


WEEKDAY_CHOICES = [(str(i + 1), name) for i, name in enumerate(selectors.WEEKDAYS)]


class DecisionForm(forms.Form):
    """One service per decision in the browser (the API takes several)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.ChoiceField(label=_("Indsats"))
    legal_basis = forms.ChoiceField(label=_("Lovgrundlag"))
    refused = forms.BooleanField(label=_("Afslag på indsatsen"), required=False)
    refusal_reason = forms.CharField(
        label=_("Begrundelse for afslag"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    granted_from = forms.DateField(label=_("Bevilget fra"), widget=DATE)
    granted_to = forms.DateField(label=_("Bevilget til"), widget=DATE, required=False)
    times = forms.IntegerField(label=_("Antal gange"), min_value=-1000, max_value=1000)
    per = forms.ChoiceField(label=_("Pr."), choices=FrequencyUnit.choices)
    weekdays = forms.MultipleChoiceField(
        label=_("Ugedage"),
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    minutes = forms.IntegerField(
        label=_("Normtid i minutter"),
        required=False,
        min_value=-1000,
        max_value=10000,
        help_text=_("Tom: kvalitetsstandardens normtid for indsatsen."),
    )
    requested_times = forms.IntegerField(
        label=_("Ansøgt antal gange"),
        required=False,
        min_value=0,
        max_value=1000,
        help_text=_("Udfyld ved delvis bevilling."),
    )
    provider_unit_id = forms.ChoiceField(label=_("Kommunal leverandør"), required=False)
    private_provider = forms.CharField(
        label=_("Privat leverandør (frit valg)"), required=False, max_length=200
    )
    double_staffing = forms.BooleanField(label=_("Dobbeltbemanding"), required=False)
    instructions = forms.CharField(
        label=_("Handlingsanvisning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Gerne med borgerens egne ord."),
    )
    goal_kind = forms.ChoiceField(label=_("Mål"), choices=GoalKind.choices, required=False)
    goal_text = forms.CharField(label=_("Målet"), required=False, max_length=1000)
    goal_expected = forms.ChoiceField(label=_("Forventet tilstand"), required=False)
    reasoning = forms.CharField(
        label=_("Begrundelse for afgørelsen"), widget=forms.Textarea(attrs={"rows": 4})
    )
    follow_up_on = forms.DateField(label=_("Opfølgning senest"), widget=DATE, required=False)

    def __init__(
        self, *args: Any, area: str, units: list[Any], today: dt.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        key = (
            selectors.VS_FFB_YDELSER
            if area == Area.DISABILITY_PSYCHIATRY
            else selectors.VS_INDSATSER
        )
        _set_choices(
            self,
            "code",
            EMPTY
            + [
                (c.code, f"{c.group_display} – {c.label}" if c.group_display else c.label)
                for c in selectors.choices(key)
            ],
        )
        _set_choices(
            self,
            "legal_basis",
            EMPTY + [(b.key, b.label) for b in law_catalogue().for_area(area, today)],
        )
        _set_choices(self, "provider_unit_id", EMPTY + [(str(u.pk), u.name) for u in units])
        _set_choices(self, "goal_expected", _choices(selectors.VS_EXPECTED))


class FollowUpForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    result_code = forms.ChoiceField(label=_("Resultat af opfølgningen"))
    note = forms.CharField(
        label=_("Notat"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_due = forms.DateField(
        label=_("Næste opfølgning"),
        widget=DATE,
        required=False,
        help_text=_("Når indsatsen fortsætter eller ændres."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "result_code", _choices(selectors.VS_RESULT))
