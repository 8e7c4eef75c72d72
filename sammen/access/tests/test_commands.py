"""The sealer and the verifier as an operator runs them."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from conftest import World
from sammen.access.log import access_log_record
from sammen.access.models import Checkpoint
from sammen.access.tests.insider import insider
from sammen.citizens.tests.factories import citizen_create


def test_seal_then_verify_then_tamper(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    citizen = citizen_create(world.greve)
    rows = access_log_record(
        actor=world.actor(world.nurse), citizen_ids=[citizen.pk], operation="view"
    )
    call_command("access_log_seal")
    assert "Forsegling 1 skrevet" in capsys.readouterr().out
    call_command("access_log_verify", "--expect-min", "1")
    assert "passer med de signerede forseglinger" in capsys.readouterr().out
    with pytest.raises(CommandError, match="1 fejl"):
        call_command("access_log_verify", "--expect-min", "2")
    with insider() as cursor:
        cursor.execute("DELETE FROM access_accesslogentry WHERE seq = %s", [rows[0].seq])
    with pytest.raises(CommandError):
        call_command("access_log_verify")
    assert f"række {rows[0].seq}: rækken er slettet" in capsys.readouterr().err
    assert Checkpoint.objects.count() == 1
