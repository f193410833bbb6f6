"""Judge a planned target against the result reported for it.

The one place the judging rules live (plots and ledgers ask here):

* floors (``>=``, ``>``, and ``=`` for amounts and counts, since a plan count
  is a floor in practice) are met when the result reaches the target;
* ceilings (``<=``, ``<``; 控制在…以内) are met when the result stays at or
  below it;
* ``~`` (左右, 约) follows the practice of research on target attainment: a
  rate is met when the result reaches the target, allowing ``tolerance``
  points of rounding (0.1 by default); any other quantity when it reaches
  95 % of the target;
* "reaching" is from below unless the indicator is one where lower is better
  (prices, unemployment, PM2.5, intensities; the ``-`` rows of
  ``lexicons/indicators.tsv``) or the target is a decline (a negative change):
  then floors, ``=`` and ``~`` bound the result from above;
* ranges are met at or above ``low`` and ``exceeded`` above ``high``;
* ``exceeded`` is kept for clear cases: above a range's top, or at least 120 %
  of an amount target (kind ``amount``, not a rate);
* with a reporting period (1-9月, 前三季度), amounts are judged against their
  time-proportional share (序时进度); rates, levels and stocks are not;
* with no number, words decide (已完成, 如期完成 → met; 未完成, 没有完成 →
  not_met; 暂无法预估 → unknown), from ``lexicons/link_completion.tsv``.

Every verdict carries a machine code and a Chinese reason from
``lexicons/link_reasons.tsv``.
"""
from __future__ import annotations

import math
from string import Formatter
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

import regex

from ._lexicon import LexiconError, read_table
from .indicators import Indicator, char_pairs, find_indicators, lookup_indicator, normalize_indicator
from .records import Status, Target

__all__ = [
    "judge", "Judgement", "point", "is_rate", "lower_is_better", "reason",
    "period_fraction", "completion_verdict", "Verdict", "DEFAULT_TOLERANCE",
    "Statement", "read_statements", "stated_verdict",
]

# Points of rounding a 左右 rate target allows below itself (8%左右 is met by
# 7.9%): reported rates carry one decimal.
DEFAULT_TOLERANCE = 0.1
_RATE_UNITS = frozenset({"percent", "percentage_point"})
_CEILINGS = frozenset({"<=", "<"})
# ``~`` on anything that is not a rate: 2亿元左右 is met from 1.9亿元.
_AMOUNT_TOLERANCE = 0.05
# An amount at 120 % of its target is "clearly beyond" it; below that the
# difference is within what planners round to.
_EXCEEDED_RATIO = 1.2
# Share of the indicator's characters a clause must contain to be taken as
# speaking about that target.
_CLAUSE_COVERAGE = 0.5

_CLAUSE_SPLIT = regex.compile(r"[,，。;；:：!！?？\n]+")
_DIGIT = regex.compile(r"\d")
_NOISE = regex.compile(r"[\s\p{P}\p{S}]+")


@cache
def _month_patterns() -> dict[str, regex.Pattern]:
    """``span`` and ``end`` month patterns of ``lexicons/month_patterns.tsv``."""
    return {form: regex.compile(pattern) for form, pattern in read_table("month_patterns.tsv", 2)}


# --- the figures ---------------------------------------------------------------

def is_rate(t: Target) -> bool:
    return t.unit in _RATE_UNITS


def point(t: Target) -> float | None:
    """The value a target is judged by: its value, else its range's midpoint."""
    if t.value is not None:
        return t.value
    if t.low is not None and t.high is not None:
        return (t.low + t.high) / 2
    return t.low if t.low is not None else t.high


def lower_is_better(plan: Target) -> bool:
    ind = lookup_indicator(plan.indicator)
    if ind is not None and ind.lower_is_better:
        return True
    bound = plan.value if plan.value is not None else plan.high
    return plan.kind == "change" and bound is not None and bound < 0


def _eps(x: float) -> float:
    # Reported figures are rounded; a float rounding error must not flip a verdict.
    return 1e-9 * max(1.0, abs(x)) if math.isfinite(x) else 0.0


# --- the rules -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Judgement:
    status: Status
    gap: float | None
    ratio: float | None
    code: str
    band: float = 0.0


def judge(plan: Target, actual: float, fraction: float = 1.0,
          tolerance: float = DEFAULT_TOLERANCE) -> Judgement:
    """The verdict on ``plan`` for a result of ``actual`` (in the plan's unit).

    ``fraction`` is the share of the year the result covers; ``tolerance``
    the points of rounding a ``~`` rate target allows.
    """
    # Only flows accumulate through the year; rates, levels and stocks do not.
    amount = plan.kind == "amount" and not is_rate(plan)
    f = fraction if amount else 1.0
    lower = lower_is_better(plan)

    if plan.comparator == "range" or plan.value is None:
        lo = plan.low * f if plan.low is not None else -math.inf
        hi = plan.high * f if plan.high is not None else math.inf
        gap = actual - hi if actual > hi else actual - lo if actual < lo else 0.0
        ratio = actual / lo if amount and lo not in (0, -math.inf) else None
        if lower:
            ok = actual <= hi + _eps(hi)
            return Judgement("met" if ok else "not_met", gap, ratio,
                             "range_lower_kept" if ok else "range_lower_broken")
        if actual < lo - _eps(lo):
            return Judgement("not_met", gap, ratio, "range_below")
        if actual > hi + _eps(hi):
            return Judgement("exceeded", gap, ratio, "range_above")
        return Judgement("met", gap, ratio, "range_within")

    target = plan.value * f
    gap = actual - target
    ratio = actual / target if amount and target else None
    big = amount and target > 0 and actual >= _EXCEEDED_RATIO * target - _eps(target)

    if plan.comparator in _CEILINGS:
        ok = actual <= target + _eps(target)
        return Judgement("met" if ok else "not_met", gap, ratio,
                         "ceiling_kept" if ok else "ceiling_broken")
    band = 0.0
    if plan.comparator == "~":
        band = tolerance if is_rate(plan) else _AMOUNT_TOLERANCE * abs(target)
    slack = band + _eps(target)
    if lower:
        ok = actual <= target + slack
        return Judgement("met" if ok else "not_met", gap, ratio,
                         "lower_kept" if ok else "lower_broken", band)
    if actual < target - slack:
        return Judgement("not_met", gap, ratio, "below", band)
    if big:
        return Judgement("exceeded", gap, ratio, "exceeded", band)
    return Judgement("met", gap, ratio, "reached_within" if gap < 0 else "reached", band)


# --- reasons -------------------------------------------------------------------

@cache
def _reasons() -> dict[str, str]:
    return dict(read_table("link_reasons.tsv", 2))


def reason(code: str, **fields: object) -> str:
    """The Chinese reason of ``code``, its placeholders filled from ``fields``."""
    try:
        template = _reasons()[code]
    except KeyError:
        raise LexiconError(f"link_reasons.tsv: no reason for code {code!r}") from None
    out = []
    for literal, name, spec, conv in Formatter().parse(template):
        # A value may already end with the words the template puts after it
        # (目标5.5%以内 + 以内): say them once.
        if out and (overlap := _overlap(out[-1], literal)):
            literal = literal[overlap:]
        out.append(literal)
        if name is not None:
            if name not in fields:
                raise LexiconError(f"link_reasons.tsv: reason {code!r} needs {{{name}}}")
            value = fields[name]
            out.append(format("" if value is None else value, spec or ""))
    return "".join(out)


def _overlap(value: str, literal: str) -> int:
    """Length of the longest word (two characters or more) ending ``value``
    and starting ``literal``."""
    for n in range(min(len(value), len(literal)), 1, -1):
        if value.endswith(literal[:n]):
            return n
    return 0


# --- reporting periods ---------------------------------------------------------------

@cache
def _periods() -> tuple[tuple[str, float], ...]:
    name = "link_periods.tsv"
    rows = []
    for word, frac in read_table(name, 2):
        try:
            rows.append((word, float(frac)))
        except ValueError as exc:
            raise LexiconError(f"{name}: {frac!r} is not a number") from exc
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def period_fraction(period: str | None) -> float:
    """Share of the year a reporting period covers (``1-9月`` → 0.75).

    ``None`` means a full year.  Month spans with digits, ``截至9月底`` and the
    words of ``lexicons/link_periods.tsv`` are understood; anything else raises
    ``ValueError`` rather than silently judging against the full target.
    """
    if period is None:
        return 1.0
    text = unicodedata.normalize("NFKC", period).strip()
    if m := _month_patterns()["span"].search(text):
        first, last = int(m.group(1)), int(m.group(2))
        if 1 <= first <= last <= 12:
            return (last - first + 1) / 12
    for word, fraction in _periods():
        if word in text:
            return fraction
    if (m := _month_patterns()["end"].search(text)) and 1 <= int(m.group(1)) <= 12:
        return int(m.group(1)) / 12
    raise ValueError(f"unknown reporting period {period!r}")


# --- verdicts in words -----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str
    verdict: Literal["exceeded", "met", "not_met", "unknown"]
    confidence: float


@dataclass(frozen=True, slots=True)
class Verdict:
    """A verdict stated in words (已完成, 目标没有完成)."""

    status: Literal["exceeded", "met", "not_met", "unknown"]
    confidence: float
    phrase: str
    whole_cell: bool


@cache
def _phrases() -> tuple[_Phrase, ...]:
    name = "link_completion.tsv"
    out = []
    for text, verdict, conf in read_table(name, 3):
        if verdict not in {"exceeded", "met", "not_met", "unknown"}:
            raise LexiconError(f"{name}: bad verdict {verdict!r} for {text!r}")
        try:
            out.append(_Phrase(text, verdict, float(conf)))  # type: ignore[arg-type]
        except ValueError as exc:
            raise LexiconError(f"{name}: {conf!r} is not a number") from exc
    return tuple(sorted(out, key=lambda p: -len(p.text)))


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
    for status in ("not_met", "unknown", "exceeded", "met"):
        chosen = [h for h in hits if h.verdict == status]
        if chosen:
            best = max(chosen, key=lambda h: (h.confidence, len(h.text)))
            return Verdict(status, best.confidence, best.text, whole_cell)  # type: ignore[arg-type]
    return None


def _coverage(indicator: str, clause: str, *, pairs: bool) -> float:
    """The share of the indicator's characters, or of its character pairs,
    found in ``clause``.

    Pairs keep a report's other sentences apart: 长期建设国债 shares 建, 设 and
    国 with a clause on 重大工程建成…开工建设, but of its pairs only 建设.
    Within a task's own completion cell the row has already said which task
    the cell is about, and the cell names its parts in short (“安居守护”工程
    for 2000户高龄独居老人“安居守护”工程): characters suffice.
    """
    words = normalize_indicator(indicator)
    units = char_pairs(words) if pairs else frozenset(words)
    if not units:
        return 0.0
    return sum(u in clause for u in units) / len(units)


def completion_verdict(indicator: str | None, cell: str, *, sole: bool = False) -> Verdict | None:
    """The verdict a completion cell gives a target in words, if any.

    A cell that is nothing but a verdict (``已完成。``) answers every target of
    its row, and a clause that is nothing but one (受选址影响，未完成) the
    ``sole`` target of its row.  Otherwise a clause without Arabic digits
    that names the target's indicator (at least half its characters) and
    holds a phrase of ``lexicons/link_completion.tsv`` decides it.
    """
    bare = _NOISE.sub("", cell)
    whole = [p for p in _phrases() if p.text == bare]
    if whole:
        return _decide(whole, whole_cell=True)
    statements = read_statements([cell])
    if sole and (bare_clauses := [h for st in statements for h in st.hits
                                  if h.text == _NOISE.sub("", st.clause)]):
        return _decide(bare_clauses, whole_cell=False)
    return stated_verdict(indicator, None, statements, pairs=False)


@dataclass(frozen=True, slots=True)
class Statement:
    """A clause of a report that gives a verdict in words, read once."""

    clause: str
    names: frozenset[str]     # canonical indicators the clause names
    hits: tuple[_Phrase, ...]


def read_statements(sentences: Sequence[str]) -> list[Statement]:
    """The clauses without figures that hold a verdict phrase."""
    out = []
    for sentence in sentences:
        for clause in _CLAUSE_SPLIT.split(sentence):
            if not clause or _DIGIT.search(clause) or not (hits := _phrase_hits(clause)):
                continue
            names = frozenset(i.slug for _, _, i in find_indicators(clause))
            out.append(Statement(clause, names, tuple(hits)))
    return out


def stated_verdict(indicator: str | None, canonical: Indicator | None,
                   statements: Sequence[Statement], *, pairs: bool = True) -> Verdict | None:
    """The verdict the statements give a target: those naming its canonical
    indicator by any name (物价 for 居民消费价格), or half its character pairs
    (characters, with ``pairs=False``, inside a task's own completion cell)."""
    hits: list[_Phrase] = []
    for st in statements:
        if (canonical is not None and canonical.slug in st.names) or (
                indicator and _coverage(indicator, st.clause, pairs=pairs) >= _CLAUSE_COVERAGE):
            hits.extend(st.hits)
    return _decide(hits, whole_cell=False)
