from __future__ import annotations

from django import forms

from sammen.access.models import GrantReason


class GrantForm(forms.Form):
    reason = forms.ChoiceField(label="Begrundelse", choices=[("", "Vælg …"), *GrantReason.choices])
    reason_text = forms.CharField(
        label="Uddybning",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Hvad skal du bruge oplysningerne til lige nu?",
    )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label="Kommentar", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    approved = forms.TypedChoiceField(
        label="Vurdering",
        choices=[("1", "I orden"), ("0", "Ikke i orden – følges op")],
        coerce=lambda v: v == "1",
    )
