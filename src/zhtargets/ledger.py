"""The task ledger (台账): every task of a document with its targets and results.

Offices keep such a ledger as a spreadsheet they print: one line per task with
its lead unit, and beside it what was promised, what was reported and whether
it was met.  A task with several targets gets one line per target; on the
printed sheet its task cells are merged down those lines, as ledgers are
drawn by hand, while :func:`ledger_frame` repeats them on every line so a
frame can be filtered and sorted without losing the task a line belongs to.

:func:`ledger_lines` builds the lines from a :class:`~zhtargets.Document` and
its :class:`~zhtargets.Links`; :func:`to_excel` writes the workbook an officer
prints (landscape, fitted to the page width, header on every page, Chinese
throughout, a 备注 column and a 状态 drop-down for the officer's own
judgement), with a summary sheet and a sheet of technical columns for
analysts; :func:`ledger_frame` gives the same lines as a DataFrame.
"""
from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import regex

from .document import Document
from .records import Link, Target
from .structure import Task
from .wording import (
    STATUS_COLOURS, STATUS_ORDER, figure, pending_year, result_words, signed_figure,
    status_word, target_words, view_status, word,
)

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["LedgerLine", "ledger_lines", "ledger_frame", "to_excel", "to_csv", "to_parquet",
           "display_width", "OFFICER_COLUMNS", "TECHNICAL_COLUMNS"]

# What an officer reads, left to right: the task, then the target and its
# verdict, then room for the officer's own remark.
OFFICER_COLUMNS: tuple[str, ...] = (
    "number", "section", "task_text", "lead_units", "indicator", "target", "year",
    "result", "status", "ratio", "gap", "reason", "remark",
)
# Widths in Excel character units (a Chinese character takes two), chosen so
# that the officer's columns fill a landscape A3 page at about full size.
_WIDTHS = {
    "number": 5, "section": 18, "task_text": 60, "lead_units": 16, "indicator": 16,
    "target": 14, "year": 7, "result": 28, "status": 9, "ratio": 9, "gap": 12,
    "reason": 34, "remark": 14,
}
# The task columns stay in view when scrolling right: panes freeze after them.
# On the sheet they are merged down the lines of one task, so a long task is
# printed once, not once per target.
_TASK_COLUMNS = 4
# Body text is 10-point, a size ledgers are printed at; widths are in units
# of the 11-point default font, so a unit holds 1.1 of its characters.
_FONT_PT = 10
# Row heights are set, not left to the reader: LibreOffice does not grow rows
# to wrapped text when it converts a workbook, and prints them clipped.  A
# wrapped line takes about 1.4 times the font size (the CJK fallback font is
# taller than the Latin one).
_LINE_PT = 14.0
_PAD_PT = 3.0
_WIDE_SLACK = _FONT_PT / 11 * 1.04
TECHNICAL_COLUMNS: tuple[str, ...] = (
    "task", "plan_start", "plan_end", "plan_text", "indicator_key", "unit", "comparator",
    "target_value", "target_low", "target_high", "year", "result_starts", "result_ends",
    "actual_value", "gap", "ratio", "status", "code", "confidence", "plan_doc",
    "actual_doc",
)
_HEADER_FILL = "D9E1F2"
_BORDER = "BFBFBF"
_MAX_CELL = 32767
_ILLEGAL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One line of the ledger: a task and one of its targets' links.

    A task without plan targets has one line with ``link`` ``None`` and the
    figures its completion cell reports in ``reported``; a link whose plan
    sits outside every task has ``task`` ``None``.  ``status`` is the link's
    verdict, or ``pending`` when its target year lies after the year reported.
    """

    task: Task | None
    link: Link | None
    reported: tuple[Target, ...]
    status: str | None
    pending_year: int | None


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospaced grid: East Asian wide characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in {"W", "F"} else 1 for c in text)


def ledger_lines(document: Document, links: Iterable[Link] | None = None, *,
                 report: Document | None = None,
                 report_year: int | None = None) -> list[LedgerLine]:
    """The ledger's lines: tasks in document order, each task's links by position.

    Args:
        document: the plan document; its tasks give the rows.
        links: the links of its plans; ``None`` links them with
            ``document.link(report)``.
        report: the report the plans were linked to, if another document.
        report_year: the year reported on; a target for a later year with
            no result is ``pending`` (待报告).  Defaults to the report's
            ``year`` (the plan document's without a report).
    """
    links = list(document.link(report) if links is None else links)
    year = report_year if report_year is not None else (report or document).year
    by_task: dict[str | None, list[Link]] = {}
    for link in sorted(links, key=lambda k: k.plan.start):
        by_task.setdefault(link.plan.task, []).append(link)
    reported: dict[str, list[Target]] = {}
    for t in document.unique_targets:
        if t.role == "actual" and t.task is not None:
            reported.setdefault(t.task, []).append(t)

    def line(task: Task | None, link: Link) -> LedgerLine:
        return LedgerLine(task, link, (), view_status(link, year), pending_year(link, year))

    out: list[LedgerLine] = []
    for task in document.tasks:
        linked = by_task.pop(task.id, [])
        if not linked:
            out.append(LedgerLine(task, None, tuple(reported.get(task.id, ())), None, None))
        out.extend(line(task, link) for link in linked)
    out.extend(line(None, link) for rest in by_task.values() for link in rest)
    return out


# --------------------------------------------------------------------------
# Cells

def _joined(names: Sequence[str]) -> str | None:
    return "、".join(names) or None


def _task_cells(document: Document, task: Task | None) -> dict[str, Any]:
    if task is None:
        return {}
    return {
        "number": task.number if task.number is not None else task.id,
        "section": task.section or task.group,
        "task_text": document.structure.text(task).strip(),
        "lead_units": _joined(task.lead_units),
    }


def _reason(line: LedgerLine) -> str | None:
    if line.pending_year is not None:
        return word("text", "pending_reason", year=line.pending_year)
    return line.link.reason or None if line.link else None


def _officer_cells(document: Document, line: LedgerLine) -> dict[str, Any]:
    cells = _task_cells(document, line.task)
    link = line.link
    if link is None:
        found = "；".join(t.text for t in line.reported)
        return {**cells, "result": word("text", "task_reported", results=found) if found else None}
    plan = link.plan
    return {
        **cells,
        "indicator": plan.indicator,
        "target": target_words(plan),
        "year": plan.period_end or plan.year,
        "result": result_words(link) or None,
        "status": status_word(line.status) if line.status else None,
        # A ratio is only meaningful for amounts; the link leaves it None otherwise.
        "ratio": link.ratio,
        "gap": signed_figure(link.gap, plan.unit, plan.classifier) or None,
        "reason": _reason(line),
    }


def _technical_cells(line: LedgerLine) -> dict[str, Any]:
    link = line.link
    if link is None:
        return {"task": line.task.id if line.task else None}
    plan = link.plan
    return {
        "task": plan.task, "plan_start": plan.start, "plan_end": plan.end,
        "plan_text": plan.text, "indicator_key": link.indicator, "unit": plan.unit,
        "comparator": plan.comparator, "target_value": plan.value,
        "target_low": plan.low, "target_high": plan.high, "year": plan.year,
        "result_starts": ",".join(str(r.start) for r in link.results) or None,
        "result_ends": ",".join(str(r.end) for r in link.results) or None,
        "actual_value": link.actual_value, "gap": link.gap, "ratio": link.ratio,
        "status": line.status, "code": link.code, "confidence": link.confidence,
        "plan_doc": link.plan_doc, "actual_doc": link.actual_doc,
    }


def ledger_frame(document: Document, links: Iterable[Link] | None = None, *,
                 report: Document | None = None, report_year: int | None = None
                 ) -> pd.DataFrame:
    """The ledger as a DataFrame: the officer's columns (Chinese text, ratio
    as a fraction) then the technical ones prefixed ``tech_``; see
    :func:`ledger_lines` for the arguments."""
    import pandas as pd

    lines = ledger_lines(document, links, report=report, report_year=report_year)
    rows = [{**_officer_cells(document, ln),
             **{f"tech_{k}": v for k, v in _technical_cells(ln).items()}} for ln in lines]
    columns = [c for c in OFFICER_COLUMNS if c != "remark"] + [f"tech_{c}" for c in
                                                                TECHNICAL_COLUMNS]
    return pd.DataFrame.from_records(rows, columns=columns).convert_dtypes()


# --------------------------------------------------------------------------
# The workbook

def _cell_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        # Scraped pages carry stray control characters, which openpyxl refuses,
        # and Excel truncates a cell beyond its limit with a repair prompt.
        return _ILLEGAL.sub("", value)[:_MAX_CELL]
    return value


def _fill(colour: str):
    from openpyxl.styles import PatternFill

    rgb = colour.lstrip("#")
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)


def _header(ws: Worksheet, names: Sequence[str]) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side

    side = Side(style="thin", color=_BORDER)
    ws.append(list(names))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _fill(_HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=side, bottom=side, left=side, right=side)


def _print_setup(ws: Worksheet, paper: Literal["A3", "A4"], columns: int, rows: int) -> None:
    """Landscape, fitted to the page width (as many pages down as needed), the
    header row on every page, gridlines off (cells carry their own borders)."""
    from openpyxl.utils import get_column_letter

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3 if paper == "A3" else ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_area = f"A1:{get_column_letter(columns)}{max(rows, 1)}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "&P / &N"


def _wrapped_lines(value: Any, width: float) -> int:
    """How many lines ``value`` wraps to in a column ``width`` units wide."""
    if value is None:
        return 1
    usable = max(1.0, width - 1)
    return sum(max(1, math.ceil(display_width(part) * _WIDE_SLACK / usable))
               for part in str(value).split("\n"))


def _task_groups(lines: Sequence[LedgerLine]) -> list[tuple[int, int]]:
    """Runs of consecutive lines of one task, as (first, last) line indexes."""
    groups: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        if groups and line.task is not None and lines[groups[-1][0]].task is line.task:
            groups[-1] = (groups[-1][0], i)
        else:
            groups.append((i, i))
    return groups


def _fit_rows(ws: Worksheet, rows: Sequence[Sequence[Any]],
              groups: Sequence[tuple[int, int]]) -> None:
    """Merge each task's cells down its lines and give every row the height
    its wrapped text needs; a task taller than its lines stretches the last."""
    from openpyxl.utils import get_column_letter

    widths = [_WIDTHS[c] for c in OFFICER_COLUMNS]
    heights = [max(_wrapped_lines(v, w) for v, w in zip(row[_TASK_COLUMNS:],
                                                          widths[_TASK_COLUMNS:]))
               for row in rows]
    for first, last in groups:
        task = max(_wrapped_lines(v, w) for v, w in zip(rows[first][:_TASK_COLUMNS],
                                                        widths[:_TASK_COLUMNS]))
        shortfall = task - sum(heights[first:last + 1])
        if shortfall > 0:
            heights[last] += shortfall
        if last > first:
            for j in range(1, _TASK_COLUMNS + 1):
                letter = get_column_letter(j)
                ws.merge_cells(f"{letter}{first + 2}:{letter}{last + 2}")
    for i, lines in enumerate(heights, start=2):
        ws.row_dimensions[i].height = lines * _LINE_PT + _PAD_PT


def _ledger_sheet(ws: Worksheet, document: Document, lines: Sequence[LedgerLine],
                  paper: Literal["A3", "A4"]) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    _header(ws, [word("column", c) for c in OFFICER_COLUMNS])
    side = Side(style="thin", color=_BORDER)
    border = Border(top=side, bottom=side, left=side, right=side)
    top = Alignment(vertical="top", wrap_text=True)
    body = Font(size=_FONT_PT)
    status_at = OFFICER_COLUMNS.index("status") + 1
    ratio_at = OFFICER_COLUMNS.index("ratio") + 1
    rows = []
    for i, line in enumerate(lines, start=2):
        cells = _officer_cells(document, line)
        rows.append([_cell_value(cells.get(c)) for c in OFFICER_COLUMNS])
        ws.append(rows[-1])
        for cell in ws[i]:
            cell.alignment = top
            cell.border = border
            cell.font = body
        ws.cell(i, ratio_at).number_format = "0%"
        if line.status in STATUS_COLOURS:
            ws.cell(i, status_at).fill = _fill(STATUS_COLOURS[line.status])
    for j, column in enumerate(OFFICER_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = _WIDTHS[column]
    _fit_rows(ws, rows, _task_groups(lines))

    last = len(lines) + 1
    # The officer's own judgement: a drop-down of the status words, which a
    # typed value outside the list is refused by.
    choices = ",".join(status_word(s) for s in STATUS_ORDER)
    validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
    validation.add(f"{get_column_letter(status_at)}2:{get_column_letter(status_at)}"
                   f"{max(last, 2)}")
    ws.add_data_validation(validation)
    ws.freeze_panes = f"{get_column_letter(_TASK_COLUMNS + 1)}2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(OFFICER_COLUMNS))}{last}"
    _print_setup(ws, paper, len(OFFICER_COLUMNS), last)


def _summary_sheet(ws: Worksheet, lines: Sequence[LedgerLine],
                   paper: Literal["A3", "A4"]) -> None:
    """Counts by status, and by lead unit split by status, in the status colours."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    judged = [ln for ln in lines if ln.status is not None]
    statuses = [s for s in STATUS_ORDER if any(ln.status == s for ln in judged)]
    counts = Counter(ln.status for ln in judged)
    ws.append([word("text", "by_status")])
    ws["A1"].font = Font(bold=True)
    ws.append([word("column", "status"), word("column", "count")])
    for status in statuses:
        ws.append([status_word(status), counts[status]])
        ws.cell(ws.max_row, 1).fill = _fill(STATUS_COLOURS[status])
    ws.append([word("column", "total"), len(judged)])
    ws.cell(ws.max_row, 1).font = Font(bold=True)

    ws.append([])
    ws.append([word("text", "by_unit")])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    header_row = ws.max_row + 1
    ws.append([word("column", "lead_units"), *map(status_word, statuses),
               word("column", "total")])
    for j, status in enumerate(statuses, start=2):
        ws.cell(header_row, j).fill = _fill(STATUS_COLOURS[status])
    by_unit: dict[str, Counter] = {}
    for ln in judged:
        # A target counts under the first (leading) unit of its task.
        units = ln.task.lead_units if ln.task and ln.task.lead_units else ()
        unit = units[0] if units else word("text", "no_unit")
        by_unit.setdefault(unit, Counter())[ln.status] += 1
    for unit, c in sorted(by_unit.items(), key=lambda kv: -sum(kv[1].values())):
        ws.append([unit, *(c[s] or None for s in statuses), sum(c.values())])
    ws.column_dimensions["A"].width = max([20, *(display_width(u) + 2 for u in by_unit)])
    for j in range(2, len(statuses) + 3):
        ws.column_dimensions[get_column_letter(j)].width = 10
    _print_setup(ws, paper, len(statuses) + 2, ws.max_row)


def _technical_sheet(ws: Worksheet, lines: Sequence[LedgerLine]) -> None:
    from openpyxl.utils import get_column_letter

    _header(ws, TECHNICAL_COLUMNS)
    for line in lines:
        cells = _technical_cells(line)
        ws.append([_cell_value(cells.get(c)) for c in TECHNICAL_COLUMNS])
    for j, column in enumerate(TECHNICAL_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = max(10, len(column) + 2)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(TECHNICAL_COLUMNS))}{len(lines) + 1}"
    # Analysts open it (右键 → 显示); printing the workbook leaves it out, so
    # the officer's printout is the ledger and its summary only.
    ws.sheet_state = "hidden"


def to_excel(document: Document, path: str | Path, links: Iterable[Link] | None = None, *,
             report: Document | None = None, report_year: int | None = None,
             paper: Literal["A3", "A4"] = "A3") -> Path:
    """Write the 台账 as an .xlsx workbook ready to print.

    Args:
        document: the plan document (its tasks give the rows).
        path: where to write.
        links, report, report_year: see :func:`ledger_lines`.
        paper: ``"A3"`` or ``"A4"``, printed landscape and fitted to width.

    Sheets: 台账 (one line per target: task, target as written, result, 状态
    coloured and chosen from a drop-down, 完成比例 as a percentage, 差距 in
    the target's unit, 判断依据, an empty 备注), 汇总 (counts by status and by
    lead unit) and 技术信息 (offsets, canonical keys, codes and confidences
    for analysts; hidden, so that printing the workbook prints the ledger and
    its summary only).
    """
    from openpyxl import Workbook

    if paper not in ("A3", "A4"):
        raise ValueError(f"paper must be 'A3' or 'A4', not {paper!r}")
    lines = ledger_lines(document, links, report=report, report_year=report_year)
    wb = Workbook()
    ledger = wb.active
    ledger.title = word("sheet", "ledger")
    _ledger_sheet(ledger, document, lines, paper)
    _summary_sheet(wb.create_sheet(word("sheet", "summary")), lines, paper)
    _technical_sheet(wb.create_sheet(word("sheet", "technical")), lines)
    out = Path(path)
    wb.save(out)
    return out


def to_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as CSV in UTF-8 with a BOM, which Excel needs to read Chinese."""
    out = Path(path)
    frame.to_csv(out, index=False, encoding="utf-8-sig")
    return out


def to_parquet(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as Parquet, keeping the nullable dtypes (needs the
    ``parquet`` extra: ``pip install 'zhtargets[parquet]'``)."""
    try:
        import pyarrow  # noqa: F401  (pandas would fail later with a vaguer message)
    except ImportError:
        raise ImportError("Parquet output needs pyarrow: pip install 'zhtargets[parquet]'") \
            from None
    out = Path(path)
    frame.to_parquet(out, index=False)
    return out
