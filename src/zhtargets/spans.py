"""Find quantity expressions in normalized text and resolve their values.

A quantity expression is ``[before-word] number [余] [万/亿] [余] [unit] [after-word]``
or a range ``number[%] - number …``.  This module only finds and resolves them;
whether one is a target is decided by ``context`` rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

import regex

from ._lexicon import read_table
from ._patterns import compile_cached
from .numerals import NumberError, numeral_chars, numeral_value, numeral_words, parse_number
from .units import Units, UnitWord

__all__ = ["QuantitySpan", "SpanFinder", "Comparators"]

_AR = r"\d+(?:,\d{3})*(?:\.\d+)?"


@dataclass(frozen=True, slots=True)
class Comparators:
    """Comparator words of ``comparators.tsv`` by position."""

    before: dict[str, tuple[str, bool]]   # word -> (comparator, in surface)
    after: dict[str, str]
    approx: dict[str, str]
    range_words: dict[str, bool]          # separator -> needs a unit (至, 到)

    @classmethod
    def load(cls, extra=()) -> "Comparators":
        before, after, approx, range_words = {}, {}, {}, {}
        for name in ("comparators.tsv", *extra):
            for word, pos, comp, surface in read_table(name, 4):
                if pos == "before":
                    before[word] = (comp, surface == "yes")
                elif pos == "after":
                    after[word] = comp
                elif pos == "approx":
                    approx[word] = comp
                elif pos == "range":
                    range_words[word] = surface == "word"
        return cls(before, after, approx, range_words)


class QuantitySpan(NamedTuple):
    """A resolved quantity expression; offsets index the normalized text.

    A named tuple rather than a frozen dataclass: thousands are made per
    document, and a tuple is built in half the time.
    """

    lead_start: int       # first character of the whole match, 不少于 included
    start: int            # first character of the surface (a 达/超过 included)
    end: int
    num_start: int        # first character of the number itself
    unit_start: int       # where the unit word starts (or would start)
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    unit: UnitWord | None
    multiplied: bool      # a 万/亿 multiplier was written
    chinese: bool         # the number is written in Chinese numerals
    before_word: str | None
    before_comparator: str | None
    after_word: str | None
    approx_word: str | None
    per: str | None
    comparator: str


def _comparator(low, after: str | None, approx: str | None, before: str | None,
                comps: "Comparators") -> str:
    """An after-word decides over 余/多, which decide over a before-word."""
    if low is not None:
        return "range"
    if after:
        return comps.after[after]
    if approx:
        return comps.approx[approx]
    return comps.before[before][0] if before else "="


def _number_patterns() -> tuple[str, str, str]:
    """A Chinese numeral, a written number and the multiplier after it, from
    the numerals lexicon.

    The number is Chinese (一千二百, 五点五, 三万五千), Arabic, or sections of
    either joined by 万/亿 (3亿5千万, 2亿6000万, 五亿二千万): a section after a
    万/亿 starts with a digit, and an Arabic section takes a 千/百 only right
    before the next 万/亿 (so 5千米 stays 5 + 千米).  The trailing multiplier
    (万, 亿, 千万, 万亿) is left to its own slot; the value is read from number
    and multiplier together, so 亿 and 万 in one number are added, not chained.
    """
    digit, power = numeral_chars("digit"), numeral_chars("power")
    section, point = numeral_chars("section"), numeral_chars("point")
    zh = rf"[{digit}{power}]+(?:[{point}][{digit}]+)?"
    sections = rf"[{section}](?:{_AR}(?:[{power}](?=[{section}]))?|[{digit}][{digit}{power}]*)"
    # 万亿: two sections in a row, smaller first, are one multiplier.
    ordered = sorted(section, key=numeral_value)
    stacked = "|".join(a + b for i, a in enumerate(ordered) for b in ordered[i + 1:])
    mult = rf"{stacked}|[{power}]?[{section}]" if stacked else rf"[{power}]?[{section}]"
    return zh, rf"(?:{_AR}|{zh})(?:{sections})*", mult


def _alternation(words) -> str:
    return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))


class SpanFinder:
    """Compiles one pattern from the unit and comparator lexicons."""

    def __init__(self, units: Units, comparators: Comparators):
        self.units = units
        self.comparators = comparators
        before = _alternation(comparators.before)
        after = _alternation(comparators.after)
        approx = _alternation(comparators.approx)
        sep = _alternation(comparators.range_words)
        percent_before = _alternation(numeral_words("percent_before")) or "(?!)"
        unit = _alternation(units.words)
        zh, number, mult = _number_patterns()
        # A blank may stand between a number and its multiplier: scraped text
        # spaces 39.8 万亿元.
        self.pattern = compile_cached(
            rf"""
            (?P<before>{before})?
            (?<![\d.A-Za-z])
            (?:
                (?P<pb>{percent_before})(?P<pct>{zh})
              | (?P<n1>{number})(?:(?P<u1>%)?(?P<sep>{sep})(?P<n2>{number}))?
            )
            (?P<ap1>{approx})?
            (?:[^\S\n]?(?P<mult>{mult}))?
            (?P<ap2>{approx})?
            (?P<unit>{unit})?
            (?P<per>(?:/(?:[\p{{Han}}]{{1,4}}|[a-z]{{1,3}}))*)
            (?P<after>{after})?
            """,
            regex.VERBOSE,
        )
        order = sorted(self.pattern.groupindex, key=self.pattern.groupindex.get)
        if tuple(order) != _GROUPS or self.pattern.groups != len(_GROUPS):
            raise AssertionError(f"span pattern groups {order} are not {_GROUPS}")

    def find(self, text: str):
        """Yield every quantity expression in ``text``."""
        for m in self.pattern.finditer(text):
            g = m.groups()
            # Checked before resolving: most matches are bare numbers (years,
            # item numbers), never quantities.
            if g[_UNIT] or g[_MULT] or g[_AFTER] or g[_PCT]:
                span = self._resolve(m, g)
                if span is not None:
                    yield span

    def without_before_word(self, q: QuantitySpan) -> QuantitySpan:
        """``q`` read as if its before-word belonged to the preceding word."""
        return q._replace(lead_start=q.num_start, start=q.num_start, before_word=None,
                          before_comparator=None,
                          comparator=_comparator(q.low, q.after_word, q.approx_word, None, self.comparators))

    def _resolve(self, m, g: tuple) -> QuantitySpan | None:
        # Groups by number: a match's group dict costs more than all the rest.
        before, _, pct, n1, u1, sep, n2, ap1, mult, ap2, unit_word, per, after = g
        unit = self.units.words.get(unit_word) if unit_word else None
        if pct:
            unit = self.units.words["%"]
        elif u1 and unit is None:
            # 5%-6 is not a range of percent unless the second number has it too.
            return None
        try:
            if pct:
                (first, chinese), second = _number(pct), None
            else:
                first, chinese = _number(n1 + mult if mult else n1)
                second = _number(n2 + mult if mult else n2)[0] if n2 else None
        except NumberError:
            return None
        if second is not None and unit is None and self.comparators.range_words[sep]:
            return None
        before_comp, in_surface = self.comparators.before[before] if before else (None, True)
        num_start = m.start(_PB + 1) if pct else m.start(_N1 + 1)
        lead_start = m.start()
        start = lead_start if before and in_surface else num_start
        # The per group always takes part (maybe empty) right after the unit slot.
        per_start = m.start(_PER + 1)
        unit_start = m.start(_UNIT + 1) if unit_word else per_start
        # Without a unit a slash belongs to something else (dates, codes).
        end = m.end() if unit or not per else per_start
        approx = ap1 or ap2
        low = high = None
        value = first
        if second is not None:
            low, high, value = first, second, None
        return QuantitySpan(
            lead_start, start, end, num_start, unit_start, value, low, high, unit, bool(mult),
            chinese, before, before_comp, after, approx,
            (per.lstrip("/") or None) if unit else None,
            _comparator(low, after, approx, before, self.comparators),
        )


# The pattern's groups in order, so a match's groups() unpack by position.
_GROUPS = ("before", "pb", "pct", "n1", "u1", "sep", "n2", "ap1", "mult", "ap2", "unit", "per", "after")
_PB, _PCT, _N1, _MULT, _UNIT, _PER, _AFTER = map(
    _GROUPS.index, ("pb", "pct", "n1", "mult", "unit", "per", "after"))


@lru_cache(maxsize=1 << 14)
def _number(written: str) -> tuple[Decimal, bool]:
    """The value of a written number and whether it is in Chinese numerals;
    the same few thousand numbers recur through a corpus."""
    return parse_number(written), not any("0" <= c <= "9" for c in written)
