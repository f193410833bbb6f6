"""Rules that read a quantity's surroundings.

Given a ``QuantitySpan`` in normalized text, these rules decide whether it is
a target at all (not a date, ordinal, name, category qualifier …) and fill in
what the record needs from context: unit resolution for bare 万/亿 and 方,
comparator distribution over lists, indicator, kind, year, role and hedge.
All words come from ``lexicons/``; this module holds only the logic.
"""
from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from decimal import Decimal
from pathlib import Path
from typing import Iterable, NamedTuple

import regex

from ._lexicon import read_lines, read_table
from ._patterns import compile_cached
from .numerals import numeral_chars, numeral_value
from .spans import QuantitySpan
from .units import UnitWord

__all__ = ["ContextRules", "Reading"]

_HAN = regex.compile(r"\p{Han}")
_NEXT_FIGURE = regex.compile(r"\p{Han}(?=\d)")
_WINDOW = 120  # how far back a clause or sentence is searched
_FIRST_YEAR, _LAST_YEAR = 1900, 2100
# Unit classes (units.tsv) whose numbers can be a rate of change.
_RATE_DIMENSIONS = frozenset({"percent", "ratio"})


class Reading(NamedTuple):
    """What context says about one quantity (normalized-text offsets); a
    named tuple, as :class:`~zhtargets.spans.QuantitySpan` is, for speed."""

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
    # Ties in file order, not in the order of a set, which changes from one
    # process to the next: rules and compiled patterns come out the same in
    # every run.
    return tuple(sorted(dict.fromkeys(words), key=len, reverse=True))


def _alternation(words: Iterable[str], flags: int = 0) -> regex.Pattern:
    words = _longest_first(words) or ("(?!)",)
    return compile_cached("|".join(w if w == "(?!)" else regex.escape(w) for w in words), flags)


class _Stops:
    """Finds the nearest stop character before or after a position (in C)."""

    def __init__(self, chars: Iterable[str]):
        cls = "[" + "".join(regex.escape(c) for c in sorted(set(chars))) + "]"
        self._back = compile_cached(cls, regex.REVERSE)
        self._forward = compile_cached(cls)

    def start(self, text: str, pos: int, floor: int | None = None) -> int:
        """The stop before ``pos``, searched back ``_WINDOW`` characters or to ``floor``."""
        lo = max(0, pos - _WINDOW) if floor is None else floor
        m = self._back.search(text, lo, pos)
        return m.end() if m else lo

    def end(self, text: str, pos: int) -> int:
        m = self._forward.search(text, pos, pos + _WINDOW)
        return m.start() if m else min(len(text), pos + _WINDOW)


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
        words: dict[str, list[str]] = {}
        for cls, word in table("context_words.tsv", 2):
            words.setdefault(cls, []).append(word)
        boundaries = frozenset(lines("boundaries.txt")) | {"\n", "\t"}  # a tab parts table cells
        self._segment = _Stops(boundaries)             # indicator phrase: 、 cuts lists
        self._clause = _Stops(boundaries - set(words.get("in_clause", ())))  # clause: between , ; 。
        self._sentence = _Stops([*words.get("sentence_end", ()), "\n"])
        self._year_reach = _Stops([*words.get("year_end", ()), "\n"])
        self.year_bases = _longest_first(words.get("year_base", ()))
        self._base_len = max(map(len, self.year_bases), default=0)
        self.hedges = {w: role for w, role in table("hedges.tsv", 2)}
        self._hedge_re = _alternation(self.hedges, regex.REVERSE)
        kinds: dict[str, dict[str, int]] = {}
        for w, k, sign in table("kind_words.tsv", 3):
            kinds.setdefault(k, {})[w] = int(sign)
        self.change_signs = kinds.get("change", {})
        self.change_words = _longest_first(self.change_signs)
        self.level_words = _longest_first(w for w in kinds.get("level", ()) if len(w) > 1)
        self._level_cue = _alternation(self.level_words)
        self.stock_words = _longest_first(kinds.get("stock", ()))
        self._flow_cue = _alternation(kinds.get("amount", ()))
        self.stock_classifiers = frozenset(kinds.get("stock_classifier", ()))
        self.rate_nouns = kinds.get("rate_noun", {})
        self._rate_noun_re = _alternation(self.rate_nouns, regex.REVERSE)
        self._level_noun = _alternation(kinds.get("level_noun", ()))
        self._stock_noun = _alternation(kinds.get("stock_noun", ()))
        trims = table("indicator_trim.tsv", 2)
        self.trim_trail = _longest_first(w for end, w in trims if end == "trail")
        lead = _alternation(w for end, w in trims if end == "lead").pattern
        trail = _alternation(self.trim_trail).pattern
        self._trim_re = compile_cached(rf"^(?:\s|{lead})+|(?:\s|{trail})+$")
        self._lead_re = compile_cached(rf"(?:\s|{lead})+")
        self._frames = _longest_first(w for end, w in trims if end == "frame")
        self._frame_re = compile_cached(rf"(?:{_alternation(self._frames).pattern})$")
        self._money_cue = _alternation(lines("money_words.txt"))
        self.per_words = dict(table("per_words.tsv", 2))
        self._per_re = _alternation(self.per_words)
        self._area_cue = _alternation(words.get("area_cue", ()))
        every = _alternation(words.get("every", ())).pattern
        self._frequency = compile_cached(f"(?:{every})(?:{_alternation(words.get('period', ())).pattern})")
        self.area_or_volume = frozenset(words.get("area_or_volume", ()))
        self.list_ends = tuple(words.get("list_end", ()))
        self.bounds = frozenset(words.get("bound", ()))
        self.level_particles = tuple(words.get("level_particle", ()))
        self.to_particles = tuple(words.get("to_particle", ()))
        self.attributives = _longest_first(words.get("attributive", ()))
        self.person_nouns = _longest_first(words.get("person_noun", ()))
        self.distributors = tuple(words.get("distributor", ()))
        self.joiners = "".join(words.get("joiner", ()))
        self.contractions = {w: (a, b) for w, a, b in table("list_contractions.tsv", 3)}
        self.measure_nouns = frozenset(words.get("measure_noun", ()))
        self._year_re, self._year_phrase = self._year_patterns(words, table("comparators.tsv", 4))
        # Item numbers at the start of a line (79.实施…) are layout, not indicator.
        cn = numeral_chars("digit") + numeral_chars("power")
        mark = "".join(regex.escape(m) for m in words.get("item_mark", ())) or "(?!)"
        self._list_number = compile_cached(rf"^\s*(?:\d+\s*[{mark}]|\(?[{cn}]+[{mark}])")
        quotes = table("quotes.tsv", 3)
        self._quote_opens = frozenset(o for o, _, _ in quotes)
        self.quotes = compile_cached("|".join(
            rf"{regex.escape(o)}[^{regex.escape(o + c)}\n]{{0,{int(n)}}}{regex.escape(c)}"
            for o, c, n in quotes) or "(?!)")

    def _year_patterns(self, words: dict[str, list[str]], comparators) -> tuple[regex.Pattern, regex.Pattern]:
        """A year in digits or Chinese numerals (2024年, 二〇二四年) and the
        phrase around one that an indicator drops (到2025年底)."""
        date = _alternation(self.date_units).pattern
        zh = regex.escape(numeral_chars("digit"))
        # The second year of a period (2023-2027年, 2023至2027年) is no single year.
        seps = "".join(regex.escape(w) for w, pos, _, _ in comparators if pos == "range")
        year = compile_cached(rf"(?<![\d.])(?<!\d[{seps}])((?:19|20)\d\d)(?:{date})(?!\d)"
                             rf"|(?<![{zh}])([{zh}]{{4}})(?:{date})")
        before = _alternation(words.get("year_before", ())).pattern
        after = _alternation(words.get("year_after", ())).pattern
        phrase = compile_cached(rf"(?:{before})?(?:(?:19|20)\d\d[{seps}])?(?:(?:19|20)\d\d|[{zh}]{{4}})(?:{date})(?:{after})?")
        return year, phrase


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
        if _inside(quoted, q.num_start, q.end):
            return "inside quotes: a name"
        if q.chinese and not (q.before_word or q.approx_word or q.after_word) and (
                q.unit is None or q.value is not None and q.value < 100 and q.unit.dimension != "percent"):
            # Official prose writes counts in Arabic digits; bare Chinese numerals
            # below a hundred are names and rhetoric (两个确立, 十大攀登行动, 红十字会).
            return "Chinese numeral in a name or fixed phrase"
        if q.chinese and q.unit is not None and q.unit.dimension != "count" and _HAN.match(
                text[q.end:q.end + 1] or " "):
            return "Chinese numeral naming a programme"
        unit = q.unit
        if unit is not None and unit.word in self.frequency_units and self._frequency.search(
                text[max(0, q.lead_start - 12):q.lead_start]):
            return "a frequency of a procedure"
        if unit is None:
            if self._qualifies_noun(text, q):
                return "qualifier of a category"
            return None if q.multiplied or self._bare_ratio(text, q) else "no unit"
        integral = q.value is not None and q.value == q.value.to_integral_value() and "." not in text[q.num_start:q.unit_start]
        if unit.word in self.date_units and integral and q.value is not None and _FIRST_YEAR <= q.value <= _LAST_YEAR:
            return "a year"
        if unit.word in self.date_units and q.low is not None and _FIRST_YEAR <= q.low <= _LAST_YEAR:
            return "a period of years"
        if unit.word in self.weak_units and integral and not (q.before_word or q.after_word or q.approx_word) \
                and not lead.endswith(self.to_particles):
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
        return q.after_word in self.bounds or q.before_word in self.bounds

    # -- reading ----------------------------------------------------------

    def read(self, text: str, q: QuantitySpan, previous: Reading | None) -> Reading:
        """Fill the record fields of a quantity already accepted as a target."""
        seg_start = self._segment.start(text, q.lead_start)
        clause_start = self._clause.start(text, q.lead_start)
        sent_start = self._sentence.start(text, q.lead_start)
        same_clause = previous is not None and previous.span.end >= clause_start
        same_sentence = previous is not None and previous.span.end >= sent_start
        if same_clause:
            # 出让工业用地4宗148亩: the second number's phrase starts after the first.
            seg_start = max(seg_start, previous.span.end)
        left = text[seg_start:q.lead_start]
        clause_left = text[clause_start:q.lead_start]
        unit, classifier = self._unit(text, q, clause_left, previous if same_sentence else None)
        hedge, role = self._hedge(clause_left)
        indicator = self._indicator(text, q, left, unit,
                                    previous if same_sentence else None)
        kind, sign, verb = self._kind(text, q, unit, left, clause_left, indicator,
                                      previous if same_clause and not self.trim(left).strip(self.joiners) else None)
        if verb is not None and indicator.startswith(verb):
            indicator = indicator[len(verb):]
        comparator_word = q.after_word or q.approx_word or q.before_word
        return Reading(
            span=q, unit=unit, classifier=classifier, per=q.per or self._per(clause_left + indicator),
            comparator=q.comparator, comparator_word=comparator_word, hedge=hedge,
            kind=kind, sign=sign, indicator=indicator, year=self._year(text, q),
            role=role, rule=self._rule(q),
        )

    def _rule(self, q: QuantitySpan) -> str:
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
            if self._names_people(text, q.end):
                return "count", None
            around = clause_left[-20:] + text[q.end:q.end + 4]
            if self._money_cue.search(around) or (previous and previous.unit == "yuan"):
                return "yuan", None
            return "count", None
        if q.unit.word in self.area_or_volume:
            # 万方 of green space or floor space is 万平方米; of earth or water, m³.
            window = clause_left[-20:] + text[q.end:q.end + 6]
            return ("m**2" if self._area_cue.search(window) else "m**3"), None
        if q.unit.unit == "count":
            return "count", q.unit.word
        return q.unit.unit, None

    def _names_people(self, text: str, pos: int) -> bool:
        """Whether one of the two words after a bare 万/亿 names people
        (1200多万纳税人, 3亿农村人口): then it counts them, even where a money
        word sits inside the noun (纳税人)."""
        words = _words(text[pos:self._segment.end(text, pos)][:8])
        return any(w.endswith(self.person_nouns) for w, _, _ in words[:2])

    def glued_before_word(self, text: str, q: QuantitySpan) -> bool:
        """Whether a one-character comparator (约, 超, 近) is really the end of
        a word (签约, 赶超, 最近); jieba's segmentation of the few characters
        before the number decides."""
        if not q.before_word or len(q.before_word) > 1 or q.lead_start == 0 \
                or not _HAN.match(text[q.lead_start - 1]):
            return False
        lo = max(0, q.lead_start - 4)
        # Dictionary words only: HMM guesses glue 率约 or 数超 into new words.
        for _word, start, end in _words(text[lo:q.num_start]):
            if start <= q.lead_start - lo < end and start < q.lead_start - lo:
                return True
        return False

    def _hedge(self, sentence_left: str) -> tuple[str | None, str | None]:
        for m in self._hedge_re.finditer(sentence_left):
            word = m.group()
            role = self.hedges[word]
            if role != "word":  # 预期 inside 人均预期寿命 commits to nothing
                return word, (role if role in ("plan", "actual") else None)
        return None, None

    def _kind(self, text: str, q: QuantitySpan, unit: str, left: str, clause_left: str,
              indicator: str, previous: Reading | None) -> tuple[str, int, str | None]:
        """Kind, sign, and the change verb that leads its object (减少化肥使用量5%)."""
        tail = left.rstrip()
        if q.unit is not None and q.unit.dimension in _RATE_DIMENSIONS:
            if previous is not None and previous.kind == "change":
                return "change", previous.sign, None
            rate = self._rate_noun(tail)
            if rate is not None:
                return "change", rate, None
            if tail.endswith(self.level_words) or tail.endswith(self.level_particles):
                return "level", 1, None
            for w in self.change_words:
                if tail.endswith(w):
                    return "change", self.change_signs[w], None
            right = text[q.end:self._clause.end(text, q.end)]
            for w in self.change_words:
                if w in right[:12] and not self._level_noun.search(right[:right.find(w)]):
                    return "change", self.change_signs[w], None
            verb = self._leading_change_verb(self.trim(left))
            if verb is not None:
                return "change", self.change_signs[verb], verb
            return "level", 1, None
        if unit == "ug/m**3" or q.per or self._level_cue.search(clause_left):
            return "level", 1, None
        if unit == "dimensionless" or q.unit is not None and q.unit.dimension == "time":
            return "level", 1, None  # a duration or age is a state (压缩至3天, 79岁)
        if self._flow_cue.search(clause_left) or tail.endswith(self.change_words):
            return "amount", 1, None
        if q.unit is not None and q.unit.word in self.stock_classifiers and (
                q.before_word in self.stock_words or tail.endswith(self.stock_words)):
            return "level", 1, None
        if self._stock_noun.search(indicator or left):
            return "level", 1, None
        return "amount", 1, None

    def _rate_noun(self, tail: str) -> int | None:
        """The sign of a rate of change named before the number (涨幅控制在), if any."""
        m = self._rate_noun_re.search(tail)
        if m is None:
            return None
        between = tail[m.end():]
        if between.startswith(self.to_particles) or self._level_noun.search(between):
            return None  # 增长到65%, 增长贡献率60%: the percent is a level
        return self.rate_nouns[m.group()]

    def _leading_change_verb(self, phrase: str) -> str | None:
        """A change verb that opens the phrase as a whole word (减少|化肥使用量,
        not 增加值)."""
        verb = next((w for w in self.change_words if phrase.startswith(w) and len(phrase) > len(w)), None)
        if verb is None:
            return None
        first = _words(phrase)[0][0]
        return verb if first == verb else None

    def _indicator(self, text: str, q: QuantitySpan, left: str, unit: str,
                   previous: Reading | None) -> str:
        phrase = self.trim(self._list_number.sub("", self._year_phrase.sub("", left)))
        following = self._following_noun(text, q, unit)
        # 新打造3个以上政务服务场景, 实施93.8公里燃气管网改造, 管家漾路等95条道路:
        # when the number stands before its noun, the noun is what is measured;
        # a short verb before it stays (新增“专精特新”企业).
        if following and (unit == "count" or len(phrase) <= 2 or phrase.endswith(self.list_ends)):
            return (phrase if len(phrase) <= 2 else "") + following
        if previous is not None and (len(phrase) < 2 or phrase in self.measure_nouns):
            # 304个，面积超6万平方米: the measure of what the figure before counted.
            return previous.indicator + (phrase if len(phrase) >= 2 else "")
        if not phrase:
            end = self._segment.end(text, q.end)
            return self.trim(text[q.end:min(end, q.end + 24)])
        return phrase

    def distributes(self, text: str, q: QuantitySpan) -> bool:
        """Whether 分别/各 in the clause before ``q`` spreads over a list of numbers."""
        left = text[self._clause.start(text, q.lead_start):q.lead_start]
        return any(w in left for w in self.distributors)

    def subject(self, text: str, q: QuantitySpan) -> str:
        """The clause's phrase before ``q``, trimmed, without 分别/各: what a
        list of numbers starting at ``q`` reports on (A和B分别增长…)."""
        phrase = text[self._clause.start(text, q.lead_start):q.lead_start]
        phrase = self.trim(self._list_number.sub("", self._year_phrase.sub("", phrase)))
        while phrase.endswith(self.distributors):
            phrase = self.trim(phrase[:-len(next(w for w in self.distributors if phrase.endswith(w)))])
        return phrase

    def list_items(self, phrase: str) -> list[str]:
        """The items of a listed subject, a shared head given to each:
        茶叶、水果产量 -> 茶叶产量, 水果产量 (the earlier items are one word each,
        parallel to the first word of the last item; the rest of it is shared).
        A word naming two things (城乡, lexicons/list_contractions.tsv) makes
        two items of one phrase."""
        items = [p for p in regex.split(f"[{regex.escape(self.joiners)}]", phrase) if p]
        if len(items) == 1:
            # 城乡居民收入 names two subjects in one word: 城镇…, 农村….
            word = next((w for w in self.contractions if w in phrase), None)
            if word is not None:
                return [self.trim(phrase.replace(word, part, 1)) for part in self.contractions[word]]
        if len(items) < 2:
            return items
        last = [w for w, _, _ in _words(items[-1])]
        if len(last) >= 2 and all(len(_words(p)) == 1 for p in items[:-1]):
            cut = len(last[0])
            # 城镇和农村居民…: the parallel word may sit inside the first token.
            width = max(len(p) for p in items[:-1])
            if cut > width + 1 and any(e == width for _, s, e in _tokenizer().tokenize(items[-1], mode="search", HMM=False)
                                       if s == 0):
                cut = width
            items = [p + items[-1][cut:] for p in items[:-1]] + items[-1:]
        return [self.trim(p) for p in items]

    def same_sentence(self, text: str, a: QuantitySpan, b: QuantitySpan) -> bool:
        """Whether ``a`` (earlier) and ``b`` sit in one sentence."""
        return self._sentence.start(text, b.lead_start) <= a.lead_start

    def _following_noun(self, text: str, q: QuantitySpan, unit: str) -> str:
        """The noun right after a quantity (3个重大科技基础设施集群, 1200万纳税人),
        chained over an adjacent quantity (95条52.6公里道路建设)."""
        pos = q.end
        attributive = next((w for w in self.attributives if text.startswith(w, pos)), "")
        pos += len(attributive)  # 8%左右的国内生产总值增长目标, 48万千瓦的220kV变电站
        nxt = text[pos:pos + 1]
        if q.unit is None and unit != "count" or not (_HAN.match(nxt or " ") or nxt in self._quote_opens or attributive and nxt.isalnum()) \
                or text.startswith(self.trim_trail, pos) or nxt in self.joiners:
            return ""
        end = min(self._segment.end(text, pos), pos + 24)
        # The noun ends where the next figure's words begin: at the last joiner
        # before it (35个续建项目及纸厂路等21个前期项目), else at the figure
        # (项目共举行比赛762场).  A digit right after the number is a name
        # (220kV变电站).
        if (nxt_figure := _NEXT_FIGURE.search(text, pos, end)) is not None:
            noun = text[pos:nxt_figure.start() + 1]
            cut = max(noun.rfind(j) for j in self.joiners)
            return self.trim(noun[:cut] if cut > 0 else noun)
        return self.trim(text[pos:end])

    def trim(self, phrase: str) -> str:
        """Strip commitment words and verbs from both ends of an indicator
        phrase, then one framing word (经济增长预期目标 -> 经济增长)."""
        # The patterns end in $, which a search tries at every position:
        # checking first whether either end can match at all is much cheaper,
        # and most phrases need no trimming.
        while phrase and (phrase[-1].isspace() or phrase.endswith(self.trim_trail)
                          or self._lead_re.match(phrase)):
            trimmed = self._trim_re.sub("", phrase)
            if trimmed == phrase:
                break
            phrase = trimmed
        if phrase.endswith(self._frames) or phrase.endswith("\n"):  # $ also matches before a last \n
            return self._frame_re.sub("", phrase)
        return phrase

    def _per(self, phrase: str) -> str | None:
        m = self._per_re.search(phrase)
        return self.per_words[m.group()] if m else None

    def _year(self, text: str, q: QuantitySpan) -> int | None:
        # A year scopes its whole sentence (2004年，…增长9.5%；财政收入2.63万亿元),
        # however long, but not the next one; a base year (比2002年) is no
        # year of the number.
        line_start = text.rfind("\n", 0, q.lead_start) + 1
        lo = self._year_reach.start(text, q.lead_start, floor=line_start)
        for m in reversed(list(self._year_re.finditer(text, lo, q.lead_start))):
            if text[max(lo, m.start() - self._base_len):m.start()].endswith(self.year_bases):
                continue
            if m.group(1):
                return int(m.group(1))
            year = int("".join(str(numeral_value(ch)) for ch in m.group(2)))
            if _FIRST_YEAR <= year <= _LAST_YEAR:  # 二〇二四年, not 一二三四年
                return year
        return None


@lru_cache(maxsize=1 << 14)
def _words(snippet: str) -> tuple[tuple[str, int, int], ...]:
    """jieba's dictionary words of a few characters (HMM guesses off), as
    (word, start, end); the same snippets recur all through a corpus."""
    return tuple(_tokenizer().tokenize(snippet, HMM=False))


def _tokenizer():
    # Imported on first use: most texts never need the segmenter.
    from ._segmenter import tokenizer

    return tokenizer()


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of the sorted, disjoint ``spans``."""
    i = bisect_right(spans, (start, float("inf"))) - 1
    return i >= 0 and spans[i][1] >= end

