"""Keyring for field-level encryption and keyed blind indexes.

Kept apart from SECRET_KEY: a leaked settings file or database dump does not reveal personal
data. The keyring is a JSON file (path from HIMAYA_KEYRING_FILE) holding:

    {"version": 1,
     "active": "k2",
     "data_keys": {"k1": "<base64 32 bytes>", "k2": "<base64 32 bytes>"},
     "index_key": "<base64 32 bytes>"}

Ciphertexts carry the id of the key that made them (``hx1.<kid>.<base64(nonce|ct|tag)>``), so old
values stay readable after a new key becomes active and `himaya keys rotate` can re-encrypt them
in batches. AES-256-GCM authenticates every value; the associated data binds a ciphertext to its
column, so a value copied into another column does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "hx1"
NONCE_BYTES = 12


class KeyringError(Exception):
    """The keyring is missing, malformed, or lacks the key a value was encrypted with."""


class DecryptionError(Exception):
    """A stored value was altered, moved to another column, or made with an unknown key."""


def _b64d(value: str) -> bytes:
    return base64.b64decode(value.encode("ascii"), validate=True)


def _b64e(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


@dataclass
class Keyring:
    active: str
    data_keys: dict[str, bytes]
    index_key: bytes
    _aead: dict[str, AESGCM] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.active not in self.data_keys:
            raise KeyringError(f"active key {self.active!r} is not in the keyring")
        for kid, key in self.data_keys.items():
            if len(key) != 32:
                raise KeyringError(f"data key {kid!r} must be 32 bytes")
            if "." in kid or not kid:
                raise KeyringError(f"key id {kid!r} must be non-empty and contain no dot")
        if len(self.index_key) < 32:
            raise KeyringError("the blind-index key must be at least 32 bytes")

    # --- serialisation -------------------------------------------------------------------
    @classmethod
    def generate(cls) -> Keyring:
        return cls(active="k1", data_keys={"k1": AESGCM.generate_key(256)}, index_key=secrets.token_bytes(32))

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        try:
            raw = json.loads(text)
            return cls(
                active=raw["active"],
                data_keys={kid: _b64d(v) for kid, v in raw["data_keys"].items()},
                index_key=_b64d(raw["index_key"]),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise KeyringError(f"malformed keyring: {exc}") from exc

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": 1,
                "active": self.active,
                "data_keys": {kid: _b64e(k) for kid, k in self.data_keys.items()},
                "index_key": _b64e(self.index_key),
            },
            indent=2,
        )

    def save(self, path: Path) -> None:
        """Write atomically with owner-only permissions."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(self.to_json())
        os.replace(tmp, path)

    def with_new_active_key(self) -> Keyring:
        """A copy of this keyring with a fresh data key made active (old keys kept for reading)."""
        n = 1
        while f"k{n}" in self.data_keys:
            n += 1
        kid = f"k{n}"
        keys = dict(self.data_keys)
        keys[kid] = AESGCM.generate_key(256)
        return Keyring(active=kid, data_keys=keys, index_key=self.index_key)

    # --- encryption ----------------------------------------------------------------------
    def _cipher(self, kid: str) -> AESGCM:
        cipher = self._aead.get(kid)
        if cipher is None:
            try:
                cipher = AESGCM(self.data_keys[kid])
            except KeyError:
                raise DecryptionError(f"no key {kid!r} in the keyring") from None
            self._aead[kid] = cipher
        return cipher

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        ct = self._cipher(self.active).encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return f"{PREFIX}.{self.active}.{_b64e(nonce + ct)}"

    def decrypt(self, token: str, *, context: str) -> str:
        try:
            prefix, kid, body = token.split(".", 2)
        except ValueError:
            raise DecryptionError("not a Himaya ciphertext") from None
        if prefix != PREFIX:
            raise DecryptionError("not a Himaya ciphertext")
        try:
            raw = _b64d(body)
            plain = self._cipher(kid).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
        except (InvalidTag, ValueError) as exc:
            raise DecryptionError("ciphertext failed authentication") from exc
        return plain.decode("utf-8")

    @staticmethod
    def key_id_of(token: str) -> str | None:
        parts = token.split(".", 2)
        return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None

    # --- blind indexes -------------------------------------------------------------------
    def blind_index(self, normalised: str, *, purpose: str) -> str:
        """Keyed HMAC of an already-normalised value; `purpose` separates index domains."""
        mac = hmac.new(self.index_key, f"{purpose}\x00{normalised}".encode(), hashlib.sha256)
        return mac.hexdigest()[:40]


_lock = threading.Lock()
_cached: tuple[Path, float, Keyring] | None = None


def get_keyring() -> Keyring:
    """The process-wide keyring, reloaded when the file changes (after a rotation)."""
    global _cached
    from django.conf import settings

    path = Path(settings.HIMAYA_KEYRING_FILE)
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        raise KeyringError(
            f"keyring file {path} not found: run `himaya keys init` (the demo creates one itself)"
        ) from None
    with _lock:
        if _cached is None or _cached[0] != path or _cached[1] != mtime:
            _cached = (path, mtime, Keyring.from_json(path.read_text(encoding="utf-8")))
        return _cached[2]


def reset_keyring_cache() -> None:
    global _cached
    with _lock:
        _cached = None


def ensure_keyring(path: Path) -> bool:
    """Create a keyring at `path` if none exists. Returns True when one was created."""
    if path.exists():
        return False
    Keyring.generate().save(path)
    return True
