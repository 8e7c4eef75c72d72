"""Run by bench.morning_rush in its own process, after `demo_municipality`: every generated
staff member of the municipality logged in (a session created directly, as a login would; no
second factor: SAMMEN_MFA_REQUIRED=false) with the citizens she works with ("Mine borgere"),
the names to search for among them, and whether she may write a note. Writes JSON to argv[1]."""

from __future__ import annotations

import json
import random
import sys

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.utils import timezone  # noqa: E402

from sammen.access.models import Purpose  # noqa: E402
from sammen.citizens.models import Citizen, CitizenStatus  # noqa: E402
from sammen.organisation.models import Area, LoginSession, Municipality, StaffMember  # noqa: E402
from sammen.organisation.permissions import Permission  # noqa: E402
from sammen.organisation.selectors import actor_for_user  # noqa: E402

OWN = 20  # citizens per staff member she opens during the rush (sampled from her own)

rng = random.Random(1)
municipality = Municipality.objects.get(name=sys.argv[2])
staff = list(
    StaffMember.objects.filter(municipality=municipality, is_active=True, user__isnull=False)
    .select_related("user")
    .order_by("pk")
)
people = []
for member in staff:
    user = member.user
    actor = actor_for_user(user=user, membership_id=None)
    if actor is None:
        continue
    own = list(
        Citizen.objects.visible_to(actor, purpose=Purpose.CARE_RELATION)
        .filter(status=CitizenStatus.ACTIVE)
        .values_list("pk", "first_name", "last_name")
    )
    sample = rng.sample(own, min(OWN, len(own)))
    # Notes: the FSIII function-ability template belongs to elderly care.
    note_ids = []
    if Permission.DOCUMENT in actor.permissions and sample:
        note_ids = [
            str(pk)
            for pk in Citizen.objects.filter(
                pk__in=[pk for pk, _, _ in sample],
                responsibilities__area=Area.ELDERLY_HEALTH,
                responsibilities__until__isnull=True,
            ).values_list("pk", flat=True)
        ]
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    now = timezone.now().timestamp()
    session["sammen_auth_time"] = now
    session["sammen_last_activity"] = now
    session.create()
    LoginSession.objects.create(user=user, session_key=session.session_key or "")
    people.append(
        {
            "session": session.session_key,
            "role": actor.role,
            "reads_citizens": Permission.CITIZEN_READ in actor.permissions,
            "citizens": [str(pk) for pk, _, _ in sample],
            "names": [f"{first} {last}" for _, first, last in sample[:5]],
            "note_citizens": note_ids,
        }
    )
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"staff": people}, out)
print(
    f"{len(people)} sessions; {sum(1 for p in people if p['citizens'])} with own citizens; "
    f"{sum(1 for p in people if p['note_citizens'])} may write notes"
)
