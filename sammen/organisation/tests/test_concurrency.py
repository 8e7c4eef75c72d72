"""Lost updates on the administration pages (T22): two administrators edit the same unit or
staff member from one version; the second save is a 409 that keeps what was typed."""

from __future__ import annotations

from conftest import World
from sammen.organisation.models import OrgUnit, StaffMember
from sammen.organisation.tests import factories as f


def test_a_stale_unit_edit_is_refused_and_keeps_the_typed_input(world: World) -> None:
    admin = f.logged_in_client(world.administrator)
    url = f"/administration/enheder/{world.training_team.pk}/"
    seen = OrgUnit.objects.get(pk=world.training_team.pk).version
    form = {
        "kind": world.training_team.kind,
        "area": world.training_team.area,
        "parent": str(world.training_team.parent_id),
        "is_active": "on",
        "version": str(seen),
    }
    first = admin.post(url, form | {"name": "Træning Syd"})
    assert first.status_code == 302
    second = admin.post(url, form | {"name": "Træning og Rehabilitering"})
    assert second.status_code == 409
    assert "Træning og Rehabilitering" in second.content.decode()  # what was typed is kept
    unit = OrgUnit.objects.get(pk=world.training_team.pk)
    assert unit.name == "Træning Syd"
    assert unit.version == seen + 1


def test_a_stale_staff_edit_is_refused(world: World) -> None:
    admin = f.logged_in_client(world.administrator)
    url = f"/administration/medarbejdere/{world.therapist.pk}/"
    seen = StaffMember.objects.get(pk=world.therapist.pk).version
    form = {
        "last_name": "Kristensen",
        "profession": world.therapist.profession,
        "email": "",
        "version": str(seen),
    }
    assert admin.post(url, form | {"first_name": "Jonas"}).status_code == 302
    stale = admin.post(url, form | {"first_name": "Jonatan"})
    assert stale.status_code == 409
    assert StaffMember.objects.get(pk=world.therapist.pk).first_name == "Jonas"
