"""Run by bench.access_log in its own process: one municipality, 16 nurses with a session each
and a citizen each cares for. Prints the sessions and citizen ids as JSON."""

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

STAFF = 16  # one nurse per concurrent client, each reading her own citizen

m = Municipality.objects.create(name="Benchkommune", code="999")
team = OrgUnit.objects.create(municipality=m, name="Team Bench", kind="team", area="aeldre_sundhed")
WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
endings = [
    e
    for e in range(1, 200)
    if sum(int(a) * b for a, b in zip(f"140338{e:04d}", WEIGHTS, strict=True)) % 11
][:STAFF]  # fictitious: 14 March, and every number fails modulus 11
pairs = []
for n, ending in enumerate(endings):
    user = User.objects.create(username=f"bench-nurse-{n}")
    staff = StaffMember.objects.create(
        municipality=m,
        user=user,
        first_name="Bench",
        last_name=f"Nurse{n}",
        profession="sygeplejerske",
    )
    Membership.objects.create(
        municipality=m, staff=staff, unit=team, role="sygeplejerske", is_primary=True
    )
    citizen = Citizen.objects.create(
        municipality=m,
        cpr=f"140338{ending:04d}",
        cpr_birth_part="140338",
        birth_date=dt.date(1938, 3, 14),
        sex="male",
        first_name="Bench",
        last_name=f"Borger{n}",
        search_name=f"bench borger{n}",
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
    pairs.append({"session": session.session_key, "citizen": str(citizen.pk)})
print(json.dumps({"pairs": pairs, "session": pairs[0]["session"], "citizen": pairs[0]["citizen"]}))
