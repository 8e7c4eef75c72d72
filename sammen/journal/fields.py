"""Template fields: the definition format (checked when a template is loaded) and the
validation of documented data (pure functions; the services call them before anything is
saved). Field types:

  code         one code from a value set (`value_set`) or from inline `options`
  multi_code   several codes from a value set or `options` (`min_items`, `max_items`)
  fsiii_scale  FSIII funktionsevne 0-4, plus 9 "ikke relevant"
  text         free text (`max_length`, default 10 000)
  number       a number with `unit`, `min`, `max` and `decimals` (default 0)
  date         a date (`not_future`)
  boolean      ja/nej
  group        a repeating group of `fields` (`min_items`, `max_items`)

Error keys: the field key; inside a group `<group>__<row>__<field>` (the form's input names).
Messages are Danish and user-facing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from sammen.core.errors import ValidationFailed

FIELD_TYPES = frozenset(
    {"code", "multi_code", "fsiii_scale", "text", "number", "date", "boolean", "group"}
)
CHOICE_TYPES = frozenset({"code", "multi_code"})
FSIII_SCALE = (0, 1, 2, 3, 4, 9)
FSIII_SCALE_LABELS = {
    0: "0 – ingen/ubetydelige begrænsninger",
    1: "1 – lette begrænsninger",
    2: "2 – moderate begrænsninger",
    3: "3 – svære begrænsninger",
    4: "4 – totale begrænsninger",
    9: "9 – ikke relevant",
}
TEXT_MAX_LENGTH = 10_000
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
TRUE_WORDS = frozenset({"true", "1", "ja", "on", "yes"})
FALSE_WORDS = frozenset({"false", "0", "nej", "off", "no"})


class ChoiceLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def display(self) -> str: ...
    @property
    def active(self) -> bool: ...


class ChoiceSource(Protocol):
    """What a field needs from a value set: look a code up (primary or legacy key)."""

    @property
    def title(self) -> str: ...

    def find(self, code: str) -> ChoiceLike | None: ...


class TemplateDefinitionError(ValueError):
    """A template file that does not follow the format; the message says where."""


# --- definition ----------------------------------------------------------------------------


def _check_field(f: Mapping[str, Any], where: str, value_sets: set[str], in_group: bool) -> None:
    key = f.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise TemplateDefinitionError(f"{where}: feltnøglen {key!r} er ugyldig")
    where = f"{where}.{key}"
    kind = f.get("type")
    if kind not in FIELD_TYPES:
        raise TemplateDefinitionError(f"{where}: ukendt felttype {kind!r}")
    if not f.get("label"):
        raise TemplateDefinitionError(f"{where}: mangler label")
    if kind in CHOICE_TYPES:
        if "value_set" in f:
            if f["value_set"] not in value_sets:
                raise TemplateDefinitionError(f"{where}: værdisættet {f['value_set']} findes ikke")
        elif not f.get("options"):
            raise TemplateDefinitionError(f"{where}: mangler value_set eller options")
        else:
            for option in f["options"]:
                if not option.get("code") or not option.get("display"):
                    raise TemplateDefinitionError(f"{where}: en valgmulighed mangler code/display")
    if kind == "number":
        low, high = f.get("min"), f.get("max")
        if low is not None and high is not None and Decimal(str(low)) > Decimal(str(high)):
            raise TemplateDefinitionError(f"{where}: min er større end max")
    if kind == "group":
        if in_group:
            raise TemplateDefinitionError(f"{where}: grupper kan ikke ligge i grupper")
        subfields = f.get("fields") or []
        if not subfields:
            raise TemplateDefinitionError(f"{where}: en gruppe skal have felter")
        keys = [s.get("key") for s in subfields]
        if len(keys) != len(set(keys)):
            raise TemplateDefinitionError(f"{where}: to felter har samme nøgle")
        for sub in subfields:
            _check_field(sub, where, value_sets, in_group=True)


def definition_check(
    definition: Mapping[str, Any], *, value_sets: set[str], permissions: set[str]
) -> None:
    """Raise TemplateDefinitionError unless the template is well formed."""
    where = f"{definition.get('key')} v{definition.get('version')}"
    sections = definition.get("sections")
    if not sections:
        raise TemplateDefinitionError(f"{where}: mangler sections")
    keys: list[str] = []
    for section in sections:
        if not section.get("title"):
            raise TemplateDefinitionError(f"{where}: en sektion mangler title")
        for f in section.get("fields", []):
            _check_field(f, where, value_sets, in_group=False)
            keys.append(f["key"])
    if len(keys) != len(set(keys)):
        raise TemplateDefinitionError(f"{where}: to felter har samme nøgle")
    subject = definition.get("subject")
    if subject:
        field = (
            next(f for s in sections for f in s.get("fields", []) if f["key"] == subject)
            if subject in keys
            else None
        )
        if field is None or field["type"] != "code" or not field.get("required"):
            raise TemplateDefinitionError(
                f"{where}: subject skal være et påkrævet felt af typen code"
            )
    for key in definition.get("summary", []):
        if key not in keys:
            raise TemplateDefinitionError(f"{where}: summary nævner det ukendte felt {key}")
    # Who may document is a permission (organisation.permissions), never a list of roles.
    if "roles" in definition:
        raise TemplateDefinitionError(
            f"{where}: en skabelon angiver den rettighed, den kræver (permission), ikke roller"
        )
    permission = definition.get("permission")
    if permission not in permissions:
        raise TemplateDefinitionError(f"{where}: ukendt eller manglende rettighed {permission!r}")


def definition_fields(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [dict(f) for s in definition.get("sections", []) for f in s.get("fields", [])]


def definition_value_sets(definition: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for f in definition_fields(definition):
        for sub in [f, *f.get("fields", [])]:
            if "value_set" in sub:
                found.add(sub["value_set"])
    return found


# --- data ----------------------------------------------------------------------------------


class _Options:
    """Inline options of a field, looked up like a value set."""

    def __init__(self, field: Mapping[str, Any]) -> None:
        self.title = str(field["label"])
        self._by_code = {
            str(o["code"]): _Option(str(o["code"]), str(o["display"])) for o in field["options"]
        }

    def find(self, code: str) -> ChoiceLike | None:
        return self._by_code.get(code)


class _Option:
    def __init__(self, code: str, display: str) -> None:
        self.code, self.display, self.active = code, display, True


def choice_source(field: Mapping[str, Any], value_sets: Mapping[str, ChoiceSource]) -> ChoiceSource:
    if "value_set" in field:
        return value_sets[field["value_set"]]
    return _Options(field)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _fmt(number: Decimal) -> str:
    return format(number.normalize(), "f").replace(".", ",")


class _Validator:
    def __init__(
        self,
        value_sets: Mapping[str, ChoiceSource],
        keep_codes: frozenset[str],
        today: dt.date,
    ) -> None:
        self.value_sets = value_sets
        self.keep_codes = keep_codes
        self.today = today
        self.errors: dict[str, list[str]] = {}

    def error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def code(self, f: Mapping[str, Any], value: Any, key: str) -> str | None:
        source = choice_source(f, self.value_sets)
        choice = source.find(str(value).strip())
        if choice is None:
            self.error(key, f"Værdien findes ikke i listen «{source.title}».")
            return None
        if not choice.active and choice.code not in self.keep_codes:
            self.error(
                key, f"«{choice.display}» er udgået og kan ikke bruges til ny dokumentation."
            )
            return None
        return choice.code

    def value(self, f: Mapping[str, Any], value: Any, key: str) -> Any:
        kind = f["type"]
        if kind == "code":
            return self.code(f, value, key)
        if kind == "multi_code":
            items = value if isinstance(value, list | tuple) else [value]
            codes = [self.code(f, v, key) for v in items if not _empty(v)]
            if key in self.errors:
                return None
            low, high = f.get("min_items"), f.get("max_items")
            if low is not None and len(codes) < low:
                self.error(key, f"Vælg mindst {low}.")
            if high is not None and len(codes) > high:
                self.error(key, f"Vælg højst {high}.")
            return list(dict.fromkeys(c for c in codes if c))
        if kind == "fsiii_scale":
            try:
                level = int(str(value).strip()) if not isinstance(value, bool) else -1
            except ValueError:
                level = -1
            if level not in FSIII_SCALE or (isinstance(value, float) and value != level):
                self.error(key, "Vælg et niveau fra 0 til 4, eller 9 (ikke relevant).")
                return None
            return level
        if kind == "text":
            if not isinstance(value, str):
                self.error(key, "Skriv en tekst.")
                return None
            text = value.strip()
            limit = int(f.get("max_length", TEXT_MAX_LENGTH))
            if len(text) > limit:
                self.error(key, f"Teksten er for lang (højst {limit} tegn).")
                return None
            return text
        if kind == "number":
            return self.number(f, value, key)
        if kind == "date":
            try:
                day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
            except ValueError:
                self.error(key, "Skriv en dato som åååå-mm-dd.")
                return None
            if f.get("not_future") and day > self.today:
                self.error(key, "Datoen kan ikke ligge i fremtiden.")
                return None
            return day.isoformat()
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            word = str(value).strip().lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
            self.error(key, "Vælg ja eller nej.")
            return None
        raise AssertionError(kind)  # groups are handled by the caller

    def number(self, f: Mapping[str, Any], value: Any, key: str) -> int | float | None:
        unit = f" {f['unit']}" if f.get("unit") else ""
        if isinstance(value, bool):
            number = None
        else:
            try:
                number = Decimal(str(value).strip().replace(",", "."))
            except InvalidOperation:
                number = None
        if number is None or not number.is_finite():
            self.error(key, "Skriv et tal.")
            return None
        decimals = int(f.get("decimals", 0))
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > decimals and number != number.to_integral():
            self.error(
                key, "Skriv et helt tal." if decimals == 0 else f"Højst {decimals} decimaler."
            )
            return None
        low = Decimal(str(f["min"])) if f.get("min") is not None else None
        high = Decimal(str(f["max"])) if f.get("max") is not None else None
        if (low is not None and number < low) or (high is not None and number > high):
            if low is not None and high is not None:
                message = f"Værdien skal være mellem {_fmt(low)} og {_fmt(high)}{unit}."
            elif low is not None:
                message = f"Værdien skal være mindst {_fmt(low)}{unit}."
            else:
                message = f"Værdien må højst være {_fmt(high)}{unit}."  # type: ignore[arg-type]
            self.error(key, message)
            return None
        return int(number) if decimals == 0 else float(number)

    def fields(
        self, fields: Sequence[Mapping[str, Any]], raw: Mapping[str, Any], prefix: str
    ) -> dict[str, Any]:
        clean: dict[str, Any] = {}
        for f in fields:
            key = f"{prefix}{f['key']}"
            value = raw.get(f["key"])
            if f["type"] == "group":
                clean[f["key"]] = self.group(f, value, key)
                continue
            if _empty(value):
                if f.get("required"):
                    self.error(key, "Feltet skal udfyldes.")
                continue
            cleaned = self.value(f, value, key)
            if cleaned is not None and cleaned != []:
                clean[f["key"]] = cleaned
        return clean

    def group(self, f: Mapping[str, Any], value: Any, key: str) -> list[dict[str, Any]]:
        if _empty(value):
            value = []
        if not isinstance(value, list) or not all(isinstance(r, Mapping) for r in value):
            self.error(key, "Gruppen har et ugyldigt format.")
            return []
        rows = [r for r in value if not all(_empty(v) for v in r.values())]
        low = int(f.get("min_items", 1 if f.get("required") else 0))
        high = f.get("max_items")
        if len(rows) < low:
            self.error(
                key, "Udfyld mindst én række." if low == 1 else f"Udfyld mindst {low} rækker."
            )
        if high is not None and len(rows) > int(high):
            self.error(key, f"Højst {high} rækker.")
        known = {s["key"] for s in f["fields"]}
        out = []
        for i, row in enumerate(rows):
            for unknown in set(row) - known:
                self.error(f"{key}__{i}__{unknown}", "Ukendt felt.")
            out.append(self.fields(f["fields"], row, f"{key}__{i}__"))
        return out


def data_validate(
    definition: Mapping[str, Any],
    raw: Mapping[str, Any],
    *,
    value_sets: Mapping[str, ChoiceSource],
    today: dt.date,
    keep_codes: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The clean data (codes canonical, numbers as numbers, dates ISO) or ValidationFailed.

    `keep_codes`: codes no longer offered for new documentation that a correction may keep
    because the version it corrects already used them.
    """
    validator = _Validator(value_sets, keep_codes, today)
    fields = definition_fields(definition)
    known = {f["key"] for f in fields}
    for unknown in set(raw) - known:
        validator.error(unknown, "Ukendt felt.")
    clean = validator.fields(fields, raw, "")
    if validator.errors:
        raise ValidationFailed("Ret de markerede felter.", validator.errors)
    return clean


def data_codes(definition: Mapping[str, Any], data: Mapping[str, Any]) -> set[str]:
    """Every value-set code stored in an entry's data (for keep_codes and display look-ups)."""
    codes: set[str] = set()

    def collect(fields: Sequence[Mapping[str, Any]], values: Mapping[str, Any]) -> None:
        for f in fields:
            value = values.get(f["key"])
            if value is None:
                continue
            if "options" in f:
                continue  # inline options are part of the template, not a code system
            if f["type"] == "code":
                codes.add(str(value))
            elif f["type"] == "multi_code":
                codes.update(str(v) for v in value)
            elif f["type"] == "group":
                for row in value:
                    collect(f["fields"], row)

    collect(definition_fields(definition), data)
    return codes
