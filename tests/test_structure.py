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
# Task by task, the table corpus/examples/structure/tasks.jsonl pins what each
# layout gives (text, section, group, leaders, units, completion cell); these
# tests keep what a row of that table cannot say.

EXAMPLES = ROOT / "corpus" / "examples" / "structure" / "tasks.jsonl"
TABLE = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines()
         if line.strip()]


def _example_structure(example: dict) -> Structure:
    return structure(example["doc"]) if example["doc"] else read_structure(normalize(example["text"]))


@pytest.mark.parametrize("example", TABLE, ids=[e["id"] for e in TABLE])
def test_task_example(example: dict) -> None:
    s = _example_structure(example)
    ids = example["task"] if isinstance(example["task"], list) else [example["task"]]
    for task in map(s.task, ids):
        text, completion = s.text(task), s.completion_text(task)
        checks = {
            "number": task.number, "section": task.section, "group": task.group,
            "lead_officials": list(task.lead_officials), "lead_units": list(task.lead_units),
            "participating_units": list(task.participating_units),
            "text": text if example["doc"] else None, "completion": completion,
        }
        for field, value in checks.items():
            if field in example and not (field == "text" and not example["doc"]):
                assert value == example[field], f"{task.id}: {field}"
        if "plan" in example:  # the plan cell, for any document
            assert text == example["plan"], f"{task.id}: plan"
        if "text_starts" in example:
            assert text.startswith(example["text_starts"])
        if "not_in_text" in example:
            assert example["not_in_text"] not in text
        if "participating_starts" in example:
            n = len(example["participating_starts"])
            assert list(task.participating_units[:n]) == example["participating_starts"]
        if "participating_ends" in example:
            assert task.participating_units[-1] == example["participating_ends"]
        if "completion_ends" in example:
            assert completion is not None and completion.endswith(example["completion_ends"])
        if "completion_has" in example:
            assert example["completion_has"] in completion
        for word in example.get("completion_lacks", ()):
            assert completion is not None and word not in completion
    if "task_count" in example:
        assert len(s.tasks) == example["task_count"]
    if "layout" in example:
        assert s.layout == example["layout"]


def test_example_ids_are_unique() -> None:
    ids = [e["id"] for e in TABLE]
    assert len(ids) == len(set(ids))


def test_000_sections() -> None:
    s = structure("000")
    assert len(s.sections) == 9
    unnumbered = [sec for sec in s.sections if sec.number is None]
    assert [sec.title for sec in unnumbered] == ["沈建立副区长牵头工作"]
    assert unnumbered[0].lead_officials == ("沈建立",)


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


def test_004_sections() -> None:
    s = structure("004")
    assert len(s.sections) == 8
    assert all(t.completion_start is None for t in s.tasks)


def test_002_prose_items() -> None:
    s = structure("002")
    assert s.layout == "prose"
    assert [t.number for t in s.tasks] == list(range(10, 22)) + [1, 2, 3, 4]
    # A paragraph that continues an item belongs to it.
    text = raw("002")
    assert s.task_at(text.index("全域Ⅳ类及以上水质占比97%以上")).number == 15


def test_003_prose_projects_once() -> None:
    s, text = structure("003"), raw("003")
    assert s.layout == "prose"
    projects = [t for t in s.tasks if t.section == "二、责任分工"]
    assert [t.number for t in projects] == list(range(1, 11))
    first = projects[0]
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
