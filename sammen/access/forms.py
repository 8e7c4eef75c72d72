from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sammen.access.models import GrantReason


class GrantForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Begrundelse"), choices=[("", _("Vælg …")), *GrantReason.choices]
    )
    reason_text = forms.CharField(
        label=_("Uddybning"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hvad skal du bruge oplysningerne til lige nu?"),
    )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Kommentar"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    approved = forms.TypedChoiceField(
        label=_("Vurdering"),
        choices=[("1", _("I orden")), ("0", _("Ikke i orden – følges op"))],
        coerce=lambda v: v == "1",
    )
