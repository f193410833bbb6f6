"""The parts of a document as a reader sees them: review, plan, outlook.

A work report opens with a review of the past year or five (its numbers are
results), then sets the year's requirements, targets and tasks, sometimes a
longer outlook; plans and programmes may open with a review of their base.
Parts are read from the outline's top-level headings:

* a time written in the heading decides first (2023年工作回顾, 过去一年,
  “十四五”时期, 今年, 二〇二四年): a period that ended before the document's year
  is a review, one holding it a plan, a later one an outlook;
* otherwise a word of ``lexicons/part_headings.tsv`` (回顾, 主要工作, 总体部署,
  工作安排, 展望 …) names the kind, whatever the rest of the heading says;
* otherwise the part continues the one before it (三、加强政府自身建设 after
  二、2024年主要任务 is still plan).

A sub-heading stays in its part, unless it names a time of its own (a
five-year review inside a one-year review): then it is a sub-part of that
time.  Text before the first heading is the ``opening`` part, whose role the
genre gives.  An unnumbered short line that names a part (过去一年工作回顾)
counts as a top-level heading; a sentence (one with clause punctuation) never
does.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

import regex

from ._lexicon import read_table
from .normalize import NormalizedText
from .periods import Mention, mentions
from .records import Role
from .genre import title_words
from .structure import Heading, outline_headings

__all__ = ["Part", "PartKind", "read_parts", "part_at", "top_headings", "heading_kind",
           "heading_names_part", "kind_of_time", "document_heading_year"]

PartKind = Literal["opening", "review", "plan", "outlook"]

# An unnumbered part heading is a short line without clause punctuation.
_UNNUMBERED_MAX = 30
_PROSE_MARKS = frozenset(",.;:!?。，；：！？、")


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a document (original offsets, ``end`` exclusive).

    ``kind`` is ``opening`` (before the first heading), ``review``, ``plan``
    or ``outlook``; ``role`` is what its numbers are (``actual`` for a review,
    ``plan`` for a plan or outlook; an opening's comes from the genre).
    ``period_start``/``period_end`` are the years it covers, from its heading
    or, failing that, the document's year and its kind; ``year`` is that year
    when the period is one year.  ``level`` is the heading's outline level
    (1 = 一、); sub-parts have a higher level and lie inside their part.
    """

    heading: str | None
    start: int
    end: int
    kind: PartKind
    role: Role
    level: int
    period_start: int | None = None
    period_end: int | None = None
    period_stated: bool = False

    @property
    def year(self) -> int | None:
        """The single year the part covers, else ``None``."""
        return self.period_start if self.period_start == self.period_end else None


@cache
def _words() -> tuple[regex.Pattern, dict[str, str]]:
    kinds = dict(read_table("part_headings.tsv", 2))
    words = sorted(kinds, key=len, reverse=True)
    return regex.compile("|".join(regex.escape(w) for w in words)), kinds


def kind_of_time(m: Mention, year: int | None) -> PartKind | None:
    """A review for a time before ``year``, a plan for one holding it, an outlook after."""
    if m.since:
        return "review"
    if m.shift is not None:
        first, last = m.shift
    elif year is None or m.first is None or m.last is None:
        return None
    else:
        first, last = m.first - year, m.last - year
    if last < 0:
        return "review"
    return "outlook" if first > 0 else "plan"


def _heading_time(title: str, year: int | None) -> Mention | None:
    return next((m for m in mentions(title, year=year)
                 if not m.base and (m.first is not None or m.shift is not None)), None)


def heading_kind(title: str, year: int | None) -> PartKind | None:
    """The kind a heading names, by its time first, then by its words."""
    time = _heading_time(title, year)
    by_time = kind_of_time(time, year) if time is not None else None
    if by_time is not None:
        return by_time
    pattern, kinds = _words()
    hit = pattern.search(title)
    return kinds[hit.group()] if hit else None  # type: ignore[return-value]


def heading_names_part(title: str) -> bool:
    """Whether a heading holds a word of ``part_headings.tsv`` (…工作回顾, …主要任务)."""
    return _words()[0].search(title) is not None


def _role(kind: PartKind, opening: Role) -> Role:
    return {"review": "actual", "plan": "plan", "outlook": "plan"}.get(kind, opening)  # type: ignore[return-value]


def _unnumbered(text: str, numbered: set[int], titles: regex.Pattern) -> list[Heading]:
    """Short lines that name a part without a number (过去一年工作回顾): a word
    of ``part_headings.tsv``, no clause punctuation, and not the document's
    title (no word of ``genre_cues.tsv``: …工作报告重点工作责任分解)."""
    out = []
    pos = 0
    for raw in text.split("\n"):
        line = raw.strip()
        start = pos + len(raw) - len(raw.lstrip())
        pos += len(raw) + 1
        if (0 < len(line) <= _UNNUMBERED_MAX and start not in numbered
                and not any(c in _PROSE_MARKS for c in line)
                and heading_names_part(line) and not titles.search(line)):
            out.append(Heading(0, None, start, start, start + len(line), line))
    return out


def document_heading_year(headings: list[Heading]) -> int | None:
    """The document's year as its part headings imply it: a plan heading's
    own year (2024年主要任务), or the year after a reviewed one (2023年工作回顾)."""
    pattern, kinds = _words()
    for h in headings:
        time = _heading_time(h.title, None)
        hit = pattern.search(h.title)
        if time is None or time.first is None or hit is None or time.first != time.last:
            continue
        kind = kinds[hit.group()]
        return time.last + 1 if kind == "review" else time.first if kind == "plan" else None
    return None


def top_headings(norm: NormalizedText, tables: bool = False) -> list[Heading]:
    """The headings that can open parts: numbered ones, and unnumbered part
    names unless the text is a table (whose header cells name columns)."""
    numbered = outline_headings(norm.text)
    loose = [] if tables else _unnumbered(norm.text, {h.start for h in numbered}, title_words())
    found = sorted(numbered + loose, key=lambda h: h.start)
    # An unnumbered part name ranks with the outermost numbering used.
    top = min((h.level for h in numbered), default=1)
    return [h if h.level else replace(h, level=top) for h in found]


def read_parts(norm: NormalizedText, year: int | None, opening: Role,
               headings: list[Heading] | None = None, plan_years: int = 1,
               reports_on_year: bool = False, opening_dated: bool = True) -> tuple[Part, ...]:
    """The parts of ``norm``'s document, in order, sub-parts after their part.

    ``year`` is the document's year; ``opening`` the role of text before the
    first heading (and of parts no heading places).  A plan part covers
    ``plan_years`` from ``year``; a review the same number before it, or
    ``year`` itself when the document ``reports_on_year`` (a communiqué or
    completion report).  The opening covers what a plan part does, or
    nothing when not ``opening_dated`` (a speech's preamble).
    """
    def default(kind: PartKind) -> tuple[int | None, int | None, bool]:
        if year is None:
            return None, None, False
        if kind == "review" or reports_on_year and kind == "opening":
            return ((year, year, False) if reports_on_year
                    else (year - plan_years, year - 1, False))
        if kind == "plan" or kind == "opening" and opening_dated:
            return year, year + plan_years - 1, False
        return None, None, False

    lead = default("opening")
    headings = top_headings(norm) if headings is None else headings
    text_end = len(norm.original)
    if not headings:
        return (Part(None, 0, text_end, "opening", opening, 0, *lead),)
    top = min(h.level for h in headings)
    parts: list[Part] = []
    first_top = next(h for h in headings if h.level == top)
    first = norm.to_original(first_top.start, first_top.start + 1)[0]
    if first > 0:
        parts.append(Part(None, 0, first, "opening", opening, 0, *lead))
    kind: PartKind = "opening"
    current: Part | None = parts[-1] if parts else None
    for i, h in enumerate(headings):
        start = norm.to_original(h.start, h.start + 1)[0]
        end = next((norm.to_original(g.start, g.start + 1)[0] for g in headings[i + 1:]
                    if g.level <= h.level), text_end)
        time = _heading_time(h.title, year)
        if h.level == top:
            kind = heading_kind(h.title, year) or kind
            period = ((time.first, time.last, True) if time is not None and time.first is not None
                      else default(kind))
            current = Part(h.title, start, end, kind, _role(kind, opening), h.level, *period)
            parts.append(current)
        elif time is not None and time.first is not None and current is not None and (
                time.first, time.last) != (current.period_start, current.period_end):
            # A sub-heading naming its own time narrows the period, never the
            # kind: “十四五”目标进展顺利 inside a review is still a review.
            last = time.last
            if current.kind == "review" and year is not None:
                last = min(last, year - 1)
            parts.append(Part(h.title, start, min(end, current.end), current.kind,
                              current.role, h.level, time.first, last, True))
    return tuple(parts)


def part_at(parts: tuple[Part, ...], starts: list[int], offset: int) -> Part | None:
    """The innermost part holding original ``offset``; ``starts`` are the parts' starts."""
    i = bisect_right(starts, offset) - 1
    while i >= 0:
        p = parts[i]
        if p.start <= offset < p.end:
            # A later part starting at or before offset that still holds it
            # is nested deeper (sub-parts follow their part).
            return p
        i -= 1
    return None
