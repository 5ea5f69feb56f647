"""Signed certificates: the PDF carries a payload that `himaya certificate verify` checks offline;
every alteration of the signed content is rejected, saying why."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from himaya.audit import signing as keyfiles
from himaya.core.pdf import Document, embedded_file
from himaya.training import documents, services, signing
from himaya.training.testing import complete, start_session

TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def certificate(centre):
    c = centre.cast
    nomination = services.nomination_create(actor=c.dora, session=centre.session, participant=c.alice)
    start_session(centre.session)
    nomination.refresh_from_db()
    complete(officer=c.tina, trainer=c.trent, nomination=nomination)
    return services.certificate_issue(actor=c.tina, nomination=nomination)


@pytest.fixture
def public_key():
    return signing.signing_key().public_key()


def _pdf_with(envelope: bytes) -> bytes:
    doc = Document(title="Certificate", language="en")
    doc.attach(signing.ATTACHMENT, envelope)
    return doc.render()


def _today(certificate):
    return certificate.issued_on


def test_the_issued_pdf_verifies_in_both_languages(certificate, public_key):
    for language in ("ar", "en"):
        pdf = documents.certificate_pdf(certificate, language=language)
        result = signing.verify_pdf(pdf, public_key, today=_today(certificate))
        assert result.ok, result.reason
        assert result.payload["number"] == certificate.number
        assert result.payload["holder"] == "Alice"
        assert result.payload["verify_url"].endswith(f"/training/verify/{certificate.token}/")


def test_the_signed_payload_names_its_key(certificate, public_key):
    assert json.loads(certificate.payload)["key_id"] == keyfiles.key_id(public_key)


@pytest.mark.parametrize("field", signing.PAYLOAD_FIELDS)
def test_it_rejects_the_alteration_of_every_signed_field(certificate, public_key, field):
    payload = json.loads(certificate.payload)
    original = payload[field]
    payload[field] = original + 1 if isinstance(original, int) else original + "x"
    forged = signing.envelope(signing.canonical(payload), certificate.signature)
    result = signing.verify_pdf(_pdf_with(forged), public_key, today=_today(certificate))
    assert not result.ok
    assert "signature does not match" in result.reason


def test_it_rejects_an_added_or_removed_field(certificate, public_key):
    payload = json.loads(certificate.payload)
    for forged_payload in ({**payload, "extra": "1"}, {k: v for k, v in payload.items() if k != "level"}):
        forged = signing.envelope(signing.canonical(forged_payload), certificate.signature)
        assert not signing.verify_pdf(_pdf_with(forged), public_key, today=_today(certificate)).ok


def test_it_rejects_a_changed_signature(certificate, public_key):
    raw = bytearray(base64.b64decode(certificate.signature))
    raw[0] ^= 1
    forged = signing.envelope(certificate.payload, base64.b64encode(bytes(raw)).decode())
    assert not signing.verify_pdf(_pdf_with(forged), public_key, today=_today(certificate)).ok


def test_it_rejects_a_byte_flipped_in_the_file(certificate, public_key):
    pdf = documents.certificate_pdf(certificate, language="en")
    embedded = embedded_file(pdf, signing.ATTACHMENT)
    start = pdf.index(embedded) + embedded.index(b"Alice")
    flipped = pdf[:start] + b"B" + pdf[start + 1 :]
    result = signing.verify_pdf(flipped, public_key, today=_today(certificate))
    assert not result.ok


def test_it_rejects_a_certificate_signed_with_another_key(certificate):
    other = Ed25519PrivateKey.generate()
    pdf = documents.certificate_pdf(certificate, language="en")
    result = signing.verify_pdf(pdf, other.public_key(), today=_today(certificate))
    assert not result.ok and "signature does not match" in result.reason


def test_it_rejects_a_file_without_a_certificate(public_key):
    result = signing.verify_pdf(Document(title="x", language="en").render(), public_key, today=TODAY)
    assert not result.ok and "does not contain" in result.reason


def test_it_rejects_unreadable_signed_data(public_key):
    assert not signing.verify_pdf(_pdf_with(b"{not json"), public_key, today=TODAY).ok


def test_it_says_an_authentic_certificate_has_expired(certificate, public_key):
    pdf = documents.certificate_pdf(certificate, language="en")
    result = signing.verify_pdf(pdf, public_key, today=certificate.expires_on + dt.timedelta(days=1))
    assert not result.ok and result.expired
    assert certificate.expires_on.isoformat() in result.reason


def test_the_command_accepts_an_authentic_file(certificate, tmp_path, capsys):
    path = tmp_path / "cert.pdf"
    path.write_bytes(documents.certificate_pdf(certificate, language="ar"))
    key = tmp_path / "centre.pub"
    key.write_text(keyfiles.public_key_pem(signing.signing_key()))
    call_command("certificate_verify", str(path), "--public-key", str(key))
    out = capsys.readouterr().out
    assert "authentic" in out and certificate.number in out


def test_the_command_exits_non_zero_saying_why(certificate, tmp_path):
    payload = json.loads(certificate.payload)
    payload["expires_on"] = "2099-12-31"
    path = tmp_path / "forged.pdf"
    path.write_bytes(_pdf_with(signing.envelope(signing.canonical(payload), certificate.signature)))
    with pytest.raises(CommandError, match="signature does not match"):
        call_command("certificate_verify", str(path))
    with pytest.raises(SystemExit) as exited:
        _run_cli(path)
    assert exited.value.code != 0


def _run_cli(path):
    from django.core.management import execute_from_command_line

    execute_from_command_line(["himaya", "certificate_verify", str(path)])


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("certificate_verify", str(tmp_path / "nope.pdf"))


def test_the_public_key_command_prints_the_verifying_key(capsys):
    call_command("certificate_public_key")
    assert "BEGIN PUBLIC KEY" in capsys.readouterr().out


def test_the_key_is_not_the_audit_key():
    assert keyfiles.key_id(signing.signing_key()) != keyfiles.key_id(keyfiles.signing_key())
    assert signing.key_file().name == "certificate-signing.key"
