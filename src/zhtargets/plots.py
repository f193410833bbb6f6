"""Charts of targets against results, in Chinese.

:func:`plot_targets` draws one row per plan target, each on its indicator's
own scale (a growth rate in percent, so a 3 % ceiling and a 0.2 % result sit
2.8 points apart; an amount in 亿元 or 个): the target as a bound (a tick with
an arrow into the side the judge accepts), a range (a bar) or a point (◇, for
左右 / 等于), and the reported result as a dot in its status colour.  Row
labels carry the indicator and the target year; the result as written and
its status word stand at the right.

:func:`plot_summary` counts statuses, overall and by lead unit;
:func:`plot_panel` draws one indicator of a :func:`zhtargets.panel` by region
and year.

Status words, colours and every label come from :mod:`zhtargets.wording`, so
the charts say what the 台账 says; which side of a bound is good is asked of
the judge (:mod:`zhtargets.judge`), never decided here.

Figures are built with :class:`matplotlib.figure.Figure`, not pyplot, so no
backend is switched and no global figure list grows: outside a notebook they
save through Agg, inside one they display like any figure.  Chinese labels use
an installed CJK font (Noto Sans CJK, Source Han, WenQuanYi …); without one
the characters the default font lacks are replaced, so drawing never warns
about missing glyphs.
"""
from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from .document import Document
from .indicators import indicators
from .judge import judge, point
from .records import Link, Target
from .wording import (
    STATUS_COLOURS, STATUS_ORDER, figure, result_or_note, status_word, unit_word, view_status,
    word,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

__all__ = ["plot_targets", "plot_summary", "plot_panel", "STATUS_COLOURS", "cjk_font"]

_TARGET_COLOUR = "#333333"
_RANGE_COLOUR = "#d0d0d0"
_EDGE = "#555555"
_PARENT_COLOUR = "#888888"

# Families tried in order; SC faces first so Han characters take their
# mainland forms.
_CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC",
    "Hiragino Sans GB", "Noto Sans CJK JP", "Noto Serif CJK SC", "AR PL UMing CN",
    "Droid Sans Fallback",
)
_BOUNDS = frozenset({">=", ">", "<=", "<"})
# An arrow from a bound reaches this share of the row's span into the
# accepted side.
_ARROW = 0.12
_ROW_INCHES = 0.42
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
    s = "" if text is None else str(text)
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

def _require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ImportError("plots need matplotlib: pip install 'zhtargets[plots]'") from None


def _new_figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _plain(ax: Axes) -> None:
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


@dataclass(frozen=True, slots=True)
class _Row:
    link: Link
    status: str
    ref: float | None  # the figure the target is judged by
    side: int  # +1: results above the target are accepted; -1: below

    @property
    def plan(self):
        return self.link.plan


def _side(plan: Target, ref: float) -> int:
    """Which side of a bound the judge accepts, found by asking it about a
    result on each side (so a ceiling, a price or a decline point left)."""
    step = max(1.0, abs(ref))
    above = judge(plan, ref + step).status in {"met", "exceeded"}
    return 1 if above else -1


def _rows(links: Sequence[Link], report_year: int | None) -> list[_Row]:
    out = []
    for link in links:
        ref = point(link.plan)
        out.append(_Row(link, view_status(link, report_year), ref,
                        _side(link.plan, ref) if ref is not None else 1))
    return out


def _row_label(row: _Row) -> str:
    plan = row.plan
    name = plan.indicator or plan.text
    year = plan.period_end or plan.year
    return _label(f"{name}（{year}{word('text', 'year_suffix')}）" if year else name)


def _row_note(row: _Row) -> str:
    found = result_or_note(row.link)
    return _label(f"{row.plan.text} → {found}  {status_word(row.status)}")


def _span(row: _Row) -> tuple[float, float]:
    """The stretch of the row's own axis that shows target and result."""
    plan = row.plan
    xs = [v for v in (row.ref, plan.low, plan.high, row.link.actual_value) if v is not None]
    lo, hi = min(xs), max(xs)
    width = hi - lo or max(abs(hi) * 0.2, 1.0)
    # The arrow of a bound must fit on its side.
    lo, hi = lo - 0.25 * width, hi + 0.25 * width
    return lo, hi


def _ticks(ax: Axes, row: _Row, font: FontProperties) -> None:
    from matplotlib.ticker import MaxNLocator

    lo, hi = ax.get_xlim()
    # Things counted (10个, 3家, 20名) come in whole numbers: no 9.75个 tick.
    counted = bool(row.plan.classifier) or row.plan.unit == "count"
    locator = MaxNLocator(nbins=4, integer=counted, min_n_ticks=1)
    ticks = [t for t in locator.tick_values(lo, hi) if lo <= t <= hi]
    ax.set_xticks(ticks, labels=[_label(figure(t, row.plan.unit, row.plan.classifier))
                                 for t in ticks], fontproperties=font, fontsize=7)


def _draw_row(ax: Axes, row: _Row, font: FontProperties) -> None:
    plan, actual = row.plan, row.link.actual_value
    _plain(ax)
    ax.set_yticks([0], labels=[_row_label(row)], fontproperties=font, fontsize=9)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-1, 1)
    if row.ref is None:
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
    else:
        lo, hi = _span(row)
        ax.set_xlim(lo, hi)
        ax.axhline(0, color="#eeeeee", lw=6, zorder=0)
        if plan.comparator == "range" and plan.low is not None and plan.high is not None:
            ax.barh([0], [plan.high - plan.low], left=plan.low, height=0.7,
                    color=_RANGE_COLOUR, edgecolor=_TARGET_COLOUR, lw=0.8, zorder=2,
                    gid="zt-target-range")
        elif plan.comparator in _BOUNDS:
            ax.scatter([row.ref], [0], marker="|", s=300, color=_TARGET_COLOUR, linewidths=2,
                       zorder=3, gid="zt-target-bound")
            ax.annotate("", xy=(row.ref + row.side * _ARROW * (hi - lo), 0),
                        xytext=(row.ref, 0), zorder=3, gid="zt-target-arrow",
                        arrowprops={"arrowstyle": "->", "color": _TARGET_COLOUR, "lw": 1.2})
        else:
            ax.scatter([row.ref], [0], marker="D", s=50, facecolors="white",
                       edgecolors=_TARGET_COLOUR, linewidths=1.5, zorder=3,
                       gid="zt-target-point")
        if actual is not None:
            ax.scatter([actual], [0], s=70, color=STATUS_COLOURS[row.status], edgecolors=_EDGE,
                       linewidths=0.8, zorder=4, gid=f"zt-result-{row.status}")
        _ticks(ax, row, font)
    note = ax.text(1.02, 0.5, _row_note(row), transform=ax.transAxes, va="center",
                   fontproperties=font, fontsize=8, gid="zt-note")
    note.set_bbox({"facecolor": STATUS_COLOURS[row.status], "edgecolor": "none",
                   "alpha": 0.35, "pad": 1.5})


def _legend(fig: Figure, statuses: Iterable[str], font: FontProperties, *,
            vertical: bool = False, parent: bool = False) -> None:
    """The key below the charts (above them it would collide with a title):
    the target marks drawn, then the result colours shown."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    bound = "_" if vertical else "|"
    handles = [
        Line2D([], [], marker=bound, ls="none", color=_TARGET_COLOUR, markersize=12, mew=2,
               label=_label(word("text", "target_bound"))),
        Patch(facecolor=_RANGE_COLOUR, edgecolor=_TARGET_COLOUR,
              label=_label(word("text", "target_range"))),
        Line2D([], [], marker="D", ls="none", markerfacecolor="white",
               markeredgecolor=_TARGET_COLOUR, label=_label(word("text", "target_point"))),
    ]
    if parent:
        handles.append(Line2D([], [], marker="x", ls="none", color=_PARENT_COLOUR,
                              label=_label(word("text", "parent_target"))))
    shown = set(statuses)
    handles += [Line2D([], [], marker="o", ls="none", markerfacecolor=STATUS_COLOURS[s],
                       markeredgecolor=_EDGE, markersize=8,
                       label=_label(f"{word('text', 'result_mark')}：{status_word(s)}"))
                for s in STATUS_ORDER if s in shown]
    small = font.copy()
    small.set_size(8)
    fig.legend(handles=handles, loc="outside lower center", ncols=min(4, len(handles)),
               frameon=False, prop=small)


# --------------------------------------------------------------------------
# Targets against results

def plot_targets(links: Iterable[Link], *, max_rows: int | None = 40, title: str | None = None,
                 report_year: int | None = None) -> Figure:
    """One row per plan target, each on its own scale, with its result.

    Args:
        links: :class:`~zhtargets.Link` records (``document.link(report)``).
        max_rows: draw the first rows only (``None``: all); a last line says
            how many were left out.
        title: the figure's title.
        report_year: the year reported on; a target for a later year with no
            result shows as 待报告.

    Returns:
        A figure with one axes per row.  Artists carry gids for inspection:
        ``zt-target-point``, ``zt-target-bound`` (with ``zt-target-arrow``
        into the accepted side) and ``zt-target-range`` for targets,
        ``zt-result-<status>`` for results, ``zt-note`` for the text at the
        right.  A row whose target has no figure shows its label and note only.
    """
    _require_matplotlib()
    everything = list(links)
    chosen = everything if max_rows is None else everything[:max_rows]
    rows = _rows(chosen, report_year)
    font = _font().props
    fig = _new_figure(11.0, max(2.0, _ROW_INCHES * len(rows) + 1.4))
    if rows:
        axes = fig.subplots(len(rows), 1, squeeze=False)[:, 0]
        for ax, row in zip(axes, rows):
            _draw_row(ax, row, font)
        _legend(fig, (r.status for r in rows), font)
    else:
        fig.text(0.5, 0.5, _label(word("text", "nothing_to_plot")), ha="center", va="center",
                 fontproperties=font)
    if len(chosen) < len(everything):
        fig.text(0.01, 0.0, _label(word("text", "rows_left", n=len(everything) - len(chosen))),
                 fontproperties=font, fontsize=8, va="bottom", gid="zt-rows-left")
    if title:
        fig.suptitle(_label(title), fontproperties=font)
    return fig


# --------------------------------------------------------------------------
# Summary counts

def _lead_unit(document: Document | None, link: Link) -> str:
    if document is not None and link.plan.task is not None:
        units = document.structure.task(link.plan.task).lead_units
        if units:
            return units[0]
    return word("text", "no_unit")


def plot_summary(links: Iterable[Link], document: Document | None = None, *,
                 max_units: int = 12, report_year: int | None = None,
                 title: str | None = None) -> Figure:
    """Bars of target counts by status, and by lead unit split by status.

    Args:
        links: :class:`~zhtargets.Link` records.
        document: the plan document; with it, a second panel counts each
            target under the first lead unit of its task.
        max_units: units beyond the largest ones are summed as 其他.
        report_year: as for :func:`plot_targets`.
        title: the figure's title.

    Returns:
        A figure with one axes (no document) or two.  Status bars have gid
        ``zt-status-bar``; unit bars ``zt-unit-bar-<status>``.
    """
    _require_matplotlib()
    from matplotlib.ticker import MaxNLocator

    links = list(links)
    statuses = [view_status(k, report_year) for k in links]
    order = [s for s in STATUS_ORDER if s in statuses]
    font = _font().props
    units = [_lead_unit(document, k) for k in links] if document is not None else None
    unit_order: list[str] = []
    if units is not None:
        counts = Counter(units).most_common()
        unit_order = [u for u, _ in counts[:max_units]]
        if len(counts) > max_units:
            others = word("text", "others")
            units = [u if u in unit_order else others for u in units]
            unit_order.append(others)
    fig = _new_figure(11.0 if units is not None else 5.0,
                      max(3.0, 0.35 * len(unit_order) + 1.5))
    if units is None:
        axes = [fig.add_subplot()]
    else:
        grid = fig.add_gridspec(1, 2, width_ratios=(1, 2.2))
        axes = [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])]

    ax = axes[0]
    totals = [statuses.count(s) for s in order]
    bars = ax.bar([_label(status_word(s)) for s in order], totals,
                  color=[STATUS_COLOURS[s] for s in order], edgecolor=_EDGE, gid="zt-status-bar")
    ax.bar_label(bars, padding=2)
    for tick in ax.get_xticklabels():
        tick.set_fontproperties(font)
    ax.set_ylabel(_label(word("text", "targets")), fontproperties=font)
    heading = f"{word('text', 'by_status')}（{word('text', 'summary_title', n=len(links))}）"
    ax.set_title(_label(heading), fontproperties=font)
    ax.set_ylim(0, max(totals + [1]) * 1.15)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    if units is not None:
        ax = axes[1]
        ys = list(range(len(unit_order)))
        left = [0] * len(unit_order)
        for status in order:
            widths = [sum(1 for u, s in zip(units, statuses) if u == unit and s == status)
                      for unit in unit_order]
            ax.barh(ys, widths, left=left, color=STATUS_COLOURS[status], edgecolor=_EDGE,
                    lw=0.5, label=_label(status_word(status)), gid=f"zt-unit-bar-{status}")
            left = [a + b for a, b in zip(left, widths)]
        ax.set_yticks(ys, labels=[_label(u) for u in unit_order], fontproperties=font)
        ax.set_ylim(len(unit_order) - 0.5, -0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(_label(word("text", "targets")), fontproperties=font)
        ax.set_title(_label(word("text", "by_unit")), fontproperties=font)
        ax.legend(prop=font, fontsize=8, frameon=False, loc="lower right")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    if title:
        fig.suptitle(_label(title), fontproperties=font)
    return fig


# --------------------------------------------------------------------------
# Panels: regions and years

def _panel_target(row: Mapping[str, Any], name: str | None) -> Target:
    """A panel row's target as a record, so the judge can be asked about it."""
    def num(key: str) -> float | None:
        value = row.get(key)
        return None if value is None or value != value else float(value)  # NaN, NA

    return Target(start=0, end=0, text=str(row.get("plan_text") or ""), value=num("target_value"),
                  low=num("target_low"), high=num("target_high"), unit=str(row.get("unit")),
                  classifier=None, per=None, comparator=row.get("comparator") or "=",
                  comparator_word=None, hedge=None, kind=row.get("kind") or "level",
                  indicator=name, year=None, role="plan", rule="panel")


def plot_panel(panel: pd.DataFrame, indicator: str | None = None, *, max_regions: int = 9,
               title: str | None = None) -> Figure:
    """One indicator's targets and results by region and year.

    Args:
        panel: :func:`zhtargets.panel` output (its ``PANEL_COLUMNS``).
        indicator: the canonical key to draw (``gdp``); by default the one
            with the most rows.
        max_regions: the regions with the most rows, one small chart each.
        title: the figure's title; by default the indicator's Chinese name.

    Returns:
        A figure with one axes per region: years across, the indicator's
        own unit up; targets drawn as for :func:`plot_targets` (a bound with
        an arrow into the accepted side, a range as a bar, a point), the
        result as a dot in its status colour and the target of the level
        above as a grey cross.  Gids as for :func:`plot_targets`, plus
        ``zt-parent-target``.
    """
    _require_matplotlib()
    from matplotlib.ticker import MaxNLocator

    rows = [{k: (None if v is None or v != v else v) for k, v in r.items()}  # NA → None
            for r in panel.astype(object).to_dict("records") if r.get("indicator") == r.get(
                "indicator")]
    counts = Counter(r["indicator"] for r in rows if r["indicator"])
    key = indicator if indicator is not None else (counts.most_common(1)[0][0] if counts
                                                   else None)
    chosen = [r for r in rows if r["indicator"] == key]
    known = {i.slug: i for i in indicators()}
    name = known[key].name if key in known else key
    regions = [region for region, _ in Counter(r["region"] for r in chosen).most_common(
        max_regions)]
    font = _font().props
    cols = min(3, max(1, len(regions)))
    nrows = max(1, -(-len(regions) // cols))
    fig = _new_figure(max(7.0, 4.0 * cols), 2.8 * nrows + 1.0)
    if not regions:
        fig.text(0.5, 0.5, _label(word("text", "nothing_to_plot")), ha="center", va="center",
                 fontproperties=font)
    axes = fig.subplots(nrows, cols, squeeze=False).ravel() if regions else []
    statuses: set[str] = set()
    for ax, region in zip(axes, regions):
        mine = [r for r in chosen if r["region"] == region]
        for r in mine:
            plan = _panel_target(r, name)
            year, ref = r["year"], point(plan)
            if year is None or ref is None:
                continue
            if plan.comparator == "range" and plan.low is not None and plan.high is not None:
                ax.bar([year], [plan.high - plan.low], bottom=plan.low, width=0.35,
                       color=_RANGE_COLOUR, edgecolor=_TARGET_COLOUR, gid="zt-target-range")
            elif plan.comparator in _BOUNDS:
                step = max(1.0, abs(ref))
                side = _side(plan, ref)
                ax.scatter([year], [ref], marker="_", s=300, color=_TARGET_COLOUR,
                           linewidths=2, gid="zt-target-bound")
                ax.annotate("", xy=(year, ref + side * 0.15 * step), xytext=(year, ref),
                            gid="zt-target-arrow", arrowprops={"arrowstyle": "->",
                                                               "color": _TARGET_COLOUR})
            else:
                ax.scatter([year], [ref], marker="D", s=40, facecolors="white",
                           edgecolors=_TARGET_COLOUR, gid="zt-target-point")
            if r["actual_value"] is not None:
                status = r["status"] if r["status"] in STATUS_COLOURS else "unknown"
                statuses.add(status)
                ax.scatter([year], [float(r["actual_value"])], s=60, zorder=4,
                           color=STATUS_COLOURS[status], edgecolors=_EDGE,
                           gid=f"zt-result-{status}")
            if r.get("parent_target") is not None:
                ax.scatter([year], [float(r["parent_target"])], marker="x", s=40,
                           color=_PARENT_COLOUR, gid="zt-parent-target")
        ax.set_title(_label(region or word("text", "no_unit")), fontproperties=font, fontsize=10)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        unit = next((r for r in mine), {}).get("unit")
        ax.set_ylabel(_label(word("text", "panel_unit", unit=unit_word(unit) or "—")),
                      fontproperties=font, fontsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in list(axes)[len(regions):]:
        ax.set_visible(False)
    if regions:
        _legend(fig, statuses, font, vertical=True, parent=True)
    fig.suptitle(_label(title or f"{name or ''} {word('text', 'panel_title')}"),
                 fontproperties=font)
    return fig
