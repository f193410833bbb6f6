"""zhtargets.ledger: the 台账 frame and its xlsx / CSV / Parquet files.

First on small hand-made frames with every status, then on 001 read as a
Document (structure, extraction, link).
"""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from zhtargets.ledger import (
    LEDGER_COLUMNS,
    STATUS_FILLS,
    ZH_HEADERS,
    display_width,
    ledger_frame,
    to_csv,
    to_excel,
    to_parquet,
)
from zhtargets.document import Document, read_document
from zhtargets.link import LINK_COLUMNS
from zhtargets.records import Target

DOC_001 = Path(__file__).resolve().parents[1] / "corpus" / "raw" / "001_18c78e876a0a643e.txt"
TASK_COLUMNS = ["task", "number", "section", "group", "start", "end", "text", "lead_officials",
                "lead_units", "participating_units", "completion_start", "completion_end",
                "completion_text"]


def tasks_frame() -> pd.DataFrame:
    rows = [
        ("r1", 1, None, "主要经济指标", 0, 20, "地区生产总值增长5.5%左右(确保5%以上)。", "黄飞",
         "区发改经信局", "", 30, 34, "已完成。"),
        ("r2", 2, None, "主要经济指标", 40, 60, "新增城镇就业2万人以上。", "黄飞", "区人力社保局",
         "区财政局", 70, 90, "新增城镇就业1.5万人。"),
        ("r3", 3, None, "民生实事", 100, 120, "建成口袋公园10个,改造老旧小区50个。", "王一平",
         "区建委、区城管局", "", 130, 160, "建成口袋公园12个,老旧小区改造持续推进。"),
        ("r4", 4, None, "民生实事", 170, 190, "深化营商环境改革。", "张建明", "区发改经信局", "",
         200, 220, "营商环境评价位居全市第2,新设企业3200家。"),
    ]
    return pd.DataFrame(rows, columns=TASK_COLUMNS)


def link_row(task: str | None, start: int, text: str, status: str, **kw) -> dict:
    row = {c: None for c in LINK_COLUMNS}
    row.update(task=task, plan_start=start, plan_end=start + len(text), plan_text=text,
               status=status, status_simple="met" if status == "exceeded" else status,
               actual_count=0, kind="amount", unit="count", comparator=">=")
    row.update(kw)
    return row


def link_frame() -> pd.DataFrame:
    rows = [
        link_row("r1", 8, "5.5%左右", "met", indicator="地区生产总值", target_value=5.5,
                 unit="percent", comparator="~", kind="change", reason="已完成"),
        link_row("r1", 14, "5%以上", "met", indicator="地区生产总值", target_value=5.0,
                 unit="percent", kind="change"),
        link_row("r2", 46, "2万人以上", "not_met", indicator="新增城镇就业", target_value=20000.0,
                 actual_text="1.5万人", actual_value=15000.0, gap=-5000.0, ratio=0.75),
        link_row("r3", 104, "10个", "exceeded", indicator="口袋公园", target_value=10.0,
                 actual_text="12个", actual_value=12.0, gap=2.0, ratio=1.2),
        link_row("r3", 112, "50个", "unknown", indicator="老旧小区", target_value=50.0,
                 reason="no reported result"),
        link_row(None, 500, "100亿元", "unknown", indicator="投资", target_value=1e10,
                 unit="yuan"),
    ]
    return pd.DataFrame(rows, columns=list(LINK_COLUMNS))


def target(start: int, text: str, role: str, task: str, hedge: str | None = None) -> Target:
    return Target(start=start, end=start + len(text), text=text, value=1.0, low=None, high=None,
                  unit="count", classifier=None, per=None, comparator="=", comparator_word=None,
                  hedge=hedge, kind="amount", indicator=None, year=None, role=role,  # type: ignore[arg-type]
                  rule="test", task=task)


TARGETS = [target(14, "5%以上", "plan", "r1", hedge="确保"),
           target(205, "第2", "actual", "r4"), target(212, "3200家", "actual", "r4")]


def status_fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:].upper()


# --------------------------------------------------------------------------

def test_display_width_counts_wide_characters_twice():
    assert display_width("abc") == 3
    assert display_width("牵头单位") == 8
    assert display_width("ＧＤＰ增长5%") == 6 + 4 + 2


def test_ledger_frame_rows_and_columns():
    led = ledger_frame(tasks_frame(), link_frame(), TARGETS)
    assert list(led.columns) == list(LEDGER_COLUMNS)
    # r1: 2 targets, r2: 1, r3: 2, r4: none (one row), then the task-less target.
    assert list(led["task"].fillna("-")) == ["r1", "r1", "r2", "r3", "r3", "r4", "-"]
    r1 = led[led.task == "r1"]
    assert (r1["lead_units"] == "区发改经信局").all() and (r1["number"] == 1).all()
    assert list(r1["hedge"].fillna("")) == ["", "确保"]
    r4 = led[led.task == "r4"].iloc[0]
    assert pd.isna(r4["target_text"]) and r4["result_text"] == "第2；3200家"
    assert r4["completion_text"].startswith("营商环境")
    last = led.iloc[-1]
    assert pd.isna(last["task"]) and last["target_text"] == "100亿元"
    assert str(led["number"].dtype) == "Int64" and str(led["gap"].dtype) == "Float64"


def test_ledger_without_targets_and_empty_link():
    led = ledger_frame(tasks_frame(), link_frame().iloc[0:0])
    assert len(led) == 4 and led["result_text"].isna().all()


def test_xlsx_format(tmp_path):
    led = ledger_frame(tasks_frame(), link_frame(), TARGETS)
    path = to_excel(led, tmp_path / "ledger.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws.title == "台账"
    assert ws.max_row == len(led) + 1 and ws.max_column == len(LEDGER_COLUMNS)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
    headers = [c.value for c in ws[1]]
    assert headers == [ZH_HEADERS[c] for c in LEDGER_COLUMNS]
    col = headers.index("状态") + 1
    fills = {}
    for i, status in enumerate(led["status"], start=2):
        cell = ws.cell(i, col)
        if pd.isna(status):
            assert cell.value is None and cell.fill.fill_type is None
            continue
        assert cell.fill.fill_type == "solid"
        fills[status] = status_fill(cell)
    assert fills == {"met": "C6EFCE", "exceeded": "C6EFCE", "not_met": "FFC7CE",
                     "unknown": "FFEB9C"}
    assert fills == {k: STATUS_FILLS[k] for k in fills}
    assert {ws.cell(i, col).value for i in range(2, ws.max_row + 1)} >= {"完成", "未完成", "待核实"}

    # Widths: the task text column fits its (wide) text; a long cell wraps.
    text_col = ws.cell(1, headers.index("主要工作内容") + 1).column_letter
    longest = max(display_width(t) for t in led["task_text"].dropna())
    assert ws.column_dimensions[text_col].width >= longest
    assert ws.column_dimensions["A"].width >= display_width("任务编号")
    number_cell = ws.cell(4, headers.index("目标值") + 1)
    assert number_cell.value == 20000 and number_cell.number_format == "#,##0"


def test_xlsx_wraps_long_text_and_accepts_parts(tmp_path):
    tasks = tasks_frame()
    tasks.loc[0, "completion_text"] = "已完成。" * 40 + "\x0b"
    path = to_excel((tasks, link_frame()), tmp_path / "parts.xlsx", headers="en")
    ws = openpyxl.load_workbook(path).active
    headers = [c.value for c in ws[1]]
    assert headers == list(LEDGER_COLUMNS)
    col = headers.index("completion_text") + 1
    cell = ws.cell(2, col)
    assert cell.value == "已完成。" * 40
    assert cell.alignment.wrap_text
    assert ws.column_dimensions[cell.column_letter].width == 60
    assert ws.cell(2, headers.index("status") + 1).value == "met"
    with pytest.raises(TypeError):
        to_excel("not a frame", tmp_path / "x.xlsx")


def test_csv_bom_and_round_trip(tmp_path):
    led = ledger_frame(tasks_frame(), link_frame(), TARGETS)
    path = to_csv(led, tmp_path / "ledger.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == list(LEDGER_COLUMNS)
    assert len(back) == len(led)
    assert list(back["task_text"]) == list(led["task_text"].fillna(""))
    assert list(back["lead_units"]) == list(led["lead_units"].fillna(""))


def test_parquet_round_trip(tmp_path):
    led = ledger_frame(tasks_frame(), link_frame(), TARGETS)
    led.attrs["spans"] = {0: [(1, 2, "x")]}
    back = pd.read_parquet(to_parquet(led, tmp_path / "ledger.parquet"))
    pd.testing.assert_frame_equal(back, led.reset_index(drop=True), check_dtype=False)
    assert str(back["number"].dtype) == "Int64"


# --------------------------------------------------------------------------
# 001 end to end

@pytest.fixture(scope="module")
def doc_001() -> Document:
    return read_document(DOC_001)


@pytest.fixture(scope="module")
def ledger_001(doc_001) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    tasks, links = doc_001.tasks_frame(), doc_001.link().to_frame()
    return tasks, links, ledger_frame(tasks, links, doc_001.unique_targets)


def test_001_ledger(ledger_001, tmp_path):
    tasks, links, led = ledger_001
    assert len(tasks) > 50 and len(links) > 10
    per_task = links.groupby("task").size()
    expected = len(links) + sum(t not in per_task.index for t in tasks["task"])
    assert len(led) == expected
    assert set(led["task"].dropna()) == set(tasks["task"])
    first = led.iloc[0]
    assert first["task"] == "r1" and first["lead_officials"] == "黄飞"
    assert first["lead_units"] == "区发改经信局" and first["status"] == "met"

    path = to_excel(led, tmp_path / "001.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws.max_row == len(led) + 1
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    col = [c.value for c in ws[1]].index("状态") + 1
    for i, status in enumerate(led["status"], start=2):
        if not pd.isna(status):
            assert status_fill(ws.cell(i, col)) == STATUS_FILLS[status], (i, status)

    back = pd.read_csv(to_csv(led, tmp_path / "001.csv"), encoding="utf-8-sig")
    assert len(back) == len(led) and list(back.columns) == list(LEDGER_COLUMNS)
    assert len(pd.read_parquet(to_parquet(led, tmp_path / "001.parquet"))) == len(led)


def test_001_document_straight_to_excel(doc_001, ledger_001, tmp_path):
    ws = openpyxl.load_workbook(to_excel(doc_001, tmp_path / "doc.xlsx")).active
    assert ws.max_row == len(ledger_001[2]) + 1
