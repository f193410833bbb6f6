"""Charts of targets against results.

:func:`plot_targets` draws one row per plan target: the target as a bound
(a tick with an arrow into the allowed side, for ≥ / ≤), a range (a bar) or a
point (◇, for ≈ / =), and the reported result as a dot coloured by its status.
Targets of one document mix percentages, yuan and counts, so each row is put
on the same scale by dividing by its own target: 100 % is the target, and a
decline target (−2.5 %) reads as 100 % when the decline is reached.  The exact
figures stand at the right of each row.

:func:`plot_summary` counts statuses, overall and by lead unit.

Figures are built with :class:`matplotlib.figure.Figure`, not pyplot, so no
backend is switched and no global figure list grows: outside a notebook they
save through Agg, inside one they display like any figure.  Chinese labels use
an installed CJK font (Noto Sans CJK, Source Han, WenQuanYi …); without one
the characters the default font lacks are replaced, so drawing never warns
about missing glyphs.
"""
from __future__ import annotations

import math
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pandas as pd

from .indicators import lower_is_better

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.font_manager import FontProperties

__all__ = ["plot_targets", "plot_summary", "STATUS_COLOURS", "cjk_font"]

STATUS_COLOURS: Mapping[str, str] = MappingProxyType({
    "met": "#2ca02c",
    "exceeded": "#1f77b4",
    "not_met": "#d62728",
    "unknown": "#8c8c8c",
})
_STATUS_ORDER: tuple[str, ...] = ("met", "exceeded", "not_met", "unknown")
_TARGET_COLOUR = "#333333"
_RANGE_COLOUR = "#b0b0b0"

# Families tried in order; SC faces first so Han characters take their
# mainland forms.
_CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC",
    "Hiragino Sans GB", "Noto Sans CJK JP", "Noto Serif CJK SC", "AR PL UMing CN",
    "Droid Sans Fallback",
)
_FLOORS = frozenset({">=", ">"})
_CEILINGS = frozenset({"<=", "<"})
# Shares of the target beyond these are drawn at the edge; the exact figures
# are printed beside the row anyway.
_X_MIN, _X_MAX = -1.0, 3.0
_ARROW = 0.35
_ROW_INCHES = 0.32
_MISSING_RUN = "…"


# --------------------------------------------------------------------------
# Fonts

@dataclass(frozen=True)
class _Font:
    props: FontProperties
    charmap: frozenset[int] | None  # None: the font covers CJK, no filtering


@cache
def _font() -> _Font:
    from matplotlib import font_manager
    from matplotlib.font_manager import FontProperties

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in installed:
            # DejaVu Sans second: matplotlib falls back to it per glyph for
            # symbols the CJK face lacks.
            return _Font(FontProperties(family=[family, "DejaVu Sans"]), None)
    # A font installed after matplotlib built its cache is not in ttflist;
    # fontconfig still knows it, and a file path needs no cache.
    path = _fontconfig_cjk()
    if path:
        return _Font(FontProperties(fname=path), None)
    from matplotlib.ft2font import FT2Font

    props = FontProperties(family="DejaVu Sans")
    charmap = frozenset(FT2Font(font_manager.findfont(props)).get_charmap())
    return _Font(props, charmap)


def _fontconfig_cjk() -> str | None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run([fc_list, ":lang=zh", "file"], capture_output=True, text=True,
                             timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    paths = sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})
    # matplotlib reads TrueType/OpenType (and collections); prefer sans faces.
    usable = [p for p in paths if p.lower().endswith((".ttf", ".otf", ".ttc"))]
    usable.sort(key=lambda p: ("sans" not in p.lower(), p))
    return usable[0] if usable else None


def cjk_font() -> FontProperties | None:
    """The CJK font the charts use, or ``None`` when none is installed."""
    font = _font()
    return font.props if font.charmap is None else None


def _label(text: Any) -> str:
    """``text`` made safe to draw: no mathtext, no glyphs the font lacks."""
    s = "" if _missing(text) else str(text)
    s = s.replace("$", r"\$")
    charmap = _font().charmap
    if charmap is None:
        return s
    out: list[str] = []
    for ch in s:
        if ord(ch) in charmap or ch in "\n":
            out.append(ch)
        elif not out or out[-1] != _MISSING_RUN:
            out.append(_MISSING_RUN)
    return "".join(out)


# --------------------------------------------------------------------------
# Helpers

def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return isinstance(value, float) and math.isnan(value)
    except TypeError:
        return False


def _float(value: Any) -> float | None:
    if _missing(value):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _new_figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _clip(x: float) -> float:
    return min(_X_MAX, max(_X_MIN, x))


@dataclass(frozen=True, slots=True)
class _Row:
    y: int
    label: str
    note: str
    ref: float | None
    comparator: str
    low: float | None
    high: float | None
    actual: float | None
    status: str
    direction: int  # +1 / -1: side of a bound, in share-of-target space


def _reference(target: float | None, low: float | None, high: float | None) -> float | None:
    if target is not None:
        return target
    if low is not None and high is not None:
        return (low + high) / 2
    return low if low is not None else high


def _direction(comparator: str, ref: float, indicator: Any) -> int:
    """Which way from the target the allowed values lie, once divided by it.

    Follows link's rules: ceilings bound from above; floors from below,
    unless lower is better or the target is a decline.
    """
    if comparator in _CEILINGS:
        value_side = -1
    else:
        flip = bool(lower_is_better(None if _missing(indicator) else str(indicator))) or ref < 0
        value_side = -1 if flip else 1
    return value_side if ref > 0 else -value_side


def _rows(frame: pd.DataFrame) -> list[_Row]:
    rows = []
    for y, rec in enumerate(frame.to_dict("records")):
        target = _float(rec.get("target_value"))
        low, high = _float(rec.get("target_low")), _float(rec.get("target_high"))
        ref = _reference(target, low, high)
        ref = None if ref == 0 else ref
        comparator = "" if _missing(rec.get("comparator")) else str(rec["comparator"])
        if comparator == "range" and (low is None or high is None):
            comparator = ">=" if low is not None else "<="
        indicator = rec.get("indicator")
        name = indicator if not _missing(indicator) else rec.get("plan_text")
        task = rec.get("task")
        label = _label(name) + ("" if _missing(task) else f" [{_label(task)}]")
        result = rec.get("actual_text")
        note = f"{_label(rec.get('plan_text'))} → {'—' if _missing(result) else _label(result)}"
        status = rec.get("status")
        rows.append(_Row(
            y=y, label=label, note=note, ref=ref, comparator=comparator, low=low, high=high,
            actual=_float(rec.get("actual_value")),
            status=str(status) if not _missing(status) else "unknown",
            direction=_direction(comparator, ref, indicator) if ref is not None else 1,
        ))
    return rows


def _x_range(rows: Sequence[_Row]) -> tuple[float, float]:
    """From 0 (or the lowest value) to 200 % (or the highest), within the clip."""
    xs = [1.0 + r.direction * _ARROW for r in rows if r.ref is not None]
    for r in rows:
        if r.ref is None:
            continue
        xs += [v / r.ref for v in (r.low, r.high, r.actual) if v is not None]
    lo = math.floor(min([0.0, *xs]) * 2) / 2
    hi = math.ceil(max([2.0, *xs]) * 2) / 2
    return max(_X_MIN, lo), min(_X_MAX, hi)


# --------------------------------------------------------------------------
# Targets against results

def plot_targets(link_frame: pd.DataFrame, ax: Axes | None = None, *,
                 max_rows: int | None = None, title: str | None = None) -> Figure | SubFigure:
    """One row per plan target: the target's shape and the result's dot.

    Args:
        link_frame: :func:`zhtargets.link.link` output (plan_text, indicator,
            target_value, target_low, target_high, comparator, actual_text,
            actual_value, status, task), or a ledger frame (its
            target_text / result_text; lines without a target are skipped).
        ax: draw into these axes; a new figure sized to the rows otherwise.
        max_rows: draw only the first rows.
        title: axes title.

    Returns:
        The figure (the axes' own figure or subfigure when ``ax`` is given).
        Artists carry gids for inspection: ``zt-target-point``,
        ``zt-target-bound`` and ``zt-target-range`` for targets,
        ``zt-result-<status>`` for results.  A row whose target is zero or
        missing shows its label only: there is nothing to divide by.
    """
    frame = link_frame
    if "plan_text" not in frame.columns and "target_text" in frame.columns:
        frame = frame.rename(columns={"target_text": "plan_text", "result_text": "actual_text"})
    if "plan_text" in frame.columns:
        # A ledger keeps a line for a task without targets: nothing to plot.
        frame = frame[frame["plan_text"].notna()]
    if max_rows is not None:
        frame = frame.iloc[:max_rows]
    rows = _rows(frame)
    n = len(rows)
    own = ax is None
    fig: Figure | SubFigure
    if ax is None:
        fig = _new_figure(10.0, max(2.5, _ROW_INCHES * n + 1.6))
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    font = _font().props

    points = [(_clip(1.0), r.y) for r in rows if r.ref is not None and r.comparator not in
              _FLOORS | _CEILINGS | {"range"}]
    bounds = [r for r in rows if r.ref is not None and r.comparator in _FLOORS | _CEILINGS]
    ranges = [r for r in rows if r.ref is not None and r.comparator == "range"]

    for r in rows:
        if r.ref is not None and r.actual is not None:
            ax.plot([1.0, _clip(r.actual / r.ref)], [r.y, r.y], color="#d0d0d0", lw=1,
                    zorder=1, gid="zt-connector")
    if ranges:
        lefts = [_clip(min(r.low / r.ref, r.high / r.ref)) for r in ranges]  # type: ignore[operator]
        rights = [_clip(max(r.low / r.ref, r.high / r.ref)) for r in ranges]  # type: ignore[operator]
        ax.barh([r.y for r in ranges], [b - a for a, b in zip(lefts, rights)], left=lefts,
                height=0.45, color=_RANGE_COLOUR, edgecolor=_TARGET_COLOUR, lw=0.8, zorder=2,
                gid="zt-target-range", label="target range")
    if bounds:
        ax.scatter([1.0] * len(bounds), [r.y for r in bounds], marker="|", s=220,
                   color=_TARGET_COLOUR, linewidths=2, zorder=3, gid="zt-target-bound",
                   label="target bound (≥ / ≤)")
        for r in bounds:
            ax.annotate("", xy=(1.0 + r.direction * _ARROW, r.y), xytext=(1.0, r.y),
                        arrowprops={"arrowstyle": "->", "color": _TARGET_COLOUR, "lw": 1.2},
                        zorder=3, gid="zt-target-arrow")
    if points:
        ax.scatter([p[0] for p in points], [p[1] for p in points], marker="D", s=45,
                   facecolors="white", edgecolors=_TARGET_COLOUR, linewidths=1.5, zorder=3,
                   gid="zt-target-point", label="target (≈ / =)")
    for status in _STATUS_ORDER + tuple(sorted({r.status for r in rows} - set(_STATUS_ORDER))):
        hits = [r for r in rows if r.status == status and r.ref is not None
                and r.actual is not None]
        if hits:
            ax.scatter([_clip(r.actual / r.ref) for r in hits], [r.y for r in hits],  # type: ignore[operator]
                       s=55, color=STATUS_COLOURS.get(status, "#000000"), edgecolors="white",
                       linewidths=0.8, zorder=4, gid=f"zt-result-{status}",
                       label=f"result: {status}")

    ax.axvline(1.0, color="#999999", lw=0.8, ls=":", zorder=0)
    lo, hi = _x_range(rows)
    ax.set_xlim(lo - 0.1, hi + 0.1)
    ticks = [t for t in (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0) if lo <= t <= hi]
    ax.set_xticks(ticks, labels=[f"≥{t:.0%}" if t >= _X_MAX else
                                 f"≤{t:.0%}" if t <= _X_MIN else f"{t:.0%}" for t in ticks])
    ax.set_xlabel("share of target (target = 100%)")
    # Inverted so the first target of the document is the top row.
    ax.set_ylim(max(n, 1) - 0.5, -0.5)
    ax.set_yticks([r.y for r in rows], labels=[r.label for r in rows], fontproperties=font)
    ax.grid(axis="x", color="#eeeeee", zorder=0)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    notes = ax.twinx()
    notes.set_ylim(ax.get_ylim())
    notes.set_yticks([r.y for r in rows], labels=[r.note for r in rows], fontproperties=font,
                     fontsize=8)
    notes.tick_params(axis="y", length=0)
    # A verdict read from words (已完成) has no dot to colour: the note says it.
    for text, r in zip(notes.get_yticklabels(), rows):
        text.set_color(STATUS_COLOURS.get(r.status, "#555555"))
    for side in ("top", "right", "left", "bottom"):
        notes.spines[side].set_visible(False)
    # On a figure of our own the key sits above the rows, out of the data's
    # way, and the title above it; in someone else's axes, stay inside them.
    if own:
        if title:
            fig.suptitle(_label(title), fontproperties=font)
        if n:
            ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=4, fontsize=8,
                      frameon=False, borderaxespad=0.3)
    else:
        if title:
            ax.set_title(_label(title), fontproperties=font)
        if n:
            ax.legend(loc="best", fontsize=7)
    return fig


# --------------------------------------------------------------------------
# Summary counts

def _first_unit(units: Any) -> str:
    if _missing(units) or not str(units).strip():
        return "(none)"
    return str(units).split("、")[0].strip() or "(none)"


def _units_by_row(frame: pd.DataFrame, tasks_frame: pd.DataFrame | None) -> list[str] | None:
    if tasks_frame is not None:
        lead = {str(t): _first_unit(u) for t, u in zip(tasks_frame["task"], tasks_frame["lead_units"])
                if not _missing(t)}
        return [lead.get(str(t), "(none)") if not _missing(t) else "(none)"
                for t in frame["task"]]
    if "lead_units" in frame.columns:
        return [_first_unit(u) for u in frame["lead_units"]]
    return None


def plot_summary(link_frame: pd.DataFrame, tasks_frame: pd.DataFrame | None = None, *,
                 max_units: int = 12) -> Figure:
    """Bars of target counts by status, and by lead unit split by status.

    Args:
        link_frame: :func:`zhtargets.link.link` output, or a ledger frame
            (whose own ``lead_units`` are then used; rows without a status,
            tasks without targets, are not counted).
        tasks_frame: ``Structure.frame()``; the first lead unit of a target's
            task is the unit it is counted under.
        max_units: units beyond the largest ones are summed as "其他".

    Returns:
        A figure with one axes (no unit information) or two.  Status bars have
        gid ``zt-status-bar``; unit bars ``zt-unit-bar-<status>``, one per
        unit and status.
    """
    from matplotlib.ticker import MaxNLocator

    frame = link_frame[link_frame["status"].notna()]
    statuses = [str(s) for s in frame["status"]]
    order = list(_STATUS_ORDER) + sorted(set(statuses) - set(_STATUS_ORDER))
    units = _units_by_row(frame, tasks_frame)
    font = _font().props

    unit_order: list[str] = []
    if units is not None:
        counts = pd.Series(units, dtype="object").value_counts()
        unit_order = list(counts.index[:max_units])
        if len(counts) > max_units:
            others = _label("其他")
            units = [u if u in unit_order else others for u in units]
            unit_order.append(others)
    height = max(3.0, 0.35 * len(unit_order) + 1.5)
    fig = _new_figure(11.0 if units is not None else 5.0, height)
    if units is None:
        axes = [fig.add_subplot()]
    else:
        grid = fig.add_gridspec(1, 2, width_ratios=(1, 2.2))
        axes = [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])]

    ax = axes[0]
    totals = [statuses.count(s) for s in order]
    bars = ax.bar(order, totals, color=[STATUS_COLOURS.get(s, "#000000") for s in order],
                  gid="zt-status-bar")
    ax.bar_label(bars, padding=2)
    ax.set_ylabel("targets")
    ax.set_title(f"{len(statuses)} targets by status")
    ax.set_ylim(0, max(totals + [1]) * 1.15)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    if units is not None:
        ax = axes[1]
        ys = list(range(len(unit_order)))
        left = [0] * len(unit_order)
        for status in order:
            widths = [sum(1 for u, s in zip(units, statuses) if u == unit and s == status)
                      for unit in unit_order]
            ax.barh(ys, widths, left=left, color=STATUS_COLOURS.get(status, "#000000"),
                    label=status, gid=f"zt-unit-bar-{status}")
            left = [a + b for a, b in zip(left, widths)]
        ax.set_yticks(ys, labels=[_label(u) for u in unit_order], fontproperties=font)
        ax.set_ylim(len(unit_order) - 0.5, -0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("targets")
        ax.set_title("by lead unit")
        ax.legend(fontsize=8, frameon=False, loc="lower right")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig
