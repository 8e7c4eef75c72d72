"""HTML input -> clean values. Rules that need the database live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from sammen.core.actor import Actor
from sammen.organisation.models import Area, OrgUnit, Profession, Role, StaffMember, UnitKind


class LoginForm(AuthenticationForm):
    """One message for unknown user and wrong password, so usernames cannot be probed."""

    error_messages = {
        "invalid_login": _("Forkert brugernavn eller adgangskode."),
        "inactive": _("Forkert brugernavn eller adgangskode."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Brugernavn")
        self.fields["password"].label = _("Adgangskode")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})


class TotpForm(forms.Form):
    token = forms.CharField(
        label=_("Kode fra din godkendelses-app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )

    def clean_token(self) -> str:
        token = str(self.cleaned_data["token"]).replace(" ", "")
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError(_("Koden er seks cifre."))
        return token


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=UnitKind.choices)
    area = forms.ChoiceField(label=_("Område"), choices=Area.choices)
    parent = forms.ModelChoiceField(
        label=_("Overordnet enhed"), queryset=OrgUnit.objects.none(), required=False
    )
    is_active = forms.BooleanField(label=_("Aktiv"), required=False, initial=True)
    # The version the administrator saw (hidden): a save on top of someone else's is a 409.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = OrgUnit.objects.for_municipality(  # type: ignore[attr-defined]
            actor.municipality
        ).filter(is_active=True)


class StaffForm(forms.Form):
    first_name = forms.CharField(label=_("Fornavn"), max_length=100)
    last_name = forms.CharField(label=_("Efternavn"), max_length=100)
    profession = forms.ChoiceField(label=_("Faggruppe"), choices=Profession.choices)
    email = forms.EmailField(label=_("E-mail"), required=False)


class StaffEditForm(StaffForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class StaffCreateForm(StaffForm):
    username = forms.RegexField(
        label=_("Brugernavn"),
        regex=r"^[a-zA-Z0-9._-]{3,150}$",
        error_messages={"invalid": "Brug 3-150 bogstaver (a-z), tal, punktum, bindestreg."},
    )
    password = forms.CharField(
        label=_("Startadgangskode"), widget=forms.PasswordInput(render_value=False), min_length=12
    )

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        password_validation.validate_password(password)
        return password


class MembershipForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Enhed"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("Rolle"), choices=Role.choices)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.for_municipality(  # type: ignore[attr-defined]
            actor.municipality
        ).filter(is_active=True)


def staff_initial(staff: StaffMember) -> dict[str, Any]:
    return {
        "first_name": staff.first_name,
        "last_name": staff.last_name,
        "profession": staff.profession,
        "email": staff.email,
    }
