"""Capped pagination: a list never counts past its cap, and says when there is more."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from himaya.agencies.models import Agency
from himaya.core.pagination import CappedPaginator


def test_it_counts_up_to_the_cap_and_says_there_is_more(cast) -> None:
    total = Agency.objects.count()
    assert total >= 5
    paginator = CappedPaginator(Agency.objects.order_by("code"), 2, cap=3)
    assert paginator.count == 3
    assert paginator.capped
    assert paginator.num_pages == 2
    last = paginator.get_page(99)  # past the cap: the last offered page
    assert last.number == 2 and len(last.object_list) == 1


def test_it_is_exact_below_the_cap(cast) -> None:
    total = Agency.objects.count()
    paginator = CappedPaginator(Agency.objects.order_by("code"), 2, cap=total + 10)
    assert paginator.count == total
    assert not paginator.capped


def test_the_count_is_a_bounded_unordered_subquery(cast) -> None:
    paginator = CappedPaginator(Agency.objects.order_by("code"), 2, cap=3)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 3
    sql = queries.captured_queries[-1]["sql"].upper()
    assert "LIMIT 4" in sql and "ORDER BY" not in sql
