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

__all__ = ["Target", "Targets", "to_frame", "register_html", "COMPARATORS", "KINDS", "ROLES", "AGGREGATES", "PERIOD_SOURCES", "ATTRIBUTES"]

Comparator = Literal[">=", ">", "<=", "<", "~", "=", "range"]
Kind = Literal["change", "level", "amount"]
Role = Literal["plan", "actual"]
Aggregate = Literal["average", "cumulative"]
PeriodSource = Literal["stated", "heading", "document"]
Attribute = Literal["expected", "binding"]

COMPARATORS: tuple[str, ...] = (">=", ">", "<=", "<", "~", "=", "range")
KINDS: tuple[str, ...] = ("change", "level", "amount")
ROLES: tuple[str, ...] = ("plan", "actual")
AGGREGATES: tuple[str, ...] = ("average", "cumulative")
PERIOD_SOURCES: tuple[str, ...] = ("stated", "heading", "document")
ATTRIBUTES: tuple[str, ...] = ("expected", "binding")


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
            sentence), ``heading`` (a heading scoping the lines below it) or
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
    quantity: Any = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain fields (no pint object), ready for JSON."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "quantity"}


class Targets(list):
    """The list ``extract`` returns: a plain list of :class:`Target` that also
    shows itself as a table in Jupyter and turns into a DataFrame."""

    def to_frame(self) -> pd.DataFrame:
        return to_frame(self)

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


_DTYPES = {
    "start": "Int64", "end": "Int64", "value": "Float64", "low": "Float64",
    "high": "Float64", "year": "Int64", "period_start": "Int64", "period_end": "Int64",
    "comparator": "category", "kind": "category", "role": "category", "unit": "category",
}
COLUMNS = tuple(f.name for f in fields(Target) if f.name != "quantity")


def to_frame(targets: Iterable[Target]) -> pd.DataFrame:
    """One row per record; numbers nullable (Int64/Float64), text as ``string``."""
    import pandas as pd

    df = pd.DataFrame([t.to_dict() for t in targets], columns=list(COLUMNS))
    return df.astype({c: _DTYPES.get(c, "string") for c in COLUMNS})
