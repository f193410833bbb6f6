"""Expanding command-line paths and running extraction over folders."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from zhtargets._io import read_text
from zhtargets.batch import BatchResult, doc_id, expand_paths, extract_file, run

RAW = Path(__file__).resolve().parents[1] / "corpus" / "raw"
COPIED = ("000_bfb4eece756cc416", "002_4ac6e55c7e26962c", "004_da3d1b8f3aae7771")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three corpus documents, a GBK copy of the first, and an image named .txt."""
    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    for i, name in enumerate(COPIED):
        target = root / "sub" if i == 2 else root
        shutil.copy(RAW / f"{name}.txt", target / f"{name}.txt")
    text = (RAW / f"{COPIED[0]}.txt").read_text(encoding="utf-8")
    (root / "gbk_copy.txt").write_bytes(text.encode("gbk"))
    (root / "scan.txt").write_bytes(PNG)
    (root / "notes.md").write_text("不是文本文件", encoding="utf-8")
    (root / ".hidden" / "skip.txt").write_text("隐藏", encoding="utf-8")
    return root


def _names(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def test_directory_expands_to_sorted_txt_files_recursively(folder: Path) -> None:
    assert _names(expand_paths([str(folder)])) == [
        f"{COPIED[0]}.txt", f"{COPIED[1]}.txt", "gbk_copy.txt", "scan.txt", f"{COPIED[2]}.txt",
    ]


def test_glob_expands_to_sorted_matches(folder: Path) -> None:
    assert _names(expand_paths([str(folder / "0*.txt")])) == [f"{COPIED[0]}.txt", f"{COPIED[1]}.txt"]
    assert _names(expand_paths([str(folder / "**" / "004_*.txt")])) == [f"{COPIED[2]}.txt"]


def test_files_keep_argument_order_and_duplicates_collapse(folder: Path) -> None:
    second, first = folder / f"{COPIED[1]}.txt", folder / f"{COPIED[0]}.txt"
    paths = expand_paths([second, str(first), str(folder / "*.txt")])
    assert paths[:2] == [second, first]
    assert len(paths) == len(set(paths)) == 4


def test_missing_path_and_empty_pattern_become_error_items(folder: Path) -> None:
    missing, pattern = folder / "gone.txt", folder / "nothing*.txt"
    empty = folder / "empty_dir"
    empty.mkdir()
    paths = expand_paths([str(missing), str(pattern), str(empty), str(folder / "gbk_copy.txt")])
    assert paths == [missing, pattern, empty, folder / "gbk_copy.txt"]
    results = list(run(paths, _length))
    assert [r.error for r in results[:3]] == [
        f"{missing}: no such file",
        f"{pattern}: pattern matched no files",
        f"{empty}: directory holds no .txt files",
    ]
    assert results[3].ok and results[3].records


def test_extract_file_tags_records_with_doc(folder: Path) -> None:
    records = extract_file(folder / f"{COPIED[0]}.txt")
    assert records
    assert all(r["doc"] == COPIED[0] for r in records)
    assert list(records[0])[0] == "doc"
    text = read_text(folder / f"{COPIED[0]}.txt")
    assert all(text[r["start"]:r["end"]] == r["text"] for r in records)


def test_folder_run_reports_binary_and_keeps_going(folder: Path) -> None:
    paths = expand_paths([str(folder)])
    results = list(run(paths, extract_file))
    assert [r.path for r in results] == paths
    by_name = {r.path.name: r for r in results}
    scan = by_name.pop("scan.txt")
    assert not scan.ok and not scan.records
    assert "scan.txt" in scan.error and "looks binary" in scan.error
    assert all(r.ok and r.records for r in by_name.values())
    assert all(rec["doc"] == r.doc for r in results for rec in r.records)


def test_gbk_file_gives_the_same_records_as_utf8(folder: Path) -> None:
    utf8 = extract_file(folder / f"{COPIED[0]}.txt")
    gbk = extract_file(folder / "gbk_copy.txt")
    assert [{**r, "doc": None} for r in gbk] == [{**r, "doc": None} for r in utf8]


def test_two_workers_match_one(folder: Path) -> None:
    paths = expand_paths([str(folder)])
    serial = list(run(paths, extract_file, jobs=1))
    parallel = list(run(paths, extract_file, jobs=2))
    assert parallel == serial


def _length(path: Path) -> list[dict[str, object]]:
    return [{"chars": len(read_text(path))}]


def _fail_on_odd(path: Path) -> list[dict[str, object]]:
    number = int(path.stem)
    if number % 2:
        raise RuntimeError(f"odd {number}")
    return [{"n": number}]


def test_order_is_kept_across_workers_and_failures(tmp_path: Path) -> None:
    paths = [tmp_path / f"{i}.txt" for i in range(50)]
    results = list(run(paths, _fail_on_odd, jobs=2, initializer=None))
    assert [r.path for r in results] == paths
    assert [r.records for r in results[:2]] == [[{"n": 0}], []]
    assert results[1].error == f"{paths[1]}: RuntimeError: odd 1"


def test_stopping_early_does_not_wait_for_the_rest(tmp_path: Path) -> None:
    paths = [tmp_path / f"{i}.txt" for i in range(200)]
    first = next(iter(run(paths, _fail_on_odd, jobs=2, initializer=None)))
    assert first == BatchResult(paths[0], "0", [{"n": 0}], None)


def test_progress_bar_goes_to_stderr_when_asked(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    list(run(expand_paths([str(folder)]), _length, progress=True))
    assert "5/5" in capsys.readouterr().err


def test_no_progress_bar_when_not_interactive(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    list(run(expand_paths([str(folder)]), _length))
    assert capsys.readouterr().err == ""


def test_negative_jobs_is_refused_at_the_call() -> None:
    with pytest.raises(ValueError, match="jobs"):
        run([], _length, jobs=-1)


def test_doc_id_strips_only_the_txt_suffix() -> None:
    assert doc_id("corpus/raw/000_x.txt") == "000_x"
    assert doc_id(Path("a/B.TXT")) == "B"
    assert doc_id("report.md") == "report.md"


def _generated(path: Path):
    yield {"name": path.name}


def _pair(path: Path) -> tuple[list[str], list[str]]:
    return [path.stem], [path.suffix]


def test_generators_are_collected_and_other_results_kept(tmp_path: Path) -> None:
    paths = [tmp_path / "a.txt", tmp_path / "b.txt"]
    generated = list(run(paths, _generated, jobs=2, initializer=None))
    assert [r.records for r in generated] == [[{"name": "a.txt"}], [{"name": "b.txt"}]]
    paired = list(run(paths, _pair))
    assert paired[0].records == (["a"], [".txt"])
