"""Document structure (tasks, cells, leads) on the real corpus documents."""
from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
try:
    import zhtargets  # noqa: F401
except ImportError:  # the package is not installed in the venv; run from src/
    sys.path.insert(0, str(ROOT / "src"))

from zhtargets.normalize import normalize  # noqa: E402
from zhtargets.structure import Structure, Task, read_structure  # noqa: E402

RAW = ROOT / "corpus" / "raw"
GOLD = ROOT / "corpus" / "gold"

# Gold records whose clause is knowingly outside every task, with the reason.
# (Gold `row` values all agree with the structure; see test_gold_rows.)
OUTSIDE_TASKS = {
    "002-55": "十件实事 paragraph opened by 各位代表 between items 18 and (七): no item",
    "002-56": "十件实事 paragraph opened by 各位代表 between items 18 and (七): no item",
}


@cache
def raw(prefix: str) -> str:
    (path,) = RAW.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@cache
def structure(prefix: str) -> Structure:
    return read_structure(normalize(raw(prefix)))


def gold(prefix: str) -> list[dict]:
    return [json.loads(line) for path in sorted(GOLD.glob(f"{prefix}_*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def occurrences(text: str, needle: str) -> list[int]:
    out, i = [], text.find(needle)
    while i >= 0:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def by_number(s: Structure, number: int) -> Task:
    (task,) = [t for t in s.tasks if t.number == number]
    return task


# ---------------------------------------------------------------- layouts --

@pytest.mark.parametrize("prefix, layout, count", [
    ("000", "items", 156),
    ("001", "table", 120),
    ("004", "table", 109),
])
def test_task_counts(prefix: str, layout: str, count: int) -> None:
    s = structure(prefix)
    assert s.layout == layout
    assert len(s.tasks) == count
    assert [t.number for t in s.tasks] == list(range(1, count + 1))
    assert len({t.id for t in s.tasks}) == count


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_spans_are_original_offsets(prefix: str) -> None:
    s, text = structure(prefix), raw(prefix)
    for t in s.tasks:
        assert 0 <= t.start < t.end <= len(text)
        assert s.task_at(t.start) == t
        assert s.cell_at(t.start) == "plan"
        if t.completion_start is not None:
            assert s.task_at(t.completion_start) == t
            assert s.cell_at(t.completion_start) == "completion"


# ------------------------------------------------------------------- gold --

@pytest.mark.parametrize("prefix", ["000", "001", "004"])
def test_gold_rows(prefix: str) -> None:
    """Every gold record's clause sits in the task numbered with its `row`.

    A clause may occur more than once (the repeated copy of 001, or a plan
    sentence repeated in its completion cell); every occurrence must agree,
    and in 001 one occurrence must sit in the cell matching its role.
    """
    s, text = structure(prefix), raw(prefix)
    records = [r for r in gold(prefix) if r["row"] is not None]
    assert records
    cell_for_role = {"plan": "plan", "actual": "completion"}
    wrong = []
    for r in records:
        offsets = occurrences(text, r["clause"])
        assert offsets, r["id"]
        numbers = {getattr(s.task_at(o), "number", None) for o in offsets}
        cells = {s.cell_at(o) for o in offsets}
        if numbers != {r["row"]} or (prefix == "001" and cell_for_role[r["role"]] not in cells):
            wrong.append((r["id"], r["row"], r["role"], sorted(numbers, key=str), cells))
    share = 100 * (len(records) - len(wrong)) / len(records)
    print(f"{prefix}: {len(records) - len(wrong)}/{len(records)} gold rows agree ({share:.1f}%)")
    assert wrong == []


@pytest.mark.parametrize("prefix", ["002", "003"])
def test_prose_tasks_hold_gold_clauses(prefix: str) -> None:
    s, text = structure(prefix), raw(prefix)
    for r in gold(prefix):
        task = s.task_at(text.find(r["clause"]))
        if r["id"] in OUTSIDE_TASKS:
            assert task is None, r["id"]
            continue
        assert task is not None, r["id"]
        if r["row"] is not None:
            assert task.number == r["row"], r["id"]


# ------------------------------------------------------------ spot checks --

def test_000_items_and_sections() -> None:
    s = structure("000")
    five = by_number(s, 5)
    assert s.text(five) == "地区生产总值增长5.5%。"
    assert five.lead_units == ("区发改经信局",)
    assert five.lead_officials == ("黄飞",)
    assert five.section == "二、黄飞常务副区长牵头工作"
    # Items 1-4 share the one 牵头单位 line after item 4; its remark in
    # brackets (列第一位的为牵头或汇总单位，下同) is not a unit.
    for n in (1, 2, 3, 4):
        t = by_number(s, n)
        assert t.lead_units == ("区政府办公室", "区政府各部门", "各街道办事处")
        assert t.lead_officials == ("冯晶",)
    assert by_number(s, 137).lead_units == ("区教育局",)
    # The heading that lost its number still opens a section.
    t93 = by_number(s, 93)
    assert t93.section == "沈建立副区长牵头工作"
    assert t93.lead_officials == ("沈建立",)
    assert t93.lead_units == ("区科技局",)
    assert len(s.sections) == 9
    unnumbered = [sec for sec in s.sections if sec.number is None]
    assert [sec.title for sec in unnumbered] == ["沈建立副区长牵头工作"]
    assert unnumbered[0].lead_officials == ("沈建立",)
    assert by_number(s, 156).lead_units == ("区红十字会",)
    # The distribution list after the last item is not part of it.
    assert "抄送" not in s.text(by_number(s, 156))


def test_001_rows() -> None:
    s = structure("001")
    r1 = s.task("r1")
    assert r1.number == 1 and r1.group == "主要经济指标"
    assert s.text(r1) == "地区生产总值增长5.5%左右(确保5%以上)。"
    assert r1.lead_officials == ("黄飞",)
    assert r1.lead_units == ("区发改经信局",)
    assert s.completion_text(r1) == "已完成。"
    r6 = s.task("r6")
    assert r6.lead_officials == ("黄飞", "张建明", "袁雁飞")
    assert r6.lead_units == ("区亚保办",)
    assert r6.group == "办好精彩亚运盛会"
    # Group headings carry forward to rows that lack one.
    assert s.task("r7").group == "办好精彩亚运盛会"
    assert s.task("r2").group == "主要经济指标"
    # A plan cell with no punctuation is still the plan, not a group.
    r38 = s.task("r38")
    assert s.text(r38).startswith("完善“货物+服务”双出口模式")
    assert r38.group == "构建开放经济新格局"
    assert s.task("r83").lead_units == ("区发改经信局", "区卫健局")
    assert s.task("r48").lead_units == ("大运河数智未来城管委会",)
    # Multi-paragraph completion cell, and the last row stops before the
    # page furniture that precedes the repeated table.
    r53 = s.completion_text(s.task("r53"))
    assert r53 is not None and r53.endswith("新增高技能人才5481人次。")
    assert "聚焦“1+4”产业主赛道" in r53
    r120 = s.completion_text(s.task("r120"))
    assert r120 is not None and "规划计划" not in r120 and "索引号" not in r120


def test_001_second_copy_maps_to_first() -> None:
    s, text = structure("001"), raw("001")
    r1 = s.task("r1")
    done = occurrences(text, "已完成。\n\n2\n")
    assert len(done) == 2
    assert done[0] == r1.completion_start
    assert s.task_at(done[1]) == r1
    assert s.cell_at(done[1]) == "completion"
    second_plan = occurrences(text, "地区生产总值增长5.5%左右")[1]
    assert s.task_at(second_plan) == r1 and s.cell_at(second_plan) == "plan"
    copies = {r.copy for r in s.regions if r.task == "r1" and r.cell == "row"}
    assert copies == {0, 1}
    # Leader and unit cells belong to the row but to neither text cell.
    leader = text.index("黄飞", r1.end)
    assert s.task_at(leader) == r1 and s.cell_at(leader) is None


def test_004_rows() -> None:
    s = structure("004")
    r5 = s.task("r5")
    assert r5.lead_officials == ("姚文华", "顾斌")
    assert r5.lead_units == ("区发改局(区金融办)", "区经信局")
    assert r5.participating_units[:2] == ("区科技局", "区财政局")
    assert r5.section == "一、在铸强发展引擎上大抓落实、勇当标杆"
    assert r5.group == "壮大科技创新主力军"
    # Offsets are into the traditional original, pinyin artifacts included.
    assert s.text(r5).startswith("實施“雄鷹計劃”")
    r1 = s.task("r1")
    assert r1.lead_officials == ("梅建胜", "顾国煜")
    assert r1.lead_units == ("区科技局",)
    assert r1.participating_units == ("区发改局", "未来科技城")
    # Unit names wrapped over two lines are joined.
    assert s.task("r49").lead_units == ("区综合行政执法局",)
    assert s.task("r87").lead_units == ("区数据资源管理局",)
    assert s.task("r88").lead_units == ("区疫情防控指挥部",)
    assert s.task("r25").lead_units == ("市规划和自然资源局余杭分局",)
    assert s.task("r25").lead_officials == ("梅建胜", "吴远东")
    assert s.task("r70").lead_units == ("区文广旅体局", "良渚新城", "区交通集团")
    assert s.task("r70").participating_units == ("有关镇街",)
    assert s.task("r12").section == "二、在激发市场活力上大抓落实、勇当标杆"
    assert len(s.sections) == 8
    assert all(t.completion_start is None for t in s.tasks)


def test_002_prose_items() -> None:
    s = structure("002")
    assert s.layout == "prose"
    assert [t.number for t in s.tasks] == list(range(10, 22)) + [1, 2, 3, 4]
    t10 = s.task("10")
    assert s.text(t10).startswith("拉开大城北建设格局。")
    assert t10.section == "(四) 强化战略牵引,建设超大城市核心区"
    # A paragraph that continues an item belongs to it.
    text = raw("002")
    assert s.task_at(text.index("全域Ⅳ类及以上水质占比97%以上")).number == 15
    assert s.task("2").section == "三、全面加强政府自身建设"


def test_003_prose_projects_once() -> None:
    s, text = structure("003"), raw("003")
    assert s.layout == "prose"
    projects = [t for t in s.tasks if t.section == "二、责任分工"]
    assert [t.number for t in projects] == list(range(1, 11))
    first = projects[0]
    assert first.lead_officials == ("黄飞",)
    assert first.lead_units == ("区发改经信局",)
    assert first.participating_units[:2] == ("区教育局", "区科技局")
    # 交通运输执法拱墅大队等: the closing 等 is not part of the name.
    assert first.participating_units[-1] == "交通运输执法拱墅大队"
    assert projects[9].lead_officials == ("樊峥", "包晓东")
    assert projects[9].lead_units == ("区政府办",)
    assert projects[4].participating_units == ()
    # The numbered steps under (二) are tasks grouped by their heading.
    steps = [t for t in s.tasks if t.group == "(二)一套工作机制管理"]
    assert [t.number for t in steps] == [1, 2, 3, 4]
    # The text appears twice; a clause in either copy finds the same task.
    clause = "每年滚动推进重大项目5个左右"
    found = {s.task_at(o) for o in occurrences(text, clause)}
    assert len(occurrences(text, clause)) == 2 and found == {first}
    ids = [t.id for t in s.tasks]
    assert len(ids) == len(set(ids)) == 17


# ------------------------------------------------------------------ frame --

def test_frame() -> None:
    s = structure("001")
    frame = s.frame()
    assert list(frame.columns) == [
        "task", "number", "section", "group", "start", "end", "text",
        "lead_officials", "lead_units", "participating_units",
        "completion_start", "completion_end", "completion_text"]
    assert len(frame) == 120
    for column in ("number", "start", "end", "completion_start", "completion_end"):
        assert str(frame[column].dtype) == "Int64"
    row = frame.iloc[5]
    assert row["task"] == "r6"
    assert row["lead_officials"] == "黄飞、张建明、袁雁飞"
    assert frame.iloc[0]["completion_text"] == "已完成。"
    items = structure("000").frame()
    assert items["completion_start"].isna().all()
    assert items.loc[0, "lead_units"] == "区政府办公室、区政府各部门、各街道办事处"


# ------------------------------------------------------------- edge cases --

def test_empty_text() -> None:
    s = read_structure(normalize(""))
    assert s.layout == "prose" and s.tasks == () and s.sections == ()
    assert s.task_at(0) is None and s.cell_at(0) is None
    assert len(s.frame()) == 0


@pytest.mark.parametrize("text", [
    "序号\n项目名称\n主要工作内容\n牵头领导\n牵头单位\n累计完成情况\n",
    "序号\n主要工作内容\n牵头单位\n1\n\n2\n3\n",
    "一、\n(一)\n1.\n牵头单位:\n召集人:\n",
    "1.\n2.\n3.",
    "\n\n\n   \t",
    "区(qū)局\n(区金融办)\n区综合行政\n",
])
def test_degenerate_input(text: str) -> None:
    s = read_structure(normalize(text))
    s.frame()
    for t in s.tasks:
        assert 0 <= t.start <= t.end <= len(text)


_PIECES = ["序号", "项目名称", "主要工作内容", "牵头领导", "牵头单位", "累计完成情况",
           "1", "2", "3", "黄飞", "区财政局", "区综合行政", "执法局", "(区金融办)",
           "已完成。", "一、总体", "(一)项目", "1.任务,完成10个。", "牵头单位:区局",
           "召集人:黄飞副区长", "區(qū)", "", " ", "抄送:各部门"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("\n".join)
       | st.text(max_size=200))
def test_garbage_never_raises(text: str) -> None:
    s = read_structure(normalize(text))
    s.frame()
    assert len({t.id for t in s.tasks}) == len(s.tasks)
    rows = sorted((r for r in s.regions if r.cell == "row"), key=lambda r: r.start)
    assert all(a.end <= b.start for a, b in zip(rows, rows[1:]))
    for offset in range(len(text) + 1):
        s.task_at(offset)
        s.cell_at(offset)
