"""Book a few video visits today for the demo logins (`make run` calls it after demo_load).

The nurse "sygeplejerske" (Team Nord A) books with the demo citizen "borger": one visit that
is open right now, one later today, one tomorrow (for the citizen's own page). Booking goes
through the service (access log, change log, invitations through the fake notifier), and the
links of the visit open now are printed, since the fake sends nothing. Idempotent: nothing is
booked when the citizen already has a booked visit today.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sammen.citizens.models import CitizenAccount
from sammen.consultations import services
from sammen.consultations.models import Consultation, ConsultationStatus, ParticipantKind
from sammen.integrations.notifications import fake_outbox
from sammen.organisation.models import Membership
from sammen.organisation.selectors import actor_for_user

LINK = re.compile(r"https?://\S+/video/deltag/\S+/")


class Command(BaseCommand):
    help = "Booker demo-skærmbesøg i dag for demo-logins (ét kan åbnes nu)."

    def handle(self, *args: Any, **options: Any) -> None:
        account = CitizenAccount.objects.select_related("citizen").filter(user__username="borger")
        found = account.first()
        membership = (
            Membership.objects.filter(
                staff__user__username="sygeplejerske", unit__name="Hjemmeplejen Team Nord A"
            )
            .select_related("staff__user")
            .first()
        )
        if found is None or membership is None:
            # `make run` goes on without demo video visits (e.g. demo_load --citizens 0).
            self.stdout.write("  … Ingen demo-skærmbesøg: demo-borger eller sygeplejerske mangler.")
            return
        citizen = found.citizen
        now = timezone.now()
        start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        if Consultation.objects.filter(
            citizen=citizen, status=ConsultationStatus.BOOKED, starts_at__gte=start_of_day
        ).exists():
            self.stdout.write("  … Demo-skærmbesøg findes allerede i dag.")
            return
        actor = actor_for_user(user=membership.staff.user, membership_id=str(membership.pk))
        if actor is None:
            raise CommandError("Sygeplejersken har ingen aktiv rolle.")
        outbox = fake_outbox()
        outbox.clear()
        relative = services.GuestInput(
            kind=ParticipantKind.RELATIVE, name="Pårørende", contact="paaroerende@example.dk"
        )
        plan = [
            (now - dt.timedelta(minutes=5), "Opfølgning på medicin", [relative]),
            (now + dt.timedelta(hours=3), "Samtale om træning", []),
            (now + dt.timedelta(days=1), "Opfølgning efter udskrivelse", []),
        ]
        for starts_at, purpose, guests in plan:
            services.consultation_book(
                actor=actor,
                citizen_id=citizen.pk,
                starts_at=starts_at.replace(second=0, microsecond=0),
                duration_minutes=60 if purpose.startswith("Opfølgning på") else 30,
                purpose=purpose,
                guests=guests,
            )
        links = [m for m in outbox if "inviteret" in m.body][: 1 + len(plan[0][2])]
        self.stdout.write(self.style.SUCCESS("\nSkærmbesøg (demo) – åbent nu, i 60 minutter:"))
        for message in links:
            link = LINK.search(message.body)
            self.stdout.write(f"  {message.to or 'borgeren'}: {link.group(0) if link else '-'}")
        self.stdout.write(
            "  Sygeplejersken starter besøget under «Skærmbesøg». Koden til gæsten vises i "
            "demoen på linkets side (den falske sms-udbyder)."
        )
