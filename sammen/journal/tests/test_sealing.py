"""Journal entries are sealed with the access log: a rewritten note is found by
`access_log_verify` even after an insider silenced the append-only triggers (T10)."""

from __future__ import annotations

import json

from conftest import World
from sammen.access.sealing import access_log_seal, access_log_verify
from sammen.access.tests.insider import insider
from sammen.citizens.models import Citizen
from sammen.journal.tests.factories import PERSONLIG_PLEJE, note


def test_a_rewritten_note_is_named(world: World, citizen: Citizen) -> None:
    actor = world.actor(world.nurse)
    first = note(actor, citizen, PERSONLIG_PLEJE, "Else klarer sig godt i dag.")
    second = note(actor, citizen, PERSONLIG_PLEJE, "Else var træt om morgenen.")
    checkpoint = access_log_seal()
    assert checkpoint is not None
    assert json.loads(checkpoint.statement)["streams"]["journal"]["count"] == 2
    assert list(access_log_verify()) == []
    with insider() as cursor:
        cursor.execute(
            "UPDATE journal_entry SET data = %s WHERE id = %s",
            [
                json.dumps({"tilstand": PERSONLIG_PLEJE, "notat": "Else har det fint."}),
                second.pk.hex,
            ],
        )
    problems = [str(p) for p in access_log_verify()]
    assert problems == [f"journal: forsegling 1, række {second.pk}: rækken er ændret"]
    assert str(first.pk) not in "\n".join(problems)


def test_a_deleted_note_is_named(world: World, citizen: Citizen) -> None:
    entry = note(world.actor(world.nurse), citizen, PERSONLIG_PLEJE, "Else faldt i badet.")
    access_log_seal()
    with insider() as cursor:
        cursor.execute("DELETE FROM journal_entry WHERE id = %s", [entry.pk.hex])
    problems = [str(p) for p in access_log_verify()]
    assert problems == [f"journal: forsegling 1, række {entry.pk}: rækken er slettet"]
