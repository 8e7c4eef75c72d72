"""Base models shared by every module: UUID keys, timestamps, municipality scoping."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

if TYPE_CHECKING:
    from sammen.organisation.models import Municipality

_M = TypeVar("_M", bound=models.Model)


class BaseModel(models.Model):
    """UUID primary key (never guessable, safe in URLs) and created/updated timestamps."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        abstract = True


class MunicipalityQuerySet(models.QuerySet[_M]):
    def for_municipality(self, municipality: Municipality | Any) -> MunicipalityQuerySet[_M]:
        """Only rows of one municipality: the first filter of every tenant-scoped read."""
        return self.filter(municipality=municipality)


class MunicipalityScoped(BaseModel):
    """A row that belongs to exactly one municipality (tenant). Indexed for Citus-style sharding."""

    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.PROTECT, db_index=True, related_name="+"
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        abstract = True


class Versioned(models.Model):
    """An editable record: `version` goes up by one with every change, so a write based on an
    older version is refused (`access.writes`, `core.errors.Conflict`; API: ETag/If-Match)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True
