"""The journal's demo stream: realistic FSIII histories, not uniform noise.

Most citizens are stable; some decline over months; some get worse after a hospital stay and
improve again through rehabilitation. Assessments come at visitation and follow-up (every few
months); notes come in between and are written by the roles that would write them (SOSU staff
on daily function, nurses on health conditions, therapists during rehabilitation). A few
entries are corrected or marked as fejlregistrering. Citizens of the adult social area get FFB
assessments. Deterministic from `ctx.rng`; written with bulk inserts only.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from sammen.citizens.models import Responsibility
from sammen.journal.loader import content_load
from sammen.journal.models import Entry, EntryStatus, Template
from sammen.organisation.models import Area, Membership, Role
from sammen.terminology.selectors import code_system_versions, value_sets_get

BATCH = 5000
FSIII = "urn:oid:1.2.208.176.2.21"
FFB = "urn:oid:1.2.208.176.2.22"

# Common home-care items get picked more often (weights).
COMMON_ITEMS = {
    "Personlig pleje": 8,
    "Lave husligt arbejde": 8,
    "Indkøb": 6,
    "Lave mad": 5,
    "Mobilitet og bevægelse": 6,
    "Forflytte sig": 3,
    "Spise og drikke": 3,
    "Hukommelse": 2,
    "Trivsel": 2,
}
HEALTH_ITEMS = {
    "Problemer med tryksår": 3,
    "Problemer med ernæring": 3,
    "Problemer med smerter": 3,
    "Problemer med mobilitet og bevægelse": 2,
    "Problemer med hukommelse": 2,
    "Cirkulationsproblemer": 2,
    "Problemer med vandladning": 2,
}
CARE_NOTES = [
    "Borgeren ville gerne selv vaske overkroppen i dag; fik hjælp til ryg og ben.",
    "Træt i dag, spiste halvdelen af middagen. Aftalt at tilbyde mellemmåltid.",
    "Klarede selv at tage strømper på med strømpepåtager.",
    "Borgeren gik selv ud i køkkenet med rollator og satte kaffe over.",
    "Lidt forvirret om formiddagen, bedre efter frokost. Datter orienteret.",
    "Handlede ind sammen med borgeren; borgeren skrev selv indkøbssedlen.",
]
NURSE_NOTES = [
    "Sår på hæl renset og forbundet. Ingen tegn på infektion.",
    "Vægt 58,2 kg, stabil siden sidst. Fortsætter med proteindrik.",
    "Smerter i hofte, VAS 4. Har taget paracetamol. Egen læge kontaktes ved forværring.",
    "Huden på sacrum let rødmet, aflastning med pude. Observeres.",
    "Urin uden lugt og klar. Drikker ca. 1,2 l i døgnet.",
]
THERAPY_NOTES = [
    "Træning: gangdistance øget til 50 m med rollator.",
    "Øvede forflytning seng-stol; kan nu med let støtte.",
    "Balancetræning 20 min. Borgeren er motiveret og vil kunne gå til bageren igen.",
    "Hjemmetræningsprogram gennemgået; borgeren laver øvelserne dagligt.",
]
GENERAL_TEXT = {
    "Netværk": "Datter bor i nærheden og kommer to gange om ugen.",
    "Livshistorie": "Har arbejdet som skolelærer i 35 år. Glad for havearbejde.",
    "Vaner": "Står op ved 7-tiden, kan lide en lur efter middagen.",
    "Boligens indretning": "Bor i stueetagen; dørtrin til badeværelset.",
    "Mestring": "Vil helst klare mest muligt selv og siger til, når det er svært.",
}


@dataclass
class _Authors:
    """Staff by role, with the unit each works in (an entry records author and unit)."""

    by_role: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict)

    def pick(self, rng: random.Random, *roles: str) -> tuple[Any, Any, str]:
        for role in roles:
            people = self.by_role.get(role)
            if people:
                staff_id, unit_id = rng.choice(people)
                return staff_id, unit_id, role
        raise LookupError(f"no staff in roles {roles}")


def _authors(municipality: Any) -> _Authors:
    authors = _Authors()
    for staff_id, unit_id, role in Membership.objects.filter(
        municipality=municipality, staff__is_active=True
    ).values_list("staff_id", "unit_id", "role"):
        authors.by_role.setdefault(role, []).append((staff_id, unit_id))
    return authors


@dataclass
class _Writer:
    """Builds Entry rows (valid by construction) and flushes them in batches."""

    municipality: Any
    rng: random.Random
    templates: dict[str, Template]
    terminology: dict[str, dict[str, str]]
    tz: Any
    buffer: list[Entry] = field(default_factory=list)
    written: int = 0

    def _id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(
        self,
        *,
        citizen_id: Any,
        key: str,
        author: tuple[Any, Any, str],
        when: dt.datetime,
        data: dict[str, Any],
        subject: tuple[str, str],
    ) -> Entry:
        template = self.templates[key]
        entry_id = self._id()
        entry = Entry(
            id=entry_id,
            municipality=self.municipality,
            citizen_id=citizen_id,
            template=template,
            kind=template.kind,
            author_id=author[0],
            unit_id=author[1],
            role=author[2],
            written_at=when + dt.timedelta(minutes=self.rng.randint(5, 240)),
            refers_to=when,
            data=data,
            status=EntryStatus.VALID,
            chain_id=entry_id,
            version=1,
            subject_code=subject[0],
            subject_group=subject[1],
            terminology=self.terminology[key],
        )
        self.buffer.append(entry)
        roll = self.rng.random()
        if template.kind == "state" and roll < 0.013:
            self._replace(entry, author, in_error=roll < 0.003)
        if len(self.buffer) >= BATCH:
            self.flush()
        return entry

    def _replace(self, old: Entry, author: tuple[Any, Any, str], *, in_error: bool) -> None:
        data = dict(old.data)
        if not in_error and "nuvaerende_niveau" in data:
            data["nuvaerende_niveau"] = min(4, int(data["nuvaerende_niveau"]) + 1)
        self.buffer.append(
            Entry(
                id=self._id(),
                municipality=self.municipality,
                citizen_id=old.citizen_id,
                template=old.template,
                kind=old.kind,
                author_id=author[0],
                unit_id=author[1],
                role=author[2],
                written_at=old.written_at + dt.timedelta(hours=self.rng.randint(1, 48)),
                refers_to=old.refers_to,
                data=data,
                status=EntryStatus.ENTERED_IN_ERROR if in_error else EntryStatus.VALID,
                replaces_id=old.id,
                reason="Skrevet på forkert borger" if in_error else "Forkert niveau valgt",
                chain_id=old.chain_id,
                version=2,
                subject_code=old.subject_code,
                subject_group=old.subject_group,
                terminology=old.terminology,
            )
        )

    def flush(self) -> None:
        if self.buffer:
            Entry.objects.bulk_create(self.buffer, batch_size=1000)
            self.written += len(self.buffer)
            self.buffer = []


def _weighted(
    rng: random.Random, weights: dict[str, int], choices: dict[str, Any], k: int
) -> list[Any]:
    names = [n for n in weights if n in choices]
    picked: list[Any] = []
    pool = dict.fromkeys(names)
    while pool and len(picked) < k:
        name = rng.choices(list(pool), weights=[weights[n] for n in pool])[0]
        del pool[name]
        picked.append(choices[name])
    return picked


def _moments(
    rng: random.Random, start: dt.date, end: dt.date, low: int, high: int
) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=rng.randint(low, high))


@dataclass(frozen=True)
class _Trajectory:
    """Level of one item on a day: stable, declining over months, or rehabilitation."""

    kind: str
    base: int
    start: dt.date
    event: dt.date

    def level(self, day: dt.date, rng: random.Random) -> int:
        if self.kind == "declining":
            months = max(0, (day - self.start).days) / 30
            return min(4, self.base + int(months / rng.uniform(6, 10)))
        if self.kind == "rehab" and day >= self.event:
            weeks = (day - self.event).days / 7
            bump = 2 if weeks < 3 else 1 if weeks < 10 else 0
            return max(0, min(4, self.base + bump - (1 if weeks >= 16 else 0)))
        jitter = 1 if rng.random() < 0.08 else 0
        return min(4, self.base + jitter)


def _aware(day: dt.date, rng: random.Random, tz: Any) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(7, 21), rng.randint(0, 59)), tzinfo=tz)


def citizen_history(
    writer: _Writer,
    authors: _Authors,
    *,
    citizen_id: Any,
    start: dt.date,
    today: dt.date,
    items: dict[str, Any],
    health: dict[str, Any],
    general: dict[str, Any],
    kind: str | None = None,
    note_every: tuple[int, int] = (14, 50),
    assess_every: tuple[int, int] = (90, 180),
) -> None:
    """One citizen's FSIII history from `start` to `today`."""
    rng = writer.rng
    kind = kind or rng.choices(["stable", "declining", "rehab"], weights=[65, 20, 15])[0]
    event = start + dt.timedelta(days=rng.randint(0, max(0, (today - start).days)))
    tracked = [
        (c, _Trajectory(kind, rng.choice([0, 1, 1, 2, 2, 3]), start, event))
        for c in _weighted(rng, COMMON_ITEMS, items, rng.randint(3, 6))
    ]
    nursing = _weighted(rng, HEALTH_ITEMS, health, rng.choice([0, 0, 1, 1, 2, 3]))
    assessor = (Role.ASSESSOR, Role.NURSE)
    for name, choice in list(general.items())[: rng.randint(1, 3)]:
        writer.add(
            citizen_id=citizen_id,
            key="fsiii-generelle-oplysninger",
            author=authors.pick(rng, *assessor),
            when=_aware(start, rng, writer.tz),
            data={"emne": choice.code, "tekst": GENERAL_TEXT.get(name, "Oplyst ved visitation.")},
            subject=(choice.code, ""),
        )
    days = list(_moments(rng, start, today, *assess_every))
    if kind == "rehab":  # therapists follow up often for three months after the event
        days += [
            event + dt.timedelta(days=d)
            for d in (3, 21, 45, 75, 110)
            if event + dt.timedelta(days=d) <= today
        ]
        days.sort()
    for day in days:
        rehab = kind == "rehab" and event <= day <= event + dt.timedelta(days=120)
        who = authors.pick(rng, Role.THERAPIST) if rehab else authors.pick(rng, *assessor)
        for choice, path in tracked:
            level = path.level(day, rng)
            expected = max(0, level - 1) if rehab else level
            writer.add(
                citizen_id=citizen_id,
                key="fsiii-funktionsevnetilstand",
                author=who,
                when=_aware(day, rng, writer.tz),
                data={
                    "tilstand": choice.code,
                    "nuvaerende_niveau": level,
                    "forventet_niveau": expected,
                },
                subject=(choice.code, choice.group_code),
            )
        for choice in nursing:
            problem = rng.choices(["aktuelt", "potentielt", "ikke_relevant"], weights=[6, 3, 1])[0]
            writer.add(
                citizen_id=citizen_id,
                key="fsiii-helbredstilstand",
                author=authors.pick(rng, Role.NURSE),
                when=_aware(day, rng, writer.tz),
                data={
                    "tilstand": choice.code,
                    "problem": problem,
                    "faglig_vurdering": rng.choice(NURSE_NOTES),
                },
                subject=(choice.code, choice.group_code),
            )
    for day in _moments(rng, start + dt.timedelta(days=3), today, *note_every):
        if nursing and rng.random() < 0.35:
            choice, text, who = (
                rng.choice(nursing),
                rng.choice(NURSE_NOTES),
                authors.pick(rng, Role.NURSE),
            )
        elif kind == "rehab" and event <= day <= event + dt.timedelta(days=100):
            choice, text = rng.choice(tracked)[0], rng.choice(THERAPY_NOTES)
            who = authors.pick(rng, Role.THERAPIST)
        else:
            choice, text = rng.choice(tracked)[0], rng.choice(CARE_NOTES)
            who = authors.pick(rng, Role.SOSU_HELPER, Role.SOSU_ASSISTANT)
        writer.add(
            citizen_id=citizen_id,
            key="fsiii-fagligt-notat",
            author=who,
            when=_aware(day, rng, writer.tz),
            data={"tilstand": choice.code, "notat": text},
            subject=(choice.code, choice.group_code),
        )


def _social_history(
    writer: _Writer,
    authors: _Authors,
    *,
    citizen_id: Any,
    start: dt.date,
    today: dt.date,
    items: list[Any],
    levels: list[Any],
) -> None:
    rng = writer.rng
    tracked = rng.sample(items, k=min(len(items), rng.randint(2, 4)))
    base = rng.randint(1, 3)
    for day in _moments(rng, start, today, 150, 365):
        who = authors.pick(rng, Role.SOSU_ASSISTANT, Role.ASSESSOR)
        for choice in tracked:
            level = levels[min(len(levels) - 2, max(0, base + rng.choice([-1, 0, 0, 0, 1])))]
            writer.add(
                citizen_id=citizen_id,
                key="ffb-tilstand",
                author=who,
                when=_aware(day, rng, writer.tz),
                data={
                    "tilstand": choice.code,
                    "funktionsevneniveau": level.code,
                    "borgeren_deltog": rng.random() < 0.8,
                },
                subject=(choice.code, choice.group_code),
            )


def writer_for(municipality: Any, rng: random.Random) -> _Writer:
    content_load()
    templates = {
        t.key: t
        for t in Template.objects.filter(status="active").select_related("area").order_by("version")
    }
    versions = code_system_versions()
    terminology = {
        key: {url: versions[url]} if url in versions else {}
        for key, url in ((k, FFB if t.area.key == "ffb" else FSIII) for k, t in templates.items())
    }
    return _Writer(municipality, rng, templates, terminology, timezone.get_current_timezone())


def choices_by_name(keys: list[str]) -> dict[str, dict[str, Any]]:
    sets = value_sets_get(keys=keys)
    return {k: {c.display: c for c in v.active_choices()} for k, v in sets.items()}


def journal_demo_stream(ctx: Any, progress: Callable[[str, int, int], None] | None = None) -> int:
    """Registered with the demo generator (sammen.core.demo_streams, order 20)."""

    report = progress or ctx.progress
    writer = writer_for(ctx.municipality, ctx.rng)
    authors = _authors(ctx.municipality)
    names = choices_by_name(
        [
            "fsiii-funktionsevnetilstande",
            "fsiii-helbredstilstande",
            "fsiii-generelle-oplysninger",
            "ffb-tilstande",
            "ffb-funktionsevneniveau",
        ]
    )
    ffb_levels = list(names["ffb-funktionsevneniveau"].values())
    ffb_items = list(names["ffb-tilstande"].values())
    general = names["fsiii-generelle-oplysninger"]
    ids = {c.pk for c in ctx.citizens}
    responsible: dict[Any, tuple[str, dt.date]] = {}
    for citizen_id, area, since in (
        Responsibility.objects.filter(municipality=ctx.municipality)
        .order_by("since")
        .values_list("citizen_id", "area", "since")
    ):
        if citizen_id in ids:
            responsible[citizen_id] = (area, since)
    earliest = ctx.today - dt.timedelta(days=365 * ctx.years)
    total = len(ctx.citizens)
    for done, citizen in enumerate(ctx.citizens, 1):
        area, since = responsible.get(citizen.pk, (Area.ELDERLY_HEALTH, earliest))
        start = max(since, earliest)
        if area == Area.ELDERLY_HEALTH:
            citizen_history(
                writer,
                authors,
                citizen_id=citizen.pk,
                start=start,
                today=ctx.today,
                items=names["fsiii-funktionsevnetilstande"],
                health=names["fsiii-helbredstilstande"],
                general=dict(ctx.rng.sample(sorted(general.items()), k=3)),
            )
        elif area == Area.DISABILITY_PSYCHIATRY:
            _social_history(
                writer,
                authors,
                citizen_id=citizen.pk,
                start=start,
                today=ctx.today,
                items=ffb_items,
                levels=ffb_levels,
            )
        if done % 200 == 0 or done == total:
            report("Journal", done, total)
    writer.flush()
    return writer.written
