"""Municipalities, organisation units (a tree per municipality), staff, roles and login."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sammen.core.models import BaseModel, MunicipalityScoped, Versioned


class Area(models.TextChoices):
    """A municipal area (forvaltningsområde); also the area of a documentation template."""

    ELDERLY_HEALTH = "aeldre_sundhed", _("Ældre og sundhed")
    DISABILITY_PSYCHIATRY = "handicap_psykiatri", _("Handicap og psykiatri")
    EMPLOYMENT = "beskaeftigelse", _("Beskæftigelse")
    CHILDREN_FAMILY = "boern_familie", _("Børn og familie")


class UnitKind(models.TextChoices):
    ADMINISTRATION = "forvaltning", _("Forvaltning")
    DISTRICT = "omraade", _("Område")
    TEAM = "team", _("Team/enhed")


# A unit's kind may only sit under these parent kinds (None = at the top of the tree).
ALLOWED_PARENT_KINDS: dict[str, set[str | None]] = {
    UnitKind.ADMINISTRATION: {None},
    UnitKind.DISTRICT: {UnitKind.ADMINISTRATION},
    UnitKind.TEAM: {UnitKind.DISTRICT, UnitKind.ADMINISTRATION},
}


class Role(models.TextChoices):
    SOSU_HELPER = "sosu_hjaelper", _("SOSU-hjælper")
    SOSU_ASSISTANT = "sosu_assistent", _("SOSU-assistent")
    NURSE = "sygeplejerske", _("Sygeplejerske")
    THERAPIST = "terapeut", _("Terapeut")
    ASSESSOR = "visitator", _("Visitator")
    LEADER = "leder", _("Leder")
    DIRECTOR = "direktion", _("Direktion")
    POLITICIAN = "politiker", _("Politiker")
    ADMINISTRATOR = "administrator", _("Administrator")


# What each role may do is in organisation/permissions.py (the one table).


class Profession(models.TextChoices):
    SOSU_HELPER = "sosu_hjaelper", _("Social- og sundhedshjælper")
    SOSU_ASSISTANT = "sosu_assistent", _("Social- og sundhedsassistent")
    NURSE = "sygeplejerske", _("Sygeplejerske")
    PHYSIOTHERAPIST = "fysioterapeut", _("Fysioterapeut")
    OCCUPATIONAL_THERAPIST = "ergoterapeut", _("Ergoterapeut")
    SOCIAL_WORKER = "socialraadgiver", _("Socialrådgiver")
    PEDAGOGUE = "paedagog", _("Pædagog")
    ADMINISTRATIVE = "administrativ", _("Administrativ medarbejder")
    MANAGER = "leder", _("Leder")
    POLITICIAN = "politiker", _("Politiker")


class Municipality(BaseModel):
    name = models.CharField(_("navn"), max_length=100)
    code = models.CharField(
        _("kommunekode"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^\d{3}$", _("Kommunekoden skal være tre cifre."))],
    )
    # The citizen's own access log shows staff names only where the municipality decides so
    # (CJEU C-579/21: employee identity only when needed for the citizen's rights).
    show_staff_names_to_citizens = models.BooleanField(
        _("vis medarbejdernavne i borgerens log"), default=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return f"{self.name} Kommune"


class OrgUnit(MunicipalityScoped, Versioned):
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=UnitKind.choices)
    area = models.CharField(_("område"), max_length=30, choices=Area.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("overordnet enhed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisationsenhed")
        verbose_name_plural = _("organisationsenheder")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "parent", "name"], name="orgunit_unique_name_under_parent"
            )
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A login account. Staff members (and later citizens via MitID) attach to it."""

    class Meta:
        verbose_name = _("brugerkonto")
        verbose_name_plural = _("brugerkonti")


class StaffMember(MunicipalityScoped, Versioned):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_member"
    )
    first_name = models.CharField(_("fornavn"), max_length=100)
    last_name = models.CharField(_("efternavn"), max_length=100)
    profession = models.CharField(_("faggruppe"), max_length=30, choices=Profession.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    # Home address: used only to flag look-ups of neighbours (access review), never shown.
    home_street = models.CharField(_("egen vej"), max_length=200, blank=True)
    home_house_number = models.CharField(_("eget husnummer"), max_length=20, blank=True)
    home_postcode = models.CharField(_("eget postnummer"), max_length=4, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("medarbejder")
        verbose_name_plural = _("medarbejdere")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Membership(MunicipalityScoped):
    """A staff member holds a role in a unit. One is active at a time per session."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    is_primary = models.BooleanField(_("primær"), default=False)

    class Meta:
        ordering = ["-is_primary", "unit__name", "role"]
        verbose_name = _("rolle i enhed")
        verbose_name_plural = _("roller i enheder")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "unit", "role"], name="membership_unique_role_in_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}, {self.unit.name}"


class MembershipRequest(MunicipalityScoped):
    """A role given by one administrator that waits for a second one (four-eyes principle).

    Roles that give any permission (organisation.permissions) are not effective until a
    different administrator, who is not the staff member concerned, approves; the approval
    creates the `Membership`. Nobody requests a role for themselves."""

    staff = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="membership_requests"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    requested_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved = models.BooleanField(null=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("anmodning om rolle")
        verbose_name_plural = _("anmodninger om roller")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(requested_by=models.F("staff")),
                name="membership_request_not_for_oneself",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | (
                    ~models.Q(decided_by=models.F("requested_by"))
                    & ~models.Q(decided_by=models.F("staff"))
                ),
                name="membership_request_second_person_decides",
            ),
            models.UniqueConstraint(
                fields=["staff", "unit", "role"],
                condition=models.Q(decided_at__isnull=True),
                name="membership_request_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}, {self.unit.name}"


class LoginSession(BaseModel):
    """Server-side record of a login, so logout-everywhere and disabling end every session."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions"
    )
    session_key = models.CharField(max_length=40, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("login-session")
