"""Example tables in corpus/examples/*.jsonl: each line is its own test.

A positive example must yield exactly the records listed, in order, with the
fields given; a negative example (empty ``expect``) must yield nothing.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import zhtargets

EXAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "examples"


# links.jsonl pairs a plan phrase with a result phrase; tests/test_link_examples.py reads it.
_OTHER_TABLES = frozenset({"links.jsonl"})


def _load():
    for path in sorted(EXAMPLES.glob("*.jsonl")):
        if path.name in _OTHER_TABLES:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                ex = json.loads(line)
                marks = [pytest.mark.xfail(reason=ex["xfail"], strict=True)] if "xfail" in ex else []
                yield pytest.param(ex, id=f"{path.stem}:{ex['id']}", marks=marks)


@pytest.mark.parametrize("example", list(_load()))
def test_example(example):
    text = example["text"]
    got = zhtargets.extract(text)
    for t in got:
        assert text[t.start:t.end] == t.text
    assert [t.text for t in got] == [e["text"] for e in example["expect"]], example["why"]
    for t, expected in zip(got, example["expect"]):
        for field, value in expected.items():
            actual = getattr(t, field)
            if isinstance(value, float) or isinstance(actual, float):
                assert actual == pytest.approx(value), f"{t.text}: {field}"
            else:
                assert actual == value, f"{t.text}: {field}"


def test_example_ids_are_unique():
    ids = [p.id for p in _load()]
    assert len(ids) == len(set(ids))
