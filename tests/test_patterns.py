"""Compiled patterns kept in the cache folder: a later process rebuilds the
extractor's patterns without parsing them, and extracts exactly the same."""
from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path

# Counts the patterns regex parses while an Extractor is built, then extracts.
SCRIPT = """
import regex._main as engine
import zhtargets
parsed = []
compile_ = engine._compile
engine._compile = lambda *a, **k: parsed.append(1) or compile_(*a, **k)
ex = zhtargets.Extractor()
print(len(parsed))
print([(t.text, t.comparator, t.indicator) for t in ex.extract(%r)])
""" % ("“十四五”时期新增就业岗位3万个，签约项目约50个；(二)建成5G基站2000个以上")


def _run(cache: Path) -> tuple[int, str]:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         env={**os.environ, "ZHTARGETS_CACHE": str(cache)}, timeout=300)
    assert out.returncode == 0, out.stderr
    parsed, records = out.stdout.splitlines()
    return int(parsed), records


def test_a_later_process_parses_none_of_the_extractors_patterns(tmp_path: Path) -> None:
    first, records = _run(tmp_path)
    assert first > 20
    (stored,) = tmp_path.glob("regex-*.marshal")
    assert len(marshal.loads(stored.read_bytes())) >= first
    assert _run(tmp_path) == (0, records)
    # 约 makes a number approximate, 以上 a floor; (二) is an item number.
    assert "('约50个', '~', '签约项目'), ('2000个以上', '>=', '建成5G基站')" in records


def test_a_damaged_cache_file_is_passed_over_and_rewritten(tmp_path: Path) -> None:
    first, records = _run(tmp_path)
    (stored,) = tmp_path.glob("regex-*.marshal")
    stored.write_bytes(b"\x00not marshal data" * 50)
    assert _run(tmp_path) == (first, records)
    assert isinstance(marshal.loads(stored.read_bytes()), dict)
    assert _run(tmp_path) == (0, records)


def test_without_a_writable_cache_folder_patterns_are_compiled_each_time(tmp_path: Path) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    first, records = _run(blocker / "cache")
    assert first > 20 and _run(blocker / "cache") == (first, records)
