from __future__ import annotations

import pytest
from django.utils import timezone

from conftest import World
from sammen.citizens.models import Citizen
from sammen.organisation.models import Role, StaffMember
from sammen.organisation.tests import factories as f
from sammen.visits.demo import visits_demo_today
from sammen.visits.models import Visit
from sammen.visits.tests.conftest import grant

pytestmark = pytest.mark.django_db


def test_the_demo_login_gets_a_full_day_list_today_whatever_the_day(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    grant(world, assessor, citizen, per="day", times=4, weekdays=())
    login = f.staff_create(world.home_care_team, Role.SOSU_HELPER, username="sosu-hjaelper")
    Visit.objects.all().delete()  # as if the demo was generated on another day
    assert visits_demo_today(world.greve) == 4
    today = Visit.objects.filter(assigned_to=login, day=timezone.localdate())
    assert today.count() == 4
    assert visits_demo_today(world.greve) == 0  # running it again changes nothing
