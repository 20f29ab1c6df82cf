"""ASGI entry point: HTTP goes to Django, websockets to the Channels router.

Websocket routes are added by the apps that own live screens (ecabinet/routing.py), each with
the authentication it needs (the session's user, resolved by channels' middleware or, for the
meeting room, in the consumer's own database trip: core/ws_auth.py); each consumer authorizes
with the app's access helpers.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecabinet.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from ecabinet.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
