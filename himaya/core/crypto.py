"""Keyring for field-level encryption and keyed blind indexes.

Kept apart from SECRET_KEY: a leaked settings file or database dump does not reveal personal
data. The keyring is a JSON file (path from HIMAYA_KEYRING_FILE) holding:

    {"version": 1,
     "active": "k2",
     "data_keys": {"k1": "<base64 32 bytes>", "k2": "<base64 32 bytes>"},
     "index_key": "<base64 32 bytes>",
     "retired": ["k0"]}

`retired` lists ids that were removed, so an id never names two different keys.

Ciphertexts carry the id of the key that made them (``hx1.<kid>.<base64(nonce|ct|tag)>``), so old
values stay readable after a new key becomes active and `himaya keys rotate` can re-encrypt them
in batches. AES-256-GCM authenticates every value; the associated data binds a ciphertext to its
column, so a value copied into another column does not decrypt.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "hx1"
NONCE_BYTES = 12
FORMAT_VERSION = 1
_KID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_KID_NUMBER = re.compile(r"k(\d+)")


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
    retired: tuple[str, ...] = ()
    _aead: dict[str, AESGCM] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.active not in self.data_keys:
            raise KeyringError(f"active key {self.active!r} is not in the keyring")
        for kid, key in self.data_keys.items():
            if not isinstance(key, bytes) or len(key) != 32:
                raise KeyringError(f"data key {kid!r} must be 32 bytes")
            if not _KID.fullmatch(kid):
                raise KeyringError(f"key id {kid!r} must be 1-32 letters, digits, '-' or '_'")
            if kid in self.retired:
                raise KeyringError(f"key id {kid!r} is both present and retired")
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
            version = raw.get("version", FORMAT_VERSION)
            if version != FORMAT_VERSION:
                raise KeyringError(f"keyring format version {version!r} is not supported")
            return cls(
                active=raw["active"],
                data_keys={kid: _b64d(v) for kid, v in raw["data_keys"].items()},
                index_key=_b64d(raw["index_key"]),
                retired=tuple(str(kid) for kid in raw.get("retired", ())),
            )
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise KeyringError(f"malformed keyring: {exc}") from exc

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": 1,
                "active": self.active,
                "data_keys": {kid: _b64e(k) for kid, k in self.data_keys.items()},
                "index_key": _b64e(self.index_key),
                "retired": list(self.retired),
            },
            indent=2,
        )

    @classmethod
    def load(cls, path: Path) -> Keyring:
        """Read a keyring file directly (no cache): for key management, which must see the file as it is."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise KeyringError(f"keyring file {path} not found: run `himaya keys init`") from None
        return cls.from_json(text)

    def save(self, path: Path, *, replace: bool = True) -> bool:
        """Write atomically (temporary file, fsync, rename, fsync of the folder), owner-only permissions.

        A crash leaves either the old keyring or the new one, never a half-written file. With
        `replace=False` an existing file is never touched (returns False): two `keys init` at
        once cannot overwrite each other's keys.
        """
        path = Path(path)
        make_private_dir(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self.to_json())
                fh.flush()
                os.fsync(fh.fileno())
            if replace:
                os.replace(tmp, path)
            else:
                try:
                    os.link(tmp, path)  # atomic, and fails if the file exists
                except FileExistsError:
                    return False
                finally:
                    os.unlink(tmp)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(path.parent)
        return True

    def with_new_active_key(self) -> Keyring:
        """A copy of this keyring with a fresh data key made active (old keys kept for reading).

        Ids only grow (k1, k2, …), also past retired ids, so an id never names two keys.
        """
        used = [int(m.group(1)) for kid in (*self.data_keys, *self.retired) if (m := _KID_NUMBER.fullmatch(kid))]
        kid = f"k{max(used, default=0) + 1}"
        keys = dict(self.data_keys)
        keys[kid] = AESGCM.generate_key(256)
        return Keyring(active=kid, data_keys=keys, index_key=self.index_key, retired=self.retired)

    def without_key(self, kid: str) -> Keyring:
        """A copy without data key `kid` (recorded as retired). The active key cannot be removed."""
        if kid == self.active:
            raise KeyringError(f"key {kid!r} is the active key and cannot be retired")
        if kid not in self.data_keys:
            raise KeyringError(f"no key {kid!r} in the keyring")
        keys = {k: v for k, v in self.data_keys.items() if k != kid}
        return Keyring(active=self.active, data_keys=keys, index_key=self.index_key, retired=(*self.retired, kid))

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
        """AES-256-GCM under the active key; `context` (the column) is authenticated associated data."""
        nonce = os.urandom(NONCE_BYTES)
        ct = self._cipher(self.active).encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return f"{PREFIX}.{self.active}.{_b64e(nonce + ct)}"

    def decrypt(self, token: str, *, context: str) -> str:
        if not isinstance(token, str):
            raise DecryptionError("not a Himaya ciphertext")
        try:
            prefix, kid, body = token.split(".", 2)
        except ValueError:
            raise DecryptionError("not a Himaya ciphertext") from None
        if prefix != PREFIX:
            raise DecryptionError("not a Himaya ciphertext")
        cipher = self._cipher(kid)
        try:
            raw = _b64d(body)
            if len(raw) < NONCE_BYTES + 16:
                raise ValueError("too short")
            plain = cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
            return plain.decode("utf-8")
        except (InvalidTag, ValueError) as exc:
            # Wrong column, altered bytes, or a different key under the same id: all look the same.
            raise DecryptionError(f"ciphertext failed authentication (key {kid!r}, column {context!r})") from exc

    @staticmethod
    def key_id_of(token: str) -> str | None:
        parts = token.split(".", 2)
        return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None

    # --- blind indexes -------------------------------------------------------------------
    def blind_index(self, normalised: str, *, purpose: str) -> str:
        """Keyed HMAC of an already-normalised value; `purpose` separates index domains."""
        mac = hmac.new(self.index_key, f"{purpose}\x00{normalised}".encode(), hashlib.sha256)
        return mac.hexdigest()[:40]


def make_private_dir(path: Path) -> None:
    """Create `path` (and parents) owner-only (0700). An existing folder is left as it is."""
    path = Path(path)
    if path.is_dir():
        return
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)  # mkdir's mode is reduced by the umask


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


_lock = threading.Lock()
_cached: tuple[str, tuple[int, int, int], Keyring] | None = None


def get_keyring() -> Keyring:
    """The process-wide keyring, reloaded when the file changes (after a rotation).

    Called for every value read or written, so the common case is one stat() and no lock.
    """
    global _cached
    from django.conf import settings

    name = os.fspath(settings.HIMAYA_KEYRING_FILE)
    try:
        st = os.stat(name)
    except FileNotFoundError:
        raise KeyringError(
            f"keyring file {name} not found: run `himaya keys init` (the demo creates one itself)"
        ) from None
    # The file is replaced (new inode) on every change, so this notices a rotation at once.
    stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
    cached = _cached
    if cached is not None and cached[0] == name and cached[1] == stamp:
        return cached[2]
    with _lock:
        if _cached is None or _cached[0] != name or _cached[1] != stamp:
            _cached = (name, stamp, Keyring.from_json(Path(name).read_text(encoding="utf-8")))
        return _cached[2]


def reset_keyring_cache() -> None:
    global _cached
    with _lock:
        _cached = None


def ensure_keyring(path: Path) -> bool:
    """Create a keyring at `path` if none exists. Returns True when one was created."""
    path = Path(path)
    if path.exists():
        return False
    return Keyring.generate().save(path, replace=False)


@contextlib.contextmanager
def keyring_lock(path: Path) -> Iterator[None]:
    """Exclusive lock for a read-modify-write of the keyring file (rotation, retirement).

    Without it, two rotations at once could each add a different "k2" and one would be lost
    together with every value it encrypted.
    """
    path = Path(path)
    make_private_dir(path.parent)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


# --- Bytes (file contents) ---------------------------------------------------------------------
BYTES_MAGIC = b"HXB1"


def encrypt_bytes(data: bytes, *, context: str) -> bytes:
    """AES-256-GCM of raw bytes under the active key: b"HXB1" | len(kid) | kid | nonce | ct+tag.

    `context` (e.g. "intake.attachment:<storage name>") is authenticated associated data, so a
    file swapped for another one on disk does not decrypt.
    """
    keyring = get_keyring()
    kid = keyring.active.encode("ascii")
    nonce = os.urandom(NONCE_BYTES)
    ct = keyring._cipher(keyring.active).encrypt(nonce, data, context.encode("utf-8"))
    return BYTES_MAGIC + bytes([len(kid)]) + kid + nonce + ct


def decrypt_bytes(blob: bytes, *, context: str) -> bytes:
    """The inverse of `encrypt_bytes`; DecryptionError when altered, moved or made with an unknown key."""
    if not blob.startswith(BYTES_MAGIC) or len(blob) < len(BYTES_MAGIC) + 1:
        raise DecryptionError("not a Himaya encrypted file")
    n = blob[len(BYTES_MAGIC)]
    start = len(BYTES_MAGIC) + 1
    kid = blob[start : start + n].decode("ascii", "replace")
    body = blob[start + n :]
    if len(body) < NONCE_BYTES + 16:
        raise DecryptionError("encrypted file too short")
    cipher = get_keyring()._cipher(kid)
    try:
        return cipher.decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], context.encode("utf-8"))
    except InvalidTag as exc:
        raise DecryptionError(f"encrypted file failed authentication (key {kid!r})") from exc
