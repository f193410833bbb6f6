"""Every lexicon file loads, states its format, and has no duplicate entries."""
from __future__ import annotations

import pytest

from zhtargets._lexicon import lexicon_dir, read_lines

FILES = sorted(p for p in lexicon_dir().iterdir() if p.suffix in {".txt", ".tsv"})


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_lexicon_has_a_header_and_entries(path):
    head = path.read_text(encoding="utf-8").lstrip().splitlines()[0]
    assert head.startswith("#"), f"{path.name} must start with a comment stating format and source"
    assert read_lines(path)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_lexicon_has_no_duplicate_lines(path):
    entries = read_lines(path)
    dupes = {e for e in entries if entries.count(e) > 1}
    assert not dupes, f"{path.name}: {sorted(dupes)}"


def _rows(name, columns):
    from zhtargets._lexicon import read_table

    return read_table(name, columns)


def test_lexicon_files_agree_with_the_unit_table_and_classifier_list():
    from zhtargets.units import default_units

    units = default_units()
    unit_words = {w for w, u in units.words.items() if u.unit != "count"}
    classes = set(units.classes.values())
    counts = {c.counts for c in units.classifiers.values()}
    non_targets = _rows("non_targets.tsv", 2)
    assert {w for t, w in non_targets if t == "qualifier_unit"} <= classes
    assert {w for t, w in non_targets if t in ("weak_unit", "date_unit")} <= unit_words
    assert {w for t, w in non_targets if t == "frequency_unit"} <= set(units.classifiers)
    assert {w for w, k, _ in _rows("kind_words.tsv", 3) if k == "stock_classifier"} <= set(units.classifiers)
    assert {c for a, b, _ in _rows("link_classifier_conflicts.tsv", 3) for c in (a, b)} <= counts
    assert not set(units.classifiers) & unit_words, "a word is both a unit and a measure word"
    assert all(c.counts != c.word for c in units.classifiers.values()), "every bundled measure word names what it counts"
