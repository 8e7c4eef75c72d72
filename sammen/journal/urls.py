from django.urls import path

from sammen.journal import views

app_name = "journal"

urlpatterns = [
    path("borger/<uuid:citizen_id>/", views.journal_overview, name="overview"),
    path(
        "borger/<uuid:citizen_id>/dokumenter/<slug:template_key>/",
        views.entry_create,
        name="entry_create",
    ),
    path("borger/<uuid:citizen_id>/tilstand/<str:code>/", views.item_history, name="item_history"),
    path("notat/<uuid:entry_id>/", views.entry_detail, name="entry_detail"),
    path("notat/<uuid:entry_id>/ret/", views.entry_correct, name="entry_correct"),
    path(
        "notat/<uuid:entry_id>/fejlregistrering/",
        views.entry_mark_in_error,
        name="entry_mark_in_error",
    ),
]
