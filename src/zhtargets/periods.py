"""Times named in a text: years, year ranges, relative years, five-year plans.

A government document places its numbers in time in three ways: a year or a
period written in the sentence (2023年, 到2025年, “十四五”时期, 今年), one written
in a heading above it, or none at all, when the part of the document it sits
in says it (a review of the past year).  This module finds the written ones;
:mod:`zhtargets.parts` and :mod:`zhtargets.document` place them.

All the words live in ``lexicons/``: ``period_words.tsv`` (去年, 过去五年),
``five_year_plans.tsv`` with ``five_year_plan_after.txt``, ``aggregate_words.tsv``
(年均, 累计), the digits of ``numerals.tsv`` (二〇二四年), and the
``year_base`` class of ``context_words.tsv`` (比2002年).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from ._lexicon import LexiconError, read_lines, read_table
from .numerals import numeral_chars, numeral_value

__all__ = ["Mention", "mentions", "aggregate_before", "sentence_start", "clause_start", "is_date"]


@dataclass(frozen=True, slots=True)
class Mention:
    """A time written in the text (normalized offsets).

    ``first``/``last`` are years; ``None`` for a relative word when the
    document's year is unknown; a time followed by 以来 (``since``) runs to
    the year before the document's.  ``shift`` is a relative word's years counted
    from the document's year (去年 → ``(-1, -1)``).  ``until`` marks 到2025年 (a deadline: the
    period runs up to it); ``base`` marks the base of a comparison (比2002年).
    """

    start: int
    end: int
    first: int | None
    last: int | None
    until: bool = False
    base: bool = False
    shift: tuple[int, int] | None = None
    since: bool = False


@dataclass(frozen=True, slots=True)
class _Lexicon:
    pattern: regex.Pattern
    relative: dict[str, tuple[int, int]]
    plans: dict[str, tuple[int, int]]
    digits: dict[str, int]
    bases: tuple[str, ...]
    untils: tuple[str, ...]
    until_verbs: tuple[str, ...]
    sinces: tuple[str, ...]
    aggregates: dict[str, str]
    date_re: regex.Pattern
    aggregate_re: regex.Pattern
    sentence_ends: frozenset[str]
    clause_ends: frozenset[str]


def _alternation(words) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True)) or "(?!)"


@cache
def _lexicon() -> _Lexicon:
    try:
        relative = {w: (int(a), int(b)) for w, a, b in read_table("period_words.tsv", 3)}
        plans = {w: (int(a), int(b)) for w, a, b in read_table("five_year_plans.tsv", 3)}
    except ValueError as exc:
        raise LexiconError(f"period_words.tsv / five_year_plans.tsv: {exc}") from exc
    digits = {c: int(numeral_value(c)) for c in numeral_chars("digit")}
    words: dict[str, list[str]] = {}
    for cls, word in read_table("context_words.tsv", 2):
        words.setdefault(cls, []).append(word)
    after = _alternation(read_lines("five_year_plan_after.txt"))
    digit_class = "[" + "".join(regex.escape(c) for c in digits) + "]"
    numeral_class = "[" + regex.escape(numeral_chars("digit") + numeral_chars("power")) + "]"
    year = rf"(?:(?<!\d)(?:19|20)\d\d|(?<!{digit_class}){digit_class}{{4}})"
    suffix = _alternation(words.get("year_suffix", ()))
    dash = _alternation(words.get("year_range", ()))
    plan_names = _alternation(plans)
    pattern = regex.compile(
        rf"(?P<range>(?P<y1>{year})\s*(?:{dash})\s*(?P<y2>{year})(?:{suffix}))"
        rf"|(?P<year>{year})(?:{suffix})"
        rf"|“(?P<plan>{plan_names})”|(?P<plan2>{plan_names})(?=\s*(?:{after}))"
        rf"|(?P<rel>{_alternation(relative)})")
    aggregates = dict(read_table("aggregate_words.tsv", 2))
    ends = set(words.get("year_end", ())) | {"\n"}
    return _Lexicon(
        pattern=pattern, relative=relative, plans=plans, digits=digits,
        bases=tuple(words.get("year_base", ())), untils=tuple(words.get("year_until", ())),
        until_verbs=tuple(words.get("year_until_verb", ())),
        sinces=tuple(words.get("year_since", ())),
        aggregates=aggregates,
        date_re=regex.compile(rf"\s*(?:\d{{1,2}}|{numeral_class}{{1,3}})\s*(?:{_alternation(words.get('month_suffix', ()))})"),
        aggregate_re=regex.compile(_alternation(aggregates)),
        sentence_ends=frozenset(ends),
        clause_ends=frozenset(ends | set(words.get("sentence_end", ())) | set(read_lines("boundaries.txt"))),
    )


def _year_value(text: str, lex: _Lexicon) -> int:
    if text.isdigit() and text.isascii():
        return int(text)
    return int("".join(str(lex.digits[c]) for c in text))


def mentions(text: str, lo: int = 0, hi: int | None = None,
             year: int | None = None) -> list[Mention]:
    """The times written in ``text[lo:hi]``; relative words count from ``year``."""
    lex = _lexicon()
    hi = len(text) if hi is None else hi
    out = []
    for m in lex.pattern.finditer(text, lo, hi):
        shift = None
        if m.group("range"):
            first, last = _year_value(m.group("y1"), lex), _year_value(m.group("y2"), lex)
        elif m.group("year"):
            first = last = _year_value(m.group("year"), lex)
        elif m.group("rel"):
            a, b = shift = lex.relative[m.group("rel")]
            first, last = (None, None) if year is None else (year + a, year + b)
        else:
            first, last = lex.plans[m.group("plan") or m.group("plan2")]
        before = text[max(0, m.start() - 2):m.start()]
        to = next((u for u in lex.untils if before.endswith(u)), "")
        # After a verb of change the "to" belongs to the verb (increased to
        # last year's figure): the value was reached that year, no deadline.
        lead = text[max(0, m.start() - len(to) - 8):m.start() - len(to)]
        until = bool(to) and not (lex.until_verbs and lead.endswith(lex.until_verbs))
        since = text.startswith(lex.sinces, m.end()) if lex.sinces else False
        if since:
            last = year - 1 if year is not None else None
            shift = (shift[0], -1) if shift is not None else None
        out.append(Mention(m.start(), m.end(), first, last, since=since,
                           until=until,
                           base=before.endswith(lex.bases) if lex.bases else False, shift=shift))
    return out


def is_date(text: str, pos: int) -> bool:
    """Whether a month follows ``pos``, the end of a year (2024年2月, 二〇二五年一月)."""
    return _lexicon().date_re.match(text, pos) is not None


def _back_to(text: str, pos: int, stops: frozenset[str]) -> int:
    i = pos
    while i > 0 and text[i - 1] not in stops:
        i -= 1
    return i


def sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding ``pos`` starts (a line break ends one too)."""
    return _back_to(text, pos, _lexicon().sentence_ends)


def clause_start(text: str, pos: int) -> int:
    """Where the clause holding ``pos`` starts (between , ; 。 and line breaks)."""
    return _back_to(text, pos, _lexicon().clause_ends)


def aggregate_before(text: str, pos: int) -> str | None:
    """``average`` or ``cumulative`` when a word of ``aggregate_words.tsv`` sits
    in the clause before ``pos`` (年均增长10.6%, 累计完成17.2万亿元)."""
    lex = _lexicon()
    hits = list(lex.aggregate_re.finditer(text, clause_start(text, pos), pos))
    return lex.aggregates[hits[-1].group()] if hits else None
