"""Upload checks for attachments (Django-free): type by content, and metadata stripping.

The type is decided by the file's magic bytes, never by its name or the browser's claim. JPEG
APPn segments (EXIF, XMP, IPTC…, except the JFIF APP0) and comments, and PNG text and time
chunks are removed: photos of victims must not carry GPS positions, device serials or names.
"""

from __future__ import annotations

import struct
import zlib

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
ALLOWED = (PDF, JPEG, PNG)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Ancillary PNG chunks that carry text, time or other metadata about the picture's origin.
PNG_DROP = {b"tEXt", b"zTXt", b"iTXt", b"tIME", b"eXIf", b"dSIG"}


class FileRefused(ValueError):
    """The file is not an accepted type or is malformed. `code` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def sniff(data: bytes) -> str | None:
    """The content type by magic bytes, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(PNG_SIGNATURE):
        return PNG
    return None


def strip_jpeg(data: bytes) -> bytes:
    """Drop APP1–APP15 segments and comments (keeps APP0/JFIF and everything needed to decode)."""
    if not data.startswith(b"\xff\xd8"):
        raise FileRefused("malformed")
    out = bytearray(b"\xff\xd8")
    i = 2
    n = len(data)
    while i < n:
        if data[i] != 0xFF:
            raise FileRefused("malformed")
        # Fill bytes (0xFF padding) are allowed before a marker.
        while i < n and data[i] == 0xFF:
            i += 1
        if i >= n:
            raise FileRefused("malformed")
        marker = data[i]
        i += 1
        if marker == 0xD9:  # EOI
            out += b"\xff\xd9"
            return bytes(out)
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # stand-alone markers
            out += bytes([0xFF, marker])
            continue
        if i + 2 > n:
            raise FileRefused("malformed")
        (length,) = struct.unpack(">H", data[i : i + 2])
        if length < 2 or i + length > n:
            raise FileRefused("malformed")
        segment = data[i : i + length]
        i += length
        if 0xE1 <= marker <= 0xEF or marker == 0xFE:  # APP1..APP15, COM
            continue
        out += bytes([0xFF, marker]) + segment
        if marker == 0xDA:  # start of scan: entropy-coded data runs to EOI; copy the rest as is
            out += data[i:]
            return bytes(out)
    raise FileRefused("malformed")


def strip_png(data: bytes) -> bytes:
    """Drop text, time and EXIF chunks; check every chunk's CRC."""
    if not data.startswith(PNG_SIGNATURE):
        raise FileRefused("malformed")
    out = bytearray(PNG_SIGNATURE)
    i = len(PNG_SIGNATURE)
    n = len(data)
    while i < n:
        if i + 8 > n:
            raise FileRefused("malformed")
        length, kind = struct.unpack(">I4s", data[i : i + 8])
        end = i + 8 + length + 4
        if end > n:
            raise FileRefused("malformed")
        body = data[i + 8 : i + 8 + length]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(kind + body) != crc:
            raise FileRefused("malformed")
        if kind not in PNG_DROP:
            out += data[i:end]
        i = end
        if kind == b"IEND":
            return bytes(out)
    raise FileRefused("malformed")


def clean_upload(data: bytes, *, declared_type: str = "", max_bytes: int) -> tuple[str, bytes]:
    """(content type, cleaned bytes), or FileRefused("too_large" | "empty" | "type" | "mismatch" | "malformed")."""
    if not data:
        raise FileRefused("empty")
    if len(data) > max_bytes:
        raise FileRefused("too_large")
    kind = sniff(data)
    if kind is None:
        raise FileRefused("type")
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared == "image/jpg":
        declared = JPEG
    if declared and declared != "application/octet-stream" and declared != kind:
        raise FileRefused("mismatch")
    if kind == JPEG:
        return kind, strip_jpeg(data)
    if kind == PNG:
        return kind, strip_png(data)
    return kind, data


EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}


def name_matches(name: str, kind: str) -> bool:
    """Whether the file name's extension fits the detected type (a '.pdf' that is a JPEG is refused)."""
    lowered = (name or "").lower()
    if "." not in lowered:
        return True
    return lowered[lowered.rfind(".") :] in EXTENSIONS[kind]
