"""The home-care day: planned visits made from granted services, who goes, and what was
delivered.

- `Visit`: one visit to one citizen in a time window on one day, by a provider unit, assigned to
  a staff member (and a second one when a service needs double staffing). Planned visits are
  derived from granted services (`care_plans.Service`) for a rolling horizon; one-off visits
  (akut, ikke-bevilget) are added by hand.
- `VisitService`: what to do in the visit — one granted service (or a one-off task) with its
  minutes and handlingsanvisning. Unique per (service, day, slot): regeneration is idempotent.
- `ServiceSchedule`: the visit-plan config of one service (times of day, window); without one
  the times of day follow from the frequency (`plan.default_times`).
- `Absence`: the citizen is away (admitted to hospital, on holiday): no visits in the period.
- `Delivery` (FKI "leveret indsats", FHIR Procedure shape): delivered / partly / not delivered
  with a reason, actual start and end, note; idempotent by the client-generated id (offline).
  `DeliveryLine`: per service of the visit, delivered or not with a reason.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sammen.access.lists import CitizenOwnedQuerySet
from sammen.core.models import MunicipalityScoped, Versioned


class VisitKind(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    ACUTE = "acute", _("Akut")
    UNGRANTED = "ungranted", _("Ikke-bevilget")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    DELIVERED = "delivered", _("Leveret")
    PARTLY = "partly", _("Delvist leveret")
    NOT_DELIVERED = "not_delivered", _("Ikke leveret")
    CANCELLED = "cancelled", _("Aflyst")


DONE_STATUSES = (VisitStatus.DELIVERED, VisitStatus.PARTLY, VisitStatus.NOT_DELIVERED)


class CancelReason(models.TextChoices):
    SERVICE_ENDED = "service_ended", _("Indsatsen er ophørt")
    PLAN_CHANGED = "plan_changed", _("Bevillingen er ændret")
    ADMITTED = "admitted", _("Borgeren er indlagt")
    DECEASED = "deceased", _("Borgeren er død")
    MOVED_AWAY = "moved_away", _("Borgeren er fraflyttet")
    AWAY = "away", _("Borgeren er bortrejst")
    BY_PLANNER = "by_planner", _("Aflyst af planlæggeren")


class Visit(MunicipalityScoped, Versioned):
    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "organisation.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    day = models.DateField(_("dag"))
    window_start = models.DateTimeField(_("tidsrum fra"))
    window_end = models.DateTimeField(_("tidsrum til"))
    minutes = models.PositiveIntegerField(_("normtid i minutter"))
    kind = models.CharField(max_length=20, choices=VisitKind.choices, default=VisitKind.PLANNED)
    double_staffing = models.BooleanField(_("dobbeltbemanding"), default=False)
    assigned_to = models.ForeignKey(
        "organisation.StaffMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("medarbejder"),
    )
    second_assigned_to = models.ForeignKey(
        "organisation.StaffMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("anden medarbejder"),
    )
    # Order on the assigned staff member's route (filled by hand now, by the planner later).
    sequence = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    cancel_reason = models.CharField(
        max_length=30, choices=CancelReason.choices, blank=True, default=""
    )
    note = models.TextField(_("bemærkning"), blank=True)  # one-off visits: what and why

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["day", "window_start", "sequence"]
        verbose_name = _("besøg")
        verbose_name_plural = _("besøg")
        indexes = [
            models.Index(fields=["assigned_to", "day"], name="visit_staff_day"),
            models.Index(fields=["second_assigned_to", "day"], name="visit_second_day"),
            models.Index(fields=["unit", "day"], name="visit_unit_day"),
            models.Index(fields=["citizen", "day"], name="visit_citizen_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_end__gte=models.F("window_start")),
                name="visit_window_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.window_start:%H:%M}"

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES


class VisitService(MunicipalityScoped):
    """One service in one visit (a granted service's occurrence, or a one-off task)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="services")
    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        "care_plans.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    day = models.DateField()
    slot = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("indsats"), max_length=64, blank=True)
    title = models.CharField(_("indsats"), max_length=200)
    minutes = models.PositiveIntegerField(_("normtid i minutter"))
    instructions = models.TextField(_("handlingsanvisning"), blank=True)

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["slot", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "day", "slot"], name="visit_service_occurrence_unique"
            )
        ]


class ServiceSchedule(MunicipalityScoped, Versioned):
    """The visit-plan config of one granted service: times of day ("HH:MM") and window."""

    service = models.OneToOneField("care_plans.Service", on_delete=models.CASCADE, related_name="+")
    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    times_of_day = models.JSONField(_("klokkeslæt"), default=list)
    window_minutes = models.PositiveIntegerField(_("tidsrum ± minutter"), default=30)

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]


class AbsenceKind(models.TextChoices):
    ADMITTED = "admitted", _("Indlagt")
    AWAY = "away", _("Bortrejst")


class Absence(MunicipalityScoped, Versioned):
    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("fravær"), max_length=20, choices=AbsenceKind.choices)
    starts_on = models.DateField(_("fra"))
    ends_on = models.DateField(_("til og med"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="absence_period_order",
            ),
        ]


class DeliveryOutcome(models.TextChoices):
    DELIVERED = "delivered", _("Leveret")
    PARTLY = "partly", _("Delvist leveret")
    NOT_DELIVERED = "not_delivered", _("Ikke leveret")


class Delivery(MunicipalityScoped):
    """Leveret indsats (FKI) for one visit: append-only; one per visit (a second device's
    delivery of a visit already delivered is a conflict, never an overwrite)."""

    client_id = models.UUIDField(_("klient-id"))
    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="delivery")
    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("organisation.OrgUnit", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("resultat"), max_length=20, choices=DeliveryOutcome.choices)
    reason_code = models.CharField(_("begrundelse"), max_length=40, blank=True)
    note = models.TextField(_("notat"), blank=True)
    started_at = models.DateTimeField(_("start"))
    ended_at = models.DateTimeField(_("slut"))
    # Client time (the device's clock) and server receive time are both kept (SECURITY T23).
    recorded_at = models.DateTimeField(_("registreret på enheden"))
    received_at = models.DateTimeField(_("modtaget"), auto_now_add=True)
    offline = models.BooleanField(default=False)

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("leveret indsats")
        verbose_name_plural = _("leverede indsatser")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "client_id"], name="delivery_client_id_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__gte=models.F("started_at")),
                name="delivery_period_order",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "outcome", "started_at"], name="delivery_deviation"),
        ]


class DeliveryLine(MunicipalityScoped):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="lines")
    visit_service = models.ForeignKey(VisitService, on_delete=models.PROTECT, related_name="+")
    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    delivered = models.BooleanField()
    reason_code = models.CharField(max_length=40, blank=True)

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]


class PracticalInfo(MunicipalityScoped, Versioned):
    """Practical information for visiting the citizen at home (nøgleboks, door, parking, pets)
    — what the day list shows beside the address. One row per citizen."""

    citizen = models.OneToOneField("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("praktiske oplysninger"), blank=True)

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]
