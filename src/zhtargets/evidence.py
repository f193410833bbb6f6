"""Evidence that a reported figure answers a planned target.

Four questions, each answered once per pair of records (or once per record):

* the indicator: the same canonical indicator (``lexicons/indicators.tsv``),
  or close wording; a record whose own indicator phrase names nothing known
  (比上年, 今年要再解决) borrows the nearest known indicator of its clause,
  before or after the number (国内生产总值达到…，比上年增长9.5%;
  解决3200万农村人口的安全饮水问题);
* the unit: through the extractor's pint registry (``lexicons/units.tsv``,
  one unit table for extraction and linking); yuan against USD and persons
  against person-times (名 vs 人次) are the same kind of quantity with no
  conversion, so they are linked but never judged;
* the kind: a change answers a change; across documents a rate target may
  be answered by its rate as written (CPI 涨幅 read as a level), a stock or
  amount by a level or an amount of the same unit; an increment (增量) is
  never answered by its total;
* the period: the same years, and 年均 or 累计 figures only by their like.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

import regex

from ._lexicon import mark_class, read_lines, read_table
from .extractor import default_extractor
from .indicators import (
    Indicator,
    char_pairs,
    clean_indicator_text,
    find_indicators,
    indicator_overlap,
    indicator_similarity,
    lookup_indicator,
    normalize_indicator,
)
from .judge import is_rate, point
from .periods import mentions
from .records import Target

__all__ = ["Units", "Profile", "profile", "char_pairs", "pair_overlap", "unit_relation", "kinds_compatible",
           "periods_compatible", "similarity", "closeness", "classifier_info", "starting_value"]

# Within one row all targets often share a topic, so the canonical match only
# counts half and the wording the other half; a result without an indicator
# has only the row to vouch for it, which counts as just enough.
_UNNAMED_SIMILARITY = 0.3
# 8所 中小学、幼儿园 against 8所 学校建设: the measure word says what the
# wording does not.
_SAME_CLASSIFIER_BONUS = 0.15
# Within a row, the stage verb (开工, 竣工, 投用 …) tells apart figures of one
# project worded alike: the same stage is evidence like a shared measure
# word; two different stages are two different statistics, never linked.
_SAME_STAGE_BONUS = 0.2
# How far, in characters, a clause reaches each side of a number when a
# record's own indicator names nothing known.
_CLAUSE_REACH = 40
# A bare count's noun starts at most this many characters after it (500万户
# is written 500万农村沼气用户 as often as 500万沼气用户).
_NOUN_AFTER = 2
# An indicator phrase this short (比上年, 增长) names nothing by itself.
_GENERIC_LEN = 3
_DIGITS = regex.compile(r"[\d.%％]+")


@cache
def text_marks() -> tuple[re.Pattern, re.Pattern]:
    """What ends a sentence (context_words.tsv sentence_end, a line break)
    and what parts a clause within one (link_clause_marks.txt), in any
    width the text writes them."""
    ends = [w for cls, w in read_table("context_words.tsv", 2) if cls == "sentence_end"]
    return mark_class([*ends, "\n"]), mark_class(read_lines("link_clause_marks.txt"))


# --- lexicons -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ClassifierInfo:
    cls: str
    human: bool


@cache
def _classifiers() -> dict[str, ClassifierInfo]:
    return {c.word: ClassifierInfo(c.counts, c.human)
            for c in default_extractor().units.classifiers.values()}


def classifier_info(classifier: str | None) -> ClassifierInfo | None:
    return _classifiers().get(classifier) if classifier else None


@cache
def _conflicts() -> dict[frozenset[str], str]:
    return {frozenset((a, b)): why for a, b, why in read_table("link_classifier_conflicts.tsv", 3)}


@cache
def _stage_words() -> tuple[regex.Pattern, dict[str, str]]:
    stages = dict(read_table("link_stages.tsv", 2))
    words = sorted(stages, key=len, reverse=True)  # 新开工 before 开工
    return regex.compile("|".join(map(regex.escape, words))), stages


@cache
def _from_to() -> tuple[tuple[str, ...], tuple[str, ...]]:
    words: dict[str, list[str]] = {}
    for cls, word in read_table("context_words.tsv", 2):
        words.setdefault(cls, []).append(word)
    return tuple(words.get("from_particle", ())), tuple(words.get("to_particle", ()))


@cache
def _increment_words() -> regex.Pattern:
    return regex.compile("|".join(map(regex.escape, read_lines("link_increment_words.txt"))))


@cache
def _flow_words() -> regex.Pattern:
    return regex.compile("|".join(map(regex.escape, read_lines("link_flow_words.txt"))))


# --- units ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Units:
    relation: Literal["same", "convertible", "flagged", "none"]
    factor: float  # multiply an actual value by this to express it in the plan's unit
    note: str = ""


def _classifier_relation(pc: str | None, ac: str | None) -> Units:
    if not pc or not ac or pc == ac:
        return Units("same", 1.0)
    table = _classifiers()
    pi = table.get(pc, ClassifierInfo(pc, False))
    ai = table.get(ac, ClassifierInfo(ac, False))
    if pi.cls == ai.cls:
        return Units("same", 1.0, f"{pc}/{ac}")
    if why := _conflicts().get(frozenset((pi.cls, ai.cls))):
        return Units("flagged", 1.0, why)
    if ("generic" in (pi.cls, ai.cls)) and not (pi.human or ai.human):
        return Units("convertible", 1.0, f"{pc}/{ac}")
    return Units("none", 1.0, f"{pc} vs {ac}")


@cache
def _unit_pair(plan_unit: str, actual_unit: str) -> Units:
    reg = default_extractor().units.registry
    try:
        pu, au = reg.parse_units(plan_unit), reg.parse_units(actual_unit)
    except Exception:  # pint raises many types for an unknown name
        return Units("none", 1.0, f"{plan_unit} vs {actual_unit}")
    if pu.dimensionality == au.dimensionality:
        factor = reg.Quantity(1.0, au).to(pu).magnitude
        return Units("convertible", float(factor), f"{actual_unit}→{plan_unit}")
    # Each currency is its own base dimension in units.tsv ([currency_cny],
    # [currency_usd]): the same kind of quantity, but no rate to convert.
    kinds = [{d.split("_")[0] for d in u.dimensionality} for u in (pu, au)]
    if kinds[0] == kinds[1] == {"[currency"}:
        return Units("flagged", 1.0, f"{plan_unit} vs {actual_unit}: not convertible")
    return Units("none", 1.0, f"{plan_unit} vs {actual_unit}")


def unit_relation(plan: Target, actual: Target) -> Units:
    """How ``actual``'s unit compares with ``plan``'s, and the factor between them."""
    if plan.per and actual.per and plan.per != actual.per:
        return Units("flagged", 1.0, f"per {plan.per} vs per {actual.per}")
    if plan.unit == actual.unit:
        if plan.unit == "count":
            return _classifier_relation(plan.classifier, actual.classifier)
        return Units("same", 1.0)
    # A rate never compares with a count or a plain number, although pint
    # calls all three dimensionless.
    if is_rate(plan) or is_rate(actual) or "count" in (plan.unit, actual.unit):
        return Units("none", 1.0, f"{plan.unit} vs {actual.unit}")
    pq, aq = plan.quantity, actual.quantity
    if pq is not None and aq is not None:
        # The records' own registry knows the units an extractor was given
        # beyond the bundled ones (兆瓦时 from a user's units.tsv).
        try:
            factor = type(aq)(1.0, aq.units).to(pq.units).magnitude
            return Units("convertible", float(factor), f"{actual.unit}→{plan.unit}")
        except Exception:  # pint: dimensionality error, or two registries
            pass
    return _unit_pair(plan.unit, actual.unit)


# --- kinds and periods --------------------------------------------------------------

def _is_increment(indicator: str | None) -> bool:
    return bool(indicator) and _increment_words().search(indicator) is not None


def kinds_compatible(plan: Target, actual: Target, *, strict: bool,
                     same_indicator: bool = False) -> str | None:
    """Why the two kinds cannot be compared, or None when they can.

    ``strict`` (across documents) asks for the same kind, except that a rate
    of one canonical indicator answers its target however each was read
    (CPI 涨幅 4% as a level against 上涨1.8% as a change).
    """
    if _is_increment(plan.indicator) != _is_increment(actual.indicator):
        return "increment vs total"
    if same_indicator and is_rate(plan) and is_rate(actual):
        return None
    if strict and _names_stock_of_flow(plan, actual):
        return "flow target, stock result"
    if (plan.kind == "change") != (actual.kind == "change"):
        return (f"{plan.kind} target, {actual.kind} result" if plan.kind == "change"
                else f"{plan.kind} target, only a change reported")
    if strict and plan.kind != actual.kind and not same_indicator:
        return f"{plan.kind} target, {actual.kind} result"
    return None


def _names_stock_of_flow(plan: Target, actual: Target) -> bool:
    """Whether a flow target (新增…) meets a result naming only the stock.

    Within a row the row says what is counted (扩绿 for 新增绿地), so only
    across documents is the missing flow word evidence of a stock.
    """
    flows = _flow_words()
    return (plan.kind == "amount" and bool(plan.indicator) and bool(actual.indicator)
            and flows.search(plan.indicator) is not None
            and flows.search(actual.indicator) is None)


def _planned_aggregate(t: Target) -> str | None:
    # A yearly rate planned for one year is that year's figure (今年人均每年
    # 增长10%); a result written 年均 always sums up several years.
    one_year = t.period_start is not None and t.period_start == t.period_end
    return None if t.aggregate == "average" and one_year else t.aggregate


def periods_compatible(plan: Target, actual: Target) -> bool:
    """Same years and the same aggregation (annual, 年均, 累计).

    A level is read at the end of its period, so a level stated for the years
    up to the plan's year (试点覆盖24%的县, in a five-year review) answers a
    target for that year.  Where a side states no period, the years written
    in the sentence decide; with neither, nothing forbids the pair.
    """
    if _planned_aggregate(plan) != actual.aggregate:
        return False
    if plan.period_start is not None and actual.period_start is not None:
        if (plan.period_start, plan.period_end) == (actual.period_start, actual.period_end):
            return True
        if actual.kind != "level" or actual.aggregate is not None:
            return False
        # A level target of a five-year plan is one for its last year (a
        # per-capita figure to reach by 2020), answered by that year's level.
        one_year = plan.period_start == plan.period_end
        level = plan.kind == "level" and plan.aggregate is None
        return (one_year or level) and plan.period_end == actual.period_end
    return plan.year is None or actual.year == plan.year


# --- indicators ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Profile:
    """What a record measures, worked out once per record."""

    indicator: Indicator | None
    words: str          # the indicator phrase, scope words stripped
    pairs: frozenset[str] = frozenset()   # its character pairs
    stage: str | None = None  # 开工 / 竣工 / 投用 … of its clause (link_stages.tsv)


def pair_overlap(a: Profile, b: Profile) -> float:
    """Share of the shorter phrase's character pairs the other one has."""
    if not a.pairs or not b.pairs:
        return 0.0
    return len(a.pairs & b.pairs) / min(len(a.pairs), len(b.pairs))


def _clause(text: str, start: int, end: int) -> tuple[str, str]:
    """The clause around a number: its words before and after it."""
    lo = max(0, start - _CLAUSE_REACH)
    left = text[lo:start]
    if (m := list(text_marks()[0].finditer(left))):
        left = left[m[-1].end():]
    right = text[end:end + _CLAUSE_REACH]
    if (m := text_marks()[0].search(right)):
        right = right[:m.start()]
    return left, right


def _stage(left: str, right: str) -> str | None:
    """The stage its clause gives a figure: the last stage word before it,
    else the first after it (9个项目正在有序推进中)."""
    pattern, stages = _stage_words()
    before = pattern.findall(text_marks()[1].split(left)[-1])
    if before:
        return stages[before[-1]]
    after = pattern.search(text_marks()[1].split(right)[0])
    return stages[after.group()] if after else None


def starting_value(t: Target, text: str | None) -> bool:
    """Whether the figure opens a from-to pair of its clause (the standard
    rose from X to Y): X is where the period started, Y what it reached."""
    if text is None or not 0 <= t.start <= t.end <= len(text):
        return False
    froms, tos = _from_to()
    left, right = _clause(text, t.start, t.end)
    left = text_marks()[1].split(left)[-1]
    at = max((left.rfind(w) for w in froms), default=-1)
    if at == -1:
        return False
    # Between "from" and the figure only words and times (from 2020's 12.5)
    # may stand, no other figure.
    between = left[at:]
    for m in reversed(mentions(between)):
        between = between[:m.start] + between[m.end:]
    if _DIGITS.search(between):
        return False
    right = text_marks()[1].split(right)[0]
    return any((k := right.find(w)) != -1 and _DIGITS.search(right, k) for w in tos)


def profile(t: Target, text: str | None = None) -> Profile:
    """The record's canonical indicator and wording.

    With the document ``text``: a bare count takes the indicator named right
    after it (增加500万沼气用户); a record whose indicator names nothing known
    borrows the nearest known one of its sentence, before the number (not
    across another figure, unless its own phrase is as short as 比上年:
    国内生产总值达到…，比上年增长9.5%) or after it up to the next comma
    (解决3200万农村人口的安全饮水问题).
    """
    ind = lookup_indicator(t.indicator)
    words = normalize_indicator(t.indicator) if t.indicator else ""
    if text is None or not 0 <= t.start <= t.end <= len(text):
        return Profile(ind, words, char_pairs(words))
    left, right = _clause(text, t.start, t.end)
    part = text_marks()[1].split(right)[0]
    after = [(start, i) for start, _, i in find_indicators(part)]
    if after and after[0][0] <= _NOUN_AFTER and t.unit == "count" and not t.classifier:
        # A bare count names what it counts right after it (增加500万沼气用户).
        ind = after[0][1]
    elif ind is None:
        own = clean_indicator_text(t.indicator or "")
        # Across an earlier figure of the sentence the name belongs to that
        # figure (新增城镇就业900万人，下岗失业人员再就业500万人), unless this
        # phrase is too short to name anything itself (…13.65万亿元，比上年增长).
        reach = left if len(own) <= _GENERIC_LEN else _DIGITS.split(left)[-1]
        before = [(len(clean_indicator_text(reach)) - end, i)
                  for _, end, i in find_indicators(reach)]
        if nearest := min(before + after, key=lambda d: d[0], default=None):
            ind = nearest[1]
    # Generic wording (中央财政安排) says what is measured only with the
    # words after the number, to the end of the sentence (…109亿元资金支持再就业).
    words = normalize_indicator((t.indicator or text_marks()[1].split(left)[-1]) + _DIGITS.sub("", right))
    return Profile(ind, words, char_pairs(words), _stage(left, right))


def similarity(plan: Target, actual: Target, pp: Profile, ap: Profile, *,
               cross: bool) -> float:
    """Evidence, in [0, 1], that ``actual`` reports on ``plan``'s indicator.

    Across documents the canonical indicator decides, else the wording.
    Within one row all targets often share a topic (开工, 竣工, 交付 of
    安置房), so the canonical match only counts half and the wording the
    other half; an identical specific measure word or stage verb adds
    evidence; two different stage verbs rule the pair out.
    """
    if cross:
        if pp.indicator is not None or ap.indicator is not None:
            # A result known to measure a named indicator answers only a
            # plan naming the same one.
            return 1.0 if pp.indicator == ap.indicator else 0.0
        return indicator_overlap(pp.words, ap.words)
    if pp.stage and ap.stage and pp.stage != ap.stage:
        return 0.0
    if _names_nothing(actual.indicator) or _names_nothing(plan.indicator):
        # 开工安置房项目4个、交付使用6个: the second item's noun is the first's.
        sim = _UNNAMED_SIMILARITY
    else:
        sim = (indicator_similarity(plan.indicator, actual.indicator)
               + indicator_overlap(plan.indicator, actual.indicator)) / 2
        if plan.classifier and plan.classifier == actual.classifier:
            info = _classifiers().get(plan.classifier)
            if info is None or info.cls != "generic":
                sim += _SAME_CLASSIFIER_BONUS
    if pp.stage and pp.stage == ap.stage:
        sim += _SAME_STAGE_BONUS
    return min(1.0, sim)


def _names_nothing(indicator: str | None) -> bool:
    """No indicator, or one that is a stage verb alone (交付使用)."""
    return not indicator or _stage_words()[0].fullmatch(indicator) is not None


def closeness(plan: Target, actual: Target, factor: float) -> float:
    """How near two figures are, 1 when equal, toward 0 far apart."""
    p, a = point(plan), point(actual)
    if p is None or a is None or p == 0 or a == 0 or (p < 0) != (a < 0):
        return 0.0
    r = abs(a * factor / p)
    return min(r, 1 / r)


def profiles(targets: Sequence[Target], text: str | None) -> list[Profile]:
    return [profile(t, text) for t in targets]
