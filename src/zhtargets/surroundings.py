"""The words around a figure, for linking when no indicator name decides.

In a work report the indicator of a figure is often not the words just
before the number: it is the topic of the sentence or of the paragraph (a
first sentence naming a programme, then "the pilot is widened to 40 % of
counties"), the words after the number (special funds, subsidy funds), or
an anaphor pointing back to what the previous clauses describe.  This module
gives each record a bag of content words drawn from those places, each with
the weight of its place:

* its own clause (between commas), words on both sides of the number;
* the rest of its sentence, the words after the figure (what a sum is for)
  above those before it;
* the first sentence of its paragraph and the sentence before it, when they
  hold no figure of their own (the topic);
* the clauses an anaphor in its clause points back to (the earlier clauses of
  the sentence, or the previous sentence when the clause opens it), weighted
  almost as its own clause.

Words are jieba's (the shared cached segmenter), kept when they are at least
two Han characters and no time word; each is weighted by its rarity among
the figures compared, so generic budget words (central finance, arrange,
the unit) weigh little and the words of a programme much.
Two records are compared by the cosine of their weighted bags.
"""
from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import cache

import regex

from ._lexicon import read_lines, read_table
from ._segmenter import tokenizer
from .evidence import text_marks
from .records import Target

__all__ = ["Surroundings"]

# Weight of each place a word is read from (the maximum counts when a word
# appears in several).
_CLAUSE = 1.0
_ANAPHOR = 0.8
_SENTENCE = 0.5
# What a sum is for follows it in this genre (allocate X to support Y), so
# the words after the figure in its sentence weigh more than those before.
_AFTER = 0.7
_TOPIC = 0.4
# A sentence this long or longer is cut at this many characters on each side
# of the figure: a run-on paragraph without full stops is not one topic.
_REACH = 160
# A word around more than this share of the figures compared (and at least
# _COMMON_MIN of them) narrows nothing: it is left out of the candidate index.
_COMMON_SHARE = 0.2
_COMMON_MIN = 8
_CANDIDATES = 64

_HAN_WORD = regex.compile(r"\p{Han}{2,}")
_DIGIT = regex.compile(r"\d")
_LINE_END = regex.compile("\n")


@cache
def _time_words() -> frozenset[str]:
    return frozenset(w for w, *_ in read_table("period_words.tsv", 3))


@cache
def _anaphors() -> tuple[str, ...]:
    return read_lines("link_anaphors.txt")


class _Text:
    """One document's text with its sentence and clause boundaries."""

    def __init__(self, text: str):
        self.text = text
        sentence, clause = text_marks()
        self.sentence_ends = [m.start() for m in sentence.finditer(text)]
        self.clause_ends = sorted({*self.sentence_ends, *(m.start() for m in clause.finditer(text))})
        self.line_ends = [m.start() for m in _LINE_END.finditer(text)]
        self._words: dict[tuple[int, int], list[tuple[str, int]]] = {}

    def _around(self, ends: list[int], pos: int) -> tuple[int, int]:
        """The span between the mark before ``pos`` and the mark at or after it."""
        i = bisect_left(ends, pos)
        start = ends[i - 1] + 1 if i > 0 else 0
        end = ends[i] if i < len(ends) else len(self.text)
        return start, end

    def sentence(self, pos: int) -> tuple[int, int]:
        start, end = self._around(self.sentence_ends, pos)
        return max(start, pos - _REACH), min(end, pos + _REACH)

    def clause(self, pos: int) -> tuple[int, int]:
        return self._around(self.clause_ends, pos)

    def paragraph(self, pos: int) -> tuple[int, int]:
        return self._around(self.line_ends, pos)

    def words(self, span: tuple[int, int]) -> list[tuple[str, int]]:
        """Content words of ``text[span]`` with their offsets (segmented once)."""
        got = self._words.get(span)
        if got is None:
            times = _time_words()
            got = []
            # Search mode adds the words inside a compound (special funds
            # inside technical-renovation special funds), so compounds meet.
            pieces = tokenizer().tokenize(self.text[span[0]:span[1]], mode="search", HMM=False)
            for word, start, _end in pieces:
                if _HAN_WORD.fullmatch(word) and word not in times:
                    got.append((word, span[0] + start))
            self._words[span] = got
        return got


def _bag(doc: _Text, start: int, end: int) -> dict[str, float]:
    """Weighted words around the figure at ``text[start:end]``."""
    if not 0 <= start <= end <= len(doc.text):
        return {}  # a record of another text: nothing around it here
    s0, s1 = doc.sentence(start)
    c0, c1 = doc.clause(start)
    c1 = max(c1, end)
    bag: dict[str, float] = {}

    def add(word: str, weight: float) -> None:
        if bag.get(word, 0.0) < weight:
            bag[word] = weight

    sentence = doc.words((s0, s1))
    clause_text = doc.text[c0:c1]
    points_back = any(a in clause_text for a in _anaphors())
    for word, at in sentence:
        if c0 <= at < c1:
            weight = _CLAUSE
        elif points_back and at < c0:
            weight = _ANAPHOR
        elif at >= c1:
            weight = _AFTER
        else:
            weight = _SENTENCE
        add(word, weight)
    p0, _ = doc.paragraph(start)
    if p0 < s0:
        previous = doc.sentence(s0 - 1)
        # An anaphor opening the figure's sentence points to the sentence
        # before, whatever it holds.
        if points_back and c0 == s0:
            for word, _ in doc.words(previous):
                add(word, _ANAPHOR)
        # A topic states an aim and holds no figure of its own; a sentence
        # with figures is about other items.
        for span in {doc.sentence(p0), previous}:
            if not _DIGIT.search(doc.text, *span):
                for word, _ in doc.words(span):
                    add(word, _TOPIC)
    return bag


class Surroundings:
    """Context bags of the plans and results of one pair of texts, and their
    similarity weighted by each word's rarity among the figures compared."""

    def __init__(self, plan_text: str, plans: Sequence[Target],
                 report_text: str, results: Sequence[Target]):
        pdoc = _Text(plan_text)
        rdoc = pdoc if report_text is plan_text else _Text(report_text)
        self.plan_bags = [_bag(pdoc, t.start, t.end) for t in plans]
        self.result_bags = [_bag(rdoc, t.start, t.end) for t in results]
        # Rarity among the figures compared: a word around most of them
        # (central finance, arrange, the unit) tells none of them apart.
        df: Counter[str] = Counter()
        for bag in [*self.plan_bags, *self.result_bags]:
            df.update(bag.keys())
        n = len(self.plan_bags) + len(self.result_bags)
        self._idf = {w: math.log((n + 1) / (k + 0.5)) for w, k in df.items()}
        common = max(_COMMON_MIN, _COMMON_SHARE * n)
        self._rare = {w for w, k in df.items() if k <= common}
        self._index: dict[str, list[int]] = defaultdict(list)
        for i, bag in enumerate(self.result_bags):
            for w in bag:
                if w in self._rare:
                    self._index[w].append(i)
        self._norms = [self._norm(b) for b in self.result_bags]

    def _norm(self, bag: dict[str, float]) -> float:
        return math.sqrt(sum((v * self._idf.get(w, 0.0)) ** 2 for w, v in bag.items()))

    def candidates(self, plan: int) -> list[int]:
        """Results sharing rare words with the plan's surroundings: those
        sharing the most of them, at most _CANDIDATES, so that two long
        documents cost close to linear time."""
        hits = Counter(i for w in self.plan_bags[plan] if w in self._rare
                       for i in self._index.get(w, ()))
        return sorted(i for i, _ in hits.most_common(_CANDIDATES))

    def similarity(self, plan: int, result: int) -> float:
        """Cosine of the two weighted bags, in [0, 1]."""
        a, b = self.plan_bags[plan], self.result_bags[result]
        norm = self._norm(a) * self._norms[result]
        if not norm:
            return 0.0
        dot = sum(v * b[w] * self._idf.get(w, 0.0) ** 2 for w, v in a.items() if w in b)
        return dot / norm
