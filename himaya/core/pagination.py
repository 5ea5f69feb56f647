"""Pagination whose count is capped: a list page never counts more than `cap` rows.

A live COUNT(*) over a national table grows with the data and costs more than the page itself;
nobody pages through 40,000 cases. Counting at most `cap + 1` rows (an unordered sub-select with a
LIMIT) keeps the cost bounded; pages past the cap are not offered, and `capped` tells the page to
say "narrow the filters".
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, cap: int = 1000, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _bounded_count(self) -> int:
        qs = self.object_list
        if hasattr(qs, "order_by") and hasattr(qs, "values"):
            return int(qs.order_by().values("pk")[: self.cap + 1].count())
        return len(qs[: self.cap + 1])

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return min(self._bounded_count, self.cap)

    @property
    def capped(self) -> bool:
        """More rows match than are offered."""
        return self._bounded_count > self.cap
