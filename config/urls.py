"""Root URL configuration. Every view declares an access rule (sammen.core.access_rules)."""

from django.urls import include, path

from config.admin import support_admin_site
from config.api import api
from sammen.core.access_rules import DELEGATED_ADMIN, DELEGATED_API, declare_rule_on_patterns

handler400 = "sammen.core.views.bad_request"
handler404 = "sammen.core.views.not_found"
handler403 = "sammen.core.views.forbidden"
handler500 = "sammen.core.views.server_error"

urlpatterns = [
    path("", include("sammen.organisation.urls")),
    path("borgere/", include("sammen.citizens.urls")),
    path("", include("sammen.access.urls")),
    path("journal/", include("sammen.journal.urls")),
    path("indsigt/", include("sammen.insight.urls")),
    # Support-only Django admin: superuser with a verified second factor (django-otp's site).
    path(
        "support/",
        (
            declare_rule_on_patterns(support_admin_site.get_urls(), DELEGATED_ADMIN),
            "admin",
            support_admin_site.name,
        ),
    ),
    # JSON API: django-ninja enforces its own auth on every operation (see config/api.py).
    path(
        "api/v1/",
        include(
            (declare_rule_on_patterns(api.urls[0], DELEGATED_API), api.urls[1]), namespace="api"
        ),
    ),
]
