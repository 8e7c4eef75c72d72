"""Reads of the journal. A citizen's entries are read only with the `CitizenAccess` that
`access.gate.citizen_open` returns (municipality scope, access policy, access-log row with
object_type "journal", all in the same transaction as the read)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from sammen.access import gate, policy
from sammen.access.log import access_log_record
from sammen.access.models import Operation, Purpose
from sammen.citizens.models import Citizen
from sammen.core.actor import Actor
from sammen.core.errors import NotFound, ValidationFailed
from sammen.core.ids import parse_uuid
from sammen.core.presenters import date_text, yes_no
from sammen.core.refcache import cached
from sammen.journal.fields import (
    FSIII_SCALE_LABELS,
    data_codes,
    definition_fields,
    definition_value_sets,
)
from sammen.journal.models import (
    Area,
    Entry,
    EntryKind,
    EntryStatus,
    Template,
    TemplateStatus,
)
from sammen.terminology.selectors import Choice, ValueSetView, concepts_display, value_sets_get

OBJECT_TYPE = "journal"
NOTES_SHOWN = 10


# --- templates ---------------------------------------------------------------------------


def _templates_all() -> tuple[Template, ...]:
    """Every template version with its area, cached per process and loaded version
    (`core.refcache`): a loaded template version never changes, a new one moves the stamp.
    Shared between requests: read them, never change them."""
    return cached(
        "journal.templates",
        lambda: tuple(Template.objects.select_related("area").order_by("key", "version")),
    )


def areas_all() -> tuple[Area, ...]:
    """The documentation areas (reference data, cached like the templates)."""
    return cached("journal.areas", lambda: tuple(Area.objects.all()))


def template_current(*, key: str) -> Template | None:
    """The newest active version of a template."""
    active = [t for t in _templates_all() if t.key == key and t.status == TemplateStatus.ACTIVE]
    return max(active, key=lambda t: t.version, default=None)


def template_get(*, key: str, version: int | None) -> Template:
    """The version to document with; unknown and retired versions are refused (422)."""
    if version is None:
        template = template_current(key=key)
        if template is None:
            raise ValidationFailed(
                "Skabelonen findes ikke.", {"template": ["Skabelonen findes ikke."]}
            )
        return template
    template = next((t for t in _templates_all() if t.key == key and t.version == version), None)
    if template is None:
        raise ValidationFailed(
            "Skabelonversionen findes ikke.",
            {"template": [f"Skabelonen {key} findes ikke i version {version}."]},
        )
    if template.status == TemplateStatus.RETIRED:
        raise ValidationFailed(
            "Skabelonversionen er udgået.",
            {"template": [f"Version {version} af skabelonen er udgået. Brug den nyeste version."]},
        )
    return template


def templates_active() -> list[Template]:
    """The newest active version of every template, in area and template order."""
    newest: dict[str, Template] = {}
    for t in _templates_all():
        if t.status != TemplateStatus.ACTIVE:
            continue
        if t.key not in newest or t.version > newest[t.key].version:
            newest[t.key] = t
    return sorted(newest.values(), key=lambda t: (t.area.order, t.area.key, t.order, t.key))


def template_value_sets(templates: Iterable[Template]) -> dict[str, ValueSetView]:
    keys: set[str] = set()
    for t in templates:
        keys |= definition_value_sets(t.definition)
    return value_sets_get(keys=keys) if keys else {}


# --- entries -----------------------------------------------------------------------------


def areas_visible(*, actor: Actor, citizen: Citizen) -> set[str]:
    """The documentation areas whose entries the actor may see for this citizen: their own
    area, and another area only with the consent or legal basis the policy requires."""
    return set(_area_purposes(actor, citizen))


def _area_purposes(
    actor: Actor, citizen: Citizen, given: policy.Decision | None = None
) -> dict[str, str]:
    """Visible documentation area -> the purpose that allows it (care relation, consent …).
    `given` is the gate's decision for the citizen: with it, the areas cost at most one
    question (consent or grant for another area), never a second decision for the citizen."""
    areas = areas_all()
    decisions = policy.decide_areas(
        actor=actor, citizen=citizen, areas={a.municipal_area for a in areas}, given=given
    )
    return {
        area.key: decisions[area.municipal_area].purpose
        for area in areas
        if decisions[area.municipal_area].allowed
    }


def _log_cross_area_reads(actor: Actor, citizen: Citizen, purposes: dict[str, str]) -> None:
    """Reading another area's journal by consent is logged with that purpose, per area, so the
    access log and the citizen's own log say why (the citizen row says care relation)."""
    for key, purpose in sorted(purposes.items()):
        if purpose == Purpose.CONSENT:
            access_log_record(
                actor=actor,
                citizen_ids=[citizen.pk],
                operation=Operation.VIEW,
                purpose=purpose,
                object_type=OBJECT_TYPE,
                criterion=f"område:{key}",
            )


def _visible(access: gate.CitizenAccess, areas: set[str]) -> QuerySet[Entry]:
    """The entries of one citizen the actor may see: only with the gate's proof that the
    policy allowed the citizen (and the read is logged), and only the areas it allows (as the
    ids of their templates, from the per-process cache: no join to templates and areas)."""
    assert access.actor is not None
    return Entry.objects.for_municipality(access.actor.municipality).filter(
        citizen_id=access.citizen_id,
        template_id__in=sorted(t.pk for t in _templates_all() if t.area.key in areas),
    )


def _with_templates(entries: list[Entry]) -> list[Entry]:
    """Entries with their templates from the per-process cache instead of a join: the join
    carried (and decoded) a template's whole definition with every row. A template unknown to
    the cache (loaded during this request) is left to load by itself."""
    by_id = {t.pk: t for t in _templates_all()}
    for entry in entries:
        template = by_id.get(entry.template_id)
        if template is not None:
            Entry.template.field.set_cached_value(entry, template)
    return entries


def _not_replaced() -> Exists:
    return Exists(Entry.objects.filter(replaces=OuterRef("pk")))


def current_entries(
    queryset: QuerySet[Entry], *, before: dt.datetime | None = None, per_citizen: bool = False
) -> QuerySet[Entry]:
    """The latest valid version of each item: chain heads (not replaced), status valid, state
    entries, the newest `refers_to` per subject code. `before` gives the state at that time
    as we know it now (corrections written later count). `per_citizen`: a queryset across
    citizens (the FHIR facade's lists) gets the newest per citizen and subject code."""
    heads = queryset.filter(kind=EntryKind.STATE, status=EntryStatus.VALID).exclude(_not_replaced())
    if before is not None:
        heads = heads.filter(refers_to__lt=before)
    return heads.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("citizen_id"), F("subject_code")]
            if per_citizen
            else [F("subject_code")],
            order_by=[F("refers_to").desc(), F("written_at").desc(), F("id").desc()],
        )
    ).filter(rank=1)


@dataclass(frozen=True)
class ShownValue:
    label: str
    value: str


@dataclass(frozen=True)
class EntryView:
    """An entry ready to show: its fields as (label, value) text, its subject's name."""

    entry: Entry
    subject: str
    values: list[ShownValue]
    summary: list[ShownValue]


class _Display:
    """Turns stored values into text: codes via value sets, falling back to the concepts."""

    def __init__(self, value_sets: dict[str, ValueSetView], extra: dict[str, str]) -> None:
        self.value_sets = value_sets
        self.extra = extra

    def code(self, f: dict[str, Any], code: str) -> str:
        if "options" in f:
            for o in f["options"]:
                if o["code"] == code:
                    return str(o["display"])
        vs = self.value_sets.get(f.get("value_set", ""))
        choice = vs.find(code) if vs else None
        if choice is not None:
            return choice.label
        return self.extra.get(code, code)

    def value(self, f: dict[str, Any], value: Any) -> str:
        kind = f["type"]
        if kind == "code":
            return self.code(f, str(value))
        if kind == "multi_code":
            return ", ".join(self.code(f, str(v)) for v in value)
        if kind == "fsiii_scale":
            return FSIII_SCALE_LABELS.get(int(value), str(value))
        if kind == "boolean":
            return yes_no(value)
        if kind == "date":
            return date_text(dt.date.fromisoformat(value))
        if kind == "number":
            text = str(value).replace(".", ",")
            return f"{text} {f['unit']}" if f.get("unit") else text
        if kind == "group":
            rows = []
            for row in value:
                rows.append(
                    "; ".join(
                        f"{sub['label']}: {self.value(sub, row[sub['key']])}"
                        for sub in f["fields"]
                        if sub["key"] in row
                    )
                )
            return " | ".join(rows)
        return str(value)

    def entry(self, entry: Entry) -> EntryView:
        definition = entry.template.definition
        fields = definition_fields(definition)
        subject_key = definition.get("subject", "")
        values = [
            ShownValue(str(f["label"]), self.value(f, entry.data[f["key"]]))
            for f in fields
            if f["key"] in entry.data and f["key"] != subject_key
        ]
        by_label = {f["key"]: f for f in fields}
        summary = [
            ShownValue(str(by_label[k]["label"]), self.value(by_label[k], entry.data[k]))
            for k in definition.get("summary", [])
            if k in entry.data
        ]
        subject_field = by_label.get(subject_key)
        subject = (
            self.code(subject_field, entry.subject_code)
            if subject_field and entry.subject_code
            else entry.template.title
        )
        return EntryView(entry=entry, subject=subject, values=values, summary=summary)


def _display_for(entries: Sequence[Entry], value_sets: dict[str, ValueSetView]) -> _Display:
    """Codes the value sets do not know (retired ones) are looked up once, in one query."""

    known = {c.code for vs in value_sets.values() for c in vs.choices}
    unknown: set[str] = set()
    for e in entries:
        unknown |= data_codes(e.template.definition, e.data) - known
    extra = {}
    if unknown:
        extra = {code: str(c) for code, c in concepts_display(codes=unknown).items()}
    return _Display(value_sets, extra)


@dataclass(frozen=True)
class ItemState:
    choice: Choice
    current: EntryView | None
    before: EntryView | None

    @property
    def changed(self) -> bool:
        if self.current is None:
            return False
        return self.before is None or self.before.entry.pk != self.current.entry.pk


@dataclass(frozen=True)
class ItemGroup:
    code: str
    title: str
    items: list[ItemState]

    @property
    def documented(self) -> int:
        return sum(1 for i in self.items if i.current is not None)


@dataclass(frozen=True)
class OverviewSection:
    template: Template
    groups: list[ItemGroup]


@dataclass(frozen=True)
class AreaOption:
    value: str
    label: str
    indent: bool


@dataclass(frozen=True)
class JournalOverview:
    citizen: Citizen
    sections: list[OverviewSection]
    notes: list[EntryView]
    since: dt.date | None
    changes: list[ItemState]
    area: str
    area_options: list[AreaOption]
    note_template: Template | None
    templates: list[Template] = field(default_factory=list)


def _since_start(since: dt.date) -> dt.datetime:
    if since.year < 1900:
        raise ValidationFailed("Datoen er for tidlig.", {"since": ["Vælg en dato efter år 1900."]})
    return timezone.make_aware(dt.datetime.combine(since, dt.time.min))


def _area_matches(area: str, template: Template, group_code: str) -> bool:
    if not area:
        return True
    if area.startswith("area:"):
        return template.area.key == area[5:]
    return group_code == area


def journal_overview(
    *, actor: Actor, citizen_id: Any, since: dt.date | None = None, area: str = ""
) -> JournalOverview:
    """The borgerblik of the journal: the current state of every item per area, what changed
    since `since`, the latest notes. A fixed number of queries, whatever the history length."""
    access = gate.citizen_open(actor=actor, citizen_id=citizen_id, object_type=OBJECT_TYPE)
    citizen = access.citizen
    purposes = _area_purposes(actor, citizen, access)
    _log_cross_area_reads(actor, citizen, purposes)
    areas = set(purposes)
    templates = [t for t in templates_active() if t.area.key in areas]
    value_sets = template_value_sets(templates)
    visible = _visible(access, areas)
    related = ("author", "unit")
    current = _with_templates(list(current_entries(visible).select_related(*related)))
    before: list[Entry] = []
    if since is not None:
        before = _with_templates(
            list(current_entries(visible, before=_since_start(since)).select_related(*related))
        )
    notes = _with_templates(
        list(
            visible.filter(kind=EntryKind.NOTE, status=EntryStatus.VALID)
            .exclude(_not_replaced())
            .select_related(*related)
            .order_by("-refers_to", "-written_at")[:NOTES_SHOWN]
        )
    )
    display = _display_for(current + before + notes, value_sets)
    current_by = {e.subject_code: display.entry(e) for e in current}
    before_by = {e.subject_code: display.entry(e) for e in before}

    sections: list[OverviewSection] = []
    options: list[AreaOption] = []
    changes: list[ItemState] = []
    seen_codes: set[str] = set()
    for template in templates:
        if template.kind != EntryKind.STATE or not template.subject_field:
            continue
        subject = template.field(template.subject_field)
        vs = value_sets.get(subject.get("value_set", "")) if subject else None
        if vs is None:
            continue
        area_value = f"area:{template.area.key}"
        if all(o.value != area_value for o in options):
            options.append(AreaOption(area_value, template.area.title, False))
        groups: dict[str, ItemGroup] = {}
        for choice in vs.choices:
            state = ItemState(choice, current_by.get(choice.code), before_by.get(choice.code))
            seen_codes.add(choice.code)
            if not choice.active and state.current is None:
                continue  # old codes show only where they were used
            group_code = choice.group_code or f"template:{template.key}"
            if group_code not in groups:
                groups[group_code] = ItemGroup(
                    group_code, choice.group_display or template.title, []
                )
                if choice.group_code:
                    options.append(AreaOption(choice.group_code, choice.group_display, True))
            if not _area_matches(area, template, choice.group_code):
                continue
            groups[group_code].items.append(state)
            if since is not None and state.changed:
                changes.append(state)
        shown = [g for g in groups.values() if g.items]
        if shown:
            sections.append(OverviewSection(template, shown))
    note_template = next((t for t in templates if t.kind == EntryKind.NOTE), None)
    return JournalOverview(
        citizen=citizen,
        sections=sections,
        notes=[display.entry(n) for n in notes],
        since=since,
        changes=changes,
        area=area,
        area_options=options,
        note_template=note_template,
        templates=templates,
    )


@dataclass(frozen=True)
class HistoryRow:
    view: EntryView
    replaced: bool


@dataclass(frozen=True)
class ItemHistory:
    citizen: Citizen
    code: str
    title: str
    rows: list[HistoryRow]


def item_history(*, actor: Actor, citizen_id: Any, code: str) -> ItemHistory:
    """Every entry about one item — states and notes, every version, corrected and entered in
    error included — newest first: the timeline of the item."""
    access = gate.citizen_open(actor=actor, citizen_id=citizen_id, object_type=OBJECT_TYPE)
    citizen = access.citizen
    purposes = _area_purposes(actor, citizen, access)
    _log_cross_area_reads(actor, citizen, purposes)
    entries = list(
        _visible(access, set(purposes))
        .filter(subject_code=code)
        .annotate(replaced=_not_replaced())
        .select_related("template", "author", "unit")
        .order_by("-refers_to", "-written_at", "-version")
    )
    templates = {e.template_id: e.template for e in entries}
    display = _display_for(entries, template_value_sets(templates.values()))
    rows = [HistoryRow(display.entry(e), bool(getattr(e, "replaced", False))) for e in entries]
    title = rows[0].view.subject if rows else concepts_display(codes=[code]).get(code, code)
    return ItemHistory(citizen=citizen, code=code, title=str(title), rows=rows)


def _entry_find(actor: Actor, entry_id: Any) -> Entry:
    entry = (
        Entry.objects.for_municipality(actor.municipality)
        .select_related("template", "template__area", "citizen", "author", "unit")
        .filter(pk=parse_uuid(entry_id))
        .first()
    )
    if entry is None:
        raise gate.unknown_id_logged(actor=actor, object_id=entry_id, object_type=OBJECT_TYPE)
    return entry


@dataclass(frozen=True)
class EntryVersions:
    citizen: Citizen
    versions: list[EntryView]  # oldest first

    @property
    def head(self) -> EntryView:
        return self.versions[-1]


def entry_versions(*, actor: Actor, entry_id: Any) -> EntryVersions:
    """One entry with every version of it (the correction chain), oldest first."""
    entry = _entry_find(actor, entry_id)
    citizen = gate.citizen_open(
        actor=actor,
        citizen_id=entry.citizen_id,
        object_type=OBJECT_TYPE,
        area=entry.template.area.municipal_area,
    ).citizen
    chain = list(
        Entry.objects.for_municipality(actor.municipality)
        .filter(chain_id=entry.chain_id)
        .select_related("template", "author", "unit")
        .order_by("version")
    )
    display = _display_for(chain, template_value_sets({e.template for e in chain}))
    return EntryVersions(citizen=citizen, versions=[display.entry(e) for e in chain])


def citizen_for_journal(
    *, actor: Actor, citizen_id: Any, area: str
) -> tuple[Citizen, policy.Decision]:
    """The citizen a write service documents for; a refusal is logged here (outside the
    write's transaction), the write itself by the service."""
    access = gate.citizen_open(
        actor=actor,
        citizen_id=citizen_id,
        operation=Operation.CREATE,
        object_type=OBJECT_TYPE,
        area=area,
        log=False,
    )
    return access.citizen, access


def entry_for_update(*, actor: Actor, entry_id: Any) -> tuple[Entry, policy.Decision]:
    """The version a correction or fejlregistrering will replace; the service logs access."""
    entry = _entry_find(actor, entry_id)
    decision = gate.citizen_read(
        actor=actor,
        citizen=entry.citizen,
        operation=Operation.UPDATE,
        object_type=OBJECT_TYPE,
        area=entry.template.area.municipal_area,
        log=False,
    )
    return entry, decision


def entry_is_replaced(entry: Entry) -> bool:
    return Entry.objects.filter(replaces=entry).exists()


def journal_section_load(actor: Actor, citizen: Citizen | gate.CitizenAccess) -> dict[str, Any]:
    """The journal's section on the citizen page: current state in short, latest notes.
    Given the page's `CitizenAccess` (already decided and logged by citizen_overview), the
    section neither decides nor logs the citizen again; another area's entries shown by
    consent are still logged with that purpose. Given a bare citizen, it asks the gate."""
    if isinstance(citizen, gate.CitizenAccess) and citizen.logged and citizen.actor == actor:
        access = citizen
    else:
        access = gate.citizen_read(
            actor=actor, citizen=citizen, operation=Operation.VIEW, object_type=OBJECT_TYPE
        )
    purposes = _area_purposes(actor, access.citizen, access)
    _log_cross_area_reads(actor, access.citizen, purposes)
    visible = _visible(access, set(purposes))
    current = _with_templates(list(current_entries(visible).select_related("author", "unit")[:200]))
    notes = _with_templates(
        list(
            visible.filter(kind=EntryKind.NOTE, status=EntryStatus.VALID)
            .exclude(_not_replaced())
            .select_related("author", "unit")
            .order_by("-refers_to", "-written_at")[:3]
        )
    )
    value_sets = template_value_sets({e.template for e in current + notes})
    display = _display_for(current + notes, value_sets)
    # Only the eight newest states are shown: display text is built for those alone.
    newest = sorted(current, key=lambda e: e.refers_to, reverse=True)[:8]
    return {
        "states": [display.entry(e) for e in newest],
        "state_count": len(current),
        "notes": [display.entry(n) for n in notes],
    }


def entries_visible(access: gate.CitizenAccess) -> QuerySet[Entry]:
    """One citizen's entries the actor may see, for readers in a higher layer (the FHIR
    facade): only with the gate's proof, only the areas the policy allows; a read of another
    area by consent is logged with that purpose, as on the overview."""
    assert access.actor is not None
    purposes = _area_purposes(access.actor, access.citizen, access)
    _log_cross_area_reads(access.actor, access.citizen, purposes)
    return _visible(access, set(purposes))


def entry_chain_head(*, actor: Actor, chain_id: Any, template_keys: Iterable[str]) -> Entry:
    """The newest version of an entry chain of one of `template_keys`, in the actor's
    municipality, after the gate allowed (and logged) its citizen for the entry's area.
    Missing, foreign and malformed ids are logged and answer NotFound alike."""
    try:
        pk = parse_uuid(chain_id)
    except NotFound:
        raise gate.unknown_id_logged(
            actor=actor, object_id=chain_id, object_type=OBJECT_TYPE
        ) from None
    head = (
        Entry.objects.for_municipality(actor.municipality)
        .filter(chain_id=pk, template__key__in=list(template_keys))
        .select_related("template", "template__area", "citizen", "author")
        .order_by("-version")
        .first()
    )
    if head is None:
        raise gate.unknown_id_logged(actor=actor, object_id=pk, object_type=OBJECT_TYPE)
    gate.citizen_read(
        actor=actor,
        citizen=head.citizen,
        object_type=OBJECT_TYPE,
        area=head.template.area.municipal_area,
    )
    return head


def entry_chain_versions(*, actor: Actor, head: Entry) -> list[Entry]:
    """Every version of the chain `head` ends (already allowed by `entry_chain_head`),
    oldest first."""
    return list(
        Entry.objects.for_municipality(actor.municipality)
        .filter(chain_id=head.chain_id)
        .select_related("template", "author")
        .order_by("version")
    )
