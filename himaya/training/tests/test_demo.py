"""The training demo data: courses, delivered sessions with certificates, upcoming sessions; once only."""

from __future__ import annotations

from django.utils import timezone

from himaya.training.demo import demo_training
from himaya.training.models import Certificate, Course, Session
from himaya.training.signing import signing_key, verify_pdf


def test_it_seeds_courses_sessions_and_verifiable_certificates_once(cast):
    issued = demo_training(seed=7)
    assert issued > 0 and Certificate.objects.count() == issued
    assert set(Course.objects.values_list("level", flat=True)) == {"awareness", "practitioner", "tot"}
    today = timezone.localdate()
    assert Session.objects.filter(ends_on__lt=today).count() == 3
    assert Session.objects.filter(starts_on__gt=today, published=True).count() == 2
    from himaya.training.documents import certificate_pdf

    certificate = Certificate.objects.first()
    result = verify_pdf(certificate_pdf(certificate, language="en"), signing_key().public_key(), today=today)
    assert result.ok, result.reason
    assert demo_training(seed=7) == 0
    assert Course.objects.count() == 4
