"""Remote signing through a Cloud Signature Consortium API v1 service (the protocol of Viettel
MySign and other remote-signing providers), with pyHanko's CSC signer.

`credentials/list` (when no credential id is configured), `credentials/info` (the certificate
chain), `credentials/authorize` (the user's PIN and/or OTP → signature activation data) and
`signatures/signHash` (the service signs the hash; the key never leaves it). The result is the
ballot with one incremental update holding a PAdES signature, which `signing.verify` checks like
any other signed ballot.
"""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _unreachable() -> ValidationError:
    return ValidationError(
        _(
            "The signing service could not be reached or refused the request. Try again later, or sign with your own tool."
        ),
        code="csc_unreachable",
    )


async def _sign(pdf: bytes, service_url: str, credential_id: str, token: str, pin: str, otp: str) -> bytes:
    import aiohttp
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers.csc_signer import (
        CSCAuthorizationInfo,
        CSCAuthorizationManager,
        CSCServiceSessionInfo,
        CSCSigner,
        fetch_certs_in_csc_credential,
    )

    timeout = int(getattr(settings, "CSC_TIMEOUT_SECONDS", 30))
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    headers = {"Authorization": f"Bearer {token}"}
    base = service_url.rstrip("/")
    if base.endswith("/csc/v1"):
        base = base[: -len("/csc/v1")]

    class PinAuthorization(CSCAuthorizationManager):
        async def authorize_signature(self, hash_b64s: list[str]) -> CSCAuthorizationInfo:
            request = self.format_csc_auth_request(
                pin=pin or None,
                otp=otp or None,
                hash_b64s=hash_b64s if self.credential_info.hash_pinning_required else None,
            )
            async with session.post(
                self.csc_session_info.endpoint_url("credentials/authorize"),
                headers=headers,
                json=request,
                timeout=client_timeout,
            ) as response:
                if response.status in (400, 401, 403):
                    raise ValidationError(
                        _("The signing service refused the PIN or OTP. Check them and try again."), code="csc_pin"
                    )
                response.raise_for_status()
                return self.parse_csc_auth_response(await response.json())

    async with aiohttp.ClientSession() as session:
        if not credential_id:
            async with session.post(
                f"{base}/csc/v1/credentials/list", headers=headers, json={}, timeout=client_timeout
            ) as response:
                response.raise_for_status()
                ids = (await response.json()).get("credentialIDs") or []
            if len(ids) != 1:
                raise ValidationError(
                    _("The signing service holds %(n)s credentials: enter the credential id to use.") % {"n": len(ids)},
                    code="csc_credential",
                )
            credential_id = str(ids[0])
        info = CSCServiceSessionInfo(service_url=base, credential_id=credential_id, oauth_token=token)
        credential = await fetch_certs_in_csc_credential(session, info, timeout=timeout)
        signer = CSCSigner(session, auth_manager=PinAuthorization(info, credential), sign_timeout=timeout)
        pdf_signer = signers.PdfSigner(
            signers.PdfSignatureMetadata(field_name="ChuKySo", md_algorithm="sha256"),
            signer=signer,
            new_field_spec=fields.SigFieldSpec(sig_field_name="ChuKySo"),
        )
        output = io.BytesIO()
        await pdf_signer.async_sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), output=output)
        return output.getvalue()


def _http_status(exc: BaseException | None) -> int | None:
    """The HTTP status behind an error (pyHanko wraps aiohttp's in SigningError), if any."""
    import aiohttp

    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, aiohttp.ClientResponseError):
            return exc.status
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def sign_remotely(pdf: bytes, account: Any, *, pin: str = "", otp: str = "") -> bytes:
    """The ballot signed by the user's remote-signing service (`account`: a RemoteSigningAccount),
    as an incremental update of `pdf`, or ValidationError with a reason the user can act on.

    Blocks for up to a few times CSC_TIMEOUT_SECONDS; runs its own event loop, so call it from
    synchronous code (a view, a task), not from inside a running loop."""
    import aiohttp
    from pyhanko.sign.general import SigningError

    from signing.tokens import TokenUnreadable

    try:
        token = account.access_token
    except TokenUnreadable as exc:  # encrypted with a key that is no longer configured
        logger.warning("remote-signing token of user %s unreadable: %s", account.user_id, exc)
        raise ValidationError(
            _("Your access token can no longer be read. Enter it again under My account → Digital signature."),
            code="csc_token",
        ) from None
    try:
        return asyncio.run(_sign(pdf, account.service_url, account.credential_id, token, pin, otp))
    except ValidationError:
        raise
    except (aiohttp.ClientError, SigningError, OSError, TimeoutError, ValueError) as exc:
        logger.warning("remote signing for user %s failed: %r", account.user_id, exc)
        if _http_status(exc) == 401:
            raise ValidationError(
                _(
                    "The signing service refused the access token. Enter a new token under "
                    "My account → Digital signature."
                ),
                code="csc_token",
            ) from None
        raise _unreachable() from None
