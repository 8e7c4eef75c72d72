from django.urls import path

from sammen.insight import views

app_name = "insight"
urlpatterns = [
    path("", views.insight_home, name="home"),
    path("team/", views.team, name="team"),
    path(
        "team/<slug:figure_id>/<str:unit_id>/<str:period_key>/",
        views.drilldown,
        name="drilldown",
    ),
    path("kommune/", views.municipality, name="municipality"),
    path("kommune/noegletal.csv", views.municipality_csv, name="municipality_csv"),
    path("politik/", views.council, name="council"),
    path("politik/<slug:area>/", views.council_area, name="council_area"),
    path("definitioner/", views.definitions, name="definitions"),
]
