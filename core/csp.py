"""Content-Security-Policy on every response (Django 5.2 has no CSP of its own; 6.0 will).

The policy allows scripts and stylesheets only from our own origin: no inline <script>, no
on*= handler, no style attribute or <style> element, no eval. `<script type="application/json">`
blocks (`json_script`) are data, not scripts, and need nothing. Websockets go back to our own
host ('self' covers ws:/wss: of the same host in CSP Level 3 browsers). Forms post to our own
origin, and to the OpenID Connect provider when single sign-on is configured: the sign-in button
posts to us and is redirected there, and browsers check form-action on that redirect too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"

DIRECTIVES: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "media-src": ["'self'", "blob:"],
    "frame-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}


def _sso_origins(providers: object) -> list[str]:
    origins: list[str] = []
    apps = (providers or {}).get("openid_connect", {}).get("APPS", []) if isinstance(providers, dict) else []
    for app in apps:
        parts = urlsplit(str(app.get("settings", {}).get("server_url", "")))
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


@cache
def _policy(sso_origins: tuple[str, ...]) -> str:
    directives = {name: list(sources) for name, sources in DIRECTIVES.items()}
    directives["form-action"].extend(sso_origins)
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def policy() -> str:
    """The header value under the current settings (the SSO provider may change in tests)."""
    return _policy(tuple(_sso_origins(getattr(settings, "SOCIALACCOUNT_PROVIDERS", {}))))


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(HEADER, policy())
        return response
