"""zhtargets.plots: what gets drawn, and that it saves without warnings."""
from __future__ import annotations

import dataclasses
import shutil
import subprocess
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font

import zhtargets
import zhtargets.plots as plots
from zhtargets.link import LINK_COLUMNS, link
from zhtargets.plots import STATUS_COLOURS, cjk_font, plot_summary, plot_targets

PLAN = ("地区生产总值增长5.5%左右。新增城镇就业2万人以上。城镇调查失业率控制在5.5%以内。"
        "单位GDP能耗下降2.5%以上。建成口袋公园10个。研发投入强度达到3-3.5%。")
ACTUAL = ("地区生产总值增长6.1%。新增城镇就业1.5万人。城镇调查失业率5.1%。单位GDP能耗下降3%。"
          "建成口袋公园12个。研发投入强度3.6%。")


@pytest.fixture(scope="module")
def links() -> pd.DataFrame:
    """A link frame built the real way: extract both texts, link one row."""
    def tagged(text: str, role: str) -> list:
        return [dataclasses.replace(t, role=role, task="t1") for t in zhtargets.extract(text)]

    df = link(tagged(PLAN, "plan"), tagged(ACTUAL, "actual")).to_frame()
    assert list(df["comparator"]) == ["~", ">=", "<=", ">=", "=", "range"]
    assert df["actual_value"].notna().all()
    return df


def hand_frame() -> pd.DataFrame:
    """Rows a real document also has: no result, a zero target, no target value."""
    base = {c: None for c in LINK_COLUMNS}
    rows = [
        {**base, "task": "t2", "plan_text": "10个", "indicator": "河道综保工程", "target_value": 10.0,
         "comparator": "=", "status": "met", "reason": "completion cell says 已完成"},
        {**base, "task": "t2", "plan_text": "0起", "indicator": "重大安全事故", "target_value": 0.0,
         "comparator": "<=", "actual_text": "0起", "actual_value": 0.0, "status": "met"},
        {**base, "task": "t3", "plan_text": "百场", "indicator": None, "comparator": ">=",
         "actual_text": "1100场", "actual_value": 1100.0, "status": "unknown"},
        {**base, "task": None, "plan_text": "500亿元", "indicator": "固定资产投资",
         "target_value": 5e10, "comparator": ">=", "actual_text": "2000亿元",
         "actual_value": 2e11, "status": "exceeded"},
    ]
    return pd.DataFrame(rows, columns=list(LINK_COLUMNS))


def offsets(fig: Figure, gid: str) -> list[tuple[float, float]]:
    out = []
    for ax in fig.axes:
        for coll in ax.collections:
            if coll.get_gid() == gid:
                out.extend(map(tuple, coll.get_offsets()))
    return out


def patches(fig: Figure, gid: str) -> list:
    return [p for ax in fig.axes for p in ax.patches if p.get_gid() == gid]


def arrows(fig: Figure) -> list:
    return [t for ax in fig.axes for t in ax.texts if t.get_gid() == "zt-target-arrow"]


def save_both(fig: Figure, tmp_path: Path, stem: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = tmp_path / f"{stem}.png"
        svg = tmp_path / f"{stem}.svg"
        fig.savefig(png, dpi=80)
        fig.savefig(svg)
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and png.stat().st_size > 2000
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")


# --------------------------------------------------------------------------

def test_targets_plot_glyphs(links, tmp_path):
    fig = plot_targets(links, title="目标与完成")
    assert isinstance(fig, Figure)
    # 5.5%左右 and 10个: points; ≥ / ≤ targets: bounds; 3-3.5%: a range bar.
    assert len(offsets(fig, "zt-target-point")) == 2
    assert len(offsets(fig, "zt-target-bound")) == 3
    assert len(patches(fig, "zt-target-range")) == 1
    results = {s: offsets(fig, f"zt-result-{s}") for s in STATUS_COLOURS}
    assert sum(map(len, results.values())) == len(links) == 6
    assert {s: len(v) for s, v in results.items()} == {"met": 3, "exceeded": 2, "not_met": 1,
                                                      "unknown": 0}
    # Each result sits at its share of the target, on its own row.
    by_row = {int(round(y)): x for pts in results.values() for x, y in pts}
    assert by_row[1] == pytest.approx(0.75)          # 1.5万 of 2万
    assert by_row[3] == pytest.approx(1.2)           # a 3% decline against 2.5%
    assert by_row[5] == pytest.approx(3.6 / 3.25)    # range midpoint is 100%
    # Arrows point to the allowed side: up for a floor, down for a ceiling,
    # and up again for a decline (more decline is more of the target).
    heads = {int(round(a.xy[1])): a.xy[0] for a in arrows(fig)}
    assert heads[1] > 1 and heads[2] < 1 and heads[3] > 1
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "地区生产总值 [t1]"
    save_both(fig, tmp_path, "targets")


def test_targets_plot_edge_rows(tmp_path):
    fig = plot_targets(hand_frame())
    # No result: no dot.  Zero or missing target: nothing to divide by, so
    # only the label.  Results far above the target are drawn at the edge.
    assert len(offsets(fig, "zt-target-point")) == 1
    assert len(offsets(fig, "zt-target-bound")) == 1
    exceeded = offsets(fig, "zt-result-exceeded")
    assert len(exceeded) == 1 and exceeded[0][0] == pytest.approx(3.0)
    assert sum(len(offsets(fig, f"zt-result-{s}")) for s in STATUS_COLOURS) == 1
    assert len(fig.axes[0].get_yticklabels()) == 4
    save_both(fig, tmp_path, "edges")


def test_targets_plot_into_given_axes_and_max_rows(links, tmp_path):
    fig = Figure()
    ax = fig.add_subplot()
    assert plot_targets(links, ax=ax, max_rows=2, title="前两行") is fig
    assert len(ax.get_yticklabels()) == 2
    assert ax.get_title() == "前两行"
    save_both(fig, tmp_path, "given")
    empty = plot_targets(links.iloc[0:0])
    save_both(empty, tmp_path, "empty")


def test_summary_by_status_and_unit(links, tmp_path):
    frame = pd.concat([links, hand_frame()], ignore_index=True)
    tasks = pd.DataFrame({"task": ["t1", "t2", "t3"],
                          "lead_units": ["区发改经信局、区统计局", "区城管局", None]})
    fig = plot_summary(frame, tasks)
    assert len(fig.axes) == 2
    bars = patches(fig, "zt-status-bar")
    assert [b.get_height() for b in bars] == [5, 3, 1, 1]  # met, exceeded, not_met, unknown
    units = [t.get_text() for t in fig.axes[1].get_yticklabels()]
    assert units == ["区发改经信局", "区城管局", "(none)"]
    for status in STATUS_COLOURS:
        assert len(patches(fig, f"zt-unit-bar-{status}")) == len(units)
    widths = {u: 0.0 for u in units}
    for status in STATUS_COLOURS:
        for u, p in zip(units, patches(fig, f"zt-unit-bar-{status}")):
            widths[u] += p.get_width()
    assert widths == {"区发改经信局": 6, "区城管局": 2, "(none)": 2}
    save_both(fig, tmp_path, "summary")


def test_summary_without_units_and_with_many_units(links, tmp_path):
    fig = plot_summary(links)
    assert len(fig.axes) == 1 and len(patches(fig, "zt-status-bar")) == 4
    ledgerish = links.assign(lead_units=[f"单位{i}" for i in range(len(links))])
    fig = plot_summary(ledgerish, max_units=3)
    units = [t.get_text() for t in fig.axes[1].get_yticklabels()]
    assert len(units) == 4 and units[-1] == "其他"
    save_both(fig, tmp_path, "many")


def test_cjk_font_used_when_installed():
    fc_list = shutil.which("fc-list")
    has_zh = bool(fc_list) and bool(
        subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True).stdout.strip())
    if has_zh:
        assert cjk_font() is not None


def test_fallback_without_cjk_font_draws_without_warnings(links, tmp_path, monkeypatch):
    props = FontProperties(family="DejaVu Sans")
    charmap = frozenset(FT2Font(font_manager.findfont(props)).get_charmap())
    monkeypatch.setattr(plots, "_font", lambda: plots._Font(props, charmap))
    assert cjk_font() is None
    fig = plot_targets(links, title="目标 $x$")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "… [t1]"
    save_both(fig, tmp_path, "fallback")
    save_both(plot_summary(links, pd.DataFrame({"task": ["t1"], "lead_units": ["区财政局"]})),
              tmp_path, "fallback-summary")


def test_ledger_frame_input(links, tmp_path):
    from zhtargets.ledger import ledger_frame

    tasks = pd.DataFrame({"task": ["t1", "t9"], "number": [1, 9], "text": ["计划", "无目标的任务"],
                          "lead_units": ["区发改经信局", "区财政局"]})
    led = ledger_frame(tasks, links)
    assert len(led) == len(links) + 1
    fig = plot_targets(led)
    assert len(fig.axes[0].get_yticklabels()) == len(links)
    assert sum(len(offsets(fig, f"zt-result-{s}")) for s in STATUS_COLOURS) == len(links)
    summary = plot_summary(led)
    assert [t.get_text() for t in summary.axes[1].get_yticklabels()] == ["区发改经信局"]
    save_both(fig, tmp_path, "ledger")
