from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sammen.access.models import GrantReason


class GrantForm(forms.Form):
    """Only parses: `services.grant_create` checks the reason, and logs a refused attempt, so
    even an empty or too long reason reaches it. The fields are marked required for people
    (the `required` attribute; the form is `novalidate`)."""

    reason = forms.CharField(
        label=_("Begrundelse"),
        required=False,
        widget=forms.Select(
            choices=[("", _("Vælg …")), *GrantReason.choices], attrs={"required": True}
        ),
    )
    reason_text = forms.CharField(
        label=_("Uddybning"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500, "required": True}),
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
