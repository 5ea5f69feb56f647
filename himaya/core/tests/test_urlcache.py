"""Remembered URL reversing gives exactly what Django's reverse gives."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from himaya.core import urlcache
from himaya.core.urlcache import reverse_cached


@pytest.fixture(autouse=True)
def _fresh_cache():
    urlcache.clear()
    yield
    urlcache.clear()


@pytest.mark.parametrize(
    ("name", "args", "kwargs"),
    [
        ("dashboard:home", (), {}),
        ("cases:detail", (1,), {}),
        ("cases:detail", (987_654_320_000,), {}),
        ("cases:detail", (), {"pk": 42}),
        ("referrals:act", (7, "accept"), {}),
        ("referrals:act", (7, "decline"), {}),
        ("referrals:detail", ("12",), {}),
    ],
)
def test_same_url_as_reverse_first_and_second_time(name, args, kwargs):
    expected = reverse(name, args=args, kwargs=kwargs)
    assert reverse_cached(name, args, kwargs) == expected
    assert reverse_cached(name, args, kwargs) == expected


def test_other_numbers_reuse_the_pattern():
    for pk in (1, 9, 10, 123456, 0):
        assert reverse_cached("cases:detail", (pk,)) == reverse("cases:detail", args=(pk,))
    for pk, action in ((3, "start"), (30, "complete"), (3, "cancel")):
        assert reverse_cached("referrals:act", (pk, action)) == reverse("referrals:act", args=(pk, action))


def test_unknown_names_and_bad_arguments_still_fail():
    with pytest.raises(NoReverseMatch):
        reverse_cached("cases:nothing-here")
    with pytest.raises(NoReverseMatch):
        reverse_cached("referrals:act", (3, "explode"))
    with pytest.raises(NoReverseMatch):
        reverse_cached("cases:detail", (-1,))


def test_script_prefix_is_part_of_the_key():
    plain = reverse_cached("cases:detail", (5,))
    with override_settings(FORCE_SCRIPT_NAME="/himaya/"):
        from django.urls import set_script_prefix

        set_script_prefix("/himaya/")
        try:
            assert reverse_cached("cases:detail", (5,)) == "/himaya" + plain
        finally:
            set_script_prefix("/")
    assert reverse_cached("cases:detail", (5,)) == plain


def test_the_url_tag_is_the_cached_one_with_the_same_output():
    template = Template(
        "{% url 'cases:detail' pk %}|{% url 'referrals:act' pk 'accept' %}|"
        "{% url 'cases:nothing-here' as missing %}[{{ missing }}]|{% url 'dashboard:home' as home %}{{ home }}"
    )
    out = template.render(Context({"pk": 11}))
    assert out == (
        f"{reverse('cases:detail', args=[11])}|{reverse('referrals:act', args=[11, 'accept'])}|[]|"
        f"{reverse('dashboard:home')}"
    )
    assert any(key[0] == "cases:detail" for key in urlcache._TEMPLATES)
