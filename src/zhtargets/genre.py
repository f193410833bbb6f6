"""What kind of document a text is, and the year it is about.

The genre is read from the title lines (short lines near the top) with the
words of ``lexicons/genre_cues.tsv``; without one, from the layout: a table
with completion cells is a completion report, numbered tasks with lead units
a task list, a review part followed by a plan part a work report.
"""
from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Literal

import regex

from ._lexicon import LexiconError, read_table
from .normalize import NormalizedText
from .periods import is_date, mentions

__all__ = ["GENRES", "Genre", "read_genre", "title_lines", "title_words", "title_year",
           "review_year"]

Genre = Literal["work_report", "communique", "completion_report", "five_year_plan",
                "task_list", "action_plan", "other"]
GENRES: tuple[str, ...] = ("work_report", "communique", "completion_report", "five_year_plan",
                           "task_list", "action_plan", "other")

# Title lines: the first lines of the text, each short and no sentence.
_TITLE_WINDOW = 600
_TITLE_LINE_MAX = 60
_SENTENCE_MARKS = frozenset(",;。!?")


@cache
def _cues() -> tuple[tuple[str, str], ...]:
    rows = read_table("genre_cues.tsv", 2)
    bad = [g for _, g in rows if g not in GENRES]
    if bad:
        raise LexiconError(f"genre_cues.tsv: unknown genre {bad[0]!r}; use one of {GENRES}")
    return rows


@cache
def title_words() -> regex.Pattern:
    """Any genre cue word: a line holding one is a title, not a part heading."""
    return regex.compile("|".join(regex.escape(w) for w, _ in _cues()))


def title_lines(norm: NormalizedText) -> list[tuple[int, str]]:
    """``(normalized start, line)`` of the short lines in the opening window."""
    out = []
    pos = 0
    for raw in norm.text[:_TITLE_WINDOW].split("\n"):
        line = raw.strip()
        if line and len(line) <= _TITLE_LINE_MAX and not _SENTENCE_MARKS & set(line):
            out.append((pos + len(raw) - len(raw.lstrip()), line))
        pos += len(raw) + 1
    return out


def _title_cue(lines: list[tuple[int, str]]) -> tuple[str, int, str] | None:
    """The first genre cue found, in lexicon order: (genre, line start, line)."""
    for word, genre in _cues():
        for start, line in lines:
            if word in line:
                return genre, start, line
    return None


def read_genre(norm: NormalizedText, *, layout: str, has_completions: bool,
               has_lead_units: bool) -> tuple[str, int | None]:
    """The genre and the year its title names (``None`` if it names none)."""
    lines = title_lines(norm)
    cue = _title_cue(lines)
    if cue is not None:
        genre, _, line = cue
        years = [m for m in mentions(line) if m.first is not None and not m.base]
        return genre, (years[0].first if years else None)
    if has_completions:
        return "completion_report", None
    if layout in ("items", "table") and has_lead_units:
        return "task_list", None
    return "other", None


def title_year(norm: NormalizedText) -> int | None:
    """The year of a date line in the opening lines (the day a report was
    delivered or a notice issued: (2024年2月21日在…会议上), 2023年3月30日)."""
    for _, line in title_lines(norm):
        for m in mentions(line):
            if m.first is not None and m.first == m.last and is_date(line, m.end):
                return m.first
    return None


def review_year(norm: NormalizedText, spans: list[tuple[int, int]]) -> int | None:
    """The year after the latest year the review parts name more than once: a
    last resort for a report that names its own year nowhere (过去五年…增加到
    2002年的…; a future event named in passing, 申办2008年奥运会, counts once)."""
    counts = Counter(m.last for lo, hi in spans for m in mentions(norm.text, lo, hi)
                     if m.last is not None and not m.until and not m.base)
    years = [y for y, n in counts.items() if n > 1] or list(counts)
    return max(years) + 1 if years else None
