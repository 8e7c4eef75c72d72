"""HTML input for booking, rebooking, cancelling, the one-time code and the closing note."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sammen.consultations.models import EncounterClass, ParticipantKind
from sammen.consultations.services import DURATIONS, MAX_GUESTS, GuestInput

GUEST_CHOICES = [
    ("", _("Ingen")),
    (ParticipantKind.RELATIVE, _("Pårørende")),
    (ParticipantKind.INTERPRETER, _("Tolk")),
    (ParticipantKind.CLINICIAN, _("Ekstern behandler (sygehus eller egen læge)")),
]
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _duration_choices() -> list[tuple[int, str]]:
    return [(d, f"{d} min.") for d in DURATIONS]


class WhenForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Dato og klokkeslæt"),
        widget=DATETIME_WIDGET,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": _("Vælg dato og klokkeslæt."),
            "invalid": _("Ugyldigt tidspunkt."),
        },
    )
    duration_minutes = forms.TypedChoiceField(
        label=_("Varighed"), choices=_duration_choices, coerce=int, initial=30
    )


class BookForm(WhenForm):
    purpose = forms.CharField(
        label=_("Formål"),
        max_length=200,
        help_text=_("Fx opfølgning på medicin eller samtale om træning. Ingen CPR-numre."),
        error_messages={"required": _("Skriv formålet med besøget.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(MAX_GUESTS):
            n = i + 1
            self.fields[f"guest{n}_kind"] = forms.ChoiceField(
                label=_("Gæst %(n)s") % {"n": n}, choices=GUEST_CHOICES, required=False
            )
            self.fields[f"guest{n}_name"] = forms.CharField(
                label=_("Navn"), max_length=120, required=False
            )
            self.fields[f"guest{n}_contact"] = forms.CharField(
                label=_("Mobil eller e-mail"), max_length=200, required=False
            )

    def guests(self) -> list[GuestInput]:
        data = self.cleaned_data
        return [
            GuestInput(
                kind=data[f"guest{n}_kind"],
                name=data.get(f"guest{n}_name", ""),
                contact=data.get(f"guest{n}_contact", ""),
            )
            for n in range(1, MAX_GUESTS + 1)
            if data.get(f"guest{n}_kind")
        ]

    def guest_rows(self) -> list[list[Any]]:
        return [
            [self[f"guest{n}_kind"], self[f"guest{n}_name"], self[f"guest{n}_contact"]]
            for n in range(1, MAX_GUESTS + 1)
        ]


class RebookForm(WhenForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CitizenRebookForm(forms.Form):
    starts_at = WhenForm.base_fields["starts_at"]


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Begrundelse"),
        max_length=300,
        error_messages={"required": _("Skriv en begrundelse.")},
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class EndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    encounter_class = forms.ChoiceField(
        label=_("Kontaktform"), choices=EncounterClass.choices, widget=forms.RadioSelect
    )
    minutes = forms.IntegerField(
        label=_("Varighed (minutter)"),
        min_value=1,
        max_value=600,
        error_messages={"required": _("Skriv varigheden i minutter (1–600).")},
    )
    note = forms.CharField(
        label=_("Notat"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Hvad blev talt om, hvad blev aftalt, og hvem deltog."),
        error_messages={"required": _("Skriv et notat om besøget.")},
    )


def local_now_rounded() -> dt.datetime:
    now = timezone.localtime()
    return now.replace(second=0, microsecond=0) + dt.timedelta(minutes=15 - now.minute % 15)
