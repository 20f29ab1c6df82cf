from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.context import RequestInfo, client_ip, reset_request_info, set_request_info


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        info = RequestInfo(ip=client_ip(request.META), user_agent=request.META.get("HTTP_USER_AGENT", "")[:500])
        token = set_request_info(info)
        try:
            return self.get_response(request)
        finally:
            reset_request_info(token)
