"""A document read whole: its layout, its tasks, and targets placed in them."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .extractor import default_extractor
from .indicator_table import read_indicator_tables
from .genre import GENRES, read_genre, review_year, title_year
from .normalize import NormalizedText, normalize
from .parts import (Part, document_heading_year, heading_names_part, kind_of_time, part_at,
                    read_parts, top_headings)
from .periods import Mention, aggregate_before, clause_start, mentions, sentence_start
from .records import Role, Target, html_view, to_frame
from .structure import Structure, outline_headings, read_structure

if TYPE_CHECKING:
    import pandas as pd

    from .extractor import Extractor
    from .records import Links

__all__ = ["Document", "read_document"]



@dataclass(frozen=True, repr=False)
class Document:
    """A document's text, genre, year, parts, structure and targets.

    ``genre`` is one of :data:`zhtargets.genre.GENRES`; ``year`` the year
    the document is about (a work report's plan year, the year a communiqué
    or completion report reports on, a five-year plan's first year);
    ``parts`` its review / plan / outlook parts (see :mod:`zhtargets.parts`).

    Each target carries ``task`` (the id of the task holding it), a ``role``
    read from where it sits (a plan cell gives ``plan``, a completion cell
    ``actual``; a communiqué or completion report is results throughout;
    otherwise the part it sits in, refined by a sentence that opens with a
    time: 过去一年，… reports results even inside a plan part), and the
    period it applies to (``period_start``, ``period_end``, ``aggregate``,
    ``period_source``).
    """

    text: str
    name: str | None
    structure: Structure
    targets: tuple[Target, ...]
    genre: str = "other"
    year: int | None = None
    parts: tuple[Part, ...] = ()

    def __repr__(self) -> str:
        top = min((p.level for p in self.parts if p.level), default=0)
        kinds = [p.kind for p in self.parts if p.level in (0, top)]
        kinds = "/".join(k for i, k in enumerate(kinds) if i == 0 or kinds[i - 1] != k)
        return (f"Document(name={self.name!r}, genre={self.genre!r}, year={self.year}, "
                f"parts={len(self.parts)} [{kinds}], tasks={len(self.tasks)}, "
                f"targets={len(self.targets)}, chars={len(self.text)})")

    def part_at(self, offset: int) -> Part | None:
        """The innermost part holding original ``offset``."""
        return part_at(self.parts, [p.start for p in self.parts], offset)

    @property
    def tasks(self):
        return self.structure.tasks

    def tasks_frame(self) -> "pd.DataFrame":
        """One row per task (see :meth:`Structure.frame`)."""
        return self.structure.frame()

    def frame(self) -> "pd.DataFrame":
        """The targets as a DataFrame, with a ``doc`` column."""
        df = to_frame(self.targets)
        df.insert(0, "doc", self.name)
        return df.astype({"doc": "string"})

    @cached_property
    def unique_targets(self) -> tuple[Target, ...]:
        """The targets with repeated content (a page holding its table twice,
        a duplicated paragraph) counted once: the first copy is kept."""
        seen: set[tuple] = set()
        out = []
        for t in self.targets:
            if t.task is not None:
                task = self.structure.task(t.task)
                spans = [(task.start, task.end), (task.completion_start, task.completion_end)]
                if any(s is not None and s <= t.start < e for s, e in spans):
                    out.append(t)
                continue
            key = (t.text, t.indicator, t.value, t.low, t.role)
            if key not in seen:
                seen.add(key)
                out.append(t)
        return tuple(out)

    @property
    def plans(self) -> list[Target]:
        """Planned targets, each once (see :attr:`unique_targets`)."""
        return [t for t in self.unique_targets if t.role == "plan"]

    @property
    def actuals(self) -> list[Target]:
        """Reported results, each once (see :attr:`unique_targets`)."""
        return [t for t in self.unique_targets if t.role == "actual"]

    @cached_property
    def completions(self) -> dict[str, str]:
        """Task id → the text of its completion cell, for tasks that have one."""
        out = {}
        for t in self.structure.tasks:
            cell = self.structure.completion_text(t)
            if cell is not None:
                out[t.id] = cell
        return out

    def link(self, report: "Document | None" = None, **options) -> "Links":
        """Each planned target beside its reported result (see :func:`zhtargets.link`).

        Without ``report`` the document's own completion cells answer its
        plans.  With one, the plans meet the report's results only (never its
        own targets); where the report keeps the plan's task numbering, each
        task's results answer the task of the same number first; the
        report's sentences may judge a target in words.
        """
        from .link import link, reported, same_numbering, sentences

        own = dict(plan_doc=self.name, plan_source=self.text)
        if report is None:
            return link(self.plans, self.actuals, completions=self.completions,
                        actual_doc=self.name, report_source=self.text, **own, **options)
        # A completion report's results rarely restate the year its title
        # gives (2023年…完成情况); a work report's review sets its own period.
        year = report.year or report.title_year
        actuals = [t if t.year is not None or t.period_start is not None or year is None
                   else replace(t, year=year) for t in reported(report.unique_targets, year)]
        tasks = same_numbering(self.structure, report.structure)
        actuals = [replace(t, task=tasks.get(t.task)) for t in actuals]
        completions = {tasks[k]: v for k, v in report.completions.items() if k in tasks}
        reviews = [(p.start, p.end) for p in report.parts if p.role == "actual"]
        if not reviews and actuals:
            reviews = [(min(t.start for t in actuals), max(t.end for t in actuals))]
        said = [s for start, end in reviews for s in sentences(report.text, start, end)]
        return link(self.plans, actuals, completions=completions, actual_doc=report.name,
                    report_source=report.text, statements=said, **own, **options)

    @property
    def title_year(self) -> int | None:
        """The document's year (kept for callers written before :attr:`year`)."""
        return self.year

    def _repr_html_(self) -> str | None:
        return html_view(self)


def read_document(source: str | Path, *, name: str | None = None,
                  extractor: "Extractor | None" = None, genre: str | None = None,
                  year: int | None = None) -> Document:
    """Read a document from a path or from its text.

    A ``Path``, or a ``str`` that looks like a path (one line ending in
    ``.txt``, ``.md``, ``.csv``, ``.html`` … or naming an existing file), is
    read from disk (UTF-8, UTF-16, GB18030, Big5 are detected; HTML is read as
    its text) and a missing one raises :class:`InputError`; any other ``str``
    is the text.
    ``genre`` (one of :data:`zhtargets.genre.GENRES`) and ``year`` override
    what the document's title and headings say.
    """
    if genre is not None and genre not in GENRES:
        raise ValueError(f"genre must be one of {', '.join(GENRES)}, not {genre!r}")
    text, name = _source_text(source, name)
    norm = normalize(text)
    structure = read_structure(norm)
    reader = _Reader(norm, structure, genre, year)
    ex = extractor or default_extractor()
    tables = read_indicator_tables(norm, reader.year, ex)
    # A table's cells are read with their header and unit cells, not as prose.
    placed = [reader.place(t) for t in ex.extract_normalized(norm)
              if not any(tb.start <= t.start < tb.end for tb in tables)]
    placed += [replace(t, task=None) for tb in tables for t in tb.targets]
    placed.sort(key=lambda t: t.start)
    return Document(text=text, name=name, structure=structure, targets=tuple(placed),
                    genre=reader.genre, year=reader.year, parts=reader.parts)


def _source_text(source: str | Path, name: str | None) -> tuple[str, str | None]:
    from ._io import read_source

    return read_source(source, name)


class _Reader:
    """Genre, year and parts of one document, and each record's place in them."""

    def __init__(self, norm: NormalizedText, structure: Structure,
                 genre: str | None, year: int | None):
        self.norm = norm
        self.structure = structure
        found, named_year = read_genre(
            norm, layout=structure.layout,
            has_completions=any(t.completion_start is not None for t in structure.tasks),
            has_lead_units=any(t.lead_units for t in structure.tasks))
        self.genre = genre or found
        headings = top_headings(norm, tables=structure.layout == "table")
        plan_years = _PLAN_YEARS.get(self.genre, 1)
        opening: Role = "actual" if self.genre in _RESULT_GENRES else "plan"
        if year is None:
            year = named_year or document_heading_year(headings) or title_year(norm)
        if year is None:
            draft = read_parts(norm, None, opening, headings)
            reviews = [(_to_normalized(norm, p.start), _to_normalized(norm, p.end))
                       for p in draft if p.kind == "review"]
            year = review_year(norm, reviews)
        self.year = year
        self.parts = read_parts(norm, year, opening, headings, plan_years,
                                reports_on_year=self.genre in _RESULT_GENRES,
                                opening_dated=self.genre not in _SPEECH_GENRES)
        if self.genre == "other" and _reviews_then_plans(self.parts):
            self.genre = "work_report"
        self._part_starts = [p.start for p in self.parts]
        self._cues = _sentence_cues(norm, year) if self.genre in _CUE_GENRES else []
        self._cue_starts = [c[0] for c in self._cues]
        self._scopes = _year_headings(norm)
        self._scope_starts = [s[0] for s in self._scopes]

    def part_at(self, offset: int) -> Part | None:
        return part_at(self.parts, self._part_starts, offset)

    def place(self, t: Target) -> Target:
        task = self.structure.task_at(t.start)
        part = self.part_at(t.start)
        cue = self._cue_at(t.start)
        cell = self.structure.cell_at(t.start)
        if cell == "plan" and self.structure.layout != "table" and (
                task is None or task.completion_start is None):
            # An outline item's text is a plan cell only beside its completion
            # cell; otherwise it is a paragraph of whatever part it sits in.
            cell = None
        role = self._role(cell, part, cue)
        return replace(t, task=task.id if task else None, role=role,
                       **self._period(t, part, cue))

    def _cue_at(self, offset: int) -> tuple[int, int, Mention] | None:
        i = bisect_right(self._cue_starts, offset) - 1
        return self._cues[i] if i >= 0 and offset < self._cues[i][1] else None

    def _role(self, cell: str | None, part: Part | None,
              cue: tuple[int, int, Mention] | None) -> Role:
        if cell is not None:
            return "actual" if cell == "completion" else "plan"
        if self.genre == "communique":
            return "actual"
        if self.genre == "completion_report":
            # Results throughout, except a part on what comes next (明年工作打算).
            return "plan" if part is not None and part.kind == "outlook" else "actual"
        if cue is not None and _decisive(cue[2], self.year):
            return "actual" if kind_of_time(cue[2], self.year) == "review" else "plan"
        return part.role if part is not None else "plan"

    def _period(self, t: Target, part: Part | None,
                cue: tuple[int, int, Mention] | None) -> dict:
        text = self.norm.text
        n = _to_normalized(self.norm, t.start)
        said = [m for m in mentions(text, sentence_start(text, n), n, self.year)
                if m.first is not None]
        stated = [m for m in said if not m.base]
        base = [m for m in said if m.base and m.start >= clause_start(text, n)]
        year = t.year
        source: str | None
        if stated:
            m, source = stated[-1], "stated"
        elif cue is not None and cue[2].first is not None:
            # 过去一年，…。初步核算，…增长5.6%: the time opens an earlier sentence
            # and scopes the paragraph as a heading scopes its lines.
            m, source = cue[2], "heading"
        else:
            m, source = self._heading_time(t.start), "heading"
            if m is not None and year is None and m.first == m.last:
                year = m.first  # 2025年民生实事项目 scopes its items
        if m is not None:
            first, last = m.first, m.last
            if m.until and part is not None and part.period_start is not None \
                    and part.period_start <= last:
                first = part.period_start
            elif m.until and self.year is not None and self.year <= last:
                first = self.year
        elif part is not None and part.period_start is not None:
            first, last, source = part.period_start, part.period_end, (
                "heading" if part.period_stated else "document")
        else:
            first = last = source = None
        if self.genre == "communique" and year is None:
            year = self.year if first is None or first == last == self.year else None
        aggregate = aggregate_before(text, n)
        if aggregate == "average" and t.kind == "level":
            aggregate = None  # 年均浓度35微克: one year's mean level
        if aggregate == "average":
            # 年均增长10.6%: the guidelines give an average no single year.
            year = None
        if base and last is not None and base[-1].last is not None and base[-1].last < last - 1:
            # 比2002年增长65.5% in 2007: a change over 2003-2007, no one year's.
            first, year = base[-1].last + 1, None
        if (aggregate is None and first is not None and first != last and t.kind != "level"
                and not (m is not None and m.until)):
            # 五年来…新增就业5771万人 is a total; 到2025年…突破3000亿元 is that year's.
            aggregate = "cumulative"
        return {"year": year, "period_start": first, "period_end": last,
                "period_source": source, "aggregate": aggregate}

    def _heading_time(self, offset: int) -> Mention | None:
        i = bisect_right(self._scope_starts, offset) - 1
        while i >= 0:
            start, end, m = self._scopes[i]
            if start <= offset < end:
                return m
            i -= 1
        return None


# Genres whose numbers outside plan cells are results.
_RESULT_GENRES = frozenset({"communique", "completion_report"})
# Genres that review the past and plan ahead in one text, so a sentence that
# opens with a time (过去一年，…) can say what the numbers after it are.
_CUE_GENRES = frozenset({"work_report", "five_year_plan", "action_plan", "other"})
# Genres whose opening is a speech's preamble, covering no year of its own.
_SPEECH_GENRES = frozenset({"work_report", "five_year_plan", "other"})
# Years a plan part covers by default.
_PLAN_YEARS = {"five_year_plan": 5}
# Characters that may open a sentence before its time word (——2004年).
_SENTENCE_LEAD = " —-“\"'"


def _decisive(m: Mention, year: int | None) -> bool:
    """Whether a time opening a sentence says past or future: one year, a
    relative word, or a period wholly on one side of the document's year
    (“十四五”时期 in 2023 says neither)."""
    if m.shift is not None or m.since or m.first == m.last:
        return True
    return year is not None and m.first is not None and m.last is not None and (
        m.last < year or m.first > year)


def _reviews_then_plans(parts: tuple[Part, ...]) -> bool:
    """A review part followed by a plan part: the shape of a work report."""
    kinds = [p.kind for p in parts]
    return "review" in kinds and "plan" in kinds[kinds.index("review"):]


def _to_normalized(norm: NormalizedText, offset: int) -> int:
    """The normalized position of original ``offset`` (its character, or the
    one it was folded into)."""
    return norm.to_normalized(offset)


def _sentence_cues(norm: NormalizedText, year: int | None) -> list[tuple[int, int, Mention]]:
    """Times that open a sentence (过去一年，… / 2011年，… / 今年…), each with
    the original span it governs: to the next such time or the paragraph's end."""
    text = norm.text
    cues = []
    for m in mentions(text, 0, len(text), year):
        if m.base or (m.first is None and m.shift is None):
            continue
        lead = sentence_start(text, m.start)
        if text[lead:m.start].strip(_SENTENCE_LEAD):
            continue
        line_end = text.find("\n", m.end)
        line_end = len(text) if line_end < 0 else line_end
        cues.append((m.start, line_end, m))
    out = []
    for i, (start, end, m) in enumerate(cues):
        if i + 1 < len(cues):
            end = min(end, cues[i + 1][0])
        out.append((norm.to_original(start, start + 1)[0], norm.to_original(end - 1, end)[1]
                    if end > start else norm.to_original(start, start + 1)[1], m))
    return out


def _year_headings(norm: NormalizedText) -> list[tuple[int, int, Mention]]:
    """Numbered headings that name a time and no part (2024年民生实事项目), each
    with the original span of the lines it scopes, to the next heading of its
    level or above.  A part heading's time (2024年重点工作, 2011年的工作) is the
    part's period, not a year of each number under it."""
    headings = outline_headings(norm.text)
    out = []
    for i, h in enumerate(headings):
        if heading_names_part(h.title):
            continue
        time = next((m for m in mentions(h.title) if not m.base and m.first is not None), None)
        if time is None:
            continue
        end = next((g.start for g in headings[i + 1:] if g.level <= h.level), len(norm.text))
        out.append((norm.to_original(h.start, h.start + 1)[0],
                    norm.to_original(end - 1, end)[1], time))
    return out


# Per-file jobs for the command line and batch runs: top-level functions so
# worker processes can receive them.

def target_records(path: str | Path) -> Iterator[dict]:
    """A document file's targets as dicts (with ``doc``), roles and tasks set.

    The document is read at once (so reading errors surface here); the dicts
    are made one at a time as they are consumed."""
    from .batch import process_extractor

    d = read_document(Path(path), extractor=process_extractor())
    return ({"doc": d.name, **t.to_dict()} for t in d.targets)


def task_records(path: str | Path) -> list[dict]:
    """A document file's tasks as dicts (with ``doc``)."""
    d = read_document(Path(path), extractor=_no_targets())
    return [{"doc": d.name, **row} for row in d.tasks_frame().to_dict("records")]


def link_file_records(path: str | Path) -> list[dict]:
    """Links of a completion table's plans to its own reported results."""
    from .batch import process_extractor
    from .link import link_records

    d = read_document(Path(path), extractor=process_extractor())
    if not d.completions:
        return []
    return link_records(d.link(), doc=d.name)


class _no_targets:
    """An extractor stand-in for reading structure alone."""

    def extract(self, text: str) -> list[Target]:
        return []

    def extract_normalized(self, norm: NormalizedText) -> list[Target]:
        return []
