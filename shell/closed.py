"""allauth pages of features eCabinet does not offer.

Users do not manage their own email addresses (unit administrators keep them, Điều 4.3), so
allauth's address management, its email confirmation and the re-authentication that guards them
are closed: they answer 404 like any page that does not exist, in Vietnamese.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def not_offered(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
