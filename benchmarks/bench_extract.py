"""Throughput and memory of zhtargets.extract, with jieba as the yardstick.

    python benchmarks/bench_extract.py [--repeat N] [--passes P]
    python benchmarks/bench_extract.py --folder N

The first form times warm extraction over the report texts of
corpus/reports/raw and the documents of corpus/raw (each text repeated N
times) beside jieba.lcut and every Chinese number extractor from PyPI that is
installed (cn2an, chinese2digits, jionlp's money extractor; install them by
hand, they are no dependencies) on the same texts in the same run, so the
ratios hold across machines even where absolute speed does not.  Times are the
process's CPU time, best of the passes as timeit takes it: other programs
competing for the cores inflate CPU time too (through the caches), never
deflate it, so the fastest pass is the least disturbed one.  The functions
take turns pass by pass, and the "median" column is the median over passes of
jieba's time over the function's in the same round, which a drift of the
machine's load during the run does not bias.  The second form copies the
corpus N times into a temporary folder and times ``batch.run`` with one and
with two worker processes, start-up included.
"""
from __future__ import annotations

import argparse
import logging
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "raw"
REPORTS = ROOT / "corpus" / "reports" / "raw"

try:
    import zhtargets
except ImportError:
    # Lets the script run from a checkout that was never pip-installed.
    sys.path.insert(0, str(ROOT / "src"))
    import zhtargets

import jieba
from zhtargets import batch
from zhtargets._io import read_text


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv)
    corpus = sorted(CORPUS.glob("*.txt"))
    if not corpus:
        sys.exit(f"no documents in {CORPUS}")
    # jieba logs its dictionary loading in every worker; the figures matter here.
    jieba.setLogLevel(logging.WARNING)
    if args.folder:
        _bench_folder(corpus, args.folder)
    else:
        texts = [read_text(p) for p in [*sorted(REPORTS.glob("*.txt")), *corpus]]
        _bench_speed([t * args.repeat for t in texts], args.passes)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1, help="repeat each document's text N times")
    parser.add_argument("--passes", type=int, default=5, help="timed passes over the corpus")
    parser.add_argument("--folder", type=int, default=0, metavar="N",
                        help="time batch.run over N copies of the corpus instead")
    return parser.parse_args(argv)


def _bench_speed(texts: list[str], passes: int) -> None:
    chars = sum(map(len, texts))
    print(f"texts: {len(texts)} documents, {chars:,} characters per pass, {passes} passes")

    started = time.perf_counter()
    extractor = zhtargets.Extractor()
    print(f"Extractor() build: {time.perf_counter() - started:.3f} s")
    _print_memory(extractor.extract, texts)
    started = time.perf_counter()
    jieba.initialize()
    print(f"jieba.initialize(): {time.perf_counter() - started:.3f} s")

    funcs = [("zhtargets.extract", extractor.extract, "records"),
             ("jieba.lcut", jieba.lcut, "tokens"),
             *((name, func, "items") for name, func in _number_extractors())]
    seconds, found = _passes([f for _, f, _ in funcs], texts, passes)
    jieba_s = seconds[1]
    print(f"\n{'on the same texts':<34} {'chars/s':>12} {'x jieba':>8} {'median':>7}  found per pass")
    rows = []
    for (name, _, what), s, n in zip(funcs, seconds, found):
        # Fastest pass (as timeit takes it), and the median of the ratios of
        # passes run back to back, which drift of the machine's load spares.
        paired = statistics.median(j / t for j, t in zip(jieba_s, s))
        rows.append((chars / min(s), min(jieba_s) / min(s), paired, f"{n:,} {what}", name))
    for rate, ratio, paired, n, name in sorted(rows, reverse=True):
        print(f"{name:<34} {rate:>12,.0f} {ratio:>8.2f} {paired:>7.2f}  {n}")
    print(f"max RSS: {_max_rss_mib():.1f} MiB")


def _passes(funcs: list[Callable[[str], list]], texts: list[str],
            passes: int) -> tuple[list[list[float]], list[int]]:
    """CPU seconds of each pass of each function, the functions taking turns
    pass by pass, and how much each found in a pass."""
    for func in funcs:
        # Warming up on all texts at once loads whatever the corpus needs lazily.
        func("\n".join(texts))
    seconds: list[list[float]] = [[] for _ in funcs]
    found = [0] * len(funcs)
    for _ in range(passes):
        for i, func in enumerate(funcs):
            started = time.process_time()
            found[i] = sum(len(func(t)) for t in texts)
            seconds[i].append(time.process_time() - started)
    return seconds, found


def _number_extractors() -> list[tuple[str, Callable[[str], list]]]:
    """The PyPI number extractors installed here, each as text -> list."""
    found = []
    try:
        import cn2an

        # cn2an warns on every numeral word it cannot rewrite (万亿, 十四五).
        warnings.filterwarnings("ignore", module="cn2an")
        # transform rewrites Chinese numerals in running text as digits.
        found.append(("cn2an.transform(cn2an)", lambda t: [cn2an.transform(t, "cn2an")]))
    except ImportError:
        print("cn2an not installed: skipped")
    try:
        import chinese2digits

        found.append(("chinese2digits.takeNumberFromString",
                      lambda t: chinese2digits.takeNumberFromString(t)["digitsStringList"]))
    except ImportError:
        print("chinese2digits not installed: skipped")
    try:
        from jionlp.algorithm.ner import extract_money

        found.append(("jionlp extract_money", lambda t: extract_money(t, with_parsing=False)))
    except ImportError:
        print("jionlp not installed: skipped")
    return found


def _print_memory(extract: Callable[[str], list], texts: list[str]) -> None:
    # Traced separately because tracemalloc slows allocation-heavy code.
    tracemalloc.start()
    for text in texts:
        extract(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"tracemalloc peak during extract: {peak / 2**20:.1f} MiB "
          f"(largest document {max(map(len, texts)):,} chars)")
    print(f"max RSS after extract: {_max_rss_mib():.1f} MiB")


def _max_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB (macOS in bytes; this project runs on Linux).
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _bench_folder(corpus: list[Path], copies: int) -> None:
    with tempfile.TemporaryDirectory(prefix="zhtargets-bench-") as tmp:
        for i in range(copies):
            for source in corpus:
                shutil.copyfile(source, Path(tmp, f"{i:05d}_{source.name}"))
        paths = batch.expand_paths([tmp])
        size = sum(p.stat().st_size for p in paths)
        print(f"folder: {len(paths)} documents, {size / 2**20:.1f} MiB")
        # Two workers first, so their start-up cannot borrow an Extractor
        # already built in this process and inherited through fork.
        for jobs in (2, 1):
            _time_batch(paths, jobs)


def _time_batch(paths: list[Path], jobs: int) -> None:
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    results = list(batch.run(paths, batch.extract_file, jobs=jobs, progress=False))
    wall = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    records = sum(len(r.records) for r in results)
    errors = sum(not r.ok for r in results)
    print(f"batch.run jobs={jobs}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
          f"{len(paths) / wall:.1f} docs/s, {records:,} records, {errors} errors")


def _cpu_seconds() -> float:
    # Workers are reaped when the pool shuts down, so their time shows up in
    # RUSAGE_CHILDREN; CPU time, unlike wall time, is not inflated when other
    # programs compete for the cores.
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


if __name__ == "__main__":
    main()
