"""Video visits (skærmbesøg): a booked consultation and the people invited to it.

No media and no chat text is ever stored: the call runs between the participants' browsers
(or the municipality's TURN server); the database holds the booking, who was invited, who was
admitted and when, and the journal note written afterwards.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sammen.access.lists import CitizenOwnedQuerySet
from sammen.core.models import MunicipalityScoped, Versioned

# The link opens this long before the start (FUT's video appointment profile: 15 minutes).
OPENS_BEFORE = dt.timedelta(minutes=15)
MAX_IN_CALL = 4  # mesh: every browser sends to every other; 4 is what a phone manages


class ConsultationStatus(models.TextChoices):
    BOOKED = "booked", _("Booket")
    CANCELLED = "cancelled", _("Aflyst")
    ENDED = "ended", _("Afholdt")


class EncounterClass(models.TextChoices):
    """KL's encounter classes for contacts reported to KL Gateway (DOMAIN.md §4.6)."""

    SCREEN = "skaermbesoeg", _("Skærmbesøg")
    PHONE = "telefonisk", _("Telefonisk")


class ParticipantKind(models.TextChoices):
    STAFF = "staff", _("Medarbejder")
    CITIZEN = "citizen", _("Borger")
    RELATIVE = "relative", _("Pårørende")
    INTERPRETER = "interpreter", _("Tolk")
    CLINICIAN = "clinician", _("Ekstern behandler")


class Consultation(MunicipalityScoped, Versioned):
    """One booked video visit with one citizen, hosted by a unit."""

    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organisation.OrgUnit", on_delete=models.PROTECT, related_name="+")
    booked_by = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("tidspunkt"))
    duration_minutes = models.PositiveSmallIntegerField(_("varighed (minutter)"))
    purpose = models.CharField(_("formål"), max_length=200)
    status = models.CharField(
        max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.BOOKED
    )
    # Hooks for the care chain and the home-care day, which are built in parallel: the granted
    # service (care_plans) this visit delivers as a screen visit, and the planned visit on the
    # day list (visits). Plain ids until those modules land; then a foreign key in a migration
    # of this app (the ids stay valid). See README "Hooks".
    service_ref = models.UUIDField(null=True, blank=True)
    visit_ref = models.UUIDField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    encounter_class = models.CharField(max_length=20, choices=EncounterClass.choices, blank=True)
    journal_entry_id = models.UUIDField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["municipality", "starts_at"], name="consultation_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=180),
                name="consultation_duration_range",
            )
        ]

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def opens_at(self) -> dt.datetime:
        return self.starts_at - OPENS_BEFORE

    def is_open(self, now: dt.datetime) -> bool:
        """The link works from 15 minutes before the start to the end of the slot."""
        return self.status == ConsultationStatus.BOOKED and self.opens_at <= now < self.ends_at


class Participant(MunicipalityScoped):
    """Someone in the call. Guests (citizen, relative, interpreter, outside clinician) are
    invited with a one-time link: the token is random (never derived from the citizen), only
    its SHA-256 is stored. Joining needs a one-time code sent to the guest's phone or e-mail
    (stored as a keyed hash, a few tries). The host (staff) joins with the staff login."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="participants"
    )
    kind = models.CharField(max_length=12, choices=ParticipantKind.choices)
    name = models.CharField(_("navn"), max_length=120)
    contact = models.CharField(_("mobil eller e-mail"), max_length=200, blank=True)
    staff = models.ForeignKey(
        "organisation.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_failures = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_session = models.CharField(max_length=64, blank=True)
    admitted_at = models.DateTimeField(null=True, blank=True)
    # The signalling socket now connected for this participant ("" = not in the room). One
    # socket per participant; one staff socket per room (the host), taken atomically.
    channel_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["consultation", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"],
                condition=~Q(token_hash=""),
                name="participant_unique_token",
            )
        ]
