"""Access log (append-only, sealed by signed checkpoints) and the change log of citizen data."""

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
    GRANT = "grant", _("Udvidet adgang givet")
    REVIEW = "review", _("Gennemgang")
    PRUNE = "prune", _("Sletning efter opbevaringsperiode")
    PRIVILEGE = "privilege", _("Ændring af rettigheder")


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

    Append-only: the app's database role may only INSERT and SELECT it, and triggers refuse
    UPDATE and DELETE for everyone but the retention role. A read inserts its rows without any
    lock; the sealer (`access.sealing`) closes them into signed checkpoints kept also outside
    the database, so `manage.py access_log_verify` names any altered, removed or inserted row.
    No clinical free text and no CPR number is ever stored here.
    """

    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    municipality_id = models.UUIDField(db_index=True)
    staff_id = models.UUIDField(null=True, db_index=True)
    role = models.CharField(max_length=30, blank=True)
    unit_id = models.UUIDField(null=True)
    unit_name = models.CharField(max_length=200, blank=True)
    citizen_id = models.UUIDField(null=True)  # indexed with `at` (accesslog_citizen_at)
    criterion = models.CharField(max_length=200, blank=True)
    operation = models.CharField(max_length=20, choices=Operation.choices)
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.NORMAL)
    object_type = models.CharField(max_length=50, blank=True)
    grant_id = models.UUIDField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    client_ip = models.CharField(max_length=45, blank=True)

    class Meta:
        verbose_name = _("adgangslog")
        verbose_name_plural = _("adgangslog")
        indexes = [models.Index(fields=["citizen_id", "at"], name="accesslog_citizen_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.operation} ({self.seq})"


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


class GrantReason(models.TextChoices):
    ACUTE = "akut", _("Akut situation hos borgeren")
    COVER = "vikar", _("Afløsning for en kollega")
    NEW_CITIZEN = "ny_borger", _("Ny borger, relation ikke registreret endnu")
    HOSPITAL = "sygehus", _("Henvendelse fra sygehus eller læge")
    OTHER = "andet", _("Andet")


class AccessGrant(MunicipalityScoped):
    """Break-the-glass ("udvidet adgang"): one staff member, one citizen, a reason, a deadline."""

    staff = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="access_grants"
    )
    role = models.CharField(max_length=30)
    unit = models.ForeignKey("organisation.OrgUnit", on_delete=models.PROTECT, related_name="+")
    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="access_grants"
    )
    reason = models.CharField(_("begrundelse"), max_length=20, choices=GrantReason.choices)
    reason_text = models.CharField(_("uddybning"), max_length=500)
    expires_at = models.DateTimeField(_("udløber"))
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "organisation.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_comment = models.CharField(_("kommentar"), max_length=500, blank=True)
    review_approved = models.BooleanField(_("godkendt"), null=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("udvidet adgang")
        verbose_name_plural = _("udvidede adgange")
        indexes = [models.Index(fields=["staff", "citizen", "expires_at"], name="grant_active")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class ReviewKind(models.TextChoices):
    BREAK_THE_GLASS = "break_the_glass", _("Udvidet adgang")
    MANY_CITIZENS = "many_citizens", _("Mange borgere på kort tid")
    SAME_SURNAME = "same_surname", _("Borger med samme efternavn")
    SAME_ADDRESS = "same_address", _("Borger på egen adresse")
    NIGHT_GRANT = "night_grant", _("Udvidet adgang om natten")
    PRIVILEGE_CHANGE = "privilege_change", _("Rettighedsændring, der giver adgang til borgere")


class ReviewItem(MunicipalityScoped):
    """Something a leader must look at; from break-the-glass or a suspicious pattern."""

    kind = models.CharField(max_length=30, choices=ReviewKind.choices)
    staff = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    citizen = models.ForeignKey(
        "citizens.Citizen", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grant = models.ForeignKey(AccessGrant, null=True, blank=True, on_delete=models.PROTECT)
    occurred_at = models.DateTimeField()
    details = models.CharField(max_length=300)
    dedupe_key = models.CharField(max_length=200, unique=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "organisation.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["reviewed_at", "-occurred_at"]
        verbose_name = _("gennemgang")
        verbose_name_plural = _("gennemgange")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.details}"


class CitizenAccessRecord(models.Model):
    """The citizen-facing copy of each successful access, one row per AccessLogEntry with a
    citizen, linked by `access_seq` and sealed in the same checkpoint as its source row. Kept
    `SAMMEN_CITIZEN_LOG_RETENTION_DAYS` (2 years: what the citizen can look back on), the
    security log `SAMMEN_ACCESS_LOG_RETENTION_DAYS` (6 months); see access/README.md."""

    access_seq = models.BigIntegerField(unique=True)
    municipality_id = models.UUIDField()
    citizen_id = models.UUIDField()
    at = models.DateTimeField()
    unit_name = models.CharField(max_length=200)
    staff_id = models.UUIDField(null=True)
    role = models.CharField(max_length=30, blank=True)
    operation = models.CharField(max_length=20, choices=Operation.choices)
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    object_type = models.CharField(max_length=50, blank=True)
    break_the_glass = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["citizen_id", "at"], name="citizenlog_citizen_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.operation}"


class MinLogCursor(models.Model):
    """How far the citizen copies have been registered with NSP MinLog2 (one row). The queue is
    derived from the checked log — the sealed citizen copies after `sent_through`, in order —
    so a read writes nothing for MinLog; `minlog_push` sends and retries with back-off until
    MinLog acknowledges (MinLog de-duplicates on the sequence number)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sent_through = models.BigIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"MinLog sendt til og med {self.sent_through}"


class Checkpoint(models.Model):
    """A signed statement closing the rows appended since the previous checkpoint.

    `statement` is canonical JSON: number, the previous statement's SHA-256, the cut-off time,
    and per stream (access log, citizen copy, journal) the range, count, field list and root
    (SHA-256 of the leaf list). `leaves` lists (key, time, 128-bit leaf hash) per row so the
    verifier can name the first row that differs. `signature` is Ed25519 over the statement,
    made with a key the database does not hold; each checkpoint is also written to the
    directory `SAMMEN_SEAL_DIR`, which an operator ships elsewhere (append-only storage)."""

    number = models.PositiveBigIntegerField(primary_key=True)
    created_at = models.DateTimeField()
    statement = models.TextField()
    signature = models.CharField(max_length=128)
    key_id = models.CharField(max_length=32)
    leaves = models.TextField()

    class Meta:
        ordering = ["number"]
        verbose_name = _("forsegling")
        verbose_name_plural = _("forseglinger")

    def __str__(self) -> str:
        return f"forsegling {self.number}"
