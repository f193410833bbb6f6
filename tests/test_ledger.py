"""zhtargets.ledger: the 台账 an officer prints, built from typed records.

First a miniature plan and report written for these tests (every status,
a target for a later year, a task without targets), then the 001 completion
table as the issue describes it: printed from LibreOffice it must fit three
landscape pages with the header on each, and no cell an officer reads may
hold an English word or a pint unit name.
"""
from __future__ import annotations

import math
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zhtargets
from zhtargets.document import Document, read_document
from zhtargets.ledger import (
    FRAME_COLUMNS, OFFICER_COLUMNS, TECHNICAL_COLUMNS, display_width, ledger_frame, ledger_lines,
    to_csv, to_excel, to_parquet,
)
from zhtargets.units import unit_names
from zhtargets.wording import STATUS_COLOURS, figure, range_figure, signed_figure

DOC_001 = Path(__file__).resolve().parents[1] / "corpus" / "raw" / "001_18c78e876a0a643e.txt"

PLAN = """2024年区政府工作报告重点任务分解
一、张三副区长牵头工作
1.地区生产总值增长5.5%左右。
牵头单位：区发改局
2.新增城镇就业2万人以上。
牵头单位：区人社局
3.到2026年建成口袋公园30个。
牵头单位：区建委、区城管局
4.深化营商环境改革。
牵头单位：区发改局
"""
REPORT = """2024年区政府工作报告重点任务完成情况
全区地区生产总值增长6.1%。新增城镇就业1.5万人。
"""
HEADERS = ["序号", "主要工作内容", "牵头单位", "目标", "完成情况", "状态", "差距", "备注"]


@pytest.fixture(scope="module")
def mini() -> tuple[Document, Document]:
    return read_document(PLAN, name="plan"), read_document(REPORT, name="report")


@pytest.fixture(scope="module")
def mini_book(mini, tmp_path_factory) -> openpyxl.Workbook:
    plan, report = mini
    path = to_excel(plan, tmp_path_factory.mktemp("mini") / "mini.xlsx", report=report)
    return openpyxl.load_workbook(path)


def rows(ws) -> list[dict]:
    head = [c.value for c in ws[1]]
    return [dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True)]


def fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:].upper()


# --------------------------------------------------------------------------
# The miniature


def test_lines_follow_tasks_and_mark_a_later_year_pending(mini):
    plan, report = mini
    lines = ledger_lines(plan, report=report)
    assert [ln.task.number for ln in lines] == [1, 2, 3, 4]
    assert [ln.status for ln in lines] == ["met", "not_met", "pending", None]
    # 到2026年 in a plan reported on for 2024: awaited, not doubtful.
    assert lines[2].pending_year == 2026 and lines[2].link.status == "unknown"
    assert lines[3].link is None


def test_a_plan_that_reports_nothing_awaits_every_dated_target(mini):
    # No report and no completion cell: nothing of 2024 has been reported
    # yet, so its targets are awaited (待报告), not doubtful (待核实).
    plan, _ = mini
    lines = ledger_lines(plan)
    assert [ln.status for ln in lines] == ["pending", "pending", "pending", None]
    assert [ln.pending_year for ln in lines] == [2024, 2024, 2026, None]
    assert [ln.status for ln in ledger_lines(plan, report_year=2024)][:3] == [
        "unknown", "unknown", "pending"]


def test_a_given_report_year_decides_what_is_pending(mini):
    plan, report = mini
    lines = ledger_lines(plan, report=report, report_year=2026)
    assert lines[2].status == "unknown" and lines[2].pending_year is None


def test_officer_sheet_reads_in_chinese(mini_book):
    ws = mini_book["台账"]
    assert [c.value for c in ws[1]] == HEADERS
    gdp, jobs, parks, reform = rows(ws)
    assert gdp["目标"] == "5.5%左右" and gdp["完成情况"] == "6.1%" and gdp["状态"] == "完成"
    assert gdp["差距"] == "+0.6个百分点"
    assert jobs["状态"] == "未完成" and jobs["差距"] == "−5000人"
    # A later year's target says its year; nothing answers it yet.
    assert parks["状态"] == "待报告" and parks["目标"] == "30个（2026年）"
    assert parks["完成情况"] == "未报告" and parks["差距"] is None
    assert parks["牵头单位"] == "区建委、区城管局"
    assert reform["主要工作内容"].startswith("深化营商环境改革") and reform["状态"] is None
    assert all(r["备注"] is None for r in rows(ws))


def test_officer_sheet_colours_statuses(mini_book):
    ws = mini_book["台账"]
    status_col = HEADERS.index("状态") + 1
    assert fill(ws.cell(2, status_col)) == STATUS_COLOURS["met"].lstrip("#").upper()
    assert fill(ws.cell(3, status_col)) == STATUS_COLOURS["not_met"].lstrip("#").upper()
    assert fill(ws.cell(4, status_col)) == STATUS_COLOURS["pending"].lstrip("#").upper()
    assert all(c.alignment.vertical == "top" and c.alignment.wrap_text for c in ws[3])


def test_status_drop_down_offers_the_status_words(mini_book):
    ws = mini_book["台账"]
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"完成,超额完成,未完成,待核实,待报告"'
    letter = openpyxl.utils.get_column_letter(HEADERS.index("状态") + 1)
    assert str(validation.sqref) == f"{letter}2:{letter}5"


def test_print_setup(mini_book):
    ws = mini_book["台账"]
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A3)
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    # Panes frozen below the header and right of the task columns.
    assert ws.freeze_panes == "D2"
    widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width
              for j in range(1, len(HEADERS) + 1)]
    assert max(widths) == widths[HEADERS.index("主要工作内容")]


def test_summary_counts_by_status_and_lead_unit_in_the_same_colours(mini_book):
    ws = mini_book["汇总"]
    cells = [[c for c in row] for row in ws.iter_rows()]
    values = [[c.value for c in row] for row in cells]
    assert values[0][0] == "按状态统计"
    by_status = {r[0]: r[1] for r in values[2:6]}
    assert by_status == {"完成": 1, "未完成": 1, "待报告": 1, "合计": 3}
    assert fill(cells[2][0]) == STATUS_COLOURS["met"].lstrip("#").upper()
    start = next(i for i, r in enumerate(values) if r[0] == "按牵头单位统计")
    head = values[start + 1]
    assert head[0] == "牵头单位" and head[-1] == "合计"
    units = {r[0]: r[-1] for r in values[start + 2:] if r[0]}
    assert units == {"区发改局": 1, "区人社局": 1, "区建委": 1}


def test_technical_sheet_keeps_offsets_keys_and_what_the_print_leaves_out(mini, mini_book):
    plan, _ = mini
    ws = mini_book["技术信息"]
    assert ws.sheet_state == "hidden"
    head = [c.value for c in ws[1]]
    assert head[:5] == ["task", "section", "indicator", "result", "reason"]
    assert head[5:] == list(TECHNICAL_COLUMNS[1:])
    first, jobs, parks, reform = rows(ws)
    assert PLAN[first["plan_start"]:first["plan_end"]] == "5.5%左右"
    assert first["unit"] == "percent" and first["comparator"] == "~"
    assert first["code"] == "reached" and first["status"] == "met"
    assert first["section"] == "一、张三副区长牵头工作" and first["indicator"] == "地区生产总值"
    assert jobs["ratio"] == pytest.approx(0.75) and "低于目标" in jobs["reason"]
    assert parks["reason"] == "目标年度2026年未到，待报告" and parks["year"] == 2026
    assert reform["result"] is None and reform["task"] is not None
    assert mini_book.sheetnames == ["台账", "汇总", "技术信息"]


def test_a4_and_bad_paper(mini, tmp_path):
    plan, report = mini
    ws = openpyxl.load_workbook(to_excel(plan, tmp_path / "a4.xlsx", report=report,
                                         paper="A4"))["台账"]
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
    with pytest.raises(ValueError, match="A3"):
        to_excel(plan, tmp_path / "x.xlsx", report=report, paper="Letter")


def test_frame_csv_and_parquet(mini, tmp_path):
    plan, report = mini
    frame = ledger_frame(plan, report=report)
    assert len(frame) == 4
    assert list(frame.columns[:12]) == list(FRAME_COLUMNS)
    assert set(OFFICER_COLUMNS) - set(FRAME_COLUMNS) == {"remark"}
    assert list(frame["status"].fillna("")) == ["完成", "未完成", "待报告", ""]
    assert list(frame["tech_status"].fillna("")) == ["met", "not_met", "pending", ""]
    back = pd.read_csv(to_csv(frame, tmp_path / "l.csv"), encoding="utf-8-sig")
    assert list(back.columns) == list(frame.columns) and len(back) == 4
    assert pd.read_parquet(to_parquet(frame, tmp_path / "l.parquet"))["target"].tolist()[:2] \
        == ["5.5%左右", "2万人以上"]


def test_parquet_without_pyarrow_names_the_extra(tmp_path, without_module):
    without_module("pyarrow")
    with pytest.raises(ImportError, match=r"zhtargets\[parquet\]"):
        to_parquet(pd.DataFrame({"a": [1]}), tmp_path / "x.parquet")


@pytest.mark.parametrize("shown, expected", [
    (figure(7.3e10, "yuan"), "730亿元"),
    (figure(5.5, "percent"), "5.5%"),
    (figure(304, "count", "个"), "304个"),
    (figure(1500, "m**2"), "1500平方米"),
    (figure(26300, "kW"), "2.63万千瓦"),
    (figure(None, "yuan"), ""),
    (signed_figure(-0.3, "percent"), "−0.3个百分点"),
    (signed_figure(2e9, "yuan"), "+20亿元"),
    (range_figure(1, 2, "count", "家"), "1–2家"),
    (range_figure(3, 3.5, "percent"), "3–3.5%"),
])
def test_figures_read_as_documents_write_them(shown, expected):
    assert shown == expected


@given(st.integers(min_value=1, max_value=10**12), st.sampled_from(["yuan", "m**2", "kW"]))
@settings(max_examples=60, deadline=None)
def test_a_figure_reads_back_as_its_value(value, unit):
    # What the ledger writes, the extractor reads as the same quantity (to
    # the two decimals kept after 万 or 亿).
    text = figure(value, unit)
    (found,) = zhtargets.extract(f"新增{text}")
    assert found.unit == unit and found.text == text
    assert found.value == pytest.approx(value, rel=0.005)


def test_display_width_counts_wide_characters_twice():
    assert display_width("序号") == 4 and display_width("5.5%") == 4
    assert display_width("ＧＤＰ增长") == 10


# --------------------------------------------------------------------------
# 001, as the issue prints it


@pytest.fixture(scope="module")
def book_001(tmp_path_factory) -> tuple[Path, Document]:
    doc = read_document(DOC_001)
    return to_excel(doc, tmp_path_factory.mktemp("001") / "001.xlsx"), doc


def _pint_names() -> set[str]:
    return set(unit_names())


def test_001_officer_cells_hold_no_english(book_001):
    path, doc = book_001
    book = openpyxl.load_workbook(path)
    pint_names = _pint_names()
    foreign = []
    for name in ("台账", "汇总"):
        for row in book[name].iter_rows(values_only=True):
            for value in row:
                if not isinstance(value, str):
                    continue
                for token in re.findall(r"[A-Za-z][A-Za-z*/0-9.]*", value):
                    # Letters quoted from the document (GDP, PM2.5, VOCs) are the
                    # document's own words; anything else came from the code.
                    if token in pint_names or token not in doc.text:
                        foreign.append((name, token, value))
    assert not foreign, foreign[:10]
    lines = rows(book["台账"])
    assert len(lines) > 100
    assert {r["状态"] for r in lines} >= {"完成", "超额完成", "未完成", "待核实"}
    # Every verdict stands beside a result: a figure, or the word for its absence.
    assert all(r["完成情况"] for r in lines if r["状态"])


def test_001_rows_are_as_tall_as_their_text(book_001):
    """LibreOffice prints rows at the height the file gives (it does not grow
    them to wrapped text when converting), so each row must say how tall its
    text is: for the task text, merged down the task's lines, at least 1.2
    times the font size per line, a line holding as many display columns as
    the column is wide in units of the 11-point default font, scaled to the
    cell's font."""
    path, doc = book_001
    ws = openpyxl.load_workbook(path)["台账"]
    col = HEADERS.index("主要工作内容") + 1
    merged = {r.min_row: r.max_row for r in ws.merged_cells.ranges if r.min_col == col}
    width = ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width
    for row in range(2, ws.max_row + 1):
        text = ws.cell(row, col).value
        if not text:
            continue
        last = merged.get(row, row)
        height = sum(ws.row_dimensions[r].height for r in range(row, last + 1))
        size = ws.cell(row, col).font.sz
        per_line = width * 11 / size
        lines = sum(max(1, math.ceil(display_width(part) / per_line)) for part in text.split("\n"))
        assert height >= lines * size * 1.2, (row, text[:20], height, lines)


def _printed_sizes(page) -> list[float]:
    """Point sizes at which ``page`` draws Chinese text (the page footer has none)."""
    sizes = []

    def visit(text, cm, tm, font, size):
        if re.search(r"[\u4e00-\u9fff]", text):
            sizes.append(abs(size * tm[3] * cm[3]))
    page.extract_text(visitor_text=visit)
    return sizes


@pytest.fixture(scope="module")
def printout_001(book_001, tmp_path_factory) -> list[str]:
    """The 001 ledger printed to PDF by LibreOffice, as the issue prints it:
    the text of each page.  LibreOffice is a test requirement
    (scripts/install-system-deps installs it), so its absence fails."""
    from pypdf import PdfReader

    path, _ = book_001
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is missing: run scripts/install-system-deps"
    out = tmp_path_factory.mktemp("pdf")
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out),
                    str(path)], capture_output=True, timeout=300, check=True,
                   env={"HOME": str(out), "PATH": "/usr/bin:/bin"})
    reader = PdfReader(out / "001.pdf")
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) > float(box.height), "landscape"
    return reader


def test_001_prints_on_three_landscape_pages_with_the_header_on_each(book_001, printout_001):
    path, doc = book_001
    ws = openpyxl.load_workbook(path)["台账"]
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "landscape"
    # Each page's text, its footer (page 1/4) taken off.
    texts = [re.sub(r"^\d+/\d+", "", re.sub(r"\s", "", p.extract_text()))
             for p in printout_001.pages]
    header = "".join(HEADERS)
    ledger_pages = [t for t in texts if "主要工作内容" in t]
    summary_pages = [t for t in texts if t.startswith("按状态统计")]
    assert len(ledger_pages) <= 3
    assert len(ledger_pages) + len(summary_pages) == len(texts)
    assert all(t.startswith(header) for t in ledger_pages), "the header row opens every page"
    # LibreOffice kept the page breaks the sheet sets, between tasks, and
    # added none of its own, which would cut a task's merged cells in two.
    assert len(ledger_pages) == len(ws.row_breaks.brk) + 1
    merged = [(r.min_row, r.max_row) for r in ws.merged_cells.ranges]
    for brk in ws.row_breaks.brk:  # a page ends after row brk.id
        assert not any(first <= brk.id < last for first, last in merged), brk.id
    printed = "".join(ledger_pages)
    for task in doc.tasks:
        words = re.sub(r"\s", "", doc.structure.text(task))
        # The end of a task's text is what a clipped row loses.
        assert words[-8:] in printed, words


def test_001_printout_is_legible(printout_001):
    sizes = [s for page in printout_001.pages for s in _printed_sizes(page)]
    assert sizes and min(sizes) >= 8.0, min(sizes)


def test_001_public_entry_point(tmp_path):
    doc = zhtargets.read_document(DOC_001)
    out = zhtargets.to_excel(doc, tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(out)["台账"]
    assert ws.max_row == len(ledger_lines(doc)) + 1
