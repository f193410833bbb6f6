"""Linking driven by the example table corpus/examples/links.jsonl: a plan
phrase and a result phrase (the result read as a report's review), the
status and the result the link must find.  Written for the rules of the
language and the genre, not copied from any document."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from zhtargets.document import read_document
from zhtargets.link import link, sentences

TABLE = Path(__file__).resolve().parents[1] / "corpus" / "examples" / "links.jsonl"
EXAMPLES = [json.loads(line) for line in TABLE.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _records(text: str, role: str):
    return [replace(t, role=role) for t in read_document(text).targets]


def _row_link(example):
    """The plan cell and the completion cell of one task-table row: every
    plan target of the row is linked, the one named by ``plan_text`` checked."""
    plans = [replace(t, task="t1") for t in _records(example["plan"], "plan")]
    offset = len(example["plan"]) + 1  # the two cells as one text, plan first
    source = example["plan"] + "\n" + example["result"]
    results = [replace(t, task="t1", start=t.start + offset, end=t.end + offset)
               for t in _records(example["result"], "actual")]
    links = link(plans, results, completions={"t1": example["result"]},
                 plan_source=source, report_source=source)
    return next(k for k in links if k.plan.text == example["plan_text"])


def _review_link(example):
    """The plan phrase's first target against the result phrase read as a
    report's review."""
    plans = _records(example["plan"], "plan")
    results = _records(example["result"], "actual")
    assert plans, "the plan phrase holds no target"
    options = {"tolerance": example["tolerance"]} if "tolerance" in example else {}
    return link(plans[:1], results, plan_source=example["plan"], report_source=example["result"],
                statements=sentences(example["result"]), **options)[0]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
def test_link_example(example):
    k = _row_link(example) if example.get("row") else _review_link(example)
    assert (k.result.text if k.result else None) == example["result_text"], (example["why"], k.detail)
    assert k.status == example["status"], (example["why"], k.detail)
    assert k.code and k.reason


def test_every_status_has_examples():
    assert {e["status"] for e in EXAMPLES} == {"met", "exceeded", "not_met", "unknown"}
    assert sum(e["result_text"] is None for e in EXAMPLES) >= 5  # negatives
