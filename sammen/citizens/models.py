"""The citizen: identity (CPR), address, contacts, relatives, consents, responsible units."""

from __future__ import annotations

import datetime as dt

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sammen.access.lists import CitizenOwnedQuerySet
from sammen.core.cpr import mask_cpr
from sammen.core.models import MunicipalityScoped, Versioned
from sammen.organisation.models import Area


class CitizenStatus(models.TextChoices):
    ACTIVE = "active", _("Aktiv")
    MOVED_AWAY = "moved_away", _("Fraflyttet")
    DECEASED = "deceased", _("Død")


class Sex(models.TextChoices):
    FEMALE = "female", _("Kvinde")
    MALE = "male", _("Mand")


postcode_validator = RegexValidator(r"^\d{4}$", _("Postnummeret skal være fire cifre."))


class Citizen(MunicipalityScoped, Versioned):
    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]
    cpr = models.CharField(_("CPR-nummer"), max_length=10)
    cpr_birth_part = models.CharField(max_length=6, editable=False)
    birth_date = models.DateField(_("fødselsdato"), editable=False)
    sex = models.CharField(_("køn"), max_length=10, choices=Sex.choices, editable=False)
    first_name = models.CharField(_("fornavn(e)"), max_length=100)
    last_name = models.CharField(_("efternavn"), max_length=100)
    street = models.CharField(_("vej"), max_length=200, blank=True)
    house_number = models.CharField(_("husnummer"), max_length=20, blank=True)
    floor_door = models.CharField(_("etage/dør"), max_length=20, blank=True)
    postcode = models.CharField(
        _("postnummer"), max_length=4, blank=True, validators=[postcode_validator]
    )
    city = models.CharField(_("by"), max_length=100, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    gp_name = models.CharField(_("egen læge"), max_length=200, blank=True)
    gp_clinic = models.CharField(_("lægens praksis"), max_length=200, blank=True)
    gp_phone = models.CharField(_("lægens telefon"), max_length=30, blank=True)
    preferred_language = models.CharField(_("foretrukket sprog"), max_length=50, default="dansk")
    status = models.CharField(
        _("status"), max_length=20, choices=CitizenStatus.choices, default=CitizenStatus.ACTIVE
    )
    status_date = models.DateField(_("dato for status"), null=True, blank=True)
    # Folded copies for accent-insensitive search (citizens.text.fold); set by services.
    search_name = models.CharField(max_length=250, editable=False, default="")
    search_address = models.CharField(max_length=350, editable=False, default="")

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("borger")
        verbose_name_plural = _("borgere")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "cpr"], name="citizen_unique_cpr_per_municipality"
            )
        ]
        indexes = [
            models.Index(fields=["municipality", "cpr_birth_part"], name="citizen_birth_part"),
            models.Index(fields=["municipality", "search_name"], name="citizen_search_name"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def cpr_masked(self) -> str:
        return mask_cpr(self.cpr)

    @property
    def cpr_formatted(self) -> str:
        return f"{self.cpr[:6]}-{self.cpr[6:]}"

    def age(self, on: dt.date | None = None) -> int:
        on = on or timezone.localdate()
        born = self.birth_date
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    @property
    def address_line(self) -> str:
        street = " ".join(p for p in (self.street, self.house_number) if p)
        if self.floor_door:
            street = f"{street}, {self.floor_door}"
        town = " ".join(p for p in (self.postcode, self.city) if p)
        return ", ".join(p for p in (street, town) if p)


class Relation(models.TextChoices):
    SPOUSE = "aegtefaelle", _("Ægtefælle/samlever")
    CHILD = "barn", _("Barn")
    PARENT = "forælder", _("Forælder")
    SIBLING = "soeskende", _("Søskende")
    GRANDCHILD = "barnebarn", _("Barnebarn")
    FRIEND = "ven", _("Ven/nabo")
    GUARDIAN = "vaerge", _("Værge")
    OTHER = "andet", _("Andet")


class PowerOfAttorney(models.TextChoices):
    NONE = "", _("Ingen fuldmagt")
    GENERAL = "generel", _("Generel fuldmagt")
    HEALTH = "helbred", _("Helbredsforhold")
    FINANCE = "oekonomi", _("Økonomi")
    HOUSING = "bolig", _("Bolig")
    FUTURE = "fremtid", _("Fremtidsfuldmagt")


class Relative(MunicipalityScoped, Versioned):
    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="relatives")
    name = models.CharField(_("navn"), max_length=200)
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_primary_contact = models.BooleanField(_("primær kontaktperson"), default=False)
    power_of_attorney = models.CharField(
        _("fuldmagt"), max_length=20, choices=PowerOfAttorney.choices, blank=True, default=""
    )
    power_of_attorney_note = models.CharField(_("fuldmagtens omfang"), max_length=300, blank=True)

    class Meta:
        ordering = ["-is_primary_contact", "name"]
        verbose_name = _("pårørende")
        verbose_name_plural = _("pårørende")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relation_display()})"


class ConsentBasis(models.TextChoices):
    CONSENT = "samtykke", _("Samtykke fra borgeren")
    PROXY_CONSENT = "fuldmagt", _("Samtykke via fuldmagt/værge")
    LEGAL = "lovhjemmel", _("Lovhjemmel")


class ConsentScope(models.TextChoices):
    ALL = "alle", _("Alle oplysninger")
    HEALTH = "helbred", _("Helbredsoplysninger")
    FUNCTION = "funktionsevne", _("Funktionsevne")
    SOCIAL = "sociale", _("Sociale forhold")


class Consent(MunicipalityScoped, Versioned):
    """What may be shared with which area, on what basis, given/withdrawn when and by whom."""

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="consents")
    area = models.CharField(_("modtagende område"), max_length=30, choices=Area.choices)
    scope = models.CharField(_("omfang"), max_length=20, choices=ConsentScope.choices)
    basis = models.CharField(_("grundlag"), max_length=20, choices=ConsentBasis.choices)
    legal_basis = models.CharField(
        _("lovhjemmel"), max_length=200, blank=True, help_text=_("Fx Retssikkerhedsloven § 12 c")
    )
    given_on = models.DateField(_("givet den"))
    withdrawn_on = models.DateField(_("trukket tilbage den"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_by = models.ForeignKey(
        "organisation.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("bemærkning"), max_length=300, blank=True)

    class Meta:
        ordering = ["-given_on"]
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")

    def is_active(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.given_on <= on and (self.withdrawn_on is None or self.withdrawn_on > on)


class Responsibility(MunicipalityScoped, Versioned):
    """The unit responsible for the citizen in one area, from `since` until `until`."""

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="responsibilities")
    area = models.CharField(_("område"), max_length=30, choices=Area.choices)
    unit = models.ForeignKey("organisation.OrgUnit", on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("fra"))
    until = models.DateField(_("til"), null=True, blank=True)

    class Meta:
        ordering = ["area", "-since"]
        verbose_name = _("ansvarlig enhed")
        verbose_name_plural = _("ansvarlige enheder")
        indexes = [models.Index(fields=["unit", "until"], name="responsibility_unit_open")]


class CitizenAccount(models.Model):
    """A citizen's own login (demo: username + password; MitID via OIDC replaces it)."""

    user = models.OneToOneField(
        "organisation.User", on_delete=models.CASCADE, related_name="citizen_account"
    )
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="accounts")

    class Meta:
        verbose_name = _("borgerlogin")
        verbose_name_plural = _("borgerlogins")

    def __str__(self) -> str:
        return f"login for {self.citizen_id}"
