"""Link planned targets to the results reported for them.

A completion report answers its plan row by row: the row (document task) is
the first evidence that a reported figure belongs to a target, and the
indicator, unit and kind of quantity decide between the figures of one row.
Across documents there is no row: a result must name the same canonical
indicator (or nearly the same words), in a compatible unit and kind, for the
same period (:mod:`zhtargets.evidence`).  Candidates are looked up in an
index by canonical indicator, or by the character pairs of the wording, so
linking N plans against N results costs close to N, not N².

* several results of one row that together answer a target (three schools
  adding 2000 + 1800 + 1900 places against 5600) are summed when no single
  one reaches it; sub-counts (其中…, (含…)) are never added to their total;
* with no number, words decide: the completion cell of the row (已完成), or
  across documents a sentence of the report that names the indicator
  (物价调控目标没有完成).

The verdict itself is :mod:`zhtargets.judge`'s.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Literal

import regex

from ._lexicon import read_lines
from .evidence import (
    Profile,
    Units,
    char_pairs,
    closeness,
    kinds_compatible,
    pair_overlap,
    periods_compatible,
    profile,
    similarity,
    starting_value,
    unit_relation,
)
from .indicators import indicator_overlap
from .judge import (
    DEFAULT_TOLERANCE,
    Verdict,
    completion_verdict,
    is_rate,
    judge,
    period_fraction,
    point,
    read_statements,
    reason,
    stated_verdict,
)
from .records import LINK_COLUMNS, STATUSES, Link, Links, Target, link_row
from .structure import Structure
from .surroundings import Surroundings

__all__ = [
    "link",
    "link_records",
    "sentences",
    "same_numbering",
    "reported",
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
# Across documents nothing but the indicator vouches for the link.
_CROSS_MIN_SIMILARITY = 0.8
# A result must share at least this share of a plan's character pairs to be
# looked at when no canonical indicator names the plan; below it the
# wording cannot reach _CROSS_MIN_SIMILARITY.
_MIN_SHARED_PAIRS = 0.5
# Above this many results of one canonical indicator, the wording narrows
# the candidates; a character pair in more than this share of all results
# (and at least this many) is too common to narrow anything.
_BUCKET = 32
# Across documents, when neither an indicator name nor the wording of the
# indicator phrase decides, the words around both figures may: their
# weighted cosine (surroundings.py) must reach this.
_SURROUNDINGS_MIN = 0.25
# Such weak evidence also wants the two figures of one order: a result less
# than half or more than twice its target is more likely another item (a
# broader aggregate, a five-year total) than the same one.
_SURROUNDINGS_NEAR = 0.5
# Candidates by wording: those sharing nearly as many pairs as the best one.
_NEAR_BEST = 0.8
_COMMON_PAIR_SHARE = 0.05
_COMMON_PAIR_MIN = 200
# A sub-count (其中…) is a weaker answer than the total it belongs to.
_NESTED_WEIGHT = 0.6
# Two figures of one row that differ by less than this share are the same
# result written twice (3200余人 and 3214名 new high-level talents).
_RESTATEMENT_TOLERANCE = 0.02
_RESTATEMENT_SIMILARITY = 0.6
# A report restating a task of its plan, maybe shortened or reworded, shares
# at least this share of the shorter statement's character pairs; and a
# report keeps its plan's numbering when most of its numbered tasks do so.
_SAME_TASK_SHARE = 0.6
_SAME_NUMBERING_SHARE = 0.5

_SENTENCE_ENDS = "。;；!！?？\n"
_SENTENCE = regex.compile(r"[^。;；!！?？\n]+")
_CLAUSE_MARKS = regex.compile(r"[,，:：]")
_CLOSED_BRACKET = regex.compile(r"[(（][^()（）]*[)）]")
_NUMBER_CHARS = frozenset("0123456789.")


@cache
def _subset_markers() -> tuple[str, ...]:
    return read_lines("link_subset_markers.txt")


@cache
def _estimate_words() -> frozenset[str]:
    return frozenset(read_lines("link_estimate_words.txt"))


# --- sub-counts and restatements within a row ----------------------------------

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


# --- the linking itself -----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Candidate:
    actual: int
    score: float
    similarity: float
    units: Units


@dataclass(slots=True)
class _Link:
    """Working state of one plan target while links are chosen."""

    primary: _Candidate | None = None
    summed: list[_Candidate] = field(default_factory=list)
    repeats: list[_Candidate] = field(default_factory=list)
    scope: Literal["task", "cross", ""] = ""
    verdict: Verdict | None = None
    blocked: str = ""  # why a same-indicator result could not be compared


class _Index:
    """Results by canonical indicator and by the character pairs of their wording."""

    def __init__(self, profiles: Sequence[Profile]):
        self.by_indicator: dict[str, list[int]] = defaultdict(list)
        self.by_pair: dict[str, list[int]] = defaultdict(list)
        for i, prof in enumerate(profiles):
            if prof.indicator is not None:
                self.by_indicator[prof.indicator.slug].append(i)
            for pair in prof.pairs:
                self.by_pair[pair].append(i)
        # A pair most results share (新增, 建设) tells none of them apart.
        self.common = max(_COMMON_PAIR_MIN, _COMMON_PAIR_SHARE * len(profiles))

    def _close(self, prof: Profile) -> set[int]:
        """Results sharing the most of the plan's informative character pairs,
        and at least half of them."""
        informative = [p for p in prof.pairs if len(self.by_pair.get(p, ())) <= self.common]
        pairs = informative or list(prof.pairs)
        hits = Counter(i for pair in pairs for i in self.by_pair.get(pair, ()))
        if not hits:
            return set()
        need = max(_MIN_SHARED_PAIRS * len(pairs), _NEAR_BEST * max(hits.values()))
        return {i for i, n in hits.items() if n >= need}

    def lookup(self, prof: Profile) -> list[int]:
        """Results that may name the plan's indicator, in text order.

        A plan naming a canonical indicator looks at the results naming it;
        when they are many (学位 of a hundred schools), at those among them
        worded like the plan, if any.
        """
        if prof.indicator is None:
            return sorted(self._close(prof))
        named = self.by_indicator.get(prof.indicator.slug, [])
        if len(named) <= _BUCKET:
            return named
        return sorted(self._close(prof).intersection(named)) or named


class _Linker:
    def __init__(self, plans: Sequence[Target], actuals: Sequence[Target],
                 plan_source: str | None, report_source: str | None):
        self.plans, self.actuals = plans, actuals
        self.pprof = [profile(t, plan_source) for t in plans]
        self.aprof = [profile(t, report_source) for t in actuals]
        # Across documents the first figure of a from-to pair is where the
        # period started, never what it reached.
        self.starting = {i for i, t in enumerate(actuals) if starting_value(t, report_source)}
        self.states = [_Link() for _ in plans]

    def candidates(self, p: int, idx: Sequence[int], nested: set[int], *, cross: bool,
                   state: _Link) -> list[_Candidate]:
        plan, pp = self.plans[p], self.pprof[p]
        out = []
        for i in idx:
            actual, ap = self.actuals[i], self.aprof[i]
            if point(actual) is None or (cross and i in self.starting):
                continue
            same = pp.indicator is not None and pp.indicator == ap.indicator
            sim = similarity(plan, actual, pp, ap, cross=cross)
            strong = same or sim >= _CROSS_MIN_SIMILARITY
            if cross:
                if not strong or not periods_compatible(plan, actual):
                    continue
            elif sim < _TASK_MIN_SIMILARITY:
                continue
            units = unit_relation(plan, actual)
            why_not = kinds_compatible(plan, actual, strict=cross, same_indicator=same and cross)
            if why_not or units.relation == "none":
                # Worth telling the user only when it is clearly the same indicator.
                if strong and not state.blocked:
                    state.blocked = f"{actual.text}: {why_not or units.note}"
                continue
            score = sim * (_NESTED_WEIGHT if i in nested else 1.0)
            if units.relation != "flagged":
                # Within a row, nearness of the figures breaks ties between
                # equally well named results (3个 vs 6个 留用地项目).  Across
                # documents it would favour a restated target over the
                # result; the first mention (the review's headline) wins.
                score += 0.0 if cross else 0.1 * closeness(plan, actual, units.factor)
            else:
                # A comparable result of the same indicator beats one that
                # can only be shown, not judged.
                score -= 0.2
            if cross and same:
                # Among results of one canonical indicator, the wording
                # decides (第3片区新增学位 against 第5片区新增学位).
                score += 0.1 * pair_overlap(pp, ap)
            if cross:
                # Across documents, a figure read as a result is better
                # evidence than a target restated in the review (年初提出的
                # 4%左右的目标), and a figure of the plan's own kind better
                # than one read otherwise.
                score += 0.1 * (actual.role == "actual") + 0.05 * (actual.kind == plan.kind)
                # A decline answers a decline target (能耗…转为下降1.2%).
                score += 0.05 * _same_sign(plan, actual)
            out.append(_Candidate(i, score, sim, units))
        return out

    def assign(self, pidx: Sequence[int], aidx: Sequence[int] | None, nested: set[int],
               *, cross: bool, index: _Index | None = None) -> None:
        """Give each plan its best result, then the same figure written again."""
        pairs = []
        for p in pidx:
            pool = aidx if index is None else [
                i for i in index.lookup(self.pprof[p])
                if self.plans[p].task is None or self.actuals[i].task != self.plans[p].task]
            for c in self.candidates(p, pool, nested, cross=cross, state=self.states[p]):
                pairs.append((c.score, p, c))
        pairs.sort(key=lambda t: (-t[0], t[1], self.actuals[t[2].actual].start))
        used: set[int] = set()
        for _, p, cand in pairs:
            # Across documents one result may answer plans of several documents.
            if cand.actual in used and not cross:
                continue
            state = self.states[p]
            if state.primary is None:
                state.primary = cand
                state.scope = "cross" if cross else "task"
                used.add(cand.actual)
            elif (cand.units.relation == state.primary.units.relation
                  and _restates(self.actuals[cand.actual], self.actuals[state.primary.actual],
                                cand.units.factor / state.primary.units.factor)):
                state.repeats.append(cand)
                used.add(cand.actual)
        if not cross and aidx is not None:
            self.add_parts(pidx, aidx, nested, used)

    def assign_by_surroundings(self, pidx: Sequence[int], plan_source: str,
                               report_source: str) -> None:
        """Link plans no indicator name answered by the words around the figures.

        Only results no other plan took, of a kind and unit some waiting plan
        has, are read; each result answers at most one plan here, so two
        budget items of different purpose never share one reported sum.
        """
        taken = {c.actual for s in self.states if s.primary is not None
                 for c in [s.primary, *s.repeats]}
        wanted = {(self.plans[p].kind, self.plans[p].unit) for p in pidx}
        open_results = [i for i, a in enumerate(self.actuals)
                        if i not in taken and i not in self.starting and point(a) is not None
                        and (a.kind, a.unit) in wanted]
        if not open_results:
            return
        around = Surroundings(plan_source, [self.plans[p] for p in pidx],
                              report_source, [self.actuals[i] for i in open_results])
        pairs = []
        for k, p in enumerate(pidx):
            plan, pp = self.plans[p], self.pprof[p]
            for j in around.candidates(k):
                i = open_results[j]
                actual, ap = self.actuals[i], self.aprof[i]
                if (pp.indicator is not None and ap.indicator is not None
                        and pp.indicator != ap.indicator):
                    continue
                same = pp.indicator is not None and pp.indicator == ap.indicator
                if not periods_compatible(plan, actual) or kinds_compatible(
                        plan, actual, strict=True, same_indicator=same):
                    continue
                units = unit_relation(plan, actual)
                if units.relation not in ("same", "convertible"):
                    continue
                near = closeness(plan, actual, units.factor)
                if near < _SURROUNDINGS_NEAR:
                    continue
                sim = around.similarity(k, j)
                # Between two results named alike, the nearer figure is the
                # likelier answer.
                score = sim * (1 + near) / 2
                if sim >= _SURROUNDINGS_MIN:
                    pairs.append((score, p, _Candidate(i, score, sim, units)))
        pairs.sort(key=lambda t: (-t[0], t[1], self.actuals[t[2].actual].start))
        used: set[int] = set()
        for _, p, cand in pairs:
            state = self.states[p]
            if state.primary is None and cand.actual not in used:
                state.primary, state.scope = cand, "cross"
                used.add(cand.actual)

    def add_parts(self, pidx: Sequence[int], aidx: Sequence[int], nested: set[int],
                  used: set[int]) -> None:
        """Sum sub-counts of one row when no single one answers an amount target."""
        open_plans = []
        for p in pidx:
            state, plan = self.states[p], self.plans[p]
            prim = state.primary
            if (prim is None or plan.kind != "amount" or is_rate(plan)
                    or plan.comparator in _CEILINGS or prim.units.relation == "flagged"):
                continue
            value, target = point(self.actuals[prim.actual]), point(plan)
            # The time share is applied later; a sub-count sum is only worth
            # it when the single figure falls short of the whole target.
            if value is not None and target is not None and value * prim.units.factor < target:
                open_plans.append(p)
        for a in aidx:
            if a in used or a in nested or self.actuals[a].kind != "amount":
                continue
            best: tuple[float, int, _Candidate] | None = None
            for p in open_plans:
                for c in self.candidates(p, [a], nested, cross=False, state=_Link()):
                    if c.units.relation == "flagged":
                        continue
                    # A part goes to the target it names best.
                    if best is None or c.score > best[0]:
                        best = (c.score, p, c)
            if best is not None:
                self.states[best[1]].summed.append(best[2])
                used.add(a)



def _same_sign(plan: Target, actual: Target) -> bool:
    p, a = point(plan), point(actual)
    return p is not None and a is not None and (p < 0) == (a < 0)


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
             tolerance: float, prof: Profile) -> Link:
    """The typed link of one plan: its results, the judgement and the reasons."""
    ind = prof.indicator
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
         actual_doc: str | None = None, plan_source: str | None = None,
         report_source: str | None = None, statements: Sequence[str] = ()) -> Links:
    """Link each plan target to the result(s) reported for it and judge it.

    Args:
        plans: planned targets (``role`` is not checked).
        actuals: reported results, from the same document (same ``task`` as
            their plan) or from another one.  Only results: a report's own
            targets are no answer to a plan.
        completions: task id → text of that task's completion cell
            (累计完成情况), for qualitative verdicts and to recognise sub-counts.
        period: the reporting period of ``actuals`` (``1-9月``, ``前三季度``);
            amounts are then judged against the time-proportional share.
        tolerance: points of rounding a ``~`` (左右) rate target allows on its
            bad side (other ``~`` targets allow 5 %).
        plan_doc, actual_doc: document names written into each link.
        plan_source, report_source: the texts the plans and results index,
            so that a record whose indicator phrase names nothing known can
            borrow the indicator of its clause.
        statements: sentences of the report that may judge a target in words
            (物价调控目标没有完成) when no figure answers it.

    Returns:
        One :class:`~zhtargets.records.Link` per plan target, in input order
        (``Links.to_frame()`` gives the table).
    """
    fraction = period_fraction(period)
    completions = completions or {}
    linker = _Linker(plans, actuals, plan_source, report_source)
    states = linker.states

    by_task: dict[str, list[int]] = defaultdict(list)
    for i, a in enumerate(actuals):
        if a.task is not None:
            by_task[a.task].append(i)
    plan_tasks: dict[str, list[int]] = defaultdict(list)
    for p, plan in enumerate(plans):
        if plan.task is not None:
            plan_tasks[plan.task].append(p)

    for task, pidx in plan_tasks.items():
        aidx = by_task.get(task, [])
        nested = _nested(actuals, aidx, completions.get(task))
        linker.assign(pidx, aidx, nested, cross=False)
        if (cell := completions.get(task)) is not None:
            for p in pidx:
                if states[p].primary is None:
                    states[p].verdict = completion_verdict(plans[p].indicator, cell,
                                                           sole=len(pidx) == 1)
                    states[p].scope = "task" if states[p].verdict else ""

    # Targets the row did not answer look for a result elsewhere.
    waiting = [p for p, s in enumerate(states) if s.primary is None and s.verdict is None]
    if waiting:
        linker.assign(waiting, None, set(), cross=True, index=_Index(linker.aprof))
        if plan_source is not None and report_source is not None \
                and plan_source is not report_source:
            linker.assign_by_surroundings([p for p in waiting if states[p].primary is None],
                                          plan_source, report_source)
    said = read_statements(statements)
    for p in waiting:
        if states[p].primary is None and said:
            states[p].verdict = stated_verdict(plans[p].indicator, linker.pprof[p].indicator, said)
            states[p].scope = "cross" if states[p].verdict else ""

    out = Links()
    for p, plan in enumerate(plans):
        k = _verdict(plan, states[p], actuals, fraction, tolerance, linker.pprof[p])
        out.append(_with_docs(k, plan_doc, actual_doc))
    return out


def sentences(text: str, start: int = 0, end: int | None = None) -> list[str]:
    """The sentences of ``text[start:end]`` (for ``statements``)."""
    return [m.group() for m in _SENTENCE.finditer(text, start, len(text) if end is None else end)]


def reported(targets: Sequence[Target], year: int | None) -> list[Target]:
    """What a document of ``year`` reports as done: its results, and any
    figure for a period that ended before that year (a review sentence read
    as a plan still speaks of the past).  Never a target for later."""
    return [t for t in targets if t.role == "actual" or (
        year is not None and t.period_end is not None and t.period_end < year)]


def same_numbering(plan: Structure, report: Structure) -> dict[str, str]:
    """Report task id → plan task id, where the report keeps the plan's numbering.

    A task list and its separately published completion report number their
    tasks alike (the 1月 分解表 and the 12月 完成情况); a report numbered
    otherwise shares no rows with the plan.
    """
    numbered = {t.number: t for t in plan.tasks if t.number is not None}
    report_numbered = [t for t in report.tasks if t.number is not None]
    out = {}
    for t in report_numbered:
        twin = numbered.get(t.number)
        if twin is not None and _same_task(plan.text(twin), report.text(t)):
            out[t.id] = twin.id
    # Two outlines that agree here and there by chance (two years' work
    # reports) do not share a numbering.
    if len(out) < _SAME_NUMBERING_SHARE * len(report_numbered):
        return {}
    return out


def _same_task(a: str, b: str) -> bool:
    pa, pb = char_pairs(a), char_pairs(b)
    return bool(pa and pb) and len(pa & pb) >= _SAME_TASK_SHARE * min(len(pa), len(pb))


def _with_docs(k: Link, plan_doc: str | None, actual_doc: str | None) -> Link:
    if plan_doc is None and actual_doc is None:
        return k
    return replace(k, plan_doc=plan_doc, actual_doc=actual_doc)


def link_records(links: Sequence[Link], *, doc: str | None = None) -> list[dict[str, Any]]:
    """JSONL-ready link records: one per (plan, result) pair, or one per
    unanswered plan with ``actual_start``/``actual_end`` None.

    ``status`` is ``status_simple`` (the scorer knows met / not_met / unknown);
    the fine status stays in ``status_detail``.  Pairs of a summed or restated
    result all carry their plan's status.  ``doc`` is added when given, as the
    reference scorer needs it.
    """
    out = []
    for k in links:
        base = link_row(k)
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
