"""Demo data for `seed_demo` (core.demo): the Director of Sở Nội vụ has added her signing
certificate, which waits for her unit administrator (snv.quantri) to confirm it. The certificate is
made here, issued by a demo CA that exists nowhere else: it can be confirmed and revoked in the
demo, not used to sign a real ballot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from accounts.models import User
from signing.actions import do_add_certificate
from signing.models import CertificateBinding


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def demo_certificate(common: str, organisation: str) -> bytes:
    """A DER certificate for `common`, valid for a year, issued by the demo CA (EC keys: fast)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common, organisation))
        .issuer_name(_name("CA thử nghiệm eCabinet", "eCabinet"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.DER)


def seed_signing() -> list[str]:
    """Idempotent: nothing is added once the director has any certificate (pending, confirmed or revoked)."""
    director = User.objects.get(username="snv.giamdoc")
    if CertificateBinding.objects.filter(user=director).exists():
        return []
    do_add_certificate(director, demo_certificate("Vũ Thị Hồng", "Sở Nội vụ tỉnh Ninh Bình"))
    return ["Demo signing certificate added (waiting for snv.quantri to confirm it)"]
