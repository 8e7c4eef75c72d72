"""Code systems (FSIII, FFB …), their concepts, and value sets built from them.

All rows are loaded from the versioned data files in `sammen/terminology/data/` by
`manage.py documentation_load`; nothing here is typed in by a user. A concept is never deleted:
a code that a newer version of its code system lacks is marked `retired`, so entries written
with it stay readable.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sammen.core.models import BaseModel


class ConceptStatus(models.TextChoices):
    CURRENT = "current", _("Gældende")
    LEGACY = "legacy", _("Udgående (før forenklingen)")
    RETIRED = "retired", _("Udgået")


class CodeSystem(BaseModel):
    url = models.CharField(_("kodesystem-id"), max_length=200, unique=True)
    name = models.CharField(_("navn"), max_length=50)
    title = models.CharField(_("titel"), max_length=200)
    version = models.CharField(_("version"), max_length=50)
    source = models.TextField(_("kilde"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kodesystem")
        verbose_name_plural = _("kodesystemer")

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class Concept(BaseModel):
    code_system = models.ForeignKey(CodeSystem, on_delete=models.PROTECT, related_name="concepts")
    # The primary code: the FK-klassifikation UUID for FSIII and FFB.
    code = models.CharField(_("kode"), max_length=64)
    # Brugervendt nøgle such as "J1.1": for display and import only.
    legacy_code = models.CharField(_("tidligere nøgle"), max_length=30, blank=True)
    display = models.CharField(_("betegnelse"), max_length=300)
    definition = models.TextField(_("definition"), blank=True)
    parent_code = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ConceptStatus.choices, default=ConceptStatus.CURRENT
    )
    # The code system version that last carried this concept.
    version = models.CharField(max_length=50)

    class Meta:
        ordering = ["code_system", "legacy_code", "display"]
        verbose_name = _("begreb")
        verbose_name_plural = _("begreber")
        constraints = [
            models.UniqueConstraint(fields=["code_system", "code"], name="concept_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.legacy_code} {self.display}".strip()


class ValueSet(BaseModel):
    key = models.SlugField(_("nøgle"), max_length=100, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    version = models.CharField(_("version"), max_length=50)
    code_system = models.ForeignKey(CodeSystem, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["key"]
        verbose_name = _("værdisæt")
        verbose_name_plural = _("værdisæt")

    def __str__(self) -> str:
        return self.title


class ValueSetMember(models.Model):
    """One concept in a value set. `active` = offered for new documentation; inactive members
    (legacy, pre-simplification codes) stay readable in old entries."""

    value_set = models.ForeignKey(ValueSet, on_delete=models.CASCADE, related_name="members")
    concept = models.ForeignKey(Concept, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    # The grouping concept (e.g. the FSIII area J1 for the item J1.1), denormalised for display.
    group_code = models.CharField(max_length=64, blank=True)
    group_display = models.CharField(max_length=300, blank=True)
    group_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["value_set", "group_order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["value_set", "concept"], name="valueset_unique_member")
        ]

    def __str__(self) -> str:
        return f"{self.value_set_id}:{self.concept_id}"
