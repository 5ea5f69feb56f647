"""Key management for data encrypted at rest: create, rotate, re-encrypt, retire, report.

Plain functions; the `keys_*` management commands only parse arguments and print.

Rotation in three steps, each safe to interrupt:

1. `activate_new_key` writes a keyring with a fresh active data key (old keys kept for reading),
   atomically, before any row changes. New writes use the new key from then on.
2. `reencrypt_all` walks every encrypted column of every model (found through the app registry)
   in primary-key order, in batches, one transaction per batch, and rewrites only values that are
   not yet under the active key. Re-running it after a crash continues where it stopped; running
   it when nothing is left does nothing. Only the encrypted columns are written (one UPDATE per
   row, values prepared by the field itself, sent with `executemany`), so `auto_now` timestamps
   (`updated_at`) do not move and no signal fires: a rotation does not change what a record says.
3. `retire_key` removes an old key from the keyring, refused while any value still uses it.

The blind-index key is not rotated here: changing it means recomputing every index.
"""

from __future__ import annotations

import json
import stat
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.apps import apps
from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models import Q
from django.db.models.functions import Cast

from himaya.core.crypto import (
    PREFIX,
    DecryptionError,
    Keyring,
    KeyringError,
    ensure_keyring,
    keyring_lock,
    reset_keyring_cache,
)
from himaya.core.fields import EncryptedMixin

# Labels used in usage counts for values that are not Himaya ciphertext.
NOT_ENCRYPTED = "(not encrypted)"


class KeyInUseError(KeyringError):
    """A key cannot be retired while values are still encrypted with it."""


@dataclass(frozen=True)
class EncryptedModel:
    """A model (table) and its encrypted columns."""

    model: type[models.Model]
    fields: tuple[EncryptedMixin, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def raw_alias(self, f: EncryptedMixin) -> str:
        return f"_raw_{f.attname}"

    def raw_queryset(self) -> models.QuerySet[Any]:
        """All rows (base manager: no custom filtering), with each encrypted column read as raw text.

        `Cast(..., TextField())` bypasses the field's decryption, so the stored ciphertext is seen.
        """
        annotations = {self.raw_alias(f): Cast(f.attname, models.TextField()) for f in self.fields}
        return self.model._base_manager.annotate(**annotations)


def keyring_path() -> Path:
    return Path(settings.HIMAYA_KEYRING_FILE)


def encrypted_models() -> list[EncryptedModel]:
    """Every installed, managed model with at least one encrypted column of its own table."""
    found = []
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue
        fields = tuple(f for f in opts.local_concrete_fields if isinstance(f, EncryptedMixin))
        if fields:
            found.append(EncryptedModel(model=model, fields=fields))
    return sorted(found, key=lambda em: em.label)


# --- init -------------------------------------------------------------------------------------


@dataclass
class InitResult:
    keyring_path: Path
    keyring_created: bool
    signing_key_path: Path
    signing_key_created: bool
    warnings: list[str] = field(default_factory=list)


def permission_warnings(path: Path) -> list[str]:
    warnings = []
    for target, wanted in ((path, 0o600), (path.parent, 0o700)):
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            warnings.append(f"{target} is accessible to other users (mode {mode:o}); expected {wanted:o}")
    return warnings


def init_keys(*, keyring_file: Path | None = None, signing_key_file: Path | None = None) -> InitResult:
    """Create the keyring and the audit signing key if they are missing. Never replaces a key."""
    kpath = Path(keyring_file or settings.HIMAYA_KEYRING_FILE)
    spath = Path(signing_key_file or settings.HIMAYA_AUDIT_SIGNING_KEY_FILE)
    created = ensure_keyring(kpath)
    Keyring.load(kpath)  # an existing file must be a valid keyring
    reset_keyring_cache()
    from himaya.audit.signing import ensure_signing_key

    signing_created = not spath.exists()
    try:
        ensure_signing_key(spath)  # loads (validates) an existing key, creates a missing one
    except (ValueError, TypeError) as exc:
        raise KeyringError(f"the audit signing key {spath} is not a valid key: {exc}") from exc
    return InitResult(
        keyring_path=kpath,
        keyring_created=created,
        signing_key_path=spath,
        signing_key_created=signing_created,
        warnings=list(dict.fromkeys([*permission_warnings(kpath), *permission_warnings(spath)])),
    )


# --- usage ------------------------------------------------------------------------------------


def key_id_label(raw: str) -> str:
    return Keyring.key_id_of(raw) or NOT_ENCRYPTED


def usage_for(em: EncryptedModel, *, chunk_size: int = 2000) -> Counter[str]:
    """How many non-empty values of this model are under each key id (streamed, raw, never decrypted)."""
    counts: Counter[str] = Counter()
    aliases = [em.raw_alias(f) for f in em.fields]
    rows = em.raw_queryset().order_by().values_list(*aliases).iterator(chunk_size=chunk_size)
    for row in rows:
        for raw in row:
            if raw:
                counts[key_id_label(raw)] += 1
    return counts


def key_usage() -> dict[str, Counter[str]]:
    """Per model label, the number of values under each key id."""
    return {em.label: usage_for(em) for em in encrypted_models()}


def total_usage(usage: dict[str, Counter[str]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for counts in usage.values():
        total.update(counts)
    return total


# --- rotation ---------------------------------------------------------------------------------


def activate_new_key(path: Path | None = None) -> str:
    """Write a keyring with a new active data key (atomically) and return its id."""
    path = Path(path or keyring_path())
    with keyring_lock(path):
        keyring = Keyring.load(path).with_new_active_key()
        keyring.save(path)
    reset_keyring_cache()
    return keyring.active


def _stale_q(em: EncryptedModel, active: str) -> Q:
    """Rows with at least one value encrypted under a key other than `active`."""
    q = Q()
    for f in em.fields:
        alias = em.raw_alias(f)
        q |= Q(**{f"{alias}__startswith": f"{PREFIX}."}) & ~Q(**{f"{alias}__startswith": f"{PREFIX}.{active}."})
    return q


@dataclass
class ModelResult:
    label: str
    rows: int = 0  # rows rewritten
    values: int = 0  # values re-encrypted
    unreadable: list[Any] = field(default_factory=list)  # primary keys of rows whose values failed to decrypt


def _update_sql(em: EncryptedModel, fields: tuple[EncryptedMixin, ...]) -> str:
    quote = connections[router.db_for_write(em.model)].ops.quote_name
    opts = em.model._meta
    assert opts.pk is not None
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)  # type: ignore[attr-defined]
    return f"UPDATE {quote(opts.db_table)} SET {sets} WHERE {quote(opts.pk.column)} = %s"  # noqa: S608


def reencrypt_model(
    em: EncryptedModel,
    keyring: Keyring,
    *,
    batch_size: int = 1000,
    progress: Callable[[int, int], None] | None = None,
) -> ModelResult:
    """Re-encrypt this model's values that are not under `keyring.active`, batch by batch.

    Each batch is read (rows locked where the database can) and rewritten in one transaction, so
    a concurrent edit is never overwritten with an older value. Rows are visited in primary-key
    order and only stale ones are selected: an interrupted run can simply be run again.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    result = ModelResult(label=em.label)
    active_prefix = f"{PREFIX}.{keyring.active}."
    connection = connections[router.db_for_write(em.model)]
    stale = em.raw_queryset().using(connection.alias).filter(_stale_q(em, keyring.active))
    total = stale.count()
    if progress:
        progress(0, total)
    aliases = [em.raw_alias(f) for f in em.fields]
    pk_field = em.model._meta.pk
    assert pk_field is not None
    last_pk: Any = None
    seen = 0
    while True:
        with transaction.atomic(using=connection.alias):
            qs = stale if last_pk is None else stale.filter(pk__gt=last_pk)
            batch = list(qs.select_for_update().order_by("pk").values_list("pk", *aliases)[:batch_size])
            if not batch:
                break
            # Rows grouped by which columns change; each group is one UPDATE statement run for every
            # row (executemany: pipelined on PostgreSQL), setting only those encrypted columns.
            groups: dict[tuple[EncryptedMixin, ...], list[list[Any]]] = {}
            for pk, *raws in batch:
                changed: list[EncryptedMixin] = []
                params: list[Any] = []
                for f, raw in zip(em.fields, raws, strict=True):
                    if not raw or not raw.startswith(f"{PREFIX}.") or raw.startswith(active_prefix):
                        continue
                    try:
                        plain = keyring.decrypt(raw, context=f.crypto_context)
                    except DecryptionError:
                        if pk not in result.unreadable:
                            result.unreadable.append(pk)
                        continue
                    changed.append(f)
                    # The field's own save path encrypts the value under the active key.
                    params.append(f.get_db_prep_save(f.from_plain_text(plain), connection))  # type: ignore[attr-defined]
                if changed:
                    groups.setdefault(tuple(changed), []).append([*params, pk_field.get_db_prep_save(pk, connection)])
                    result.rows += 1
                    result.values += len(changed)
            for changed_fields, rows in groups.items():
                with connection.cursor() as cursor:
                    cursor.executemany(_update_sql(em, changed_fields), rows)
            last_pk = batch[-1][0]
        seen += len(batch)
        if progress:
            progress(min(seen, total), total)
    return result


def reencrypt_all(
    *, batch_size: int = 1000, progress_factory: Callable[[str], Callable[[int, int], None]] | None = None
) -> list[ModelResult]:
    from himaya.core.crypto import get_keyring

    keyring = get_keyring()
    results = []
    for em in encrypted_models():
        progress = progress_factory(em.label) if progress_factory else None
        results.append(reencrypt_model(em, keyring, batch_size=batch_size, progress=progress))
    return results


def retire_key(kid: str, *, path: Path | None = None) -> dict[str, int]:
    """Remove data key `kid` from the keyring; refused while any value still uses it.

    Returns the number of values per model that use it (all zero on success).
    """
    path = Path(path or keyring_path())
    with keyring_lock(path):
        return _retire_locked(kid, path)


def _retire_locked(kid: str, path: Path) -> dict[str, int]:
    keyring = Keyring.load(path)
    if kid == keyring.active:
        raise KeyringError(f"key {kid!r} is the active key and cannot be retired")
    if kid not in keyring.data_keys:
        raise KeyringError(f"no key {kid!r} in the keyring")
    in_use = {label: counts[kid] for label, counts in key_usage().items() if counts[kid]}
    if in_use:
        raise KeyInUseError(
            f"key {kid!r} still encrypts {sum(in_use.values())} value(s) "
            f"({', '.join(f'{label}: {n}' for label, n in sorted(in_use.items()))}); "
            "run `himaya keys rotate --reencrypt-only` first"
        )
    keyring.without_key(kid).save(path)
    reset_keyring_cache()
    return in_use


@dataclass
class RotationReport:
    activated: str | None
    active: str
    results: list[ModelResult]
    usage: dict[str, Counter[str]]
    retired: list[str]
    refused: list[str] = field(default_factory=list)  # why a requested retirement did not happen

    def as_detail(self) -> str:
        """Audit detail: key ids and counts only, never a value."""
        return json.dumps(
            {
                "activated": self.activated,
                "active": self.active,
                "reencrypted": {r.label: r.values for r in self.results},
                "unreadable_rows": {r.label: len(r.unreadable) for r in self.results if r.unreadable},
                "values_per_key": dict(sorted(total_usage(self.usage).items())),
                "retired": self.retired,
                "retire_refused": len(self.refused),
            },
            sort_keys=True,
            ensure_ascii=True,
        )


def rotate(
    *,
    batch_size: int = 1000,
    reencrypt_only: bool = False,
    retire: Iterable[str] = (),
    progress_factory: Callable[[str], Callable[[int, int], None]] | None = None,
) -> RotationReport:
    """Activate a new key (unless `reencrypt_only`), re-encrypt everything, retire keys, audit.

    A retirement that is refused (values still use the key) is listed in `report.refused`.
    """
    from himaya.audit.services import audit_record
    from himaya.core.crypto import get_keyring

    retire = list(retire)
    path = keyring_path()
    current = Keyring.load(path)
    for kid in retire:  # refuse impossible requests before changing anything
        if kid not in current.data_keys:
            raise KeyringError(f"no key {kid!r} in the keyring")
        if kid == current.active and reencrypt_only:
            raise KeyringError(f"key {kid!r} is the active key and cannot be retired")
    activated = None if reencrypt_only else activate_new_key(path)
    results = reencrypt_all(batch_size=batch_size, progress_factory=progress_factory)
    retired: list[str] = []
    refused: list[str] = []
    for kid in retire:
        try:
            retire_key(kid, path=path)
        except KeyringError as exc:
            refused.append(str(exc))
        else:
            retired.append(kid)
    report = RotationReport(
        activated=activated,
        active=get_keyring().active,
        results=results,
        usage=key_usage(),
        retired=retired,
        refused=refused,
    )
    with transaction.atomic():
        audit_record(actor=None, action="keys.rotate", outcome="failed" if refused else "ok", detail=report.as_detail())
    return report


# --- progress ---------------------------------------------------------------------------------


class TextSink(Protocol):
    def write(self, text: str, /) -> Any: ...
    def flush(self) -> Any: ...


class Progress:
    """A plain-text progress line on a stream: 'people.person  12000/250000  4.8%  3100 rows/s'.

    On a terminal the line is redrawn in place; elsewhere (logs) one line is written per update.
    """

    def __init__(self, label: str, stream: TextSink | None = None, clock: Callable[[], float] = time.monotonic):
        self.label = label
        self.stream: TextSink = stream if stream is not None else sys.stderr
        self.clock = clock
        self.started = clock()
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty())
        self.finished = False

    def line(self, done: int, total: int) -> str:
        elapsed = max(self.clock() - self.started, 1e-9)
        pct = 100.0 * done / total if total else 100.0
        return f"{self.label}  {done}/{total}  {pct:.1f}%  {done / elapsed:.0f} rows/s"

    def __call__(self, done: int, total: int) -> None:
        text = self.line(done, total)
        if self.tty:
            self.stream.write("\r" + text + ("\n" if done >= total else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
