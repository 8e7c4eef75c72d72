from django.urls import path

from sammen.access import views

app_name = "access"

urlpatterns = [
    path("adgang/udvidet/<uuid:citizen_id>/", views.grant_create, name="grant_create"),
    path("adgang/gennemgang/", views.review_queue, name="review_queue"),
    path("adgang/gennemgang/<uuid:item_id>/", views.review_resolve, name="review_resolve"),
    path("min-side/", views.citizen_log, name="citizen_log"),
    path("min-side/log.csv", views.citizen_log_csv, name="citizen_log_csv"),
    path("min-side/log.pdf", views.citizen_log_pdf, name="citizen_log_pdf"),
]
