"""HTML forms built from a template's definition. The form only carries what was typed (and
keeps it on a failed submit); the service validates, so the UI and the API give the same
Danish messages. Repeating groups are rows of inputs named `<group>__<row>__<field>`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sammen.journal.fields import FSIII_SCALE, FSIII_SCALE_LABELS, definition_fields
from sammen.journal.models import Template
from sammen.terminology.selectors import ValueSetView

MAX_RADIO_CHOICES = 7
REASON_HELP = _("Skriv kort, hvad der var forkert. Begrundelsen kan ses af alle med adgang.")


def _choices(
    f: Mapping[str, Any], value_sets: Mapping[str, ValueSetView], keep: set[str]
) -> list[Any]:
    """Flat (code, label) pairs, or optgroups when the value set groups its codes (areas)."""
    if "options" in f:
        return [(str(o["code"]), str(o["display"])) for o in f["options"]]
    vs = value_sets.get(f["value_set"])
    if vs is None:
        return []
    groups: dict[str, list[tuple[str, str]]] = {}
    for c in vs.choices:
        if c.active or c.code in keep:
            groups.setdefault(c.group_display, []).append((c.code, c.label))
    if list(groups) == [""]:
        return groups[""]
    return list(groups.items())


def _count(choices: list[Any]) -> int:
    return sum(len(c[1]) if isinstance(c[1], list) else 1 for c in choices)


def _form_field(
    f: Mapping[str, Any], value_sets: Mapping[str, ValueSetView], keep: set[str]
) -> forms.Field:
    field = _make_field(f, value_sets, keep)
    # The label shows "*" for the template's required fields; the service enforces them.
    setattr(field, "marked_required", bool(f.get("required")))  # noqa: B010
    return field


class _ShownChoiceField(forms.ChoiceField):
    """Shows the choices but lets any value through: the service checks it against the value
    set and answers with the same Danish message as the API."""

    def valid_value(self, value: Any) -> bool:
        return True


class _ShownMultipleChoiceField(forms.MultipleChoiceField):
    def valid_value(self, value: Any) -> bool:
        return True


def _make_field(
    f: Mapping[str, Any], value_sets: Mapping[str, ValueSetView], keep: set[str]
) -> forms.Field:
    label = str(f["label"])
    if f.get("unit"):
        label = f"{label} ({f['unit']})"
    common: dict[str, Any] = {
        "label": label,
        "required": False,  # the service decides, with one set of messages
        "help_text": f.get("help", ""),
    }
    kind = f["type"]
    if kind == "code":
        choices = _choices(f, value_sets, keep)
        widget: forms.Widget = (
            forms.RadioSelect(attrs={"class": "choice-list"})
            if _count(choices) <= MAX_RADIO_CHOICES
            else forms.Select()
        )
        blank = [] if _count(choices) <= MAX_RADIO_CHOICES else [("", _("Vælg …"))]
        return _ShownChoiceField(choices=blank + choices, widget=widget, **common)
    if kind == "multi_code":
        return _ShownMultipleChoiceField(
            choices=_choices(f, value_sets, keep),
            widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
            **common,
        )
    if kind == "fsiii_scale":
        return _ShownChoiceField(
            choices=[(str(v), FSIII_SCALE_LABELS[v]) for v in FSIII_SCALE],
            widget=forms.RadioSelect(attrs={"class": "choice-list choice-list--scale"}),
            **common,
        )
    if kind == "boolean":
        return _ShownChoiceField(
            choices=[("ja", _("Ja")), ("nej", _("Nej"))],
            widget=forms.RadioSelect(attrs={"class": "choice-list choice-list--inline"}),
            **common,
        )
    if kind == "number":
        attrs = {"inputmode": "decimal"}
        return forms.CharField(widget=forms.TextInput(attrs=attrs), max_length=50, **common)
    if kind == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    # text
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=int(f.get("max_length", 10_000)) + 100,
        strip=False,
        **common,
    )


_ROW = re.compile(r"^([a-z0-9_]+)__(\d+)__([a-z0-9_]+)$")


class EntryForm(forms.Form):
    """Fields generated from the template; `rows` = how many rows each group shows."""

    def __init__(
        self,
        *args: Any,
        template: Template,
        value_sets: Mapping[str, ValueSetView],
        keep_codes: set[str] | None = None,
        hidden_fields: set[str] | None = None,
        with_reason: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        self.definition_fields = definition_fields(template.definition)
        keep = keep_codes or set()
        self.hidden_keys = hidden_fields or set()
        self.group_rows: dict[str, int] = {}
        data = self.data if self.is_bound else {}
        initial = self.initial
        for f in self.definition_fields:
            if f["type"] == "group":
                rows = self._rows(f, data, initial)
                self.group_rows[f["key"]] = rows
                for i in range(rows):
                    for sub in f["fields"]:
                        name = f"{f['key']}__{i}__{sub['key']}"
                        self.fields[name] = _form_field(sub, value_sets, keep)
                continue
            field = _form_field(f, value_sets, keep)
            if f["key"] in self.hidden_keys:
                field.widget = (
                    forms.MultipleHiddenInput()
                    if f["type"] == "multi_code"
                    else forms.HiddenInput()
                )
            self.fields[f["key"]] = field
        if with_reason:
            self.fields["reason"] = forms.CharField(
                label=_("Begrundelse for rettelsen"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                help_text=REASON_HELP,
            )

    def _rows(self, f: Mapping[str, Any], data: Any, initial: Mapping[str, Any]) -> int:
        submitted = {
            int(m.group(2))
            for name in (data.keys() if data else [])
            if (m := _ROW.match(name)) and m.group(1) == f["key"]
        }
        have = max(submitted) + 1 if submitted else len(initial.get(f["key"], []) or [])
        wanted = have + (1 if data.get(f"{f['key']}__add") else 0) if data else have + 1
        return max(wanted, int(f.get("min_items", 0)), 1)

    def sections(self) -> list[dict[str, Any]]:
        """The template's sections with their bound fields (and group rows) for the template."""
        out = []
        for section in self.template.definition["sections"]:
            items = []
            for f in section.get("fields", []):
                if f["key"] in self.hidden_keys:
                    continue
                if f["type"] == "group":
                    rows = [
                        [self[f"{f['key']}__{i}__{sub['key']}"] for sub in f["fields"]]
                        for i in range(self.group_rows[f["key"]])
                    ]
                    items.append({"group": f, "rows": rows, "errors": self.errors.get(f["key"])})
                else:
                    items.append({"field": self[f["key"]]})
            if items:
                out.append({"title": section["title"], "items": items})
        return out

    def hidden(self) -> list[forms.BoundField]:
        return [self[k] for k in self.hidden_keys if k in self.fields]

    def raw_data(self) -> dict[str, Any]:
        """What was typed, shaped like the API's data (groups as lists of rows)."""
        clean = self.cleaned_data
        out: dict[str, Any] = {}
        for f in self.definition_fields:
            if f["type"] == "group":
                rows = []
                for i in range(self.group_rows[f["key"]]):
                    rows.append(
                        {
                            sub["key"]: clean.get(f"{f['key']}__{i}__{sub['key']}")
                            for sub in f["fields"]
                        }
                    )
                out[f["key"]] = rows
            else:
                value = clean.get(f["key"])
                if value not in (None, "", []):
                    out[f["key"]] = value
        return out


def initial_from_entry(template: Template, data: Mapping[str, Any]) -> dict[str, Any]:
    """Form initial values from stored data (for a correction)."""
    initial: dict[str, Any] = {}
    for f in definition_fields(template.definition):
        value = data.get(f["key"])
        if value is None:
            continue
        if f["type"] == "group":
            initial[f["key"]] = value
            for i, row in enumerate(value):
                for sub in f["fields"]:
                    if sub["key"] in row:
                        initial[f"{f['key']}__{i}__{sub['key']}"] = _initial(sub, row[sub["key"]])
        else:
            initial[f["key"]] = _initial(f, value)
    return initial


def _initial(f: Mapping[str, Any], value: Any) -> Any:
    if f["type"] == "boolean":
        return "ja" if value else "nej"
    if f["type"] in ("fsiii_scale", "number"):
        return str(value).replace(".", ",") if f["type"] == "number" else str(value)
    return value


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Begrundelse"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Hvorfor er notatet en fejlregistrering? Notatet kan stadig læses."),
    )


class OverviewFilterForm(forms.Form):
    since = forms.DateField(
        label=_("Ændringer siden"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    area = forms.CharField(
        label=pgettext_lazy("journalfilter", "Område"), required=False, max_length=80
    )

    def clean_since(self) -> dt.date | None:
        since: dt.date | None = self.cleaned_data.get("since")
        if since is not None and since.year < 1900:
            raise forms.ValidationError(_("Vælg en dato efter år 1900."))
        return since
