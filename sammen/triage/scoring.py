"""TOBS and NEWS2 as pure functions, table-driven from `data/early_warning.json`.

Nothing here touches the database, the clock or Django: give it the newest reading of each
parameter and the time the score is for, and it answers a `ScoreResult`. The rules are data
(`rules_load()` reads the versioned file once); a test walks every value of every table.

Decisions (documented in the data file and the module README):

- **Gaps.** The published TOBS tables leave some values unassigned (pulse 130 and 39,
  respiration 25 and 8, temperature 40,0 and 33,9, systolic 200 and 69). A value between two
  bands scores as the *more severe* neighbour (`gap_rule`). NEWS2's tables have no gaps.
- **Temperature site.** TOBS corrects to rectal: oral +0,5 °C, axillary +1 °C; a corrected
  value under 36 or over 40 measured elsewhere than rectally asks for a rectal measurement.
  NEWS2 scores the temperature as measured.
- **SpO2 scale 2** is used only when hypercapnic respiratory failure is documented; asking for
  it otherwise raises `ScaleTwoNotDocumented` (the service turns that into a 422).
- **Freshness.** Readings older than `freshness_minutes` before the time of the score are stale.
  A set with a missing or stale parameter has no total: `total` is None and `known` is the sum
  of what was scored, shown as "mindst" (a missing parameter can only add).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).parent / "data" / "early_warning.json"

TOBS = "tobs"
NEWS2 = "news2"

GREEN, YELLOW, RED = "green", "yellow", "red"
_COLOUR_RANK = {GREEN: 0, YELLOW: 1, RED: 2}

# Parameter keys used by both scores (the observation kinds of `observations.py`).
PULSE = "pulse"
RESPIRATION = "respiration"
TEMPERATURE = "temperature"
SYSTOLIC = "systolic"
CONSCIOUSNESS = "consciousness"
SPO2 = "spo2"
OXYGEN = "oxygen"  # "air" or "oxygen"

AIR, ON_OXYGEN = "air", "oxygen"
# Danish names of the parameters, for messages about incomplete sets.
PARAMETER_LABELS = {
    PULSE: "puls",
    RESPIRATION: "respiration",
    TEMPERATURE: "temperatur",
    SYSTOLIC: "systolisk blodtryk",
    CONSCIOUSNESS: "bevidsthed",
    SPO2: "iltmætning",
    OXYGEN: "ilt eller luft",
}
RECTAL = "rectal"


class ScaleTwoNotDocumented(ValueError):
    """SpO2 scale 2 asked for a citizen without documented hypercapnic respiratory failure."""


@dataclass(frozen=True)
class Band:
    low: Decimal | None  # inclusive; None: open downwards
    high: Decimal | None  # inclusive; None: open upwards
    score: int
    published: str

    def holds(self, value: Decimal) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


def band_score(bands: tuple[Band, ...], value: Decimal) -> tuple[int, bool]:
    """(score, in_gap). A value between two published bands scores as the more severe
    neighbour (the gap rule)."""
    for band in bands:
        if band.holds(value):
            return band.score, False
    below = [b for b in bands if b.high is not None and b.high < value]
    above = [b for b in bands if b.low is not None and b.low > value]
    lower = max(below, key=lambda b: b.high or Decimal(0), default=None)
    upper = min(above, key=lambda b: b.low or Decimal(0), default=None)
    scores = [b.score for b in (lower, upper) if b is not None]
    if not scores:  # cannot happen with tables open at both ends
        raise ValueError(f"no band for {value}")
    return max(scores), True


@dataclass(frozen=True)
class Response:
    colour: str
    action: str
    low: int | None = None
    high: int | None = None
    single_three: bool = False


@dataclass(frozen=True)
class Consciousness:
    code: str  # KL code (KLToolsCodes UUID)
    label: str
    tobs: int
    acvpu: str


@dataclass(frozen=True)
class Rules:
    version: int
    freshness: dt.timedelta
    gap_rule_text: str
    sites: Mapping[str, Decimal]  # site -> correction to rectal
    site_labels: Mapping[str, str]
    rectal_below: Decimal
    rectal_above: Decimal
    rectal_text: str
    consciousness: Mapping[str, Consciousness]
    tobs_bands: Mapping[str, tuple[Band, ...]]
    tobs_parameters: tuple[str, ...]
    tobs_response: tuple[Response, ...]
    news2_bands: Mapping[str, tuple[Band, ...]]
    news2_oxygen: Mapping[str, int]
    news2_acvpu: Mapping[str, int]
    news2_parameters: tuple[str, ...]
    news2_response: tuple[Response, ...]


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _bands(rows: list[dict[str, Any]]) -> tuple[Band, ...]:
    bands = [
        Band(_dec(r["low"]), _dec(r["high"]), int(r["score"]), str(r["published"])) for r in rows
    ]
    return tuple(sorted(bands, key=lambda b: (b.low is not None, b.low or Decimal(0))))


def _responses(rows: list[dict[str, Any]]) -> tuple[Response, ...]:
    return tuple(
        Response(
            colour=r["colour"],
            action=r["action"],
            low=r.get("min"),
            high=r.get("max"),
            single_three=bool(r.get("single_three")),
        )
        for r in rows
    )


def rules_parse(data: Mapping[str, Any]) -> Rules:
    tobs, news2 = data["tobs"], data["news2"]
    sites = data["temperature_sites"]
    rectal = data["temperature_rectal_outside"]
    n2 = news2["bands"]
    return Rules(
        version=int(data["version"]),
        freshness=dt.timedelta(minutes=int(data["freshness_minutes"])),
        gap_rule_text=str(data["gap_rule"]["text"]),
        sites={k: Decimal(v["correction"]) for k, v in sites.items()},
        site_labels={k: str(v["label"]) for k, v in sites.items()},
        rectal_below=Decimal(rectal["below"]),
        rectal_above=Decimal(rectal["above"]),
        rectal_text=str(rectal["text"]),
        consciousness={
            c["code"]: Consciousness(c["code"], c["label"], int(c["tobs"]), c["acvpu"])
            for c in data["consciousness"]
        },
        tobs_bands={k: _bands(v) for k, v in tobs["bands"].items()},
        tobs_parameters=tuple(tobs["parameters"]),
        tobs_response=_responses(tobs["response"]),
        news2_bands={k: _bands(v) for k, v in n2.items() if k not in {"oxygen", "consciousness"}},
        news2_oxygen={k: int(v) for k, v in n2["oxygen"].items()},
        news2_acvpu={k: int(v) for k, v in n2["consciousness"].items()},
        news2_parameters=tuple(news2["parameters"]),
        news2_response=_responses(news2["response"]),
    )


@cache
def rules_load(path: Path = DATA_FILE) -> Rules:
    """The rules from the versioned data file (read once per process)."""
    return rules_parse(json.loads(path.read_text(encoding="utf-8")))


# --- input and output ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """The newest value of one parameter: a number (Decimal), or a code (consciousness: the
    KL code; oxygen: "air"/"oxygen"). `site` for temperature."""

    value: Decimal | str
    at: dt.datetime
    site: str = ""


@dataclass(frozen=True)
class ParameterScore:
    parameter: str
    value: Decimal | str  # as measured
    scored_value: Decimal | str  # after the site correction (TOBS temperature), or ACVPU
    score: int
    gap: bool  # the value fell in a gap of the published table (gap rule applied)
    at: dt.datetime


@dataclass(frozen=True)
class ScoreResult:
    system: str  # TOBS or NEWS2
    rules_version: int
    total: int | None  # only for a complete, fresh set
    known: int  # the sum of the parameters that were scored ("mindst" when incomplete)
    parameters: tuple[ParameterScore, ...]
    missing: tuple[str, ...]
    stale: tuple[str, ...]
    single_three: bool
    colour: str | None  # the suggested colour; for an incomplete set only what `known` proves
    action: str
    notes: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.total is not None


def _response(responses: tuple[Response, ...], total: int, single_three: bool) -> Response:
    """The most severe response that applies."""
    applies = [
        r
        for r in responses
        if (r.single_three and single_three)
        or (r.low is not None and r.high is not None and r.low <= total <= r.high)
    ]
    # Most severe first by colour, then by the band's lower bound (a single 3 ranks below the
    # 5-6 and >= 7 bands, above 1-4).
    return max(applies, key=lambda r: (_COLOUR_RANK[r.colour], r.low or 0))


def _finish(
    system: str,
    rules: Rules,
    responses: tuple[Response, ...],
    scored: list[ParameterScore],
    missing: list[str],
    stale: list[str],
    notes: list[str],
) -> ScoreResult:
    known = sum(p.score for p in scored)
    single_three = any(p.score == 3 for p in scored)
    complete = not missing and not stale
    response = _response(responses, known, single_three)
    colour: str | None = response.colour
    action = response.action
    if not complete:
        # The known part is a lower bound: it proves yellow or red, never green.
        if colour == GREEN:
            colour = None
        absent = ", ".join(PARAMETER_LABELS.get(p, p) for p in [*missing, *stale])
        lead = f"Ufuldstændigt sæt (mangler eller for gammelt: {absent}). Mål de manglende værdier."
        action = f"{lead} {action}" if colour else lead
    return ScoreResult(
        system=system,
        rules_version=rules.version,
        total=known if complete else None,
        known=known,
        parameters=tuple(scored),
        missing=tuple(missing),
        stale=tuple(stale),
        single_three=single_three,
        colour=colour,
        action=action,
        notes=tuple(notes),
    )


def _fresh(reading: Reading | None, at: dt.datetime, rules: Rules) -> bool | None:
    """None when absent, False when older than the freshness window before `at`."""
    if reading is None:
        return None
    return at - reading.at <= rules.freshness


def _number(reading: Reading) -> Decimal:
    if isinstance(reading.value, Decimal):
        return reading.value
    return Decimal(str(reading.value))


def temperature_corrected(value: Decimal, site: str, rules: Rules) -> Decimal:
    """The temperature corrected to rectal (TOBS): oral +0,5, axillary +1,0."""
    return value + rules.sites.get(site or RECTAL, Decimal(0))


def tobs_score(
    readings: Mapping[str, Reading], *, at: dt.datetime, rules: Rules | None = None
) -> ScoreResult:
    """TOBS (0–15) from the newest reading of each parameter, as of `at`."""
    rules = rules or rules_load()
    scored: list[ParameterScore] = []
    missing: list[str] = []
    stale: list[str] = []
    notes: list[str] = []
    for parameter in rules.tobs_parameters:
        reading = readings.get(parameter)
        fresh = _fresh(reading, at, rules)
        if reading is None or fresh is None:
            missing.append(parameter)
            continue
        if not fresh:
            stale.append(parameter)
            continue
        if parameter == CONSCIOUSNESS:
            level = rules.consciousness.get(str(reading.value))
            if level is None:
                raise ValueError("unknown consciousness code")
            scored.append(
                ParameterScore(parameter, reading.value, level.label, level.tobs, False, reading.at)
            )
            continue
        value = _number(reading)
        shown = value
        if parameter == TEMPERATURE:
            if reading.site and reading.site not in rules.sites:
                raise ValueError("unknown measurement site")
            shown = temperature_corrected(value, reading.site, rules)
            if (reading.site or RECTAL) != RECTAL and not (
                rules.rectal_below <= shown <= rules.rectal_above
            ):
                notes.append(rules.rectal_text)
        score, gap = band_score(rules.tobs_bands[parameter], shown)
        scored.append(ParameterScore(parameter, value, shown, score, gap, reading.at))
    return _finish(TOBS, rules, rules.tobs_response, scored, missing, stale, notes)


def news2_score(
    readings: Mapping[str, Reading],
    *,
    at: dt.datetime,
    spo2_scale: int = 1,
    scale_two_documented: bool = False,
    rules: Rules | None = None,
) -> ScoreResult:
    """NEWS2 (0–20). Scale 2 only with documented hypercapnic respiratory failure."""
    rules = rules or rules_load()
    if spo2_scale not in (1, 2):
        raise ValueError("SpO2 scale is 1 or 2")
    if spo2_scale == 2 and not scale_two_documented:
        raise ScaleTwoNotDocumented(
            "SpO2-skala 2 kræver dokumenteret hyperkapnisk respirationssvigt."
        )
    scored: list[ParameterScore] = []
    missing: list[str] = []
    stale: list[str] = []
    oxygen = readings.get(OXYGEN)
    for parameter in rules.news2_parameters:
        reading = readings.get(parameter)
        fresh = _fresh(reading, at, rules)
        if reading is None or fresh is None:
            missing.append(parameter)
            continue
        if not fresh:
            stale.append(parameter)
            continue
        if parameter == CONSCIOUSNESS:
            level = rules.consciousness.get(str(reading.value))
            if level is None:
                raise ValueError("unknown consciousness code")
            score = rules.news2_acvpu[level.acvpu]
            scored.append(
                ParameterScore(parameter, reading.value, level.acvpu, score, False, reading.at)
            )
            continue
        if parameter == OXYGEN:
            if reading.value not in rules.news2_oxygen:
                raise ValueError("oxygen is 'air' or 'oxygen'")
            score = rules.news2_oxygen[str(reading.value)]
            scored.append(
                ParameterScore(parameter, reading.value, reading.value, score, False, reading.at)
            )
            continue
        value = _number(reading)
        if parameter == SPO2:
            if spo2_scale == 1:
                table = "spo2_scale_1"
            elif oxygen is None or not _fresh(oxygen, at, rules):
                # Scale 2 depends on air or oxygen; without it the SpO2 cannot be scored.
                missing.append(parameter)
                continue
            else:
                table = "spo2_scale_2_oxygen" if oxygen.value == ON_OXYGEN else "spo2_scale_2_air"
        else:
            table = parameter
        score, gap = band_score(rules.news2_bands[table], value)
        scored.append(ParameterScore(parameter, value, value, score, gap, reading.at))
    return _finish(NEWS2, rules, rules.news2_response, scored, missing, stale, [])


def score_label(result: ScoreResult) -> str:
    """ "TOBS 3", or "TOBS mindst 2 (ufuldstændigt sæt)" for an incomplete set."""
    name = "TOBS" if result.system == TOBS else "NEWS2"
    if result.total is not None:
        return f"{name} {result.total}"
    return f"{name} mindst {result.known} (ufuldstændigt sæt)"


def colour_worst(*colours: str | None) -> str | None:
    """The most severe of the suggested colours (None: nothing suggested)."""
    known = [c for c in colours if c]
    return max(known, key=lambda c: _COLOUR_RANK[c], default=None)


def colour_rank(colour: str) -> int:
    return _COLOUR_RANK[colour]
