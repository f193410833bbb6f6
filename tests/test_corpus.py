"""The bundled corpus: intact, and scored above the floors the project promises.

Floors are the acceptance figures of the extraction and structure issues,
measured with zhtargets.evaluate (which reproduces shared/tools/score.py).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from zhtargets.document import read_document
from zhtargets.evaluate import score

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
RAW, GOLD = CORPUS / "raw", CORPUS / "gold"


def test_corpus_files_are_unchanged():
    for line in (CORPUS / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        assert hashlib.sha256((CORPUS / name).read_bytes()).hexdigest() == digest, name


@pytest.fixture(scope="module")
def documents():
    return [read_document(p) for p in sorted(RAW.glob("*.txt"))]


@pytest.fixture(scope="module")
def result(documents):
    preds = [{"doc": d.name, **t.to_dict()} for d in documents for t in d.targets]
    return score(RAW, GOLD, preds)


@pytest.mark.parametrize("figure, floor", [
    ("f1", 0.95), ("value_unit_acc", 0.97), ("comparator_acc", 0.95), ("kind_acc", 0.90),
    ("year_acc", 0.90), ("indicator_f1", 0.75), ("role_acc", 0.97),
])
def test_score_floor(result, figure, floor):
    assert result[figure] >= floor, f"{figure} = {result[figure]:.3f}"


@pytest.mark.parametrize("doc", sorted(p.stem for p in RAW.glob("*.txt")))
def test_every_document_recalls_most_gold(result, doc):
    assert result["per_doc"][doc]["recall"] >= 0.9


@pytest.mark.parametrize("doc, tasks", [
    ("000_bfb4eece756cc416", 156), ("001_18c78e876a0a643e", 120), ("004_da3d1b8f3aae7771", 109),
])
def test_task_counts(documents, doc, tasks):
    (d,) = [d for d in documents if d.name == doc]
    assert len(d.tasks) == tasks


def test_every_table_target_knows_its_task(documents):
    for d in documents:
        if d.structure.layout in ("table", "items"):
            assert all(t.task for t in d.targets), d.name
