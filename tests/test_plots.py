"""zhtargets.plots: what gets drawn, on which scale, in which words.

The links are built the real way (extract a plan and a report written for
these tests, link them), so the plots are checked against the verdicts the
judge gives, not against numbers copied from the plotting code.
"""
from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text

import zhtargets
import zhtargets.plots as plots
from zhtargets.plots import cjk_font, plot_summary, plot_targets
from zhtargets.wording import STATUS_COLOURS

PLAN = ("地区生产总值增长5.5%左右。新增城镇就业2万人以上。城镇调查失业率控制在5.5%以内。"
        "单位GDP能耗下降2.5%以上。居民消费价格涨幅3%左右。研发投入强度达到3-3.5%。"
        "到2026年建成口袋公园30个。")
ACTUAL = ("地区生产总值增长6.1%。新增城镇就业1.5万人。城镇调查失业率5.1%。单位GDP能耗下降3%。"
          "居民消费价格上涨0.2%。研发投入强度3.6%。")


@pytest.fixture(scope="module")
def links() -> zhtargets.Links:
    def tagged(text: str, role: str) -> list:
        return [dataclasses.replace(t, role=role, task="t1") for t in zhtargets.extract(text)]

    found = zhtargets.link(tagged(PLAN, "plan"), tagged(ACTUAL, "actual"))
    assert [k.plan.text for k in found] == ["5.5%左右", "2万人以上", "5.5%以内", "2.5%以上", "3%左右",
                                            "3-3.5%", "30个"]
    return found


def offsets(fig: Figure, gid: str) -> list[tuple[float, float]]:
    return [tuple(xy) for ax in fig.axes for coll in ax.collections if coll.get_gid() == gid
            for xy in coll.get_offsets()]


def row_of(fig: Figure, links, text: str):
    return fig.axes[[k.plan.text for k in links].index(text)]


def gid_offsets(ax, gid: str) -> list[float]:
    return [float(x) for coll in ax.collections if coll.get_gid() == gid
            for x, _ in coll.get_offsets()]


def arrow_direction(ax) -> int:
    (arrow,) = [t for t in ax.texts if t.get_gid() == "zt-target-arrow"]
    return 1 if arrow.xy[0] > arrow.xyann[0] else -1


def visible_words(fig: Figure) -> list[str]:
    fig.canvas.draw()
    texts = [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
    return texts


def save_both(fig: Figure, tmp_path: Path, stem: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png, svg = tmp_path / f"{stem}.png", tmp_path / f"{stem}.svg"
        fig.savefig(png, dpi=60)
        fig.savefig(svg)
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and png.stat().st_size > 2000
    assert ET.parse(svg).getroot().tag.endswith("svg")


# --------------------------------------------------------------------------


def test_one_row_per_target_with_year_in_the_label(links):
    fig = plot_targets(links)
    labels = [ax.get_yticklabels()[0].get_text() for ax in fig.axes]
    assert labels[0] == "地区生产总值"
    assert labels[-1] == "建成口袋公园（2026年）"
    assert len(labels) == len(links)


def test_results_sit_on_the_indicators_own_scale(links):
    fig = plot_targets(links)
    # A 3% price target and a 0.2% result sit 2.8 points apart, not at a share.
    cpi = row_of(fig, links, "3%左右")
    assert gid_offsets(cpi, "zt-target-point") == [3.0]
    results = [x for s in STATUS_COLOURS for x in gid_offsets(cpi, f"zt-result-{s}")]
    assert results == [pytest.approx(0.2)]
    jobs = row_of(fig, links, "2万人以上")
    assert gid_offsets(jobs, "zt-target-bound") == [20000.0]
    assert gid_offsets(jobs, "zt-result-not_met") == [15000.0]
    ticks = [t.get_text() for t in jobs.get_xticklabels()]
    assert ticks and all(t.endswith("人") for t in ticks) and any("万" in t for t in ticks)


def test_bounds_point_into_the_side_the_judge_accepts(links):
    fig = plot_targets(links)
    assert arrow_direction(row_of(fig, links, "2万人以上")) == 1
    assert arrow_direction(row_of(fig, links, "5.5%以内")) == -1      # a ceiling
    assert arrow_direction(row_of(fig, links, "2.5%以上")) == -1      # a decline: lower is better
    research = row_of(fig, links, "3-3.5%")
    (bar,) = [p for p in research.patches if p.get_gid() == "zt-target-range"]
    assert (bar.get_x(), bar.get_x() + bar.get_width()) == pytest.approx((3.0, 3.5))
    assert gid_offsets(research, "zt-result-exceeded") == [pytest.approx(3.6)]


def test_statuses_coloured_and_worded_as_in_the_ledger(links):
    fig = plot_targets(links, report_year=2024)
    notes = {t.get_text() for ax in fig.axes for t in ax.texts if t.get_gid() == "zt-note"}
    assert "6.1%" in next(n for n in notes if n.startswith("5.5%左右")) and any(
        n.endswith("完成") for n in notes)
    assert "30个 → 未报告  待报告" in notes
    gdp = row_of(fig, links, "5.5%左右")
    (dots,) = [c for c in gdp.collections if c.get_gid() == "zt-result-met"]
    expected = tuple(int(STATUS_COLOURS["met"][i:i + 2], 16) / 255 for i in (1, 3, 5))
    assert tuple(dots.get_facecolor()[0][:3]) == pytest.approx(expected)


def test_no_english_an_ordinary_reader_sees(links):
    for fig in (plot_targets(links, title="目标与完成情况"), plot_summary(links)):
        for text in visible_words(fig):
            for token in re.findall(r"[A-Za-z]{2,}", text):
                assert token in PLAN + ACTUAL, (token, text)


def test_title_and_max_rows(links, tmp_path):
    fig = plot_targets(links, max_rows=3, title="拱墅区目标")
    assert len(fig.axes) == 3 and fig._suptitle.get_text() == "拱墅区目标"
    (left,) = [t for t in fig.texts if t.get_gid() == "zt-rows-left"]
    assert left.get_text() == "另有4项目标未画出"
    save_both(fig, tmp_path, "cut")
    empty = plot_targets([])
    assert [t.get_text() for t in empty.texts] == ["没有可画的目标"]
    save_both(empty, tmp_path, "empty")
    # The summary's title is the caller's, apart from its panel's own heading.
    assert plot_summary(links)._suptitle is None
    summary = plot_summary(links, title="拱墅区目标")
    assert summary._suptitle.get_text() == "拱墅区目标"
    assert summary.axes[0].get_title() == "按状态统计（共7项目标）"  # 3 drawn + 4 left above


def test_summary_by_status_and_unit(links, tmp_path):
    fig = plot_summary(links, report_year=2024)
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_xticklabels()] == ["完成", "超额完成", "未完成", "待报告"]
    # By hand: GDP, unemployment (a ceiling), energy (a decline) and prices
    # (lower is better) met; R&D above its range; jobs short; parks for 2026.
    assert [p.get_height() for p in ax.patches if p.get_gid() == "zt-status-bar"] == [4, 1, 1, 1]
    save_both(fig, tmp_path, "summary")


def test_summary_by_lead_unit_of_a_document(tmp_path):
    plan = zhtargets.read_document(
        "一、张三副区长牵头工作\n1.新增城镇就业2万人以上。\n牵头单位：区人社局\n"
        "2.建成口袋公园30个。\n牵头单位：区建委、区城管局\n")
    report = zhtargets.read_document("新增城镇就业2.2万人。建成口袋公园31个。")
    fig = plot_summary(plan.link(report), plan, max_units=1)
    units = [t.get_text() for t in fig.axes[1].get_yticklabels()]
    assert units == ["区人社局", "其他"]
    save_both(fig, tmp_path, "units")


def test_missing_matplotlib_names_the_extra(links, without_module):
    without_module("matplotlib")
    with pytest.raises(ImportError, match=r"zhtargets\[plots\]"):
        plot_targets(links)


def test_cjk_font_used_when_installed():
    fc_list = shutil.which("fc-list")
    has_zh = bool(fc_list) and bool(
        subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True).stdout.strip())
    assert (cjk_font() is not None) == has_zh


def test_fallback_without_cjk_font_draws_without_warnings(links, tmp_path, monkeypatch):
    props = FontProperties(family="DejaVu Sans")
    charmap = frozenset(FT2Font(font_manager.findfont(props)).get_charmap())
    monkeypatch.setattr(plots, "_font", lambda: plots._Font(props, charmap))
    assert cjk_font() is None
    fig = plot_targets(links, title="目标 $x$")
    assert fig.axes[0].get_yticklabels()[0].get_text() == "…"
    save_both(fig, tmp_path, "fallback")
    save_both(plot_summary(links), tmp_path, "fallback-summary")


# --------------------------------------------------------------------------
# Panels

REPORT_2024 = ("拱墅区人民政府2024年政府工作报告\n"
               "今年主要预期目标是：地区生产总值增长6%左右，城镇调查失业率控制在5%以内。\n")
REPORT_2025 = ("拱墅区人民政府2025年政府工作报告\n一、2024年工作回顾\n"
               "过去一年，全区地区生产总值增长6.5%，城镇调查失业率4.8%。\n"
               "二、2025年主要目标\n今年主要预期目标是：地区生产总值增长5.5%左右。\n")


@pytest.fixture(scope="module")
def panel_frame(tmp_path_factory):
    folder = tmp_path_factory.mktemp("panel")
    (folder / "2024.txt").write_text(REPORT_2024, encoding="utf-8")
    (folder / "2025.txt").write_text(REPORT_2025, encoding="utf-8")
    return zhtargets.panel([folder])


def test_panel_draws_years_across_on_the_indicators_scale(panel_frame, tmp_path):
    fig = plots.plot_panel(panel_frame)
    (ax,) = [a for a in fig.axes if a.get_visible()]
    assert ax.get_title() == "拱墅区" and fig._suptitle.get_text().startswith("地区生产总值")
    assert sorted(offsets(fig, "zt-target-point")) == [(2024, 6.0), (2025, 5.5)]
    assert offsets(fig, "zt-result-met") == [(2024, 6.5)]
    assert ax.get_ylabel() == "单位：%"
    for text in visible_words(fig):
        assert not re.search(r"[A-Za-z]{2,}", text), text
    save_both(fig, tmp_path, "panel")


def test_panel_of_a_ceiling_points_down(panel_frame):
    fig = plots.plot_panel(panel_frame, "surveyed_unemployment", title="失业率")
    assert fig._suptitle.get_text() == "失业率"
    assert offsets(fig, "zt-target-bound") == [(2024, 5.0)]
    (arrow,) = [t for ax in fig.axes for t in ax.texts if t.get_gid() == "zt-target-arrow"]
    assert arrow.xy[1] < arrow.xyann[1]
    assert offsets(fig, "zt-result-met") == [(2024, 4.8)]
