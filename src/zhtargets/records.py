"""The typed records every stage speaks, and their DataFrame form.

This is the bottom layer: it imports nothing of the package.  Views that show
records (HTML tables in a notebook) register themselves here through
:func:`register_html`; the package root does that wiring, so a record can
display itself without this module knowing any view.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Target", "Targets", "Link", "Links", "to_frame", "links_to_frame", "link_row", "LINK_COLUMNS",
    "STATUSES",
    "register_html", "register_vocabulary", "vocabularies",
    "COMPARATORS", "KINDS", "ROLES", "AGGREGATES", "PERIOD_SOURCES", "ATTRIBUTES",
]

Comparator = Literal[">=", ">", "<=", "<", "~", "=", "range"]
Kind = Literal["change", "level", "amount"]
Role = Literal["plan", "actual"]
Aggregate = Literal["average", "cumulative"]
PeriodSource = Literal["stated", "heading", "document"]
Attribute = Literal["expected", "binding"]
Status = Literal["met", "exceeded", "not_met", "unknown"]
Scope = Literal["task", "cross"]

COMPARATORS: tuple[str, ...] = (">=", ">", "<=", "<", "~", "=", "range")
KINDS: tuple[str, ...] = ("change", "level", "amount")
ROLES: tuple[str, ...] = ("plan", "actual")
AGGREGATES: tuple[str, ...] = ("average", "cumulative")
PERIOD_SOURCES: tuple[str, ...] = ("stated", "heading", "document")
ATTRIBUTES: tuple[str, ...] = ("expected", "binding")
STATUSES: tuple[str, ...] = ("met", "exceeded", "not_met", "unknown")


@dataclass(frozen=True, slots=True)
class Target:
    """One quantitative target or reported result found in a text.

    Offsets are half-open and index the text the caller passed in, so
    ``text[t.start:t.end] == t.text`` always holds.

    Attributes:
        start, end: half-open character span of the quantity expression.
        text: the expression as written (``730亿元以上``).
        value: the number with multipliers applied (730亿元 → 7.3e10); signed
            for changes (下降2.5% → -2.5); ``None`` for ranges.
        low, high: bounds of a range (``1-2个``), else ``None``.
        unit: unit name as in ``corpus/GUIDELINES.md`` (``yuan``, ``percent``,
            ``percentage_point``, ``mu``, ``m**2``, ``kW``, ``count`` …).
        quantity: ``value`` (or the range midpoint) as a pint Quantity of the
            extractor's registry; ``None`` for a range without bounds.
        classifier: the measure word of a count (个, 家, 人次), simplified.
        per: the denominator of a per-capita or density value (万人, 人).
        comparator: ``>=`` ``>`` ``<=`` ``<`` ``~`` ``=`` or ``range``.
        comparator_word: the comparator as written (以上, 超过, 左右 …).
        hedge: the commitment or status word governing the number as written
            (确保, 力争, 预计, 累计 …), so users can code hard and soft targets.
        kind: ``change`` (a rate of change), ``level`` (a stated level of a
            ratio, density or stock) or ``amount`` (a count or sum delivered).
        indicator: what is measured, in simplified characters.
        year: the year the number applies to when the text states it.
        role: ``plan`` (a target), ``actual`` (a reported result) or ``None``.
        rule: the name of the rule that produced the record.
        task: the id of the document task holding the record, when known.
        period_start, period_end: the years the number applies to as its
            document implies them (the report year for a plan part, the year
            before for a review of 过去一年, 2021 and 2025 for a 十四五 review or
            a 到2025年 target); ``None`` when nothing says.
        aggregate: ``average`` for 年均 figures, ``cumulative`` for 累计 or
            five-year totals, ``None`` for a figure of one period.
        period_source: where the period came from: ``stated`` (in the
            sentence), ``heading`` (a heading scoping the lines below it, or
            a time opening an earlier sentence of the paragraph) or
            ``document`` (the document's year and the part it sits in).
        attribute: ``expected`` (预期性) or ``binding`` (约束性) where an
            indicator table or the sentence says so.
    """

    start: int
    end: int
    text: str
    value: float | None
    low: float | None
    high: float | None
    unit: str
    classifier: str | None
    per: str | None
    comparator: Comparator
    comparator_word: str | None
    hedge: str | None
    kind: Kind
    indicator: str | None
    year: int | None
    role: Role | None
    rule: str
    task: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    aggregate: Aggregate | None = None
    period_source: PeriodSource | None = None
    attribute: Attribute | None = None
    # A pint Quantity, or the recipe the extractor leaves for building one on
    # first use (pint costs a second to import and set up, which a command
    # writing JSON never needs); see the ``quantity`` property.
    _quantity: Any = field(default=None, compare=False, repr=False)

    @property
    def quantity(self) -> Any:
        """``value`` (or the range midpoint) as a pint Quantity, built on first use."""
        q = self._quantity
        if hasattr(q, "build"):
            q = q.build(self.magnitude, self.unit)
            # Frozen, but a cache of what the record already determines.
            object.__setattr__(self, "_quantity", q)
        return q

    @property
    def magnitude(self) -> float | None:
        """``value``, or the midpoint of a range, or ``None``."""
        if self.value is not None:
            return self.value
        if self.low is not None and self.high is not None:
            return (self.low + self.high) / 2
        return None

    def to_dict(self) -> dict[str, Any]:
        """Plain fields (no pint object), ready for JSON."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "_quantity"}


# A console repr of a long document's records would run to megabytes; past
# this many the list shows its first records and a count.
_REPR_ITEMS = 10


def _short_repr(items: list, name: str, show: Callable[[Any], str]) -> str:
    if len(items) <= _REPR_ITEMS:
        return list.__repr__(items)
    head = ", ".join(show(x) for x in items[:3])
    return f"{name}({len(items)} records: {head}, …)"


class Targets(list):
    """The list ``extract`` returns: a plain list of :class:`Target` that also
    shows itself as a table in Jupyter and turns into a DataFrame."""

    def to_frame(self) -> pd.DataFrame:
        return to_frame(self)

    def __repr__(self) -> str:
        return _short_repr(self, "Targets", lambda t: repr(t.text))

    def _repr_html_(self) -> str | None:
        return html_view(self)


@dataclass(frozen=True, slots=True)
class Link:
    """A plan target beside the result(s) reported for it, and the verdict.

    Plain fields only (records and numbers), so links pickle and cross
    process boundaries like targets do.

    Attributes:
        plan: the planned target.
        results: the result(s) that answer it, first the one that decides;
            several when sub-counts of one row are summed (三所学校 2000 +
            1800 + 1900 against 5600).  Empty when nothing was found.
        restated: the same result written again elsewhere (a summary line
            repeating a figure); shown, never added.
        status: ``met``, ``exceeded``, ``not_met`` or ``unknown``.
        code: the machine code of the rule that decided (``reached``,
            ``ceiling_broken``, ``words_met``, ``no_result`` …; see
            ``lexicons/link_reasons.tsv``).
        reason: the verdict in Chinese, with both figures, for a ledger.
        detail: the evidence in English: where the result came from and
            which rule applied, for whoever checks the link.
        actual_value: the result in the plan's unit (summed when several).
        gap: result minus target (for a range, the distance to the nearer
            bound; 0 inside it).
        ratio: result / target, for amounts only.
        confidence: how sure the link and verdict are, 0 to 1.
        indicator: the canonical indicator key (``gdp``), when known.
        scope: ``task`` (found in the plan's own row) or ``cross`` (in
            another row or document); ``None`` without a result.
        plan_doc, actual_doc: names of the plan's document and of the one
            its result was sought in, when known.
    """

    plan: Target
    results: tuple[Target, ...] = ()
    restated: tuple[Target, ...] = ()
    status: Status = "unknown"
    code: str = "no_result"
    reason: str = ""
    detail: str = ""
    actual_value: float | None = None
    gap: float | None = None
    ratio: float | None = None
    confidence: float = 0.0
    indicator: str | None = None
    scope: Scope | None = None
    plan_doc: str | None = None
    actual_doc: str | None = None

    @property
    def status_simple(self) -> str:
        """``status`` with ``exceeded`` folded into ``met``."""
        return "met" if self.status == "exceeded" else self.status

    @property
    def result(self) -> Target | None:
        """The result that decides the verdict, if any."""
        return self.results[0] if self.results else None


class Links(list):
    """The list ``link`` returns: a plain list of :class:`Link`, one per plan
    target in input order, that also turns into a DataFrame."""

    def to_frame(self) -> pd.DataFrame:
        """One row per link, the columns of :data:`LINK_COLUMNS`."""
        return links_to_frame(self)

    def __repr__(self) -> str:
        return _short_repr(self, "Links", lambda k: f"{k.plan.text!r} {k.status}")

    def _repr_html_(self) -> str | None:
        return html_view(self)


# Keyed by "module.QualName" so a view can be registered for a class without
# importing the module that defines it (as IPython's for_type_by_name does).
_HTML_VIEWS: dict[str, Callable[[Any], str]] = {}


def register_html(qualified_name: str, view: Callable[[Any], str]) -> None:
    """Show instances of the class ``qualified_name`` (``"zhtargets.records.Targets"``)
    in notebooks as ``view(instance)``; a later registration replaces an earlier one."""
    _HTML_VIEWS[qualified_name] = view


def html_view(obj: Any) -> str | None:
    """``obj`` as HTML by the view registered for its class (or a base class);
    ``None`` when there is none, which notebooks take as "show the text repr"."""
    for cls in type(obj).__mro__:
        view = _HTML_VIEWS.get(f"{cls.__module__}.{cls.__qualname__}")
        if view is not None:
            return view(obj)
    return None


_NUMBERS = {
    "start": "Int64", "end": "Int64", "value": "Float64", "low": "Float64",
    "high": "Float64", "year": "Int64", "period_start": "Int64", "period_end": "Int64",
}
COLUMNS = tuple(f.name for f in fields(Target) if f.name != "_quantity")

# The closed vocabularies of categorical columns.  Fixed categories let frames
# of different documents, batches or workers concatenate as categoricals and
# round-trip through parquet.  Vocabularies read from lexicons (units) are
# registered by the layer that reads them, as a function called on first use.
_VOCABULARIES: dict[str, tuple[str, ...] | Callable[[], Iterable[str]]] = {
    "comparator": COMPARATORS, "kind": KINDS, "role": ROLES, "aggregate": AGGREGATES,
    "period_source": PERIOD_SOURCES, "attribute": ATTRIBUTES,
    "status": STATUSES, "status_simple": STATUSES,
}


def register_vocabulary(column: str, values: Callable[[], Iterable[str]]) -> None:
    """Make ``column`` categorical in every frame, with the categories
    ``values()`` returns (called on first use)."""
    _VOCABULARIES[column] = values


def vocabularies() -> dict[str, tuple[str, ...]]:
    """Each categorical column's categories, in their fixed order."""
    out = {}
    for column, values in list(_VOCABULARIES.items()):
        if callable(values):
            values = _VOCABULARIES[column] = tuple(values())
        out[column] = values
    return out


def to_frame(targets: Iterable[Target]) -> pd.DataFrame:
    """One row per record: numbers nullable (Int64/Float64), the closed
    vocabularies (comparator, kind, role, unit, aggregate, period_source,
    attribute) categorical with fixed categories, other text ``string``.

    A unit outside the bundled lexicon's (from an Extractor's own unit words)
    is appended to that frame's categories rather than lost.
    """
    import pandas as pd

    df = pd.DataFrame([t.to_dict() for t in targets], columns=list(COLUMNS))
    return _typed(df, _NUMBERS)


def _typed(df: pd.DataFrame, numbers: dict[str, str]) -> pd.DataFrame:
    """``df`` with nullable numbers, fixed categoricals and ``string`` text.

    A value outside a column's fixed vocabulary (a unit from an Extractor's
    own unit words) is appended to that frame's categories rather than lost.
    """
    import pandas as pd

    cats = vocabularies()
    dtypes: dict[str, Any] = {}
    for c in df.columns:
        if c in cats:
            extra = sorted(set(df[c].dropna()) - set(cats[c]))
            dtypes[c] = pd.CategoricalDtype([*cats[c], *extra])
        else:
            dtypes[c] = numbers.get(c, "string")
    return df.astype(dtypes)


LINK_COLUMNS: tuple[str, ...] = (
    "task", "plan_start", "plan_end", "plan_text", "indicator", "canonical_indicator",
    "target_value", "target_low", "target_high", "unit", "comparator", "kind", "year",
    "period_start", "period_end", "actual_start", "actual_end", "actual_text", "actual_value", "actual_count",
    "status", "status_simple", "gap", "ratio", "confidence", "reason",
    "reason_code", "detail", "plan_doc", "actual_doc",
)
_LINK_INTS = ("plan_start", "plan_end", "year", "period_start", "period_end", "actual_start", "actual_end", "actual_count")
_LINK_FLOATS = ("target_value", "target_low", "target_high", "actual_value", "gap",
                "ratio", "confidence")
_LINK_NUMBERS = {c: "Int64" if c in _LINK_INTS else "Float64" for c in (*_LINK_INTS, *_LINK_FLOATS)}


def _link_row(link: Link) -> dict:
    plan, first = link.plan, link.result
    text = None
    if first is not None:
        text = (" + ".join(r.text for r in link.results)
                + "".join(f" (= {r.text})" for r in link.restated))
    return {
        "task": plan.task, "plan_start": plan.start, "plan_end": plan.end,
        "plan_text": plan.text, "indicator": plan.indicator,
        "canonical_indicator": link.indicator,
        "target_value": plan.value, "target_low": plan.low, "target_high": plan.high,
        "unit": plan.unit, "comparator": plan.comparator, "kind": plan.kind, "year": plan.year,
        "period_start": plan.period_start, "period_end": plan.period_end,
        "actual_start": first.start if first else None,
        "actual_end": first.end if first else None,
        "actual_text": text, "actual_value": link.actual_value,
        "actual_count": len(link.results) + len(link.restated),
        "status": link.status, "status_simple": link.status_simple,
        "gap": link.gap, "ratio": link.ratio, "confidence": link.confidence,
        "reason": link.reason, "reason_code": link.code, "detail": link.detail,
        "plan_doc": link.plan_doc, "actual_doc": link.actual_doc,
    }


def link_row(link: Link) -> dict:
    """The row of :func:`links_to_frame` for one link, as plain Python values
    typed as the frame's columns (``None`` for a missing value), built without
    pandas: a command writing JSON lines need not import it."""
    row = _link_row(link)
    for c in _LINK_INTS:
        if row[c] is not None:
            row[c] = int(row[c])
    for c in _LINK_FLOATS:
        if row[c] is not None:
            row[c] = None if row[c] != row[c] else float(row[c])   # NaN is missing
    return row


def links_to_frame(links: Iterable[Link]) -> pd.DataFrame:
    """One row per plan target: its fields, its (first) result, the verdict.

    Several summed results are joined with `` + `` in ``actual_text``; a
    figure restated elsewhere follows as ``(= …)``.
    """
    import pandas as pd

    df = pd.DataFrame([_link_row(k) for k in links], columns=list(LINK_COLUMNS))
    return _typed(df, _LINK_NUMBERS)
