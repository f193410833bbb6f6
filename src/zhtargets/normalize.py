"""Normalized text with a map back to the caller's characters.

Every analysis step reads ``NormalizedText.text``; every record reports offsets
into ``NormalizedText.original``.  Normalization only ever *replaces a character
by one character* or *deletes characters*, so between two deletions normalized
and original text run in step.  The map is therefore kept as runs: where each
run starts in the normalized text and how far the original is ahead there, plus
the few characters whose original end covers a deleted annotation attached to
them (``區(qū)`` maps back whole).  It costs a few bytes per deletion instead of
sixteen per character, which is what lets a 50 MB document be read at once.
"""
from __future__ import annotations

from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache

import regex

from ._lexicon import read_lines, read_table

__all__ = ["NormalizedText", "normalize"]

# Full-width ASCII block (！ to ～) sits 0xFEE0 above ASCII; ideographic and odd
# spaces become a plain space so later rules see one kind of blank.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDTH.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20,
               0x2009: 0x20, 0x200B: 0x20, 0xFEFF: 0x20})
# Replacing only the characters that change is several times faster than
# str.translate, which looks every character up in the table.
_WIDE = regex.compile("[\uff01-\uff5e\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff]")
_NARROW = {chr(c): chr(n) for c, n in _WIDTH.items()}
_HAN = r"\p{Han}"
_HAN_CHAR = regex.compile(_HAN)

# A pinyin reading in brackets right after a Han character is an artifact of a
# conversion tool (區(qū)).  Requiring a tone mark keeps real parentheses such as
# 車(飛)聯網 or (試行) or (km) untouched.
_PINYIN = regex.compile(
    rf"(?<={_HAN})\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ]{{1,7}}\)"
)
_SURROGATE = regex.compile("[\ud800-\udfff]")
# Spaces between Han characters are typesetting (冯 晶, 召 集 人).
_HAN_SPACE = regex.compile(rf"(?<={_HAN}) +(?={_HAN})")


@cache
def _continuation_guard():
    """Line starts that begin a new unit, never a continuation: the heading
    and list numbers of ``structure_headings.tsv`` (三、 （二） 1. （1）), a
    line that is only a number (a table cell), and the labels of
    ``line_starts.txt``.  The heading patterns are anchored at a line start
    (``^``); the guard is matched where a line's text begins, after any
    indentation a break left, so the anchor is dropped."""
    numbers = [pattern.removeprefix("^")
               for _, _, pattern in read_table("structure_headings.tsv", 3)]
    labels = "|".join(regex.escape(w) for w in read_lines("line_starts.txt"))
    return regex.compile("|".join(f"(?:{p})" for p in [*numbers, r"\d+\s*$", labels]))


@cache
def _part_words():
    return regex.compile("|".join(regex.escape(w) for w, _ in read_table("part_headings.tsv", 2)))


_PART_HEADING_MAX = 30  # a part heading is a short line
_LINE_BREAK = regex.compile(r"[ \t]*\n[\s]*")
_SENTENCE_END = set("。；;：:！!？?…”」』)】》")
_CLAUSE_MARK = set("，,、")
# Inside a line, a semicolon shows prose as a comma does: a review runs its
# figures together with them (增长7.2%;城镇新增就业…).
_PROSE_MARK = _CLAUSE_MARK | set("；;")
_MIN_WRAPPED_LINE = 12  # OCR columns are wide; short lines are titles or cells


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """``text`` is what rules read; :meth:`to_original` maps its spans back."""

    original: str
    text: str
    # Run i covers normalized positions run_starts[i] .. run_starts[i+1]-1,
    # whose original positions are shifts[i] further on.
    run_starts: array = field(repr=False)
    shifts: array = field(repr=False)
    # Original end of a character followed by a deleted annotation it owns.
    attached_ends: dict[int, int] = field(repr=False)

    def start_of(self, i: int) -> int:
        """Where normalized character ``i`` starts in the original."""
        return i + self.shifts[bisect_right(self.run_starts, i) - 1]

    def end_of(self, i: int) -> int:
        """Where normalized character ``i`` ends in the original."""
        end = self.attached_ends.get(i)
        return self.start_of(i) + 1 if end is None else end

    def to_normalized(self, offset: int) -> int:
        """The normalized position of original ``offset``: its character, or
        the one before the gap a deletion left (0 before the first)."""
        runs, shifts = self.run_starts, self.shifts
        r = bisect_right(range(len(runs)), offset, key=lambda i: runs[i] + shifts[i]) - 1
        if r < 0 or not self.text:
            return 0
        run_end = runs[r + 1] if r + 1 < len(runs) else len(self.text)
        return max(0, min(offset - shifts[r], run_end - 1))

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``text`` to a half-open span of ``original``."""
        if end <= start:
            pos = self.start_of(start) if start < len(self.text) else len(self.original)
            return pos, pos
        return self.start_of(start), self.end_of(end - 1)


def _identity(text: str, original: str) -> NormalizedText:
    return NormalizedText(original, text, array("q", [0]), array("q", [0]), {})


def _delete(norm: NormalizedText, spans: list[tuple[int, int]], attach: bool) -> NormalizedText:
    """``norm`` with ``spans`` (sorted, disjoint) of its text removed.

    With ``attach`` the removed characters belong to the character before them,
    whose original end grows to cover them.
    """
    if not spans:
        return norm
    text, n = norm.text, len(norm.text)
    pieces: list[str] = []
    run_starts, shifts = array("q"), array("q")
    attached = _carried_attachments(norm.attached_ends, spans)
    removed = pos = 0
    for s, e in [*spans, (n, n)]:
        if s > pos:
            pieces.append(text[pos:s])
            _keep_runs(norm, pos, s, removed, run_starts, shifts)
        if e > s:
            if attach and s - removed > 0:
                attached[s - removed - 1] = norm.end_of(e - 1)
            removed += e - s
        pos = e
    if not run_starts:  # everything was deleted
        run_starts.append(0)
        shifts.append(0)
    return NormalizedText(norm.original, "".join(pieces), run_starts, shifts, attached)


def _keep_runs(norm: NormalizedText, a: int, b: int, removed: int,
               run_starts: array, shifts: array) -> None:
    """Carry the runs over characters ``a`` .. ``b-1``, ``removed`` deleted before."""
    i = bisect_right(norm.run_starts, a) - 1
    while i < len(norm.run_starts) and norm.run_starts[i] < b:
        shift = norm.shifts[i] + removed
        if not shifts or shifts[-1] != shift:
            run_starts.append(max(norm.run_starts[i], a) - removed)
            shifts.append(shift)
        i += 1


def _carried_attachments(attached: dict[int, int], spans: list[tuple[int, int]]) -> dict[int, int]:
    """Attached ends of the characters that survive ``spans``, at their new places."""
    if not attached:
        return {}
    starts = [s for s, _ in spans]
    removed_through = []
    total = 0
    for s, e in spans:
        total += e - s
        removed_through.append(total)
    out = {}
    for k, end in attached.items():
        j = bisect_right(starts, k) - 1
        if j < 0:
            out[k] = end
        elif k >= spans[j][1]:
            out[k - removed_through[j]] = end
    return out


def _wrapped_breaks(text: str) -> list[tuple[int, int]]:
    """Line breaks that cut a sentence in two (OCR columns: ``一\\n\\n般债券``).

    A break is a wrap when the line before it is prose (long, with a clause
    mark, not ending a sentence) and the line after it does not start a new
    unit; table cells and headings fail one of these tests.
    """
    guard = _continuation_guard()
    out = []
    line_start = 0
    for m in _LINE_BREAK.finditer(text):
        line = text[line_start:m.start()]
        nxt = m.end()
        line_start = nxt
        # Cheap tests first: most lines are short or end a sentence.
        if (len(line) < _MIN_WRAPPED_LINE or line[-1] in _SENTENCE_END
                or line[-1] in _CLAUSE_MARK or nxt >= len(text) or not _HAN_CHAR.match(text, nxt)):
            continue
        # The 、 of a heading number (三、) is no clause mark of prose.
        marker = guard.match(line)
        body = line[marker.end():] if marker else line
        if (not _PROSE_MARK.isdisjoint(body) and not guard.match(text, nxt)
                and not _starts_part(text, nxt)):
            out.append((m.start(), m.end()))
    return out


def _starts_part(text: str, pos: int) -> bool:
    """A short unpunctuated line naming a document part (今年工作安排) is a
    heading of its own, never the end of the sentence before it."""
    end = text.find("\n", pos)
    line = text[pos:len(text) if end < 0 else end].strip()
    return (len(line) <= _PART_HEADING_MAX and not (_SENTENCE_END | _CLAUSE_MARK) & set(line)
            and _part_words().search(line) is not None)


def normalize(text: str) -> NormalizedText:
    """Normalize widths, script, annotations, spaces and wrapped lines of ``text``."""
    work = _WIDE.sub(lambda m: _NARROW[m.group()], text)
    norm = _delete(_identity(work, text), [m.span() for m in _PINYIN.finditer(work)], attach=True)
    norm = _identity_text(norm, _to_simplified(norm.text))
    norm = _delete(norm, [m.span() for m in _HAN_SPACE.finditer(norm.text)], attach=False)
    return _delete(norm, _wrapped_breaks(norm.text), attach=False)


def _identity_text(norm: NormalizedText, text: str) -> NormalizedText:
    """``norm`` with its text replaced character for character."""
    return NormalizedText(norm.original, text, norm.run_starts, norm.shifts, norm.attached_ends)


# OpenCC converts through UTF-8 byte copies of its whole input; lines taken a
# megabyte at a time keep those copies small for a long document.  Phrases
# never span a line break, so the cut changes nothing.
_CONVERT_CHUNK = 1 << 20


def _chunks(text: str):
    start = 0
    while start < len(text):
        end = min(len(text), start + _CONVERT_CHUNK)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        yield text[start:end]
        start = end


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _to_simplified(text: str) -> str:
    """Traditional to simplified, keeping length so the offset map stays valid."""
    if len(text) > _CONVERT_CHUNK:
        return "".join(map(_to_simplified, _chunks(text)))
    if text.isascii():
        return text
    try:
        out = _converter().convert(text)
    except UnicodeEncodeError:
        # A lone surrogate (from a broken decoder upstream) cannot go to
        # OpenCC; U+FFFD stands in for it, one character for one.
        text = _SURROGATE.sub("\ufffd", text)
        out = _converter().convert(text)
    if len(out) == len(text):
        return out
    # A phrase mapping changed the length somewhere: fall back to one
    # character at a time, which OpenCC maps one-to-one.
    conv = _converter().convert
    return "".join(c if len(s := conv(c)) != 1 else s for c in text)
