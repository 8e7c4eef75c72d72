from django.urls import path

from sammen.consultations import views

app_name = "consultations"

urlpatterns = [
    path("video/", views.consultation_list, name="list"),
    path("video/borger/<uuid:citizen_id>/book/", views.consultation_book, name="book"),
    path("video/<uuid:consultation_id>/", views.consultation_detail, name="detail"),
    path("video/<uuid:consultation_id>/flyt/", views.consultation_rebook, name="rebook"),
    path("video/<uuid:consultation_id>/aflys/", views.consultation_cancel, name="cancel"),
    path("video/<uuid:consultation_id>/rum/", views.consultation_room, name="room"),
    path("video/<uuid:consultation_id>/afslut/", views.consultation_end, name="end"),
    path("video/deltag/<str:token>/", views.guest_join, name="join"),
    path("video/deltag/<str:token>/rum/", views.guest_room, name="guest_room"),
    path("min-side/video/", views.citizen_consultations, name="citizen_list"),
    path(
        "min-side/video/<uuid:consultation_id>/aflys/", views.citizen_cancel, name="citizen_cancel"
    ),
    path(
        "min-side/video/<uuid:consultation_id>/flyt/", views.citizen_rebook, name="citizen_rebook"
    ),
]
