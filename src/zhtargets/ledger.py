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
    STATUS_COLOURS, STATUS_ORDER, pending_year, reported_year, result_or_note, result_words,
    signed_figure, status_word, target_words, view_status, word,
)

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["LedgerLine", "ledger_lines", "ledger_frame", "to_excel", "to_csv", "to_parquet",
           "display_width", "OFFICER_COLUMNS", "FRAME_COLUMNS", "TECHNICAL_COLUMNS"]

# What an officer reads on paper, left to right: the task, what was promised
# and reported, the verdict, and room for the officer's own remark.  The
# frame (and the analysts' sheet) also keep the section, the indicator, the
# year, the ratio, the full completion text and the reason behind a verdict.
OFFICER_COLUMNS: tuple[str, ...] = (
    "number", "task_text", "lead_units", "target", "result", "status", "gap", "remark",
)
FRAME_COLUMNS: tuple[str, ...] = (
    "number", "section", "task_text", "lead_units", "indicator", "target", "year",
    "result", "status", "ratio", "gap", "reason",
)
# The task columns stay in view when scrolling right: panes freeze after them.
# On the sheet they are merged down the lines of one task, so a long task is
# printed once, not once per target.
_TASK_COLUMNS = 3
# Column widths are in units of the workbook's default font (Calibri 11, or
# its metric twin Carlito): 7 pixels in Excel, 5.25 pt, which is what text
# wraps at; LibreOffice draws a unit 5.58 pt wide.  Text is wrapped at the
# narrower width so that no row is too short in either program.
_UNIT_PT = 5.25
_CALC_UNIT_PT = 5.58
_FONT_PT = 10
# Printed size of the 10-point body text once the sheet is fitted to the page
# width: the sheet's total width is chosen for it, and the task text column
# takes what the short columns leave.
_PRINT_PT = 8.1
# A line of CJK text is 1.45 em high in Noto Sans CJK, the tallest of the
# fallback fonts in common use (LibreOffice does not grow rows to wrapped text
# when it converts a workbook, so the heights are written, not left to it).
_LINE_PT = 1.45 * _FONT_PT
_PAD_PT = 1.0
# Landscape page sizes and margins, in points.
_PAPER_PT = {"A3": (1190.55, 841.89), "A4": (841.89, 595.28)}
_SIDE_MARGIN_IN = 0.4
_END_MARGIN_IN = 0.45
# The short columns are as wide as their longest cell needs, within bounds
# (in ems of the body font); the 备注 column is room to write by hand.
_EMS = {"number": (2, 3), "lead_units": (5, 9), "target": (5, 11), "result": (5, 9),
        "status": (4, 4), "gap": (4, 7), "remark": (7, 7)}
TECHNICAL_COLUMNS: tuple[str, ...] = (
    "task", "plan_start", "plan_end", "plan_text", "indicator_key", "unit", "comparator",
    "target_value", "target_low", "target_high", "year", "result_starts", "result_ends",
    "actual_value", "gap", "ratio", "status", "code", "confidence", "plan_doc",
    "actual_doc",
)
# Officer's columns that only the frame and the analysts' sheet carry.
_ANALYST_COLUMNS: tuple[str, ...] = ("section", "indicator", "result", "reason")
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
            no result is ``pending`` (待报告).  Defaults to
            :func:`~zhtargets.wording.reported_year` of the report (of the
            plan document without a report): its year, or the year before
            when it reports no result at all.
    """
    links = list(document.link(report) if links is None else links)
    year = report_year if report_year is not None else reported_year(report or document)
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
    """The frame's Chinese cells (:data:`FRAME_COLUMNS`) of one line."""
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


def _printed_cells(document: Document, line: LedgerLine) -> dict[str, Any]:
    """The printed sheet's cells (:data:`OFFICER_COLUMNS`): the target with its
    year when that year is still to come, the result as written or a word
    for its absence; a task without targets lists what its completion cell
    reports (cut to the task's height when the sheet is laid out)."""
    cells = _task_cells(document, line.task)
    link = line.link
    if link is None:
        return {**cells, "result": [t.text for t in line.reported] or None}
    target = target_words(link.plan)
    if line.pending_year is not None:
        target = word("text", "target_for_year", target=target, year=line.pending_year)
    return {
        **cells,
        "target": target,
        "result": result_or_note(link),
        "status": status_word(line.status) if line.status else None,
        "gap": signed_figure(link.gap, link.plan.unit, link.plan.classifier) or None,
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
    columns = [*FRAME_COLUMNS, *(f"tech_{c}" for c in TECHNICAL_COLUMNS)]
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
        cell.font = Font(bold=True, size=_FONT_PT)
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
    ws.page_margins.left = ws.page_margins.right = _SIDE_MARGIN_IN
    ws.page_margins.top = ws.page_margins.bottom = _END_MARGIN_IN
    ws.oddFooter.center.text = "&P / &N"


def _ems(text: str) -> float:
    """Width of ``text`` in ems of its font: CJK (and the ambiguous quotes a
    CJK font draws full width) 1, digits and Latin letters about 0.55."""
    return sum(1.0 if unicodedata.east_asian_width(c) in _FULL_WIDTH else 0.55 for c in text)


_FULL_WIDTH = frozenset({"W", "F", "A"})
# Line-breaking rules keep closing punctuation (、。）” and ASCII ,.%) with
# the character before it and opening punctuation with the one after it;
# a run of digits and Latin letters breaks only at a space.
_CLOSING = frozenset({"Pe", "Pf", "Po"})
_OPENING = frozenset({"Ps", "Pi"})
# What a line may lose to those rules and to the cell's inner padding.
_SLACK_EM = 0.6


def _narrow(c: str) -> bool:
    return not c.isspace() and unicodedata.east_asian_width(c) not in _FULL_WIDTH


def _tokens(text: str) -> list[str]:
    """``text`` cut where a line may break."""
    tokens: list[str] = []
    for c in text:
        last = tokens[-1][-1] if tokens else ""
        glued = last and not c.isspace() and (
            unicodedata.category(c) in _CLOSING or unicodedata.category(last) in _OPENING
            or (_narrow(c) and _narrow(last)))
        if glued:
            tokens[-1] += c
        else:
            tokens.append(c)
    return tokens


def _wrapped_lines(value: Any, width: float) -> int:
    """How many lines ``value`` wraps to in a column ``width`` units wide."""
    if value is None:
        return 1
    room = max(1.0, width * _UNIT_PT / _FONT_PT - _SLACK_EM)
    total = 0
    for part in str(value).split("\n"):
        lines, used = 1, 0.0
        for token in _tokens(part):
            size = _ems(token)
            if used and used + size > room:
                lines, used = lines + 1, 0.0
            # A token longer than a line is broken inside it.
            extra = max(0, math.ceil(size / room) - 1)
            lines, used = lines + extra, used + size - extra * room
        total += lines
    return total


def _units(ems: float) -> float:
    return round(ems * _FONT_PT / _UNIT_PT, 1)


def _column_widths(rows: Sequence[dict[str, Any]], paper: Literal["A3", "A4"]
                   ) -> dict[str, float]:
    """Widths in units: each short column as wide as its header and longest
    cell (within its bounds), the task text what is left of a sheet so wide
    that, fitted to the page, its text prints at :data:`_PRINT_PT`."""
    page_width = _PAPER_PT[paper][0] - 2 * 72 * _SIDE_MARGIN_IN
    total = page_width * _FONT_PT / _PRINT_PT / _CALC_UNIT_PT
    widths = {}
    for column, (least, most) in _EMS.items():
        # A task's reported figures are cut to fit, so they set no width.
        cells = [str(row[column]) for row in rows
                 if row.get(column) is not None and not isinstance(row[column], list)]
        need = max((_ems(part) for text in [word("column", column), *cells]
                    for part in text.split("\n")), default=least)
        widths[column] = _units(min(most, max(least, need)) + _SLACK_EM)
    widths["task_text"] = round(total - sum(widths.values()), 1)
    return {c: widths[c] for c in OFFICER_COLUMNS}


def _task_groups(lines: Sequence[LedgerLine]) -> list[tuple[int, int]]:
    """Runs of consecutive lines of one task, as (first, last) line indexes."""
    groups: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        if groups and line.task is not None and lines[groups[-1][0]].task is line.task:
            groups[-1] = (groups[-1][0], i)
        else:
            groups.append((i, i))
    return groups


def _cut_reported(found: list[str], width: float, lines: int) -> str:
    """What a completion cell reports, as many figures as fit in ``lines``
    (the task's own height), the rest counted (等3项); all of it is on the
    analysts' sheet."""
    shown = "；".join(found)
    for n in range(len(found) - 1, 0, -1):
        if _wrapped_lines(shown, width) <= lines:
            break
        shown = word("text", "reported_more", results="；".join(found[:n]), n=len(found))
    return shown


def _row_heights(rows: list[dict[str, Any]], groups: Sequence[tuple[int, int]],
                 widths: dict[str, float]) -> list[int]:
    """Lines each row needs: its own cells, and together with the other rows
    of its task the task's cells (a task taller than its lines stretches the
    last).  A task's reported figures are cut to the task's height first."""
    task_columns = OFFICER_COLUMNS[:_TASK_COLUMNS]
    line_columns = OFFICER_COLUMNS[_TASK_COLUMNS:]
    heights = [0] * len(rows)
    for first, last in groups:
        task = max(_wrapped_lines(rows[first].get(c), widths[c]) for c in task_columns)
        for i in range(first, last + 1):
            if isinstance(rows[i].get("result"), list):
                rows[i]["result"] = _cut_reported(rows[i]["result"], widths["result"], task)
            heights[i] = max(_wrapped_lines(rows[i].get(c), widths[c]) for c in line_columns)
        heights[last] += max(0, task - sum(heights[first:last + 1]))
    return heights


def _page_breaks(groups: Sequence[tuple[int, int]], heights_pt: Sequence[float],
                 header_pt: float, widths: dict[str, float],
                 paper: Literal["A3", "A4"]) -> list[int]:
    """Line indexes after which a page ends, so that no task is cut in two.

    A page holds what its height allows at the scale that fits the sheet's
    width as LibreOffice draws it, less a line for rounding."""
    page_width, page_height = _PAPER_PT[paper]
    scale = min(1.0, (page_width - 2 * 72 * _SIDE_MARGIN_IN)
                / (sum(widths.values()) * _CALC_UNIT_PT))
    room = (page_height - 2 * 72 * _END_MARGIN_IN) / scale - header_pt - _LINE_PT
    breaks, used = [], 0.0
    for first, last in groups:
        tall = sum(heights_pt[first:last + 1])
        if used and used + tall > room:
            breaks.append(first - 1)
            used = 0.0
        used += tall
    return breaks


def _lay_out(ws: Worksheet, widths: dict[str, float], lines: Sequence[int],
             groups: Sequence[tuple[int, int]], paper: Literal["A3", "A4"]) -> None:
    """Column widths, row heights (from their lines), merged task cells and
    page breaks."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    heights = [n * _LINE_PT + _PAD_PT for n in lines]
    header = max(_wrapped_lines(word("column", c), w) for c, w in widths.items())
    header_pt = header * _LINE_PT + _PAD_PT
    for j, column in enumerate(OFFICER_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = widths[column]
    ws.row_dimensions[1].height = header_pt
    for i, height in enumerate(heights, start=2):
        ws.row_dimensions[i].height = height
    for first, last in groups:
        if last > first:
            for j in range(1, _TASK_COLUMNS + 1):
                letter = get_column_letter(j)
                ws.merge_cells(f"{letter}{first + 2}:{letter}{last + 2}")
    for line in _page_breaks(groups, heights, header_pt, widths, paper):
        ws.row_breaks.append(Break(id=line + 2))


def _ledger_sheet(ws: Worksheet, document: Document, lines: Sequence[LedgerLine],
                  paper: Literal["A3", "A4"]) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    _header(ws, [word("column", c) for c in OFFICER_COLUMNS])
    rows = [_printed_cells(document, line) for line in lines]
    groups = _task_groups(lines)
    widths = _column_widths(rows, paper)
    heights = _row_heights(rows, groups, widths)
    side = Side(style="thin", color=_BORDER)
    border = Border(top=side, bottom=side, left=side, right=side)
    top = Alignment(vertical="top", wrap_text=True)
    body = Font(size=_FONT_PT)
    status_at = OFFICER_COLUMNS.index("status") + 1
    for i, (line, row) in enumerate(zip(lines, rows), start=2):
        for j, column in enumerate(OFFICER_COLUMNS, start=1):
            cell = ws.cell(i, j, _cell_value(row.get(column)))
            cell.alignment = top
            cell.border = border
            cell.font = body
        if line.status in STATUS_COLOURS:
            ws.cell(i, status_at).fill = _fill(STATUS_COLOURS[line.status])
    _lay_out(ws, widths, heights, groups, paper)

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


def _technical_sheet(ws: Worksheet, document: Document, lines: Sequence[LedgerLine]) -> None:
    """The analysts' sheet: after the task, the officer's columns the printed
    sheet leaves out (section, indicator, full completion text, reason),
    then offsets, keys, values and codes."""
    from openpyxl.utils import get_column_letter

    columns = (TECHNICAL_COLUMNS[0], *_ANALYST_COLUMNS, *TECHNICAL_COLUMNS[1:])
    _header(ws, columns)
    for line in lines:
        officer = _officer_cells(document, line)
        cells = {**_technical_cells(line), **{c: officer.get(c) for c in _ANALYST_COLUMNS}}
        ws.append([_cell_value(cells.get(c)) for c in columns])
    for j, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = max(10, len(column) + 2)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(lines) + 1}"
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
    _technical_sheet(wb.create_sheet(word("sheet", "technical")), document, lines)
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
