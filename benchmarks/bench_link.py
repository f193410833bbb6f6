"""Cost of linking, with jieba as the yardstick.

    python benchmarks/bench_link.py [--sizes 1000 10000] [--tasks 1000 4000]

Two measures, each printed beside jieba.lcut over the same amount of text in
the same run, so the ratio holds across machines where absolute speed does
not:

* N plan targets against N results of another document (no shared rows),
  as records: the candidate index keeps this close to linear in N;
* a numbered task list and its separately published completion report with
  the same numbering (the 1月 分解表 and the 12月 完成情况), generated with
  N tasks, read and linked from text: the share of tasks linked to their own
  result and judged right, and the time.
"""
from __future__ import annotations

import argparse
import logging
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

try:
    import zhtargets
except ImportError:
    # Lets the script run from a checkout that was never pip-installed.
    sys.path.insert(0, str(ROOT / "src"))
    import zhtargets

import jieba
from zhtargets.document import read_document
from zhtargets.link import link
from zhtargets.records import Target

# What a district's task list plans, as (what is done, unit word, unit,
# the largest plausible target).  Written for this benchmark.
_TASKS = (
    ("新建城市道路", "公里", "km", 60),
    ("新增学位", "个", "count", 5000),
    ("改造老旧小区", "个", "count", 80),
    ("新增城镇就业", "人", "count", 30000),
    ("建成公共充电桩", "个", "count", 3000),
    ("新增绿地面积", "万平方米", "m**2", 90),
    ("新增养老床位", "张", "count", 2000),
    ("完成造林", "亩", "mu", 9000),
)
# Result / target for each verdict: met, not met, clearly exceeded.
_OUTCOMES = (("met", 1.1), ("not_met", 0.8), ("exceeded", 1.3))


def task_pair(n: int, year: int = 2024, seed: int = 0) -> tuple[str, str, list[str]]:
    """A task list of ``n`` numbered tasks, its completion report, and the
    status each task's result deserves."""
    rng = random.Random(seed)
    plan = [f"{year}年区政府重点工作任务分解表", "", "一、重点任务"]
    report = [f"{year}年区政府重点工作任务完成情况", "", "一、重点任务"]
    expected = []
    for i in range(1, n + 1):
        action, word, _, top = _TASKS[rng.randrange(len(_TASKS))]
        target = rng.randint(top // 10, top)
        status, ratio = _OUTCOMES[rng.randrange(len(_OUTCOMES))]
        result = round(target * ratio)
        lead = f"（牵头单位：第{i}工作组）"
        plan += [f"{i}.{action}{target}{word}。", lead]
        report += [f"{i}.{action}{target}{word}。", lead, f"完成情况：全年{action}{result}{word}。"]
        expected.append(status)
    return "\n".join(plan) + "\n", "\n".join(report) + "\n", expected


def records(n: int, seed: int = 0) -> tuple[list[Target], list[Target]]:
    """``n`` plans and ``n`` results of another document, as records."""
    rng = random.Random(seed)
    plans, results = [], []
    for i in range(n):
        action, word, unit, top = _TASKS[rng.randrange(len(_TASKS))]
        # Distinct wording per pair, as in a real document: the place names it.
        name = f"第{i}片区{action}"
        value = float(rng.randint(top // 10, top))
        for out, role, v in ((plans, "plan", value), (results, "actual", value * 1.1)):
            out.append(Target(i * 20, i * 20 + 5, f"{v:g}{word}", v, None, None, unit, None,
                              None, ">=" if role == "plan" else "=", None, None, "amount",
                              name, 2024, role, "bench"))  # type: ignore[arg-type]
    rng.shuffle(results)
    return plans, results


def _jieba_seconds(text: str) -> float:
    start = time.perf_counter()
    jieba.lcut(text)
    return time.perf_counter() - start


def bench_records(sizes: list[int]) -> None:
    print("N plans x N results (records, another document)")
    for n in sizes:
        plans, results = records(n)
        start = time.perf_counter()
        links = link(plans, results)
        seconds = time.perf_counter() - start
        linked = sum(k.result is not None and k.result.indicator == k.plan.indicator
                     for k in links)
        text = "".join(f"{t.indicator}{t.text}。" for t in plans + results)
        print(f"  {n:>6} x {n:<6} {seconds:7.2f} s  {linked / n:6.1%} linked right"
              f"   jieba.lcut on the same wording: {_jieba_seconds(text):.2f} s")


def bench_tasks(sizes: list[int]) -> None:
    print("numbered task list + separate completion report (from text)")
    for n in sizes:
        plan_text, report_text, expected = task_pair(n)
        start = time.perf_counter()
        plan, report = read_document(plan_text), read_document(report_text)
        read = time.perf_counter() - start
        links = plan.link(report)
        seconds = time.perf_counter() - start
        right = sum(k.result is not None and k.status == want
                    for k, want in zip(links, expected))
        print(f"  {n:>5} tasks  read {read:6.2f} s, linked {seconds - read:5.2f} s  "
              f"{len(links)} plans  {right / n:6.1%} linked and judged right"
              f"   jieba.lcut on both texts: {_jieba_seconds(plan_text + report_text):.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--tasks", type=int, nargs="+", default=[1000, 4000])
    args = ap.parse_args()
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    bench_records(args.sizes)
    bench_tasks(args.tasks)


if __name__ == "__main__":
    main()
