"""The task structure of a planning or reporting document.

Government work-report decompositions come in three shapes, and a quantity is
only useful once we know which task it belongs to, who leads that task and
whether it sits in the plan or in the reported progress:

* ``items``: numbered items (``5.地区生产总值增长5.5%。``) under headings
  that name the lead official (``二、黄飞常务副区长牵头工作``), each followed
  by a ``牵头单位：`` line;
* ``table``: a table flattened to one cell per line under a header such as
  序号 / 项目名称 / 主要工作内容 / 牵头领导 / 牵头单位 / 累计完成情况;
* ``prose``: an outline of ``一、`` / ``(一)`` / ``1.`` headings and
  paragraphs, sometimes with labelled lines (``召集人：``, ``责任单位：``).

:func:`read_structure` reads ``NormalizedText.text`` and reports offsets into
``NormalizedText.original``.  Scraped pages often hold the whole document
twice; each task is reported once, with the first copy's spans, while
:meth:`Structure.task_at` and :meth:`Structure.cell_at` also answer for
offsets in a later copy.

All the language knowledge (column headers, labels, heading numbering, unit
name shapes, official titles) lives in the ``lexicons/structure_*`` files.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Literal

import regex

from ._lexicon import LexiconError, read_lines, read_table
from .normalize import NormalizedText
from .numerals import NumberError, parse_number

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Structure", "Task", "Section", "Region", "Heading", "read_structure", "outline_headings"]

Layout = Literal["items", "table", "prose"]
Cell = Literal["plan", "completion"]

# Personal names in leader cells are a surname plus one or two characters;
# four allows a compound surname.  Longer strings are units or prose.
_NAME_LEN = (2, 4)
# A unit name longer than this is prose that happens to end in 局/办.
_MAX_UNIT_LEN = 30
# Group headings (项目名称) are short slogans; prose cells are longer.
_MAX_HEADING_LEN = 40
# The numbering of list items may skip a row or two where a page was cut.
_MAX_ROW_GAP = 3
# ``items`` layout: nearly every item carries its own unit label.
_ITEMS_LABELLED_SHARE = 0.75

_CLAUSE_PUNCT = frozenset(",。;、:!?；，：")
_SENTENCE_END = frozenset("。;!?；")
_LIST_SEPARATORS = regex.compile(r"[、,;，；]")
_PAREN = regex.compile(r"\([^()]*\)")
_DIGITS_LINE = regex.compile(r"\d{1,4}")
_RULE = regex.compile(r":?-{3,}:?")  # the rule row under a Markdown header
_HAN_ONLY = regex.compile(r"\p{Han}+")


# --------------------------------------------------------------------------
# Public types
# --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Section:
    """A section heading (``二、黄飞常务副区长牵头工作``) as written, normalized.

    ``start``/``end`` are original offsets of the heading's first occurrence;
    ``lead_officials`` are the officials the heading names, if any.
    """

    title: str
    number: int | None
    start: int
    end: int
    lead_officials: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Task:
    """One item or table row.

    ``start``/``end`` are original offsets of the task text (the 主要工作内容 /
    重点工作 cell, or the item text without its list number);
    ``completion_start``/``completion_end`` those of the 累计完成情况 cell.
    Unit and official names are given in normalized (simplified, half-width)
    form; the first lead unit is the leading one.
    """

    id: str
    number: int | None
    section: str | None
    group: str | None
    start: int
    end: int
    lead_officials: tuple[str, ...] = ()
    lead_units: tuple[str, ...] = ()
    participating_units: tuple[str, ...] = ()
    completion_start: int | None = None
    completion_end: int | None = None


@dataclass(frozen=True, slots=True)
class Region:
    """A span of the original text that belongs to a task.

    ``cell`` is ``"row"`` for the task's whole extent (number, cells and
    labels), or ``"plan"`` / ``"completion"`` for those cells.  ``copy`` is 0
    for the first occurrence of the task and counts repeats of the text.
    """

    start: int
    end: int
    task: str
    cell: Literal["row", "plan", "completion"]
    copy: int = 0


@dataclass(frozen=True)
class Structure:
    """The tasks of one document; see the module docstring."""

    layout: Layout
    tasks: tuple[Task, ...]
    sections: tuple[Section, ...]
    regions: tuple[Region, ...] = field(default=(), repr=False)
    source: str = field(default="", repr=False, compare=False)
    # Lookup tables derived from ``regions``; built once in __post_init__ so
    # offset queries are a binary search.
    _rows: tuple[Region, ...] = field(default=(), init=False, repr=False, compare=False)
    _row_starts: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)
    _cells: tuple[Region, ...] = field(default=(), init=False, repr=False, compare=False)
    _cell_starts: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)
    _by_id: dict[str, Task] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rows = tuple(sorted((r for r in self.regions if r.cell == "row"),
                            key=lambda r: (r.start, r.end)))
        cells = tuple(sorted((r for r in self.regions if r.cell != "row"),
                             key=lambda r: (r.start, r.end)))
        object.__setattr__(self, "_rows", rows)
        object.__setattr__(self, "_row_starts", tuple(r.start for r in rows))
        object.__setattr__(self, "_cells", cells)
        object.__setattr__(self, "_cell_starts", tuple(r.start for r in cells))
        object.__setattr__(self, "_by_id", {t.id: t for t in self.tasks})

    def task(self, task_id: str) -> Task:
        """The task with id ``task_id`` (KeyError if there is none)."""
        return self._by_id[task_id]

    def task_at(self, offset: int) -> Task | None:
        """The task whose row or item covers original ``offset``, in any copy."""
        region = _region_at(self._rows, self._row_starts, offset)
        return None if region is None else self._by_id.get(region.task)

    def cell_at(self, offset: int) -> Cell | None:
        """``"plan"`` or ``"completion"`` when ``offset`` sits in that cell."""
        region = _region_at(self._cells, self._cell_starts, offset)
        return None if region is None else region.cell  # type: ignore[return-value]

    def text(self, task: Task) -> str:
        """The task text as written in the original."""
        return self.source[task.start:task.end]

    def completion_text(self, task: Task) -> str | None:
        """The completion cell as written in the original, if the task has one."""
        if task.completion_start is None or task.completion_end is None:
            return None
        return self.source[task.completion_start:task.completion_end]

    def frame(self) -> pd.DataFrame:
        """One row per task; names are joined with ``、``; offsets are original."""
        import pandas as pd

        records = [{
            "task": t.id,
            "number": t.number,
            "section": t.section,
            "group": t.group,
            "start": t.start,
            "end": t.end,
            "text": self.text(t),
            "lead_officials": "、".join(t.lead_officials),
            "lead_units": "、".join(t.lead_units),
            "participating_units": "、".join(t.participating_units),
            "completion_start": t.completion_start,
            "completion_end": t.completion_end,
            "completion_text": self.completion_text(t),
        } for t in self.tasks]
        columns = ["task", "number", "section", "group", "start", "end", "text",
                   "lead_officials", "lead_units", "participating_units",
                   "completion_start", "completion_end", "completion_text"]
        frame = pd.DataFrame.from_records(records, columns=columns)
        ints = ["number", "start", "end", "completion_start", "completion_end"]
        strings = [c for c in columns if c not in ints]
        return frame.astype({**{c: "Int64" for c in ints},
                             **{c: "string" for c in strings}})


def _region_at(regions: Sequence[Region], starts: Sequence[int],
               offset: int) -> Region | None:
    # Regions of one kind never overlap, so only the last one starting at or
    # before the offset can hold it.
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and regions[i].start <= offset < regions[i].end:
        return regions[i]
    return None


# --------------------------------------------------------------------------
# Lexicons
# --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Lexicon:
    labels: dict[str, str]
    label_re: regex.Pattern
    inline_label_re: regex.Pattern
    header_re: regex.Pattern
    section_leader_re: regex.Pattern | None
    headings: tuple[tuple[int, str, regex.Pattern], ...]
    official_re: regex.Pattern | None
    title_re: regex.Pattern | None
    suffixes: tuple[str, ...]
    prefixes: tuple[str, ...]
    collectives: tuple[str, ...]
    closings: tuple[str, ...]
    breaks: tuple[str, ...]
    closing_sections: tuple[str, ...]


def _alternation(words: Sequence[str]) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def _lexicon() -> _Lexicon:
    labels: dict[str, str] = {}
    for word, role in read_table("structure_labels.tsv", 2):
        if not role:
            raise LexiconError(f"structure_labels.tsv: no role for {word!r}")
        labels[word] = role
    cell_labels = [w for w, r in labels.items() if r != "section_leader"]
    leader_suffixes = [w for w, r in labels.items() if r == "section_leader"]
    headings = []
    for level, kind, pattern in read_table("structure_headings.tsv", 3):
        try:
            headings.append((int(level), kind, regex.compile(pattern)))
        except (ValueError, regex.error) as exc:
            raise LexiconError(f"structure_headings.tsv: {level} {pattern!r}: {exc}") from exc
    titles = read_lines("structure_titles.txt")
    units = read_table("structure_units.tsv", 2)
    title_alt = _alternation(titles)
    return _Lexicon(
        labels=labels,
        # A label line: the label word, then a colon (normalize makes ：
        # half-width) and the value.
        label_re=regex.compile(rf"^(?P<label>{_alternation(cell_labels)})\s*:\s*"),
        # The same label inside a line, after a sentence or clause mark: a
        # task written on one line (目标任务:…;完成情况:…).
        inline_label_re=regex.compile(
            rf"(?:^|(?<=[。;,\s]))(?P<label>{_alternation(cell_labels)})\s*:"),
        header_re=regex.compile(rf"(?:{_alternation(cell_labels)})"),
        section_leader_re=(regex.compile(rf"(?:{_alternation(leader_suffixes)})$")
                           if leader_suffixes else None),
        headings=tuple(headings),
        official_re=(regex.compile(rf"(?P<name>\p{{Han}}{{2,3}}?)(?:{title_alt})+")
                     if titles else None),
        title_re=regex.compile(rf"(?:{title_alt})+$") if titles else None,
        suffixes=tuple(sorted((w for w, k in units if k == "suffix"), key=len, reverse=True)),
        prefixes=tuple(w for w, k in units if k == "prefix"),
        collectives=tuple(w for w, k in units if k == "collective"),
        closings=tuple(sorted((w for w, k in units if k == "closing"), key=len, reverse=True)),
        breaks=read_lines("structure_breaks.txt"),
        closing_sections=read_lines("structure_closings.txt"),
    )


# --------------------------------------------------------------------------
# Lines, headings and cell shapes
# --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Line:
    """A non-blank line of the normalized text, stripped; offsets normalized."""

    start: int
    end: int
    text: str


def _cells(raw: str) -> list[tuple[int, str]]:
    """(offset, text) of the cells of one line of a delimited table.

    A table copied out of a spreadsheet keeps its cells apart with tabs, one
    typed as Markdown with pipes; either becomes the one-cell-per-line layout
    of a table flattened by a scraper, which the table reader already knows.
    A line with a single cell is returned whole.
    """
    body = raw.strip()
    sep = "\t" if "\t" in body else "|" if body.startswith("|") and body.endswith("|") else None
    if sep is None:
        return [(0, raw)]
    out, pos = [], 0
    for piece in raw.split(sep):
        out.append((pos, piece))
        pos += len(piece) + 1
    return out if sum(bool(p.strip()) for _, p in out) > 1 else [(0, raw)]


def _lines(text: str) -> list[_Line]:
    out = []
    pos = 0
    for line in text.split("\n"):
        for offset, raw in _cells(line):
            stripped = raw.strip()
            if stripped and not _RULE.fullmatch(stripped):
                lead = len(raw) - len(raw.lstrip())
                start = pos + offset + lead
                out.append(_Line(start, start + len(stripped), stripped))
        pos += len(line) + 1
    return out


@dataclass(frozen=True, slots=True)
class _Heading:
    level: int
    number: int | None
    marker_end: int  # offset in the line where the title starts


def _han_number(text: str) -> int | None:
    """A heading number in Han numerals (二十三), read by the one numeral table."""
    try:
        value = parse_number(text)
    except NumberError:
        return None
    return int(value) if value == value.to_integral_value() else None


def _heading(line: str, lex: _Lexicon) -> _Heading | None:
    for level, kind, pattern in lex.headings:
        m = pattern.match(line)
        if m is None:
            continue
        digits = m.group("n")
        number = int(digits) if kind == "arabic" else _han_number(digits)
        if number is None or m.end() >= len(line):
            continue
        return _Heading(level, number, m.end())
    return None


def _title(text: str, lex: _Lexicon) -> str:
    """A heading line without a paragraph glued to it (三、…建设各位代表，…)."""
    cut = min((i for b in lex.breaks if (i := text.find(b, 1)) > 0), default=len(text))
    return text[:cut].rstrip()


@dataclass(frozen=True, slots=True)
class Heading:
    """A numbered heading line of the outline (一、 / (一) / 1. / (1)).

    Offsets index the normalized text: ``start`` is the line's start,
    ``title_start``/``title_end`` the title after the number, cut before a
    paragraph glued to it (its first sentence end, or a speech opening).
    """

    level: int
    number: int | None
    start: int
    title_start: int
    title_end: int
    title: str


# A heading title longer than this is a numbered paragraph, not a heading.
_MAX_TITLE_LEN = 40


def outline_headings(text: str) -> list[Heading]:
    """The numbered headings of normalized ``text``, in order.

    A numbered line whose title runs on as prose (10.拉开大城北建设格局。聚焦…)
    still counts, with its title cut at the first sentence end; one with no
    short title is a numbered paragraph and is left out.
    """
    lex = _lexicon()
    out = []
    for line in _lines(text):
        h = _heading(line.text, lex)
        if h is None:
            continue
        rest = _title(line.text[h.marker_end:], lex)
        end = next((i for i, c in enumerate(rest) if c in _SENTENCE_END), len(rest))
        title = rest[:end].rstrip()
        if 0 < len(title) <= _MAX_TITLE_LEN:
            start = line.start + h.marker_end
            out.append(Heading(h.level, h.number, line.start, start, start + len(title), title))
    return out


def _section_ref(line: _Line, number: int | None, lex: _Lexicon) -> _SectionRef:
    title = _title(line.text, lex)
    return _SectionRef(title, number, line.start, line.start + len(title))


def _is_prose(text: str) -> bool:
    return any(c in _CLAUSE_PUNCT for c in text) or text[-1] in _SENTENCE_END


def _is_heading_like(text: str) -> bool:
    """A group heading cell: a short phrase with no clause punctuation."""
    return len(text) <= _MAX_HEADING_LEN and not any(c in _CLAUSE_PUNCT for c in text)


def _is_break(text: str, lex: _Lexicon) -> bool:
    return text.startswith(lex.breaks)


def _split_outside_parens(text: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if depth == 0 and _LIST_SEPARATORS.match(ch):
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip(" 。.") for p in parts if p.strip(" 。.")]


def _is_unit_name(text: str, lex: _Lexicon) -> bool:
    """区发改局, 区委组织部(人才办), 各平台, 未来科技城 — one unit."""
    core = _PAREN.sub("", text).strip()
    if not core or len(core) > _MAX_UNIT_LEN or any(c in _CLAUSE_PUNCT for c in core):
        return False
    return core.endswith(lex.suffixes) or core.startswith(lex.collectives)


def _strip_notes(text: str, lex: _Lexicon) -> str:
    """Drop bracketed remarks that are not unit names (（列第一位的为牵头单位，下同）)."""
    return _PAREN.sub(lambda m: m.group(0) if _is_unit_name(m.group(0)[1:-1], lex) else "",
                      text)


def _units(text: str, lex: _Lexicon) -> tuple[str, ...]:
    out = []
    for part in _split_outside_parens(_strip_notes(text, lex)):
        for closing in lex.closings:
            if part.endswith(closing) and len(part) > len(closing):
                part = part[:-len(closing)]
                break
        out.append(part)
    return tuple(out)


def _is_unit_line(text: str, lex: _Lexicon) -> bool:
    parts = _units(text, lex)
    return bool(parts) and all(_is_unit_name(p, lex) for p in parts)


def _is_unit_head(text: str, lex: _Lexicon) -> bool:
    """The first half of a unit name wrapped over two lines (区综合行政)."""
    return (text.startswith(lex.prefixes) and len(text) <= _MAX_UNIT_LEN // 2
            and _HAN_ONLY.fullmatch(text) is not None and not _is_unit_name(text, lex))


def _is_paren_unit(text: str, lex: _Lexicon) -> bool:
    """A bracketed alias on its own line ((区金融办)), belonging to the unit above."""
    return text.startswith("(") and text.endswith(")") and _is_unit_name(text[1:-1], lex)


def _looks_like_unit(text: str, lex: _Lexicon) -> bool:
    return (_is_unit_line(text, lex) or _is_unit_head(text, lex)
            or _is_paren_unit(text, lex))


def _is_name(text: str, lex: _Lexicon) -> bool:
    lo, hi = _NAME_LEN
    return (lo <= len(text) <= hi and _HAN_ONLY.fullmatch(text) is not None
            and not text.startswith(lex.prefixes + lex.collectives)
            and not text.endswith(lex.suffixes) and text not in lex.labels)


def _officials(text: str, lex: _Lexicon) -> tuple[str, ...]:
    """Names in a leader cell or heading: 黄飞, 樊峥常委副区长包晓东副区长, 黄飞、张建明."""
    text = _PAREN.sub("", text).replace(" ", "")
    names: list[str] = []
    for part in _split_outside_parens(text):
        if lex.official_re is not None:
            found = _chain(part, lex.official_re)
            if found:
                names.extend(found)
                continue
        if _is_name(part, lex):
            names.append(part)
        elif lex.title_re is not None:
            bare = lex.title_re.sub("", part)
            if bare != part and _is_name(bare, lex):
                names.append(bare)
    return tuple(dict.fromkeys(names))


def _chain(text: str, pattern: regex.Pattern) -> list[str]:
    """Names when ``text`` is wholly a run of name+title pairs, else []."""
    names, pos = [], 0
    while pos < len(text):
        m = pattern.match(text, pos)
        if m is None:
            return []
        names.append(m.group("name"))
        pos = m.end()
    return names


def _is_leader_line(text: str, lex: _Lexicon) -> bool:
    if _looks_like_unit(text, lex):
        return False
    compact = text.replace(" ", "")
    parts = _split_outside_parens(compact)
    return bool(parts) and all(_is_name(p, lex) or
                               (lex.official_re is not None and _chain(p, lex.official_re))
                               for p in parts)


# --------------------------------------------------------------------------
# Raw tasks, before repeats are merged
# --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _SectionRef:
    title: str
    number: int | None
    start: int  # normalized offsets of the heading line
    end: int


@dataclass(slots=True)
class _Raw:
    """A task as parsed, with normalized offsets."""

    number: int | None
    path: tuple[int | None, ...]
    section: _SectionRef | None
    group: str | None
    plan: tuple[int, int]
    extent: tuple[int, int]
    completion: tuple[int, int] | None = None
    leaders: tuple[str, ...] = ()
    lead_units: tuple[str, ...] = ()
    participating: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()
    section_leaders: tuple[str, ...] = ()
    labelled: bool = False  # outline: the task has its own unit label
    inline: bool = False  # outline: its labels share a line with its text
    parent: int | None = None  # id of the enclosing outline block


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------

def _header_roles(line: str, lex: _Lexicon) -> list[str] | None:
    """The roles of a header line made wholly of column words, else None."""
    roles, pos = [], 0
    while pos < len(line):
        if line[pos] in " \t|":
            pos += 1
            continue
        m = lex.header_re.match(line, pos)
        if m is None:
            return None
        roles.append(lex.labels[m.group(0)])
        pos = m.end()
    return roles or None


def _find_headers(lines: Sequence[_Line], lex: _Lexicon) -> list[tuple[int, int, list[str]]]:
    """(first line, line after, column roles) of each table header."""
    out = []
    i = 0
    while i < len(lines):
        roles = _header_roles(lines[i].text, lex)
        if roles is None or roles[0] != "number":
            i += 1
            continue
        j = i + 1
        while j < len(lines) and (more := _header_roles(lines[j].text, lex)) is not None:
            if "number" in more:
                break
            roles.extend(more)
            j += 1
        if len(roles) >= 3 and "plan" in roles:
            out.append((i, j, roles))
        i = j
    return out


def _row_number(line: _Line, previous: int | None, restart: bool = True) -> int | None:
    """The row number on ``line`` if it continues the numbering after ``previous``.

    A bare number elsewhere in the sequence is cell content (a count on its
    own line), not a row.  With ``restart`` a 1 also opens a row, as when a
    scraped page repeats the table.
    """
    if _DIGITS_LINE.fullmatch(line.text) is None:
        return None
    n = int(line.text)
    if previous is None:
        return n if 0 < n <= _MAX_ROW_GAP else None
    if previous < n <= previous + _MAX_ROW_GAP or (restart and n == 1):
        return n
    return None


def _unit_cells(cells: Sequence[_Line], i: int, lex: _Lexicon,
                known: str) -> tuple[list[tuple[str, int, int]], int]:
    """Unit cells from ``cells[i]`` on, joining wrapped and bracketed pieces.

    Returns (text, start, end) per cell and the index after the last one.
    ``known`` is the whole normalized text: a line pair whose concatenation
    is written on one line elsewhere (市规划和自然资源局 / 余杭分局) is one
    wrapped name.
    """
    out: list[tuple[str, int, int]] = []
    while i < len(cells):
        line = cells[i]
        nxt = cells[i + 1] if i + 1 < len(cells) else None
        if _is_paren_unit(line.text, lex) and out:
            text, start, _ = out[-1]
            out[-1] = (text + line.text, start, line.end)
        elif (_is_unit_head(line.text, lex) and nxt is not None
              and _is_unit_line(line.text + nxt.text, lex)
              and not nxt.text.startswith(lex.prefixes + lex.collectives)):
            out.append((line.text + nxt.text, line.start, nxt.end))
            i += 1
        elif _is_unit_line(line.text, lex):
            if (out and not line.text.startswith(lex.prefixes + lex.collectives)
                    and _is_unit_name(out[-1][0] + line.text, lex)
                    and out[-1][0] + line.text in known):
                text, start, _ = out[-1]
                out[-1] = (text + line.text, start, line.end)
            else:
                out.append((line.text, line.start, line.end))
        else:
            break
        i += 1
    return out, i


@dataclass(slots=True)
class _Row:
    """The cells of one table row; offsets normalized."""

    group: str | None
    plan: tuple[int, int]
    end: int
    leaders: tuple[str, ...] = ()
    lead_units: tuple[str, ...] = ()
    participating: tuple[str, ...] = ()
    completion: tuple[int, int] | None = None


def _parse_row(cells: Sequence[_Line], roles: Sequence[str], lex: _Lexicon,
               known: str) -> _Row | None:
    """Assign the lines of one flattened row to the header's columns."""
    wanted = set(roles)
    if not cells:
        return None
    # The person and unit cells follow the text cells; the first text cell is
    # never one of them, so the search starts at the second line.
    k = next((i for i in range(1, len(cells))
              if ("leader" in wanted and _is_leader_line(cells[i].text, lex))
              or _looks_like_unit(cells[i].text, lex)), len(cells))
    text_cells = list(cells[:k])
    group = None
    if "group" in wanted and len(text_cells) >= 2 and _is_heading_like(text_cells[0].text):
        group = text_cells.pop(0).text
    row = _Row(group, (text_cells[0].start, text_cells[-1].end), text_cells[-1].end)
    i = k
    leaders: list[str] = []
    while "leader" in wanted and i < len(cells) and _is_leader_line(cells[i].text, lex):
        leaders.extend(_officials(cells[i].text, lex))
        i += 1
    units, i = _unit_cells(cells, i, lex, known)
    lead_roles = {"lead_unit", "responsible_unit"}
    lead_units: list[str] = []
    participating: list[str] = []
    if units:
        # Without a separate participating column every unit cell is a lead
        # cell; with one, it is the last column of the unit cells, and a row
        # always names its lead unit first.
        split = len(units) - 1 if "participating" in wanted and len(units) >= 2 else len(units)
        if not wanted & lead_roles:
            split = 0
        for text, _, _ in units[:split]:
            lead_units.extend(_units(text, lex))
        for text, _, _ in units[split:]:
            participating.extend(_units(text, lex))
        row.end = units[-1][2]
    elif leaders:
        row.end = cells[i - 1].end
    row.leaders = tuple(dict.fromkeys(leaders))
    row.lead_units = tuple(dict.fromkeys(lead_units))
    row.participating = tuple(dict.fromkeys(participating))
    if "completion" in wanted and i < len(cells):
        rest = cells[i:]
        # The first completion line may be terse (已完成); later lines must
        # read as prose, which stops at page furniture after the last row.
        if _is_prose(rest[0].text) or len(rest) == 1:
            j = 1
            while j < len(rest) and _is_prose(rest[j].text) and not _is_break(rest[j].text, lex):
                j += 1
            row.completion = (rest[0].start, rest[j - 1].end)
            row.end = rest[j - 1].end
    return row


def _parse_tables(lines: Sequence[_Line], text: str, lex: _Lexicon) -> list[_Raw]:
    headers = _find_headers(lines, lex)
    raws: list[_Raw] = []
    for h, (first, body, roles) in enumerate(headers):
        stop = headers[h + 1][0] if h + 1 < len(headers) else len(lines)
        raws.extend(_parse_table(lines, body, stop, roles, text, lex))
    return raws


def _parse_table(lines: Sequence[_Line], lo: int, hi: int, roles: Sequence[str],
                 text: str, lex: _Lexicon) -> Iterator[_Raw]:
    previous: int | None = None
    section: _SectionRef | None = None
    group: str | None = None
    i = lo
    while i < hi:
        line = lines[i]
        heading = _heading(line.text, lex)
        nxt = lines[i + 1] if i + 1 < hi else None
        if (heading is not None and heading.level == 1 and nxt is not None
                and _row_number(nxt, previous) is not None):
            section = _section_ref(line, heading.number, lex)
            group = None
            i += 1
            continue
        number = _row_number(line, previous)
        if number is None:
            i += 1
            continue
        j = i + 1
        while j < hi:
            if _row_number(lines[j], number, restart=False) is not None:
                break
            if _is_break(lines[j].text, lex):
                break
            h = _heading(lines[j].text, lex)
            if (h is not None and h.level == 1 and j + 1 < hi
                    and _row_number(lines[j + 1], number) is not None):
                break
            j += 1
        row = _parse_row(lines[i + 1:j], roles, lex, text)
        if row is not None:
            if row.group is not None:
                group = row.group
            # Tables that restart their numbering in each section need the
            # section number to tell rows apart.
            path = (number,) if section is None else (section.number, number)
            yield _Raw(number=number, path=path, section=section, group=group,
                       plan=row.plan, extent=(line.start, row.end),
                       completion=row.completion, leaders=row.leaders,
                       lead_units=row.lead_units, participating=row.participating)
            previous = number
        i = j


# --------------------------------------------------------------------------
# Outlines (items and prose)
# --------------------------------------------------------------------------

@dataclass(slots=True)
class _Block:
    id: int
    level: int
    number: int | None
    line: _Line
    title_start: int
    parent: _Block | None
    text_end: int
    extent_end: int
    children: int = 0
    closed: bool = False  # a label or non-prose line ended the text
    inline: bool = False  # labels written on the line of the task's text
    completion: tuple[int, int] | None = None
    labels: dict[str, str] = field(default_factory=dict)
    last_child_number: dict[int, int | None] = field(default_factory=dict)


def _section_suffix(lines: Sequence[_Line], lex: _Lexicon) -> str | None:
    """The ending shared by the numbered top headings (…牵头工作), if any.

    A heading that lost its number in the source (沈建立副区长牵头工作) is
    recognised by this ending.
    """
    tops = [ln.text[h.marker_end:] for ln in lines
            if (h := _heading(ln.text, lex)) is not None and h.level == 1]
    if len(tops) < 2:
        return None
    suffix = tops[0]
    for t in tops[1:]:
        n = 0
        while n < min(len(suffix), len(t)) and suffix[-1 - n] == t[-1 - n]:
            n += 1
        suffix = suffix[len(suffix) - n:]
    return suffix if len(suffix) >= 2 else None


_Labelled = tuple[_Line, regex.Match, str]  # piece, its label match, the label's role
_PIECE_ENDS = " ;,"  # separators between a labelled piece and the next label


def _label_pieces(line: _Line, lex: _Lexicon, offset: int = 0) -> tuple[int, list[_Labelled]]:
    """Where the unlabelled start of a line ends, and its labelled pieces.

    A bracketed run ((牵头单位:区发改局;配合单位:区财政局)) gives each label;
    otherwise every label that opens the line, from ``offset`` on, or follows
    a sentence or clause mark (新建学校。目标任务:新增学位3000个;完成情况:
    新增学位3260个) starts a piece that runs to the next label.
    """
    text = line.text
    spans: list[tuple[int, int]] = []
    bracketed = text.startswith("(") and text.endswith(")") and lex.label_re.match(text[1:])
    if bracketed:
        pos = 1
        for piece in text[1:-1].split(";"):
            stripped = piece.strip()
            if stripped:
                start = pos + piece.index(stripped)
                spans.append((start, start + len(stripped)))
            pos += len(piece) + 1
    else:
        starts = [offset + m.start() for m in lex.inline_label_re.finditer(text[offset:])]
        for k, start in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(text)
            spans.append((start, start + len(text[start:end].rstrip(_PIECE_ENDS))))
    pieces = []
    for start, end in spans:
        piece = _Line(line.start + start, line.start + end, text[start:end])
        m = lex.label_re.match(piece.text)
        if m is not None:
            pieces.append((piece, m, lex.labels[m.group("label")]))
    head_end = line.start if bracketed else pieces[0][0].start if pieces else line.end
    return head_end, pieces


def _keep_labels(block: _Block, labelled: Sequence[_Labelled], line: _Line,
                 inline: bool = False) -> None:
    """Record a task's labels (units, leaders, its completion cell); labels
    follow the task text, so later paragraphs are not part of it."""
    block.inline = block.inline or inline
    for piece, label, role in labelled:
        value = piece.text[label.end():]
        before = block.labels.get(role)
        block.labels[role] = value if before is None else f"{before}、{value}"
        if role == "completion" and value:
            block.completion = (piece.start + label.end(), piece.end)
    block.closed = True
    block.extent_end = line.end


def _plan_end(line: _Line, labelled: Sequence[_Labelled]) -> int:
    """The end of a line's plan text: before its first label that is not the
    plan's own (目标任务:新增学位3000个;完成情况:… ends at 个)."""
    told = next(piece.start for piece, _, role in labelled if role != "plan")
    return line.start + len(line.text[:told - line.start].rstrip(_PIECE_ENDS))


def _parse_outline(lines: Sequence[_Line], lex: _Lexicon) -> list[_Raw]:
    suffix = _section_suffix(lines, lex)
    blocks: list[_Block] = []
    stack: list[_Block] = []
    top_last: dict[int, int | None] = {}
    current: _Block | None = None

    def open_block(level: int, number: int | None, line: _Line, title_start: int) -> _Block:
        while stack and stack[-1].level >= level:
            stack.pop()
        parent = stack[-1] if stack else None
        if parent is not None:
            parent.children += 1
            parent.last_child_number[level] = number
        else:
            top_last[level] = number
        block = _Block(len(blocks), level, number, line, line.start + title_start,
                       parent, line.end, line.end)
        blocks.append(block)
        stack.append(block)
        return block

    for line in lines:
        heading = _heading(line.text, lex)
        if heading is not None:
            parent = next((b for b in reversed(stack) if b.level < heading.level), None)
            siblings = parent.last_child_number if parent is not None else top_last
            before = siblings.get(heading.level)
            # A number out of sequence is a sentence that starts with a
            # digit, not a new item.
            if before is None or heading.number in (before + 1, 1):
                current = open_block(heading.level, heading.number, line, heading.marker_end)
                # 1.新建学校。目标任务:…;完成情况:…: the item written on one line.
                _, labelled = _label_pieces(line, lex, heading.marker_end)
                if any(role != "plan" for _, _, role in labelled):
                    current.text_end = _plan_end(line, labelled)
                    _keep_labels(current, [x for x in labelled if x[2] != "plan"], line, inline=True)
                continue
        elif (suffix is not None and line.text.endswith(suffix) and _is_heading_like(line.text)
              and any(b.level == 1 for b in blocks)):
            current = open_block(1, None, line, 0)
            continue
        if current is None:
            continue
        head_end, labels = _label_pieces(line, lex)
        role = labels[0][2] if labels and head_end == line.start else None
        told = [x for x in labels if x[2] != "plan"]
        if labels and len(told) == len(labels) and head_end == line.start:
            _keep_labels(current, told, line)
        elif told and not current.closed and (
                role == "plan" or _is_prose(line.text[:head_end - line.start])):
            # The plan and its completion on one line (目标任务:…;完成情况:…).
            current.text_end = _plan_end(line, labels)
            _keep_labels(current, told, line, inline=True)
        elif _is_break(line.text, lex):
            current.closed = True
            current = None
        elif not current.closed and (role == "plan" or _is_prose(line.text)):
            current.text_end = line.end
            current.extent_end = line.end
        else:
            current.closed = True
            current = None

    raws = []
    for b in blocks:
        if b.children or b.level == 1 and b.parent is None and not b.labels:
            continue
        ancestors = []
        p = b.parent
        while p is not None:
            ancestors.append(p)
            p = p.parent
        ancestors.reverse()
        top = ancestors[0] if ancestors else None
        section = None if top is None else _section_ref(top.line, top.number, lex)
        group = _title(ancestors[-1].line.text, lex) if len(ancestors) >= 2 else None
        raw = _Raw(number=b.number, path=tuple(a.number for a in ancestors) + (b.number,),
                   section=section, group=group, plan=(b.title_start, b.text_end),
                   extent=(b.line.start, b.extent_end), completion=b.completion,
                   inline=b.inline, parent=b.parent.id if b.parent else None)
        _apply_labels(raw, b, lex)
        raws.append(raw)
    raws = _drop_closing(raws, blocks, lex)
    _backfill(raws)
    return raws


def _drop_closing(raws: list[_Raw], blocks: Sequence[_Block], lex: _Lexicon) -> list[_Raw]:
    """Without the items of a closing section (三、保障措施: (一)加强组织领导…),
    which say how the tasks are carried out; a closing section whose items
    name their own lead units holds tasks after all."""
    tops = [b for b in blocks if b.parent is None]
    if len(tops) < 2 or not any(w in tops[-1].line.text for w in lex.closing_sections):
        return raws
    title = _title(tops[-1].line.text, lex)
    inside = [r for r in raws if r.section is not None and r.section.title == title]
    if any(r.labelled for r in inside):
        return raws
    return [r for r in raws if not (r.section is not None and r.section.title == title)]


def _apply_labels(raw: _Raw, block: _Block, lex: _Lexicon) -> None:
    """Leaders and units from the block's labels, else from its ancestors."""
    own = block.labels
    raw.labelled = any(r in own for r in ("lead_unit", "responsible_unit"))
    b: _Block | None = block
    while b is not None:
        labels = b.labels
        if not raw.leaders and "leader" in labels:
            raw.leaders = _officials(labels["leader"], lex)
        if not raw.lead_units and not raw.responsible and (
                "lead_unit" in labels or "responsible_unit" in labels):
            raw.lead_units = _units(labels.get("lead_unit", ""), lex)
            raw.responsible = _units(labels.get("responsible_unit", ""), lex)
            raw.participating = _units(labels.get("participating", ""), lex)
        if not raw.section_leaders and lex.section_leader_re is not None:
            title = b.line.text[b.title_start - b.line.start:]
            stripped = lex.section_leader_re.sub("", title)
            if stripped != title:
                raw.section_leaders = _officials(stripped, lex)
        b = b.parent
    if raw.responsible:
        # 责任单位 leads only when no 牵头单位 is named.
        if raw.lead_units:
            raw.participating = raw.responsible + raw.participating
        else:
            raw.lead_units = raw.responsible
        raw.responsible = ()
    if not raw.leaders:
        raw.leaders = raw.section_leaders


def _backfill(raws: list[_Raw]) -> None:
    """Items with no unit label take the label that closes their run.

    A label after several items of one parent (items 1-4 of a section, then
    one 牵头单位 line) covers all of them, like a merged table cell; a label
    on the line of an item's own text (…;牵头单位:县住建局;完成情况:…) is
    that item's alone.
    """
    pending: list[_Raw] = []
    for raw in raws:
        if pending and pending[-1].parent != raw.parent:
            pending = []
        if raw.labelled:
            for p in [] if raw.inline else pending:
                p.lead_units, p.participating = raw.lead_units, raw.participating
                if not p.leaders:
                    p.leaders = raw.leaders
            pending = []
        elif not raw.lead_units:
            pending.append(raw)


# --------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------

def _span(norm: NormalizedText, span: tuple[int, int]) -> tuple[int, int]:
    return norm.to_original(*span)


def _key(raw: _Raw, text: str) -> tuple:
    return (raw.path, raw.section.title if raw.section else None, raw.group,
            text[raw.plan[0]:raw.plan[1]])


def _ids(raws: Sequence[_Raw], layout: Layout) -> list[str]:
    numbers = [r.number for r in raws]
    unique = None not in numbers and len(set(numbers)) == len(numbers)
    if layout == "table" and unique:
        ids = [f"r{n}" for n in numbers]
    elif unique:
        ids = [str(n) for n in numbers]
    else:
        ids = [".".join("0" if n is None else str(n) for n in r.path) for r in raws]
    seen: dict[str, int] = {}
    out = []
    for i in ids:
        seen[i] = seen.get(i, 0) + 1
        out.append(i if seen[i] == 1 else f"{i}~{seen[i]}")
    return out


def read_structure(norm: NormalizedText) -> Structure:
    """The layout, tasks and sections of the document in ``norm``."""
    text = norm.text
    lex = _lexicon()
    lines = _lines(text)
    raws = _parse_tables(lines, text, lex)
    layout: Layout = "table"
    if not raws:
        raws = _parse_outline(lines, lex)
        labelled = sum(r.labelled for r in raws)
        layout = "items" if raws and labelled >= _ITEMS_LABELLED_SHARE * len(raws) else "prose"

    first: dict[tuple, int] = {}
    copies: dict[int, int] = {}
    kept: list[_Raw] = []
    owner: list[int] = []  # index into kept for every raw
    for raw in raws:
        key = _key(raw, text)
        if key in first:
            idx = first[key]
            copies[idx] = copies.get(idx, 0) + 1
            owner.append(idx)
        else:
            first[key] = len(kept)
            owner.append(len(kept))
            kept.append(raw)
    ids = _ids(kept, layout)

    tasks = []
    for raw, task_id in zip(kept, ids):
        start, end = _span(norm, raw.plan)
        completion = _span(norm, raw.completion) if raw.completion else (None, None)
        tasks.append(Task(
            id=task_id, number=raw.number,
            section=raw.section.title if raw.section else None, group=raw.group,
            start=start, end=end, lead_officials=raw.leaders, lead_units=raw.lead_units,
            participating_units=raw.participating,
            completion_start=completion[0], completion_end=completion[1]))

    regions = []
    seen_copy: dict[int, int] = {}
    for raw, idx in zip(raws, owner):
        copy = seen_copy.get(idx, 0)
        seen_copy[idx] = copy + 1
        task_id = ids[idx]
        regions.append(Region(*_span(norm, raw.extent), task_id, "row", copy))
        regions.append(Region(*_span(norm, raw.plan), task_id, "plan", copy))
        if raw.completion:
            regions.append(Region(*_span(norm, raw.completion), task_id, "completion", copy))

    sections: dict[str, Section] = {}
    for raw in kept:
        ref = raw.section
        if ref is not None and ref.title not in sections:
            sections[ref.title] = Section(ref.title, ref.number,
                                          *_span(norm, (ref.start, ref.end)),
                                          raw.section_leaders)
    return Structure(layout=layout, tasks=tuple(tasks), sections=tuple(sections.values()),
                     regions=tuple(regions), source=norm.original)
