"""The form flow's pieces that need no database: a stale version (Conflict) on a form."""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from sammen.core.errors import Conflict
from sammen.core.forms import form_add_conflict


class NoteForm(forms.Form):
    title = forms.CharField()
    text = forms.CharField()
    version = forms.IntegerField(widget=forms.HiddenInput)


def _bound(**values: str) -> NoteForm:
    data = QueryDict(mutable=True)
    data.update(values)
    form = NoteForm(data)
    assert form.is_valid()
    return form


def test_conflict_says_so_in_danish_and_keeps_what_was_typed() -> None:
    form = _bound(title="Mit", text="Det jeg skrev", version="3")
    form_add_conflict(form, Conflict())
    [message] = [str(e) for e in form.non_field_errors()]
    assert message.startswith("Oplysningerne er ændret af en anden, siden du åbnede formularen")
    assert form["text"].value() == "Det jeg skrev"
    assert form["version"].value() == "3"  # no current version given: nothing moved on


def test_conflict_details_go_beside_the_fields_and_the_version_moves_on() -> None:
    form = _bound(title="Mit", text="Det jeg skrev", version="3")
    error = Conflict(
        changes={"title": ["Gammel", "Ny titel"], "phone": ["", "2"]}, current_version=4
    )
    form_add_conflict(form, error)
    assert form.errors["title"] == ["Ændret af en anden: Gammel → Ny titel"]
    assert "text" not in form.errors
    [summary] = [str(e) for e in form.non_field_errors()]
    assert summary.endswith("Ændret: Title: Gammel → Ny titel; phone: – → 2.")
    assert form["title"].value() == "Mit"  # what the person typed, not the other change
    assert form["version"].value() == "4"


def test_a_conflict_with_its_own_message_shows_it() -> None:
    form = _bound(title="Mit", text="x", version="1")
    form_add_conflict(form, Conflict("Notatet er allerede rettet af en anden."))
    assert "Notatet er allerede rettet af en anden." in str(form.non_field_errors())
