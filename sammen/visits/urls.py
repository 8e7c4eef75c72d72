from django.urls import path

from sammen.visits import views

app_name = "visits"

urlpatterns = [
    path("i-dag/", views.day_list, name="day"),
    path("<uuid:visit_id>/levering/", views.deliver, name="deliver"),
    path("synk/", views.sync, name="sync"),
    path("team/", views.team_day, name="team"),
    path("team/fordel/", views.assign, name="assign"),
    path("nyt/", views.one_off, name="one_off"),
    path("borger/<uuid:citizen_id>/fravaer/", views.absence, name="absence"),
]
