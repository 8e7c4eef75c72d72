"""Pages for video visits: staff book, list, rebook, cancel, host the room and close the visit;
guests open their link, prove who they are with a one-time code and wait to be admitted; the
citizen's own page lists, cancels and moves their visits. The call itself is the JavaScript in
`static/consultations/room.js` talking to `consumers.RoomConsumer` over a WebSocket."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sammen.citizens.selectors import citizen_get
from sammen.consultations import selectors, services
from sammen.consultations.forms import (
    BookForm,
    CancelForm,
    CitizenRebookForm,
    CodeForm,
    EndForm,
    RebookForm,
    local_now_rounded,
)
from sammen.consultations.ice import ice_servers
from sammen.consultations.models import ConsultationStatus, EncounterClass
from sammen.consultations.room import GUEST_SESSION_KEY
from sammen.core.access_rules import CITIZEN, PUBLIC, access_rule, needs
from sammen.core.errors import NotFound, ValidationFailed
from sammen.core.forms import form_add_domain_errors, form_handle
from sammen.core.requests import ActorRequest, CitizenRequest
from sammen.integrations.notifications import fake_outbox
from sammen.organisation.permissions import Permission


def _detail_url(consultation: Any) -> str:
    return reverse("consultations:detail", kwargs={"consultation_id": consultation.pk})


@access_rule(needs(Permission.CONSULTATION))
@require_GET
def consultation_list(request: ActorRequest) -> HttpResponse:
    rows = selectors.consultation_list_upcoming(actor=request.actor)
    now = timezone.now()
    return render(
        request,
        "consultations/list.html",
        {"rows": [(c, c.is_open(now)) for c in rows]},
    )


@access_rule(needs(Permission.CONSULTATION))
@require_http_methods(["GET", "POST"])
def consultation_book(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    actor = request.actor
    citizen = citizen_get(actor=actor, citizen_id=citizen_id)
    form = BookForm(
        request.POST or None,
        initial={"starts_at": local_now_rounded(), "duration_minutes": 30},
    )

    def save(data: dict[str, Any]) -> Any:
        return services.consultation_book(
            actor=actor,
            citizen_id=citizen.pk,
            starts_at=data["starts_at"],
            duration_minutes=data["duration_minutes"],
            purpose=data["purpose"],
            guests=form.guests(),
        )

    return form_handle(
        request,
        form,
        save=save,
        success_url=_detail_url,
        success_message=_("Skærmbesøget er booket, og invitationerne er sendt."),
        template="consultations/book.html",
        context={"citizen": citizen},
    )


@access_rule(needs(Permission.CONSULTATION))
@require_GET
def consultation_detail(request: ActorRequest, consultation_id: Any) -> HttpResponse:
    page = selectors.consultation_get(actor=request.actor, consultation_id=consultation_id)
    c = page.consultation
    now = timezone.now()
    return render(
        request,
        "consultations/detail.html",
        {
            "c": c,
            "citizen": c.citizen,
            "participants": page.participants,
            "open_now": c.is_open(now),
            "booked": c.status == ConsultationStatus.BOOKED,
        },
    )


@access_rule(needs(Permission.CONSULTATION))
@require_http_methods(["GET", "POST"])
def consultation_rebook(request: ActorRequest, consultation_id: Any) -> HttpResponse:
    actor = request.actor
    page = selectors.consultation_get(actor=actor, consultation_id=consultation_id)
    c = page.consultation
    form = RebookForm(
        request.POST or None,
        initial={
            "starts_at": timezone.localtime(c.starts_at),
            "duration_minutes": c.duration_minutes,
            "version": c.version,
        },
    )
    return form_handle(
        request,
        form,
        save=lambda data: services.consultation_rebook(
            actor=actor,
            consultation_id=c.pk,
            version=data["version"],
            starts_at=data["starts_at"],
            duration_minutes=data["duration_minutes"],
        ),
        success_url=_detail_url,
        success_message=_("Besøget er flyttet. Deltagerne har fået nye links."),
        template="consultations/rebook.html",
        context={"c": c, "citizen": c.citizen},
    )


@access_rule(needs(Permission.CONSULTATION))
@require_http_methods(["GET", "POST"])
def consultation_cancel(request: ActorRequest, consultation_id: Any) -> HttpResponse:
    actor = request.actor
    page = selectors.consultation_get(actor=actor, consultation_id=consultation_id)
    c = page.consultation
    form = CancelForm(request.POST or None, initial={"version": c.version})
    return form_handle(
        request,
        form,
        save=lambda data: services.consultation_cancel(
            actor=actor, consultation_id=c.pk, version=data["version"], reason=data["reason"]
        ),
        success_url=_detail_url,
        success_message=_("Besøget er aflyst, og deltagerne har fået besked."),
        template="consultations/cancel.html",
        context={"c": c, "citizen": c.citizen},
    )


def _room_texts() -> dict[str, str]:
    """The room's messages for room.js, translated on the server (no text in the script)."""
    return {
        "connecting": _("Forbinder …"),
        "waiting": _("Du er i venteværelset. Medarbejderen lukker dig ind om lidt."),
        "inCall": _("Du er i besøget."),
        "alone": _("Venter på, at de andre kommer ind."),
        "ended": _("Besøget er afsluttet. Du kan lukke siden."),
        "left": _("Du har forladt besøget."),
        "replaced": _("Besøget er åbnet i et andet vindue."),
        "lost": _("Forbindelsen blev afbrudt. Genindlæs siden for at komme ind igen."),
        "noMedia": _("Kamera og mikrofon kunne ikke bruges. Tjek browserens tilladelser."),
        "audioOnlyAuto": _("Forbindelsen er svag: vi er skiftet til kun lyd."),
        "admit": _("Luk ind"),
        "nobodyWaiting": _("Ingen venter."),
        "mute": _("Slå lyd fra"),
        "unmute": _("Slå lyd til"),
        "cameraOff": _("Slå kamera fra"),
        "cameraOn": _("Slå kamera til"),
        "audioOnly": _("Kun lyd"),
        "video": _("Brug video"),
        "share": _("Del skærm"),
        "stopShare": _("Stop deling"),
        "muted": _("lyd slået fra"),
        "audioOnlyPeer": _("kun lyd"),
        "camera": _("Kamera"),
        "microphone": _("Mikrofon"),
        "you": _("Dig"),
        "error": _("Fejl"),
    }


def _room_config(*, consultation: Any, participant_id: Any, role: str) -> dict[str, Any]:
    return {
        "ws": f"/ws/video/{consultation.pk}/",
        "room": str(consultation.pk),
        "role": role,
        "iceServers": ice_servers(participant_id=participant_id),
        "endsAt": consultation.ends_at.isoformat(),
    }


@access_rule(needs(Permission.CONSULTATION))
@require_GET
def consultation_room(request: ActorRequest, consultation_id: Any) -> HttpResponse:
    """The host's room. Opening it is a logged access to the citizen (the gate); the socket
    logs again when the host actually joins."""
    page = selectors.consultation_get(actor=request.actor, consultation_id=consultation_id)
    c = page.consultation
    if not c.is_open(timezone.now()):
        messages.error(request, _("Rummet er åbent fra 15 minutter før starttidspunktet."))
        return redirect(_detail_url(c))
    return render(
        request,
        "consultations/room.html",
        {
            "c": c,
            "staff": True,
            "config": _room_config(
                consultation=c, participant_id=request.actor.staff.pk, role="staff"
            ),
            "texts": _room_texts(),
            "end_url": reverse("consultations:end", kwargs={"consultation_id": c.pk}),
        },
    )


@access_rule(needs(Permission.CONSULTATION))
@require_http_methods(["GET", "POST"])
def consultation_end(request: ActorRequest, consultation_id: Any) -> HttpResponse:
    actor = request.actor
    page = selectors.consultation_get(actor=actor, consultation_id=consultation_id)
    c = page.consultation
    now = timezone.now()
    minutes = max(1, int(((c.started_at or c.starts_at) - now).total_seconds() // -60))
    form = EndForm(
        request.POST or None,
        initial={
            "version": c.version,
            # The room says "telefonisk" when the call was audio only throughout.
            "encounter_class": (
                EncounterClass.PHONE
                if request.GET.get("kontaktform") == EncounterClass.PHONE
                else EncounterClass.SCREEN
            ),
            "minutes": min(minutes, c.duration_minutes),
        },
    )
    return form_handle(
        request,
        form,
        save=lambda data: services.consultation_end(
            actor=actor,
            consultation_id=c.pk,
            version=data["version"],
            encounter_class=data["encounter_class"],
            minutes=data["minutes"],
            note=data["note"],
        ),
        success_url=_detail_url,
        success_message=_("Besøget er afsluttet og dokumenteret i journalen."),
        template="consultations/end.html",
        context={"c": c, "citizen": c.citizen},
    )


# --- Guests ---------------------------------------------------------------------------------


def _demo_code(participant: Any) -> str:
    """Only with the fake notifier (never in production): the code it "sent", so the demo
    can be tried without an SMS gateway."""
    if settings.PRODUCTION or settings.SAMMEN_NOTIFIER or not participant.code_hash:
        return ""
    sent = [m for m in fake_outbox() if m.kind == "code" and m.to == participant.contact]
    found = re.search(r"\b(\d{6})\b", sent[-1].body) if sent else None
    return found.group(1) if found else ""


def _guest_page(request: Any, token: str, form: CodeForm, status: int = 200) -> HttpResponse:
    participant = selectors.guest_get(token=token)
    return render(
        request,
        "consultations/join.html",
        {
            "form": form,
            "p": participant,
            "c": participant.consultation,
            "demo_code": _demo_code(participant),
        },
        status=status,
    )


def _session_key(request: Any) -> str:
    if not request.session.session_key:
        request.session.cycle_key()  # creates and stores the session
    return str(request.session.session_key)


@access_rule(PUBLIC)
@require_http_methods(["GET", "POST"])
def guest_join(request: Any, token: str) -> HttpResponse:
    """The link in the invitation. Valid from 15 minutes before the start to the end of the
    slot; the guest asks for a one-time code and types it; then the waiting room."""
    form = CodeForm(request.POST or None)
    if request.method == "GET":
        return _guest_page(request, token, form)
    try:
        if "send" in request.POST:
            services.guest_code_send(token=token)
            messages.info(request, _("Vi har sendt en kode til din telefon eller e-mail."))
            return redirect(request.path)
        request.session.cycle_key()
        participant = services.guest_verify(
            token=token,
            code=request.POST.get("code", ""),
            session_key=_session_key(request),
        )
    except ValidationFailed as error:
        form.is_valid()
        form_add_domain_errors(form, error)
        return _guest_page(request, token, form, status=422)
    request.session[GUEST_SESSION_KEY] = str(participant.pk)
    return redirect(reverse("consultations:guest_room", kwargs={"token": token}))


@access_rule(PUBLIC)
@require_GET
def guest_room(request: Any, token: str) -> HttpResponse:
    participant = selectors.guest_get(token=token)
    if (
        request.session.get(GUEST_SESSION_KEY) != str(participant.pk)
        or participant.verified_session != request.session.session_key
    ):
        return redirect(reverse("consultations:join", kwargs={"token": token}))
    c = participant.consultation
    return render(
        request,
        "consultations/room.html",
        {
            "c": c,
            "staff": False,
            "guest": participant,
            "config": _room_config(consultation=c, participant_id=participant.pk, role="guest"),
            "texts": _room_texts(),
        },
    )


# --- The citizen's own page -----------------------------------------------------------------


@access_rule(CITIZEN)
@require_GET
def citizen_consultations(request: CitizenRequest) -> HttpResponse:
    citizen = request.citizen_account.citizen
    rows = selectors.consultation_list_for_citizen(citizen=citizen)
    now = timezone.now()
    upcoming = [c for c in rows if c.status == ConsultationStatus.BOOKED and c.ends_at > now]
    past = [c for c in rows if c not in upcoming]
    return render(
        request,
        "consultations/citizen_list.html",
        {"upcoming": list(reversed(upcoming)), "past": past, "citizen": citizen},
    )


@access_rule(CITIZEN)
@require_POST
def citizen_cancel(request: CitizenRequest, consultation_id: Any) -> HttpResponse:
    try:
        services.consultation_cancel_by_citizen(
            citizen=request.citizen_account.citizen, consultation_id=consultation_id
        )
    except ValidationFailed as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Besøget er aflyst."))
    return redirect("consultations:citizen_list")


@access_rule(CITIZEN)
@require_http_methods(["GET", "POST"])
def citizen_rebook(request: CitizenRequest, consultation_id: Any) -> HttpResponse:
    citizen = request.citizen_account.citizen
    c = next(
        (
            x
            for x in selectors.consultation_list_for_citizen(citizen=citizen)
            if str(x.pk) == str(consultation_id)
        ),
        None,
    )
    if c is None:
        raise NotFound()
    form = CitizenRebookForm(
        request.POST or None, initial={"starts_at": timezone.localtime(c.starts_at)}
    )
    return form_handle(
        request,
        form,
        save=lambda data: services.consultation_rebook_by_citizen(
            citizen=citizen, consultation_id=c.pk, starts_at=data["starts_at"]
        ),
        success_url=reverse("consultations:citizen_list"),
        success_message=_("Besøget er flyttet. Du får et nyt link."),
        template="consultations/citizen_rebook.html",
        context={"c": c},
        partial=None,
    )
