"""jieba's dictionary cache: built once, shared safely by concurrent processes,
rebuilt when damaged, and never announced on stderr."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# 赶超 is a dictionary word, so its 超 is no comparator ("more than"): only a
# segmenter with jieba's whole dictionary reads 3家 as an exact count.
GLUED = "今年要赶超3家先进企业，签约项目约50个"
SCRIPT = ("import zhtargets; print([(t.text, t.comparator) for t in zhtargets.extract(%r)])"
          % GLUED)
EXPECTED = "[('3家', '='), ('约50个', '~')]"


def _start(cache: Path) -> subprocess.Popen:
    env = {**os.environ, "ZHTARGETS_CACHE": str(cache)}
    return subprocess.Popen([sys.executable, "-c", SCRIPT], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(process: subprocess.Popen) -> tuple[str, str]:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return out.strip(), err


def test_processes_building_the_cache_at_once_all_read_the_whole_dictionary(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    results = [_finish(p) for p in [_start(cache) for _ in range(4)]]
    assert [out for out, _ in results] == [EXPECTED] * 4
    assert [err for _, err in results] == [""] * 4  # no "Building prefix dict…"
    # No temporary files left (beside the dictionary, the extractor's patterns).
    built = [p for p in cache.iterdir() if not p.name.startswith("regex-")]
    assert len(built) == 1 and built[0].suffix == ".sqlite3"
    # A later process reads the finished cache.
    assert _finish(_start(cache)) == (EXPECTED, "")


def test_a_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _finish(_start(cache))
    (built,) = cache.glob("*.sqlite3")
    built.write_bytes(b"not a database" * 100)
    assert _finish(_start(cache)) == (EXPECTED, "")
    assert built.read_bytes().startswith(b"SQLite format 3")


def test_without_a_writable_cache_folder_the_dictionary_is_built_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    assert _finish(_start(blocker / "cache")) == (EXPECTED, "")


def test_the_dictionary_is_not_loaded_for_text_that_does_not_need_it(tmp_path: Path) -> None:
    script = ("import sys, zhtargets; zhtargets.extract('地区生产总值增长5.5%左右');"
              "print('jieba' in sys.modules)")
    env = {**os.environ, "ZHTARGETS_CACHE": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"
    assert not any(tmp_path.glob("*.sqlite3"))


def test_jiebas_hmm_model_loads_only_when_something_uses_it(tmp_path: Path) -> None:
    # zhtargets segments with HMM off; a caller using jieba's HMM still gets it.
    script = ("import sys, zhtargets; zhtargets.extract(%r);"
              "print('jieba.finalseg.prob_emit' in sys.modules);"
              "import jieba; print(jieba.lcut('他来到了网易杭研大厦'));"
              "print('jieba.finalseg.prob_emit' in sys.modules)" % GLUED)
    env = {**os.environ, "ZHTARGETS_CACHE": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True)
    # 杭研 is in no dictionary: only the HMM model joins it into one word.
    assert out.stdout.split("\n")[:3] == [
        "False", "['他', '来到', '了', '网易', '杭研', '大厦']", "True"]
