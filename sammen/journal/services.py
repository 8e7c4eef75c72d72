"""Writes to the journal: a new entry, a correction (a new version), a fejlregistrering (a new
version with that status). The policy is asked first (a refusal is logged outside the write's
transaction, by the access gate); the write, its change-log row and its access-log row are then
one durable transaction (`access.writes`). Nothing is ever updated or deleted. Correcting a
version that someone else has already corrected (or marked in error) is a Conflict (409)
naming the newest version."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from sammen.access import policy
from sammen.access.models import Operation
from sammen.access.writes import CitizenWrite, citizen_write, citizen_write_service
from sammen.citizens.models import Citizen
from sammen.core.actor import Actor
from sammen.core.errors import Conflict, Forbidden, ValidationFailed
from sammen.journal.fields import data_codes, data_validate
from sammen.journal.models import Entry, EntryStatus, Template
from sammen.journal.selectors import (
    OBJECT_TYPE,
    citizen_for_journal,
    entry_for_update,
    entry_is_replaced,
    template_get,
    template_value_sets,
)
from sammen.organisation.permissions import has_permission

# A little slack for clocks on phones; "the time it refers to" may not be in the future.
FUTURE_SLACK = dt.timedelta(minutes=10)
REASON_MAX = 1000


def document_require(*, actor: Actor, template: Template) -> None:
    """May the actor document with this template? The template's data names the permission
    it needs (e.g. document_health, which a SOSU-hjælper does not hold); Forbidden (403)
    otherwise."""
    if not has_permission(actor, template.permission):
        role = actor.membership.get_role_display()
        raise Forbidden(f"Rollen {role} kan ikke dokumentere «{template.title}».")


EARLIEST_YEAR = 1900  # no care record refers to earlier; year 1 would overflow in UTC


def _refers_to(value: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if value is None:
        return now
    if value.year < EARLIEST_YEAR:
        raise ValidationFailed(
            "Tidspunktet er for tidligt.",
            {"refers_to": [f"Tidspunktet skal ligge efter år {EARLIEST_YEAR}."]},
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + FUTURE_SLACK:
        raise ValidationFailed(
            "Tidspunktet ligger i fremtiden.",
            {"refers_to": ["Tidspunktet kan ikke ligge i fremtiden."]},
        )
    return value


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed("Skriv en begrundelse.", {"reason": ["Skriv en begrundelse."]})
    if len(text) > REASON_MAX:
        raise ValidationFailed(
            "Begrundelsen er for lang.", {"reason": [f"Højst {REASON_MAX} tegn."]}
        )
    return text


def _clean(
    template: Template, data: Mapping[str, Any], now: dt.datetime, keep: frozenset[str]
) -> tuple[dict[str, Any], str, str, dict[str, str]]:
    value_sets = template_value_sets([template])
    clean = data_validate(
        template.definition,
        data,
        value_sets=value_sets,
        today=timezone.localdate(now),
        keep_codes=keep,
    )
    subject_code = subject_group = ""
    if template.subject_field:
        subject_code = clean[template.subject_field]
        subject = template.field(template.subject_field) or {}
        vs = value_sets.get(subject.get("value_set", ""))
        choice = vs.find(subject_code) if vs else None
        subject_group = choice.group_code if choice else ""
    terminology = {vs.system: vs.system_version for vs in value_sets.values()}
    return clean, subject_code, subject_group, terminology


def _superseded(previous: Entry) -> Conflict:
    """Someone else has already made a newer version of this entry."""
    newest = Entry.objects.filter(chain_id=previous.chain_id).order_by("-version").first()
    return Conflict(
        "Notatet er allerede rettet af en anden. Åbn den nyeste version og ret den.",
        current_version=newest.version if newest else None,
        current_id=str(newest.pk) if newest else None,
    )


def _insert(entry: Entry) -> Entry:
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as error:
        # Two people correcting the same version at once: the unique `replaces` decides.
        if entry.replaces is not None:
            raise _superseded(entry.replaces) from error
        raise
    return entry


def _change_logged(write: CitizenWrite, entry: Entry, previous: Entry | None) -> None:
    """The change log points at the journal's own versions (which keep every word) instead of
    copying clinical text: which template, status, version and time the entry has."""
    after = {
        "template": f"{entry.template.key} v{entry.template.version}",
        "status": entry.status,
        "version": entry.version,
        "refers_to": entry.refers_to.isoformat(),
    }
    before = (
        {}
        if previous is None
        else {
            "template": f"{previous.template.key} v{previous.template.version}",
            "status": previous.status,
            "version": previous.version,
            "refers_to": previous.refers_to.isoformat(),
        }
    )
    changes: dict[str, list[Any]] = {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
    if previous is not None:
        changes["replaces"] = [None, str(previous.pk)]
        if previous.data != entry.data:
            changes["data"] = [
                None,
                sorted(k for k in entry.data if entry.data.get(k) != previous.data.get(k)),
            ]
    write.record(entry, action="create" if previous is None else "update", changes=changes)


@citizen_write_service
def entry_create(
    *,
    actor: Actor,
    citizen_id: Any,
    template_key: str,
    template_version: int | None,
    data: Mapping[str, Any],
    refers_to: dt.datetime | None = None,
) -> Entry:
    """Document with a template (its newest version when `template_version` is None).
    Unknown and retired versions, and data that breaks the template, are refused (422) and
    nothing is saved."""
    template = template_get(key=template_key, version=template_version)
    document_require(actor=actor, template=template)
    citizen, decision = citizen_for_journal(
        actor=actor, citizen_id=citizen_id, area=template.area.municipal_area
    )
    return _entry_create(
        actor=actor,
        citizen=citizen,
        decision=decision,
        template=template,
        data=data,
        refers_to=refers_to,
    )


def _entry_create(
    *,
    actor: Actor,
    citizen: Citizen,
    decision: policy.Decision,
    template: Template,
    data: Mapping[str, Any],
    refers_to: dt.datetime | None,
) -> Entry:
    with citizen_write(
        actor=actor,
        citizen=citizen,
        decision=decision,
        operation=Operation.CREATE,
        object_type=OBJECT_TYPE,
    ) as write:
        now = timezone.now()
        when = _refers_to(refers_to, now)
        clean, subject_code, subject_group, terminology = _clean(template, data, now, frozenset())
        entry_id = uuid.uuid4()
        entry = _insert(
            Entry(
                id=entry_id,
                municipality=actor.municipality,
                citizen=citizen,
                template=template,
                kind=template.kind,
                author=actor.staff,
                role=actor.role,
                unit=actor.unit,
                written_at=now,
                refers_to=when,
                data=clean,
                status=EntryStatus.VALID,
                chain_id=entry_id,
                version=1,
                subject_code=subject_code,
                subject_group=subject_group,
                terminology=terminology,
            )
        )
        _change_logged(write, entry, None)
    return entry


def _next_version(
    *,
    actor: Actor,
    previous: Entry,
    data: dict[str, Any],
    status: str,
    reason: str,
    refers_to: dt.datetime,
    subject_code: str,
    subject_group: str,
    terminology: dict[str, str],
) -> Entry:
    return _insert(
        Entry(
            municipality=actor.municipality,
            citizen_id=previous.citizen_id,
            template=previous.template,
            kind=previous.kind,
            author=actor.staff,
            role=actor.role,
            unit=actor.unit,
            written_at=timezone.now(),
            refers_to=refers_to,
            data=data,
            status=status,
            replaces=previous,
            reason=reason,
            chain_id=previous.chain_id,
            version=previous.version + 1,
            subject_code=subject_code,
            subject_group=subject_group,
            terminology=terminology,
        )
    )


def _replaceable(actor: Actor, entry_id: Any) -> tuple[Entry, policy.Decision]:
    previous, decision = entry_for_update(actor=actor, entry_id=entry_id)
    document_require(actor=actor, template=previous.template)
    if entry_is_replaced(previous):
        raise _superseded(previous)
    if previous.status == EntryStatus.ENTERED_IN_ERROR:
        raise ValidationFailed(
            "Notatet er markeret som fejlregistrering.",
            {"entry": ["Notatet er markeret som fejlregistrering og kan ikke rettes."]},
        )
    return previous, decision


@citizen_write_service
def entry_correct(
    *,
    actor: Actor,
    entry_id: Any,
    data: Mapping[str, Any],
    reason: str,
    refers_to: dt.datetime | None = None,
) -> Entry:
    """A new version of the entry, with the same template version, linked to the one it
    replaces, with a reason. Codes no longer offered may stay if the corrected version had
    them. A version that is already corrected cannot be corrected again (422)."""
    previous, decision = _replaceable(actor, entry_id)
    return _entry_correct(
        actor=actor,
        previous=previous,
        decision=decision,
        data=data,
        reason=reason,
        refers_to=refers_to,
    )


def _entry_correct(
    *,
    actor: Actor,
    previous: Entry,
    decision: policy.Decision,
    data: Mapping[str, Any],
    reason: str,
    refers_to: dt.datetime | None,
) -> Entry:
    with citizen_write(
        actor=actor, citizen=previous.citizen, decision=decision, object_type=OBJECT_TYPE
    ) as write:
        why = _reason(reason)
        now = timezone.now()
        when = _refers_to(refers_to, now) if refers_to is not None else previous.refers_to
        keep = frozenset(data_codes(previous.template.definition, previous.data))
        clean, subject_code, subject_group, terminology = _clean(previous.template, data, now, keep)
        entry = _next_version(
            actor=actor,
            previous=previous,
            data=clean,
            status=EntryStatus.VALID,
            reason=why,
            refers_to=when,
            subject_code=subject_code,
            subject_group=subject_group,
            terminology=terminology,
        )
        _change_logged(write, entry, previous)
    return entry


@citizen_write_service
def entry_mark_in_error(*, actor: Actor, entry_id: Any, reason: str) -> Entry:
    """Fejlregistrering: a new version with that status and a reason; the content stays
    readable in every version."""
    previous, decision = _replaceable(actor, entry_id)
    return _entry_mark_in_error(actor=actor, previous=previous, decision=decision, reason=reason)


def _entry_mark_in_error(
    *, actor: Actor, previous: Entry, decision: policy.Decision, reason: str
) -> Entry:
    with citizen_write(
        actor=actor, citizen=previous.citizen, decision=decision, object_type=OBJECT_TYPE
    ) as write:
        why = _reason(reason)
        entry = _next_version(
            actor=actor,
            previous=previous,
            data=previous.data,
            status=EntryStatus.ENTERED_IN_ERROR,
            reason=why,
            refers_to=previous.refers_to,
            subject_code=previous.subject_code,
            subject_group=previous.subject_group,
            terminology=previous.terminology,
        )
        _change_logged(write, entry, previous)
    return entry
