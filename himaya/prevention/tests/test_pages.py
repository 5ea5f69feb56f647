"""The import page runs an upload as a background task and shows its progress and report."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from himaya.accounts.testing import login
from himaya.prevention import tasks
from himaya.prevention.models import ImportBatch, RecruitmentAgency, RunStatus


def _upload(client, name: str, content: bytes):
    return client.post("/prevention/imports/", {"source": "agencies", "file": SimpleUploadedFile(name, content)})


def test_an_upload_is_queued_as_a_task_and_its_page_follows_it(
    cast, client, django_capture_on_commit_callbacks
) -> None:
    login(client, cast.sam)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, "agencies.csv", b"licence_number,name\nRA00001,Office One\nRA00002,Office Two\n")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/prevention/imports/{batch.pk}/"
    assert DBTaskResult.objects.filter(args_kwargs__args=[batch.pk]).exists()
    polling = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in polling  # queued: the partial keeps polling
    tasks.run_import.call(batch.pk)
    done = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and "100 %" in done
    assert RecruitmentAgency.objects.count() == 2


def test_a_rejected_upload_lists_every_problem_in_arabic(cast, client, django_capture_on_commit_callbacks) -> None:
    login(client, cast.sam)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, "agencies.csv", b"licence_number,name\n,Office One\nRA 2,Office Two\n")
    batch = ImportBatch.objects.get()
    tasks.run_import.call(batch.pk)
    batch.refresh_from_db()
    assert batch.status == RunStatus.REJECTED
    page = client.get(f"/prevention/imports/{batch.pk}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "القيمة مطلوبة" in page  # line 2: a value is required
    assert "ليست بالصيغة المتوقعة" in page  # line 3: wrong format
    assert RecruitmentAgency.objects.count() == 0


def test_a_file_that_is_not_csv_or_parquet_is_refused_on_the_form(cast, client) -> None:
    login(client, cast.sam)
    response = _upload(client, "agencies.xlsx", b"PK\x03\x04")
    assert response.status_code == 400 and not ImportBatch.objects.exists()
