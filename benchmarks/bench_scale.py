"""The figures of docs/scaling.md: start-up, big files, processes and a cluster.

    python benchmarks/bench_scale.py [--sizes 5 10 25 50] [--copies 4] [--no-cluster]

* the command line on a 10 KB file (wall time, median of five runs, beside a
  bare ``python -c pass`` on the same machine);
* the command line on files of the given sizes in MB, made by repeating the
  report texts and the corpus: wall time, time per MB and peak RSS of the
  process (so linearity and the memory bound can be read off);
* extraction over the corpus repeated ``--copies`` times: in this process,
  with ``Extractor.pipe(n_process=2)``, and on a two-worker Dask
  ``LocalCluster`` (``zhtargets.dask.extract_bag``), start-up included;
  the panel of the ten national reports, serial and on the same cluster.

Wall times depend on the machine and on what else runs on it; the time per MB
and the ratios are the figures to compare.
"""
from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*sorted((ROOT / "corpus" / "reports" / "raw").glob("*.txt")),
           *sorted((ROOT / "corpus" / "raw").glob("*.txt"))]

try:
    import zhtargets
except ImportError:
    # Lets the script run from a checkout that was never pip-installed.
    sys.path.insert(0, str(ROOT / "src"))
    import zhtargets

from zhtargets._io import read_text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[5, 10, 25, 50], metavar="MB")
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--no-cluster", action="store_true", help="skip the Dask run")
    args = parser.parse_args(argv)
    texts = [read_text(p) for p in SOURCES]
    with tempfile.TemporaryDirectory(prefix="zhtargets-scale-") as tmp:
        folder = Path(tmp)
        _startup(folder, texts)
        _big_files(folder, texts, args.sizes)
        _many_documents(folder, texts, args.copies, cluster=not args.no_cluster)


def _run(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of a child process."""
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed: {child.stderr.read().decode()}")
    child.stderr.close()
    # CPU time is what the process itself cost: unlike wall time it does not
    # count waiting for a core that other programs hold.
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # Linux reports KiB


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "zhtargets", *args]


def _startup(folder: Path, texts: list[str]) -> None:
    small = folder / "small.txt"
    small.write_text(texts[0][:3400], encoding="utf-8")  # about 10 KB of UTF-8
    out = folder / "small.jsonl"
    _run(_cli("extract", str(small), "-o", str(out)))  # warms the OS and the jieba cache
    bare = [_run([sys.executable, "-c", "pass"]) for _ in range(5)]
    runs = [_run(_cli("extract", str(small), "-o", str(out))) for _ in range(5)]
    print(f"command line on a {small.stat().st_size / 1024:.1f} KB file (median of 5): "
          f"{statistics.median(w for w, _, _ in runs):.2f} s wall, "
          f"{statistics.median(c for _, c, _ in runs):.2f} s CPU, "
          f"peak RSS {max(r for _, _, r in runs):.0f} MiB; python -c pass: "
          f"{statistics.median(w for w, _, _ in bare):.2f} s wall, "
          f"{statistics.median(c for _, c, _ in bare):.2f} s CPU")


def _big_files(folder: Path, texts: list[str], sizes: list[int]) -> None:
    blob = "\n".join(texts)
    print(f"\n{'file':>8} {'chars':>12} {'wall s':>8} {'CPU s':>7} {'CPU s/MB':>9} "
          f"{'peak RSS MiB':>13} {'records':>9}")
    for mb in sizes:
        path = folder / f"big{mb}.txt"
        data = blob.encode()
        data = (data * (mb * 2**20 // len(data) + 1))[: mb * 2**20]
        path.write_text(data.decode("utf-8", "ignore"), encoding="utf-8")
        out = folder / f"big{mb}.jsonl"
        wall, cpu, rss = _run(_cli("extract", str(path), "-o", str(out)))
        chars = len(read_text(path))
        with out.open(encoding="utf-8") as handle:
            records = sum(1 for _ in handle)
        print(f"{mb:>6}MB {chars:>12,} {wall:>8.1f} {cpu:>7.1f} {cpu / mb:>9.2f} "
              f"{rss:>13.0f} {records:>9,}")
        path.unlink()
        out.unlink()


def _many_documents(folder: Path, texts: list[str], copies: int, cluster: bool) -> None:
    docs = texts * copies
    chars = sum(map(len, docs))
    print(f"\n{len(docs)} documents, {chars:,} characters")
    ex = zhtargets.Extractor()
    started = time.perf_counter()
    serial = [ex.extract(t) for t in docs]
    print(f"Extractor.extract in this process:     {time.perf_counter() - started:6.2f} s")
    started = time.perf_counter()
    piped = list(ex.pipe(docs, n_process=2, batch_size=4))
    print(f"Extractor.pipe(n_process=2):            {time.perf_counter() - started:6.2f} s "
          f"(same records: {piped == serial})")
    if not cluster:
        return
    try:
        from distributed import Client, LocalCluster

        import zhtargets.dask as zdask
    except ImportError:
        print("Dask not installed (pip install 'zhtargets[dask]'): cluster run skipped")
        return
    from zhtargets.document import target_records

    paths = []
    for i, text in enumerate(docs):
        path = folder / f"doc{i:04}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    started = time.perf_counter()
    expected = [r for p in paths for r in target_records(p)]
    print(f"target_records of each file, serial:   {time.perf_counter() - started:6.2f} s")
    reports = ROOT / "corpus" / "reports" / "raw"
    started = time.perf_counter()
    table = zhtargets.panel([reports])
    print(f"zhtargets.panel of {len(list(reports.glob('*.txt')))} reports, serial: "
          f"{time.perf_counter() - started:6.2f} s ({len(table)} rows)")
    started = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as lc, Client(lc):
        up = time.perf_counter() - started
        records = zdask.extract_bag(paths).compute()
        print(f"zhtargets.dask.extract_bag, 2 workers:  {time.perf_counter() - started:6.2f} s "
              f"(cluster start {up:.2f} s; same records: {records == expected})")
        started = time.perf_counter()
        clustered = zdask.panel([reports])
        print(f"zhtargets.dask.panel, 2 workers:        {time.perf_counter() - started:6.2f} s "
              f"(same table: {clustered.equals(table)})")


if __name__ == "__main__":
    main()
