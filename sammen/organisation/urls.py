from django.urls import path

from sammen.organisation import views

app_name = "organisation"

urlpatterns = [
    path("", views.home, name="home"),
    path("log-ind/", views.login_view, name="login"),
    path("log-ind/totp/", views.mfa_view, name="mfa"),
    path("log-ud/", views.logout_view, name="logout"),
    path("sprog/", views.set_language, name="set_language"),
    path("skift-rolle/", views.role_switch, name="role_switch"),
    path("administration/", views.admin_index, name="admin_index"),
    path("administration/indstillinger/", views.municipality_settings, name="settings"),
    path("administration/enheder/ny/", views.unit_create, name="unit_create"),
    path("administration/enheder/<uuid:unit_id>/", views.unit_edit, name="unit_edit"),
    path("administration/medarbejdere/ny/", views.staff_create, name="staff_create"),
    path("administration/medarbejdere/<uuid:staff_id>/", views.staff_edit, name="staff_edit"),
    path(
        "administration/medarbejdere/<uuid:staff_id>/aktiv/",
        views.staff_set_active,
        name="staff_set_active",
    ),
    path(
        "administration/medarbejdere/<uuid:staff_id>/roller/",
        views.membership_add,
        name="membership_add",
    ),
    path(
        "administration/anmodninger/<uuid:request_id>/",
        views.membership_request_decide,
        name="membership_request_decide",
    ),
    path(
        "administration/roller/<uuid:membership_id>/fjern/",
        views.membership_remove,
        name="membership_remove",
    ),
]
