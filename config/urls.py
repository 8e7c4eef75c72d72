"""Root URL configuration. Every view declares an access rule (sammen.core.access_rules)."""

from django.urls import include, path

from config.admin import support_admin_site
from config.api import api
from sammen.core.access_rules import DELEGATED_ADMIN, DELEGATED_API, declare_rule_on_patterns
from sammen.fhir import urls as fhir_urls
from sammen.visits import views as visits_views

handler400 = "sammen.core.views.bad_request"
handler404 = "sammen.core.views.not_found"
handler403 = "sammen.core.views.forbidden"
handler500 = "sammen.core.views.server_error"

urlpatterns = [
    path("", include("sammen.organisation.urls")),
    path("borgere/", include("sammen.citizens.urls")),
    path("", include("sammen.access.urls")),
    path("journal/", include("sammen.journal.urls")),
    path("besoeg/", include("sammen.visits.urls")),
    # The day list's installable web app: manifest and service worker from the root scope.
    path("manifest.webmanifest", visits_views.manifest, name="pwa_manifest"),
    path("sw.js", visits_views.service_worker, name="pwa_service_worker"),
    path("visitation/", include("sammen.care_plans.urls")),
    path("triage/", include("sammen.triage.urls")),
    path("fhir/", include("sammen.fhir.urls")),
    path(
        "administration/systemklienter/",
        include((fhir_urls.admin_urlpatterns, "fhir_admin")),
    ),
    path("", include("sammen.consultations.urls")),
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
