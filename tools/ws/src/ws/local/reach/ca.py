"""A local certificate authority (kept in the endpoint's state folder) and the certificates
it issues for `*.execute-api.<region>.amazonaws.com`, plus a CA bundle workers trust: the
system's roots and this CA, so HTTPS to the real internet still verifies."""
from __future__ import annotations

import datetime
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class LocalCa:
    """The CA's files under `folder`: ca.pem (certificate), ca.key, bundle.pem."""

    folder: Path

    @property
    def cert_file(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def bundle_file(self) -> Path:
        return self.folder / "bundle.pem"

    def leaf(self, region: str) -> tuple[Path, Path]:
        """(certificate, key) files for *.execute-api.<region>.amazonaws.com, made once."""
        cert = self.folder / f"execute-api.{region}.pem"
        key = self.folder / f"execute-api.{region}.key"
        if not cert.exists():
            _issue(self, f"execute-api.{region}.amazonaws.com", cert, key)
        return cert, key


def ensure(folder: Path) -> LocalCa:
    """The CA in `folder`, created on first use; the bundle written afresh."""
    folder.mkdir(parents=True, exist_ok=True)
    ca = LocalCa(folder)
    if not ca.cert_file.exists() or not (folder / "ca.key").exists():
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ws local endpoint CA")])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - _DAY).not_valid_after(now + 3650 * _DAY)
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(False, False, False, False, False, True, True,
                                             False, False), critical=True)
                .sign(key, hashes.SHA256()))
        _write_key(folder / "ca.key", key)
        ca.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    ca.bundle_file.write_bytes(_system_roots() + ca.cert_file.read_bytes())
    return ca


def _issue(ca: LocalCa, domain: str, cert_file: Path, key_file: Path) -> None:
    ca_key = serialization.load_pem_private_key((ca.folder / "ca.key").read_bytes(), None)
    ca_cert = x509.load_pem_x509_certificate(ca.cert_file.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"*.{domain}")]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _DAY).not_valid_after(now + 365 * _DAY)
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName(f"*.{domain}"), x509.DNSName(domain)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    _write_key(key_file, key)
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


def _system_roots() -> bytes:
    """The system's trusted roots (PEM), or certifi's, or nothing."""
    paths = ssl.get_default_verify_paths()
    for candidate in (paths.cafile, paths.openssl_cafile):
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_bytes().rstrip(b"\n") + b"\n"
    try:
        import certifi
    except ImportError:
        return b""
    return Path(certifi.where()).read_bytes().rstrip(b"\n") + b"\n"
