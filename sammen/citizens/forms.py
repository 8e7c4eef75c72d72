"""HTML input for the citizen registry. Rules live in services; these only parse."""

from __future__ import annotations

from typing import Any

from django import forms

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
    input_type = "date"


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Søg borger",
        max_length=200,
        help_text="Navn, adresse, fødselsdato (ddmmåå) eller CPR-nummer",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class CitizenForm(forms.Form):
    cpr = forms.CharField(
        label="CPR-nummer",
        max_length=11,
        help_text="DDMMÅÅ-XXXX",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    first_name = forms.CharField(label="Fornavn(e)", max_length=100)
    last_name = forms.CharField(label="Efternavn", max_length=100)
    street = forms.CharField(label="Vej", max_length=200, required=False)
    house_number = forms.CharField(label="Husnummer", max_length=20, required=False)
    floor_door = forms.CharField(label="Etage/dør", max_length=20, required=False)
    postcode = forms.CharField(
        label="Postnummer",
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    city = forms.CharField(label="By", max_length=100, required=False)
    phone = forms.CharField(label="Telefon", max_length=30, required=False)
    gp_name = forms.CharField(label="Egen læge", max_length=200, required=False)
    gp_clinic = forms.CharField(label="Lægens praksis", max_length=200, required=False)
    gp_phone = forms.CharField(label="Lægens telefon", max_length=30, required=False)
    preferred_language = forms.CharField(
        label="Foretrukket sprog", max_length=50, initial="dansk", required=False
    )

    def clean_cpr(self) -> str:
        try:
            return Cpr.parse(str(self.cleaned_data["cpr"])).digits
        except InvalidCpr as error:
            raise forms.ValidationError(str(error)) from None

    def clean_postcode(self) -> str:
        value = str(self.cleaned_data.get("postcode") or "").strip()
        if value and not (len(value) == 4 and value.isdigit()):
            raise forms.ValidationError("Postnummeret skal være fire cifre.")
        return value

    def clean_preferred_language(self) -> str:
        return str(self.cleaned_data.get("preferred_language") or "dansk")


def citizen_initial(citizen: Citizen) -> dict[str, Any]:
    names = [f for f in CitizenForm.base_fields if f != "cpr"]
    return {name: getattr(citizen, name) for name in names} | {"cpr": citizen.cpr_formatted}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=CitizenStatus.choices)
    status_date = forms.DateField(label="Dato", required=False, widget=DateInput)


class RelativeForm(forms.Form):
    name = forms.CharField(label="Navn", max_length=200)
    relation = forms.ChoiceField(label="Relation", choices=Relation.choices)
    phone = forms.CharField(label="Telefon", max_length=30, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    is_primary_contact = forms.BooleanField(label="Primær kontaktperson", required=False)
    power_of_attorney = forms.ChoiceField(
        label="Fuldmagt", choices=PowerOfAttorney.choices, required=False
    )
    power_of_attorney_note = forms.CharField(
        label="Fuldmagtens omfang", max_length=300, required=False
    )


class ConsentForm(forms.Form):
    area = forms.ChoiceField(label="Må deles med området", choices=Area.choices)
    scope = forms.ChoiceField(label="Omfang", choices=ConsentScope.choices)
    basis = forms.ChoiceField(label="Grundlag", choices=ConsentBasis.choices)
    legal_basis = forms.CharField(
        label="Lovhjemmel",
        max_length=200,
        required=False,
        help_text="Fx Retssikkerhedsloven § 12 c",
    )
    given_on = forms.DateField(label="Givet den", widget=DateInput)
    note = forms.CharField(label="Bemærkning", max_length=300, required=False)


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label="Trukket tilbage den", widget=DateInput)


class ResponsibilityForm(forms.Form):
    unit = forms.ModelChoiceField(label="Ansvarlig enhed", queryset=OrgUnit.objects.none())
    since = forms.DateField(label="Fra", widget=DateInput)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.for_municipality(  # type: ignore[attr-defined]
            actor.municipality
        ).filter(is_active=True, kind="team")
