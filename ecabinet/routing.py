from django.urls import path

from core.consumers import PingConsumer
from live.consumers import DisplayConsumer, MeetingConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
    path("ws/meetings/<int:meeting_id>/", MeetingConsumer.as_asgi()),
    path("ws/display/<str:token>/", DisplayConsumer.as_asgi()),
]
