"""Panels: every plan target of many documents beside its result, by region and year.

Research on target setting and escalation (层层加码) builds this table by
hand, report by report: each region's target for each indicator and year,
the target of the level above for the same indicator, and what became of it.
:func:`panel` reads every document, finds the region, level and year each
speaks for in its own text (the title, 我代表国务院 / 省人民政府, the review's
year), pairs each plan document with the documents that report on its
period (the same region's next work report, a completion report, a
communiqué of that year) and links them.

The region names and the words that give a government's level live in
``lexicons/regions.tsv``, ``lexicons/region_suffixes.txt`` and
``lexicons/region_cues.tsv``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex

from ._lexicon import LexiconError, read_lines, read_table
from .document import Document, read_document
from .indicators import lookup_indicator
from .records import Link, Target

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["panel", "Region", "read_region", "PANEL_COLUMNS", "LEVELS"]

LEVELS: tuple[str, ...] = ("national", "province", "city", "district", "county")
PANEL_COLUMNS: tuple[str, ...] = (
    "region", "level", "year", "indicator", "indicator_text", "kind", "comparator", "target_value",
    "target_low", "target_high", "unit", "plan_doc", "plan_start", "plan_end", "plan_text",
    "actual_value", "actual_doc", "actual_start", "actual_end", "actual_text", "status",
    "parent_region", "parent_target", "escalation",
)
# Where a document says who speaks: its title lines and opening sentences.
_OPENING = 600
# Genres whose figures are the results of their own year.
_SAME_YEAR_REPORTS = frozenset({"completion_report", "communique"})
# Genres that plan for the years after their own.
_PLANS = frozenset({"work_report", "five_year_plan", "action_plan", "task_list"})
_NAME_CHARS = regex.compile(r"\p{Han}{2,8}$")


@dataclass(frozen=True, slots=True)
class Region:
    """Who a document speaks for."""

    name: str | None
    level: str | None
    parent: str | None


@cache
def _regions() -> dict[str, Region]:
    out = {}
    for name, level, parent in read_table("regions.tsv", 3):
        if level not in LEVELS:
            raise LexiconError(f"regions.tsv: unknown level {level!r} for {name!r}")
        out[name] = Region(name, level, parent or None)
    return out


@cache
def _names() -> tuple[tuple[str, Region], ...]:
    """Every full and short name, longest first."""
    suffixes = read_lines("region_suffixes.txt")
    pairs = []
    for name, region in _regions().items():
        pairs.append((name, region))
        for s in suffixes:
            if name.endswith(s) and len(name) - len(s) >= 2:
                pairs.append((name[:-len(s)], region))
                break
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@cache
def _cues() -> tuple[tuple[str, str], ...]:
    rows = read_table("region_cues.tsv", 2)
    for cue, level in rows:
        if level not in LEVELS:
            raise LexiconError(f"region_cues.tsv: unknown level {level!r} for {cue!r}")
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def read_region(text: str) -> Region:
    """The region and level a document speaks for, read from its opening.

    The first cue of ``lexicons/region_cues.tsv`` gives the level; the region
    is the known name written right before it (浙江省人民政府), else the first
    known name of the opening, else the Han characters before a suffix cue.
    """
    head = text[:_OPENING]
    found: tuple[int, str, str] | None = None
    for cue, level in _cues():
        at = head.find(cue)
        if at != -1 and (found is None or at < found[0]):
            found = (at, cue, level)
    level = found[2] if found else None
    if level == "national":
        # The country is the regions.tsv row of level national.
        return next((r for r in _regions().values() if r.level == "national"),
                    Region(None, "national", None))
    before = head[:found[0]] if found else ""
    for name, region in _names():
        if before.endswith(name) and (level is None or region.level == level):
            return region
    for name, region in _names():
        if name in head and (level is None or region.level == level):
            return region
    if found and (m := _NAME_CHARS.search(before)):
        # An unlisted region: its name is what precedes the level word
        # (拱墅区人民政府 → 拱墅 + 区).
        suffix = found[1][0]
        return Region(m.group() + suffix, level, None)
    return Region(None, level, None)


# panel() runs in steps that zhtargets.dask spreads over a cluster: read each
# document (read_source), pair each plan with the documents that may report
# on it from a few fields of each (source_key, pair_sources), link each plan
# to those (plan_rows), then make the one table (panel_frame).

@dataclass(frozen=True, slots=True)
class _Source:
    doc: Document
    region: Region
    year: int | None


@dataclass(frozen=True, slots=True)
class SourceKey:
    """What pairing plans with reports reads of a document: small enough to
    gather from every worker of a cluster."""

    region: str | None
    year: int | None
    genre: str


def source_key(s: _Source) -> SourceKey:
    return SourceKey(s.region.name, s.year, s.doc.genre)


def pair_sources(keys: Sequence[SourceKey]) -> list[tuple[int, list[int]]]:
    """Each plan document's index beside the indices, in input order, of the
    documents of its region with a year: those that may report on it."""
    return [(i, [j for j, k in enumerate(keys) if j != i and k.region == plan.region
                 and k.year is not None])
            for i, plan in enumerate(keys) if plan.genre in _PLANS or plan.genre == "other"]


def panel_inputs(paths: Iterable[str | Path], meta: Any = None) -> list[tuple[Path, Mapping[str, Any] | None]]:
    """The documents of ``paths``, each with its row of ``meta`` (or ``None``)."""
    overrides = _meta_rows(meta)
    return [(p, overrides.get(str(p.resolve()))) for p in _paths(paths)]


def read_source(path: Path, meta: Mapping[str, Any] | None) -> _Source:
    """A document and who it speaks for, ``meta`` overriding its text."""
    doc = read_document(path)
    region = read_region(doc.text)
    year = doc.year or doc.title_year
    if meta:
        region = Region(meta.get("region") or region.name, meta.get("level") or region.level,
                        region.parent if meta.get("region") in (None, region.name)
                        else _known_parent(meta.get("region")))
        year = int(meta["year"]) if meta.get("year") not in (None, "") else year
    return _Source(doc, region, year)


def _known_parent(name: str | None) -> str | None:
    r = _regions().get(name) if name else None
    return r.parent if r else None


def _meta_rows(meta: Any) -> dict[str, Mapping[str, Any]]:
    """``meta`` (a DataFrame, a CSV path or rows of dicts) by resolved path."""
    if meta is None:
        return {}
    if isinstance(meta, (str, Path)):
        import pandas as pd

        meta = pd.read_csv(meta, dtype=str, keep_default_na=False)
    rows = meta.to_dict("records") if hasattr(meta, "to_dict") else list(meta)
    out = {}
    for row in rows:
        if "path" not in row:
            raise ValueError("panel meta: every row needs a 'path'")
        out[str(Path(row["path"]).resolve())] = row
    return out


def _reports_on(plan: _Source, year: int, sources: Sequence[_Source]) -> list[_Source]:
    """The documents that report on ``year`` for the plan's region."""
    out = []
    for s in sources:
        if s is plan or s.region.name != plan.region.name or s.year is None:
            continue
        genre = s.doc.genre
        if (genre in _SAME_YEAR_REPORTS and s.year == year) or (
                genre not in _SAME_YEAR_REPORTS and s.year == year + 1):
            out.append(s)
    return out


def _best(links: Sequence[Link]) -> Link:
    """Of one target's links to several reports, the one with a result."""
    return max(links, key=lambda k: (k.result is not None or k.code.startswith("words"),
                                     k.confidence))


def _year(t: Target, doc_year: int | None) -> int | None:
    """The year a target is for: the end of its period, else its document's."""
    return t.period_end if t.period_end is not None else doc_year


def plan_rows(plan: _Source, sources: Sequence[_Source], tolerance: float | None
              ) -> list[dict[str, Any]]:
    """The panel rows of one plan document, linked to those of ``sources``
    that report on its years (before escalation)."""
    options = {} if tolerance is None else {"tolerance": tolerance}
    plans = plan.doc.plans
    years = {_year(t, plan.year) for t in plans} - {None}
    found: dict[int, list[Link]] = {}
    for report in {id(r): r for y in years for r in _reports_on(plan, y, sources)}.values():
        covers = {y for y in years if report in _reports_on(plan, y, sources)}
        for i, k in enumerate(plan.doc.link(report.doc, **options)):
            if _year(k.plan, plan.year) in covers:
                found.setdefault(i, []).append(k)
    rows = []
    for i, t in enumerate(plans):
        k = _best(found[i]) if i in found else None
        result = k.result if k else None
        ind = lookup_indicator(t.indicator)
        rows.append({
            "region": plan.region.name, "level": plan.region.level,
            "year": _year(t, plan.year),
            "indicator": k.indicator if k else (ind.slug if ind else None),
            "indicator_text": t.indicator, "kind": t.kind,
            "comparator": t.comparator, "target_value": t.value, "target_low": t.low,
            "target_high": t.high, "unit": t.unit, "plan_doc": plan.doc.name,
            "plan_start": t.start, "plan_end": t.end, "plan_text": t.text,
            "actual_value": k.actual_value if k else None,
            "actual_doc": k.actual_doc if result else None,
            "actual_start": result.start if result else None,
            "actual_end": result.end if result else None,
            "actual_text": result.text if result else None,
            "status": k.status if k else "unknown",
            "parent_region": plan.region.parent,
        })
    return rows


def _escalation(rows: list[dict[str, Any]]) -> None:
    """Each row's target at the level above, and how far it goes beyond it."""
    above: dict[tuple, dict[str, Any]] = {}
    for r in rows:
        if r["indicator"] and r["target_value"] is not None:
            above.setdefault((r["region"], r["indicator"], r["kind"], r["unit"], r["year"]), r)
    for r in rows:
        parent = above.get((r["parent_region"], r["indicator"], r["kind"], r["unit"], r["year"]))
        # A region's amount is a share of its parent's, not a stricter target.
        if parent is None or r["target_value"] is None or r["kind"] == "amount":
            r["parent_target"] = r["escalation"] = None
            continue
        r["parent_target"] = parent["target_value"]
        # Rates escalate in points (7% over 6.5% is 0.5); other units in
        # their own unit.
        r["escalation"] = r["target_value"] - parent["target_value"]


def _paths(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.glob("*.txt")) if p.is_dir() else [p])
    return out


def panel(paths: Iterable[str | Path], meta: Any = None, *,
          tolerance: float | None = None) -> "pd.DataFrame":
    """One row per plan target of every document, beside its result.

    Args:
        paths: document files, or folders of ``*.txt``.
        meta: overrides for what a document's text says of itself: a
            DataFrame, a CSV file or rows of dicts with ``path`` and any of
            ``region``, ``level``, ``year``.
        tolerance: passed on to :func:`zhtargets.link`.

    Returns:
        A DataFrame with the columns of :data:`PANEL_COLUMNS`: ``region``,
        ``level`` and ``year`` of the target; ``indicator`` (the canonical
        key: ``gdp``, empty where the lexicon has none) and ``indicator_text``
        (the indicator as the plan writes it, 造林绿化); the target's fields; the result found in the
        documents reporting on that year (``unknown`` when none of the
        inputs does); ``parent_target``, the same indicator's target of the
        same kind and year in the region above when that document is among
        the inputs, and ``escalation``, the difference (points for rates).
    """
    sources = [read_source(p, m) for p, m in panel_inputs(paths, meta)]
    rows = [row for i, near in pair_sources([source_key(s) for s in sources])
            for row in plan_rows(sources[i], [sources[j] for j in near], tolerance)]
    return panel_frame(rows)


def panel_frame(rows: list[dict[str, Any]]) -> "pd.DataFrame":
    """The panel of the rows of every plan, escalation added, with fixed dtypes."""
    import pandas as pd

    _escalation(rows)
    df = pd.DataFrame(rows, columns=list(PANEL_COLUMNS))
    ints = ("year", "plan_start", "plan_end", "actual_start", "actual_end")
    floats = ("target_value", "target_low", "target_high", "actual_value", "parent_target",
              "escalation")
    return df.astype({c: "Int64" if c in ints else "Float64" if c in floats else "string"
                      for c in PANEL_COLUMNS})

