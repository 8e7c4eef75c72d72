from django.urls import path

from sammen.fhir import views

app_name = "fhir"

urlpatterns = [
    path("auth/token", views.token, name="token"),
    path("R4/metadata", views.metadata, name="metadata"),
    path(
        "R4/.well-known/smart-configuration",
        views.smart_configuration,
        name="smart_configuration",
    ),
    path("R4/<str:resource_type>", views.search_type, name="search"),
    path("R4/<str:resource_type>/_search", views.search_post, name="search_post"),
    path("R4/<str:resource_type>/<str:resource_id>", views.read, name="read"),
    path("R4/<str:resource_type>/<str:resource_id>/_history", views.history, name="history"),
    path(
        "R4/<str:resource_type>/<str:resource_id>/_history/<str:version_id>",
        views.vread,
        name="vread",
    ),
]

# The administration page (mounted under /administration/systemklienter/ in config/urls.py).
admin_urlpatterns = [
    path("", views.client_list, name="client_list"),
    path("ny/", views.client_create, name="client_create"),
    path("<uuid:client_id>/ny-noegle/", views.client_rotate, name="client_rotate"),
    path("<uuid:client_id>/deaktiver/", views.client_deactivate, name="client_deactivate"),
]
