"""What the views say, in Chinese: status words, headers, figures with units.

The ledger, the plots and the HTML page all describe the same records to
people who read Chinese, so they take their words from one lexicon
(``lexicons/view_words.tsv``) and their unit words from the extractor's own
(``units.tsv``, ``numerals.tsv``): a unit added there is written the
same way in every view.  The status colours live here too, so a 未完成 is
the same red in a workbook and in a chart.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from typing import TYPE_CHECKING

from ._lexicon import LexiconError, read_table
from .records import Link, Target
from .units import default_units

if TYPE_CHECKING:
    from .document import Document

__all__ = [
    "STATUS_ORDER", "STATUS_COLOURS", "word", "status_word", "comparator_word",
    "unit_word", "figure", "range_figure", "signed_figure", "target_words", "result_words",
    "result_or_note", "view_status", "pending_year", "reported_year",
]

# Verdicts in the order a reader scans them, then the ledger's own "pending".
STATUS_ORDER: tuple[str, ...] = ("met", "exceeded", "not_met", "unknown", "pending")
# Mid-light tints: dark text stays readable on them as a cell fill, and they
# stay distinct as dots on white.
STATUS_COLOURS: Mapping[str, str] = MappingProxyType({
    "met": "#8FD19E",
    "exceeded": "#7FB3E6",
    "not_met": "#F28B82",
    "unknown": "#FDD663",
    "pending": "#C8C8C8",
})
_RATE_UNITS = frozenset({"percent", "percentage_point"})
# Two decimals after a multiplier keep 2.63万 exact and drop float noise.
_MAX_DECIMALS = 2


@cache
def _words() -> Mapping[tuple[str, str], str]:
    table = {}
    for group, key, text in read_table("view_words.tsv", 3):
        if not text:
            raise LexiconError(f"view_words.tsv: no word for {group} {key}")
        table[(group, key)] = text
    return MappingProxyType(table)


def word(group: str, key: str, **values: object) -> str:
    """The word for ``key`` in ``group`` of ``view_words.tsv``, placeholders filled."""
    try:
        text = _words()[(group, key)]
    except KeyError:
        raise LexiconError(f"view_words.tsv has no {group} {key!r}") from None
    return text.format(**values) if values else text


def status_word(status: str) -> str:
    return word("status", status)


def comparator_word(comparator: str | None) -> str:
    """以上 for ``>=``; empty for ``=`` and unknown symbols (nothing to say)."""
    return _words().get(("comparator", comparator or ""), "")


@cache
def _multipliers() -> tuple[tuple[float, str], ...]:
    rows = [(float(value), char) for char, value, role in read_table("numerals.tsv", 3)
            if role == "section"]
    return tuple(sorted(rows, reverse=True))


def unit_word(unit: str | None, classifier: str | None = None) -> str:
    """The unit as a document writes it: 元, %, 平方米, or a count's measure word."""
    if classifier:
        return classifier
    return default_units().written(unit)


def _number(value: float) -> str:
    text = f"{value:.{_MAX_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def figure(value: float | None, unit: str | None, classifier: str | None = None) -> str:
    """``value`` with its unit as written: 730亿元, 5.5%, 304个; '' for None.

    A figure of at least one section multiplier (万, 亿) is written with it,
    as the documents write 730亿元 rather than 73000000000元; rates never.
    """
    if value is None or not math.isfinite(value):
        return ""
    multiplier = ""
    if unit not in _RATE_UNITS:
        for size, char in _multipliers():
            if abs(value) >= size:
                value, multiplier = value / size, char
                break
    return f"{_number(value)}{multiplier}{unit_word(unit, classifier)}"


def range_figure(low: float | None, high: float | None, unit: str | None,
                 classifier: str | None = None) -> str:
    """A range as documents write it, the unit once: 1–2家, 3–3.5%."""
    lo, hi = figure(low, unit, classifier), figure(high, unit, classifier)
    if not lo or not hi:
        return lo or hi
    tail = unit_word(unit, classifier)
    if tail and lo.endswith(tail):
        lo = lo[:-len(tail)]
    return f"{lo}–{hi}"


def signed_figure(value: float | None, unit: str | None, classifier: str | None = None) -> str:
    """A difference: +0.3个百分点 for a rate, −20亿元 for an amount."""
    if value is None or not math.isfinite(value):
        return ""
    shown_unit = "percentage_point" if unit == "percent" else unit
    text = figure(abs(value), shown_unit, classifier)
    return ("+" if value > 0 else "−" if value < 0 else "") + text


def target_words(target: Target) -> str:
    """The target as an officer reads it: its commitment word and the text as
    written (确保 5%以上); the text already carries unit and comparator."""
    return f"{target.hedge}{target.text}" if target.hedge and target.hedge not in target.text \
        else target.text


def result_words(link: Link) -> str:
    """The result(s) as written, several joined by ＋ when summed."""
    return "＋".join(r.text for r in link.results)


def result_or_note(link: Link) -> str:
    """The result(s) as written, or what stands in their place: 文字表述 when
    the report answered in words only (``words_*`` verdicts), 未报告 when
    nothing answers the target."""
    return result_words(link) or word(
        "text", "words_only" if link.code.startswith("words_") else "no_result")


def pending_year(link: Link, report_year: int | None) -> int | None:
    """The target's year when it lies after the year reported on and nothing
    answers it yet: such a target is awaited, not doubtful."""
    year = link.plan.period_end or link.plan.year
    if report_year is None or year is None or link.results or link.status != "unknown":
        return None
    return year if year > report_year else None


def reported_year(document: Document) -> int | None:
    """The year whose results ``document`` reports: its own year when it
    reports any (figures, or completion cells that answer in words), the
    year before when it reports none: nobody has reported on a plan's own
    year yet, so its targets are awaited (待报告), not doubtful (待核实)."""
    if document.year is None:
        return None
    return document.year if document.actuals or document.completions else document.year - 1


def view_status(link: Link, report_year: int | None) -> str:
    """``link.status``, or ``pending`` for a target whose year has not come."""
    return "pending" if pending_year(link, report_year) is not None else link.status
