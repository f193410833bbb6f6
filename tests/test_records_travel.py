"""Records that travel between processes, batches of in-memory texts, and
frames that concatenate: what a process pool or a cluster needs."""
from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

import zhtargets
from zhtargets._io import read_text

ROOT = Path(__file__).resolve().parents[1]
MIXED = "全年新增耕地3亩，实现金融业增加值730亿元以上，研发投入增长1-2%，新建5G基站300个左右。"


def _documents() -> list[str]:
    """Thirty-odd texts: every corpus document, its first half and its second."""
    texts = [read_text(p) for p in sorted((ROOT / "corpus").glob("*raw/*.txt"))]
    texts += [read_text(p) for p in sorted((ROOT / "corpus" / "reports" / "raw").glob("*.txt"))]
    halves = [part for t in texts for part in (t[: len(t) // 2], t[len(t) // 2:])]
    return texts + halves


def test_targets_pickle_keeps_every_field_and_converting_quantities() -> None:
    targets = zhtargets.extract(MIXED)
    back = pickle.loads(pickle.dumps(targets))
    assert type(back) is zhtargets.Targets
    assert back == targets
    assert [t.to_dict() for t in back] == [t.to_dict() for t in targets]
    mu, money, rate, count = back
    assert mu.quantity.to("hectare").magnitude == pytest.approx(0.2)
    assert money.quantity.magnitude == 73_000_000_000 and str(money.quantity.units) == "yuan"
    assert rate.quantity.magnitude == pytest.approx(1.5)   # a range's midpoint
    assert count.quantity.magnitude == 300


def test_unpickled_mu_is_area_in_a_fresh_process() -> None:
    # pint's own registry has a mass named mu: a fresh process, which has
    # built no registry of ours yet, must still read 3亩 as area.
    blob = pickle.dumps(zhtargets.extract("新增耕地3亩"))
    script = ("import pickle, sys; t = pickle.loads(sys.stdin.buffer.read())[0];"
              "print(t.quantity.to('hectare').magnitude, dict(t.quantity.dimensionality))")
    out = subprocess.run([sys.executable, "-c", script], input=blob, capture_output=True,
                         check=True).stdout.decode().split(" ", 1)
    assert float(out[0]) == pytest.approx(0.2)
    assert out[1].strip() == "{'[length]': 2}"


def test_document_pickles_whole() -> None:
    doc = zhtargets.read_document(ROOT / "corpus" / "raw" / "001_18c78e876a0a643e.txt")
    back = pickle.loads(pickle.dumps(doc))
    assert back == doc
    assert back.tasks_frame().equals(doc.tasks_frame())
    assert back.link() == doc.link()


def test_links_and_their_frame_pickle() -> None:
    doc = zhtargets.read_document(ROOT / "corpus" / "raw" / "001_18c78e876a0a643e.txt")
    links = doc.link()
    back = pickle.loads(pickle.dumps(links))
    assert type(back) is type(links) and back == links
    assert [k.plan.quantity for k in back] == [k.plan.quantity for k in links]
    frame = links.to_frame()
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(frame)), frame)
    assert isinstance(frame["status"].dtype, pd.CategoricalDtype)


def test_process_pool_map_gives_the_serial_records() -> None:
    texts = _documents()[:12]
    with ProcessPoolExecutor(2) as pool:
        pooled = list(pool.map(zhtargets.extract, texts))
    assert pooled == [zhtargets.extract(t) for t in texts]


def test_pipe_yields_in_order_serial_and_in_processes() -> None:
    texts = _documents()
    assert len(texts) >= 30
    serial = [zhtargets.extract(t) for t in texts]
    ex = zhtargets.Extractor()
    assert list(ex.pipe(texts)) == serial
    pooled = list(ex.pipe(iter(texts), n_process=2, batch_size=3))
    assert pooled == serial
    assert pooled[0][0].quantity is not None


def test_pipe_workers_use_the_callers_lexicons(tmp_path: Path) -> None:
    extra = tmp_path / "classifiers.txt"
    extra.write_text("# test classifiers\n垛\n", encoding="utf-8")
    ex = zhtargets.Extractor(lexicons={"classifiers.txt": [extra]})
    texts = ["新建草垛30垛", "新建草垛40垛"]
    pooled = list(ex.pipe(texts, n_process=2, batch_size=1))
    assert [t.classifier for ts in pooled for t in ts] == ["垛", "垛"]
    assert pooled == [ex.extract(t) for t in texts]


def test_pipe_rejects_bad_arguments() -> None:
    ex = zhtargets.Extractor()
    with pytest.raises(ValueError, match="batch_size"):
        ex.pipe(["a"], batch_size=0)
    with pytest.raises(ValueError, match="n_process"):
        ex.pipe(["a"], n_process=-2)
    with pytest.raises(TypeError, match="str"):
        list(ex.pipe([b"bytes"], n_process=2))


def test_frames_of_two_documents_concatenate_with_their_dtypes() -> None:
    a = zhtargets.extract("实现金融业增加值730亿元以上").to_frame()
    b = zhtargets.extract("新增耕地3亩，居民收入增长5%左右").to_frame()
    both = pd.concat([a, b], ignore_index=True)
    assert both.dtypes.to_dict() == a.dtypes.to_dict() == b.dtypes.to_dict()
    for column in ("comparator", "kind", "role", "unit", "aggregate", "period_source", "attribute"):
        assert isinstance(both[column].dtype, pd.CategoricalDtype), column
    assert list(both["unit"]) == ["yuan", "mu", "percent"]
    assert list(both["comparator"]) == [">=", "=", "~"]


def test_frame_round_trips_through_parquet() -> None:
    pytest.importorskip("pyarrow")
    df = zhtargets.extract(MIXED).to_frame()
    buffer = io.BytesIO()
    df.to_parquet(buffer)
    pd.testing.assert_frame_equal(pd.read_parquet(buffer), df)


def test_an_empty_frame_has_the_same_dtypes() -> None:
    assert zhtargets.Targets().to_frame().dtypes.equals(zhtargets.extract(MIXED).to_frame().dtypes)


def test_a_unit_from_an_extractors_own_lexicon_is_kept(tmp_path: Path) -> None:
    table = tmp_path / "units.tsv"
    table.write_text("# test units\nlight_year\tlength\t光年\tlight_year = 9.4607e15 * meter\n",
                     encoding="utf-8")
    ex = zhtargets.Extractor(lexicons={"units.tsv": [table]})
    targets = ex.extract("探测距离达到3光年")
    df = targets.to_frame()
    assert list(df["unit"]) == ["light_year"]
    back = pickle.loads(pickle.dumps(targets))
    assert back[0].quantity.to("meter").magnitude == pytest.approx(3 * 9.4607e15)


def test_import_and_extract_load_no_frame_or_plot_libraries() -> None:
    script = ("import sys, zhtargets; zhtargets.extract('实现金融业增加值730亿元以上');"
              "print(sorted(m for m in ('pandas', 'matplotlib', 'openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert out.stderr == ""


def test_link_command_writing_json_lines_loads_no_frame_library(tmp_path: Path) -> None:
    reports = Path(__file__).resolve().parents[1] / "corpus" / "reports" / "raw"
    out = tmp_path / "links.jsonl"
    script = ("import sys; from zhtargets.cli import main;"
              f"main(['link', {str(reports / 'national_2008_report.txt')!r},"
              f" {str(reports / 'national_2009_report.txt')!r}, '--format', 'jsonl', '-o', {str(out)!r}]);"
              "print(sorted(m for m in ('pandas', 'matplotlib', 'openpyxl') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and {"plan_text", "status", "status_detail", "period_start"} <= set(rows[0])
