"""Signed checkpoints: "the log had N events and its head hash was H", signed with Ed25519.

Copies of the checkpoint files (and the public key) kept off the server let a verifier prove
that nobody truncated the log or rewrote it wholesale (recomputing every hash) since.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import connections, transaction
from django.utils.translation import gettext as _

from himaya.audit import signing

VERSION = 1


@dataclass(frozen=True)
class Checkpoint:
    size: int
    head_hash: str
    created_at: str
    key_id: str
    signature: str
    version: int = VERSION
    path: str = ""

    def message(self) -> bytes:
        """The bytes the signature covers (sorted-key JSON of everything but the signature)."""
        return orjson.dumps(
            {
                "created_at": self.created_at,
                "head_hash": self.head_hash,
                "key_id": self.key_id,
                "size": self.size,
                "version": self.version,
            },
            option=orjson.OPT_SORT_KEYS,
        )

    def as_json(self) -> bytes:
        return orjson.dumps(
            {
                "version": self.version,
                "size": self.size,
                "head_hash": self.head_hash,
                "created_at": self.created_at,
                "key_id": self.key_id,
                "signature": self.signature,
            },
            option=orjson.OPT_INDENT_2,
        )

    def signature_valid(self, public: Ed25519PublicKey) -> bool:
        if self.key_id != signing.key_id(public):
            return False
        try:
            raw = base64.b64decode(self.signature, validate=True)
        except (binascii.Error, ValueError):
            return False
        return signing.verify_signature(public, raw, self.message())


class CheckpointUnreadable(ValueError):
    pass


def load_checkpoint(path: Path | str) -> Checkpoint:
    """Read a checkpoint file; CheckpointUnreadable when it is not one."""
    try:
        data: Any = orjson.loads(Path(path).read_bytes())
        checkpoint = Checkpoint(
            version=int(data["version"]),
            size=int(data["size"]),
            head_hash=str(data["head_hash"]),
            created_at=str(data["created_at"]),
            key_id=str(data["key_id"]),
            signature=str(data["signature"]),
            path=str(path),
        )
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise CheckpointUnreadable(
            _("%(path)s is not a readable checkpoint: %(error)s") % {"path": path, "error": exc}
        ) from exc
    if checkpoint.version != VERSION or checkpoint.size < 0:
        raise CheckpointUnreadable(_("%(path)s has an unknown checkpoint version.") % {"path": path})
    return checkpoint


def default_checkpoint_files() -> list[Path]:
    directory = Path(settings.HIMAYA_AUDIT_CHECKPOINT_DIR)
    if not directory.is_dir():
        return []
    return sorted(directory.glob("*.json"))


def sign_checkpoint(*, size: int, head_hash: str, key: Ed25519PrivateKey, created_at: str | None = None) -> Checkpoint:
    created = created_at or dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    unsigned = Checkpoint(size=size, head_hash=head_hash, created_at=created, key_id=signing.key_id(key), signature="")
    signature = base64.b64encode(key.sign(unsigned.message())).decode("ascii")
    return Checkpoint(size=size, head_hash=head_hash, created_at=created, key_id=unsigned.key_id, signature=signature)


def read_head(using: str = "default") -> tuple[int, str] | None:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT seq, hash FROM audit_auditchainhead WHERE id = 1")
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else None


def write_checkpoint(checkpoint: Checkpoint, out: Path | str | None = None) -> Path:
    """Write the file (never overwriting one) into `out` or the checkpoint directory."""
    if out is None:
        directory = Path(settings.HIMAYA_AUDIT_CHECKPOINT_DIR)
        stamp = checkpoint.created_at.replace(":", "").replace("-", "").replace(".", "")
        path = directory / f"checkpoint-{checkpoint.size:012d}-{stamp}.json"
    else:
        path = Path(out)
        if path.is_dir():
            path = path / f"checkpoint-{checkpoint.size:012d}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as handle:
        handle.write(checkpoint.as_json())
    return path


def checkpoint_create(*, actor: Any = None, key: Ed25519PrivateKey, using: str = "default") -> Checkpoint:
    """Record the checkpoint in the log, then sign the head that includes that event."""
    from himaya.audit.services import audit_record

    with transaction.atomic(using=using):
        audit_record(actor=actor, action="audit.checkpoint", detail=f"key:{signing.key_id(key)}")
        head = read_head(using)
    assert head is not None
    return sign_checkpoint(size=head[0], head_hash=head[1], key=key)
