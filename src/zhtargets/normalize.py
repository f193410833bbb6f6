"""Normalized text with a map back to the caller's characters.

Every analysis step reads ``NormalizedText.text``; every record reports offsets
into ``NormalizedText.original``.  Normalization only ever *replaces a character
by one character* or *deletes characters*, so the map is two arrays: for each
normalized character, where it starts in the original and where it ends there
(its end covers a deleted annotation attached to it, so ``區(qū)`` maps back whole).
"""
from __future__ import annotations

from array import array
from dataclasses import dataclass
from functools import cache

import regex

from ._lexicon import read_lines, read_table

__all__ = ["NormalizedText", "normalize"]

# Full-width ASCII block (！ to ～) sits 0xFEE0 above ASCII; ideographic and odd
# spaces become a plain space so later rules see one kind of blank.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDTH.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20,
               0x2009: 0x20, 0x200B: 0x20, 0xFEFF: 0x20})
_HAN = r"\p{Han}"

# A pinyin reading in brackets right after a Han character is an artifact of a
# conversion tool (區(qū)).  Requiring a tone mark keeps real parentheses such as
# 車(飛)聯網 or (試行) or (km) untouched.
_PINYIN = regex.compile(
    rf"(?<={_HAN})\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ]{{1,7}}\)"
)
# Spaces between Han characters are typesetting (冯 晶, 召 集 人).
_SURROGATE = regex.compile("[\ud800-\udfff]")
_HAN_SPACE = regex.compile(rf"(?<={_HAN}) +(?={_HAN})")


@cache
def _continuation_guard():
    """Line starts that begin a new unit (list numbers, labels), never a continuation."""
    labels = "|".join(regex.escape(w) for w in read_lines("line_starts.txt"))
    return regex.compile(
        rf"(?:\d+\s*[.、．]|\d+\s*$|[一二三四五六七八九十]+、|\(\s*[一二三四五六七八九十\d]+\s*\)|{labels})"
    )


@cache
def _part_words():
    return regex.compile("|".join(regex.escape(w) for w, _ in read_table("part_headings.tsv", 2)))


_PART_HEADING_MAX = 30  # a part heading is a short line
_LINE_BREAK = regex.compile(r"[ \t]*\n[\s]*")
_SENTENCE_END = set("。；;：:！!？?…”」』)】》")
_CLAUSE_MARK = set("，,、")
_MIN_WRAPPED_LINE = 12  # OCR columns are wide; short lines are titles or cells


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """``text`` is what rules read; ``starts``/``ends`` map each of its characters back."""

    original: str
    text: str
    starts: array
    ends: array

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``text`` to a half-open span of ``original``."""
        if end <= start:
            pos = self.starts[start] if start < len(self.text) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def _delete(text: str, starts: array, ends: array, spans, attach: bool):
    """Remove ``spans`` (sorted, disjoint) from ``text``.

    With ``attach`` the removed characters belong to the character before them,
    whose original end grows to cover them.
    """
    if not spans:
        return text, starts, ends
    pieces, new_starts, new_ends = [], array("q"), array("q")
    pos = 0
    for s, e in spans:
        pieces.append(text[pos:s])
        new_starts.extend(starts[pos:s])
        new_ends.extend(ends[pos:s])
        if attach and new_ends:
            new_ends[-1] = ends[e - 1]
        pos = e
    pieces.append(text[pos:])
    new_starts.extend(starts[pos:])
    new_ends.extend(ends[pos:])
    return "".join(pieces), new_starts, new_ends


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
        # The 、 of a heading number (三、) is no clause mark of prose.
        marker = guard.match(line)
        body = line[marker.end():] if marker else line
        nxt = m.end()
        line_start = nxt
        if (len(line) >= _MIN_WRAPPED_LINE and line[-1] not in _SENTENCE_END
                and line[-1] not in _CLAUSE_MARK
                and any(c in _CLAUSE_MARK for c in body)
                and nxt < len(text) and regex.match(_HAN, text[nxt])
                and not guard.match(text, nxt) and not _starts_part(text, nxt)):
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
    n = len(text)
    starts = array("q", range(n))
    ends = array("q", range(1, n + 1))
    work = text.translate(_WIDTH)
    work, starts, ends = _delete(work, starts, ends,
                                 [m.span() for m in _PINYIN.finditer(work)], attach=True)
    work = _to_simplified(work)
    work, starts, ends = _delete(work, starts, ends,
                                 [m.span() for m in _HAN_SPACE.finditer(work)], attach=False)
    work, starts, ends = _delete(work, starts, ends, _wrapped_breaks(work), attach=False)
    return NormalizedText(text, work, starts, ends)


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _to_simplified(text: str) -> str:
    """Traditional to simplified, keeping length so the offset map stays valid."""
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
