"""Test-only check (SECURITY.md T08): every response that served citizen data wrote access-log
rows for those citizens during the same request — with the right purpose.

Which data counts is found, not listed: the citizen model and every model with a foreign key
to it (`citizen_models`). While a request is handled, the check notes

- each such row the ORM builds (post_init), and
- each `.values()` / `.values_list()` read of such a model that returns more than ids,

and when the response is a success (2xx) with a body, every citizen noted must have a
successful access-log row written during that request. Rows of a model with an area
(`citizen_area_field`, e.g. journal entries) that lies outside the actor's own area must also
have been logged with purpose consent or break-the-glass: a section that shows another area's
data without asking the policy fails the suite. Misses are recorded and fail the test (the
autouse fixture in the root conftest).
"""

from __future__ import annotations

import contextvars
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import query
from django.db.models.signals import post_init
from django.http import HttpRequest, HttpResponse

_State = dict[str, Any]
_state: contextvars.ContextVar[_State | None] = contextvars.ContextVar("served", default=None)
FAILURES: list[str] = []
# Fields that only identify: reading them is a lookup, not serving data.
ID_FIELDS = frozenset({"pk", "id", "citizen", "citizen_id", "municipality", "municipality_id"})


def citizen_models() -> dict[type[models.Model], str]:
    """The citizen model ("pk") and every model with a foreign key to it (its field name)."""
    citizen = apps.get_model("citizens", "Citizen")
    found: dict[type[models.Model], str] = {citizen: "pk"}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is citizen:
                found.setdefault(model, field.name)
    return found


_MODELS: dict[type[models.Model], str] = {}


def _note(model: type[models.Model], citizen_id: Any, pk: Any) -> None:
    state = _state.get()
    if state is None or citizen_id is None:
        return
    state["citizens"].add(uuid.UUID(str(citizen_id)))
    if getattr(model, "citizen_area_field", None) and pk is not None:
        state["area_rows"][model].add(pk)


def _on_init(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is None or _state.get() is None:
        return
    field = _MODELS.get(sender)
    if field is None:
        return
    citizen_id = instance.pk if field == "pk" else instance.__dict__.get(f"{field}_id")
    _note(sender, citizen_id, instance.pk)


def _values_read(queryset: query.QuerySet[Any]) -> None:
    """A `.values()` read of citizen data: note its citizens (one extra query, tests only)."""
    state = _state.get()
    field = _MODELS.get(queryset.model)
    if state is None or field is None or state.get("inside"):
        return
    selected = set(queryset.query.values_select) | set(queryset.query.annotation_select)
    if selected and selected <= ID_FIELDS:  # empty: `.values()` of every field
        return
    state["inside"] = True
    try:
        citizen = "pk" if field == "pk" else f"{field}_id"
        for citizen_id, pk in queryset.values_list(citizen, "pk"):
            _note(queryset.model, citizen_id, pk)
    finally:
        state["inside"] = False


def _wrap(iterable: type[Any]) -> None:
    original = iterable.__iter__
    if getattr(original, "_served_data", False):
        return

    def __iter__(self: Any) -> Iterator[Any]:  # noqa: N807
        _values_read(self.queryset)
        return original(self)  # type: ignore[no-any-return]

    __iter__._served_data = True  # type: ignore[attr-defined]
    iterable.__iter__ = __iter__


def connect() -> None:
    if not _MODELS:
        _MODELS.update(citizen_models())
    for model in _MODELS:
        post_init.connect(_on_init, sender=model, dispatch_uid=f"served-data-{model._meta.label}")
    for iterable in (
        query.ValuesIterable,
        query.ValuesListIterable,
        query.FlatValuesListIterable,
        query.NamedValuesListIterable,
    ):
        _wrap(iterable)


class ServedCitizenDataMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.db.models import Max

        from sammen.access.models import AccessLogEntry

        before = AccessLogEntry.objects.aggregate(m=Max("seq"))["m"] or 0
        token = _state.set({"citizens": set(), "area_rows": defaultdict(set), "inside": False})
        try:
            response = self.get_response(request)
            state = _state.get() or {}
        finally:
            _state.reset(token)
        loaded: set[uuid.UUID] = state.get("citizens", set())
        if not (200 <= response.status_code < 300 and loaded):
            return response
        if response.get("Content-Length") == "0":
            return response
        rows = AccessLogEntry.objects.filter(seq__gt=before, outcome="success")
        logged = {
            uuid.UUID(str(c))
            for c in rows.filter(citizen_id__in=loaded).values_list("citizen_id", flat=True)
        }
        missing = loaded - logged
        if missing:
            FAILURES.append(
                f"{request.method} {request.path} served {len(missing)} citizen(s) "
                "without an access-log row"
            )
        actor = getattr(request, "actor", None)
        if actor is not None:
            self._check_areas(request, actor, state["area_rows"], rows)
        return response

    def _check_areas(
        self,
        request: HttpRequest,
        actor: Any,
        area_rows: dict[type[models.Model], set[Any]],
        rows: Any,
    ) -> None:
        """Another area's rows need a consent or break-the-glass row for that citizen."""
        by_purpose: dict[uuid.UUID, set[str]] = defaultdict(set)
        for citizen_id, purpose in rows.values_list("citizen_id", "purpose"):
            by_purpose[uuid.UUID(str(citizen_id))].add(purpose)
        for model, pks in area_rows.items():
            field = _MODELS[model]
            area_field = model.citizen_area_field  # type: ignore[attr-defined]
            citizen = "pk" if field == "pk" else f"{field}_id"
            shown = model._default_manager.filter(pk__in=pks).values_list(citizen, area_field)
            for citizen_id, area in shown:
                if area == actor.unit.area:
                    continue
                purposes = by_purpose.get(uuid.UUID(str(citizen_id)), set())
                if not purposes & {"consent", "break_the_glass"}:
                    FAILURES.append(
                        f"{request.method} {request.path} served {model._meta.label} of area "
                        f"{area} without consent or break-the-glass in the log"
                    )
                    return
