"""read_document: roles from cells and sections, tasks, repeated content."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import zhtargets
from zhtargets._io import InputError
from zhtargets.document import read_document

RAW = Path(__file__).resolve().parents[1] / "corpus" / "raw"

WORK_REPORT = """政府工作报告
一、2023年工作回顾
过去一年,全市地区生产总值增长6.1%,城镇新增就业12.3万人。
二、2024年经济社会发展总体要求和主要预期目标
今年主要预期目标是:地区生产总值增长5.5%左右,城镇新增就业12万人以上。
"""


def test_work_report_review_is_actual_and_targets_are_plan():
    doc = read_document(WORK_REPORT)
    roles = {t.text: t.role for t in doc.targets}
    assert roles == {"6.1%": "actual", "12.3万人": "actual", "5.5%左右": "plan", "12万人以上": "plan"}


def test_completion_report_title_makes_prose_actual():
    doc = read_document("2023年民生实事项目完成情况\n全年新增学位5600个,建成口袋公园12个。")
    assert [t.role for t in doc.targets] == ["actual", "actual"]


def test_completion_table_cells_give_roles_and_tasks():
    doc = read_document(RAW / "001_18c78e876a0a643e.txt")
    first = [t for t in doc.targets if t.task == "r1"]
    assert [(t.text, t.role) for t in first[:2]] == [("5.5%左右", "plan"), ("5%以上", "plan")]
    r3 = [t.text for t in doc.unique_targets if t.task == "r3" and t.role == "actual"]
    assert r3 == ["841亿元", "14.5%", "10%"]
    assert doc.completions["r1"] == "已完成。"


def test_repeated_table_is_linked_once():
    doc = read_document(RAW / "001_18c78e876a0a643e.txt")
    assert len(doc.targets) == 2 * len(doc.unique_targets)
    links = doc.link().to_frame()
    assert len(links) == len(doc.plans)
    assert links.loc[links["task"] == "r1", "status"].tolist() == ["met", "met"]


def test_plan_document_is_plan_throughout():
    doc = read_document(RAW / "003_f58055f6ad9646b4.txt")
    assert {t.role for t in doc.targets} == {"plan"}


def test_document_frame_has_doc_column():
    doc = zhtargets.read_document(RAW / "000_bfb4eece756cc416.txt")
    df = doc.frame()
    assert (df["doc"] == "000_bfb4eece756cc416").all()
    assert df["task"].notna().all()


def test_a_missing_file_name_is_an_error_not_a_text():
    # One line ending in .txt is a path (issue 9): a typo in a file name must
    # not silently become a document whose text is the name.
    with pytest.raises(InputError, match="no such file"):
        read_document("新增学位5600个.txt")
    doc = read_document("新增学位5600个。\n")
    assert [t.text for t in doc.targets] == ["5600个"]


def test_cross_document_link_of_a_real_pair():
    """003 sets targets for 2023; 001 reports the 2023 results (no shared rows)."""
    plan = read_document(RAW / "003_f58055f6ad9646b4.txt")
    report = read_document(RAW / "001_18c78e876a0a643e.txt")
    assert report.title_year == 2023
    links = plan.link(report).to_frame()
    assert len(links) == len(plan.plans)
    linked = links[links["actual_text"].notna()]
    assert set(linked["year"].dropna()) <= {2023}
    pv = linked[linked["plan_text"] == "1万千瓦"]
    assert pv["actual_text"].str.contains("1.41万千瓦").all() and (pv["status_simple"] == "met").all()
    later = links[links["year"].isin([2025, 2027])]
    assert later["actual_text"].isna().all()


REPORTS = Path(__file__).resolve().parents[1] / "corpus" / "reports" / "raw"


def test_national_reports_parts_and_year():
    """Each report's top-level parts: a review of the year (or five) before it, then plans."""
    for year in (2003, 2005, 2008, 2011):
        doc = read_document(REPORTS / f"national_{year}_report.txt")
        assert doc.year == year and doc.genre == "work_report"
        top = [p for p in doc.parts if p.level == 1]
        assert top[0].kind == "review" and top[0].period_end == year - 1
        assert {p.kind for p in top[1:]} == {"plan"}


def test_past_year_opening_a_sentence_in_a_plan_part_reports_results():
    """2011 opens its 2011 part with 过去一年，… and the 2010 headline results."""
    doc = read_document(REPORTS / "national_2011_report.txt")
    t = next(t for t in doc.targets if t.text == "10.3%")
    assert doc.part_at(t.start).heading == "2011年的工作"
    assert (t.role, t.year, t.period_start, t.period_end) == ("actual", None, 2010, 2010)


def test_five_year_review_figures_are_cumulative_or_average():
    doc = read_document(REPORTS / "national_2003_report.txt")
    by_text = {t.text: t for t in doc.targets}
    assert (by_text["7.7%"].aggregate, by_text["7.7%"].year) == ("average", None)
    assert by_text["17.2万亿元"].aggregate == "cumulative"
    assert by_text["17.2万亿元"].period_start == 1998 and by_text["17.2万亿元"].period_end == 2002


def test_link_frame_carries_the_targets_period():
    plan = read_document("2021年某省政府工作报告\n一、2020年工作回顾\n过去一年，全省生产总值增长3.9%。\n"
                         "二、2021年工作安排\n今年全省生产总值增长6.5%左右。“十四五”时期全省生产总值年均增长6%左右。",
                         name="p2021")
    report = read_document("2022年某省政府工作报告\n一、2021年工作回顾\n过去一年，全省生产总值增长6.6%。\n"
                           "二、2022年工作安排\n今年全省生产总值增长6%左右。", name="p2022")
    df = plan.link(report).to_frame().set_index("plan_text")
    assert (df.loc["6.5%左右", "period_start"], df.loc["6.5%左右", "period_end"]) == (2021, 2021)
    assert df.loc["6.5%左右", "actual_text"] == "6.6%"
    assert (df.loc["6%左右", "period_start"], df.loc["6%左右", "period_end"]) == (2021, 2025)
    assert pd.isna(df.loc["6%左右", "actual_text"])   # a five-year average is not one year's result
