"""Signed certificates: the Ed25519 key, the signed payload, and the offline check.

The centre's certificate-signing key is its own file (PEM, 0600, `settings.HIMAYA_CERTIFICATE_SIGNING_KEY_FILE`,
created by `himaya keys init` or on first use outside production), separate from SECRET_KEY and from
the audit signing key, so each can be rotated or handed to a different custodian. Anyone holding
the public key (`himaya certificate public-key`) can check a certificate file offline.

What is signed is the canonical JSON payload (sorted keys, no spaces, UTF-8): number, holder's
name, course (code, Arabic and English titles, level), issue and expiry dates, the verification
address and the key id. The PDF carries it as the attachment `himaya-certificate.json`:
`{"alg": "Ed25519", "payload": "<the canonical JSON, as a string>", "signature": "<base64>"}`.
Keeping the payload as the exact signed string means no re-serialisation can change what is checked.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils.translation import gettext as _

from himaya.audit import signing as keyfiles
from himaya.core.pdf import embedded_file

ATTACHMENT = "himaya-certificate.json"
PAYLOAD_VERSION = 1
PAYLOAD_FIELDS = (
    "v",
    "number",
    "holder",
    "course_code",
    "course_ar",
    "course_en",
    "level",
    "issued_on",
    "expires_on",
    "verify_url",
    "key_id",
)


def key_file() -> Path:
    default = Path(settings.VAR_DIR) / "keys" / "certificate-signing.key"
    return Path(getattr(settings, "HIMAYA_CERTIFICATE_SIGNING_KEY_FILE", default))


def signing_key() -> Ed25519PrivateKey:
    """The centre's certificate-signing key; created on first use except in production."""
    path = key_file()
    if path.exists():
        return keyfiles.load_private_key(path)
    if settings.HIMAYA_ENV == "production":
        raise keyfiles.SigningKeyMissing(
            _("The certificate signing key %(path)s does not exist. Create it with `himaya keys init`.")
            % {"path": path}
        )
    return keyfiles.ensure_signing_key(path)


def canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sign(payload: dict[str, Any], key: Ed25519PrivateKey | None = None) -> tuple[str, str]:
    """(canonical payload, base64 signature)."""
    key = key or signing_key()
    text = canonical(payload)
    return text, base64.b64encode(key.sign(text.encode("utf-8"))).decode("ascii")


def envelope(payload_text: str, signature: str) -> bytes:
    """The attachment embedded in the certificate PDF."""
    return json.dumps(
        {"alg": "Ed25519", "payload": payload_text, "signature": signature}, ensure_ascii=False, indent=1
    ).encode("utf-8")


@dataclass
class Verification:
    ok: bool
    reason: str
    payload: dict[str, Any] = field(default_factory=dict)
    expired: bool = False


def verify_envelope(data: bytes, public: Ed25519PublicKey, *, today: dt.date) -> Verification:
    """Check an embedded envelope: the signature, then the payload's shape, key and dates."""
    try:
        outer = json.loads(data.decode("utf-8"))
        payload_text = outer["payload"]
        signature = base64.b64decode(outer["signature"], validate=True)
        if outer.get("alg") != "Ed25519" or not isinstance(payload_text, str):
            raise ValueError("alg")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, binascii.Error):
        return Verification(False, _("The signed certificate data in this file is unreadable."))
    if not keyfiles.verify_signature(public, signature, payload_text.encode("utf-8")):
        return Verification(
            False,
            _(
                "The signature does not match: the certificate was altered after it was issued, "
                "or it was not issued with this key."
            ),
        )
    payload = json.loads(payload_text)
    if not isinstance(payload, dict) or sorted(payload) != sorted(PAYLOAD_FIELDS):
        return Verification(False, _("The signed certificate data does not have the expected fields."), payload={})
    if payload["key_id"] != keyfiles.key_id(public):
        return Verification(False, _("The certificate names a different signing key."), payload=payload)
    try:
        expires_on = dt.date.fromisoformat(payload["expires_on"])
    except (TypeError, ValueError):
        return Verification(False, _("The signed certificate data does not have the expected fields."), payload={})
    if today > expires_on:
        return Verification(
            False,
            _("The signature is valid, but the certificate expired on %(date)s.") % {"date": expires_on.isoformat()},
            payload=payload,
            expired=True,
        )
    return Verification(True, _("The certificate is authentic and within its validity period."), payload=payload)


def verify_pdf(pdf_bytes: bytes, public: Ed25519PublicKey, *, today: dt.date) -> Verification:
    """Check a certificate PDF offline (no database, no network)."""
    data = embedded_file(pdf_bytes, ATTACHMENT)
    if data is None:
        return Verification(False, _("This file does not contain a signed Himaya certificate."))
    return verify_envelope(data, public, today=today)
