"""HTML input for early detection. Values are typed as text with a numeric keypad
(`inputmode`) and parsed by the service (a Danish decimal comma is accepted there)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sammen.triage import catalogue, scoring
from sammen.triage.models import Colour, Oxygen, ReportSource, Site


def _number(label: str, *, decimal: bool, unit: str) -> forms.CharField:
    return forms.CharField(
        label=f"{label} ({unit})" if unit else label,
        required=False,
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "decimal" if decimal else "numeric",
                "autocomplete": "off",
                "enterkeyhint": "next",
                "class": "num",
            }
        ),
    )


class ObservationForm(forms.Form):
    """One set of vital signs: tap a field, type on the keypad, "Næste" moves on; "Gem"."""

    def __init__(self, *args: Any, scale_two: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in catalogue.kinds().values():
            if spec.decimals is None:
                continue
            self.fields[spec.key] = _number(
                spec.label, decimal=bool(spec.decimals), unit=spec.unit.replace("/min", "pr. min")
            )
            if spec.key == "temperature":
                self.fields["site"] = forms.ChoiceField(
                    label=_("Målt"),
                    choices=Site.choices,
                    initial=Site.RECTAL,
                    required=False,
                    widget=forms.RadioSelect(attrs={"class": "choice-list--inline"}),
                )
            if spec.key == "spo2":
                self.fields["oxygen"] = forms.ChoiceField(
                    label=_("Ilt"),
                    choices=Oxygen.choices,
                    initial=Oxygen.AIR,
                    required=False,
                    widget=forms.RadioSelect(attrs={"class": "choice-list--inline"}),
                )
                if scale_two:
                    self.fields["spo2_scale"] = forms.TypedChoiceField(
                        label=_("SpO2-skala"),
                        choices=[(1, _("Skala 1")), (2, _("Skala 2 (iltmål 88–92 %)"))],
                        coerce=int,
                        initial=2,
                        required=False,
                        widget=forms.RadioSelect(attrs={"class": "choice-list--inline"}),
                    )
        self.fields["consciousness"] = forms.ChoiceField(
            label=_("Bevidsthed"),
            choices=[(c.code, c.label) for c in scoring.rules_load().consciousness.values()],
            required=False,
            widget=forms.RadioSelect,
        )
        self.fields["measured_at"] = forms.DateTimeField(
            label=_("Målt tidspunkt"),
            required=False,
            input_formats=["%Y-%m-%dT%H:%M"],
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            help_text=_("Udfyld kun, hvis målingen ikke er taget nu."),
        )
        self.fields["confirmed"] = forms.BooleanField(
            label=_("Bekræft usædvanlige værdier"), required=False
        )

    def numeric(self) -> list[forms.BoundField]:
        return [self[k] for k, s in catalogue.kinds().items() if s.decimals is not None]


class CorrectionForm(forms.Form):
    value = forms.CharField(
        label=_("Ny værdi"),
        max_length=64,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Begrundelse"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirmed = forms.BooleanField(label=_("Bekræft usædvanlig værdi"), required=False)


class ChangeReportForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form = catalogue.change_form()
        for area in form.areas:
            self.fields[f"area_{area.key}"] = forms.MultipleChoiceField(
                label=area.title,
                choices=[(i.key, i.label) for i in area.items],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        self.fields["source"] = forms.ChoiceField(
            label=_("Ændringen er set af"),
            choices=ReportSource.choices,
            initial=ReportSource.STAFF,
            widget=forms.RadioSelect(attrs={"class": "choice-list--inline"}),
        )
        self.fields["note"] = forms.CharField(
            label=_("Bemærkning"),
            required=False,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def items(self) -> list[str]:
        chosen: list[str] = []
        for name, value in self.cleaned_data.items():
            if name.startswith("area_"):
                chosen.extend(value)
        return chosen


class ReviewForm(forms.Form):
    colour = forms.ChoiceField(
        label=_("Farve"),
        choices=Colour.choices,
        widget=forms.RadioSelect(attrs={"class": "choice-list--inline"}),
    )
    text = forms.CharField(
        label=_("Hvorfor"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class FollowUpForm(forms.Form):
    title = forms.CharField(label=_("Handling"), max_length=300)
    owner = forms.ChoiceField(label=_("Ansvarlig"))
    due_hours = forms.TypedChoiceField(
        label=_("Frist"),
        coerce=int,
        choices=[
            (h, _("%(h)s timer") % {"h": h}) for h in catalogue.triage_rules().follow_up_hours
        ],
        widget=forms.RadioSelect(attrs={"class": "choice-list--inline"}),
    )

    def __init__(self, *args: Any, staff: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—")] + [(str(s.pk), s.full_name) for s in staff]  # type: ignore[attr-defined]


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Hvad blev gjort"), required=False, max_length=1000)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ScaleTwoForm(forms.Form):
    active = forms.BooleanField(
        label=_("Hyperkapnisk respirationssvigt, iltmål 88–92 %"), required=False
    )
    reason = forms.CharField(
        label=_("Begrundelse (ordination)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
