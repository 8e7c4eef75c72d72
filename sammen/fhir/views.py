"""The FHIR R4 endpoints (`/fhir/R4/…`): parse → registry source (which reads through the
access gate or the list kernel) → FHIR JSON. Every error is an OperationOutcome.

Authentication is the view's own (rule `FHIR_AUTH`, delegated): a bearer token of a system
client or a complete staff session; a citizen's own login reads only their AuditEvents. The
facade only reads, so every view is exempt from CSRF (unsafe methods answer 405)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from oauth2_provider.views import TokenView

from sammen.core.access_rules import PUBLIC, Rule, access_rule, needs
from sammen.core.errors import DomainError, ValidationFailed
from sammen.core.forms import form_add_domain_errors
from sammen.core.logs import log_safe
from sammen.core.requests import ActorRequest
from sammen.fhir import capability, http, registry, search, selectors, services
from sammen.fhir.auth import fhir_context
from sammen.fhir.errors import FhirError, from_domain, not_found
from sammen.fhir.forms import SystemClientForm
from sammen.fhir.resources import audit_event
from sammen.organisation.permissions import Permission

log = logging.getLogger("sammen.fhir")

# The view authenticates itself (bearer token or session) and answers 401 OperationOutcome.
FHIR_AUTH = Rule("fhir", delegated=True)
_READ_METHODS = ("GET", "HEAD")


def _guarded(
    view: Callable[..., HttpResponse], methods: tuple[str, ...] = _READ_METHODS
) -> Callable[..., HttpResponse]:
    """Negotiation first, then the view; every failure becomes an OperationOutcome."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            http.negotiate(request)
            if request.method not in methods:
                raise FhirError(
                    405, "Sammens FHIR-adgang er kun til læsning.", code="not-supported"
                )
            return view(request, *args, **kwargs)
        except FhirError as error:
            return http.error_response(error)
        except DomainError as error:
            return http.error_response(from_domain(error))
        except (ValueError, KeyError, TypeError) as error:
            # Input we did not foresee must still never be a 500 (issue 14).
            log.warning(
                "FHIR-forespørgsel afvist",
                extra={"path": log_safe(request.path), "error": type(error).__name__},
            )
            return http.error_response(FhirError(400, "Forespørgslen kunne ikke læses."))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return csrf_exempt(wrapped)


def _type(name: str) -> registry.ResourceType:
    rtype = registry.get(name)
    if rtype is None:
        raise FhirError(
            404, "Ressourcetypen understøttes ikke. Se /fhir/R4/metadata.", code="not-supported"
        )
    return rtype


def _citizen_self(request: HttpRequest) -> Any:
    account = getattr(request, "citizen_account", None)
    if account is not None and not request.headers.get("Authorization"):
        return account.citizen
    return None


@access_rule(FHIR_AUTH)
@_guarded
def search_type(request: HttpRequest, resource_type: str) -> HttpResponse:
    rtype = _type(resource_type)
    query = search.parse(rtype, request.GET)
    citizen = _citizen_self(request) if resource_type == "AuditEvent" else None
    base = request.build_absolute_uri("/fhir/R4").rstrip("/")
    if citizen is not None:
        page = audit_event.citizen_own(citizen, query)
        return http.respond(http.searchset(base, resource_type, query, page))
    ctx = fhir_context(request, resource_type, "s")
    page = rtype.search(ctx, query)
    return http.respond(http.searchset(ctx.base_url, resource_type, query, page))


def _search_post(request: HttpRequest, resource_type: str) -> HttpResponse:
    """`POST [type]/_search`: the same search with the parameters in a form body. The caller
    is authenticated before the body is looked at."""
    rtype = _type(resource_type)
    ctx = fhir_context(request, resource_type, "s")
    http.require_form_body(request)
    params = request.GET.copy()
    for name, values in request.POST.lists():
        params.setlist(name, params.getlist(name) + values)
    query = search.parse(rtype, params)
    page = rtype.search(ctx, query)
    return http.respond(http.searchset(ctx.base_url, resource_type, query, page))


search_post = access_rule(FHIR_AUTH)(_guarded(_search_post, methods=("POST",)))


@access_rule(FHIR_AUTH)
@_guarded
def read(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    rtype = _type(resource_type)
    ctx = fhir_context(request, resource_type, "r")
    source = rtype.source_for(resource_id)
    if source is None or len(resource_id) > 64:
        raise not_found()
    return http.read_response(request, source.read(ctx, resource_id))


def _versions(request: HttpRequest, resource_type: str, resource_id: str) -> tuple[Any, list[Any]]:
    rtype = _type(resource_type)
    ctx = fhir_context(request, resource_type, "r")
    source = rtype.source_for(resource_id)
    if source is None or len(resource_id) > 64:
        raise not_found()
    if source.history is None:
        raise FhirError(405, f"{resource_type} har ingen historik i Sammen.", code="not-supported")
    return ctx, source.history(ctx, resource_id)


@access_rule(FHIR_AUTH)
@_guarded
def history(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    ctx, versions = _versions(request, resource_type, resource_id)
    return http.respond(http.history_bundle(ctx.base_url, versions))


@access_rule(FHIR_AUTH)
@_guarded
def vread(
    request: HttpRequest, resource_type: str, resource_id: str, version_id: str
) -> HttpResponse:
    _ctx, versions = _versions(request, resource_type, resource_id)
    found = next((v for v in versions if v["meta"].get("versionId") == version_id), None)
    if found is None:
        raise not_found()
    return http.read_response(request, found)


def _token_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir/auth/token")


@access_rule(PUBLIC)
@_guarded
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement (public: it names no data)."""
    base = request.build_absolute_uri("/fhir/R4").rstrip("/")
    return http.respond(capability.capability_statement(base, _token_url(request)))


@access_rule(PUBLIC)
@_guarded
def smart_configuration(request: HttpRequest) -> HttpResponse:
    response = http.respond(capability.smart_configuration(_token_url(request)))
    response["Content-Type"] = "application/json"
    return response


# OAuth2 token endpoint (client credentials). django-oauth-toolkit's view is CSRF-exempt and
# answers RFC 6749 JSON errors itself.
token = access_rule(PUBLIC)(TokenView.as_view())


# --- Administration: system clients ------------------------------------------------------------


@access_rule(needs(Permission.ORGANISATION_ADMIN))
@require_GET
def client_list(request: ActorRequest) -> HttpResponse:
    return render(
        request,
        "fhir/client_list.html",
        {"clients": selectors.client_list(actor=request.actor)},
    )


@access_rule(needs(Permission.ORGANISATION_ADMIN))
@require_http_methods(["GET", "POST"])
def client_create(request: ActorRequest) -> HttpResponse:
    """A plain (non-htmx) form: on success the page that shows the secret, once."""
    actor = request.actor
    form = SystemClientForm(request.POST or None, actor=actor)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                issued = services.client_create(
                    actor=actor,
                    name=data["name"],
                    unit_id=data["unit"].pk,
                    purpose=data["purpose"],
                    scopes=list(data["scopes"]),
                    may_see_cpr=data["may_see_cpr"],
                )
            except ValidationFailed as error:
                form_add_domain_errors(form, error)
            else:
                return render(request, "fhir/client_secret.html", {"issued": issued})
    return render(request, "fhir/client_form.html", {"form": form}, status=status)


@access_rule(needs(Permission.ORGANISATION_ADMIN))
@require_POST
def client_rotate(request: ActorRequest, client_id: Any) -> HttpResponse:
    issued = services.client_rotate_secret(actor=request.actor, client_id=client_id)
    return render(request, "fhir/client_secret.html", {"issued": issued, "rotated": True})


@access_rule(needs(Permission.ORGANISATION_ADMIN))
@require_POST
def client_deactivate(request: ActorRequest, client_id: Any) -> HttpResponse:
    client = services.client_deactivate(actor=request.actor, client_id=client_id)
    messages.success(request, _("Systemklienten %(name)s er deaktiveret.") % {"name": client.name})
    return redirect("fhir_admin:client_list")
