"""Panels over miniature work reports of our own writing (tests/fixtures/panel):
one national and two provincial reports for 2023 and 2024.  Each 2023 report
sets the year's targets; each 2024 report reviews 2023."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from zhtargets.cli import main
from zhtargets.panel import PANEL_COLUMNS, panel, read_region

FOLDER = Path(__file__).resolve().parent / "fixtures" / "panel"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return panel([FOLDER])


def row(df: pd.DataFrame, region: str, indicator: str, year: int = 2023) -> pd.Series:
    hit = df[(df.region == region) & (df.indicator == indicator) & (df.year == year)]
    assert len(hit) == 1, hit
    return hit.iloc[0]


def test_regions_and_levels_from_the_text():
    assert read_region((FOLDER / "national_2023.txt").read_text(encoding="utf-8")).level == "national"
    zj = read_region((FOLDER / "zhejiang_2024.txt").read_text(encoding="utf-8"))
    assert (zj.name, zj.level, zj.parent) == ("浙江省", "province", "全国")
    assert read_region("杭州市人民政府关于2023年重点工作完成情况的报告").level == "city"


def test_columns(table):
    assert tuple(table.columns) == PANEL_COLUMNS
    assert set(table.region) == {"全国", "浙江省", "江苏省"}


def test_province_target_escalation_result_and_status(table):
    zj = row(table, "浙江省", "gdp")
    assert (zj.level, zj.target_value, zj.parent_target) == ("province", 5.5, 5.0)
    assert math.isclose(zj.escalation, 0.5)
    assert (zj.actual_value, zj.status, zj.actual_doc) == (6.0, "met", "zhejiang_2024")
    js = row(table, "江苏省", "gdp")
    assert (js.escalation, js.actual_value, js.status) == (0.0, 5.8, "met")
    nat = row(table, "全国", "gdp")
    assert pd.isna(nat.parent_target) and nat.actual_value == 5.2 and nat.status == "met"


def test_ceiling_and_counts(table):
    cpi = row(table, "浙江省", "cpi")
    assert cpi.actual_value == 0.4 and cpi.status == "met" and cpi.escalation == 0
    jobs = row(table, "江苏省", "urban_new_jobs")
    assert (jobs.target_value, jobs.actual_value, jobs.status) == (1300000, 1430000, "met")
    # A province's jobs are a share of the nation's, not an escalated target.
    assert pd.isna(jobs.parent_target) and pd.isna(jobs.escalation)
    assert row(table, "浙江省", "urban_new_jobs").status == "exceeded"   # 123万 against 100万


def test_an_indicator_outside_the_lexicon_keeps_its_words(table):
    hit = table[(table.region == "浙江省") & (table.indicator_text == "造林绿化")]
    assert len(hit) == 1 and hit.indicator.isna().all()
    assert (hit.iloc[0].target_value, hit.iloc[0].actual_value, hit.iloc[0].status) == (300000, 320000, "met")


def test_last_year_has_no_report_yet(table):
    later = table[table.year == 2024]
    assert len(later) and set(later.status) == {"unknown"} and later.actual_value.isna().all()


def test_meta_overrides_the_text(tmp_path):
    meta = pd.DataFrame([{"path": str(FOLDER / "jiangsu_2023.txt"), "region": "江苏省",
                          "level": "province", "year": "2023"},
                         {"path": str(FOLDER / "jiangsu_2024.txt"), "region": "江苏省",
                          "level": "province", "year": "2024"}])
    df = panel([FOLDER / "jiangsu_2023.txt", FOLDER / "jiangsu_2024.txt"], meta=meta)
    assert row(df, "江苏省", "gdp").status == "met"
    bad = pd.DataFrame([{"region": "江苏省"}])
    with pytest.raises(ValueError, match="path"):
        panel([FOLDER / "jiangsu_2023.txt"], meta=bad)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_cli_writes_the_panel(tmp_path, fmt):
    out = tmp_path / f"panel.{fmt}"
    assert main(["panel", str(FOLDER), "--format", fmt, "-o", str(out)]) == 0
    assert out.stat().st_size > 0


def test_cli_parquet(tmp_path):
    # pyarrow comes with the test extra.
    out = tmp_path / "panel.parquet"
    assert main(["panel", str(FOLDER), "--format", "parquet", "-o", str(out)]) == 0
    assert set(pd.read_parquet(out).region) == {"全国", "浙江省", "江苏省"}
