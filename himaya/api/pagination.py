"""Page-number pagination whose count is capped, so large tables never pay for a full COUNT(*)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import CursorPagination, PageNumberPagination

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:  # type: ignore[override]
        # Counts at most COUNT_CAP + 1 rows; "10,001" reads as "more than 10,000".
        rows: Any = self.object_list
        return len(rows[: COUNT_CAP + 1].values_list("pk", flat=True)) if hasattr(rows, "values_list") else len(rows)


class CappedPageNumberPagination(PageNumberPagination):
    django_paginator_class = CappedPaginator
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = f"Exact up to {COUNT_CAP}; {COUNT_CAP + 1} means more."
        return response


class AuditCursorPagination(CursorPagination):
    """Newest first by sequence number; stable under concurrent appends and cheap on a huge table."""

    ordering = "-seq"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
