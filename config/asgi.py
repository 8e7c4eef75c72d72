"""ASGI entry point: HTTP (the same Django views as WSGI) and WebSockets (the video visits'
signalling, `sammen/consultations/consumers.py`).

Development (`make run`): daphne's runserver serves both. Production: gunicorn (WSGI,
config/gunicorn_conf.py) keeps serving the pages; daphne serves this application for the
`/ws/` paths only, behind the same proxy (docs/architecture.md "Video visits").
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()  # before importing anything that touches models

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from sammen.consultations.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
