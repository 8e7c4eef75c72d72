"""Typed values of observations: parsed and checked before anything is saved. A value outside
what is possible is refused; outside what is plausible it asks for confirmation; every field's
errors come back at once (ValidationFailed, Danish, 422)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from sammen.core.errors import ValidationFailed
from sammen.triage import catalogue, scoring
from sammen.triage.models import Kind, Oxygen, Site
from sammen.triage.selectors import scale_two_documented

FUTURE_SLACK = dt.timedelta(minutes=10)  # clocks on phones
_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


def number_parse(kind: str, raw: Any) -> Decimal:
    """A typed value as a Decimal, or ValidationFailed with a Danish message for the field.
    A single decimal comma is the Danish way (the phone's keypad gives it) and is accepted;
    thousands separators, several separators and letters are refused."""
    spec = catalogue.kinds()[kind]
    text = str(raw).strip().replace(" ", "")
    if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
        text = str(raw)
    if not _NUMBER.match(text):
        raise ValidationFailed(
            "Ugyldig værdi.",
            {kind: ["Skriv et tal, fx 37,5 (højst ét komma, ingen tusindtalsseparator)."]},
        )
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValidationFailed("Ugyldig værdi.", {kind: ["Skriv et tal."]}) from None
    decimals = spec.decimals or 0
    if -value.as_tuple().exponent > decimals:  # type: ignore[operator]
        shown = "hele tal" if decimals == 0 else f"højst {decimals} decimal"
        raise ValidationFailed("Ugyldig værdi.", {kind: [f"Angiv {spec.label.lower()} i {shown}."]})
    return value


def value_check(kind: str, value: Decimal, *, confirmed: bool) -> None:
    """Outside what is possible: refused. Outside what is plausible: asks for confirmation."""
    spec = catalogue.kinds()[kind]
    unit = f" {spec.unit}" if spec.unit and not spec.unit.startswith("/") else spec.unit
    if spec.possible and not spec.possible[0] <= value <= spec.possible[1]:
        low, high = spec.possible
        hint = ""
        if kind == Kind.WEIGHT and value > high:
            hint = " Angiv vægten i kg, ikke i gram."
        if kind == Kind.SPO2 and value > high:
            hint = " Iltmætningen kan ikke være over 100 %."
        raise ValidationFailed(
            "Værdien er ikke mulig.",
            {kind: [f"{spec.label} skal ligge mellem {low} og {high}{unit}.{hint}"]},
        )
    if spec.plausible and not confirmed and not spec.plausible[0] <= value <= spec.plausible[1]:
        raise ValidationFailed(
            "Usædvanlig værdi.",
            {
                kind: [
                    f"{value}{unit} er usædvanligt. Tjek målingen, og sæt flueben i "
                    "»Bekræft usædvanlige værdier«, hvis den er rigtig."
                ]
            },
        )


def measured_at_clean(value: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if value is None:
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + FUTURE_SLACK:
        raise ValidationFailed(
            "Tidspunktet ligger i fremtiden.",
            {"measured_at": ["Målingen kan ikke ligge i fremtiden."]},
        )
    if value < now - dt.timedelta(days=31):
        raise ValidationFailed(
            "Tidspunktet er for gammelt.",
            {"measured_at": ["Målinger ældre end 31 dage registreres ikke her."]},
        )
    return value


@dataclass(frozen=True)
class CleanSet:
    numbers: dict[str, Decimal]
    consciousness: str
    site: str
    oxygen: str
    spo2_scale: int


def set_clean(
    *,
    citizen_id: Any,
    values: Mapping[str, Any],
    site: str = "",
    oxygen: str = "",
    spo2_scale: int = 1,
    confirmed: bool = False,
) -> CleanSet:
    """Every field's errors at once (ValidationFailed with all of them), or the clean set."""
    errors: dict[str, list[str]] = {}
    numbers: dict[str, Decimal] = {}
    for kind, spec in catalogue.kinds().items():
        raw = values.get(kind)
        if raw is None or str(raw).strip() == "" or spec.decimals is None:
            continue
        try:
            value = number_parse(kind, raw)
            value_check(kind, value, confirmed=confirmed)
        except ValidationFailed as error:
            errors.update(error.field_errors)
            continue
        numbers[kind] = value
    consciousness = str(values.get(Kind.CONSCIOUSNESS) or "")
    if consciousness and consciousness not in scoring.rules_load().consciousness:
        errors[Kind.CONSCIOUSNESS] = ["Vælg et bevidsthedsniveau fra listen."]
    if site and site not in Site.values:
        errors["site"] = ["Vælg, hvor temperaturen er målt."]
    if oxygen and oxygen not in Oxygen.values:
        errors["oxygen"] = ["Vælg atmosfærisk luft eller ilttilskud."]
    if spo2_scale not in (1, 2):
        errors["spo2_scale"] = ["SpO2-skalaen er 1 eller 2."]
    elif spo2_scale == 2 and not scale_two_documented(citizen_id):
        errors["spo2_scale"] = [
            "Skala 2 kræver, at en sygeplejerske har dokumenteret hyperkapnisk "
            "respirationssvigt med mål 88–92 % for borgeren."
        ]
    if (
        Kind.DIASTOLIC in numbers
        and Kind.SYSTOLIC in numbers
        and numbers[Kind.DIASTOLIC] >= numbers[Kind.SYSTOLIC]
    ):
        errors[Kind.DIASTOLIC] = ["Det diastoliske tryk skal være lavere end det systoliske."]
    if not errors and not numbers and not consciousness:
        errors["__all__"] = ["Udfyld mindst én måling."]
    if errors:
        raise ValidationFailed("Målingerne er ikke gemt. Ret de markerede felter.", errors)
    return CleanSet(numbers, consciousness, site, oxygen, spo2_scale)
