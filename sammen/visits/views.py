"""The home-care day on a phone: the day list (kørliste) with one-tap delivery, the offline
sync endpoint, the team planner's day (assignment, deviations), one-off visits, absences, and
the PWA's manifest and service worker (served from the root scope)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sammen.citizens.selectors import citizen_list_mine
from sammen.core.access_rules import PUBLIC, access_rule, needs
from sammen.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from sammen.core.forms import form_handle
from sammen.core.middleware import problem_response
from sammen.core.requests import ActorRequest
from sammen.organisation.permissions import Permission
from sammen.visits import selectors, services
from sammen.visits.forms import AbsenceForm, DeliveryForm, OneOffForm, new_client_id
from sammen.visits.models import DeliveryOutcome, VisitStatus
from sammen.visits.reasons import reason_choices


def _day(request: ActorRequest) -> dt.date:
    return parse_date(request.GET.get("dag", "") or "") or timezone.localdate()


def shift_end(day: dt.date) -> dt.datetime:
    """When the offline copy of a day list expires (end of the shift; configurable)."""
    hour = int(getattr(settings, "SAMMEN_VISIT_SHIFT_END_HOUR", 23))
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=timezone.get_current_timezone())


def _day_page(
    request: ActorRequest, *, errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    actor = request.actor
    day = _day(request)
    data = selectors.day_list(actor=actor, day=day)
    return render(
        request, "visits/day.html", {"p": day_context(request, data, errors)}, status=status
    )


def day_context(
    request: ActorRequest, data: selectors.DayList, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "d": data,
        "today": timezone.localdate(),
        "errors": errors or {},
        "reasons": reason_choices(),
        "outcomes": DeliveryOutcome,
        "planned": VisitStatus.PLANNED,
        "items": [(r, new_client_id(), (errors or {}).get(str(r.visit.pk), "")) for r in data.rows],
        "expires": shift_end(data.day).isoformat(),
        "sync_url": reverse("visits:sync"),
    }


def start_panel(request: ActorRequest) -> dict[str, Any]:
    """The start page of a care role: today's day list below the greeting."""
    data = selectors.day_list(actor=request.actor)
    return {**day_context(request, data), "on_start": True}


def team_start_panel(request: ActorRequest) -> dict[str, Any]:
    """The start page of a planner: the team's day in figures, with the way to assign."""
    team = selectors.team_day(actor=request.actor)
    return {"t": team}


@access_rule(needs(Permission.VISIT_DELIVER))
@require_GET
def day_list(request: ActorRequest) -> HttpResponse:
    response = _day_page(request)
    if _day(request) == timezone.localdate():
        # The service worker keeps today's list for offline use until the end of the shift.
        response["X-Sammen-Offline-Expires"] = shift_end(timezone.localdate()).isoformat()
    return response


@access_rule(needs(Permission.VISIT_DELIVER))
@require_POST
def deliver(request: ActorRequest, visit_id: Any) -> HttpResponse:
    """One tap "leveret" (or with a note, or "ikke leveret" with a reason). The form carries a
    client id made when the page was shown, so a double tap is stored once."""
    selectors.visit_check(actor=request.actor, visit_id=visit_id)
    ids = [k.removeprefix("missing-") for k in request.POST if k.startswith("missing-")]
    form = DeliveryForm(request.POST, service_ids=ids)
    key = str(visit_id)
    if not form.is_valid():
        first = str(next(iter(form.errors.values()))[0])
        return _day_page(request, errors={key: first}, status=422)
    answer = services.delivery_record(
        actor=request.actor,
        data=services.DeliveryInput(
            client_id=form.cleaned_data["client_id"],
            visit_id=visit_id,
            outcome=form.cleaned_data["outcome"],
            reason_code=form.cleaned_data["reason_code"] or "",
            note=form.cleaned_data["note"] or "",
            not_delivered=form.not_delivered(),
        ),
    )
    if answer.reason == services.VISIT_MISSING:
        raise NotFound(answer.reason)  # another municipality's visit: 404 like a missing one
    if answer.reason == services.VISIT_OTHER_TEAM:
        raise Forbidden(answer.reason)
    if answer.result == services.Answer.REFUSED:
        return _day_page(request, errors={key: answer.reason}, status=422)
    if answer.result == services.Answer.CONFLICT:
        return _day_page(request, errors={key: answer.reason}, status=409)
    messages.success(request, _("Besøget er registreret."))
    return redirect(reverse("visits:day") + f"#besoeg-{key}")


def _when(value: Any) -> dt.datetime | None:
    if not value:
        return None
    parsed = parse_datetime(str(value))
    if parsed is None:
        raise ValueError
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@access_rule(needs(Permission.VISIT_DELIVER))
@require_POST
def sync(request: ActorRequest) -> HttpResponse:
    """The offline queue: {"items": [{client_id, visit_id, outcome, reason_code, note,
    started_at, ended_at, recorded_at, not_delivered}]} → {"results": [{client_id, result,
    reason, field}]}, one answer per item (accepted / duplicate / conflict / refused)."""
    try:
        body = json.loads(request.body or b"{}")
        items = body["items"]
        if not isinstance(items, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return problem_response(
            ValidationFailed("Forespørgslen er ikke gyldig JSON med en liste 'items'.")
        )
    parsed: list[services.DeliveryInput] = []
    bad: dict[int, services.DeliveryAnswer] = {}
    for i, raw in enumerate(items):
        if not isinstance(raw, dict):
            bad[i] = services.DeliveryAnswer(
                client_id="", result=services.Answer.REFUSED, reason="Ugyldig registrering."
            )
            parsed.append(services.DeliveryInput(client_id="", visit_id=""))
            continue
        try:
            item = services.DeliveryInput(
                client_id=str(raw.get("client_id", "")),
                visit_id=str(raw.get("visit_id", "")),
                outcome=str(raw.get("outcome", DeliveryOutcome.DELIVERED)),
                reason_code=str(raw.get("reason_code") or ""),
                note=str(raw.get("note") or ""),
                started_at=_when(raw.get("started_at")),
                ended_at=_when(raw.get("ended_at")),
                recorded_at=_when(raw.get("recorded_at")),
                not_delivered={
                    str(k): str(v) for k, v in dict(raw.get("not_delivered") or {}).items()
                },
                offline=bool(raw.get("offline", True)),
            )
        except (ValueError, TypeError):
            bad[i] = services.DeliveryAnswer(
                client_id=str(raw.get("client_id", "")),
                result=services.Answer.REFUSED,
                reason="Tidspunktet er ikke gyldigt.",
                field="started_at",
            )
            item = services.DeliveryInput(client_id="", visit_id="")
        parsed.append(item)
    good = [(i, item) for i, item in enumerate(parsed) if i not in bad]
    try:
        answers = services.sync_batch(actor=request.actor, items=[item for _i, item in good])
    except ValidationFailed as error:
        return problem_response(error)
    by_index = dict(zip([i for i, _item in good], answers, strict=True)) | bad
    return JsonResponse(
        {
            "results": [
                {
                    "client_id": a.client_id,
                    "result": a.result,
                    "reason": a.reason,
                    "field": a.field,
                    "visit_id": a.visit_id,
                }
                for a in (by_index[i] for i in range(len(parsed)))
            ]
        }
    )


# --- The team planner -------------------------------------------------------------------------


def _team_context(request: ActorRequest, errors: dict[str, str] | None = None) -> dict[str, Any]:
    team = selectors.team_day(
        actor=request.actor,
        unit_id=request.GET.get("team") or request.POST.get("team"),
        day=parse_date(request.GET.get("dag") or request.POST.get("dag") or "") or None,
    )
    return {"t": team, "errors": errors or {}, "today": timezone.localdate()}


@access_rule(needs(Permission.VISIT_PLAN))
@require_GET
def team_day(request: ActorRequest) -> HttpResponse:
    return render(request, "visits/team.html", _team_context(request))


@access_rule(needs(Permission.VISIT_PLAN))
@require_POST
def assign(request: ActorRequest) -> HttpResponse:
    """Save the assignments that changed (each visit on its own; errors beside the visit)."""
    errors: dict[str, str] = {}
    saved = 0
    for key in request.POST:
        if not key.startswith("staff-"):
            continue
        visit_id = key.removeprefix("staff-")
        staff = request.POST.get(key) or None
        second = request.POST.get(f"second-{visit_id}") or None
        before = (
            request.POST.get(f"was-{visit_id}") or None,
            request.POST.get(f"was2-{visit_id}") or None,
        )
        if (staff, second) == before:
            continue
        try:
            version = int(request.POST.get(f"version-{visit_id}") or 0) or None
            services.visit_assign(
                actor=request.actor,
                visit_id=visit_id,
                staff_id=staff,
                second_staff_id=second,
                version=version,
            )
            saved += 1
        except ValidationFailed as error:
            errors[visit_id] = str(next(iter(error.field_errors.values()))[0])
        except Conflict:
            errors[visit_id] = _("En anden har ændret besøget imens. Se den nye fordeling.")
        except ValueError:
            errors[visit_id] = _("Ugyldig version.")
    if errors:
        return render(request, "visits/team.html", _team_context(request, errors), status=422)
    messages.success(request, _("Fordelingen er gemt (%(n)s besøg).") % {"n": saved})
    query = f"?team={request.POST.get('team', '')}&dag={request.POST.get('dag', '')}"
    return redirect(reverse("visits:team") + query)


@access_rule(needs(Permission.VISIT_PLAN))
@require_http_methods(["GET", "POST"])
def one_off(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    mine = citizen_list_mine(actor=actor)
    team = selectors.team_day(actor=actor)
    form = OneOffForm(
        request.POST or None,
        initial={"day": timezone.localdate(), "kind": "acute", "minutes": 15},
        citizens=[(str(c.pk), c.full_name) for c in mine.citizens],
        staff=[(str(s.pk), f"{s.first_name} {s.last_name}") for s in team.staff],
    )
    return form_handle(
        request,
        form,
        save=lambda d: services.visit_one_off_add(
            actor=actor,
            data=services.OneOffInput(
                citizen_id=d["citizen_id"],
                day=d["day"],
                at=d["at"],
                minutes=d["minutes"],
                title=d["title"],
                kind=d["kind"],
                note=d["note"],
                staff_id=d["staff_id"] or None,
            ),
        ),
        success_url=lambda v: reverse("visits:team") + f"?team={v.unit_id}&dag={v.day}",
        success_message=_("Besøget er oprettet."),
        template="visits/one_off.html",
        partial=None,
    )


@access_rule(needs(Permission.CITIZEN_READ))
@require_http_methods(["GET", "POST"])
def absence(request: ActorRequest, citizen_id: Any) -> HttpResponse:
    """The citizen is looked up first (404 / 403 with break-the-glass like every citizen
    route), then the planning permission is required."""
    actor = request.actor
    citizen = selectors.absence_citizen(actor=actor, citizen_id=citizen_id)
    services.plan_require(actor=actor)
    form = AbsenceForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    return form_handle(
        request,
        form,
        save=lambda d: services.absence_record(
            actor=actor,
            citizen_id=citizen_id,
            kind=d["kind"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
        ),
        success_url=reverse("visits:team"),
        success_message=_("Fraværet er registreret, og besøgene i perioden er aflyst."),
        template="visits/absence.html",
        partial=None,
        context={"citizen": citizen},
    )


# --- The installable web app ------------------------------------------------------------------


@access_rule(PUBLIC)
@require_GET
def manifest(request: Any) -> HttpResponse:
    data = {
        "name": "Sammen – køreliste",
        "short_name": "Sammen",
        "lang": "da",
        "start_url": reverse("visits:day"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4f73",
        "icons": [{"src": static("sammen/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@access_rule(PUBLIC)
@require_GET
def service_worker(request: Any) -> HttpResponse:
    """The service worker from the root, so its scope covers the day list and logout."""
    path = settings.BASE_DIR / "sammen" / "visits" / "static" / "visits" / "sw.js"
    response = HttpResponse(path.read_text(), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
