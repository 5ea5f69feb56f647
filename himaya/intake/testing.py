"""Tiny files for tests (built by hand: no image library needed)."""

from __future__ import annotations

import struct
import zlib


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(*, text: bytes = b"") -> bytes:
    """A 1×1 PNG, with a tEXt and a tIME chunk when `text` is given."""
    parts = [b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))]
    if text:
        parts.append(_chunk(b"tEXt", b"Comment\x00" + text))
        parts.append(_chunk(b"tIME", struct.pack(">HBBBBB", 2026, 1, 2, 3, 4, 5)))
    parts += [_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00\xff")), _chunk(b"IEND", b"")]
    return b"".join(parts)


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def jpeg(*, exif: bytes = b"") -> bytes:
    """A structurally valid baseline JPEG skeleton, with an EXIF APP1 segment when `exif` is given."""
    parts = [b"\xff\xd8", _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")]
    if exif:
        parts.append(_segment(0xE1, b"Exif\x00\x00" + exif))
        parts.append(_segment(0xFE, b"comment " + exif))
    parts.append(_segment(0xDB, b"\x00" + bytes(range(1, 65))))  # quantisation table
    parts.append(_segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00"))  # frame: 1x1, one component
    parts.append(_segment(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00"))  # Huffman table
    parts.append(_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"))  # start of scan
    parts.append(b"\x12\x34\xff\x00\x56")  # entropy-coded data (with a stuffed 0xFF00)
    parts.append(b"\xff\xd9")
    return b"".join(parts)


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
