"""A two-worker Dask cluster gives exactly the serial results, in order."""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

import zhtargets
from zhtargets._io import read_text
from zhtargets.document import read_document, target_records

distributed = pytest.importorskip("distributed")
zdask = pytest.importorskip("zhtargets.dask")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def paths(tmp_path_factory) -> list[Path]:
    """Forty-five documents: the corpus, the reports, and each one's halves."""
    folder = tmp_path_factory.mktemp("docs")
    sources = sorted((ROOT / "corpus" / "raw").glob("*.txt")) + sorted(
        (ROOT / "corpus" / "reports" / "raw").glob("*.txt"))
    out = []
    for source in sources:
        text = read_text(source)
        for suffix, part in (("", text), ("_a", text[: len(text) // 2]), ("_b", text[len(text) // 2:])):
            path = folder / f"{source.stem}{suffix}.txt"
            path.write_text(part, encoding="utf-8")
            out.append(path)
    return out


def test_extract_bag_gives_the_serial_records(client, paths) -> None:
    assert len(paths) >= 36
    records = zdask.extract_bag(paths, npartitions=7).compute()
    assert records == [r for p in paths for r in target_records(p)]


def test_read_documents_gives_the_serial_documents(client, paths) -> None:
    few = paths[:9]
    docs = zdask.read_documents(few, npartitions=3).compute()
    assert docs == [read_document(p) for p in few]
    assert docs[0].targets[0].quantity == read_document(few[0]).targets[0].quantity


def test_targets_frame_has_the_serial_rows_and_fixed_dtypes(client, paths) -> None:
    frame = zdask.targets_frame(paths, npartitions=5).compute().reset_index(drop=True)
    serial = pd.concat([read_document(p).frame() for p in paths], ignore_index=True)
    pd.testing.assert_frame_equal(frame, serial)
    assert isinstance(frame["unit"].dtype, pd.CategoricalDtype)
    assert list(frame["kind"].cat.categories) == list(zhtargets.records.KINDS)


def test_links_on_the_cluster_are_the_serial_links(client) -> None:
    raw = ROOT / "corpus" / "raw"
    table, plan = raw / "001_18c78e876a0a643e.txt", raw / "003_f58055f6ad9646b4.txt"
    pairs = [table, (plan, table), (table, None)]
    serial = [*read_document(table).link(), *read_document(plan).link(read_document(table)),
              *read_document(table).link()]
    assert zdask.link_bag(pairs, npartitions=2).compute() == serial
    frame = zdask.links_frame(pairs, npartitions=2).compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(frame, zhtargets.Links(serial).to_frame())


def test_no_documents_is_an_error() -> None:
    with pytest.raises(ValueError, match="no documents"):
        zdask.extract_bag([])
    with pytest.raises(ValueError, match="no documents"):
        zdask.panel([])


def test_panel_on_the_cluster_is_the_serial_panel(client, tmp_path) -> None:
    # Miniature reports of three regions (one pairing with its parent) and the
    # national reports of ten years, each a plan the next one reviews.
    folders = [ROOT / "tests" / "fixtures" / "panel", ROOT / "corpus" / "reports" / "raw"]
    serial = zhtargets.panel(folders)
    assert serial.actual_value.notna().sum() > 20 and serial.escalation.notna().any()
    pd.testing.assert_frame_equal(zdask.panel(folders), serial)
    # Overrides travel to the workers with their documents.
    renamed = [{"path": str(p), "region": "宁波市", "level": "city"}
               for p in sorted((ROOT / "tests" / "fixtures" / "panel").glob("zhejiang_*.txt"))]
    table = zdask.panel(folders[:1], meta=renamed)
    pd.testing.assert_frame_equal(table, zhtargets.panel(folders[:1], meta=renamed))
    assert "宁波市" in set(table.region)
