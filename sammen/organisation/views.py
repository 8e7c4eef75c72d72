"""Login, two-factor, start page, role switch and the municipality's administration pages."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from sammen.core.access_rules import (
    AUTH_COMPLETE,
    AUTH_MFA_PENDING,
    MFA_PENDING,
    PUBLIC,
    STAFF,
    access_rule,
    needs,
)
from sammen.core.errors import ValidationFailed
from sammen.core.forms import form_handle
from sammen.core.requests import ActorRequest
from sammen.organisation import selectors, services
from sammen.organisation.forms import (
    LoginForm,
    MembershipForm,
    StaffCreateForm,
    StaffEditForm,
    TotpForm,
    UnitForm,
    staff_initial,
)
from sammen.organisation.models import MembershipRequest
from sammen.organisation.permissions import AGGREGATES_ONLY, Permission
from sammen.organisation.start import start_panels_for


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- Login ----------------------------------------------------------------------------------


@access_rule(PUBLIC)
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    state = getattr(request, "auth_state", None)
    if state == AUTH_COMPLETE:
        return redirect("organisation:home")
    if state == AUTH_MFA_PENDING:
        return redirect("organisation:mfa")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.login_complete(request=request, user=form.get_user())
            if services.mfa_required_for(form.get_user()):
                return redirect(f"/log-ind/totp/?next={_safe_next(request, '/')}")
            if hasattr(form.get_user(), "citizen_account"):
                return redirect("/min-side/")
            return redirect(_safe_next(request, "/"))
        return render(request, "organisation/login.html", {"form": form}, status=422)
    return render(request, "organisation/login.html", {"form": form})


def login_locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes lockout: the same answer whether or not the username exists."""
    context = {
        "form": LoginForm(request),
        "lockout": "For mange mislykkede forsøg. Kontoen er midlertidigt låst. Prøv igen senere.",
    }
    return render(request, "organisation/login.html", context, status=429)


@access_rule(MFA_PENDING)
@require_http_methods(["GET", "POST"])
def mfa_view(request: HttpRequest) -> HttpResponse:
    """Second factor: verify a TOTP code, or enrol a new authenticator app the first time."""
    if getattr(request, "auth_state", None) == AUTH_COMPLETE:
        return redirect("organisation:home")
    user: Any = request.user
    enrolling = not user.totpdevice_set.filter(confirmed=True).exists()
    context: dict[str, Any] = {"enrolling": enrolling, "next": _safe_next(request, "/")}
    if enrolling:
        device = services.totp_device_for_enrolment(user=user)
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
        context["secret"] = _base32(device.bin_key)
    form = TotpForm(request.POST or None)
    context["form"] = form
    if request.method == "POST":
        if form.is_valid() and services.totp_verify(
            request=request, user=user, token=form.cleaned_data["token"]
        ):
            return redirect(context["next"])
        if form.is_valid():
            form.add_error("token", "Koden er forkert eller udløbet. Prøv den nyeste kode.")
        return render(request, "organisation/mfa.html", context, status=422)
    return render(request, "organisation/mfa.html", context)


def _base32(key: bytes) -> str:
    import base64

    text = base64.b32encode(key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@access_rule(MFA_PENDING)
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    services.session_end(request=request)
    messages.success(request, "Du er logget ud.")
    return redirect("organisation:login")


@access_rule(PUBLIC)
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    return django_set_language(request)


# --- Start page and role switch ---------------------------------------------------------------


@access_rule(STAFF)
def home(request: ActorRequest) -> HttpResponse:
    # Direktion and politicians work on figures only: their start page is the insight view.
    held = request.actor.permissions
    if held and held <= AGGREGATES_ONLY:
        return redirect("insight:home")
    # Care roles start on their day list (kørliste), planners on their teams' day: panels
    # contributed by the modules above (organisation.start).
    panels = [(p.template, p.load(request)) for p in start_panels_for(request.actor)]
    return render(request, "organisation/home.html", {"panels": panels})


@access_rule(STAFF)
@require_POST
def role_switch(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    membership = services.membership_activate(
        request=request, staff=actor.staff, membership_id=request.POST.get("membership")
    )
    messages.success(request, f"Du arbejder nu som {membership}.")
    return redirect(_safe_next(request, "/"))


# --- Administration -------------------------------------------------------------------------


@access_rule(needs(Permission.ORGANISATION_ADMIN))
def admin_index(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    return render(
        request,
        "organisation/admin/index.html",
        {
            "tree": selectors.unit_tree(actor=actor),
            "staff_list": selectors.staff_list(actor=actor).prefetch_related("memberships__unit"),
            "pending": selectors.membership_request_list(actor=actor),
            "permissions": selectors.permission_table_get(),
        },
    )


@access_rule(needs(Permission.ORGANISATION_ADMIN))
@require_http_methods(["GET", "POST"])
def unit_create(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    return form_handle(
        request,
        UnitForm(request.POST or None, actor=actor),
        save=lambda data: services.unit_create(
            actor=actor,
            name=data["name"],
            kind=data["kind"],
            area=data["area"],
            parent=data["parent"],
        ),
        success_message=lambda unit: _("Enheden %(name)s er oprettet.") % {"name": unit.name},
        success_url=reverse("organisation:admin_index"),
        template="organisation/admin/unit_form.html",
        context={"unit": None},
    )


@access_rule(needs(Permission.ORGANISATION_ADMIN))
@require_http_methods(["GET", "POST"])
def unit_edit(request: ActorRequest, unit_id: Any) -> HttpResponse:
    actor = request.actor
    unit = selectors.unit_get(actor=actor, unit_id=unit_id)
    initial = {
        "name": unit.name,
        "kind": unit.kind,
        "area": unit.area,
        "parent": unit.parent_id,
        "is_active": unit.is_active,
        "version": unit.version,
    }
    return form_handle(
        request,
        UnitForm(request.POST or None, initial=initial, actor=actor),
        save=lambda data: services.unit_update(
            actor=actor,
            unit=unit,
            name=data["name"],
            kind=data["kind"],
            area=data["area"],
            parent=data["parent"],
            is_active=data["is_active"],
            version=data.get("version"),
        ),
        success_message=_("Enheden er gemt."),
        success_url=reverse("organisation:admin_index"),
        template="organisation/admin/unit_form.html",
        context={"unit": unit},
    )


def _staff_url(staff_id: Any) -> str:
    return reverse("organisation:staff_edit", kwargs={"staff_id": staff_id})


@access_rule(needs(Permission.ORGANISATION_ADMIN))
@require_http_methods(["GET", "POST"])
def staff_create(request: ActorRequest) -> HttpResponse:
    """A new staff member lands on their own page, with the message saying what is next."""
    return form_handle(
        request,
        StaffCreateForm(request.POST or None),
        save=lambda data: services.staff_create(actor=request.actor, **data),
        success_message=lambda staff: (
            _(
                "%(name)s er oprettet med brugernavnet %(username)s. Giv medarbejderen en rolle "
                "i en enhed herunder, før vedkommende kan arbejde i Sammen."
            )
            % {"name": staff.full_name, "username": staff.user.username}
        ),
        success_url=lambda staff: _staff_url(staff.pk),
        template="organisation/admin/staff_form.html",
        context={"staff": None},
    )


def _staff_page(actor: Any, staff: Any) -> dict[str, Any]:
    return {
        "staff": staff,
        "memberships": selectors.membership_list(staff=staff),
        "membership_form": MembershipForm(actor=actor),
        "form": StaffEditForm(initial=staff_initial(staff) | {"version": staff.version}),
        "pending": selectors.membership_request_list(actor=actor, staff=staff),
    }


@access_rule(needs(Permission.ORGANISATION_ADMIN))
@require_http_methods(["GET", "POST"])
def staff_edit(request: ActorRequest, staff_id: Any) -> HttpResponse:
    actor = request.actor
    staff = selectors.staff_get(actor=actor, staff_id=staff_id)
    return form_handle(
        request,
        StaffEditForm(
            request.POST or None, initial=staff_initial(staff) | {"version": staff.version}
        ),
        save=lambda data: services.staff_update(actor=actor, staff=staff, **data),
        success_message=_("Medarbejderen er gemt."),
        success_url=_staff_url(staff.pk),
        template="organisation/admin/staff_form.html",
        context=lambda: _staff_page(actor, staff),
    )


@access_rule(needs(Permission.ORGANISATION_ADMIN))
@require_POST
def staff_set_active(request: ActorRequest, staff_id: Any) -> HttpResponse:
    actor = request.actor
    staff = selectors.staff_get(actor=actor, staff_id=staff_id)
    active = request.POST.get("active") == "1"
    try:
        services.staff_set_active(actor=actor, staff=staff, active=active)
    except ValidationFailed as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{staff.full_name} er aktiveret."
            if active
            else f"{staff.full_name} er deaktiveret, og alle sessioner er afsluttet.",
        )
    return redirect("organisation:staff_edit", staff_id=staff.pk)


@access_rule(needs(Permission.ORGANISATION_ADMIN))
@require_POST
def membership_add(request: ActorRequest, staff_id: Any) -> HttpResponse:
    actor = request.actor
    staff = selectors.staff_get(actor=actor, staff_id=staff_id)
    return form_handle(
        request,
        MembershipForm(request.POST, actor=actor),
        save=lambda data: services.membership_add(
            actor=actor, staff=staff, unit=data["unit"], role=data["role"]
        ),
        success_message=lambda added: (
            _("Rollen venter på, at en anden administrator godkender den.")
            if isinstance(added, MembershipRequest)
            else _("Rollen er tilføjet.")
        ),
        success_url=_staff_url(staff.pk),
        template="organisation/admin/staff_form.html",
        context=lambda: _staff_page(actor, staff),
        form_name="membership_form",
        partial=None,
    )


@access_rule(needs(Permission.ORGANISATION_ADMIN))
@require_POST
def membership_request_decide(request: ActorRequest, request_id: Any) -> HttpResponse:
    """A second administrator approves or rejects a pending role."""
    actor = request.actor
    pending = selectors.membership_request_get(actor=actor, request_id=request_id)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        raise ValidationFailed("Vælg Godkend eller Afvis.")
    approve = decision == "approve"
    try:
        services.membership_request_decide(actor=actor, request=pending, approve=approve)
    except ValidationFailed as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{pending.staff.full_name} har fået rollen {pending}."
            if approve
            else f"Anmodningen om rollen {pending} til {pending.staff.full_name} er afvist.",
        )
    return redirect(_safe_next(request, "/administration/"))


@access_rule(needs(Permission.ORGANISATION_ADMIN))
@require_POST
def membership_remove(request: ActorRequest, membership_id: Any) -> HttpResponse:
    actor = request.actor
    membership = selectors.membership_get(actor=actor, membership_id=membership_id)
    try:
        services.membership_remove(actor=actor, membership=membership)
    except ValidationFailed as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Rollen er fjernet.")
    return redirect("organisation:staff_edit", staff_id=membership.staff_id)


@access_rule(needs(Permission.ORGANISATION_ADMIN))
@require_POST
def municipality_settings(request: ActorRequest) -> HttpResponse:
    services.municipality_settings_update(
        actor=request.actor,
        show_staff_names_to_citizens=request.POST.get("show_staff_names_to_citizens") == "on",
    )
    messages.success(request, "Kommunens indstillinger er gemt.")
    return redirect("organisation:admin_index")
