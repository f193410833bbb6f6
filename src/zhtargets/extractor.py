"""Text in, target records out: normalization → spans → context → records."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Iterable, Mapping

import regex

from .context import ContextRules, Reading
from .normalize import NormalizedText, normalize
from .records import Target, Targets
from .spans import Comparators, SpanFinder
from .units import Units

__all__ = ["Extractor", "default_extractor"]

# Normalizing and matching are linear, but offset arrays and match lists of a
# 50 MB string at once cost gigabytes; blocks cut at line breaks keep memory
# flat and never split a sentence that a rule could read.
_BLOCK = 200_000
# The bundled lexicons an Extractor can extend with files of the same format.
_EXTENSIBLE = frozenset({
    "unit_words.tsv", "classifiers.txt", "units.txt", "comparators.tsv", "non_targets.tsv",
    "boundaries.txt", "hedges.tsv", "kind_words.tsv", "indicator_trim.tsv",
    "money_words.txt", "per_words.tsv", "context_words.tsv",
})


class Extractor:
    """Finds quantitative targets; holds its own lexicons, registry and rules.

    Args:
        lexicons: extra lexicon files by the name of the bundled file they
            extend, e.g. ``{"classifiers.txt": ["my_classifiers.txt"],
            "unit_words.tsv": [...], "units.txt": [...]}`` (``units.txt``
            holds pint definitions).  Later entries override earlier ones.
    """

    def __init__(self, lexicons: Mapping[str, Iterable[str | Path]] | None = None):
        extra = {k: (v,) if isinstance(v, (str, Path)) else tuple(v)
                 for k, v in (lexicons or {}).items()}
        unknown = set(extra) - _EXTENSIBLE
        if unknown:
            raise ValueError(f"lexicons: no bundled lexicon named {sorted(unknown)}; "
                             f"extensible: {sorted(_EXTENSIBLE)}")
        self.units = Units(extra.get("unit_words.tsv", ()), extra.get("classifiers.txt", ()),
                           extra.get("units.txt", ()))
        self._finder = SpanFinder(self.units, Comparators.load(extra.get("comparators.tsv", ())))
        self._rules = ContextRules(extra)

    def extract(self, text: str) -> Targets:
        """Every quantitative target or reported result in ``text``, by start."""
        if not isinstance(text, str):
            raise TypeError(f"extract() needs str, not {type(text).__name__}; "
                            "decode bytes first (zhtargets.read_text reads files)")
        out = Targets()
        for offset, block in _blocks(text):
            out.extend(self._extract_block(block, offset))
        return out

    def readings(self, norm: NormalizedText) -> list[Reading]:
        """Context readings of the targets in already normalized text."""
        text = norm.text
        quoted = [m.span() for m in self._rules.quotes.finditer(text)]
        readings: list[Reading] = []
        previous = None
        for q in self._finder.find(text):
            if self._rules.glued_before_word(text, q):
                q = self._finder.without_before_word(q)
            if self._rules.rejects(text, q, quoted):
                continue
            r = self._rules.read(text, q, previous)
            readings.append(r)
            previous = r
        return _distribute(text, readings, self._rules)

    def _extract_block(self, block: str, offset: int) -> list[Target]:
        if not block.strip():
            return []
        norm = normalize(block)
        targets = []
        for r in self.readings(norm):
            start, end = norm.to_original(r.span.start, r.span.end)
            targets.append(self._target(r, block, start, end, offset))
        return targets

    def _target(self, r: Reading, block: str, start: int, end: int, offset: int) -> Target:
        q = r.span
        value = _number(q.value, r.sign)
        low, high = _number(q.low, r.sign), _number(q.high, r.sign)
        if low is not None and low > high:  # a falling range: 下降0.3-0.8% is -0.8…-0.3
            low, high = high, low
        magnitude = value if value is not None else (low + high) / 2 if low is not None else None
        return Target(
            start=start + offset, end=end + offset, text=block[start:end],
            value=value, low=low, high=high, unit=r.unit,
            quantity=self.units.quantity(magnitude, r.unit),
            classifier=r.classifier, per=r.per, comparator=r.comparator,
            comparator_word=r.comparator_word, hedge=r.hedge, kind=r.kind,
            indicator=r.indicator or None, year=r.year, role=r.role, rule=r.rule,
        )


@cache
def default_extractor() -> Extractor:
    """The Extractor ``zhtargets.extract`` uses: built on first call, then kept."""
    return Extractor()


def _number(value: Decimal | None, sign: int) -> float | None:
    if value is None:
        return None
    return float(value * sign)


def _blocks(text: str):
    if len(text) <= _BLOCK:
        yield 0, text
        return
    start = 0
    while start < len(text):
        end = min(len(text), start + _BLOCK)
        if end < len(text):
            cut = text.rfind("\n", start + _BLOCK // 2, end)
            end = cut + 1 if cut != -1 else end
        yield start, text[start:end]
        start = end


def _distribute(text: str, readings: list[Reading], rules: ContextRules) -> list[Reading]:
    """Apply 分别/各 lists: a trailing 以上 covers every item, subjects pair up.

    ``分别增长8%、15%以上`` gives both numbers ``>=``; ``A和B分别增长8%、15%``
    gives 8% to A and 15% to B.
    """
    out = list(readings)
    i = 0
    while i < len(out):
        j = i
        # Items of one list are separated by at most a joiner or a comma.
        while j + 1 < len(out) and len(gap := text[out[j].span.end:out[j + 1].span.lead_start].strip()) <= 1 \
                and (not gap or gap in rules.joiners or gap == ","):
            j += 1
        if j > i:
            clause_left = text[max(0, out[i].span.lead_start - 40):out[i].span.lead_start]
            cut = max(clause_left.rfind(c) for c in ",;。\n")
            if any(w in clause_left[cut + 1:] for w in rules.distributors):
                out[i:j + 1] = _spread(out[i:j + 1], rules)
        i = j + 1
    return out


def _spread(group: list[Reading], rules: ContextRules) -> list[Reading]:
    last = group[-1]
    if last.span.after_word:
        group = [r if r.span.after_word or r.span.low is not None else
                 replace(r, comparator=last.comparator, comparator_word=last.comparator_word)
                 for r in group]
    head = group[0].indicator
    for w in rules.distributors:
        head = head.replace(w, "")
    parts = [p for p in regex.split(f"[{regex.escape(rules.joiners)}]", rules.trim(head)) if p]
    if len(parts) == len(group):
        group = [replace(r, indicator=rules.trim(p)) for r, p in zip(group, parts)]
    return group
