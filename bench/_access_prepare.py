"""Run by bench.access_log in its own process: one municipality, a nurse with a session and a
citizen she cares for. Prints the session key and the citizen id as JSON."""

from __future__ import annotations

import datetime as dt
import json

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.utils import timezone  # noqa: E402

from sammen.citizens.models import Citizen, Responsibility  # noqa: E402
from sammen.organisation.models import (  # noqa: E402
    Membership,
    Municipality,
    OrgUnit,
    StaffMember,
    User,
)

m = Municipality.objects.create(name="Benchkommune", code="999")
team = OrgUnit.objects.create(municipality=m, name="Team Bench", kind="team", area="aeldre_sundhed")
user = User.objects.create(username="bench-nurse")
staff = StaffMember.objects.create(
    municipality=m, user=user, first_name="Bench", last_name="Nurse", profession="sygeplejerske"
)
Membership.objects.create(
    municipality=m, staff=staff, unit=team, role="sygeplejerske", is_primary=True
)
citizen = Citizen.objects.create(
    municipality=m,
    cpr="1403380001",  # fictitious: 14 March, fails modulus 11
    cpr_birth_part="140338",
    birth_date=dt.date(1938, 3, 14),
    sex="male",
    first_name="Bench",
    last_name="Borger",
    search_name="bench borger",
)
Responsibility.objects.create(
    municipality=m, citizen=citizen, area="aeldre_sundhed", unit=team, since=dt.date(2025, 1, 1)
)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
now = timezone.now().timestamp()
session["sammen_auth_time"] = now
session["sammen_last_activity"] = now
session.create()
print(json.dumps({"session": session.session_key, "citizen": str(citizen.pk)}))
