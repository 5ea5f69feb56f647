from __future__ import annotations

from django_tasks import task


@task()
def run_import(batch_id: int) -> str:
    """Import one queued batch (progress on the batch row, shown by the import page)."""
    from himaya.prevention.services import import_batch_execute

    return import_batch_execute(batch_id).status


@task()
def run_scoring(run_id: int) -> str:
    """Rescore every employer for one scoring run (progress on the run row)."""
    from himaya.prevention.services import scoring_run_execute

    return scoring_run_execute(run_id).status
