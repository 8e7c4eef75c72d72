"""The administration page's form for a new system client."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sammen.core.actor import Actor
from sammen.fhir import registry
from sammen.fhir.models import ClientPurpose
from sammen.fhir.scopes import scope_for
from sammen.organisation.models import OrgUnit


def scope_choices() -> list[tuple[str, str]]:
    return [("system/*.rs", str(_("Alle ressourcetyper")))] + [
        (scope_for(t.name), t.name) for t in registry.all_types()
    ]


class SystemClientForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=100)
    purpose = forms.ChoiceField(label=_("Formål"), choices=ClientPurpose.choices)
    unit = forms.ModelChoiceField(
        label=_("Enhed"),
        queryset=OrgUnit.objects.none(),
        help_text=_(
            "Klienten når de borgere, som enheden og enhederne under den har ansvaret for."
        ),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Må læse"),
        choices=(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
    )
    may_see_cpr = forms.BooleanField(label=_("Må se CPR-nummer"), required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.for_municipality(  # type: ignore[attr-defined]
            actor.municipality
        ).filter(is_active=True)
        self.fields["scopes"].choices = scope_choices()  # type: ignore[attr-defined]
