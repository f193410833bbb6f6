"""Command line: ``zhtargets extract | tasks | link | panel | render | plot | eval``.

Every command reads UTF-8, UTF-16, GB18030 and Big5 text, takes files, folders
and globs, reports a file it cannot read on stderr and goes on with the rest
(exit status 1 when any file failed, 2 for usage errors).

An output file is never lost: a path that is also an input is refused, the
output is never read back as an input, and results go to a temporary file
beside it that replaces it only when the command succeeds.  SIGINT and SIGTERM
stop the workers and exit with 130 and 143 after one line on stderr.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, TextIO

from . import __version__

__all__ = ["main"]


def _jsonable(record: dict[str, Any]) -> dict[str, Any]:
    """Integral floats as ints (730亿 reads 73000000000, not 7.3e10)."""
    out = {}
    for k, v in record.items():
        if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
            v = int(v)
        elif isinstance(v, float) and v != v:  # NaN from pandas is JSON null
            v = None
        out[k] = v
    return out


def _write(records: Iterable[dict[str, Any]], fmt: str, out: TextIO) -> None:
    if fmt == "jsonl":
        for r in records:
            out.write(json.dumps(_jsonable(r), ensure_ascii=False) + "\n")
        return
    writer = None
    for r in records:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(r), extrasaction="ignore")
            writer.writeheader()
        writer.writerow(_jsonable(r))


class UsageError(ValueError):
    """A command line that would lose data or cannot work; exit status 2."""


class _Stopped(BaseException):
    """SIGTERM arrived; raised in the main thread like KeyboardInterrupt."""


@contextmanager
def _replacing(path: str | os.PathLike[str]) -> Iterator[str]:
    """A temporary path beside ``path`` (same suffix, so writers that go by
    the suffix still work) that replaces ``path`` once the block succeeds.
    An interrupted or failed run leaves the previous file as it was."""
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{target}: is a directory; name an output file")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".part{target.suffix}",
                               dir=target.parent if str(target.parent) else ".")
    os.close(fd)
    try:
        yield tmp
        _copy_mode(target, tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _copy_mode(target: Path, tmp: str) -> None:
    # mkstemp creates 0600; the output gets the previous file's mode, or the
    # mode a plain open() would have given a new file.
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)


@contextmanager
def _open_out(path: str | None, fmt: str) -> Iterator[TextIO]:
    if path is None or path == "-":
        yield sys.stdout
        return
    with _replacing(path) as tmp:
        # CSV for spreadsheets: a BOM makes Excel read UTF-8.
        with open(tmp, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as out:
            yield out


def _refuse_overwriting_inputs(output: str | None, inputs: Iterable[str | os.PathLike[str]]) -> None:
    if output is None or output == "-" or not os.path.exists(output):
        return
    for path in inputs:
        if os.path.exists(path) and os.path.samefile(output, path):
            raise UsageError(f"output {output} is also an input; refusing to overwrite it")


def _is_output(path: Path, output: str | None) -> bool:
    """Whether ``path`` is the output file or one of our temporary files of it."""
    if output is None or output == "-":
        return False
    out = Path(output)
    if path.name.startswith(f".{out.name}.") and ".part" in path.name:
        return os.path.realpath(path.parent) == os.path.realpath(out.parent or ".")
    return os.path.exists(out) and os.path.exists(path) and os.path.samefile(path, out)


def _special_file(path: Path) -> str | None:
    """What ``path`` is when it is a FIFO, device or socket (reading one may
    never end), else ``None``."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    for test, kind in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return None


def _documents(args) -> Iterable[tuple[str, Any]]:
    """(doc, records) per input file, with failures reported as they happen."""
    from .batch import expand_paths, run

    output = getattr(args, "output", None)
    _refuse_overwriting_inputs(output, args.paths)
    paths = []
    for path in expand_paths(args.paths):
        kind = _special_file(path)
        if kind is not None:
            print(f"zhtargets: {path}: skipped, {kind} is not a regular file", file=sys.stderr)
        elif _is_output(path, output):
            print(f"zhtargets: {path}: skipped, it is the output file", file=sys.stderr)
        else:
            paths.append(path)
    for result in run(paths, args.per_file, jobs=args.jobs, progress=args.progress):
        if result.error:
            args.failures += 1
            print(f"zhtargets: {result.error}", file=sys.stderr)
            continue
        yield result.doc, result.records


def _cmd_extract(args) -> int:
    from .document import target_records

    args.per_file = target_records
    with _open_out(args.output, args.format) as out:
        _write((r for _, recs in _documents(args) for r in recs), args.format, out)
    return 1 if args.failures else 0


def _cmd_tasks(args) -> int:
    from .document import task_records

    args.per_file = task_records
    with _open_out(args.output, args.format) as out:
        _write((r for _, recs in _documents(args) for r in recs), args.format, out)
    return 1 if args.failures else 0


def _cmd_link(args) -> int:
    from .document import read_document
    from .link import link_records

    _refuse_overwriting_inputs(args.output, [p for p in (args.plan, args.report) if p])
    plan = read_document(Path(args.plan))
    report = read_document(Path(args.report)) if args.report else None
    options = {k: v for k, v in (("period", args.period), ("tolerance", args.tolerance))
               if v is not None}
    links = plan.link(report, **options)
    if args.format == "xlsx":
        from .ledger import to_excel

        if not args.output or args.output == "-":
            print("zhtargets link: --format xlsx needs -o FILE", file=sys.stderr)
            return 2
        with _replacing(args.output) as tmp:
            to_excel(plan, tmp, links, report=report)
        return 0
    records = link_records(links, doc=plan.name if report is None else None)
    with _open_out(args.output, args.format) as out:
        _write(records, args.format, out)
    return 0


def _cmd_render(args) -> int:
    from .document import read_document
    from .render import render

    _refuse_overwriting_inputs(args.output, [args.path])
    doc = read_document(Path(args.path))
    out = Path(args.output or f"{doc.name}.html")
    _refuse_overwriting_inputs(str(out), [args.path])
    # A completion table answers its own plans: show each plan's verdict.
    with _replacing(out) as tmp:
        render(doc, links=doc.link() if doc.completions else None, title=doc.name).save(tmp)
    print(out)
    return 0


def _cmd_plot(args) -> int:
    from .document import read_document
    from .plots import plot_summary, plot_targets
    from .wording import reported_year

    _refuse_overwriting_inputs(args.output, [p for p in (args.plan, args.report) if p])
    plan = read_document(Path(args.plan))
    report = read_document(Path(args.report)) if args.report else None
    links = plan.link(report)
    year = reported_year(report or plan)
    fig = (plot_targets(links, report_year=year) if args.kind == "targets"
           else plot_summary(links, plan, report_year=year))
    with _replacing(args.output) as tmp:
        fig.savefig(tmp, bbox_inches="tight")  # PNG, SVG or PDF by suffix
    print(args.output)
    return 0


def _cmd_eval(args) -> int:
    from ._lexicon import bundled_dir
    from .evaluate import format_report, read_jsonl, score

    corpus = bundled_dir("corpus")
    raw = Path(args.raw) if args.raw else corpus / "raw"
    gold = Path(args.gold) if args.gold else corpus / "gold"
    if args.pred:
        preds = read_jsonl(args.pred)
        links = read_jsonl(args.links) if args.links else None
    else:
        args.paths, args.per_file = [str(raw)], _extract_and_link
        preds, links = [], []
        for _, (recs, doc_links) in _documents(args):
            preds.extend(recs)
            links.extend(doc_links)
    # --json stays identical to the reference scorer's; the text report adds
    # per-document precision and F1.
    result = score(raw, gold, preds, links, per_doc_detail=not args.json)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 1 if args.failures else 0
    # The bundled work-report pairs, unless other folders were asked for.
    if not (args.raw or args.gold or args.pred) and (corpus / "reports").is_dir():
        from .evaluate import score_reports

        result = {**result, "reports": score_reports(corpus / "reports")}
    print(format_report(result))
    return 1 if args.failures else 0


def _cmd_panel(args) -> int:
    from .panel import panel

    df = panel(args.paths, meta=args.meta, tolerance=args.tolerance)
    if args.format in ("xlsx", "parquet"):
        if not args.output or args.output == "-":
            print(f"zhtargets panel: --format {args.format} needs -o FILE", file=sys.stderr)
            return 2
        if args.format == "parquet":
            from .ledger import to_parquet

            to_parquet(df, args.output)
        else:
            df.to_excel(args.output, index=False, sheet_name="panel")
        return 0
    with _open_out(args.output, args.format) as out:
        _write(df.astype(object).where(df.notna(), None).to_dict("records"), args.format, out)
    return 0


def _extract_and_link(path) -> tuple[list, list]:
    from .document import link_file_records, target_records

    return list(target_records(path)), link_file_records(path)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="zhtargets", description=__doc__.splitlines()[0])
    ap.add_argument("--version", action="version", version=f"zhtargets {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)

    def batch_options(p):
        p.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (0: one per CPU)")
        p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="progress bar on stderr (default: when stderr is a terminal)")

    p = sub.add_parser("extract", help="target records of each document")
    p.add_argument("paths", nargs="+", help="files, folders (all *.txt) or globs")
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("-o", "--output", help="write here instead of stdout")
    batch_options(p)
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser("tasks", help="the tasks of each document (number, leads, cells)")
    p.add_argument("paths", nargs="+")
    p.add_argument("--format", choices=["jsonl", "csv"], default="csv")
    p.add_argument("-o", "--output")
    batch_options(p)
    p.set_defaults(func=_cmd_tasks)

    p = sub.add_parser("link", help="planned targets beside their reported results")
    p.add_argument("plan", help="the plan document (or a completion table)")
    p.add_argument("report", nargs="?", help="a separate report document")
    p.add_argument("--format", choices=["jsonl", "csv", "xlsx"], default="jsonl")
    p.add_argument("--period", help="the report's period, e.g. 1-9月, 上半年")
    p.add_argument("--tolerance", type=float,
                   help="points of rounding a 左右 rate target allows (default 0.1)")
    p.add_argument("-o", "--output")
    p.set_defaults(func=_cmd_link)

    p = sub.add_parser("panel", help="every plan target by region and year, with its result")
    p.add_argument("paths", nargs="+", help="documents, or folders of *.txt")
    p.add_argument("--meta", help="CSV with path, region, level, year overriding the texts")
    p.add_argument("--format", choices=["jsonl", "csv", "xlsx", "parquet"], default="jsonl")
    p.add_argument("--tolerance", type=float,
                   help="points of rounding a 左右 rate target allows (default 0.1)")
    p.add_argument("-o", "--output")
    p.set_defaults(func=_cmd_panel)

    p = sub.add_parser("render", help="an HTML page with every target highlighted")
    p.add_argument("path")
    p.add_argument("-o", "--output", help="the .html file (default: <doc>.html)")
    p.set_defaults(func=_cmd_render)

    p = sub.add_parser("plot", help="targets against results, or a completion summary")
    p.add_argument("plan")
    p.add_argument("report", nargs="?")
    p.add_argument("--kind", choices=["targets", "summary"], default="targets")
    p.add_argument("-o", "--output", required=True, help="a .png, .svg or .pdf file")
    p.set_defaults(func=_cmd_plot)

    p = sub.add_parser("eval", help="score the bundled corpus against its gold")
    p.add_argument("--raw", help="folder of documents (default: the bundled corpus)")
    p.add_argument("--gold", help="folder of gold *.jsonl (default: the bundled gold)")
    p.add_argument("--pred", help="score this JSONL instead of extracting")
    p.add_argument("--links", help="with --pred: link JSONL to score")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    batch_options(p)
    p.set_defaults(func=_cmd_eval)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.failures = 0
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        return args.func(args)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return _interrupted(args, "interrupted", 130)
    except _Stopped:
        return _interrupted(args, "terminated", 143)
    except (OSError, ValueError) as exc:  # GoldError, InputError, LexiconError are ValueErrors
        print(f"zhtargets {args.command}: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:  # an optional extra (plots, parquet) is not installed
        print(f"zhtargets {args.command}: {exc}", file=sys.stderr)
        return 2
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop(signum: int, frame: Any) -> None:
    raise _Stopped(signum)


def _interrupted(args, how: str, status: int) -> int:
    kept = f"; {args.output} left as it was" if getattr(args, "output", None) not in (None, "-") else ""
    print(f"zhtargets {args.command}: {how}{kept}", file=sys.stderr)
    return status
