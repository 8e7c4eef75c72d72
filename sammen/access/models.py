"""Access log (append-only, hash-chained per municipality) and the change log of citizen data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sammen.core.models import MunicipalityScoped


class Operation(models.TextChoices):
    VIEW = "view", _("Opslag")
    SEARCH = "search", _("Søgning")
    CREATE = "create", _("Oprettelse")
    UPDATE = "update", _("Ændring")
    EXPORT = "export", _("Udtræk")
    PRINT = "print", _("Udskrift")


class Purpose(models.TextChoices):
    CARE_RELATION = "care_relation", _("Aktuel pleje og behandling")
    CONSENT = "consent", _("Samtykke eller lovhjemmel")
    BREAK_THE_GLASS = "break_the_glass", _("Udvidet adgang")
    ADMINISTRATION = "administration", _("Administration")
    CITIZEN_SELF = "citizen_self", _("Borgerens egen adgang")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Givet")
    DENIED = "denied", _("Afvist")


class Severity(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("Høj")


class AccessLogEntry(models.Model):
    """One row per citizen per read, search hit list, write, export or print.

    Append-only: database triggers refuse UPDATE and DELETE (see the migration), and each row
    carries `hash` = SHA-256(canonical row + `prev_hash`), chained per municipality in `seq`
    order, so `manage.py access_log_verify` finds any altered, removed, inserted or reordered
    row. No clinical free text and no CPR number is ever stored here.
    """

    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    municipality_id = models.UUIDField(db_index=True)
    staff_id = models.UUIDField(null=True, db_index=True)
    role = models.CharField(max_length=30, blank=True)
    unit_id = models.UUIDField(null=True)
    unit_name = models.CharField(max_length=200, blank=True)
    citizen_id = models.UUIDField(null=True, db_index=True)
    criterion = models.CharField(max_length=200, blank=True)
    operation = models.CharField(max_length=20, choices=Operation.choices)
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.NORMAL)
    object_type = models.CharField(max_length=50, blank=True)
    grant_id = models.UUIDField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    client_ip = models.CharField(max_length=45, blank=True)
    chain_seq = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("adgangslog")
        verbose_name_plural = _("adgangslog")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality_id", "chain_seq"], name="accesslog_unique_chain_position"
            )
        ]
        indexes = [models.Index(fields=["citizen_id", "at"], name="accesslog_citizen_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.operation} ({self.seq})"


class ChainHead(models.Model):
    """The last link of one municipality's chain; locked while a row is appended."""

    municipality_id = models.UUIDField(primary_key=True)
    last_chain_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    anchor_chain_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.last_chain_seq}"


class ChangeLogEntry(MunicipalityScoped):
    """Who changed which fields of a citizen's record (old -> new). CPR values are masked."""

    staff = models.ForeignKey(
        "organisation.StaffMember", null=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=30, blank=True)
    citizen_id = models.UUIDField(db_index=True)
    object_type = models.CharField(max_length=50)
    object_id = models.UUIDField()
    action = models.CharField(max_length=20)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ændringslog")
        verbose_name_plural = _("ændringslog")


class DeletePermit(models.Model):
    """Present only inside the retention job's transaction (SQLite's trigger door)."""

    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"permit {self.created_at}"
