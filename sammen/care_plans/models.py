"""Visitation: request → assessment (case) → decision with services → goals → follow-up.

Every row belongs to one citizen and one municipal area (`area`), so lists show another
area's rows only with consent (`citizen_area_field`). Codes are stored as the terminology's
primary codes (FSIII/FFB UUIDs) and shown through the loaded code systems; legal bases are keys
of the versioned law catalogue (`data/law-catalogue.json`), norms come from the municipality's
service catalogue (`data/service-catalogue.json`).

The assessment refers to the journal's current FSIII tilstande by their item codes
(`condition_codes`): the page shows the current state from the journal, never a copy.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sammen.access.lists import CitizenOwnedQuerySet
from sammen.core.models import MunicipalityScoped, Versioned
from sammen.organisation.models import Area


class RequestStatus(models.TextChoices):
    NEW = "new", _("Ny")
    ASSESSING = "assessing", _("Under udredning")
    DECIDED = "decided", _("Afgjort")


class Request(MunicipalityScoped, Versioned):
    """Henvendelse / anledning: who asked (FSIII A code), about what, when, received by whom."""

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="care_requests"
    )
    area = models.CharField(_("område"), max_length=30, choices=Area.choices)
    source_code = models.CharField(_("henvendelse fra"), max_length=64)
    subject = models.CharField(_("emne"), max_length=300)
    text = models.TextField(_("beskrivelse"), blank=True)
    received_at = models.DateTimeField(_("modtaget"))
    received_by = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.NEW
    )

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]
    citizen_area_field = "area"

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("henvendelse")
        verbose_name_plural = _("henvendelser")
        indexes = [
            models.Index(fields=["municipality", "status", "received_at"], name="cp_request_open")
        ]

    def __str__(self) -> str:
        return self.subject


class RequestAttachment(MunicipalityScoped):
    """A text attachment to a request (e.g. a hospital's discharge letter as text)."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="attachments")
    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("titel"), max_length=200)
    text = models.TextField(_("tekst"))

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]
    citizen_area_field = "request__area"

    class Meta:
        ordering = ["created_at"]


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Under udredning")
    DECIDED = "decided", _("Afgjort")


class Case(MunicipalityScoped, Versioned):
    """Udredning: the current FSIII tilstande by reference (item codes), the citizen's own
    view (C/D codes), the helhedsvurdering, and for the social area FFB themes with FFB
    levels — kept in their own field, never mixed with FSIII severities (DOMAIN §1.9)."""

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="care_cases"
    )
    request = models.OneToOneField(Request, on_delete=models.PROTECT, related_name="case")
    area = models.CharField(_("område"), max_length=30, choices=Area.choices)
    condition_codes = models.JSONField(_("tilstande"), default=list)
    citizen_view = models.TextField(_("borgerens egen vurdering"), blank=True)
    citizen_performance = models.CharField(_("udførelse (C)"), max_length=64, blank=True)
    citizen_meaning = models.CharField(_("betydning (D)"), max_length=64, blank=True)
    overall_assessment = models.TextField(_("helhedsvurdering"), blank=True)
    # {FFB theme code: FFB funktionsevneniveau code}; only for the social area.
    ffb_themes = models.JSONField(_("FFB-temaer"), default=dict)
    assessor = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]
    citizen_area_field = "area"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("udredning")
        verbose_name_plural = _("udredninger")


class DecisionOutcome(models.TextChoices):
    GRANTED = "granted", _("Bevilget")
    PARTIAL = "partial", _("Delvist bevilget")
    REFUSED = "refused", _("Afslag")


class Decision(MunicipalityScoped, Versioned):
    """Afgørelse: the outcome for a case; its services say what was granted or refused.
    `sent_at` empty: the letter is still to be sent (visitator's worklist)."""

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="care_decisions"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    area = models.CharField(_("område"), max_length=30, choices=Area.choices)
    outcome = models.CharField(_("afgørelse"), max_length=20, choices=DecisionOutcome.choices)
    reasoning = models.TextField(_("begrundelse"))
    decided_at = models.DateTimeField(_("afgjort"))
    decided_by = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    # Waiting time request → decision, recorded for insight.
    waiting_days = models.PositiveIntegerField(_("ventetid i dage"))
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    law_catalogue_version = models.CharField(max_length=30)

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]
    citizen_area_field = "area"

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("afgørelse")
        verbose_name_plural = _("afgørelser")
        indexes = [models.Index(fields=["municipality", "sent_at"], name="cp_decision_unsent")]


class ServiceStatus(models.TextChoices):
    GRANTED = "granted", _("Bevilget")
    REFUSED = "refused", _("Afslået")
    ENDED = "ended", _("Afsluttet")


class FrequencyUnit(models.TextChoices):
    DAY = "day", _("om dagen")
    WEEK = "week", _("om ugen")


class Service(MunicipalityScoped, Versioned):
    """Bevilget indsats: one service of a decision (granted, partly granted or refused)."""

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="care_services"
    )
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="services")
    area = models.CharField(_("område"), max_length=30, choices=Area.choices)
    code = models.CharField(_("indsats"), max_length=64)
    code_system = models.CharField(max_length=200)
    legal_basis = models.CharField(_("lovgrundlag"), max_length=50)
    granted_from = models.DateField(_("bevilget fra"))
    granted_to = models.DateField(_("bevilget til"), null=True, blank=True)
    times = models.PositiveIntegerField(_("antal gange"))
    per = models.CharField(_("pr."), max_length=10, choices=FrequencyUnit.choices)
    # ISO weekdays 1–7 (empty: any day).
    weekdays = models.JSONField(_("ugedage"), default=list, blank=True)
    minutes = models.PositiveIntegerField(_("normtid i minutter"))
    requested_times = models.PositiveIntegerField(_("ansøgt antal gange"), null=True, blank=True)
    provider_unit = models.ForeignKey(
        "organisation.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leverandør"),
    )
    private_provider = models.CharField(_("privat leverandør"), max_length=200, blank=True)
    double_staffing = models.BooleanField(_("dobbeltbemanding"), default=False)
    instructions = models.TextField(_("handlingsanvisning"), blank=True)
    status = models.CharField(max_length=20, choices=ServiceStatus.choices)
    refusal_reason = models.TextField(_("begrundelse for afslag"), blank=True)

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]
    citizen_area_field = "area"

    class Meta:
        ordering = ["granted_from", "created_at"]
        verbose_name = _("indsats")
        verbose_name_plural = _("indsatser")
        indexes = [
            models.Index(
                fields=["provider_unit", "status", "granted_from"], name="cp_service_unit"
            ),
            models.Index(fields=["citizen", "status"], name="cp_service_citizen"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(granted_to__isnull=True)
                | models.Q(granted_to__gte=models.F("granted_from")),
                name="cp_service_period_order",
            ),
            models.CheckConstraint(condition=models.Q(times__gt=0), name="cp_service_times"),
        ]


class GoalKind(models.TextChoices):
    CITIZEN = "citizen", _("Borgerens mål")
    CONDITION = "condition", _("Tilstandsmål")


class Goal(MunicipalityScoped, Versioned):
    """Borgerens mål, or a tilstandsmål (expected state of an FSIII tilstand), linked to the
    services that serve it."""

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="care_goals"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="goals")
    area = models.CharField(_("område"), max_length=30, choices=Area.choices)
    kind = models.CharField(_("art"), max_length=20, choices=GoalKind.choices)
    text = models.TextField(_("mål"))
    condition_code = models.CharField(_("tilstand"), max_length=64, blank=True)
    expected_code = models.CharField(_("forventet tilstand"), max_length=64, blank=True)
    services = models.ManyToManyField(Service, related_name="goals", blank=True)

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]
    citizen_area_field = "area"

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("mål")
        verbose_name_plural = _("mål")


class FollowUp(MunicipalityScoped, Versioned):
    """Opfølgning: due on a date for a service (and the goals it serves); done with an E code
    (fortsættes, ændres, afsluttes, revisitation) and a note."""

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="care_follow_ups"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="follow_ups")
    area = models.CharField(_("område"), max_length=30, choices=Area.choices)
    due_on = models.DateField(_("frist"))
    done_at = models.DateTimeField(_("fulgt op"), null=True, blank=True)
    done_by = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, null=True, related_name="+"
    )
    result_code = models.CharField(_("resultat"), max_length=64, blank=True)
    note = models.TextField(_("notat"), blank=True)

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]
    citizen_area_field = "area"

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("opfølgning")
        verbose_name_plural = _("opfølgninger")
        indexes = [
            models.Index(fields=["municipality", "done_at", "due_on"], name="cp_followup_due")
        ]
