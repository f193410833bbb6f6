"""``zhtargets eval`` on the bundled work-report pairs (corpus/reports): the
cross-document link figures are those of the project's score_links.py
(tests/reference_score_links.py, a verbatim copy), on the links
``Document.link`` predicts and on hand-made predictions."""
from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path

import pytest

from zhtargets.evaluate import read_jsonl, score_cross_links, score_reports

TESTS = Path(__file__).resolve().parent
REPORTS = TESTS.parent / "corpus" / "reports"


@cache
def reference():
    spec = importlib.util.spec_from_file_location("reference_score_links",
                                                  TESTS / "reference_score_links.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _same(ours: dict, theirs: dict) -> None:
    for key in ("gold_pairs", "found", "recall", "precision", "status_acc", "f1"):
        assert ours[key] == pytest.approx(theirs[key]), key


def test_hand_made_predictions_score_as_the_reference():
    gold = read_jsonl(REPORTS / "links.jsonl")
    first = next(g for g in gold if g["actual_text"])
    unknown = next(g for g in gold if g["status"] == "unknown")
    hit = {"plan_doc": first["plan_doc"], "actual_doc": first["actual_doc"],
           "plan_start": first["plan_char_offset"], "plan_end": first["plan_char_offset"] + 2,
           "actual_start": first["actual_char_offset"],
           "actual_end": first["actual_char_offset"] + 2, "status": first["status"]}
    wrong = {"plan_doc": unknown["plan_doc"], "actual_doc": "national_2012_report",
             "plan_start": unknown["plan_char_offset"], "plan_end": unknown["plan_char_offset"] + 1,
             "actual_start": 0, "actual_end": 5, "status": "met"}
    preds = [hit, wrong]
    _same(score_cross_links(gold, preds), reference().score(gold, json.loads(json.dumps(preds))))
    assert score_cross_links(gold, [])["recall"] == 0


def test_bundled_reports_score_as_the_reference():
    result = score_reports(REPORTS)
    assert result["targets"]["f1"] > 0.95
    links = result["links"]
    assert links["gold_pairs"] == 49
    # What Document.link finds across the nine pairs, scored by the reference.
    from zhtargets.document import read_document
    from zhtargets.link import link_records

    gold = read_jsonl(REPORTS / "links.jsonl")
    docs = {y: read_document(REPORTS / "raw" / f"national_{y}_report.txt") for y in range(2003, 2013)}
    preds = [r for y in range(2003, 2012) for r in link_records(docs[y].link(docs[y + 1]))]
    _same(links, reference().score(gold, preds))
    assert links["precision"] >= 0.9 and links["status_acc"] >= 0.85
