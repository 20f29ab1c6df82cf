"""A real OpenID Connect provider (the npm package oidc-provider, tests/oidc/provider.mjs) on
loopback, and eCabinet configured to use it, for the single sign-on tests.

`make test` installs the provider (scripts/test-oidc-deps.sh: `npm ci` into tests/oidc/node_modules).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ecabinet.settings import oidc_apps

HERE = Path(__file__).resolve().parent
CLIENT_ID = "ecabinet-test"
CLIENT_SECRET = "test-client-secret-0123456789abcdef"
CALLBACK_PATH = "/auth/oidc/sso/login/callback/"
LOGIN_PATH = "/auth/login/"

# The people the provider knows (subject -> claims). Case differs from eCabinet on purpose: the
# claims link case-insensitively.
IDENTITIES: dict[str, dict[str, Any]] = {
    "hang": {
        "name": "Nguyễn Thị Hằng",
        "preferred_username": "SNV.Hang",
        "email": "Hang.NT@NinhBinh.gov.vn",
        "email_verified": True,
    },
    "lan": {
        "name": "Phạm Thị Lan",
        "preferred_username": "vp.lan.sso",
        "email": "lan.pt@ninhbinh.gov.vn",
        "email_verified": True,
    },
    "stranger": {
        "name": "Trịnh Văn Lạ",
        "preferred_username": "khong.co.tai.khoan",
        "email": "la.tv@ninhbinh.gov.vn",
        "email_verified": True,
    },
}


@dataclass(frozen=True)
class OIDCProvider:
    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    @property
    def end_session_endpoint(self) -> str:
        return f"{self.issuer}/session/end"


@pytest.fixture(scope="session")
def oidc_provider(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OIDCProvider]:
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("The test OpenID provider is not installed: run `make test-system-deps` (npm ci in tests/oidc).")
    config = tmp_path_factory.mktemp("oidc") / "config.json"
    config.write_text(
        json.dumps(
            {
                "port": 0,
                "client": {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [live_server.url + CALLBACK_PATH],
                    "post_logout_redirect_uris": [live_server.url + LOGIN_PATH],
                },
                "accounts": IDENTITIES,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    proc = subprocess.Popen(  # noqa: S603
        [node, str(HERE / "provider.mjs"), str(config)],
        cwd=HERE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # blocks until the provider listens (or exits: empty line)
        if not line.startswith("READY "):
            pytest.fail(f"the test OpenID provider did not start: {line!r}")
        yield OIDCProvider(issuer=line.split()[1])
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def sso_settings(settings: Any, oidc_provider: OIDCProvider) -> OIDCProvider:
    """eCabinet configured for the test provider, as OIDC_SERVER_URL/OIDC_CLIENT_ID/... would."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": oidc_apps(
                oidc_provider.issuer, oidc_provider.client_id, oidc_provider.client_secret, settings.OIDC_NAME
            ),
        }
    }
    settings.OIDC_LINK_CLAIM = "username"
    return oidc_provider
