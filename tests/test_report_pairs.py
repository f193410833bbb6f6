"""Cross-document linking on miniature report pairs written for the tests
(corpus/examples/report_pairs): a province's work reports of two years, a
city's, a district's, and a five-year plan with the next one's review.  They stand for the
unseen pairs of other years and levels: the rules must find most results,
never take the next period's targets as results, and leave budget items
unknown when the review gives only a broader aggregate."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from zhtargets.document import read_document
from zhtargets.evaluate import read_jsonl, score_cross_links
from zhtargets.link import link_records

PAIRS_DIR = Path(__file__).resolve().parents[1] / "corpus" / "examples" / "report_pairs"
GOLD = read_jsonl(PAIRS_DIR / "links.jsonl")
PAIRS = sorted({(g["plan_doc"], g["actual_doc"]) for g in GOLD if g["actual_doc"]})


@cache
def _doc(name: str):
    return read_document(PAIRS_DIR / name)


@cache
def _predicted() -> tuple[dict, ...]:
    return tuple(r for plan, report in PAIRS
                 for r in link_records(_doc(plan).link(_doc(report))))


def test_three_kinds_of_pair():
    genres = {(_doc(p).genre, _doc(r).genre) for p, r in PAIRS}
    assert genres == {("work_report", "work_report"), ("five_year_plan", "five_year_plan")}
    assert len(PAIRS) == 4 and sum(g["actual_value"] is not None for g in GOLD) >= 50


def test_most_results_found_and_judged():
    scores = score_cross_links(GOLD, list(_predicted()))
    assert scores["recall"] >= 0.85, scores
    assert scores["precision"] >= 0.9 and scores["status_acc"] >= 0.9, scores


@pytest.mark.parametrize("plan,report", PAIRS)
def test_results_come_from_the_review_only(plan, report):
    # The next report's own targets (its plan part) are never a result.
    doc = _doc(report)
    reviews = [(p.start, p.end) for p in doc.parts if p.role == "actual"]
    linked = [r for r in _predicted() if r["plan_doc"] == Path(plan).stem
              and r["actual_start"] is not None]
    assert linked
    assert all(any(s <= r["actual_start"] < e for s, e in reviews) for r in linked)


def test_items_reported_only_as_a_broader_aggregate_stay_unknown():
    unknown = [g for g in GOLD if g["status"] == "unknown"]
    assert unknown
    for g in unknown:
        start, end = g["plan_char_offset"], g["plan_char_offset"] + len(g["plan_text"])
        mine = [r for r in _predicted() if r["plan_doc"] == Path(g["plan_doc"]).stem
                and r["plan_start"] < end and start < r["plan_end"]]
        assert mine and all(r["actual_start"] is None for r in mine), g["plan_text"]
