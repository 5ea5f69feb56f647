"""Summary tables behind the dashboards: counts rebuilt by a task, read through the access policy.

The coordinator overview counts cases per stage over everything the coordinator may see; at
national scale a live COUNT over the cases table costs tens of milliseconds and grows with the
data. `refresh_stage_counts` rebuilds `CaseStageCount` in one GROUP BY (run by the periodic
`refresh_case_summaries` task or `himaya cases summarise`), and `stage_counts` answers from it
with the actor's scope translated by the policy (`policy.summary_q`). When the summary is older
than `HIMAYA_SUMMARY_MAX_AGE` seconds (or was never built), or the actor's scope cannot be
expressed on it, the caller counts live instead, so a count is never silently stale; a stale
summary asks for a refresh.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from himaya.access import policy
from himaya.cases.models import Case, CaseStageCount, SummaryRefresh

STAGE_COUNTS = "case_stage_counts"


def max_age() -> int:
    return int(getattr(settings, "HIMAYA_SUMMARY_MAX_AGE", 300))


def refresh_stage_counts() -> int:
    """Rebuild the per-agency, per-stage case counts in one transaction; returns the number of rows."""
    started = time.perf_counter()
    rows = (
        Case.objects.order_by()
        .values("owner_agency_id", "stage", referred=Q(referred_on__isnull=False))
        .annotate(n=Count("pk"))
    )
    with transaction.atomic():
        fresh = [
            CaseStageCount(owner_agency_id=r["owner_agency_id"], stage=r["stage"], referred=r["referred"], n=r["n"])
            for r in rows
        ]
        CaseStageCount.objects.all().delete()
        CaseStageCount.objects.bulk_create(fresh)
        SummaryRefresh.objects.update_or_create(
            name=STAGE_COUNTS,
            defaults={"refreshed_at": timezone.now(), "rows": len(fresh), "seconds": time.perf_counter() - started},
        )
    return len(fresh)


def _request_refresh() -> None:
    """Queue a rebuild (at most once per half max-age, across processes sharing the cache)."""
    if not cache.add(f"himaya:refresh:{STAGE_COUNTS}", 1, timeout=max(max_age() // 2, 1)):
        return
    from himaya.cases.tasks import refresh_case_summaries

    transaction.on_commit(lambda: refresh_case_summaries.enqueue())


def stage_counts(*, actor: Any) -> tuple[dict[str, int], dt.datetime | None]:
    """Cases per stage that the actor may see, and when they were counted (None: counted just now, live)."""
    refreshed = SummaryRefresh.objects.filter(name=STAGE_COUNTS).values_list("refreshed_at", flat=True).first()
    q = policy.summary_q(actor, Case)
    fresh = refreshed is not None and timezone.now() - refreshed <= dt.timedelta(seconds=max_age())
    if q is not None and fresh:
        counts = dict(CaseStageCount.objects.filter(q).values_list("stage").annotate(total=Sum("n")).order_by())
        return {stage: int(n) for stage, n in counts.items()}, refreshed
    if q is not None:
        _request_refresh()
    live = policy.visible(actor, Case).order_by().values_list("stage").annotate(n=Count("pk"))
    return dict(live), None
