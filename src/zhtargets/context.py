"""Rules that read a quantity's surroundings.

Given a ``QuantitySpan`` in normalized text, these rules decide whether it is
a target at all (not a date, ordinal, name, category qualifier …) and fill in
what the record needs from context: unit resolution for bare 万/亿 and 方,
comparator distribution over lists, indicator, kind, year, role and hedge.
All words come from ``lexicons/``; this module holds only the logic.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Iterable

import regex

from ._lexicon import read_lines, read_table
from .spans import QuantitySpan
from .units import UnitWord

__all__ = ["ContextRules", "Reading"]

_SENTENCE_END = "。;!?\n"
# The second year of a period (2023-2027年, 2023至2027年) is no single year.
_YEAR = regex.compile(r"(?<![\d.])(?<!\d[-~至到])((?:19|20)\d\d)年(?![\d])")
_HAN = regex.compile(r"\p{Han}")
_WINDOW = 120  # how far back a clause or sentence is searched
# List commas and brackets separate the parts of one clause: 增长5.5%左右(确保5%以上).
_IN_CLAUSE = frozenset("、()")


@dataclass(frozen=True, slots=True)
class Reading:
    """What context says about one quantity (normalized-text offsets)."""

    span: QuantitySpan
    unit: str
    classifier: str | None
    per: str | None
    comparator: str
    comparator_word: str | None
    hedge: str | None
    kind: str
    sign: int
    indicator: str
    year: int | None
    role: str | None
    rule: str


def _longest_first(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=len, reverse=True))


class ContextRules:
    """Lexicon-driven context rules; one instance per extractor."""

    def __init__(self, extra: dict[str, Iterable[str | Path]] | None = None):
        extra = extra or {}

        def table(name, cols):
            return [row for f in (name, *extra.get(name, ())) for row in read_table(f, cols)]

        def lines(name):
            return [w for f in (name, *extra.get(name, ())) for w in read_lines(f)]

        nt: dict[str, list[str]] = {}
        for test, word in table("non_targets.tsv", 2):
            nt.setdefault(test, []).append(word)
        self.not_before = _longest_first(nt.get("before", ()))
        self.not_after = _longest_first(nt.get("after", ()))
        self.weak_units = frozenset(nt.get("weak_unit", ()))
        self.qualifier_dims = frozenset(nt.get("qualifier_unit", ()))
        self.date_units = frozenset(nt.get("date_unit", ()))
        self.scope_verbs = _longest_first(nt.get("scope_verb", ()))
        self.frequency_units = frozenset(nt.get("frequency_unit", ()))
        self.boundaries = frozenset(lines("boundaries.txt")) | {"\n"}
        self.hedges = {w: role for w, role in table("hedges.tsv", 2)}
        self.hedge_words = _longest_first(self.hedges)
        kinds = {w: (k, int(s)) for w, k, s in table("kind_words.tsv", 3)}
        self.change_words = _longest_first(w for w, (k, _) in kinds.items() if k == "change")
        self.level_words = _longest_first(w for w, (k, _) in kinds.items() if k == "level")
        self.stock_words = _longest_first(w for w, (k, _) in kinds.items() if k == "stock")
        self.flow_words = _longest_first(w for w, (k, _) in kinds.items() if k == "amount")
        self.stock_classifiers = frozenset(w for w, (k, _) in kinds.items() if k == "stock_classifier")
        self.kinds = kinds
        trims = table("indicator_trim.tsv", 2)
        self.trim_lead = _longest_first(w for end, w in trims if end == "lead")
        self.trim_trail = _longest_first(w for end, w in trims if end == "trail")
        self.money_words = _longest_first(lines("money_words.txt"))
        self.per_words = sorted(table("per_words.tsv", 2), key=lambda r: -len(r[0]))
        self._jieba = None  # a private segmenter, built only when needed
        self.quotes = regex.compile(r"“[^“”\n]{0,16}”|《[^《》\n]{0,40}》|\"[^\"\n]{0,16}\"")

    # -- boundaries -------------------------------------------------------

    def _segment_start(self, text: str, pos: int, stops: frozenset[str] | str) -> int:
        lo = max(0, pos - _WINDOW)
        i = pos - 1
        while i >= lo and text[i] not in stops:
            i -= 1
        return i + 1

    def _segment_end(self, text: str, pos: int, stops: frozenset[str] | str) -> int:
        hi = min(len(text), pos + _WINDOW)
        i = pos
        while i < hi and text[i] not in stops:
            i += 1
        return i

    # -- is it a target at all? ----------------------------------------

    def rejects(self, text: str, q: QuantitySpan, quoted: list[tuple[int, int]]) -> str | None:
        """Why ``q`` is not a target (a short reason), or ``None`` when it may be."""
        before = text[max(0, q.num_start - 4):q.num_start]
        if q.before_word is None and before.endswith(self.not_before):
            return "ordinal or stretch of time"
        # With a unit, only the unit's own word can be a name (12部门); 6个大运河
        # is a count of something named 大运河.
        if text.startswith(self.not_after, q.unit_start) or (
                q.unit is None and text.startswith(self.not_after, q.end)):
            return "identifier or name"
        lead = text[max(0, q.lead_start - 6):q.lead_start]
        if lead.endswith(self.scope_verbs):
            return "scope of an action, not a deliverable"
        prev = text[q.num_start - 1] if q.num_start else " "
        nxt = text[q.end] if q.end < len(text) else " "
        if prev in "+×*/#" or nxt in "+×*#" or (nxt.isascii() and nxt.isalpha()):
            return "identifier or formula"
        if any(s <= q.num_start and q.end <= e for s, e in quoted):
            return "inside quotes: a name"
        if q.chinese and not q.before_word and not q.approx_word and (
                q.unit is None or q.value is not None and q.value < 100):
            # Official prose writes counts in Arabic digits; bare Chinese numerals
            # below a hundred are names and rhetoric (两个确立, 十大攀登行动, 红十字会).
            return "Chinese numeral in a name or fixed phrase"
        if q.chinese and q.unit is not None and q.unit.dimension != "count" and _HAN.match(
                text[q.end:q.end + 1] or " "):
            return "Chinese numeral naming a programme (千万亩森林)"
        unit = q.unit
        if unit is not None and unit.word in self.frequency_units and regex.search(
                r"每(?:年|季度|季|月|周|日|天)", text[max(0, q.lead_start - 12):q.lead_start]):
            return "a frequency of a procedure"
        if unit is None:
            if self._qualifies_noun(text, q):
                return "qualifier of a category"
            return None if q.multiplied or self._bare_ratio(text, q) else "no unit"
        integral = q.value is not None and q.value == q.value.to_integral_value() and "." not in text[q.num_start:q.unit_start]
        if unit.word in self.date_units and integral and q.value is not None and 1900 <= q.value <= 2100:
            return "a year"
        if unit.word in self.date_units and q.low is not None and 1900 <= q.low <= 2100:
            return "a period of years"
        if unit.word in self.weak_units and integral and not (q.before_word or q.after_word or q.approx_word):
            return "a duration, not a target"
        if self._qualifies_noun(text, q):
            return "qualifier of a category"
        return None

    def _bare_ratio(self, text: str, q: QuantitySpan) -> bool:
        """A unitless decimal with a bound (倍差缩小到1.58以内) is a ratio target."""
        return bool(q.after_word) and "." in text[q.num_start:q.end] and q.low is None

    def _qualifies_noun(self, text: str, q: QuantitySpan) -> bool:
        # A bare 万/亿 before a noun reads as money (营收100万以下薄弱村).
        dim = q.unit.dimension if q.unit else ("money" if q.multiplied else None)
        if dim not in self.qualifier_dims:
            return False
        nxt = text[q.end] if q.end < len(text) else ""
        if not _HAN.match(nxt or " "):
            return False
        if dim == "time":
            return True
        bounded = q.after_word in ("以上", "以下", "及以上", "及以下") or q.before_word in ("超", "超过")
        return bounded

    # -- reading ----------------------------------------------------------

    def read(self, text: str, q: QuantitySpan, previous: Reading | None) -> Reading:
        """Fill the record fields of a quantity already accepted as a target."""
        seg_start = self._segment_start(text, q.lead_start, self.boundaries)
        clause_start = self._segment_start(text, q.lead_start, self.boundaries - _IN_CLAUSE)
        sent_start = self._segment_start(text, q.lead_start, _SENTENCE_END)
        same_clause = previous is not None and previous.span.end >= clause_start
        same_sentence = previous is not None and previous.span.end >= sent_start
        if same_clause:
            # 出让工业用地4宗148亩: the second number's phrase starts after the first.
            seg_start = max(seg_start, previous.span.end)
        left = text[seg_start:q.lead_start]
        clause_left = text[clause_start:q.lead_start]
        unit, classifier = self._unit(text, q, clause_left, previous if same_sentence else None)
        hedge, role = self._hedge(clause_left)
        kind, sign = self._kind(text, q, unit, left, clause_left,
                                previous if same_clause and not self.trim(left) else None)
        indicator = self._indicator(text, q, left, unit,
                                    previous if same_sentence else None)
        comparator_word = q.after_word or q.approx_word or q.before_word
        return Reading(
            span=q, unit=unit, classifier=classifier, per=q.per or self._per(clause_left + indicator),
            comparator=q.comparator, comparator_word=comparator_word, hedge=hedge,
            kind=kind, sign=sign, indicator=indicator, year=self._year(text, q, sent_start),
            role=role, rule=self._rule(q, unit),
        )

    def _rule(self, q: QuantitySpan, unit: str) -> str:
        if q.low is not None:
            return "range"
        if q.unit is None:
            return "bare-multiplier" if q.multiplied else "bare-ratio"
        return "chinese-numeral" if q.chinese else f"number-{q.unit.dimension}"

    def _unit(self, text: str, q: QuantitySpan, clause_left: str,
              previous: Reading | None) -> tuple[str, str | None]:
        if q.unit is None:
            if not q.multiplied:
                return "dimensionless", None
            around = clause_left[-20:] + text[q.end:q.end + 4]
            if any(w in around for w in self.money_words) or (previous and previous.unit == "yuan"):
                return "yuan", None
            return "count", None
        if q.unit.word == "方":
            # 万方 of green space or floor space is 万平方米; of earth or water, m³.
            window = clause_left[-20:] + text[q.end:q.end + 6]
            return ("m**2" if regex.search("面积|空间|绿|地|楼|厂房|建筑|房", window) else "m**3"), None
        if q.unit.unit == "count":
            return "count", q.unit.word
        return q.unit.unit, None

    def glued_before_word(self, text: str, q: QuantitySpan) -> bool:
        """Whether a one-character comparator (约, 超, 近) is really the end of
        a word (签约, 赶超, 最近); jieba's segmentation of the few characters
        before the number decides."""
        if not q.before_word or len(q.before_word) > 1 or q.lead_start == 0 \
                or not _HAN.match(text[q.lead_start - 1]):
            return False
        lo = max(0, q.lead_start - 4)
        # Dictionary words only: HMM guesses glue 率约 or 数超 into new words.
        for _word, start, end in self._tokenizer().tokenize(text[lo:q.num_start], HMM=False):
            if start <= q.lead_start - lo < end and start < q.lead_start - lo:
                return True
        return False

    def _tokenizer(self):
        if self._jieba is None:
            import jieba

            tk = jieba.Tokenizer()
            tk.initialize()
            self._jieba = tk
        return self._jieba

    def _hedge(self, sentence_left: str) -> tuple[str | None, str | None]:
        best, best_pos = None, -1
        for w in self.hedge_words:
            pos = sentence_left.rfind(w)
            if pos > best_pos:
                best, best_pos = w, pos
        if best is None:
            return None, None
        role = self.hedges[best]
        return best, (role if role in ("plan", "actual") else None)

    def _kind(self, text: str, q: QuantitySpan, unit: str, left: str, clause_left: str,
              previous: Reading | None) -> tuple[str, int]:
        tail = left.rstrip()
        if unit in ("percent", "percentage_point"):
            if previous is not None and previous.kind == "change":
                return "change", previous.sign
            for w in self.level_words:
                if tail.endswith(w) and self.kinds[w][0] == "level" and len(w) > 1 or tail.endswith(("至", "到", "为", "在")):
                    return "level", 1
            for w in self.change_words:
                if tail.endswith(w):
                    return "change", self.kinds[w][1]
            right = text[q.end:self._segment_end(text, q.end, "。;,\n")]
            for w in self.change_words:
                if w in right[:12] and "率" not in right[:right.find(w)]:
                    return "change", self.kinds[w][1]
            return "level", 1
        if unit == "ug/m**3" or q.per or any(w in clause_left for w in self.level_words if len(w) > 1):
            return "level", 1
        if unit in ("year", "dimensionless"):
            return "level", 1
        if q.unit is not None and q.unit.word in self.stock_classifiers and (q.before_word in self.stock_words or tail.endswith(self.stock_words)) \
                and not any(w in clause_left for w in self.flow_words):
            return "level", 1
        return "amount", 1

    def _indicator(self, text: str, q: QuantitySpan, left: str, unit: str,
                   previous: Reading | None) -> str:
        phrase = self.trim(_LIST_NUMBER.sub("", _YEAR_PHRASE.sub("", left)))
        following = self._following_noun(text, q)
        # 新打造3个以上政务服务场景, 实施93.8公里燃气管网改造, 管家漾路等95条道路:
        # when the number stands before its noun, the noun is what is measured;
        # a short verb before it stays (新增“专精特新”企业).
        if following and (unit == "count" or len(phrase) <= 2 or phrase.endswith("等")):
            return (phrase if len(phrase) <= 2 else "") + following
        if len(phrase) < 2 and previous is not None:
            return previous.indicator
        if not phrase:
            end = self._segment_end(text, q.end, self.boundaries)
            return self.trim(text[q.end:min(end, q.end + 24)])
        return phrase

    def _following_noun(self, text: str, q: QuantitySpan) -> str:
        """The noun right after a quantity (3个重大科技基础设施集群), chained
        over an adjacent quantity (95条52.6公里道路建设)."""
        pos = q.end
        nxt = text[pos:pos + 1]
        if q.unit is None or not (_HAN.match(nxt or " ") or nxt == "“") or text.startswith(self.trim_trail, pos):
            return ""
        end = self._segment_end(text, pos, self.boundaries - {"“", "”"})
        return text[pos:min(end, pos + 24)]

    def trim(self, phrase: str) -> str:
        """Strip commitment words and verbs from both ends of an indicator phrase."""
        phrase = phrase.strip()
        changed = True
        while changed and phrase:
            changed = False
            for w in self.trim_lead:
                if phrase.startswith(w):
                    phrase, changed = phrase[len(w):].lstrip(), True
                    break
            for w in self.trim_trail:
                if phrase.endswith(w):
                    phrase, changed = phrase[:-len(w)].rstrip(), True
                    break
        return phrase

    def _per(self, phrase: str) -> str | None:
        for word, per in self.per_words:
            if word in phrase:
                return per
        return None

    def _year(self, text: str, q: QuantitySpan, sent_start: int) -> int | None:
        line_start = text.rfind("\n", 0, q.lead_start) + 1
        for lo in (sent_start, line_start):
            years = list(_YEAR.finditer(text, lo, q.lead_start))
            if years:
                return int(years[-1].group(1))
        return None


# Item numbers at the start of a line (79.实施…) are layout, not indicator.
_LIST_NUMBER = regex.compile(r"^\s*(?:\d+\s*[.、]|\(?[一二三四五六七八九十]+[)、])")
_YEAR_PHRASE = regex.compile(r"(?:到|至|在|于)?(?:19|20)\d\d年(?:底|末|前|度)?")
