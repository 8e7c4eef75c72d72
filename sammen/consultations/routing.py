from django.urls import path

from sammen.consultations import consumers

websocket_urlpatterns = [
    path("ws/video/<uuid:consultation_id>/", consumers.RoomConsumer.as_asgi()),
]
