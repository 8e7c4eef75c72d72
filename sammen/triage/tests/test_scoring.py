"""TOBS and NEWS2: every band and every gap of the published tables, the site corrections,
SpO2 scale 2, freshness, and incomplete sets. Pure functions: no database."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sammen.triage import scoring as s

RULES = s.rules_load()
AT = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
SHARED = Path("/work/shared/terminology/tobs_news2.json")

HABITUEL = "fc025609-8d3c-4d36-aa44-19fe839d548f"
AGITERET = "4d5eeb61-a9b4-40cc-af45-4e8e2caa6db0"
TILTALE = "916b3530-23e2-4c11-8973-52a90bc9ec31"
SMERTE = "0000e850-a51d-4867-a901-dd4c6a2a46a1"
INGEN = "55da9922-c22b-4bd2-b842-e200048bfb20"

# Every band of the published tables: (parameter, low, high, score), with None for open ends.
TOBS_BANDS: dict[str, list[tuple[Any, Any, int]]] = {
    "pulse": [(131, None, 3), (110, 129, 2), (90, 109, 1), (50, 89, 0), (40, 49, 1), (None, 38, 2)],
    "respiration": [(26, None, 3), (21, 24, 2), (12, 20, 0), (9, 11, 1), (None, 7, 3)],
    "temperature": [
        ("40.1", None, 3),
        ("39.0", "39.9", 2),
        ("38.0", "38.9", 1),
        ("36.0", "37.9", 0),
        ("34.0", "35.9", 2),
        (None, "33.8", 3),
    ],
    "systolic": [(201, None, 2), (100, 199, 0), (80, 99, 1), (70, 79, 2), (None, 68, 3)],
}
# The gaps of the published TOBS table (values at the parameter's resolution that no band
# holds) and what the gap rule (more severe neighbour) makes of them. Pulse 130 is a gap the
# shared terminology file does not list; the others are listed there (DOMAIN.md §3.1).
TOBS_GAPS = {
    "pulse": {Decimal(130): 3, Decimal(39): 2},
    "respiration": {Decimal(25): 3, Decimal(8): 3},
    "temperature": {Decimal("40.0"): 3, Decimal("33.9"): 3},
    "systolic": {Decimal(200): 2, Decimal(69): 3},
}
NEWS2_BANDS: dict[str, list[tuple[Any, Any, int]]] = {
    "respiration": [(None, 8, 3), (9, 11, 1), (12, 20, 0), (21, 24, 2), (25, None, 3)],
    "spo2_scale_1": [(None, 91, 3), (92, 93, 2), (94, 95, 1), (96, None, 0)],
    "spo2_scale_2_air": [(None, 83, 3), (84, 85, 2), (86, 87, 1), (88, None, 0)],
    "spo2_scale_2_oxygen": [
        (None, 83, 3),
        (84, 85, 2),
        (86, 87, 1),
        (88, 92, 0),
        (93, 94, 1),
        (95, 96, 2),
        (97, None, 3),
    ],
    "systolic": [(None, 90, 3), (91, 100, 2), (101, 110, 1), (111, 219, 0), (220, None, 3)],
    "pulse": [(None, 40, 3), (41, 50, 1), (51, 90, 0), (91, 110, 1), (111, 130, 2), (131, None, 3)],
    "temperature": [
        (None, "35.0", 3),
        ("35.1", "36.0", 1),
        ("36.1", "38.0", 0),
        ("38.1", "39.0", 1),
        ("39.1", None, 2),
    ],
}
RANGE: dict[
    str, tuple[Any, Any, Decimal]
] = {  # plausible span walked value by value, and the resolution
    "pulse": (20, 250, Decimal(1)),
    "respiration": (2, 60, Decimal(1)),
    "temperature": (Decimal("30.0"), Decimal("43.0"), Decimal("0.1")),
    "systolic": (40, 280, Decimal(1)),
    "spo2_scale_1": (50, 100, Decimal(1)),
    "spo2_scale_2_air": (50, 100, Decimal(1)),
    "spo2_scale_2_oxygen": (50, 100, Decimal(1)),
}


def _walk(table: str) -> list[Decimal]:
    low, high, step = RANGE[table]
    value, values = Decimal(low), []
    while value <= Decimal(high):
        values.append(value)
        value += step
    return values


def _expected(bands: list[tuple[object, object, int]], value: Decimal) -> int | None:
    for low, high, score in bands:
        if (low is None or value >= Decimal(str(low))) and (
            high is None or value <= Decimal(str(high))
        ):
            return score
    return None


@pytest.mark.parametrize("parameter", sorted(TOBS_BANDS))
def test_tobs_every_value_is_in_its_band_or_a_documented_gap(parameter: str) -> None:
    bands = RULES.tobs_bands[parameter]
    gaps: dict[Decimal, int] = {}
    for value in _walk(parameter):
        score, in_gap = s.band_score(bands, value)
        expected = _expected(TOBS_BANDS[parameter], value)
        if expected is None:
            assert in_gap
            gaps[value] = score
        else:
            assert (score, in_gap) == (expected, False), value
    assert gaps == TOBS_GAPS[parameter]


@pytest.mark.parametrize(
    ("parameter", "low", "high", "score"),
    [(p, lo, hi, sc) for p, rows in TOBS_BANDS.items() for lo, hi, sc in rows],
)
def test_tobs_band_edges(parameter: str, low: object, high: object, score: int) -> None:
    bands = RULES.tobs_bands[parameter]
    for edge in (low, high):
        if edge is not None:
            assert s.band_score(bands, Decimal(str(edge))) == (score, False)


@pytest.mark.parametrize("table", sorted(NEWS2_BANDS))
def test_news2_every_value_is_in_exactly_its_band_and_there_are_no_gaps(table: str) -> None:
    bands = RULES.news2_bands[table]
    walk = _walk(table)
    for value in walk:
        assert s.band_score(bands, value) == (_expected(NEWS2_BANDS[table], value), False)


def test_news2_edges_of_every_band() -> None:
    for table, rows in NEWS2_BANDS.items():
        for low, high, score in rows:
            for edge in (low, high):
                if edge is not None:
                    assert s.band_score(RULES.news2_bands[table], Decimal(str(edge)))[0] == score


def test_the_data_file_is_a_faithful_copy_of_the_shared_tables() -> None:
    """The published text of every band equals the shared terminology file's (which cites the
    sources); the bounds beside it are ours."""
    if not SHARED.exists():
        pytest.skip("the shared terminology file is not on this machine")
    shared = json.loads(SHARED.read_text(encoding="utf-8"))
    ours = json.loads(s.DATA_FILE.read_text(encoding="utf-8"))
    names = {
        "pulse": "puls_per_min",
        "respiration": "respiration_per_min",
        "temperature": "temperatur_celsius",
        "systolic": "systolisk_bt_mmHg",
    }
    for ours_key, shared_key in names.items():
        published = [
            (b["published"].replace(",", "."), b["score"]) for b in ours["tobs"]["bands"][ours_key]
        ]
        source = [(b["range"], b["score"]) for b in shared["tobs"]["parameters"][shared_key]]
        assert published == source
    for row in shared["tobs"]["parameters"]["bevidsthed"]:
        level = RULES.consciousness[row["kl_uuid"]]
        assert (level.label, level.tobs) == (row["value"], row["score"])
    n2 = shared["news2"]["parameters"]
    for ours_key, shared_key in [
        ("respiration", "respiration_rate"),
        ("spo2_scale_1", "spo2_scale_1"),
        ("systolic", "systolic_bp"),
        ("pulse", "pulse"),
        ("temperature", "temperature_celsius"),
    ]:
        published = [(b["published"], b["score"]) for b in ours["news2"]["bands"][ours_key]]
        assert published == [(b["range"], b["score"]) for b in n2[shared_key]]


# --- whole sets --------------------------------------------------------------------------


def _r(value: object, minutes_ago: int = 5, site: str = "") -> s.Reading:
    v = (
        value
        if isinstance(value, str) and not value.replace(".", "").isdigit()
        else Decimal(str(value))
    )
    return s.Reading(value=v, at=AT - dt.timedelta(minutes=minutes_ago), site=site)


def _tobs_set(**over: s.Reading) -> dict[str, s.Reading]:
    base = {
        "pulse": _r(72),
        "respiration": _r(16),
        "temperature": _r("37.0"),
        "systolic": _r(130),
        "consciousness": _r(HABITUEL),
    }
    return {**base, **over}


def test_a_normal_set_is_tobs_0_green() -> None:
    result = s.tobs_score(_tobs_set(), at=AT)
    assert (result.total, result.colour, result.complete) == (0, "green", True)
    assert result.action == "Gentag score efter skøn."


def test_tobs_response_follows_the_total() -> None:
    one = s.tobs_score(_tobs_set(pulse=_r(95)), at=AT)
    assert (one.total, one.colour) == (1, "yellow")
    assert one.action.startswith("Undersøg urin")
    two = s.tobs_score(_tobs_set(pulse=_r(115)), at=AT)
    assert (two.total, two.colour) == (2, "yellow")
    assert "kontakt sygeplejersken" in two.action
    red = s.tobs_score(_tobs_set(pulse=_r(115), consciousness=_r(AGITERET)), at=AT)
    assert (red.total, red.colour) == (3, "red")


@pytest.mark.parametrize(
    ("code", "score"), [(HABITUEL, 0), (AGITERET, 1), (TILTALE, 1), (SMERTE, 2), (INGEN, 3)]
)
def test_tobs_consciousness_by_kl_code(code: str, score: int) -> None:
    assert s.tobs_score(_tobs_set(consciousness=_r(code)), at=AT).total == score


@pytest.mark.parametrize(
    ("measured", "site", "corrected", "score"),
    [
        ("37.5", "oral", "38.0", 1),  # oral +0,5
        ("37.4", "oral", "37.9", 0),
        ("37.0", "axillary", "38.0", 1),  # axillary +1
        ("36.9", "axillary", "37.9", 0),
        ("38.0", "rectal", "38.0", 1),
        ("38.0", "", "38.0", 1),  # no site: rectal, the primary way
        ("39.0", "axillary", "40.0", 3),  # gap 40,0: the more severe neighbour
    ],
)
def test_temperature_site_correction_applies_to_tobs(
    measured: str, site: str, corrected: str, score: int
) -> None:
    result = s.tobs_score(_tobs_set(temperature=_r(measured, site=site)), at=AT)
    temp = next(p for p in result.parameters if p.parameter == "temperature")
    assert (temp.value, temp.scored_value, temp.score) == (
        Decimal(measured),
        Decimal(corrected),
        score,
    )


def test_outside_36_to_40_measured_elsewhere_asks_for_rectal() -> None:
    low = s.tobs_score(_tobs_set(temperature=_r("34.8", site="axillary")), at=AT)
    assert low.notes == (RULES.rectal_text,)
    high = s.tobs_score(_tobs_set(temperature=_r("39.8", site="oral")), at=AT)
    assert high.notes == (RULES.rectal_text,)
    rectal = s.tobs_score(_tobs_set(temperature=_r("35.0", site="rectal")), at=AT)
    assert rectal.notes == ()


def test_news2_scores_temperature_as_measured() -> None:
    result = s.news2_score(_news2_set(temperature=_r("37.5", site="oral")), at=AT)
    temp = next(p for p in result.parameters if p.parameter == "temperature")
    assert (temp.scored_value, temp.score) == (Decimal("37.5"), 0)


def test_missing_parameter_gives_no_total_only_a_lower_bound() -> None:
    readings = _tobs_set(pulse=_r(115), consciousness=_r(AGITERET))
    del readings["respiration"]
    result = s.tobs_score(readings, at=AT)
    assert result.total is None
    assert not result.complete
    assert (result.known, result.missing, result.colour) == (3, ("respiration",), "red")
    assert result.action.startswith("Ufuldstændigt sæt")


def test_incomplete_normal_values_suggest_no_colour() -> None:
    readings = _tobs_set()
    del readings["systolic"]
    result = s.tobs_score(readings, at=AT)
    assert (result.total, result.known, result.colour) == (None, 0, None)


def test_stale_values_do_not_count() -> None:
    window = int(RULES.freshness.total_seconds() // 60)
    fresh = s.tobs_score(_tobs_set(pulse=_r(72, minutes_ago=window)), at=AT)
    assert fresh.total == 0
    stale = s.tobs_score(_tobs_set(pulse=_r(72, minutes_ago=window + 1)), at=AT)
    assert (stale.total, stale.stale, stale.known) == (None, ("pulse",), 0)


# --- NEWS2 --------------------------------------------------------------------------------


def _news2_set(**over: s.Reading) -> dict[str, s.Reading]:
    base = {
        "respiration": _r(16),
        "spo2": _r(97),
        "oxygen": _r("air"),
        "systolic": _r(130),
        "pulse": _r(72),
        "consciousness": _r(HABITUEL),
        "temperature": _r("37.0"),
    }
    return {**base, **over}


def test_news2_normal_is_0() -> None:
    result = s.news2_score(_news2_set(), at=AT)
    assert (result.total, result.colour) == (0, "green")


def test_news2_risk_bands() -> None:
    low = s.news2_score(_news2_set(pulse=_r(95), respiration=_r(22)), at=AT)
    assert (low.total, low.colour, low.single_three) == (3, "yellow", False)
    single = s.news2_score(_news2_set(pulse=_r(135)), at=AT)
    assert (single.total, single.single_three, single.colour) == (3, True, "red")
    assert single.action.startswith("Én parameter scorer 3")
    medium = s.news2_score(_news2_set(pulse=_r(115), respiration=_r(22), spo2=_r(95)), at=AT)
    assert (medium.total, medium.colour) == (5, "red")
    assert medium.action.startswith("Mellem risiko")
    high = s.news2_score(
        _news2_set(pulse=_r(115), respiration=_r(22), spo2=_r(93), oxygen=_r("oxygen")), at=AT
    )
    assert high.total == 8
    assert high.action.startswith("Høj risiko")
    high_with_a_three = s.news2_score(
        _news2_set(pulse=_r(135), respiration=_r(22), spo2=_r(95), consciousness=_r(AGITERET)),
        at=AT,
    )
    assert (high_with_a_three.total, high_with_a_three.single_three) == (9, True)
    assert high_with_a_three.action.startswith("Høj risiko")


@pytest.mark.parametrize(
    ("code", "score"), [(HABITUEL, 0), (AGITERET, 3), (TILTALE, 3), (SMERTE, 3), (INGEN, 3)]
)
def test_news2_consciousness_acvpu_from_kl_codes(code: str, score: int) -> None:
    assert s.news2_score(_news2_set(consciousness=_r(code)), at=AT).total == score


def test_scale_two_needs_documented_hypercapnic_failure() -> None:
    with pytest.raises(s.ScaleTwoNotDocumented):
        s.news2_score(_news2_set(spo2=_r(89)), at=AT, spo2_scale=2)
    on_air = s.news2_score(_news2_set(spo2=_r(89)), at=AT, spo2_scale=2, scale_two_documented=True)
    assert on_air.total == 0
    scale_one = s.news2_score(_news2_set(spo2=_r(89)), at=AT)
    assert scale_one.total == 3


@pytest.mark.parametrize(
    ("spo2", "oxygen", "expected"),
    [
        (93, "air", 0),
        (99, "air", 0),
        (93, "oxygen", 1 + 2),
        (96, "oxygen", 2 + 2),
        (97, "oxygen", 3 + 2),
        (88, "oxygen", 0 + 2),
        (83, "air", 3),
    ],
)
def test_scale_two_on_air_and_on_oxygen(spo2: int, oxygen: str, expected: int) -> None:
    result = s.news2_score(
        _news2_set(spo2=_r(spo2), oxygen=_r(oxygen)),
        at=AT,
        spo2_scale=2,
        scale_two_documented=True,
    )
    assert result.total == expected


def test_scale_two_without_air_or_oxygen_cannot_score_spo2() -> None:
    readings = _news2_set(spo2=_r(90))
    del readings["oxygen"]
    result = s.news2_score(readings, at=AT, spo2_scale=2, scale_two_documented=True)
    assert result.total is None
    assert set(result.missing) == {"oxygen", "spo2"}


# --- properties ---------------------------------------------------------------------------

_pulse = st.integers(min_value=20, max_value=250)
_resp = st.integers(min_value=2, max_value=60)
_temp = st.decimals(min_value=Decimal("30.0"), max_value=Decimal("43.0"), places=1)
_sys = st.integers(min_value=40, max_value=280)
_cons = st.sampled_from([HABITUEL, AGITERET, TILTALE, SMERTE, INGEN])
_site = st.sampled_from(["", "rectal", "oral", "axillary"])


@given(_pulse, _resp, _temp, _sys, _cons, _site)
def test_tobs_total_is_the_sum_within_0_to_15(
    pulse: int, resp: int, temp: Decimal, sys: int, cons: str, site: str
) -> None:
    result = s.tobs_score(
        _tobs_set(
            pulse=_r(pulse),
            respiration=_r(resp),
            temperature=_r(temp, site=site),
            systolic=_r(sys),
            consciousness=_r(cons),
        ),
        at=AT,
    )
    assert result.total is not None
    assert 0 <= result.total <= 15
    assert result.total == sum(p.score for p in result.parameters)
    if result.total >= 3:
        assert result.colour == "red"
    elif result.total == 0:
        assert result.colour == "green"


@given(_pulse, _resp, _temp, _sys, _cons, st.sets(st.sampled_from(sorted(RULES.tobs_parameters))))
def test_a_missing_parameter_never_raises_the_known_part(
    pulse: int, resp: int, temp: Decimal, sys: int, cons: str, dropped: set[str]
) -> None:
    full = _tobs_set(
        pulse=_r(pulse),
        respiration=_r(resp),
        temperature=_r(temp),
        systolic=_r(sys),
        consciousness=_r(cons),
    )
    whole = s.tobs_score(full, at=AT)
    part = s.tobs_score({k: v for k, v in full.items() if k not in dropped}, at=AT)
    assert part.known <= (whole.total or 0)
    assert (part.total is None) == bool(dropped)
    if part.colour is not None:  # what a partial set proves holds for the whole set too
        assert s.colour_rank(part.colour) <= s.colour_rank(whole.colour or "green")


@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("300"), places=2))
def test_gap_rule_never_scores_below_either_neighbour(value: Decimal) -> None:
    for bands in RULES.tobs_bands.values():
        score, in_gap = s.band_score(bands, value)
        if in_gap:
            below = max(
                (b for b in bands if b.high is not None and b.high < value),
                key=lambda b: b.high or 0,
            )
            above = min(
                (b for b in bands if b.low is not None and b.low > value), key=lambda b: b.low or 0
            )
            assert score == max(below.score, above.score)


@given(
    _pulse,
    _resp,
    _temp,
    _sys,
    _cons,
    st.integers(min_value=50, max_value=100),
    st.sampled_from(["air", "oxygen"]),
    st.booleans(),
)
def test_news2_total_within_0_to_20(
    pulse: int, resp: int, temp: Decimal, sys: int, cons: str, spo2: int, oxygen: str, two: bool
) -> None:
    result = s.news2_score(
        _news2_set(
            pulse=_r(pulse),
            respiration=_r(resp),
            temperature=_r(temp),
            systolic=_r(sys),
            consciousness=_r(cons),
            spo2=_r(spo2),
            oxygen=_r(oxygen),
        ),
        at=AT,
        spo2_scale=2 if two else 1,
        scale_two_documented=two,
    )
    assert result.total is not None
    assert 0 <= result.total <= 20
    assert result.total == sum(p.score for p in result.parameters)
    assert result.single_three == any(p.score == 3 for p in result.parameters)
