"""Support-only Django admin (the product's own pages are under /administration/).

django-otp's admin site: only a superuser with a verified second factor gets in. There is
one login page for everything (/log-ind/, with lockout and TOTP), so the admin's own login
and logout send people there.
"""

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_otp.admin import OTPAdminSite


class SupportAdminSite(OTPAdminSite):  # type: ignore[misc]
    site_header = "Sammen support"
    site_title = "Sammen support"

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return redirect_to_login(request.GET.get("next", "/support/"), "/log-ind/")

    def logout(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return redirect("organisation:login")


support_admin_site = SupportAdminSite(name="support")
