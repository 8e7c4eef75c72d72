"""The municipality's own administration pages: units, staff, memberships."""

from __future__ import annotations

import pytest

from conftest import World
from sammen.core.errors import Forbidden, NotFound, ValidationFailed
from sammen.core.tests.helpers import stable_body
from sammen.organisation import services
from sammen.organisation.models import (
    Membership,
    MembershipRequest,
    OrgUnit,
    Role,
    StaffMember,
    UnitKind,
)
from sammen.organisation.tests import factories as f


def test_admin_sees_own_municipality_only(world: World) -> None:
    page = f.logged_in_client(world.administrator).get("/administration/")
    assert page.status_code == 200
    assert "Team Nord A" in page.text
    assert "Hjemmesygeplejen" not in page.text  # Solrød's unit


@pytest.mark.parametrize("who", ["nurse", "sosu_helper", "leader", "director", "politician"])
def test_non_admins_are_refused(world: World, who: str) -> None:
    response = f.logged_in_client(getattr(world, who)).get("/administration/")
    assert response.status_code == 403
    assert "Din aktive rolle giver ikke adgang" in response.text


def test_create_unit(world: World) -> None:
    client = f.logged_in_client(world.administrator)
    response = client.post(
        "/administration/enheder/ny/",
        {
            "name": "Team Nord B",
            "kind": UnitKind.TEAM,
            "area": "aeldre_sundhed",
            "parent": world.district.pk,
        },
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.get(name="Team Nord B")
    assert unit.municipality == world.greve
    assert unit.parent == world.district


def test_bad_unit_input_gives_danish_message_and_htmx_422_partial(world: World) -> None:
    client = f.logged_in_client(world.administrator)
    before = OrgUnit.objects.count()
    response = client.post(
        "/administration/enheder/ny/",
        {"name": "", "kind": UnitKind.DISTRICT, "area": "aeldre_sundhed"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "Dette felt er påkrævet." in response.text
    assert "<html" not in response.text  # only the form partial
    assert 'id="unit-form"' in response.text
    # A district cannot sit at the top of the tree; the typed name is kept in the form.
    response = client.post(
        "/administration/enheder/ny/",
        {"name": "Løs enhed", "kind": UnitKind.DISTRICT, "area": "aeldre_sundhed"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "Enhedstypen kan ikke ligge under den valgte enhed." in response.text
    assert 'value="Løs enhed"' in response.text
    assert OrgUnit.objects.count() == before


def test_foreign_unit_is_a_404_like_a_missing_one(world: World) -> None:
    client = f.logged_in_client(world.administrator)
    foreign = client.get(f"/administration/enheder/{world.solrod_team.pk}/")
    missing = client.get("/administration/enheder/00000000-0000-0000-0000-000000000000/")
    assert foreign.status_code == missing.status_code == 404
    assert stable_body(foreign.text) == stable_body(missing.text)


def test_foreign_staff_member_is_a_404(world: World) -> None:
    client = f.logged_in_client(world.administrator)
    assert client.get(f"/administration/medarbejdere/{world.foreign_nurse.pk}/").status_code == 404
    response = client.post(
        f"/administration/medarbejdere/{world.foreign_nurse.pk}/aktiv/", {"active": "0"}
    )
    assert response.status_code == 404
    world.foreign_nurse.refresh_from_db()
    assert world.foreign_nurse.is_active


def test_malformed_id_is_a_404_not_a_500(world: World) -> None:
    client = f.logged_in_client(world.administrator)
    assert client.get("/administration/enheder/123/").status_code == 404
    assert client.post("/administration/roller/ikke-et-id/fjern/").status_code == 404


def test_create_staff_then_add_membership(world: World) -> None:
    client = f.logged_in_client(world.administrator)
    response = client.post(
        "/administration/medarbejdere/ny/",
        {
            "username": "ny.medarbejder",
            "first_name": "Ny",
            "last_name": "Medarbejder",
            "profession": "sosu_hjaelper",
            "email": "",
            "password": "lang-og-sikker-kode-2026",
        },
    )
    assert response.status_code == 302
    staff = StaffMember.objects.get(user__username="ny.medarbejder")
    assert staff.municipality == world.greve
    response = client.post(
        f"/administration/medarbejdere/{staff.pk}/roller/",
        {"unit": world.home_care_team.pk, "role": Role.SOSU_HELPER},
    )
    assert response.status_code == 302
    # A role with permissions waits for a second administrator.
    assert not Membership.objects.filter(staff=staff).exists()
    pending = MembershipRequest.objects.get(staff=staff, decided_at__isnull=True)
    response = client.post(
        f"/administration/medarbejdere/{staff.pk}/roller/",
        {"unit": world.home_care_team.pk, "role": Role.SOSU_HELPER},
    )
    assert response.status_code == 422
    assert "Rollen venter allerede på en anden administrators godkendelse." in response.text
    second = f.staff_create(world.admin_unit, Role.ADMINISTRATOR, username="admin2")
    response = f.logged_in_client(second).post(
        f"/administration/anmodninger/{pending.pk}/", {"decision": "approve"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(staff=staff)
    assert membership.is_primary
    # The same role twice is refused with a message beside the field.
    response = client.post(
        f"/administration/medarbejdere/{staff.pk}/roller/",
        {"unit": world.home_care_team.pk, "role": Role.SOSU_HELPER},
    )
    assert response.status_code == 422
    assert "Medarbejderen har allerede den rolle her." in response.text


def test_weak_password_and_taken_username_are_refused(world: World) -> None:
    client = f.logged_in_client(world.administrator)
    data = {
        "username": "nurse",
        "first_name": "X",
        "last_name": "Y",
        "profession": "sygeplejerske",
        "password": "12345678901234",
    }
    response = client.post("/administration/medarbejdere/ny/", data)
    assert response.status_code == 422
    assert "Denne adgangskode er udelukkende numerisk." in response.text
    data["password"] = "lang-og-sikker-kode-2026"
    response = client.post("/administration/medarbejdere/ny/", data)
    assert response.status_code == 422
    assert "Brugernavnet er optaget." in response.text


def test_membership_with_foreign_unit_is_refused(world: World) -> None:
    with pytest.raises(NotFound):
        services.membership_add(
            actor=f.actor_for(world.administrator),
            staff=world.nurse,
            unit=world.solrod_team,
            role=Role.NURSE,
        )


def test_unit_tree_refuses_cycles(world: World) -> None:
    actor = f.actor_for(world.administrator)
    with pytest.raises(ValidationFailed) as error:
        services.unit_update(
            actor=actor,
            unit=world.admin_unit,
            name=world.admin_unit.name,
            kind=UnitKind.TEAM,
            area="aeldre_sundhed",
            parent=world.home_care_team,
            is_active=True,
        )
    assert "parent" in error.value.field_errors


def test_only_admins_write_through_services(world: World) -> None:
    from sammen.core.errors import Forbidden

    with pytest.raises(Forbidden):
        services.unit_create(
            actor=f.actor_for(world.leader),
            name="Skyggeteam",
            kind=UnitKind.TEAM,
            area="aeldre_sundhed",
            parent=world.district,
        )


def test_admin_cannot_deactivate_themselves(world: World) -> None:
    client = f.logged_in_client(world.administrator)
    client.post(f"/administration/medarbejdere/{world.administrator.pk}/aktiv/", {"active": "0"})
    world.administrator.refresh_from_db()
    assert world.administrator.is_active


def test_closing_a_unit_with_open_children_is_refused(world: World) -> None:
    client = f.logged_in_client(world.administrator)
    response = client.post(
        f"/administration/enheder/{world.district.pk}/",
        {
            "name": world.district.name,
            "kind": UnitKind.DISTRICT,
            "area": "aeldre_sundhed",
            "parent": world.admin_unit.pk,
        },
    )
    assert response.status_code == 422
    assert "Luk først de underliggende enheder." in response.text
    world.district.refresh_from_db()
    assert world.district.is_active


def test_demo_seed_is_idempotent(db: None) -> None:
    from sammen.demo.seed import STAFF, demo_seed

    first = demo_seed()
    counts = (OrgUnit.objects.count(), StaffMember.objects.count(), Membership.objects.count())
    second = demo_seed()
    assert first == second
    assert counts == (
        OrgUnit.objects.count(),
        StaffMember.objects.count(),
        Membership.objects.count(),
    )
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)  # every role is in the demo
    assert len(first) == len(STAFF) + 1


def test_privilege_changes_are_in_the_tamper_evident_log(world: World) -> None:
    """SECURITY.md T09(4): role assignments and disabling are audited; non-admins are refused."""
    from sammen.access.models import AccessLogEntry
    from sammen.access.sealing import access_log_verify

    admin = f.actor_for(world.administrator)
    second = f.actor_for(f.staff_create(world.admin_unit, Role.ADMINISTRATOR, username="admin2"))
    pending = services.membership_add(
        actor=admin, staff=world.nurse, unit=world.training_team, role=Role.THERAPIST
    )
    assert isinstance(pending, MembershipRequest)
    membership = services.membership_request_decide(actor=second, request=pending, approve=True)
    assert membership is not None
    services.membership_remove(actor=admin, membership=membership)
    services.staff_set_active(actor=admin, staff=world.sosu_helper, active=False)
    rows = list(AccessLogEntry.objects.filter(operation="privilege").order_by("seq"))
    assert [r.criterion.split(" medarbejder")[0].split(" ")[0:2] for r in rows] == [
        ["rolle", "anmodet"],
        ["rolle", "godkendt"],
        ["rolle", "fjernet"],
        ["deaktiveret"],
    ]
    assert [r.staff_id for r in rows] == [
        world.administrator.pk,
        second.staff.pk,
        world.administrator.pk,
        world.administrator.pk,
    ]
    assert list(access_log_verify()) == []
    with pytest.raises(Forbidden):
        services.membership_add(
            actor=f.actor_for(world.leader),
            staff=world.nurse,
            unit=world.training_team,
            role=Role.LEADER,
        )


def test_municipality_decides_whether_citizens_see_staff_names(world: World) -> None:
    from sammen.access.models import AccessLogEntry

    client = f.logged_in_client(world.administrator)
    assert "Vis medarbejdernes navne" in client.get("/administration/").text
    response = client.post("/administration/indstillinger/", {"show_staff_names_to_citizens": "on"})
    assert response.status_code == 302
    world.greve.refresh_from_db()
    assert world.greve.show_staff_names_to_citizens
    assert AccessLogEntry.objects.filter(object_type="municipality").count() == 1
    assert (
        f.logged_in_client(world.nurse).post("/administration/indstillinger/", {}).status_code
        == 403
    )
    world.solrod.refresh_from_db()
    assert not world.solrod.show_staff_names_to_citizens
