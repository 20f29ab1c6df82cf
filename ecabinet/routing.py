from channels.auth import AuthMiddlewareStack
from django.urls import path

from core.consumers import PingConsumer
from core.ws_auth import SessionKeyMiddleware
from live.consumers import DisplayConsumer, MeetingConsumer

# Who is signed in, per route: the meeting room resolves the session's user in its own single
# trip to the database thread (core/ws_auth.py); the room display has a token, no login.
websocket_urlpatterns = [
    path("ws/ping/", AuthMiddlewareStack(PingConsumer.as_asgi())),
    path("ws/meetings/<int:meeting_id>/", SessionKeyMiddleware(MeetingConsumer.as_asgi())),
    path("ws/display/<str:token>/", DisplayConsumer.as_asgi()),
]
