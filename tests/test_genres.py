"""Miniature documents of every genre (corpus/examples/documents): genre, year,
parts, tasks and each record's role and period, as the table states them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhtargets.document import read_document

HERE = Path(__file__).resolve().parents[1] / "corpus" / "examples" / "documents"
TABLE = [json.loads(line) for line in (HERE / "documents.jsonl").read_text(encoding="utf-8").splitlines()
         if line.strip()]


@pytest.mark.parametrize("example", TABLE, ids=[e["id"] for e in TABLE])
def test_miniature_document(example):
    doc = read_document(HERE / example["file"])
    assert (doc.genre, doc.year) == (example["genre"], example["year"])
    if "parts" in example:
        assert [[p.kind, p.heading, p.period_start, p.period_end] for p in doc.parts] == example["parts"]
    if "tasks" in example:
        assert len(doc.tasks) == example["tasks"]
    if "lead_units" in example:
        assert [t.lead_units[0] if t.lead_units else None for t in doc.tasks] == example["lead_units"]
    assert [t.text for t in doc.targets] == [e["text"] for e in example["targets"]], example["why"]
    for t, expected in zip(doc.targets, example["targets"]):
        assert doc.text[t.start:t.end] == t.text
        for field, value in expected.items():
            assert getattr(t, field) == value, f"{t.text}: {field}"
    if "links" in example:
        # The document's own completion cells answer its plans.
        got = [{"plan": k.plan.text, "status": k.status, "results": [r.text for r in k.results]}
               for k in doc.link()]
        assert got == example["links"], example["why"]


def test_ids_are_unique():
    ids = [e["id"] for e in TABLE]
    assert len(ids) == len(set(ids))


def test_genre_and_year_can_be_overridden():
    doc = read_document(HERE / "communique.txt", genre="work_report", year=2030)
    assert (doc.genre, doc.year) == ("work_report", 2030)
    with pytest.raises(ValueError, match="genre must be one of"):
        read_document(HERE / "communique.txt", genre="novel")


def test_repr_is_one_short_line():
    doc = read_document(HERE / "provincial_report.txt")
    text = repr(doc)
    assert "\n" not in text and len(text) < 200
    assert "genre='work_report'" in text and "year=2025" in text
