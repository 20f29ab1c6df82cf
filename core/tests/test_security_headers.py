"""Browser-side hardening: every page carries a strict Content-Security-Policy and holds nothing
that policy would refuse (no inline script, no on*= handler, no style attribute or element, no
javascript: link), and `manage.py check --deploy` is clean with the production settings that
docs/configuration.md documents."""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser

from django.conf import settings
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from core.csp import HEADER, policy
from ecabinet.settings import oidc_apps
from shell.tests.test_vietnamese_pages import ROLES, SKIPPED_URL_NAMES, demo, parameter_sets, url_patterns

__all__ = ["demo"]

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "importmap"}
# The production settings of docs/configuration.md ("HTTPS behind a reverse proxy").
PRODUCTION = {
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789",
    "ALLOWED_HOSTS": "ecabinet.ninhbinh.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://ecabinet.ninhbinh.gov.vn",
    "SITE_URL": "https://ecabinet.ninhbinh.gov.vn",
    "SECURE_COOKIES": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "HSTS_SECONDS": "31536000",
    "HSTS_INCLUDE_SUBDOMAINS": "1",
    "HSTS_PRELOAD": "1",
}


class Refused(HTMLParser):
    """What the policy would refuse in a page, as short descriptions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src"):
            if (values.get("type") or "text/javascript").lower() not in DATA_SCRIPT_TYPES:
                self.found.append(f"inline <script {values}>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            elif name == "style":
                self.found.append(f'<{tag} style="{value}">')
            elif name in ("href", "action", "src", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value}>")


def refused_in(page: str) -> list[str]:
    parser = Refused()
    parser.feed(page)
    return parser.found


def test_the_checker_finds_what_the_policy_refuses() -> None:
    page = (
        '<script>alert(1)</script><script src="/static/x.js"></script>'
        '<script id="d" type="application/json">{"a": 1}</script>'
        '<button onclick="go()" style="color:red">x</button><a href="javascript:go()">y</a><style>p{}</style>'
    )
    assert len(refused_in(page)) == 5
    assert refused_in('<script src="/static/js/ecabinet.js" defer></script><p class="x">ok</p>') == []


def test_the_policy_is_strict() -> None:
    directives = dict(part.split(" ", 1) for part in policy().split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["img-src"] == "'self' data: blob:"
    assert "unsafe" not in policy()


def test_the_single_sign_on_provider_may_receive_the_sign_in_form() -> None:
    apps = oidc_apps("https://sso.ninhbinh.gov.vn/realms/ecabinet", "id", "secret", "SSO")
    with override_settings(SOCIALACCOUNT_PROVIDERS={"openid_connect": {"APPS": apps}}):
        assert "form-action 'self' https://sso.ninhbinh.gov.vn;" in policy() + ";"


def test_every_page_carries_the_policy_and_nothing_it_refuses(demo: None) -> None:
    problems: list[str] = []
    seen: set[str] = set()
    for role in ("system admin", "organiser", "official", "guest", "anonymous"):
        client = Client()
        if ROLES[role]:
            client.force_login(User.objects.get(username=ROLES[role]))
        for url_name, pattern in url_patterns():
            kwarg_sets = parameter_sets(url_name, pattern)
            if url_name in SKIPPED_URL_NAMES or kwarg_sets is None:
                continue
            for kwargs in kwarg_sets[:2]:
                try:
                    path = reverse(url_name, kwargs=kwargs)
                except NoReverseMatch:
                    continue
                response = client.get(path)
                if response.get(HEADER) != policy():
                    problems.append(f"{path} ({role}): no {HEADER} header")
                if not response.get("Content-Type", "").startswith("text/html") or getattr(
                    response, "streaming", False
                ):
                    continue
                seen.add(url_name)
                problems.extend(f"{path} ({role}): {what}" for what in refused_in(response.content.decode()))
    for must in (
        "home",
        "account_login",
        "meetings:detail",
        "meetings:calendar",
        "documents:search",
        "opinions:detail",
    ):
        assert must in seen, (must, sorted(seen))
    assert problems == [], "\n".join(sorted(set(problems)))


def test_error_pages_carry_the_policy(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response.get(HEADER) == policy()
    assert refused_in(response.content.decode()) == []


def _check_deploy(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "ECABINET_TESTING", "DJANGO_SETTINGS_MODULE")}
    env.update(extra)
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_the_documented_production_settings() -> None:
    result = _check_deploy(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout, result.stdout + result.stderr


def test_check_deploy_warns_without_the_https_settings() -> None:
    result = _check_deploy({k: PRODUCTION[k] for k in ("SECRET_KEY", "ALLOWED_HOSTS")})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output, output


def test_a_bad_proxy_header_name_stops_start_up() -> None:
    result = _check_deploy({**PRODUCTION, "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https"})
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be a header name" in result.stderr
