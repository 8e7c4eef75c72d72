"""The generic documentation core: areas, templates (forms as data) and immutable entries.

A journal entry is never changed or deleted. The database refuses UPDATE and DELETE on
`journal_entry` (triggers, migration 0002), and so does the ORM (`Entry.save()` on an existing
row, `Entry.delete()`, and the queryset's `update()`/`delete()`). A correction is a new row
that `replaces` the one before it, with a reason; "fejlregistrering" is a new row with status
`entered_in_error`. `replaces` is unique, so a version can be corrected only once.
"""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from sammen.access.lists import CitizenOwnedQuerySet
from sammen.core.models import BaseModel, MunicipalityScoped
from sammen.organisation.models import Area as MunicipalArea
from sammen.organisation.models import Role

_E = TypeVar("_E", bound=models.Model)


class EntryImmutable(Exception):
    """Raised by any attempt to change or delete a journal entry through the ORM."""

    def __init__(self) -> None:
        super().__init__("journal entries are append-only: write a correction instead")


class Area(BaseModel):
    """A documentation area (FSIII for elderly care and health, FFB for the adult social area,
    …). Loaded from data; a new area is a data file, not code."""

    key = models.SlugField(_("nøgle"), max_length=50, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    municipal_area = models.CharField(
        _("forvaltningsområde"), max_length=30, choices=MunicipalArea.choices
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("dokumentationsområde")
        verbose_name_plural = _("dokumentationsområder")

    def __str__(self) -> str:
        return self.title


class TemplateStatus(models.TextChoices):
    ACTIVE = "active", _("Aktiv")
    RETIRED = "retired", _("Udgået")


class EntryKind(models.TextChoices):
    STATE = "state", _("Tilstand")  # the latest valid version is the current state of its item
    NOTE = "note", _("Notat")  # a professional note, linked to an item


class Template(BaseModel):
    """One version of a documentation template. `definition` (sections and fields) is never
    changed once loaded: a change is a new version, and entries keep pointing at theirs."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="templates")
    key = models.SlugField(_("nøgle"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("titel"), max_length=200)
    kind = models.CharField(_("art"), max_length=10, choices=EntryKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=TemplateStatus.choices, default=TemplateStatus.ACTIVE
    )
    definition = models.JSONField()
    content_hash = models.CharField(max_length=64)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["area", "order", "key", "-version"]
        verbose_name = _("skabelon")
        verbose_name_plural = _("skabeloner")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="template_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def subject_field(self) -> str:
        return str(self.definition.get("subject", ""))

    @property
    def permission(self) -> str:
        """The permission (organisation.permissions) needed to document with this template."""
        return str(self.definition.get("permission", ""))

    @property
    def summary_fields(self) -> list[str]:
        return list(self.definition.get("summary", []))

    def field(self, key: str) -> dict[str, Any] | None:
        for section in self.definition.get("sections", []):
            for f in section.get("fields", []):
                if f["key"] == key:
                    return dict(f)
        return None


class EntryStatus(models.TextChoices):
    VALID = "valid", _("Gyldig")
    ENTERED_IN_ERROR = "entered_in_error", _("Fejlregistrering")


class EntryQuerySet(CitizenOwnedQuerySet[_E]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise EntryImmutable()

    def delete(self) -> NoReturn:
        raise EntryImmutable()

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise EntryImmutable()

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise EntryImmutable()


class Entry(MunicipalityScoped):
    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="journal_entries"
    )
    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    author = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    unit = models.ForeignKey("organisation.OrgUnit", on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("skrevet"))
    refers_to = models.DateTimeField(_("gælder for"))
    data = models.JSONField()
    status = models.CharField(max_length=20, choices=EntryStatus.choices)
    # The version this one replaces (correction or fejlregistrering); unique: corrected once.
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    reason = models.TextField(_("begrundelse"), blank=True)
    chain_id = models.UUIDField()  # the id of the first version
    version = models.PositiveIntegerField(default=1)
    # The item the entry documents (e.g. the FSIII code of J1.1) and its group (area J1).
    subject_code = models.CharField(max_length=64, blank=True)
    subject_group = models.CharField(max_length=64, blank=True)
    # {code system url: version} the entry was written under.
    terminology = models.JSONField(default=dict)

    objects = EntryQuerySet.as_manager()  # type: ignore[misc]
    # Lists show another area's entries only with consent (access.lists.visible_to).
    citizen_area_field = "template__area__municipal_area"

    class Meta:
        db_table = "journal_entry"
        ordering = ["-refers_to", "-written_at"]
        verbose_name = _("journalnotat")
        verbose_name_plural = _("journalnotater")
        indexes = [
            models.Index(
                fields=["citizen", "kind", "subject_code", "refers_to"], name="entry_citizen_item"
            ),
            models.Index(fields=["citizen", "written_at"], name="entry_citizen_written"),
            models.Index(fields=["chain_id", "version"], name="entry_chain"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["chain_id", "version"], name="entry_unique_version"),
            models.CheckConstraint(
                condition=models.Q(replaces__isnull=True, version=1)
                | models.Q(replaces__isnull=False, version__gt=1),
                name="entry_version_matches_replaces",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_id} v{self.version} ({self.written_at:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise EntryImmutable()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise EntryImmutable()

    @property
    def is_valid(self) -> bool:
        return self.status == EntryStatus.VALID
