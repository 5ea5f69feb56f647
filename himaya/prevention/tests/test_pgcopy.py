"""Binary COPY rows: what the encoder writes is what PostgreSQL (and the format's definition) reads."""

from __future__ import annotations

import datetime as dt
import struct
from collections import Counter
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from himaya.prevention import pgcopy

EPOCH = dt.date(2000, 1, 1)
COLUMNS = [pgcopy.Column("int8"), pgcopy.Column("date"), pgcopy.Column("numeric", scale=3)]


def decode(data: bytes, columns: list[pgcopy.Column]) -> list[tuple[Any, ...]]:
    """The tuples of binary COPY data (no header), read by the format's definition."""
    rows, at = [], 0
    while at < len(data):
        (count,) = struct.unpack_from(">h", data, at)
        at += 2
        assert count == len(columns)
        row: list[Any] = []
        for col in columns:
            (length,) = struct.unpack_from(">i", data, at)
            at += 4
            if length == -1:
                row.append(None)
                continue
            field = data[at : at + length]
            at += length
            if col.kind == "int8":
                row.append(struct.unpack(">q", field)[0])
            elif col.kind == "date":
                row.append(EPOCH + dt.timedelta(days=struct.unpack(">i", field)[0]))
            else:
                ndigits, weight, sign, dscale = struct.unpack_from(">hhHh", field)
                digits = struct.unpack_from(f">{ndigits}h", field, 8)
                value = sum(Decimal(d) * Decimal(10000) ** (weight - i) for i, d in enumerate(digits))
                row.append((-value if sign == pgcopy.NUMERIC_NEGATIVE else value).quantize(Decimal(10) ** -dscale))
        rows.append(tuple(row))
    return rows


def batch(rows: list[tuple[Any, ...]]) -> pa.RecordBatch:
    ids, dates, amounts = zip(*rows, strict=True) if rows else ((), (), ())
    return pa.RecordBatch.from_arrays(
        [
            pa.array(ids, pa.int64()),
            pa.array([None if d is None else (d - EPOCH).days for d in dates], pa.int32()),
            pa.array([None if a is None else int(a * 1000) for a in amounts], pa.int64()),
        ],
        names=["id", "day", "amount"],
    )


def encoded(rows: list[tuple[Any, ...]]) -> bytes:
    return b"".join(bytes(part) for part in pgcopy.encode(COLUMNS, batch(rows)))


ROWS = [
    (1, dt.date(2026, 1, 1), Decimal("150.000")),
    (-7, dt.date(1999, 12, 31), Decimal("-0.001")),
    (2**62, None, Decimal("0.000")),
    (3, dt.date(2026, 2, 28), None),
    (4, None, None),
    (5, dt.date(2000, 1, 1), Decimal("99999999.999")),
]


def test_rows_decode_to_what_was_given_nulls_grouped_in_order() -> None:
    decoded = decode(encoded(ROWS), COLUMNS)
    assert sorted(decoded, key=lambda r: r[0]) == sorted(ROWS, key=lambda r: r[0])
    # Rows with nulls in the same columns come together, each group in the order given.
    assert [r[0] for r in decoded] == [1, -7, 5, 2**62, 3, 4]


@given(
    st.lists(
        st.tuples(
            st.integers(-(2**63), 2**63 - 1),
            st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
            st.none() | st.decimals(-99_999_999, 99_999_999, places=3, allow_nan=False, allow_infinity=False),
        ),
        max_size=30,
    )
)
def test_any_rows_round_trip(rows: list[tuple[Any, ...]]) -> None:
    assert Counter(decode(encoded(rows), COLUMNS)) == Counter(rows)


def test_values_the_format_cannot_hold_are_refused() -> None:
    with pytest.raises(ValueError, match="out of range"):
        encoded([(1, None, Decimal("100000000.000"))])
    with pytest.raises(ValueError, match="unsupported"):
        pgcopy.Column("text")
    with pytest.raises(ValueError, match="arrays"):
        pgcopy.encode(COLUMNS[:2], batch(ROWS))


def test_postgresql_reads_the_rows_back(db) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("binary COPY is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE copied (id bigint, day date, amount numeric(11,3))")
        raw = cursor.connection.cursor()
        with raw.copy("COPY copied FROM STDIN (FORMAT binary)") as copy:
            copy.write(pgcopy.HEADER)
            for part in pgcopy.encode(COLUMNS, batch(ROWS)):
                copy.write(part)
            copy.write(pgcopy.TRAILER)
        cursor.execute("SELECT id, day, amount FROM copied ORDER BY id")
        assert cursor.fetchall() == sorted(ROWS, key=lambda r: r[0])
        cursor.execute("DROP TABLE copied")
