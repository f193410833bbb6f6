"""Indicator tables of plans (主要指标表), flattened one cell per line.

A five-year plan lists its main indicators in a table: 类别 / 指标 / 单位 /
base-year value / target-year value / 年均增长 / 属性.  Flattened to text, each
cell is a line and a value cell is a bare number (6左右, ≥62, [14]) whose unit
sits in the row's unit cell and whose year sits in the header.  This module
finds such tables and reads each value cell as a record: the unit from the
unit cell, the year from the header, the base-year value a result (`actual`),
target-year and average values targets (`plan`), a bracketed value a
cumulative total, and 预期性 / 约束性 the record's ``attribute``.

Header words live in ``lexicons/indicator_table_columns.tsv``, attributes in
``lexicons/attribute_words.tsv``, the brackets of a cumulative value in
``lexicons/cumulative_brackets.tsv``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

import regex

from ._lexicon import read_table
from .normalize import NormalizedText
from .periods import mentions
from .records import Target

if TYPE_CHECKING:
    from .extractor import Extractor

__all__ = ["IndicatorTable", "read_indicator_tables"]

# A header or value cell is short; a longer line ends the table.
_MAX_CELL = 30
_YEAR_CELL = 12
# A value cell: an optional sign, the number, then words (6左右, ≥62, >95).
_VALUE = regex.compile(r"^(?P<pre>[^\d\s]{0,2})(?P<num>\d+(?:\.\d+)?)(?P<post>\S{0,3})$")
# Units a growth column keeps; any other unit's growth is a percent.
_RATE_UNITS = frozenset({"percent", "percentage_point"})
_PERCENT = "%"
_UNIT_IN_NAME = regex.compile(r"\(([^()]{1,8})\)$")


@dataclass(frozen=True, slots=True)
class IndicatorTable:
    """One table: its extent in the original text and its records."""

    start: int
    end: int
    targets: tuple[Target, ...]


@dataclass(frozen=True, slots=True)
class _Cell:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class _Column:
    kind: str           # a column of indicator_table_columns.tsv, or "value"
    year: int | None
    header: str


@cache
def _lexicon() -> tuple[dict[str, str], dict[str, str]]:
    return dict(read_table("indicator_table_columns.tsv", 2)), dict(read_table("attribute_words.tsv", 2))


@cache
def _brackets() -> dict[str, str]:
    return dict(read_table("cumulative_brackets.tsv", 2))


def _unbracketed(text: str) -> str | None:
    """The value inside a cell's cumulative brackets ([14] → 14), or None when
    the cell is not bracketed."""
    close = _brackets().get(text[:1])
    return text[1:-1].strip() if close and len(text) > 2 and text.endswith(close) else None


def _cells(text: str) -> list[_Cell]:
    out, pos = [], 0
    for raw in text.split("\n"):
        line = raw.strip()
        if line:
            start = pos + len(raw) - len(raw.lstrip())
            out.append(_Cell(start, start + len(line), line))
        pos += len(raw) + 1
    return out


def _column(cell: _Cell, words: dict[str, str]) -> _Column | None:
    if cell.text in words:
        return _Column(words[cell.text], None, cell.text)
    if len(cell.text) <= _YEAR_CELL:
        years = [m for m in mentions(cell.text) if m.first is not None and m.first == m.last]
        if len(years) == 1:
            return _Column("value", years[0].first, cell.text)
    return None


def _header(cells: list[_Cell], i: int, words: dict[str, str]) -> list[_Column] | None:
    columns = []
    while i + len(columns) < len(cells) and (c := _column(cells[i + len(columns)], words)):
        columns.append(c)
    kinds = {c.kind for c in columns}
    return columns if {"indicator", "attribute", "value"} <= kinds else None


def read_indicator_tables(norm: NormalizedText, year: int | None,
                          extractor: "Extractor") -> list[IndicatorTable]:
    """Every indicator table of ``norm``; ``year`` is the document's (plan) year."""
    words, attributes = _lexicon()
    cells = _cells(norm.text)
    tables = []
    i = 0
    while i < len(cells):
        columns = _header(cells, i, words)
        if columns is None:
            i += 1
            continue
        body = i + len(columns)
        end = body
        while end < len(cells) and len(cells[end].text) <= _MAX_CELL:
            end += 1
        rows, row = [], []
        for cell in cells[body:end]:
            row.append(cell)
            if cell.text in attributes:
                rows.append(row)
                row = []
        last = rows[-1][-1] if rows else cells[body - 1]
        targets = [t for r in rows for t in _row_targets(r, columns, year, attributes, norm, extractor)]
        tables.append(IndicatorTable(norm.to_original(cells[i].start, cells[i].start + 1)[0],
                                     norm.to_original(last.start, last.end)[1], tuple(targets)))
        i = end
    return tables


def _row_targets(row: list[_Cell], columns: list[_Column], year: int | None,
                 attributes: dict[str, str], norm: NormalizedText,
                 extractor: "Extractor") -> list[Target]:
    # Cells align from the right: a category written once for several rows
    # leaves the first rows of its group a cell short on the left.
    pairs = list(zip(reversed(columns), reversed(row)))
    by_kind = {col.kind: cell for col, cell in pairs if col.kind != "value"}
    if "indicator" not in by_kind:
        return []
    indicator = by_kind["indicator"].text
    unit = by_kind["unit"].text if "unit" in by_kind else ""
    bracket = _UNIT_IN_NAME.search(indicator)
    if not unit and bracket:
        # No unit column: the unit closes the name (地区生产总值增长(%)).
        indicator, unit = indicator[:bracket.start()], bracket.group(1)
    attribute = attributes.get(by_kind["attribute"].text) if "attribute" in by_kind else None
    years = sorted(c.year for c in columns if c.year is not None)
    plan_start = year if year is not None else (years[0] + 1 if len(years) > 1 else None)
    out = []
    for col, cell in reversed(pairs):
        if col.kind not in ("value", "average", "cumulative"):
            continue
        t = _read_value(cell, col, indicator, unit, norm, extractor)
        if t is None:
            continue
        bracketed = _unbracketed(cell.text) is not None
        if col.kind == "value" and not bracketed:
            base = plan_start is not None and col.year < plan_start
            first = col.year if base or plan_start is None else plan_start
            t = replace(t, year=col.year, role="actual" if base else "plan",
                        period_start=first, period_end=col.year)
        else:
            t = replace(t, year=None, role="plan", period_start=plan_start,
                        period_end=years[-1] if years else None,
                        aggregate="cumulative" if bracketed or col.kind == "cumulative" else "average")
        out.append(replace(t, attribute=attribute, period_source="heading", rule="indicator-table"))
    return out


def _read_value(cell: _Cell, col: _Column, indicator: str, unit: str,
                norm: NormalizedText, extractor: "Extractor") -> Target | None:
    """The record of one value cell, read as its indicator, sign, number and unit."""
    value = _unbracketed(cell.text)
    m = _VALUE.match(cell.text if value is None else value)
    if m is None:
        return None
    if col.kind != "value":
        # A growth column is in percent unless the row's unit is a rate.
        rate = extractor.extract(f"1{unit}") if unit else []
        unit = unit if rate and rate[0].unit in _RATE_UNITS else _PERCENT
    found = _read(indicator, m, unit, extractor)
    if col.kind != "value" and (found is None or found.kind != "change"):
        # A growth with the header's 年均增长 when the indicator names no
        # change of its own (单位GDP能耗降低 does: a fall).
        found = _read(indicator + col.header, m, unit, extractor)
    if found is None:
        return None
    start, end = norm.to_original(cell.start, cell.end)
    return replace(found, start=start, end=end, text=norm.original[start:end],
                   indicator=found.indicator or indicator)


def _read(indicator: str, m: regex.Match, unit: str, extractor: "Extractor") -> Target | None:
    """The record of the number in ``indicator`` + sign + number + unit + words."""
    phrase = f"{indicator}{m['pre']}{m['num']}{unit}{m['post']}"
    at = len(indicator) + len(m["pre"])
    return next((t for t in extractor.extract(phrase) if t.start <= at < t.end), None)
