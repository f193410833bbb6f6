"""Link planned targets to the results reported for them.

A completion report answers its plan row by row: the row (document task) is
the first evidence that a reported figure belongs to a target, and the
indicator, unit and kind of quantity decide between the figures of one row.
Across documents there is no row, so a link needs the same canonical
indicator, a compatible unit, the same kind and the same year.

* a change target is answered only by a change result, never a level; units
  convert through ``lexicons/link_units.tsv``; yuan against USD, and persons
  against person-times (名 vs 人次), are linked but judged ``unknown``;
* several results of one row that together answer a target (three schools
  adding 2000 + 1800 + 1900 places against 5600) are summed when no single
  one reaches it; sub-counts (其中…, (含…)) are never added to their total;
* with no number, the completion cell's words decide.

The verdict itself is :mod:`zhtargets.judge`'s.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Literal

import regex

from ._lexicon import LexiconError, read_lines, read_table
from .indicators import (
    indicator_overlap,
    indicator_similarity,
    lookup_indicator,
)
from .judge import (
    DEFAULT_TOLERANCE,
    Verdict,
    completion_verdict,
    is_rate,
    judge,
    period_fraction,
    point,
    reason,
)
from .records import LINK_COLUMNS, STATUSES, Link, Links, Target

__all__ = [
    "link",
    "link_records",
    "period_fraction",
    "completion_verdict",
    "Verdict",
    "LINK_COLUMNS",
    "STATUSES",
]

_CEILINGS = frozenset({"<=", "<"})
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

_SENTENCE_ENDS = "。;；!！?？\n"
_CLAUSE_MARKS = regex.compile(r"[,，:：]")
_CLOSED_BRACKET = regex.compile(r"[(（][^()（）]*[)）]")
_NUMBER_CHARS = frozenset("0123456789.")


# --- lexicons -------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _UnitInfo:
    dimension: str
    factor: float


@dataclass(frozen=True, slots=True)
class _ClassifierInfo:
    cls: str
    human: bool


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
def _subset_markers() -> tuple[str, ...]:
    return read_lines("link_subset_markers.txt")


@cache
def _increment_words() -> tuple[str, ...]:
    return read_lines("link_increment_words.txt")


@cache
def _estimate_words() -> frozenset[str]:
    return frozenset(read_lines("link_estimate_words.txt"))


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


def _closeness(plan: Target, actual: Target, factor: float) -> float:
    p, a = point(plan), point(actual)
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
    scope: Literal["task", "cross", ""] = ""
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
    va, vb = point(a), point(b)
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
        if point(actual) is None:
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
    target = point(plan)
    return target is not None and value >= target


def _add_parts(plans: Sequence[Target], actuals: Sequence[Target], pidx: Sequence[int],
               aidx: Sequence[int], nested: set[int], states: dict[int, _Link],
               used: set[int]) -> None:
    """Sum sub-counts of one row when no single one answers an amount target."""
    open_plans = []
    for p in pidx:
        state, plan = states[p], plans[p]
        prim = state.primary
        if (prim is None or plan.kind != "amount" or is_rate(plan)
                or plan.comparator in _CEILINGS or prim.units.relation == "flagged"):
            continue
        value = point(actuals[prim.actual])
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


# --- the public functions -----------------------------------------------------

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



def _verdict(plan: Target, state: _Link, actuals: Sequence[Target], fraction: float,
             tolerance: float) -> Link:
    """The typed link of one plan: its results, the judgement and the reasons."""
    ind = lookup_indicator(plan.indicator)
    base = dict(plan=plan, indicator=ind.slug if ind else None,
                confidence=_confidence(state, actuals), scope=state.scope or None)
    where = (reason("where_task", task=plan.task) if state.scope == "task"
             else reason("where_cross"))
    prim = state.primary
    if prim is None:
        if (v := state.verdict) is not None:
            place = "completion cell" if v.whole_cell else "completion clause"
            return Link(status=v.status, code=f"words_{v.status}",
                        reason=reason(f"words_{v.status}", where=where, phrase=v.phrase),
                        detail=f"{place} says {v.phrase}, no figure", **base)
        detail, text = "no reported result", reason("no_result")
        if state.blocked:
            detail += f" (not comparable: {state.blocked})"
            text += "；" + reason("note_blocked", why=state.blocked)
        return Link(status="unknown", code="no_result", reason=text, detail=detail, **base)

    # The deciding result first, then the sub-counts summed with it in text order.
    summed = sorted(state.summed, key=lambda c: actuals[c.actual].start)
    parts = tuple(actuals[c.actual] for c in [prim, *summed])
    restated = tuple(actuals[c.actual] for c in state.repeats)
    shown = " + ".join(t.text for t in parts)
    scope_word = f"row {plan.task}" if state.scope == "task" else "other document or row"
    base.update(results=parts, restated=restated)
    if point(plan) is None:
        return Link(status="unknown", code="no_target_number",
                    reason=reason("no_target_number", where=where, actual=shown, plan=plan.text),
                    detail=f"target {plan.text} has no number to judge against", **base)
    if prim.units.relation == "flagged":
        return Link(status="unknown", code="not_comparable",
                    reason=reason("not_comparable", where=where, actual=shown, plan=plan.text,
                                  why=prim.units.note),
                    detail=f"{scope_word}: {parts[0].text} not comparable ({prim.units.note})",
                    **base)
    value = sum((point(actuals[c.actual]) or 0.0) * c.units.factor for c in [prim, *summed])
    j = judge(plan, value, fraction, tolerance)
    notes, zh_notes = [], []
    if len(parts) > 1:
        notes.append(f"sum of {len(parts)} results = {value:g}")
        zh_notes.append(reason("note_summed", n=len(parts), value=f"{value:g}"))
    if prim.units.relation == "convertible" and prim.units.note:
        notes.append(prim.units.note)
        zh_notes.append(reason("note_converted", why=prim.units.note))
    if fraction != 1.0 and plan.kind == "amount" and not is_rate(plan):
        notes.append(f"prorated to {fraction:.3g} of the year (序时进度)")
        zh_notes.append(reason("note_prorated", fraction=f"{fraction:.3g}"))
    if {parts[0].hedge, parts[0].comparator_word} & _estimate_words():
        notes.append("estimate (预计)")
        zh_notes.append(reason("note_estimate"))
    detail = f"{scope_word}: {shown} vs {plan.text}: {j.code}"
    text = reason(j.code, where=where, actual=shown, plan=plan.text, band=f"{j.band:g}")
    return Link(status=j.status, code=j.code,
                reason="；".join([text, *zh_notes]),
                detail="; ".join([detail, *notes]),
                actual_value=value, gap=j.gap, ratio=j.ratio, **base)


def link(plans: Sequence[Target], actuals: Sequence[Target], *,
         completions: Mapping[str, str] | None = None, period: str | None = None,
         tolerance: float = DEFAULT_TOLERANCE, plan_doc: str | None = None,
         actual_doc: str | None = None) -> Links:
    """Link each plan target to the result(s) reported for it and judge it.

    Args:
        plans: planned targets (``role`` is not checked).
        actuals: reported results, from the same document (same ``task`` as
            their plan) or from another one.
        completions: task id → text of that task's completion cell
            (累计完成情况), for qualitative verdicts and to recognise sub-counts.
        period: the reporting period of ``actuals`` (``1-9月``, ``前三季度``);
            amounts are then judged against the time-proportional share.
        tolerance: points of rounding a ``~`` (左右) rate target allows on its
            bad side (other ``~`` targets allow 5 %).
        plan_doc, actual_doc: document names written into each link.

    Returns:
        One :class:`~zhtargets.records.Link` per plan target, in input order
        (``Links.to_frame()`` gives the table).
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
                    states[p].scope = "task" if states[p].verdict else ""

    # Targets the row did not answer look for a result elsewhere.
    for p, plan in enumerate(plans):
        state = states[p]
        if state.primary is not None or state.verdict is not None:
            continue
        others = [i for i, a in enumerate(actuals) if plan.task is None or a.task != plan.task]
        _assign(plans, actuals, [p], others, set(), states, cross=True)

    out = Links()
    for p, plan in enumerate(plans):
        k = _verdict(plan, states[p], actuals, fraction, tolerance)
        out.append(_with_docs(k, plan_doc, actual_doc))
    return out


def _with_docs(k: Link, plan_doc: str | None, actual_doc: str | None) -> Link:
    if plan_doc is None and actual_doc is None:
        return k
    return replace(k, plan_doc=plan_doc, actual_doc=actual_doc)


def _plain(value: Any) -> Any:
    """A JSON-ready scalar: pandas NA and NaN become None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if type(value).__name__ == "NAType":
        return None
    return value


def link_records(links: Sequence[Link], *, doc: str | None = None) -> list[dict[str, Any]]:
    """JSONL-ready link records: one per (plan, result) pair, or one per
    unanswered plan with ``actual_start``/``actual_end`` None.

    ``status`` is ``status_simple`` (the scorer knows met / not_met / unknown);
    the fine status stays in ``status_detail``.  Pairs of a summed or restated
    result all carry their plan's status.  ``doc`` is added when given, as the
    reference scorer needs it.
    """
    df = Links(links).to_frame()
    out = []
    for k, rec in zip(links, df.to_dict("records")):
        base = {c: _plain(v) for c, v in rec.items()}
        base["status_detail"] = base["status"]
        base["status"] = base.pop("status_simple")
        if doc is not None:
            base = {"doc": doc, **base}
        pairs = k.results + k.restated
        if not pairs:
            out.append(base)
            continue
        for t in pairs:
            out.append({**base, "actual_start": t.start, "actual_end": t.end,
                        "actual_pair_text": t.text})
    return out
