"""Reads of terminology. Code lists are public reference data: no citizen, no access log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sammen.core.refcache import cached
from sammen.terminology.models import CodeSystem, Concept, ValueSetMember


@dataclass(frozen=True)
class Choice:
    code: str
    legacy_code: str
    display: str
    definition: str
    active: bool
    group_code: str = ""
    group_display: str = ""

    @property
    def label(self) -> str:
        return f"{self.legacy_code} {self.display}" if self.legacy_code else self.display


@dataclass(frozen=True)
class ValueSetView:
    key: str
    title: str
    system: str
    version: str
    system_version: str
    choices: tuple[Choice, ...]
    _by_code: dict[str, Choice] = field(default_factory=dict, compare=False, repr=False)

    def find(self, code: str) -> Choice | None:
        """By primary code, or by legacy key (import and typing)."""
        return self._by_code.get(code)

    def active_choices(self) -> list[Choice]:
        return [c for c in self.choices if c.active]


def value_sets_get(*, keys: Iterable[str]) -> dict[str, ValueSetView]:
    """The value sets with their members, in display order. Built once per process and loaded
    version (`core.refcache`): no query when the request has already checked the version."""
    every = cached("terminology.value_sets", _value_sets_build)
    return {key: every[key] for key in keys if key in every}


def _value_sets_build() -> dict[str, ValueSetView]:
    """Every value set with its members; one query."""
    rows = (
        ValueSetMember.objects.all()
        .select_related("concept", "value_set", "value_set__code_system")
        .order_by("value_set__key", "group_order", "order")
    )
    members: dict[str, list[ValueSetMember]] = {}
    for row in rows:
        members.setdefault(row.value_set.key, []).append(row)
    out: dict[str, ValueSetView] = {}
    for key, group in members.items():
        vs = group[0].value_set
        choices = tuple(
            Choice(
                code=m.concept.code,
                legacy_code=m.concept.legacy_code,
                display=m.concept.display,
                definition=m.concept.definition,
                active=m.active,
                group_code=m.group_code,
                group_display=m.group_display,
            )
            for m in group
        )
        by_code: dict[str, Choice] = {}
        for c in choices:
            if c.legacy_code:
                by_code.setdefault(c.legacy_code, c)
        by_code.update({c.code: c for c in choices})
        out[key] = ValueSetView(
            key=key,
            title=vs.title,
            system=vs.code_system.url,
            version=vs.version,
            system_version=vs.code_system.version,
            choices=choices,
            _by_code=by_code,
        )
    return out


def concepts_display(*, codes: Iterable[str]) -> dict[str, Concept]:
    """Concepts by code (any code system), for showing old entries."""
    return {c.code: c for c in Concept.objects.filter(code__in=set(codes))}


def code_system_versions() -> dict[str, str]:
    return dict(CodeSystem.objects.values_list("url", "version"))
