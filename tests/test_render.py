"""zhtargets.render: the HTML itself, then the 001 page in headless Chromium.

The browser test never skips: a machine without Chromium fails it with the
install line, since a page that was never opened proves nothing.
"""
from __future__ import annotations

import dataclasses
import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PIL import Image

import zhtargets
from zhtargets.document import read_document
from zhtargets.records import Target
from zhtargets.render import KIND_COLOURS, Rendered, displacy_options, render, targets_html

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


def test_mark_attributes_and_tooltip_in_chinese():
    text = "地区生产总值增长5.5%左右"
    t = rec(8, 15, "5.5%左右", "change", "plan", value=5.5, unit="percent", comparator="~",
            comparator_word="左右", indicator="地区生产总值", year=2023, hedge="确保")
    marks = headless.count_tags(render(text, [t]).html, "mark", "zt-target")
    assert len(marks) == 1
    m = marks[0]
    assert m["data-kind"] == "change" and m["data-role"] == "plan"
    assert m["data-label"] == "目标·增减"
    for part in ("数值：5.5%", "比较：左右", "类型：增减", "指标：地区生产总值", "年份：2023",
                 "角色：目标", "措辞：确保"):
        assert part in (m["title"] or ""), part


def test_roles_and_unknown_kinds_are_styled():
    text = "a1 b2 c3 d4"
    targets = [rec(0, 2, role="plan"), rec(3, 5, kind="level", role="actual"),
               rec(6, 8, kind="change"), dataclasses.replace(rec(9, 11), kind="odd")]  # type: ignore[arg-type]
    marks = headless.count_tags(render(text, targets).html, "mark", "zt-target")
    assert [(m["data-kind"], m["data-role"], m["data-label"]) for m in marks] == [
        ("amount", "plan", "目标·数量"), ("level", "actual", "实际·水平"),
        ("change", "none", "未定·增减"), ("other", "none", "未定")]
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


def test_document_and_default_extraction():
    text = "实现金融业增加值730亿元以上,增长6%。"
    extracted = zhtargets.extract(text)
    assert render(text).marked == len(extracted) >= 2
    doc = read_document(text)
    assert render(doc).marked == len(doc.targets)
    assert render(doc, targets=doc.targets[:1]).marked == 1
    assert render(doc, targets=[]).marked == 0
    with pytest.raises(TypeError, match="Document"):
        render(42)  # type: ignore[arg-type]


def test_self_contained_and_repr():
    text = "实现金融业增加值730亿元以上"
    r = render(text)
    assert isinstance(r, Rendered) and r.marked == 1
    frag = r._repr_html_()
    assert frag.startswith("<style>") and "<html" not in frag and 'class="zt-target"' in frag
    assert r.html.startswith("<!DOCTYPE html>")
    # Self-contained: no scripts and nothing fetched from elsewhere.
    for needle in ("<script", "<link", "src=", "http://", "https://", "@import", "url("):
        assert needle not in r.html
    assert repr(r) == f"Rendered(marked=1, skipped=0, chars={len(r.html)})"
    # Records and documents show themselves in notebooks through the views.
    assert 'class="zt-table"' in zhtargets.extract(text)._repr_html_()
    assert 'class="zt-target"' in read_document(text)._repr_html_()


def test_targets_html_table_in_chinese():
    targets = zhtargets.extract("实现金融业增加值730亿元以上,新增<企业>1-2家")
    table = targets_html(targets)
    assert table.count("<tr>") == len(targets) + 1
    assert "<企业>" not in table
    assert "730亿元" in table and "1–2家" in table and "以上" in table
    assert "<th>数值</th>" in table and "<th>类型</th>" in table
    cut = targets_html(targets, max_rows=1)
    assert f"… {len(targets) - 1}" in cut


PLAN = "地区生产总值增长5.5%左右。新增城镇就业2万人以上。建成口袋公园10个。"
ACTUAL = "地区生产总值增长6.1%。新增城镇就业1.5万人。"


def linked_page(**options) -> tuple[str, Rendered, zhtargets.Links]:
    text = PLAN + "\n" + ACTUAL
    cut = len(PLAN) + 1
    targets = [dataclasses.replace(t, role="plan" if t.start < cut else "actual", task="1")
               for t in zhtargets.extract(text)]
    links = zhtargets.link([t for t in targets if t.role == "plan"],
                           [t for t in targets if t.role == "actual"])
    return text, render(text, targets, links=links, **options), links


def test_each_target_shows_its_status_and_its_result_on_hover():
    text, r, links = linked_page()
    assert [k.status for k in links] == ["met", "not_met", "unknown"]
    badges = headless.count_tags(r.html, "span", "zt-status")
    assert [b["data-status"] for b in badges] == ["met", "not_met", "unknown"]
    for word in ("完成", "未完成", "待核实"):
        assert f">{word}</span>" in r.html
    marks = {m["data-start"]: m for m in headless.count_tags(r.html, "mark", "zt-target")}
    gdp = marks[str(text.index("5.5%"))]
    assert gdp["data-status"] == "met"
    assert "完成情况：6.1%" in gdp["title"] and "判断依据：" in gdp["title"]
    result = marks[str(text.index("1.5万人"))]
    assert result["data-role"] == "actual" and result["data-status"] == "not_met"
    assert "对应目标：2万人以上" in result["title"]
    parks = marks[str(text.index("10个"))]
    assert "完成情况：未报告" in parks["title"]
    # The legend counts statuses in their colours.
    assert headless.count_tags(r.html, "span", "zt-swatch")[-1]["data-status"] == "unknown"


def test_filters_by_role_kind_and_status_without_scripts():
    _, r, _ = linked_page()
    inputs = headless.count_tags(r.html, "input", "zt-filter")
    groups = {}
    for i in inputs:
        groups.setdefault(i["name"].rsplit("-", 1)[1], []).append(i["value"])
    assert groups == {"role": ["all", "plan", "actual"], "kind": ["all", "change", "amount"],
                      "status": ["all", "met", "not_met", "unknown"]}
    assert all(i["type"] == "radio" for i in inputs)
    assert sum("checked" in i for i in inputs) == 3
    ident = next(i["id"] for i in inputs if i["value"] == "not_met")
    assert (f'#{ident}:checked ~ .zt-body mark.zt-target:not([data-status="not_met"])'
            in r.html)
    assert "<script" not in r.html
    assert "<input" not in render("增长5%", filters=False).html


def test_table_view_for_table_documents(doc_001):
    r = render(doc_001)
    assert '<table class="zt-tasks">' in r.html and 'class="zt-text"' not in r.html
    heads = ["序号", "主要工作内容", "牵头单位", "完成情况"]
    assert "".join(f"<th>{h}</th>" for h in heads) in r.html
    assert r.html.count("<tr>") == len(doc_001.tasks) + 1
    # Each task once: the copy a scraped page repeats is not marked again.
    assert r.marked == len(doc_001.unique_targets)
    text_view = render(doc_001, view="text")
    assert 'class="zt-text"' in text_view.html and text_view.marked == len(doc_001.targets)


def test_parts_frame_the_text_with_their_kind_and_years():
    text = ("2024年政府工作报告\n一、2023年工作回顾\n过去一年，全区地区生产总值增长6.1%。\n"
            "二、2024年主要目标和任务\n今年地区生产总值增长5.5%左右。\n")
    doc = read_document(text)
    assert [p.kind for p in doc.parts] == ["opening", "review", "plan"]
    r = render(doc)
    sections = headless.count_tags(r.html, "section", "zt-part")
    assert [(s["data-kind"], s["data-role"]) for s in sections] == [
        ("opening", "plan"), ("review", "actual"), ("plan", "plan")]
    heads = re.findall(r'<div class="zt-part-head">([^<]*)</div>', r.html)
    assert heads == ["开篇", "回顾　2023年　（实际）", "计划　2024年　（目标）"]
    assert visible_text(r.html) == text and r.marked == len(doc.targets) == 2
    review, plan = r.html.split('data-kind="review"')[1].split('data-kind="plan"')
    assert "6.1%" in review and "5.5%左右" in plan


def test_to_displacy():
    text = "实现金融业增加值730亿元以上,增长6%。"
    data = zhtargets.to_displacy(read_document(text), title="示例")
    assert data["text"] == text and data["title"] == "示例"
    assert [text[e["start"]:e["end"]] for e in data["ents"]] == ["730亿元以上", "6%"]
    assert [e["label"] for e in data["ents"]] == ["目标·数量", "目标·增减"]
    colours = displacy_options()["colors"]
    assert all(e["label"] in colours for e in data["ents"])
    nested = [rec(0, 10), rec(2, 4), rec(12, 14)]
    ents = zhtargets.to_displacy("0123456789abcdef", nested)["ents"]
    assert [(e["start"], e["end"]) for e in ents] == [(0, 10), (12, 14)]


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


@pytest.fixture(scope="module")
def doc_001():
    return read_document(DOC_001)


def test_short_reprs_of_a_long_document(doc_001):
    targets = zhtargets.Targets(doc_001.targets)
    assert repr(targets).startswith("Targets(704 records: '5.5%左右', '5%以上', ") and \
        len(repr(targets)) < 100
    links = doc_001.link()
    assert repr(links).startswith("Links(89 records: '5.5%左右' met, ")
    assert len(repr(doc_001)) < 300
    few = zhtargets.extract("增长5%")
    assert repr(few) == repr(list(few))


def test_001_in_chromium(chromium, doc_001, tmp_path):
    links = doc_001.link()
    assert {k.status for k in links} == {"met", "exceeded", "not_met", "unknown"}
    rendered = render(doc_001, links=links, title="拱墅区政府工作报告主要任务完成情况")
    page = rendered.save(tmp_path / "001.html")
    dom = headless.dump_dom(page, tmp_path)

    marks = headless.count_tags(dom, "mark", "zt-target")
    assert len(marks) == rendered.marked == len(doc_001.unique_targets)
    assert {m["data-role"] for m in marks} == {"plan", "actual"}
    # Every linked plan on the page carries its status as text, in its colour.
    linked = {(k.plan.start, k.plan.end): k.status for k in links}
    shown = {(int(m["data-start"]), int(m["data-end"])): m.get("data-status") for m in marks
             if m["data-role"] == "plan"}
    assert shown == {span: linked[span] for span in shown} and len(shown) == len(links)
    badges = headless.count_tags(dom, "span", "zt-status")
    assert sorted(b["data-status"] for b in badges) == sorted(k.status for k in links)
    for word in ("完成", "超额完成", "未完成", "待核实"):
        assert f">{word}</span>" in dom
    assert all("完成情况：" in m["title"] for m in marks if m["data-role"] == "plan")

    # Nothing an ordinary reader sees is English, except letters the document
    # itself uses (GDP, PM2.5 …).
    reader = _Reader()
    reader.feed(dom)
    for token in re.findall(r"[A-Za-z]{2,}", " ".join(reader.seen)):
        assert token in doc_001.text, token

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
        assert counts[kind] > baseline[kind] + 500, (kind, counts[kind], baseline[kind])


class _Reader(HTMLParser):
    """Text a reader sees: element text, tooltips and CSS-drawn labels."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"style", "title"}:
            self.skip += 1
        found = dict(attrs)
        self.seen += [v for k, v in found.items() if k in {"title", "data-label"} and v]

    def handle_endtag(self, tag):
        if tag in {"style", "title"}:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.seen.append(data)
