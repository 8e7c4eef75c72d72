from django.urls import path

from sammen.care_plans import views

app_name = "care_plans"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("team/", views.team_list, name="team_list"),
    path("borger/<uuid:citizen_id>/henvendelse/", views.request_create, name="request_create"),
    path("borger/<uuid:citizen_id>/plan/", views.care_plan, name="plan"),
    path("henvendelse/<uuid:request_id>/udredning/", views.case, name="case"),
    path("udredning/<uuid:case_id>/afgoerelse/", views.decision_create, name="decision_create"),
    path("afgoerelse/<uuid:decision_id>/", views.decision, name="decision"),
    path("afgoerelse/<uuid:decision_id>/sendt/", views.decision_sent, name="decision_sent"),
    path("afgoerelse/<uuid:decision_id>/brev.pdf", views.decision_letter, name="letter"),
    path("opfoelgning/<uuid:follow_up_id>/", views.follow_up, name="follow_up"),
]
