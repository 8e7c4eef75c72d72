"""HTML input for the citizen registry. Rules live in services; these only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sammen.citizens.models import (
    Citizen,
    CitizenStatus,
    ConsentBasis,
    ConsentScope,
    PowerOfAttorney,
    Relation,
)
from sammen.core.actor import Actor
from sammen.core.cpr import Cpr, InvalidCpr
from sammen.organisation.models import Area, OrgUnit


class DateInput(forms.DateInput):
    """The browser's date picker reads and writes ISO dates (YYYY-MM-DD), whatever the
    language: a localised value ("02.12.2026") would show as empty and be sent back empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def version_field() -> forms.IntegerField:
    """The version of the record the person saw (hidden); the service refuses a stale one."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Søg borger"),
        max_length=200,
        help_text=_("Navn, adresse, fødselsdato (ddmmåå) eller CPR-nummer"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class CitizenForm(forms.Form):
    cpr = forms.CharField(
        label=_("CPR-nummer"),
        max_length=11,
        help_text=_("DDMMÅÅ-XXXX"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    first_name = forms.CharField(label=_("Fornavn(e)"), max_length=100)
    last_name = forms.CharField(label=_("Efternavn"), max_length=100)
    street = forms.CharField(label=_("Vej"), max_length=200, required=False)
    house_number = forms.CharField(label=_("Husnummer"), max_length=20, required=False)
    floor_door = forms.CharField(label=_("Etage/dør"), max_length=20, required=False)
    postcode = forms.CharField(
        label=_("Postnummer"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    city = forms.CharField(label=_("By"), max_length=100, required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=30, required=False)
    gp_name = forms.CharField(label=_("Egen læge"), max_length=200, required=False)
    gp_clinic = forms.CharField(label=_("Lægens praksis"), max_length=200, required=False)
    gp_phone = forms.CharField(label=_("Lægens telefon"), max_length=30, required=False)
    preferred_language = forms.CharField(
        label=_("Foretrukket sprog"), max_length=50, initial="dansk", required=False
    )
    version = version_field()

    def clean_cpr(self) -> str:
        try:
            return Cpr.parse(str(self.cleaned_data["cpr"])).digits
        except InvalidCpr as error:
            raise forms.ValidationError(str(error)) from None

    def clean_postcode(self) -> str:
        value = str(self.cleaned_data.get("postcode") or "").strip()
        if value and not (len(value) == 4 and value.isdigit()):
            raise forms.ValidationError(_("Postnummeret skal være fire cifre."))
        return value

    def clean_preferred_language(self) -> str:
        return str(self.cleaned_data.get("preferred_language") or "dansk")


def citizen_initial(citizen: Citizen) -> dict[str, Any]:
    names = [f for f in CitizenForm.base_fields if f != "cpr"]  # incl. version
    return {name: getattr(citizen, name) for name in names} | {"cpr": citizen.cpr_formatted}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CitizenStatus.choices)
    status_date = forms.DateField(label=_("Dato"), required=False, widget=DateInput)
    version = version_field()


class RelativeForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=200)
    relation = forms.ChoiceField(label=_("Relation"), choices=Relation.choices)
    phone = forms.CharField(label=_("Telefon"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    is_primary_contact = forms.BooleanField(label=_("Primær kontaktperson"), required=False)
    power_of_attorney = forms.ChoiceField(
        label=_("Fuldmagt"), choices=PowerOfAttorney.choices, required=False
    )
    power_of_attorney_note = forms.CharField(
        label=_("Fuldmagtens omfang"), max_length=300, required=False
    )


class ConsentForm(forms.Form):
    area = forms.ChoiceField(label=_("Må deles med området"), choices=Area.choices)
    scope = forms.ChoiceField(label=_("Omfang"), choices=ConsentScope.choices)
    basis = forms.ChoiceField(label=_("Grundlag"), choices=ConsentBasis.choices)
    legal_basis = forms.CharField(
        label=_("Lovhjemmel"),
        max_length=200,
        required=False,
        help_text=_("Fx Retssikkerhedsloven § 12 c"),
    )
    given_on = forms.DateField(label=_("Givet den"), widget=DateInput)
    note = forms.CharField(label=_("Bemærkning"), max_length=300, required=False)


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Trukket tilbage den"), widget=DateInput)
    version = version_field()


class ResponsibilityForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Ansvarlig enhed"), queryset=OrgUnit.objects.none())
    since = forms.DateField(label=_("Fra"), widget=DateInput)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.for_municipality(  # type: ignore[attr-defined]
            actor.municipality
        ).filter(is_active=True, kind="team")
