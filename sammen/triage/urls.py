from django.urls import path

from sammen.triage import views

app_name = "triage"

urlpatterns = [
    path("tavle/", views.board, name="board"),
    path("borger/<uuid:citizen_id>/", views.triage_citizen, name="citizen"),
    path("borger/<uuid:citizen_id>/maalinger/", views.observations_new, name="observations_new"),
    path(
        "borger/<uuid:citizen_id>/aendringsskema/",
        views.change_report_new,
        name="change_report_new",
    ),
    path("borger/<uuid:citizen_id>/farve/", views.triage_review, name="review"),
    path("borger/<uuid:citizen_id>/opfoelgning/", views.follow_up_new, name="follow_up_new"),
    path("borger/<uuid:citizen_id>/iltmaal/", views.scale_two, name="scale_two"),
    path("besked/<uuid:notification_id>/laest/", views.notification_read, name="notification_read"),
    path("opfoelgning/<uuid:task_id>/luk/", views.follow_up_close, name="follow_up_close"),
    path(
        "maaling/<uuid:observation_id>/ret/", views.observation_correct, name="observation_correct"
    ),
]
