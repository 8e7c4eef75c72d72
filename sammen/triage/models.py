"""Early detection: observations, scores, change forms, the triage colour and its follow-up.

Observations, scores, change forms and triage assessments follow the journal's rules: a row
is never changed or deleted (append-only triggers, migration 0002, and ORM guards); a
correction is a new version that `replaces` the one before, with a reason. The citizen's
current colour (`CitizenTriage`) and follow-up tasks are editable records with a `version`
(409 on a stale write); every change of them goes through the write kernel's change log.
"""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from sammen.access.lists import CitizenOwnedQuerySet
from sammen.core.models import MunicipalityScoped, Versioned
from sammen.organisation.models import Role
from sammen.triage.catalogue import change_form
from sammen.triage.scoring import PARAMETER_LABELS

_M = TypeVar("_M", bound=models.Model)


class Immutable(Exception):
    def __init__(self) -> None:
        super().__init__("append-only: write a new version instead")


class AppendOnlyQuerySet(CitizenOwnedQuerySet[_M]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise Immutable()

    def delete(self) -> NoReturn:
        raise Immutable()

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise Immutable()

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise Immutable()


class AppendOnly(MunicipalityScoped):
    """Insert once; never save again or delete."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise Immutable()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise Immutable()


class Colour(models.TextChoices):
    GREEN = "green", _("Grøn")
    YELLOW = "yellow", _("Gul")
    RED = "red", _("Rød")


class Kind(models.TextChoices):
    PULSE = "pulse", _("Puls")
    RESPIRATION = "respiration", _("Respirationsfrekvens")
    TEMPERATURE = "temperature", _("Temperatur")
    SYSTOLIC = "systolic", _("Systolisk blodtryk")
    DIASTOLIC = "diastolic", _("Diastolisk blodtryk")
    SPO2 = "spo2", _("Iltmætning (SpO2)")
    CONSCIOUSNESS = "consciousness", _("Bevidsthed")
    WEIGHT = "weight", _("Vægt")
    GLUCOSE = "glucose", _("Blodsukker")
    PAIN = "pain", _("Smerte")


class Site(models.TextChoices):
    RECTAL = "rectal", _("Rektalt")
    ORAL = "oral", _("Oralt")
    AXILLARY = "axillary", _("Aksillært")


class Oxygen(models.TextChoices):
    AIR = "air", _("Atmosfærisk luft")
    OXYGEN = "oxygen", _("Ilttilskud")


class Status(models.TextChoices):
    VALID = "valid", _("Gyldig")
    ENTERED_IN_ERROR = "entered_in_error", _("Fejlregistrering")


class Observation(AppendOnly):
    """One measured value. Values measured together share `set_id`; a correction is a new row
    in the same chain (`chain_id`, `version`, `replaces`, `reason`)."""

    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    set_id = models.UUIDField()
    kind = models.CharField(_("observation"), max_length=20, choices=Kind.choices)
    value = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    code = models.CharField(max_length=64, blank=True)  # consciousness: the KL code
    unit = models.CharField(max_length=20, blank=True)
    codes = models.JSONField(default=dict)  # {"NPU": ..., "LOINC": ...} at the time
    site = models.CharField(max_length=10, choices=Site.choices, blank=True)
    oxygen = models.CharField(max_length=10, choices=Oxygen.choices, blank=True)
    spo2_scale = models.PositiveSmallIntegerField(null=True, blank=True)
    measured_at = models.DateTimeField(_("målt"))
    author = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    unit_org = models.ForeignKey("organisation.OrgUnit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.VALID)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    reason = models.TextField(blank=True)
    chain_id = models.UUIDField()
    version = models.PositiveIntegerField(default=1)

    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        db_table = "triage_observation"
        ordering = ["-measured_at"]
        indexes = [
            models.Index(fields=["citizen", "kind", "measured_at"], name="obs_citizen_kind"),
            models.Index(fields=["set_id"], name="obs_set"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["chain_id", "version"], name="obs_unique_version"),
        ]


class ScoreRecord(AppendOnly):
    """A score computed when a set was saved (or corrected): the board's trend reads these.
    The newest row per `set_id` is the set's score."""

    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    set_id = models.UUIDField()
    system = models.CharField(max_length=10)  # "tobs" / "news2"
    total = models.PositiveSmallIntegerField(null=True, blank=True)  # None: incomplete set
    known = models.PositiveSmallIntegerField()
    colour = models.CharField(max_length=10, choices=Colour.choices, blank=True)
    action = models.TextField(blank=True)
    missing = models.JSONField(default=list)
    scored_at = models.DateTimeField()
    rules_version = models.PositiveIntegerField()
    author = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )

    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]

    @property
    def missing_labels(self) -> str:
        return ", ".join(PARAMETER_LABELS.get(p, p) for p in self.missing)

    class Meta:
        db_table = "triage_score"
        ordering = ["-scored_at"]
        indexes = [models.Index(fields=["citizen", "system", "scored_at"], name="score_citizen")]


class ScaleTwoDecision(AppendOnly):
    """The documented clinical decision that a citizen has hypercapnic respiratory failure
    with a target of 88–92 %: only then is SpO2 scored on NEWS2 scale 2. A withdrawal is a
    new row with `active` False."""

    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)
    reason = models.TextField(_("begrundelse"))
    decided_by = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        db_table = "triage_scale_two"
        ordering = ["-decided_at"]


class ReportSource(models.TextChoices):
    STAFF = "staff", _("Medarbejder")
    RELATIVE = "relative", _("Pårørende")
    CITIZEN = "citizen", _("Borgeren selv")


class ChangeReport(AppendOnly):
    """A filled-in ændringsskema: the ticked items (by focus area) of one template version."""

    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    template_key = models.CharField(max_length=50)
    template_version = models.PositiveIntegerField()
    items = models.JSONField(default=list)  # ["area/item", ...]
    note = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=ReportSource.choices, default="staff")
    suggested = models.CharField(max_length=10, choices=Colour.choices, blank=True)
    reported_at = models.DateTimeField()
    author = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=30, choices=Role.choices)

    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]

    @property
    def item_labels(self) -> str:
        form = change_form()
        return "; ".join(item.label if (item := form.item(k)) else k for k in self.items)

    class Meta:
        db_table = "triage_change_report"
        ordering = ["-reported_at"]


class Reason(models.TextChoices):
    SCORE = "score", _("Score")
    CHANGE_FORM = "change_form", _("Ændringsskema")
    RELATIVE = "relative", _("Pårørendes henvendelse")
    REVIEW = "review", _("Revurdering")


class TriageAssessment(AppendOnly):
    """Every colour ever set for the citizen: who, why, when, and when it must be reviewed."""

    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    colour = models.CharField(max_length=10, choices=Colour.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    text = models.TextField(blank=True)
    score = models.ForeignKey(ScoreRecord, null=True, blank=True, on_delete=models.PROTECT)
    change_report = models.ForeignKey(ChangeReport, null=True, blank=True, on_delete=models.PROTECT)
    set_by = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    set_at = models.DateTimeField()
    review_due = models.DateTimeField(null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        db_table = "triage_assessment"
        ordering = ["-set_at"]
        indexes = [models.Index(fields=["citizen", "set_at"], name="assessment_citizen")]


class CitizenTriage(MunicipalityScoped, Versioned):
    """The citizen's current colour: the newest assessment, kept as one row per citizen so the
    board reads one row per citizen. Changed only with a new `TriageAssessment`."""

    citizen = models.OneToOneField("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(TriageAssessment, on_delete=models.PROTECT, related_name="+")
    colour = models.CharField(max_length=10, choices=Colour.choices)
    review_due = models.DateTimeField(null=True, blank=True)

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        db_table = "triage_citizen"
        indexes = [models.Index(fields=["municipality", "colour"], name="triage_colour")]


class FollowUpTask(MunicipalityScoped, Versioned):
    """An action decided for a yellow or red citizen, with an owner and a due time."""

    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        TriageAssessment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("handling"), max_length=300)
    owner = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("frist"))
    created_by = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        "organisation.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_note = models.TextField(blank=True)

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        db_table = "triage_follow_up"
        ordering = ["due_at"]
        indexes = [models.Index(fields=["citizen", "done_at"], name="follow_up_open")]


class Notification(MunicipalityScoped):
    """An in-app message to a staff member (e.g. a citizen turned red). Read it only through a
    list with `visible_to` (it names a citizen)."""

    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    text = models.CharField(max_length=300)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = CitizenOwnedQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        db_table = "triage_notification"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
