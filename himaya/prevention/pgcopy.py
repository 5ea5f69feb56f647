"""Rows in PostgreSQL's binary COPY format, encoded column-wise with numpy (Django-free).

PostgreSQL parses a binary COPY of bigints, dates and numerics in about half the time it takes
to parse the same rows as CSV text (8.4 M wage rows: 6.3 s against 11.3 s on the 2-core
machine), and numpy builds the rows without a Python loop. Supported column kinds:

- ``int8``: a bigint, given as an int64 array;
- ``date``: a date, given as int32/int64 days since 2000-01-01 (PostgreSQL's epoch);
- ``numeric``: a numeric of `scale` decimals (at most 4), given as int64 units of 10**-scale,
  whose integer part has at most 8 digits.

A column may hold nulls (an Arrow validity mask). Rows whose null columns differ are written in
groups, each group in the order given: a table has no row order, and the rows of a group stay
in theirs (the wage rows keep their key order within each group).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
TRAILER = b"\xff\xff"
NUMERIC_GROUPS = 3  # base-10000 digits per numeric: 8 integer digits and 4 decimal ones
NUMERIC_LIMIT = 10 ** (4 * NUMERIC_GROUPS)  # in units of 10**-4
NUMERIC_NEGATIVE = 0x4000


@dataclass(frozen=True)
class Column:
    kind: str  # "int8", "date" or "numeric"
    scale: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ("int8", "date", "numeric"):
            raise ValueError(f"unsupported column kind {self.kind!r}")
        if not 0 <= self.scale <= 4:
            raise ValueError("numeric scale must be between 0 and 4")

    def fields(self, index: int, null: bool) -> list[tuple[Any, ...]]:
        length = (f"l{index}", ">i4")
        if null:
            return [length]
        if self.kind == "int8":
            return [length, (f"v{index}", ">i8")]
        if self.kind == "date":
            return [length, (f"v{index}", ">i4")]
        return [
            length,
            (f"n{index}", ">i2"),  # number of digits
            (f"w{index}", ">i2"),  # weight of the first digit
            (f"s{index}", ">u2"),  # sign
            (f"d{index}", ">i2"),  # display scale
            (f"v{index}", ">i2", (NUMERIC_GROUPS,)),
        ]

    def size(self) -> int:
        return {"int8": 8, "date": 4}.get(self.kind, 8 + 2 * NUMERIC_GROUPS)


def encode(columns: Sequence[Column], batch: pa.RecordBatch | pa.Table) -> list[memoryview]:
    """The rows of `batch` (one array per column, in order) as binary COPY tuples (no header):
    one buffer per group of rows with nulls in the same columns."""
    if batch.num_columns != len(columns):
        raise ValueError(f"{batch.num_columns} arrays for {len(columns)} columns")
    rows = batch.num_rows
    values = []
    pattern = np.zeros(rows, dtype=np.int64)
    for i, _col in enumerate(columns):
        array = batch.column(i)
        if array.null_count:
            pattern |= np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=np.int64) << i
            array = pc.fill_null(array, 0)
        values.append(np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.int64))
    keys = np.flatnonzero(np.bincount(pattern)) if rows else np.array([], dtype=np.int64)
    parts = []
    for key in keys:
        chosen = slice(None) if len(keys) == 1 else np.flatnonzero(pattern == key)
        null = [bool(int(key) >> i & 1) for i in range(len(columns))]
        parts.append(_group(columns, [v[chosen] for v in values], null))
    return parts


def _group(columns: Sequence[Column], values: list[np.ndarray], null: list[bool]) -> memoryview:
    """Rows that have nulls in the same columns: one fixed-width numpy record each."""
    layout: list[tuple[Any, ...]] = [("count", ">i2")]
    for i, col in enumerate(columns):
        layout += col.fields(i, null[i])
    dtype = np.dtype(layout)
    template = np.zeros(1, dtype=dtype)  # what every row shares: lengths and numeric headers
    template["count"] = len(columns)
    for i, col in enumerate(columns):
        template[f"l{i}"] = -1 if null[i] else col.size()
        if col.kind == "numeric" and not null[i]:
            template[f"n{i}"] = NUMERIC_GROUPS
            template[f"w{i}"] = NUMERIC_GROUPS - 2  # the last group holds the four decimal digits
            template[f"d{i}"] = col.scale
    out = np.repeat(template, len(values[0]))
    for i, col in enumerate(columns):
        if null[i]:
            continue
        v = values[i]
        if col.kind != "numeric":
            out[f"v{i}"] = v
            continue
        units = np.abs(v) * 10 ** (4 - col.scale)
        if units.size and int(units.max()) >= NUMERIC_LIMIT:
            raise ValueError("numeric value out of range")
        if (v < 0).any():
            out[f"s{i}"] = np.where(v < 0, NUMERIC_NEGATIVE, 0)
        digits = out[f"v{i}"]
        for g in range(NUMERIC_GROUPS):
            digits[:, NUMERIC_GROUPS - 1 - g] = (units // 10 ** (4 * g)) % 10_000
    return memoryview(out.view(np.uint8).data)
