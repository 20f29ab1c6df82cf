"""Remote signing through a Cloud Signature Consortium API v1 service, end to end: a small CSC
server written for the tests runs on loopback (credentials/list, credentials/info,
credentials/authorize, signatures/signHash) with the test key; the ballot it signs is accepted
by the same verification as a ballot signed with the voter's own tool."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils
from django.core.exceptions import ValidationError

from opinions.ballot_pdf import render_ballot_pdf
from opinions.tests.samples import sample_ballot
from signing.actions import do_add_certificate, do_confirm_certificate, do_set_remote_account
from signing.csc import sign_remotely
from signing.tests.pki import Identity, issue, make_root, write_pem
from signing.verify import verify_signed_ballot

pytestmark = pytest.mark.django_db
TOKEN = "bearer-test-token"
PIN = "123456"
SHA256_RSA = "1.2.840.113549.1.1.11"


def ballot() -> bytes:
    return render_ballot_pdf(sample_ballot())


class CscServer:
    """The four CSC v1 calls, backed by one credential (the test user's key)."""

    def __init__(self, identity: Identity) -> None:
        self.identity = identity
        self.credential_ids = ["cred-1"]
        self.calls: list[str] = []
        self.sads: set[str] = set()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._answer(401, {"error": "invalid_token"})
                endpoint = self.path.removeprefix("/csc/v1/")
                server.calls.append(endpoint)
                status, payload = server.handle(endpoint, body)
                self._answer(status, payload)

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def handle(self, endpoint: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if endpoint == "credentials/list":
            return 200, {"credentialIDs": self.credential_ids}
        if body.get("credentialID") != "cred-1":
            return 400, {"error": "invalid_request", "error_description": "unknown credential"}
        if endpoint == "credentials/info":
            chain = [self.identity.cert, *self.identity.chain]
            return 200, {
                "key": {"status": "enabled", "algo": [SHA256_RSA], "len": 2048},
                "cert": {
                    "status": "valid",
                    "certificates": [
                        base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in chain
                    ],
                },
                "authMode": "explicit",
                "multisign": 1,
            }
        if endpoint == "credentials/authorize":
            if body.get("PIN") != PIN:
                return 400, {"error": "invalid_pin"}
            sad = f"sad-{len(self.sads)}"
            self.sads.add(sad)
            return 200, {"SAD": sad, "expiresIn": 300}
        if endpoint == "signatures/signHash":
            if body.get("SAD") not in self.sads or body.get("signAlgo") != SHA256_RSA:
                return 400, {"error": "invalid_request"}
            signatures = [
                base64.b64encode(
                    self.identity.key.sign(base64.b64decode(h), padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
                ).decode()
                for h in body["hash"]
            ]
            return 200, {"signatures": signatures}
        return 404, {"error": "not_found"}


@pytest.fixture(scope="module")
def identity() -> tuple[Identity, Identity]:
    root = make_root("eCabinet Test Root CA")
    return root, issue(root, "Bui Thi Mai")


@pytest.fixture
def csc(identity: tuple[Identity, Identity]) -> Iterator[CscServer]:
    server = CscServer(identity[1])
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def ready(settings, tmp_path: Path, identity, snv_member, snv_admin):  # type: ignore[no-untyped-def]
    settings.SIGNATURE_TRUST_ROOTS = [str(write_pem(identity[0], tmp_path / "root.pem"))]
    do_confirm_certificate(snv_admin, do_add_certificate(snv_member, identity[1].der))


def test_remote_signing_through_the_csc_api_is_accepted_end_to_end(ready, csc, snv_member) -> None:
    account = do_set_remote_account(snv_member, service_url=csc.url, credential_id="", access_token=TOKEN)
    original = ballot()
    signed = sign_remotely(original, account, pin=PIN)
    verified = verify_signed_ballot(signed, original=original, user=snv_member)
    assert "Bui Thi Mai" in verified.signer_subject
    assert csc.calls[0] == "credentials/list" and "credentials/authorize" in csc.calls
    assert csc.calls[-1] == "signatures/signHash"


def test_a_wrong_pin_is_refused_with_a_clear_message(ready, csc, snv_member) -> None:
    account = do_set_remote_account(snv_member, service_url=csc.url, credential_id="cred-1", access_token=TOKEN)
    with pytest.raises(ValidationError) as info:
        sign_remotely(ballot(), account, pin="000000")
    assert info.value.code == "csc_pin" and "signHash" not in " ".join(csc.calls)


def test_a_service_that_is_down_gives_a_clear_error(ready, snv_member) -> None:
    account = do_set_remote_account(
        snv_member, service_url="http://127.0.0.1:9", credential_id="cred-1", access_token=TOKEN
    )
    with pytest.raises(ValidationError) as info:
        sign_remotely(ballot(), account, pin=PIN)
    assert info.value.code == "csc_unreachable"


def test_the_service_address_must_be_https_except_on_loopback_in_tests(snv_member) -> None:
    with pytest.raises(ValidationError):
        do_set_remote_account(snv_member, service_url="http://mysign.example.vn", credential_id="", access_token=TOKEN)
    with pytest.raises(ValidationError):
        do_set_remote_account(snv_member, service_url="https://mysign.example.vn", credential_id="", access_token="")
    account = do_set_remote_account(
        snv_member, service_url="https://mysign.example.vn/", credential_id="", access_token=TOKEN
    )
    assert account.service_url == "https://mysign.example.vn"


def test_a_wrong_access_token_is_refused_with_a_clear_message(ready, csc, snv_member) -> None:
    account = do_set_remote_account(snv_member, service_url=csc.url, credential_id="cred-1", access_token="stale")
    with pytest.raises(ValidationError) as info:
        sign_remotely(ballot(), account, pin=PIN)
    assert info.value.code == "csc_token" and info.value.messages[0]
    assert not csc.calls  # every call was refused at the Bearer check


def test_without_a_credential_id_a_service_holding_several_credentials_is_refused(ready, csc, snv_member) -> None:
    csc.credential_ids = ["cred-1", "cred-2"]
    account = do_set_remote_account(snv_member, service_url=csc.url, credential_id="", access_token=TOKEN)
    with pytest.raises(ValidationError) as info:
        sign_remotely(ballot(), account, pin=PIN)
    assert info.value.code == "csc_credential" and csc.calls == ["credentials/list"]


def test_a_service_address_ending_in_csc_v1_is_accepted_too(ready, csc, snv_member) -> None:
    account = do_set_remote_account(
        snv_member, service_url=f"{csc.url}/csc/v1", credential_id="cred-1", access_token=TOKEN
    )
    original = ballot()
    assert verify_signed_ballot(sign_remotely(original, account, pin=PIN), original=original, user=snv_member)
