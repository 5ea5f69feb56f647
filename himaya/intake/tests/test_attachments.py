"""Attachments: type decided by content, size limit, metadata removed, encrypted on disk, audited downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from himaya.accounts.testing import login
from himaya.audit.models import AuditEvent
from himaya.cases.services import case_open
from himaya.core.crypto import decrypt_bytes, encrypt_bytes
from himaya.intake import files
from himaya.intake.models import Attachment
from himaya.intake.testing import jpeg, pdf, png
from himaya.people.services import person_create


@pytest.fixture(autouse=True)
def _attachment_dir(settings: Any, tmp_path: Any) -> Any:
    settings.HIMAYA_ATTACHMENT_DIR = tmp_path / "attachments"
    return settings.HIMAYA_ATTACHMENT_DIR


def _client(user: Any) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login(client, user)
    return client


def _case(cast: Any) -> Any:
    person = person_create(actor=cast.alice, given_name_latin="Maria")
    return case_open(
        actor=cast.alice,
        person=person,
        category="abuse",
        channel="hotline",
        occurred_at=timezone.now() - dt.timedelta(hours=1),
    )


def _upload(client: Client, case: Any, name: str, content: bytes, content_type: str) -> Any:
    url = reverse("intake:attachment_upload", kwargs={"case_id": case.pk})
    return client.post(url, {"file": SimpleUploadedFile(name, content, content_type=content_type)})


def test_a_jpeg_is_stored_without_its_exif_and_encrypted(cast, _attachment_dir) -> None:
    case = _case(cast)
    original = jpeg(exif=b"GPS 26.2235N 50.5876E Canon serial 12345")
    response = _upload(_client(cast.bob), case, "photo.JPG", original, "image/jpeg")
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    stored = (_attachment_dir / attachment.storage_name).read_bytes()
    assert b"GPS" not in stored and b"\xff\xd8" not in stored[:8]  # ciphertext, not the picture
    download = _client(cast.alice).get(reverse("intake:attachment_download", kwargs={"pk": attachment.pk}))
    body = download.content
    assert download.status_code == 200
    assert body.startswith(b"\xff\xd8\xff\xe0") and body.endswith(b"\xff\xd9")
    assert b"GPS" not in body and b"Exif" not in body and b"Canon" not in body
    assert download["Content-Disposition"].startswith("attachment;")
    assert "photo" not in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"]
    assert attachment.original_name == "photo.JPG" and attachment.size == len(body)


def test_a_png_loses_its_text_and_time_chunks(cast) -> None:
    case = _case(cast)
    _upload(_client(cast.bob), case, "scan.png", png(text=b"Author: Maria Santos"), "image/png")
    attachment = Attachment.objects.get()
    body = _client(cast.bob).get(reverse("intake:attachment_download", kwargs={"pk": attachment.pk})).content
    assert body == png()
    assert b"tEXt" not in body and b"tIME" not in body and b"Maria" not in body


def test_every_download_is_audited(cast) -> None:
    case = _case(cast)
    _upload(_client(cast.bob), case, "letter.pdf", pdf(), "application/pdf")
    attachment = Attachment.objects.get()
    _client(cast.carol).get(reverse("intake:attachment_download", kwargs={"pk": attachment.pk}))
    event = AuditEvent.objects.get(action="cases.attachment.download")
    assert (event.actor_id, event.object_id) == (cast.carol.pk, str(attachment.pk))


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("evil.exe", b"MZ\x90\x00" * 10, "application/octet-stream", "Only PDF, JPEG and PNG files can be attached."),
        ("photo.jpg", pdf(), "image/jpeg", "does not match its type or name"),
        ("letter.pdf", png(), "application/pdf", "does not match its type or name"),
        ("letter.pdf", png(), "application/octet-stream", "does not match its type or name"),
        ("broken.png", png()[:30], "image/png", "The file is damaged"),
    ],
)
def test_a_file_is_judged_by_its_content_and_refused_clearly(cast, name, content, content_type, message) -> None:
    case = _case(cast)
    response = _upload(_client(cast.bob), case, name, content, content_type)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(cast, settings) -> None:
    settings.HIMAYA_ATTACHMENT_MAX_BYTES = 1000
    case = _case(cast)
    response = _upload(_client(cast.bob), case, "big.pdf", pdf() + b"0" * 1000, "application/pdf")
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not Attachment.objects.exists()


def test_another_agency_cannot_upload_to_or_download_from_a_case(cast) -> None:
    case = _case(cast)
    _upload(_client(cast.bob), case, "letter.pdf", pdf(), "application/pdf")
    attachment = Attachment.objects.get()
    pete = _client(cast.pete)
    assert _upload(pete, case, "x.pdf", pdf(), "application/pdf").status_code == 404
    assert pete.get(reverse("intake:attachment_download", kwargs={"pk": attachment.pk})).status_code == 404
    assert not AuditEvent.objects.filter(action="cases.attachment.download").exists()


def test_encrypted_bytes_are_bound_to_their_context() -> None:
    blob = encrypt_bytes(b"secret", context="intake.attachment:a")
    assert b"secret" not in blob
    assert decrypt_bytes(blob, context="intake.attachment:a") == b"secret"
    from himaya.core.crypto import DecryptionError

    with pytest.raises(DecryptionError):
        decrypt_bytes(blob, context="intake.attachment:b")


def test_the_stripper_keeps_what_a_decoder_needs() -> None:
    stripped = files.strip_jpeg(jpeg(exif=b"x" * 40))
    assert stripped == jpeg()
    assert files.strip_png(png(text=b"hello")) == png()
    with pytest.raises(files.FileRefused):
        files.strip_png(png()[:-1] + b"\x00")  # bad CRC
    with pytest.raises(files.FileRefused):
        files.strip_jpeg(b"\xff\xd8\xff\xe1\x00\x50abc")  # segment runs past the end
