"""zhtargets.render: the HTML itself, then the 001 page in headless Chromium.

The browser test never skips: a machine without Chromium fails it with the
install line, since a page that was never opened proves nothing.
"""
from __future__ import annotations

import dataclasses
import importlib.util
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType, SimpleNamespace

import numpy as np
import pytest
from PIL import Image

import zhtargets
from zhtargets.document import read_document
from zhtargets.records import Target
from zhtargets.render import KIND_COLOURS, Rendered, render, targets_html

TESTS = Path(__file__).resolve().parent
DOC_001 = TESTS.parent / "corpus" / "raw" / "001_18c78e876a0a643e.txt"


def _headless() -> ModuleType:
    spec = importlib.util.spec_from_file_location("zt_headless", TESTS / "browser" / "headless.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


headless = _headless()


def rec(start: int, end: int, text: str = "", kind: str = "amount",
        role: str | None = None, **kw) -> Target:
    fields = dict(value=1.0, low=None, high=None, unit="count", classifier=None, per=None,
                  comparator="=", comparator_word=None, hedge=None, indicator=None, year=None,
                  rule="test")
    fields.update(kw)
    return Target(start=start, end=end, text=text, kind=kind, role=role, **fields)  # type: ignore[arg-type]


class _Balance(HTMLParser):
    """Fails on a closing tag that does not close the innermost open one."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text_parts: list[str] = []
        self.in_text = 0

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)
        if self.in_text or ("class", "zt-text") in attrs:
            self.in_text += 1

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()
        if self.in_text:
            self.in_text -= 1

    def handle_data(self, data):
        if self.in_text:
            self.text_parts.append(data)


def visible_text(markup: str) -> str:
    parser = _Balance()
    parser.feed(markup)
    parser.close()
    assert parser.stack == [], f"unclosed tags {parser.stack}"
    return "".join(parser.text_parts)


# --------------------------------------------------------------------------
# The HTML

def test_escapes_and_keeps_text_and_line_breaks():
    text = "目标<b>&\"'x\n\n增长5%以上\r\n第三行"
    r = render(text, [rec(text.index("5%"), text.index("5%") + 5, "5%以上", "change", "plan")])
    assert "<b>" not in r.html.split('class="zt-text"')[1]
    assert visible_text(r.html) == text
    assert r.marked == 1 and r.skipped == 0


def test_mark_attributes_and_tooltip():
    text = "地区生产总值增长5.5%左右"
    t = rec(8, 15, "5.5%左右", "change", "plan", value=5.5, unit="percent", comparator="~",
            comparator_word="左右", indicator="地区生产总值", year=2023, hedge="确保")
    marks = headless.count_tags(render(text, [t]).html, "mark", "zt-target")
    assert len(marks) == 1
    m = marks[0]
    assert m["data-kind"] == "change" and m["data-role"] == "plan"
    for part in ("value: 5.5", "unit: percent", "comparator: ~ (左右)", "indicator: 地区生产总值",
                 "year: 2023", "role: plan", "hedge: 确保"):
        assert part in (m["title"] or ""), part


def test_roles_and_unknown_kinds_are_styled():
    text = "a1 b2 c3 d4"
    targets = [rec(0, 2, role="plan"), rec(3, 5, kind="level", role="actual"),
               rec(6, 8, kind="change"), dataclasses.replace(rec(9, 11), kind="odd")]  # type: ignore[arg-type]
    marks = headless.count_tags(render(text, targets).html, "mark", "zt-target")
    assert [(m["data-kind"], m["data-role"]) for m in marks] == [
        ("amount", "plan"), ("level", "actual"), ("change", "none"), ("other", "none")]
    css = render(text, targets).html
    assert "border-style: solid" in css and "border-style: dashed" in css
    for colour in KIND_COLOURS.values():
        assert colour in css


def test_overlapping_and_out_of_range_targets():
    text = "0123456789abcdefghij"
    targets = [
        rec(0, 10, kind="change"),
        rec(5, 15, kind="level"),       # crosses the first: cut to 10-15
        rec(7, 12, kind="amount"),      # crosses both: cut to 10-12, nested in the second
        rec(2, 4),                      # nested
        rec(2, 4),                      # the same span twice: nested again
        rec(3, 3),                      # empty: skipped
        rec(-5, 1),                     # starts before the text: clipped
        rec(18, 99),                    # runs past the end: clipped
        rec(100, 120),                  # entirely outside: skipped
    ]
    r = render(text, targets)
    assert visible_text(r.html) == text
    marks = headless.count_tags(r.html, "mark", "zt-target")
    assert r.marked == len(marks) == 7 and r.skipped == 2
    spans = sorted((int(m["data-start"]), int(m["data-end"])) for m in marks)
    assert spans == [(0, 1), (0, 10), (2, 4), (2, 4), (10, 12), (10, 15), (18, 20)]
    assert sum(m.get("data-clipped") == "true" for m in marks) == 2


def test_document_object_and_default_extraction():
    text = "实现金融业增加值730亿元以上,增长6%。"
    extracted = zhtargets.extract(text)
    by_default = render(text)
    assert by_default.marked == len(extracted) >= 2
    doc = SimpleNamespace(text=text, targets=extracted[:1])
    assert render(doc).marked == 1
    assert render(doc, targets=[]).marked == 0
    with pytest.raises(TypeError):
        render(42)


def test_frame_input_and_repr():
    text = "实现金融业增加值730亿元以上"
    r = render(text, zhtargets.to_frame(zhtargets.extract(text)))
    assert isinstance(r, Rendered) and r.marked == 1
    frag = r._repr_html_()
    assert frag.startswith("<style>") and "<html" not in frag and 'class="zt-target"' in frag
    assert r.html.startswith("<!DOCTYPE html>")
    # Self-contained: no scripts and nothing fetched from elsewhere.
    for needle in ("<script", "<link", "src=", "http://", "https://", "@import", "url("):
        assert needle not in r.html


def test_targets_html_table():
    targets = zhtargets.extract("实现金融业增加值730亿元以上,新增<企业>1-2家")
    table = targets_html(targets)
    assert table.count("<tr>") == len(targets) + 1
    assert "&lt;" in table or "<企业>" not in table
    assert "1–2" in table
    cut = targets_html(targets, max_rows=1)
    assert f"… {len(targets) - 1} more" in cut


# --------------------------------------------------------------------------
# The 001 page in Chromium

def _colour_pixels(png: Path) -> dict[str, int]:
    pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
    counts = {}
    for kind, colour in KIND_COLOURS.items():
        rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
        counts[kind] = int((np.abs(pixels - rgb).max(axis=2) <= 2).sum())
    return counts


@pytest.fixture(scope="module")
def chromium() -> str:
    try:
        return headless.find_chromium()
    except headless.ChromiumMissing as exc:
        pytest.fail(str(exc))


def test_001_in_chromium(chromium, tmp_path):
    doc = read_document(DOC_001)
    targets = doc.targets
    assert {t.role for t in targets} >= {"plan", "actual"}
    assert {t.kind for t in targets} == set(KIND_COLOURS)

    rendered = render(doc, title="001 拱墅区政府工作报告主要任务完成情况")
    assert rendered.marked == len(targets) and rendered.skipped == 0
    page = rendered.save(tmp_path / "001.html")
    dom = headless.dump_dom(page, tmp_path)
    marks = headless.count_tags(dom, "mark", "zt-target")
    assert len(marks) == len(targets)
    assert sorted(int(m["data-start"]) for m in marks) == sorted(t.start for t in targets)
    assert {m["data-role"] for m in marks} == {t.role or "none" for t in targets}
    assert all(m["title"] and "kind: " in m["title"] for m in marks)

    # A tall window: the first level (a PM2.5 concentration) sits ~70 lines down.
    size = (1200, 3000)
    shot = headless.screenshot(page, tmp_path / "001.png", tmp_path, size)
    image = np.asarray(Image.open(shot).convert("RGB"))
    assert image.shape[:2] == (size[1], size[0])
    non_white = (image < 245).any(axis=2).mean()
    assert 0.01 < non_white < 0.6, f"page looks blank or broken ({non_white:.1%} ink)"

    # The legend alone shows every colour once; the document must add more of
    # each, so compare against a page with the legend and no text.
    empty = render("", []).save(tmp_path / "empty.html")
    baseline = _colour_pixels(headless.screenshot(empty, tmp_path / "empty.png", tmp_path, size))
    counts = _colour_pixels(shot)
    for kind in KIND_COLOURS:
        assert baseline[kind] > 0, f"legend swatch for {kind} not drawn"
        assert counts[kind] > baseline[kind] + 500, (kind, counts[kind], baseline[kind])
