"""SVG charts: escaped, accessible, mirrored for right-to-left pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from himaya.core.charts import bar_chart, line_chart, stacked_bar_chart

NS = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def _names(text: ET.Element) -> set[str]:
    """What a text element says: its visible text, and its tooltip (the full label)."""
    title = text.find(f"{NS}title")
    visible = (text.text or "") + (title.tail or "" if title is not None else "")
    return {visible, title.text if title is not None else visible}


def _label_x(svg: str, label: str) -> float:
    root = _parse(svg)
    for text in root.iter(f"{NS}text"):
        if label in _names(text):
            return float(text.get("x"))
    raise AssertionError(label)


def test_it_escapes_labels_and_titles():
    svg = bar_chart(title='<script>alert("x")</script>', labels=["A & B <i>"], values=[3])
    assert "<script>" not in svg and "<i>" not in svg
    root = _parse(svg)  # still well-formed XML
    assert root.find(f"{NS}title").text == '<script>alert("x")</script>'
    assert any("A & B <i>" in _names(t) for t in root.iter(f"{NS}text"))


def test_it_is_an_accessible_image_with_title_and_generated_description():
    svg = bar_chart(title="Trained staff", labels=["Police", "EPC"], values=[12, 30])
    root = _parse(svg)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{NS}title").get("id") == title_id
    desc = root.find(f"{NS}desc")
    assert desc.get("id") == desc_id
    assert desc.text == "Police: 12; EPC: 30"


def test_it_gives_each_chart_its_own_ids():
    first = bar_chart(title="a", labels=["x"], values=[1])
    second = bar_chart(title="b", labels=["x"], values=[1])
    assert _parse(first).get("aria-labelledby") != _parse(second).get("aria-labelledby")


def test_it_scales_bars_to_their_values():
    svg = bar_chart(title="t", labels=["small", "big"], values=[25, 100], maximum=100)
    widths = [float(r.get("width")) for r in _parse(svg).iter(f"{NS}rect")]
    assert widths[1] == pytest.approx(4 * widths[0])


def test_it_mirrors_bars_for_right_to_left_pages():
    ltr = bar_chart(title="t", labels=["الشرطة"], values=[5], width=600, maximum=10)
    rtl = bar_chart(title="t", labels=["الشرطة"], values=[5], width=600, maximum=10, rtl=True)
    assert _label_x(ltr, "الشرطة") < 300 < _label_x(rtl, "الشرطة")
    assert _parse(rtl).get("direction") == "rtl"
    ltr_bar = next(_parse(ltr).iter(f"{NS}rect"))
    rtl_bar = next(_parse(rtl).iter(f"{NS}rect"))
    # the LTR bar starts at the labels' right and grows right; the RTL one ends at their left
    assert float(ltr_bar.get("x")) == pytest.approx(180)
    assert float(rtl_bar.get("x")) + float(rtl_bar.get("width")) == pytest.approx(600 - 180)


def test_it_stacks_series_with_a_legend_and_totals():
    svg = stacked_bar_chart(title="Trainers", labels=["Bahrain"], series=[("ToT", [3]), ("Practitioner", [7])])
    root = _parse(svg)
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "ToT" in texts and "Practitioner" in texts and "10" in texts
    bars = [r for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert [b.find(f"{NS}title").text for b in bars] == ["Bahrain — ToT: 3", "Bahrain — Practitioner: 7"]
    assert float(bars[1].get("x")) == pytest.approx(float(bars[0].get("x")) + float(bars[0].get("width")))


def test_it_refuses_mismatched_or_negative_values():
    with pytest.raises(ValueError):
        bar_chart(title="t", labels=["a", "b"], values=[1])
    with pytest.raises(ValueError):
        stacked_bar_chart(title="t", labels=["a"], series=[("s", [-1])])
    with pytest.raises(ValueError):
        line_chart(title="t", labels=["a", "b"], series=[("s", [1])])


def test_it_draws_an_empty_chart_without_failing():
    root = _parse(bar_chart(title="Nothing yet", labels=[], values=[]))
    assert root.find(f"{NS}title").text == "Nothing yet"


def test_it_draws_lines_first_label_on_the_right_in_rtl():
    labels = ["يناير", "فبراير", "مارس"]
    ltr = line_chart(title="t", labels=labels, series=[("s", [1, 2, 3])])
    rtl = line_chart(title="t", labels=labels, series=[("s", [1, 2, 3])], rtl=True)
    assert _label_x(ltr, "يناير") < _label_x(ltr, "مارس")
    assert _label_x(rtl, "يناير") > _label_x(rtl, "مارس")
    points = _parse(ltr).find(f"{NS}polyline").get("points").split()
    ys = [float(p.split(",")[1]) for p in points]
    assert ys[0] > ys[1] > ys[2]  # higher values are drawn higher up
    assert re.search(r"<circle[^>]*><title>s — مارس: 3</title>", ltr)


def test_it_shortens_long_labels_but_keeps_them_in_the_tooltip():
    long = "Identifying and assisting victims of trafficking in persons"
    root = _parse(bar_chart(title="t", labels=[long], values=[1], label_width=140))
    label = next(t for t in root.iter(f"{NS}text") if t.find(f"{NS}title") is not None)
    visible = label.find(f"{NS}title").tail
    assert visible.endswith("…") and len(visible) <= 20
    assert label.find(f"{NS}title").text == long


def test_it_scales_to_its_container():
    root = _parse(bar_chart(title="t", labels=["a"], values=[1], width=500))
    assert root.get("width") == "100%" and "max-width:500px" in root.get("style")
    assert root.get("viewBox").startswith("0 0 500 ")
