"""The task ledger (台账): every task of a document with its targets and results.

Offices keep such a ledger as a spreadsheet: one line per task with the lead
official and unit, and beside it what was promised, what was reported and
whether it was met.  A task with several targets gets one line per target,
with the task columns repeated, so the sheet can be filtered and sorted
without losing the task a line belongs to.

:func:`ledger_frame` builds it from ``Structure.frame()`` and the output of
:func:`zhtargets.link.link`; :func:`to_excel` writes it as a formatted
workbook (status colours, frozen header, filters, widths that fit Chinese).
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import pandas as pd
import regex

__all__ = [
    "LEDGER_COLUMNS",
    "ZH_HEADERS",
    "STATUS_FILLS",
    "ledger_frame",
    "to_excel",
    "to_csv",
    "to_parquet",
    "display_width",
]

LEDGER_COLUMNS: tuple[str, ...] = (
    "task", "number", "section", "group", "task_text", "lead_officials", "lead_units",
    "participating_units", "target_text", "indicator", "hedge", "comparator", "target_value",
    "target_low", "target_high", "unit", "year", "result_text", "actual_value", "status",
    "gap", "ratio", "confidence", "reason", "completion_text",
)
_INT_COLUMNS = ("number", "year")
_FLOAT_COLUMNS = ("target_value", "target_low", "target_high", "actual_value", "gap", "ratio",
                  "confidence")

ZH_HEADERS: Mapping[str, str] = MappingProxyType({
    "task": "任务编号", "number": "序号", "section": "部分", "group": "项目名称",
    "task_text": "主要工作内容", "lead_officials": "牵头领导", "lead_units": "牵头单位",
    "participating_units": "配合单位", "target_text": "目标", "indicator": "指标",
    "hedge": "措辞", "comparator": "比较", "target_value": "目标值", "target_low": "目标下限",
    "target_high": "目标上限", "unit": "单位", "year": "年份", "result_text": "完成数",
    "actual_value": "完成值", "status": "状态", "gap": "差距", "ratio": "完成比例",
    "confidence": "置信度", "reason": "判断依据", "completion_text": "累计完成情况",
})
_ZH_STATUS: Mapping[str, str] = MappingProxyType({
    "met": "完成", "exceeded": "超额完成", "not_met": "未完成", "unknown": "待核实",
})
# Excel's own "good / neutral / bad" cell styles, so the sheet looks familiar.
STATUS_FILLS: Mapping[str, str] = MappingProxyType({
    "met": "C6EFCE", "exceeded": "C6EFCE", "not_met": "FFC7CE", "unknown": "FFEB9C",
})
_STATUS_FONTS: Mapping[str, str] = MappingProxyType({
    "met": "006100", "exceeded": "006100", "not_met": "9C0006", "unknown": "9C5700",
})
_HEADER_FILL = "D9E1F2"
# Widths in Excel character units; a wide (CJK) character counts as two.
_MIN_WIDTH = 6
_MAX_WIDTH = 60
_NUMBER_FORMAT = "#,##0.####"
_INT_FORMAT = "#,##0"
_MAX_CELL = 32767
_ILLEGAL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospaced grid: East Asian wide characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in {"W", "F"} else 1 for c in text)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _hedges(targets: Iterable[Any] | None) -> dict[tuple[int, int], str]:
    out: dict[tuple[int, int], str] = {}
    for t in targets or ():
        hedge = getattr(t, "hedge", None)
        if hedge:
            out[(int(t.start), int(t.end))] = str(hedge)
    return out


def _reported(targets: Iterable[Any] | None) -> dict[str, list[str]]:
    """Texts of the reported results of each task, in document order."""
    out: dict[str, list[str]] = {}
    for t in sorted(targets or (), key=lambda t: t.start):
        if getattr(t, "role", None) == "actual" and getattr(t, "task", None):
            out.setdefault(str(t.task), []).append(str(t.text))
    return out


def _task_part(row: Mapping[str, Any] | None) -> dict[str, Any]:
    if row is None:
        return {}
    return {
        "task": row.get("task"), "number": row.get("number"), "section": row.get("section"),
        "group": row.get("group"), "task_text": row.get("text"),
        "lead_officials": row.get("lead_officials"), "lead_units": row.get("lead_units"),
        "participating_units": row.get("participating_units"),
        "completion_text": row.get("completion_text"),
    }


def _target_part(row: Mapping[str, Any], hedges: Mapping[tuple[int, int], str]) -> dict[str, Any]:
    start, end = row.get("plan_start"), row.get("plan_end")
    # Rows come from _records, where missing cells are already None.
    hedge = None if start is None or end is None else hedges.get((int(start), int(end)))
    return {
        "task": row.get("task"), "target_text": row.get("plan_text"),
        "indicator": row.get("indicator"), "hedge": hedge, "comparator": row.get("comparator"),
        "target_value": row.get("target_value"), "target_low": row.get("target_low"),
        "target_high": row.get("target_high"), "unit": row.get("unit"), "year": row.get("year"),
        "result_text": row.get("actual_text"), "actual_value": row.get("actual_value"),
        "status": row.get("status"), "gap": row.get("gap"), "ratio": row.get("ratio"),
        "confidence": row.get("confidence"), "reason": row.get("reason"),
    }


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    if frame is None:
        return []
    return [{str(k): (None if _missing(v) else v) for k, v in r.items()}
            for r in frame.to_dict("records")]


def ledger_frame(document_tasks_frame: pd.DataFrame, link_frame: pd.DataFrame,
                 targets: Sequence[Any] | None = None) -> pd.DataFrame:
    """The ledger: one row per (task, plan target); a task without targets
    keeps one row.

    Args:
        document_tasks_frame: ``Structure.frame()`` (columns task, number,
            section, group, text, lead_officials, lead_units, …,
            completion_text).
        link_frame: ``link()`` output, one row per plan target.
        targets: the document's records with ``task`` and ``role`` set.  When
            given, each target line gets its hedge word (确保, 力争 …), and a
            task without plan targets lists its reported figures in
            ``result_text``.

    Returns:
        A frame with :data:`LEDGER_COLUMNS`, tasks in document order and the
        targets of a task by position.  Link rows whose task is not in the
        tasks frame (a target outside any task) come last, task columns empty.
    """
    hedges = _hedges(targets)
    reported = _reported(targets)
    by_task: dict[Any, list[dict[str, Any]]] = {}
    for row in sorted(_records(link_frame),
                      key=lambda r: (r.get("plan_start") is None, r.get("plan_start") or 0)):
        by_task.setdefault(row.get("task"), []).append(row)

    lines: list[dict[str, Any]] = []
    for task_row in _records(document_tasks_frame):
        task_part = _task_part(task_row)
        linked = by_task.pop(task_row.get("task"), [])
        if not linked:
            found = reported.get(str(task_row.get("task")), [])
            lines.append({**task_part, "result_text": "；".join(found) or None})
        for row in linked:
            lines.append({**task_part, **_target_part(row, hedges)})
    for rows in by_task.values():
        lines.extend(_target_part(row, hedges) for row in rows)

    frame = pd.DataFrame.from_records(lines, columns=list(LEDGER_COLUMNS))
    dtypes = {c: "Int64" for c in _INT_COLUMNS}
    dtypes.update({c: "Float64" for c in _FLOAT_COLUMNS})
    dtypes.update({c: "string" for c in LEDGER_COLUMNS if c not in dtypes})
    return frame.astype(dtypes)


def _as_ledger(ledger_frame_or_parts: Any) -> pd.DataFrame:
    if isinstance(ledger_frame_or_parts, pd.DataFrame):
        return ledger_frame_or_parts
    if hasattr(ledger_frame_or_parts, "tasks_frame") and hasattr(ledger_frame_or_parts, "link"):
        doc = ledger_frame_or_parts
        # unique_targets: a page holding its table twice lists each target once.
        targets = getattr(doc, "unique_targets", None) or getattr(doc, "targets", None)
        return ledger_frame(doc.tasks_frame(), doc.link().to_frame(), targets)
    if isinstance(ledger_frame_or_parts, Mapping):
        return ledger_frame(**ledger_frame_or_parts)
    if isinstance(ledger_frame_or_parts, (tuple, list)):
        return ledger_frame(*ledger_frame_or_parts)
    raise TypeError("expected a ledger DataFrame, its parts (tasks frame, link frame"
                    f"[, targets]) or a document, not {type(ledger_frame_or_parts).__name__}")


def _cell_value(value: Any) -> Any:
    if _missing(value):
        return None
    if hasattr(value, "item"):  # numpy scalar: openpyxl wants Python numbers
        return value.item()
    if isinstance(value, str):
        # Scraped pages carry stray control characters, which openpyxl refuses,
        # and Excel truncates a cell beyond its limit with a repair prompt.
        return _ILLEGAL.sub("", value)[:_MAX_CELL]
    return value


def _shown_number(value: float) -> str:
    """Roughly what the cell's number format displays, to size the column."""
    if not math.isfinite(value):
        return str(value)
    if value.is_integer():
        return f"{value:,.0f}"
    return f"{value:,.4f}".rstrip("0")


def _width(values: Iterable[Any], header: str) -> int:
    longest = display_width(header)
    for v in values:
        if v is not None:
            text = _shown_number(v) if isinstance(v, float) else str(v)
            longest = max(longest, max((display_width(line) for line in text.split("\n")),
                                       default=0))
    # +2 leaves room for the filter button beside the header text.
    return max(_MIN_WIDTH, min(_MAX_WIDTH, longest + 2))


def to_excel(ledger_frame_or_parts: Any, path: str | Path, *,
             headers: Literal["zh", "en"] = "zh", sheet_name: str = "台账") -> Path:
    """Write the ledger as a formatted .xlsx workbook.

    Args:
        ledger_frame_or_parts: a :func:`ledger_frame` result (or any frame with
            a ``status`` column); its parts as a tuple ``(tasks_frame,
            link_frame[, targets])`` or a mapping of those keyword arguments;
            or a document (``tasks_frame()``, ``link()``, ``unique_targets``),
            whose plans are linked to its own completion cells.
        path: where to write.
        headers: ``"zh"`` writes Chinese column headers and statuses
            (完成 / 超额完成 / 未完成 / 待核实); ``"en"`` keeps the frame's.
        sheet_name: the worksheet's name.

    The ``status`` cells are filled green (met, exceeded), red (not_met) or
    amber (unknown); the header row is frozen and filterable; columns are as
    wide as their longest line (wide characters counting two) up to a cap,
    past which the text wraps.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    frame = _as_ledger(ledger_frame_or_parts)
    columns = [str(c) for c in frame.columns]
    names = [ZH_HEADERS.get(c, c) if headers == "zh" else c for c in columns]
    status_col = columns.index("status") if "status" in columns else None

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name
    ws.append(names)
    header_fill = PatternFill(fill_type="solid", start_color=_HEADER_FILL, end_color=_HEADER_FILL)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)

    rows = [[_cell_value(v) for v in rec] for rec in frame.itertuples(index=False, name=None)]
    statuses = [row[status_col] if status_col is not None else None for row in rows]
    if status_col is not None and headers == "zh":
        for row in rows:
            row[status_col] = _ZH_STATUS.get(row[status_col], row[status_col])
    for row in rows:
        ws.append(row)

    widths = []
    for j, name in enumerate(names):
        width = _width((r[j] for r in rows), name)
        widths.append(width)
        ws.column_dimensions[get_column_letter(j + 1)].width = width
    for i, row in enumerate(ws.iter_rows(min_row=2, max_row=len(rows) + 1)):
        for j, cell in enumerate(row):
            value = rows[i][j]
            if isinstance(value, float):
                # "0.####" would leave a bare trailing point on whole numbers.
                cell.number_format = _INT_FORMAT if value.is_integer() else _NUMBER_FORMAT
            elif isinstance(value, str) and (display_width(value) > widths[j] - 2 or "\n" in value):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")
        status = statuses[i]
        if status_col is not None and isinstance(status, str) and status in STATUS_FILLS:
            cell = row[status_col]
            colour = STATUS_FILLS[status]
            cell.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
            cell.font = Font(color=_STATUS_FONTS[status])

    ws.freeze_panes = "A2"
    last = get_column_letter(max(1, len(names)))
    ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    out = Path(path)
    wb.save(out)
    return out


def to_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as CSV in UTF-8 with a BOM, which Excel needs to read Chinese."""
    out = Path(path)
    df.to_csv(out, index=False, encoding="utf-8-sig")
    return out


def to_parquet(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as Parquet (needs ``pyarrow``), keeping the nullable dtypes."""
    out = Path(path)
    # attrs such as link()'s per-row span lists are in-memory lookups keyed by
    # row label; Parquet metadata would turn their keys into strings.
    clean = df.copy()
    clean.attrs = {}
    clean.to_parquet(out, index=False)
    return out
