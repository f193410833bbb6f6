"""Link planned targets to the results reported for them, and judge each one.

A completion report answers its plan row by row: the row (document task) is
the first evidence that a reported figure belongs to a target, and the
indicator, unit and kind of quantity decide between the figures of one row.
Across documents (a five-year plan against an annual report) there is no row,
so a link needs the same canonical indicator, a compatible unit, the same kind
and the same year.

Judging rules (what :func:`link` writes in ``status``):

* floors (``>=``, ``>``, and ``=`` for amounts and counts, since a plan count
  is a floor in practice) are met when the result reaches the target;
* ceilings (``<=``, ``<``; 控制在…以内) are met when the result stays at or
  below it;
* ``~`` (左右, 约) is met within ``tolerance`` of the target: percentage points
  for rates (``percent``, ``percentage_point``), a relative 5 % for every other
  unit; beyond that band it is met on the good side and not met on the bad one;
* ranges are met at or above ``low`` and ``exceeded`` above ``high``;
* "good side" is "higher" unless the indicator is one where lower is better
  (prices, unemployment, PM2.5, intensities; see ``lexicons/indicators.tsv``)
  or the target is a decline (a negative change): then floors and ``=`` bound
  the result from above;
* ``exceeded`` is kept for clear cases: above a range's top, or at least 120 %
  of an amount target (kind ``amount``, not a rate).  ``status_simple`` folds it
  into ``met``;
* a change target is judged only against a change result, never a level; units
  convert through ``lexicons/link_units.tsv``; yuan against USD, and persons
  against person-times (名 vs 人次), are linked but judged ``unknown``;
* with a reporting ``period`` (1-9月, 前三季度, 上半年), amount targets are
  judged against their time-proportional share (序时进度); rates, levels and
  stocks are not prorated;
* several results of one row that together answer a target (three schools
  adding 2000 + 1800 + 1900 places against 5600) are summed when no single
  one reaches it; sub-counts (其中…, (含…)) are never added to their total;
* with no number, the completion cell's words decide (已完成 → met, 未完成 →
  not_met, 暂无法预估 → unknown); with nothing at all the target is
  ``unknown`` with the reason "no reported result".
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import pandas as pd
import regex

from ._lexicon import LexiconError, read_lines, read_table
from .indicators import (
    indicator_overlap,
    indicator_similarity,
    lookup_indicator,
    normalize_indicator,
)
from .records import Target

__all__ = [
    "link",
    "link_records",
    "period_fraction",
    "completion_verdict",
    "Verdict",
    "LINK_COLUMNS",
    "SPANS_ATTR",
    "STATUSES",
]

Status = Literal["met", "exceeded", "not_met", "unknown"]
STATUSES: tuple[str, ...] = ("met", "exceeded", "not_met", "unknown")

LINK_COLUMNS: tuple[str, ...] = (
    "task", "plan_start", "plan_end", "plan_text", "indicator", "canonical_indicator",
    "target_value", "target_low", "target_high", "unit", "comparator", "kind", "year",
    "actual_start", "actual_end", "actual_text", "actual_value", "actual_count",
    "status", "status_simple", "gap", "ratio", "confidence", "reason",
)
_INT_COLUMNS = ("plan_start", "plan_end", "year", "actual_start", "actual_end", "actual_count")
_FLOAT_COLUMNS = ("target_value", "target_low", "target_high", "actual_value", "gap",
                  "ratio", "confidence")
# Key of ``df.attrs`` holding the spans of every result linked to each row, by
# the row's index label: the frame has one row per plan, but a summed target
# has several results and the scorer counts (plan, result) pairs.
SPANS_ATTR = "actual_spans"

_RATE_UNITS = frozenset({"percent", "percentage_point"})
_CEILINGS = frozenset({"<=", "<"})

# ``~`` on anything that is not a rate: 2亿元左右 is met from 1.9亿元.
_AMOUNT_TOLERANCE = 0.05
# An amount at 120 % of its target is "clearly beyond" it; below that the
# difference is within what planners round to.
_EXCEEDED_RATIO = 1.2
# Within one row, the row already vouches for the link, so a modest overlap
# of indicator wording is enough (扩绿 for 新增绿地).
_TASK_MIN_SIMILARITY = 0.3
# Used when a result carries no indicator: the row is the only evidence, so
# it counts as just enough.
_UNNAMED_SIMILARITY = _TASK_MIN_SIMILARITY
# 8所 中小学、幼儿园 against 8所 学校建设: the measure word says what the
# wording does not.
_SAME_CLASSIFIER_BONUS = 0.15
# Across documents nothing but the indicator vouches for the link.
_CROSS_MIN_SIMILARITY = 0.8
# A sub-count (其中…) is a weaker answer than the total it belongs to.
_NESTED_WEIGHT = 0.6
# Two figures of one row that differ by less than this share are the same
# result written twice (3200余人 and 3214名 new high-level talents).
_RESTATEMENT_TOLERANCE = 0.02
_RESTATEMENT_SIMILARITY = 0.6
# Share of the indicator's characters a clause of the completion cell must
# contain to be taken as speaking about that target.
_CLAUSE_COVERAGE = 0.5

_CLAUSE_SPLIT = regex.compile(r"[,，。;；:：!！?？\n]+")
_SENTENCE_ENDS = "。;；!！?？\n"
_CLAUSE_MARKS = regex.compile(r"[,，:：]")
_CLOSED_BRACKET = regex.compile(r"[(（][^()（）]*[)）]")
_DIGIT = regex.compile(r"\d")
_NUMBER_CHARS = frozenset("0123456789.")
_MONTH_SPAN = regex.compile(r"(\d{1,2})\s*[-–—~至到]\s*(\d{1,2})\s*月")
_MONTH_END = regex.compile(r"(\d{1,2})\s*月(?:底|末|份)?")
_NOISE = regex.compile(r"[\s\p{P}\p{S}]+")


# --- lexicons -------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _UnitInfo:
    dimension: str
    factor: float


@dataclass(frozen=True, slots=True)
class _ClassifierInfo:
    cls: str
    human: bool


@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str
    verdict: Literal["met", "not_met", "unknown"]
    confidence: float


def _number(value: str, name: str) -> float:
    try:
        return float(value)
    except ValueError as exc:
        raise LexiconError(f"{name}: {value!r} is not a number") from exc


@cache
def _units() -> dict[str, _UnitInfo]:
    name = "link_units.tsv"
    return {u: _UnitInfo(d, _number(f, name)) for u, d, f in read_table(name, 3)}


@cache
def _classifiers() -> dict[str, _ClassifierInfo]:
    return {c: _ClassifierInfo(k, h == "y") for c, k, h in read_table("link_classifiers.tsv", 3)}


@cache
def _conflicts() -> dict[frozenset[str], str]:
    return {frozenset((a, b)): why for a, b, why in read_table("link_classifier_conflicts.tsv", 3)}


@cache
def _phrases() -> tuple[_Phrase, ...]:
    name = "link_completion.tsv"
    out = []
    for text, verdict, conf in read_table(name, 3):
        if verdict not in {"met", "not_met", "unknown"}:
            raise LexiconError(f"{name}: bad verdict {verdict!r} for {text!r}")
        out.append(_Phrase(text, verdict, _number(conf, name)))  # type: ignore[arg-type]
    return tuple(sorted(out, key=lambda p: -len(p.text)))


@cache
def _periods() -> tuple[tuple[str, float], ...]:
    name = "link_periods.tsv"
    rows = [(w, _number(f, name)) for w, f in read_table(name, 2)]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@cache
def _subset_markers() -> tuple[str, ...]:
    return read_lines("link_subset_markers.txt")


@cache
def _increment_words() -> tuple[str, ...]:
    return read_lines("link_increment_words.txt")


@cache
def _estimate_words() -> frozenset[str]:
    return frozenset(read_lines("link_estimate_words.txt"))


# --- periods and completion words -----------------------------------------

def period_fraction(period: str | None) -> float:
    """Share of the year a reporting period covers (``1-9月`` → 0.75).

    ``None`` means a full year.  Month spans with digits, ``截至9月底`` and the
    words of ``lexicons/link_periods.tsv`` are understood; anything else raises
    ``ValueError`` rather than silently judging against the full target.
    """
    if period is None:
        return 1.0
    text = unicodedata.normalize("NFKC", period).strip()
    if m := _MONTH_SPAN.search(text):
        first, last = int(m.group(1)), int(m.group(2))
        if 1 <= first <= last <= 12:
            return (last - first + 1) / 12
    for word, fraction in _periods():
        if word in text:
            return fraction
    if (m := _MONTH_END.search(text)) and 1 <= int(m.group(1)) <= 12:
        return int(m.group(1)) / 12
    raise ValueError(f"unknown reporting period {period!r}")


@dataclass(frozen=True, slots=True)
class Verdict:
    """A qualitative verdict read from a completion cell."""

    status: Literal["met", "not_met", "unknown"]
    confidence: float
    phrase: str
    whole_cell: bool


def _phrase_hits(text: str) -> list[_Phrase]:
    """Lexicon phrases in ``text``, longest first, never overlapping."""
    taken = [False] * len(text)
    hits = []
    for phrase in _phrases():
        start = text.find(phrase.text)
        while start != -1:
            end = start + len(phrase.text)
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                hits.append(phrase)
            start = text.find(phrase.text, start + 1)
    return hits


def _decide(hits: Sequence[_Phrase], whole_cell: bool) -> Verdict | None:
    # A negation or a missing-data note outweighs a "完成" elsewhere in the
    # same clause: it is the more specific statement.
    for status in ("not_met", "unknown", "met"):
        chosen = [h for h in hits if h.verdict == status]
        if chosen:
            best = max(chosen, key=lambda h: (h.confidence, len(h.text)))
            return Verdict(status, best.confidence, best.text, whole_cell)  # type: ignore[arg-type]
    return None


def _coverage(indicator: str, clause: str) -> float:
    chars = set(normalize_indicator(indicator))
    if not chars:
        return 0.0
    return sum(c in clause for c in chars) / len(chars)


def completion_verdict(indicator: str | None, cell: str) -> Verdict | None:
    """The qualitative verdict a completion cell gives a target, if any.

    A cell that is nothing but a verdict (``已完成。``) answers every target of
    its row.  Otherwise a clause without Arabic digits that names the target's
    indicator (at least half its characters) and holds a phrase of
    ``lexicons/link_completion.tsv`` decides it.
    """
    bare = _NOISE.sub("", cell)
    whole = [p for p in _phrases() if p.text == bare]
    if whole:
        return _decide(whole, whole_cell=True)
    if not indicator:
        return None
    hits: list[_Phrase] = []
    for clause in _CLAUSE_SPLIT.split(cell):
        if clause and not _DIGIT.search(clause) and _coverage(indicator, clause) >= _CLAUSE_COVERAGE:
            hits.extend(_phrase_hits(clause))
    return _decide(hits, whole_cell=False)


# --- comparing two records --------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Units:
    relation: Literal["same", "convertible", "flagged", "none"]
    factor: float  # multiply an actual value by this to express it in the plan's unit
    note: str = ""


def _classifier_relation(pc: str | None, ac: str | None) -> _Units:
    if not pc or not ac or pc == ac:
        return _Units("same", 1.0)
    table = _classifiers()
    pi = table.get(pc, _ClassifierInfo(pc, False))
    ai = table.get(ac, _ClassifierInfo(ac, False))
    if pi.cls == ai.cls:
        return _Units("same", 1.0, f"{pc}/{ac}")
    if why := _conflicts().get(frozenset((pi.cls, ai.cls))):
        return _Units("flagged", 1.0, why)
    if ("generic" in (pi.cls, ai.cls)) and not (pi.human or ai.human):
        return _Units("convertible", 1.0, f"{pc}/{ac}")
    return _Units("none", 1.0, f"{pc} vs {ac}")


def _unit_relation(plan: Target, actual: Target) -> _Units:
    if plan.per and actual.per and plan.per != actual.per:
        return _Units("flagged", 1.0, f"per {plan.per} vs per {actual.per}")
    if plan.unit == actual.unit:
        if plan.unit == "count":
            return _classifier_relation(plan.classifier, actual.classifier)
        return _Units("same", 1.0)
    table = _units()
    pu, au = table.get(plan.unit), table.get(actual.unit)
    if pu is None or au is None:
        return _Units("none", 1.0, f"{plan.unit} vs {actual.unit}")
    if pu.dimension == au.dimension:
        return _Units("convertible", au.factor / pu.factor, f"{actual.unit}→{plan.unit}")
    # money_cny / money_usd: the same kind of quantity, but no rate to convert.
    if pu.dimension.split("_")[0] == au.dimension.split("_")[0]:
        return _Units("flagged", 1.0, f"{plan.unit} vs {actual.unit}: not convertible")
    return _Units("none", 1.0, f"{plan.unit} vs {actual.unit}")


def _is_increment(indicator: str | None) -> bool:
    return bool(indicator) and any(w in indicator for w in _increment_words())


def _kinds_compatible(plan: Target, actual: Target, strict: bool) -> str | None:
    """Why the two kinds cannot be compared, or None when they can."""
    if (plan.kind == "change") != (actual.kind == "change"):
        return (f"{plan.kind} target, {actual.kind} result" if plan.kind == "change"
                else f"{plan.kind} target, only a change reported")
    if strict and plan.kind != actual.kind:
        return f"{plan.kind} target, {actual.kind} result"
    if _is_increment(plan.indicator) != _is_increment(actual.indicator):
        return "increment vs total"
    return None


def _rate(t: Target) -> bool:
    return t.unit in _RATE_UNITS


def _point(t: Target) -> float | None:
    if t.value is not None:
        return t.value
    if t.low is not None and t.high is not None:
        return (t.low + t.high) / 2
    return t.low if t.low is not None else t.high


def _closeness(plan: Target, actual: Target, factor: float) -> float:
    p, a = _point(plan), _point(actual)
    if p is None or a is None or p == 0 or a == 0 or (p < 0) != (a < 0):
        return 0.0
    r = abs(a * factor / p)
    return min(r, 1 / r)


def _similarity(plan: Target, actual: Target, *, cross: bool) -> float:
    """Evidence, in [0, 1], that ``actual`` reports on ``plan``'s indicator.

    Across documents the canonical indicator decides.  Within one row all
    targets often share a topic (开工, 竣工, 交付 of 安置房), so the canonical
    match only counts half and the wording the other half; an identical
    specific measure word (所, 座, 台, not the generic 个) adds evidence.
    """
    if cross:
        return indicator_similarity(plan.indicator, actual.indicator)
    if not actual.indicator:
        return _UNNAMED_SIMILARITY
    sim = (indicator_similarity(plan.indicator, actual.indicator)
           + indicator_overlap(plan.indicator, actual.indicator)) / 2
    if plan.classifier and plan.classifier == actual.classifier:
        info = _classifiers().get(plan.classifier)
        if info is None or info.cls != "generic":
            sim += _SAME_CLASSIFIER_BONUS
    return min(1.0, sim)


@dataclass(frozen=True, slots=True)
class _Candidate:
    actual: int
    score: float
    similarity: float
    units: _Units


# --- the linking itself -----------------------------------------------------

@dataclass(slots=True)
class _Link:
    """Working state of one plan target while links are chosen."""

    primary: _Candidate | None = None
    summed: list[_Candidate] = field(default_factory=list)
    repeats: list[_Candidate] = field(default_factory=list)
    scope: str = ""
    verdict: Verdict | None = None
    blocked: str = ""  # why a same-indicator result could not be compared

    def candidates(self) -> list[_Candidate]:
        head = [self.primary] if self.primary else []
        return head + self.summed + self.repeats


def _find_number(text: str, needle: str, start: int) -> int:
    """Next occurrence of ``needle`` not inside a longer number (8个 in 18个)."""
    pos = text.find(needle, start)
    while pos != -1:
        before = text[pos - 1] if pos else ""
        if not (needle[:1] in _NUMBER_CHARS and before in _NUMBER_CHARS and before):
            return pos
        pos = text.find(needle, pos + 1)
    return -1


def _in_subset(cell: str, pos: int) -> bool:
    """Whether ``pos`` sits in a sub-count: an open (含… bracket, or a clause
    after one opening with 其中 in the same sentence (其中公园绿地19.18万方,
    附属绿地19.47万方: both are parts of the total before 其中)."""
    start = max(cell.rfind(c, 0, pos) for c in _SENTENCE_ENDS) + 1
    segment = cell[start:pos]
    # Drop brackets that close before ``pos``: they qualify an earlier figure.
    while (closed := _CLOSED_BRACKET.sub("", segment)) != segment:
        segment = closed
    markers = _subset_markers()
    opening = max(segment.rfind("("), segment.rfind("（"))
    if opening != -1:
        return segment[opening + 1:].lstrip().startswith(markers)
    return any(clause.lstrip().startswith(markers) for clause in _CLAUSE_MARKS.split(segment))


def _nested(actuals: Sequence[Target], idx: Sequence[int], cell: str | None) -> set[int]:
    """Results of one row that are sub-counts of another (其中…, (含…))."""
    if not cell:
        return set()
    out = set()
    cursor = 0
    for i in sorted(idx, key=lambda k: actuals[k].start):
        pos = _find_number(cell, actuals[i].text, cursor)
        if pos == -1:
            continue
        cursor = pos + len(actuals[i].text)
        if _in_subset(cell, pos):
            out.add(i)
    return out


def _restates(a: Target, b: Target, factor: float) -> bool:
    """Whether ``a`` is ``b`` written again (summary lines repeat figures)."""
    va, vb = _point(a), _point(b)
    if va is None or vb is None or a.kind != b.kind:
        return False
    if abs(va * factor - vb) > _RESTATEMENT_TOLERANCE * max(abs(vb), 1e-12):
        return False
    if not a.indicator or not b.indicator:
        return True
    # Wording, not the canonical name: 公园绿地 and 附属绿地 are both green
    # space and may be equal in size without being one figure.
    return indicator_overlap(a.indicator, b.indicator) >= _RESTATEMENT_SIMILARITY


def _candidates(plan: Target, actuals: Sequence[Target], idx: Sequence[int],
                nested: set[int], *, cross: bool, state: _Link) -> list[_Candidate]:
    out = []
    plan_ind = lookup_indicator(plan.indicator)
    for i in idx:
        actual = actuals[i]
        if _point(actual) is None:
            continue
        sim = _similarity(plan, actual, cross=cross)
        same_canonical = plan_ind is not None and plan_ind == lookup_indicator(actual.indicator)
        strong = same_canonical or sim >= _CROSS_MIN_SIMILARITY
        if cross:
            if not strong or (plan.year is not None and actual.year != plan.year):
                continue
        elif sim < _TASK_MIN_SIMILARITY:
            continue
        units = _unit_relation(plan, actual)
        why_not = _kinds_compatible(plan, actual, strict=cross)
        if why_not or units.relation == "none":
            # Worth telling the user only when it is clearly the same indicator.
            if strong and not state.blocked:
                state.blocked = f"{actual.text}: {why_not or units.note}"
            continue
        score = sim * (_NESTED_WEIGHT if i in nested else 1.0)
        if units.relation != "flagged":
            # Nearness of the figures breaks ties between equally well named
            # results (3个 vs 6个 留用地项目).
            score += 0.1 * _closeness(plan, actual, units.factor)
        else:
            # A comparable result of the same indicator beats one that can
            # only be shown, not judged.
            score -= 0.2
        out.append(_Candidate(i, score, sim, units))
    return out


def _assign(plans: Sequence[Target], actuals: Sequence[Target], pidx: Sequence[int],
            aidx: Sequence[int], nested: set[int], states: dict[int, _Link],
            *, cross: bool) -> None:
    """Give each plan its best result, then the same figure written again."""
    pairs = []
    for p in pidx:
        for c in _candidates(plans[p], actuals, aidx, nested, cross=cross, state=states[p]):
            pairs.append((c.score, p, c))
    pairs.sort(key=lambda t: (-t[0], t[1], actuals[t[2].actual].start))
    used: set[int] = set()
    for _, p, cand in pairs:
        # Across documents one result may answer plans of several documents.
        if cand.actual in used and not cross:
            continue
        state = states[p]
        if state.primary is None:
            state.primary = cand
            state.scope = "cross" if cross else "task"
            used.add(cand.actual)
        elif (cand.units.relation == state.primary.units.relation
              and _restates(actuals[cand.actual], actuals[state.primary.actual],
                            cand.units.factor / state.primary.units.factor)):
            state.repeats.append(cand)
            used.add(cand.actual)
    if not cross:
        _add_parts(plans, actuals, pidx, aidx, nested, states, used)


def _reached(plan: Target, value: float) -> bool:
    target = _point(plan)
    return target is not None and value >= target


def _add_parts(plans: Sequence[Target], actuals: Sequence[Target], pidx: Sequence[int],
               aidx: Sequence[int], nested: set[int], states: dict[int, _Link],
               used: set[int]) -> None:
    """Sum sub-counts of one row when no single one answers an amount target."""
    open_plans = []
    for p in pidx:
        state, plan = states[p], plans[p]
        prim = state.primary
        if (prim is None or plan.kind != "amount" or _rate(plan)
                or plan.comparator in _CEILINGS or prim.units.relation == "flagged"):
            continue
        value = _point(actuals[prim.actual])
        # The time share is applied later; a sub-count sum is only worth it
        # when the single figure falls short of the whole target.
        if value is not None and not _reached(plan, value * prim.units.factor):
            open_plans.append(p)
    for a in aidx:
        if a in used or a in nested or actuals[a].kind != "amount":
            continue
        best: tuple[float, int, _Candidate] | None = None
        for p in open_plans:
            for c in _candidates(plans[p], actuals, [a], nested, cross=False, state=_Link()):
                if c.units.relation == "flagged":
                    continue
                # A part goes to the target it names best.
                if best is None or c.score > best[0]:
                    best = (c.score, p, c)
        if best is not None:
            states[best[1]].summed.append(best[2])
            used.add(a)


# --- judging ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Judgement:
    status: Status
    gap: float | None
    ratio: float | None
    rule: str


def _lower_is_better(plan: Target) -> bool:
    ind = lookup_indicator(plan.indicator)
    if ind is not None and ind.lower_is_better:
        return True
    bound = plan.value if plan.value is not None else plan.high
    return plan.kind == "change" and bound is not None and bound < 0


def _judge(plan: Target, actual: float, fraction: float, tolerance: float) -> _Judgement:
    # Only flows accumulate through the year; rates, levels and stocks do not.
    amount = plan.kind == "amount" and not _rate(plan)
    f = fraction if amount else 1.0
    lower_better = _lower_is_better(plan)

    if plan.comparator == "range" or plan.value is None:
        lo = plan.low * f if plan.low is not None else -math.inf
        hi = plan.high * f if plan.high is not None else math.inf
        gap = actual - hi if actual > hi else actual - lo if actual < lo else 0.0
        ratio = actual / lo if amount and lo not in (0, -math.inf) else None
        if lower_better:
            return _Judgement("met" if actual <= hi + _eps(hi) else "not_met", gap, ratio,
                              "range, lower is better: met at or below its top")
        if actual < lo - _eps(lo):
            return _Judgement("not_met", gap, ratio, "below the range")
        if actual > hi + _eps(hi):
            return _Judgement("exceeded", gap, ratio, "above the range's top")
        return _Judgement("met", gap, ratio, "within the range")

    target = plan.value * f
    gap = actual - target
    ratio = actual / target if amount and target else None
    big = amount and target > 0 and actual >= _EXCEEDED_RATIO * target - _eps(target)

    if plan.comparator in _CEILINGS:
        ok = actual <= target + _eps(target)
        return _Judgement("met" if ok else "not_met", gap, ratio, "ceiling")
    if plan.comparator == "~":
        band = tolerance if _rate(plan) else _AMOUNT_TOLERANCE * abs(target)
        if abs(gap) <= band + _eps(target):
            return _Judgement("met", gap, ratio, f"within ±{band:g} of an approximate target")
        if (gap < 0) == lower_better:
            return _Judgement("exceeded" if big and not lower_better else "met", gap, ratio,
                              "beyond an approximate target on the good side")
        return _Judgement("not_met", gap, ratio, "short of an approximate target")
    # Floors and plain figures: at least the target, in the good direction.
    if lower_better:
        ok = actual <= target + _eps(target)
        return _Judgement("met" if ok else "not_met", gap, ratio, "lower is better")
    if actual < target - _eps(target):
        return _Judgement("not_met", gap, ratio, "below the target")
    return _Judgement("exceeded" if big else "met", gap, ratio,
                      "at least 120% of the target" if big else "at or above the target")


def _eps(x: float) -> float:
    # Reported figures are rounded; a float rounding error must not flip a verdict.
    return 1e-9 * max(1.0, abs(x)) if math.isfinite(x) else 0.0


# --- the public functions -----------------------------------------------------

def _simple(status: str) -> str:
    return "met" if status == "exceeded" else status


def _confidence(state: _Link, actuals: Sequence[Target]) -> float:
    prim = state.primary
    if prim is None:
        return state.verdict.confidence if state.verdict else 0.0
    if prim.units.relation == "flagged":
        return 0.3
    base = 0.55 + 0.4 * prim.similarity if state.scope == "task" else 0.35 + 0.4 * prim.similarity
    if state.summed:
        base -= 0.1
    if prim.units.relation == "convertible":
        base -= 0.05
    words = {actuals[prim.actual].hedge, actuals[prim.actual].comparator_word}
    if words & _estimate_words():
        base -= 0.05
    return round(min(1.0, max(0.0, base)), 3)


def _row(plan: Target, state: _Link, actuals: Sequence[Target], fraction: float,
         tolerance: float) -> tuple[dict[str, Any], list[tuple[int, int, str]]]:
    row: dict[str, Any] = {
        "task": plan.task, "plan_start": plan.start, "plan_end": plan.end,
        "plan_text": plan.text, "indicator": plan.indicator,
        "canonical_indicator": (ind.name if (ind := lookup_indicator(plan.indicator)) else None),
        "target_value": plan.value, "target_low": plan.low, "target_high": plan.high,
        "unit": plan.unit, "comparator": plan.comparator, "kind": plan.kind, "year": plan.year,
        "actual_start": None, "actual_end": None, "actual_text": None, "actual_value": None,
        "actual_count": 0, "gap": None, "ratio": None,
    }
    cands = state.candidates()
    spans = [(actuals[c.actual].start, actuals[c.actual].end, actuals[c.actual].text) for c in cands]
    prim = state.primary
    if prim is None:
        if state.verdict is not None:
            status = state.verdict.status
            where = "completion cell" if state.verdict.whole_cell else "completion clause"
            reason = f"{where} says {state.verdict.phrase}, no figure"
        else:
            status = "unknown"
            reason = "no reported result"
            if state.blocked:
                reason += f" (not comparable: {state.blocked})"
        row.update(status=status, reason=reason)
        return row, spans

    if _point(plan) is None:
        row.update(status="unknown", reason=f"target {plan.text} has no number to judge against",
                   actual_start=actuals[prim.actual].start, actual_end=actuals[prim.actual].end,
                   actual_text=actuals[prim.actual].text, actual_count=len(cands))
        return row, spans

    first = actuals[prim.actual]
    parts = sorted([prim] + state.summed, key=lambda c: actuals[c.actual].start)
    value = sum((_point(actuals[c.actual]) or 0.0) * c.units.factor for c in parts)
    row.update(actual_start=first.start, actual_end=first.end,
               actual_text=" + ".join(actuals[c.actual].text for c in parts)
               + "".join(f" (= {actuals[c.actual].text})" for c in state.repeats),
               actual_value=value, actual_count=len(cands))
    where = f"row {plan.task}" if state.scope == "task" else "other document or row"
    notes = []
    if prim.units.relation == "flagged":
        row.update(status="unknown", reason=f"{where}: {first.text} not comparable ({prim.units.note})")
        return row, spans
    j = _judge(plan, value, fraction, tolerance)
    if state.summed:
        notes.append(f"sum of {len(parts)} results = {value:g}")
    if prim.units.relation == "convertible" and prim.units.note:
        notes.append(prim.units.note)
    if fraction != 1.0 and plan.kind == "amount" and not _rate(plan):
        notes.append(f"prorated to {fraction:.3g} of the year (序时进度)")
    words = {first.hedge, first.comparator_word}
    if words & _estimate_words():
        notes.append("estimate (预计)")
    reason = f"{where}: {row['actual_text']} vs {plan.text}: {j.rule}"
    if notes:
        reason += "; " + "; ".join(notes)
    row.update(status=j.status, gap=j.gap, ratio=j.ratio, reason=reason)
    return row, spans


def link(plans: Sequence[Target], actuals: Sequence[Target], *,
         completions: Mapping[str, str] | None = None, period: str | None = None,
         tolerance: float = 0.5) -> pd.DataFrame:
    """Link each plan target to the result(s) reported for it and judge it.

    Args:
        plans: planned targets (``role`` is not checked).
        actuals: reported results, from the same document (same ``task`` as
            their plan) or from another one.
        completions: task id → text of that task's completion cell
            (累计完成情况), for qualitative verdicts and to recognise sub-counts.
        period: the reporting period of ``actuals`` (``1-9月``, ``前三季度``);
            amounts are then judged against the time-proportional share.
        tolerance: half-width, in percentage points, of the band in which a
            ``~`` rate target counts as met (amounts use a relative 5 %).

    Returns:
        One row per plan target, in input order, with the columns of
        :data:`LINK_COLUMNS` (nullable ``Int64``/``Float64`` numbers, ``string``
        text).  ``df.attrs["actual_spans"]`` maps each row's index to the spans
        of all its results (several when summed or restated), which
        :func:`link_records` expands into pairs.
    """
    fraction = period_fraction(period)
    completions = completions or {}
    states = {p: _Link() for p in range(len(plans))}

    by_task: dict[str, list[int]] = {}
    for i, a in enumerate(actuals):
        if a.task is not None:
            by_task.setdefault(a.task, []).append(i)
    plan_tasks: dict[str, list[int]] = {}
    for p, plan in enumerate(plans):
        if plan.task is not None:
            plan_tasks.setdefault(plan.task, []).append(p)

    for task, pidx in plan_tasks.items():
        aidx = by_task.get(task, [])
        nested = _nested(actuals, aidx, completions.get(task))
        _assign(plans, actuals, pidx, aidx, nested, states, cross=False)
        if (cell := completions.get(task)) is not None:
            for p in pidx:
                if states[p].primary is None:
                    states[p].verdict = completion_verdict(plans[p].indicator, cell)

    # Targets the row did not answer look for a result elsewhere.
    for p, plan in enumerate(plans):
        state = states[p]
        if state.primary is not None or state.verdict is not None:
            continue
        others = [i for i, a in enumerate(actuals) if plan.task is None or a.task != plan.task]
        _assign(plans, actuals, [p], others, set(), states, cross=True)

    rows, spans = [], {}
    for p, plan in enumerate(plans):
        row, pair_spans = _row(plan, states[p], actuals, fraction, tolerance)
        row["status_simple"] = _simple(row["status"])
        row["confidence"] = _confidence(states[p], actuals)
        rows.append(row)
        spans[p] = pair_spans
    df = pd.DataFrame(rows, columns=list(LINK_COLUMNS))
    dtypes = {c: "Int64" for c in _INT_COLUMNS}
    dtypes.update({c: "Float64" for c in _FLOAT_COLUMNS})
    dtypes.update({c: "string" for c in LINK_COLUMNS if c not in dtypes})
    df = df.astype(dtypes)
    df.attrs[SPANS_ATTR] = spans
    return df


def _plain(value: Any) -> Any:
    """A JSON-ready scalar: pandas NA and NaN become None."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def link_records(df: pd.DataFrame, *, doc: str | None = None) -> list[dict[str, Any]]:
    """JSONL-ready link records: one per (plan, result) pair, or one per
    unanswered plan with ``actual_start``/``actual_end`` None.

    ``status`` is ``status_simple`` (the scorer knows met / not_met / unknown);
    the fine status stays in ``status_detail``.  Pairs of a summed or restated
    result all carry their plan's status.  ``doc`` is added when given, as the
    reference scorer needs it.
    """
    all_spans: Mapping[Any, Sequence[tuple[int, int, str]]] = df.attrs.get(SPANS_ATTR, {})
    out = []
    for label, rec in zip(df.index, df.to_dict("records")):
        base = {k: _plain(v) for k, v in rec.items()}
        base["status_detail"] = base["status"]
        base["status"] = base.pop("status_simple")
        if doc is not None:
            base = {"doc": doc, **base}
        spans = list(all_spans.get(label, ()))
        if not spans and base["actual_start"] is not None:
            spans = [(base["actual_start"], base["actual_end"], base["actual_text"])]
        if not spans:
            out.append(base)
            continue
        for start, end, text in spans:
            out.append({**base, "actual_start": start, "actual_end": end,
                        "actual_pair_text": text})
    return out
