"""The Ed25519 key that signs audit checkpoints.

The private key stays on the server (PEM, mode 0600, outside the database); the public key is
printed by `himaya audit public-key` and kept with the checkpoint files somewhere else, so that a
verifier does not have to trust the server it is checking.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils.translation import gettext as _


class SigningKeyMissing(Exception):
    """The signing key file does not exist and may not be created here (production)."""


def ensure_signing_key(path: Path | str) -> Ed25519PrivateKey:
    """Load the signing key at `path`, creating it (0600, directory 0700) if it does not exist.

    Called by `himaya keys init`, and by the checkpoint command outside production.
    """
    path = Path(path)
    if path.exists():
        return load_private_key(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    # O_EXCL: never overwrite a key another process has just written.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def load_private_key(path: Path | str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(_("The audit signing key is not an Ed25519 key."))
    return key


def signing_key() -> Ed25519PrivateKey:
    """The configured signing key; created on first use except in production."""
    path = Path(settings.HIMAYA_AUDIT_SIGNING_KEY_FILE)
    if path.exists():
        return load_private_key(path)
    if settings.HIMAYA_ENV == "production":
        raise SigningKeyMissing(
            _("The audit signing key %(path)s does not exist. Create it with `himaya keys init`.") % {"path": path}
        )
    return ensure_signing_key(path)


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        encoding=serialization.Encoding.PEM, format=serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_public_key(path: Path | str) -> Ed25519PublicKey:
    data = Path(path).read_bytes()
    if b"PRIVATE KEY" in data:
        return load_private_key(path).public_key()
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(_("The public key is not an Ed25519 key."))
    return key


def key_id(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """A short fingerprint naming the key in checkpoint files."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def verify_signature(public: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True
