"""Pagination whose count is capped: a list page never counts more than `cap` rows.

A live COUNT(*) over a national table grows with the data and costs more than the page itself;
nobody pages through 40,000 cases. Counting at most `cap + 1` rows (an unordered sub-select with a
LIMIT) keeps the cost bounded; pages past the cap are not offered, and `capped` tells the page to
say "narrow the filters".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

COUNT_CAP = 1000  # dashboard figures stop counting here and read "1000+"


@dataclass(frozen=True)
class CappedCount:
    """A count that stopped at a cap: `more` says that more rows match. Prints "1000+" then, else
    the number (plain digits, like every other figure on the pages); false when zero."""

    value: int
    more: bool = False

    def __str__(self) -> str:
        return f"{self.value}+" if self.more else str(self.value)

    def __bool__(self) -> bool:
        return self.value > 0


def capped_count(qs: QuerySet[Any], cap: int | None = None) -> CappedCount:
    """Count the rows of `qs`, reading at most `cap + 1` of them (default COUNT_CAP): a dashboard's
    figure whose work stays bounded however large the table grows."""
    cap = COUNT_CAP if cap is None else cap
    seen = int(qs.order_by().values("pk")[: cap + 1].count())
    return CappedCount(min(seen, cap), seen > cap)


class CappedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, cap: int = 1000, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _counted(self) -> CappedCount:
        qs: Any = self.object_list
        if isinstance(qs, QuerySet):
            return capped_count(qs, self.cap)
        seen = len(qs[: self.cap + 1])
        return CappedCount(min(seen, self.cap), seen > self.cap)

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return self._counted.value

    @property
    def capped(self) -> bool:
        """More rows match than are offered."""
        return self._counted.more
