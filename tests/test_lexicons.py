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
