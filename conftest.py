"""Named actors in two municipalities. They encode the rules every module's tests rely on.

Greve (A): a home-care team with a nurse and a SOSU helper, a therapist in another team, a
leader, a director and a politician (aggregates only) and an administrator.
Solrød (B): a nurse and an administrator who must see nothing of Greve.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from sammen.core.actor import Actor
from sammen.organisation.models import (
    Municipality,
    OrgUnit,
    Profession,
    Role,
    StaffMember,
    UnitKind,
)
from sammen.organisation.tests import factories as f


@dataclass
class World:
    greve: Municipality
    solrod: Municipality
    admin_unit: OrgUnit
    district: OrgUnit
    home_care_team: OrgUnit
    training_team: OrgUnit
    solrod_team: OrgUnit
    nurse: StaffMember
    sosu_helper: StaffMember
    therapist: StaffMember
    leader: StaffMember
    director: StaffMember
    politician: StaffMember
    administrator: StaffMember
    foreign_nurse: StaffMember
    foreign_admin: StaffMember

    def actor(self, staff: StaffMember) -> Actor:
        return f.actor_for(staff)

    def client(self, staff: StaffMember) -> Client:
        return f.logged_in_client(staff)


@pytest.fixture
def world(db: None) -> World:
    greve = f.municipality_create("Greve", "253")
    solrod = f.municipality_create("Solrød", "269")
    admin_unit = f.unit_create(greve, "Social, Sundhed og Ældre", kind=UnitKind.ADMINISTRATION)
    district = f.unit_create(greve, "Hjemmepleje Nord", kind=UnitKind.DISTRICT, parent=admin_unit)
    home_care = f.unit_create(greve, "Team Nord A", parent=district)
    training = f.unit_create(greve, "Træning", parent=admin_unit)
    solrod_admin = f.unit_create(solrod, "Sundhed og Omsorg", kind=UnitKind.ADMINISTRATION)
    solrod_team = f.unit_create(solrod, "Hjemmesygeplejen", parent=solrod_admin)
    return World(
        greve=greve,
        solrod=solrod,
        admin_unit=admin_unit,
        district=district,
        home_care_team=home_care,
        training_team=training,
        solrod_team=solrod_team,
        nurse=f.staff_create(home_care, Role.NURSE, username="nurse", first_name="Birgitte"),
        sosu_helper=f.staff_create(
            home_care, Role.SOSU_HELPER, username="helper", profession=Profession.SOSU_HELPER
        ),
        therapist=f.staff_create(
            training, Role.THERAPIST, username="therapist", profession=Profession.PHYSIOTHERAPIST
        ),
        leader=f.staff_create(
            district, Role.LEADER, username="leader", profession=Profession.MANAGER
        ),
        director=f.staff_create(
            admin_unit, Role.DIRECTOR, username="director", profession=Profession.MANAGER
        ),
        politician=f.staff_create(
            admin_unit, Role.POLITICIAN, username="politician", profession=Profession.POLITICIAN
        ),
        administrator=f.staff_create(
            admin_unit, Role.ADMINISTRATOR, username="admin", profession=Profession.ADMINISTRATIVE
        ),
        foreign_nurse=f.staff_create(solrod_team, Role.NURSE, username="foreign-nurse"),
        foreign_admin=f.staff_create(
            solrod_admin,
            Role.ADMINISTRATOR,
            username="foreign-admin",
            profession=Profession.ADMINISTRATIVE,
        ),
    )
