"""One permission table; nobody escalates themselves; every privilege change is logged and, when
it widens citizen access, reviewed by a leader (SECURITY.md T02, T09(4))."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from conftest import World
from sammen.access.models import AccessLogEntry, ReviewItem, ReviewKind
from sammen.core.access_rules import needs
from sammen.core.errors import Forbidden
from sammen.organisation import selectors, services
from sammen.organisation.models import (
    Membership,
    MembershipRequest,
    Role,
    StaffMember,
    UnitKind,
)
from sammen.organisation.permissions import (
    ROLE_PERMISSIONS,
    Permission,
    has_permission,
    permissions_for,
    roles_with,
)
from sammen.organisation.tests import factories as f


def _privilege_rows() -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(operation="privilege").order_by("seq"))


def _second_admin(world: World, username: str = "admin2") -> StaffMember:
    return f.staff_create(world.admin_unit, Role.ADMINISTRATOR, username=username)


# --- The table -------------------------------------------------------------------------------


def test_every_role_is_in_the_table_and_the_separation_holds() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role.values)
    admin = permissions_for(Role.ADMINISTRATOR)
    assert admin == {Permission.ORGANISATION_ADMIN}  # an administrator is not a care worker
    assert Permission.CITIZEN_READ not in permissions_for(Role.DIRECTOR)
    assert Permission.CITIZEN_READ not in permissions_for(Role.POLITICIAN)
    assert Permission.DOCUMENT_HEALTH not in permissions_for(Role.SOSU_HELPER)
    assert roles_with(Permission.ACCESS_REVIEW) == {Role.LEADER}
    assert permissions_for("kok") == frozenset()  # unknown role: nothing


def test_the_actor_carries_the_permissions_of_its_active_role(world: World) -> None:
    actor = selectors.actor_for_user(user=world.nurse.user, membership_id=None)
    assert actor is not None
    assert actor.permissions == permissions_for(Role.NURSE)
    assert has_permission(actor, Permission.DOCUMENT_HEALTH)
    assert not has_permission(actor, Permission.ORGANISATION_ADMIN)


def test_needs_requires_every_permission_named(world: World) -> None:
    rule = needs(Permission.CITIZEN_READ, Permission.CITIZEN_WRITE)
    assert rule.permissions == {"citizen_read", "citizen_write"}
    helper = f.logged_in_client(world.sosu_helper)
    nurse = f.logged_in_client(world.nurse)
    # Creating a citizen needs citizen_write too: the helper may search, not register.
    assert helper.get("/borgere/ny/").status_code == 403
    assert nurse.get("/borgere/ny/").status_code == 200
    assert helper.get("/borgere/").status_code == 200


def test_the_administration_page_shows_who_may_do_what(world: World) -> None:
    page = f.logged_in_client(world.administrator).get("/administration/").text
    assert page.count("Hvem må hvad") == 1
    assert page.count('class="permission-table"') == 1
    assert "<title>Administration" in page
    for permission in Permission:
        assert str(permission.label) in page
    for role in Role:
        assert str(role.label) in page


def test_menus_follow_permissions_not_roles(world: World) -> None:
    admin_page = f.logged_in_client(world.administrator).get("/").text
    assert 'href="/administration/"' in admin_page
    assert 'href="/borgere/"' not in admin_page  # the administrator is not a care worker
    leader_page = f.logged_in_client(world.leader).get("/").text
    assert 'href="/adgang/gennemgang/"' in leader_page
    assert 'href="/administration/"' not in leader_page


# --- Escalation: the administration UI -------------------------------------------------------


def test_admin_cannot_give_themselves_a_nurse_role(world: World) -> None:
    """The finding: `admin` gave itself a nurse role, then read a citizen and the full CPR."""
    client = f.logged_in_client(world.administrator)
    before = _privilege_rows()
    page = client.get(f"/administration/medarbejdere/{world.administrator.pk}/")
    assert "Du kan ikke give dig selv en rolle" in page.text
    response = client.post(
        f"/administration/medarbejdere/{world.administrator.pk}/roller/",
        {"unit": world.home_care_team.pk, "role": Role.NURSE},
    )
    assert response.status_code == 403
    assert "Du kan ikke give dig selv en rolle eller en rettighed" in response.text
    assert not Membership.objects.filter(staff=world.administrator, role=Role.NURSE).exists()
    assert not MembershipRequest.objects.filter(staff=world.administrator).exists()
    # The attempt itself is in the log: refused, high severity.
    [attempt] = _privilege_rows()[len(before) :]
    assert attempt.outcome == "denied"
    assert attempt.severity == "high"
    assert attempt.criterion.startswith("rolle til sig selv afvist sygeplejerske")
    # Still no way to citizens.
    assert client.get("/borgere/").status_code == 403


def test_admin_gives_another_person_nurse_pending_until_a_second_admin_approves(
    world: World,
) -> None:
    staff = f.staff_create(world.admin_unit, Role.DIRECTOR, username="kommende.syg")
    first = f.logged_in_client(world.administrator)
    response = first.post(
        f"/administration/medarbejdere/{staff.pk}/roller/",
        {"unit": world.home_care_team.pk, "role": Role.NURSE},
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(staff=staff, role=Role.NURSE).exists()
    pending = MembershipRequest.objects.get(staff=staff, role=Role.NURSE)
    assert "venter på godkendelse" in first.get(f"/administration/medarbejdere/{staff.pk}/").text
    # No decision named: a 4xx with a Danish message, nothing decided.
    unclear = first.post(f"/administration/anmodninger/{pending.pk}/", {})
    assert unclear.status_code == 422
    assert "Vælg Godkend eller Afvis." in unclear.text
    # The one who asked cannot approve.
    refused = first.post(f"/administration/anmodninger/{pending.pk}/", {"decision": "approve"})
    assert refused.status_code == 403
    assert "En anden administrator skal godkende den" in refused.text
    assert not Membership.objects.filter(staff=staff, role=Role.NURSE).exists()
    assert _privilege_rows()[-1].outcome == "denied"
    # A second administrator approves: the role takes effect, logged and reviewed.
    second = _second_admin(world)
    response = f.logged_in_client(second).post(
        f"/administration/anmodninger/{pending.pk}/", {"decision": "approve"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(staff=staff, role=Role.NURSE).exists()
    pending.refresh_from_db()
    assert pending.approved is True
    assert pending.decided_by == second
    rows = [r for r in _privilege_rows() if r.outcome == "success"]
    assert [r.criterion.split(" ")[1] for r in rows] == ["anmodet", "godkendt"]
    assert [r.staff_id for r in rows] == [world.administrator.pk, second.pk]
    item = ReviewItem.objects.get(kind=ReviewKind.PRIVILEGE_CHANGE, staff=staff)
    assert "Sygeplejerske" in item.details
    assert "Team Nord A" in item.details
    # The leader of the district sees it in the review queue.
    queue = f.logged_in_client(world.leader).get("/adgang/gennemgang/").text
    assert "Rettighedsændring, der giver adgang til borgere" in queue


def test_the_person_concerned_cannot_approve_their_own_role(world: World) -> None:
    second = _second_admin(world)
    pending = services.membership_add(
        actor=f.actor_for(second),
        staff=world.administrator,
        unit=world.home_care_team,
        role=Role.NURSE,
    )
    assert isinstance(pending, MembershipRequest)
    response = f.logged_in_client(world.administrator).post(
        f"/administration/anmodninger/{pending.pk}/", {"decision": "approve"}
    )
    assert response.status_code == 403
    assert "Du kan ikke godkende en rolle til dig selv" in response.text
    assert not Membership.objects.filter(staff=world.administrator, role=Role.NURSE).exists()


def test_a_rejected_role_never_takes_effect_and_the_rejection_is_logged(world: World) -> None:
    pending = services.membership_add(
        actor=f.actor_for(world.administrator),
        staff=world.sosu_helper,
        unit=world.home_care_team,
        role=Role.LEADER,
    )
    assert isinstance(pending, MembershipRequest)
    second = f.actor_for(_second_admin(world))
    assert services.membership_request_decide(actor=second, request=pending, approve=False) is None
    assert not Membership.objects.filter(staff=world.sosu_helper, role=Role.LEADER).exists()
    assert _privilege_rows()[-1].criterion.startswith("rolle afvist")
    assert not ReviewItem.objects.filter(kind=ReviewKind.PRIVILEGE_CHANGE).exists()


def test_a_role_without_permissions_takes_effect_at_once(world: World) -> None:
    added = services.membership_add(
        actor=f.actor_for(world.administrator),
        staff=world.nurse,
        unit=world.admin_unit,
        role=Role.POLITICIAN,
    )
    assert isinstance(added, Membership)
    assert not ReviewItem.objects.filter(kind=ReviewKind.PRIVILEGE_CHANGE).exists()


def test_the_database_refuses_a_self_decided_request(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipRequest.objects.create(
            municipality=world.greve,
            staff=world.nurse,
            unit=world.home_care_team,
            role=Role.LEADER,
            requested_by=world.administrator,
            decided_by=world.administrator,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipRequest.objects.create(
            municipality=world.greve,
            staff=world.administrator,
            unit=world.home_care_team,
            role=Role.NURSE,
            requested_by=world.administrator,
        )


def test_non_admins_cannot_approve(world: World) -> None:
    pending = services.membership_add(
        actor=f.actor_for(world.administrator),
        staff=world.sosu_helper,
        unit=world.home_care_team,
        role=Role.LEADER,
    )
    assert isinstance(pending, MembershipRequest)
    with pytest.raises(Forbidden):
        services.membership_request_decide(
            actor=f.actor_for(world.leader), request=pending, approve=True
        )
    response = f.logged_in_client(world.leader).post(
        f"/administration/anmodninger/{pending.pk}/", {"decision": "approve"}
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(staff=world.sosu_helper, role=Role.LEADER).exists()


# --- Units and staff ---------------------------------------------------------------------------


def test_unit_and_staff_changes_are_logged_and_widening_ones_reviewed(world: World) -> None:
    admin = f.actor_for(world.administrator)
    unit = services.unit_create(
        actor=admin,
        name="Team Syd",
        kind=UnitKind.TEAM,
        area="aeldre_sundhed",
        parent=world.admin_unit,
    )
    services.unit_update(
        actor=admin,
        unit=unit,
        name="Team Syd",
        kind=UnitKind.TEAM,
        area="aeldre_sundhed",
        parent=world.district,
        is_active=True,
    )
    services.staff_update(
        actor=admin,
        staff=world.nurse,
        first_name="Birgitte",
        last_name="Hansen",
        profession="sygeplejerske",
        email="",
    )
    services.staff_set_active(actor=admin, staff=world.nurse, active=False)
    services.staff_set_active(actor=admin, staff=world.nurse, active=True)
    kinds = [(r.object_type, r.criterion.split(" medarbejder")[0]) for r in _privilege_rows()]
    assert kinds[0][0] == kinds[1][0] == "unit"
    assert kinds[1][1].endswith("flyttet under Hjemmepleje Nord")
    assert [k[1] for k in kinds[2:]] == ["stamdata ændret", "deaktiveret", "aktiveret"]
    reviews = ReviewItem.objects.filter(kind=ReviewKind.PRIVILEGE_CHANGE).order_by("occurred_at")
    assert [r.staff_id for r in reviews] == [world.administrator.pk, world.nurse.pk]


# --- Escalation: the support admin (/support/) -----------------------------------------------


def _support_client(world: World) -> tuple[StaffMember, object]:
    support = f.staff_create(world.admin_unit, Role.DIRECTOR, username="support")
    support.user.is_superuser = support.user.is_staff = True
    support.user.save()
    return support, f.logged_in_client(support)


def test_support_admin_can_look_but_not_change_roles(world: World) -> None:
    from django.test import Client

    _support, client = _support_client(world)
    assert isinstance(client, Client)
    membership = Membership.objects.get(staff=world.sosu_helper)
    url = f"/support/organisation/membership/{membership.pk}/change/"
    assert client.get(url).status_code == 200  # read-only view
    response = client.post(
        url,
        {
            "staff": world.sosu_helper.pk,
            "unit": world.home_care_team.pk,
            "role": Role.NURSE,
            "is_primary": "on",
            "municipality": world.greve.pk,
        },
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.SOSU_HELPER
    assert client.get("/support/organisation/membership/add/").status_code == 403
    assert (
        client.post(
            f"/support/organisation/membership/{membership.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert Membership.objects.filter(pk=membership.pk).exists()
    user_url = f"/support/organisation/user/{world.nurse.user.pk}/change/"
    assert client.post(user_url, {"username": "nurse", "is_superuser": "on"}).status_code == 403
    world.nurse.user.refresh_from_db()
    assert not world.nurse.user.is_superuser
    for model in ("orgunit", "staffmember", "municipality", "membershiprequest"):
        assert client.get(f"/support/organisation/{model}/add/").status_code == 403


def test_the_api_offers_no_way_to_change_roles_units_or_staff() -> None:
    """The JSON API reads the organisation only; every privilege change goes through the
    administration pages and their services."""
    from sammen.organisation.api import router

    methods = {
        method
        for path_view in router.path_operations.values()
        for op in path_view.operations
        for method in op.methods
    }
    assert methods == {"GET"}


def test_the_permission_table_is_translated(world: World) -> None:
    from django.conf import settings

    client = f.logged_in_client(world.administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/administration/").text
    assert "Who may do what" in page
    assert "Document health states" in page
    assert "Dokumentere helbredstilstande" not in page
