from django.urls import path

from sammen.citizens import views

app_name = "citizens"

urlpatterns = [
    path("", views.citizen_search, name="search"),
    path("ny/", views.citizen_create, name="create"),
    path("mine/", views.citizen_list_mine, name="mine"),
    path("<uuid:citizen_id>/", views.citizen_overview, name="overview"),
    path("<uuid:citizen_id>/cpr/", views.citizen_cpr_reveal, name="cpr_reveal"),
    path("<uuid:citizen_id>/rediger/", views.citizen_edit, name="edit"),
    path("<uuid:citizen_id>/status/", views.citizen_status, name="status"),
    path("<uuid:citizen_id>/paaroerende/ny/", views.relative_add, name="relative_add"),
    path("paaroerende/<uuid:relative_id>/fjern/", views.relative_remove, name="relative_remove"),
    path("<uuid:citizen_id>/samtykker/ny/", views.consent_give, name="consent_give"),
    path(
        "samtykker/<uuid:consent_id>/tilbagekald/", views.consent_withdraw, name="consent_withdraw"
    ),
    path("<uuid:citizen_id>/ansvar/", views.responsibility_set, name="responsibility_set"),
]
