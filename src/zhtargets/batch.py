"""Run extraction over many documents, optionally in several processes.

Used by the command line (``zhtargets extract PATH...``): arguments are
expanded into files, each file is processed by a picklable top-level function,
and results come back in input order, one per file, with a failure reported
as a result rather than an exception so one bad file never stops a batch.
"""
from __future__ import annotations

import glob
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ._io import InputError, read_text
from ._lexicon import read_lines
from ._workers import end_workers, run_task, start_worker
from .extractor import default_extractor

__all__ = ["BatchResult", "doc_id", "expand_paths", "extract_file", "process_extractor", "run",
           "warm_extractor"]

Record = dict[str, Any]
FileFunc = Callable[[Path], Iterable[Record]]
Outcome = tuple[Iterable[Record], str | None]
Task = Callable[[Path], Outcome]

# Chunks amortize inter-process overhead; capping them keeps the workers
# evenly loaded at the end of a batch and the progress bar moving.
_MAX_CHUNK = 16
_CHUNKS_PER_WORKER = 4


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What one input path produced: its records, or why it produced none."""

    path: Path
    doc: str
    # A list, or in a run without worker processes whatever iterator the
    # file function returned, to be consumed once.
    records: Iterable[Record] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def doc_id(path: str | os.PathLike[str]) -> str:
    """The document's name as used in records: the file name without ``.txt``."""
    name = Path(path).name
    return name[:-4] if name.lower().endswith(".txt") else name


def expand_paths(args: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Turn command-line arguments into the files to process, in order.

    A file is taken as given; a directory contributes its ``*.txt`` files,
    recursively and sorted, skipping hidden entries; a glob pattern (``*``,
    ``?``, ``[...]``, recursive ``**``) contributes its sorted matches, with
    matched directories expanded as above.  A path that is missing, a pattern
    that matches nothing and a directory without text files are kept as they
    are so that :func:`run` reports each as an error in its place.  A file
    reached through several arguments is listed once, at its first place.
    """
    seen: set[str] = set()
    files: list[Path] = []
    for arg in args:
        for path in _expand_one(os.fspath(arg)):
            key = os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                files.append(path)
    return files


def _expand_one(arg: str) -> list[Path]:
    path = Path(arg)
    if path.exists() or not glob.has_magic(arg):
        return _expand_existing(path)
    matches = sorted(glob.glob(arg, recursive=True))
    if not matches:
        return [path]
    return [found for match in matches for found in _expand_existing(Path(match))]


def _expand_existing(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    return _texts_under(path) or [path]


def _texts_under(directory: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, names in os.walk(directory):
        # Pruning in place stops os.walk from descending into .git, .venv etc.
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(
            Path(root, name) for name in names
            if not name.startswith(".") and name.lower().endswith(".txt")
        )
    return sorted(found)


def process_extractor() -> Any:
    """This process's Extractor, built on first use and kept for every file."""
    # Building one loads lexicons and compiles patterns, which costs more than
    # extracting from a typical document.
    return default_extractor()


def warm_extractor() -> None:
    """Build this process's Extractor and load its lazy parts.

    The default initializer of :func:`run`'s worker processes.
    """
    # The Extractor loads some resources (jieba's dictionary, over a second)
    # only when a sentence needs them; the sentence of warm_up.txt makes every worker
    # pay that before its first file instead of inside someone's document.
    process_extractor().extract("".join(read_lines("warm_up.txt")))


def extract_file(path: str | os.PathLike[str]) -> list[Record]:
    """Read one document and return its targets as dicts with a ``doc`` field first."""
    path = Path(path)
    text = read_text(path)
    doc = doc_id(path)
    return [{"doc": doc, **target.to_dict()} for target in process_extractor().extract(text)]


def run(
    paths: Iterable[str | os.PathLike[str]],
    func: FileFunc,
    *,
    jobs: int = 1,
    progress: bool | None = None,
    initializer: Callable[[], object] | None = warm_extractor,
) -> Iterator[BatchResult]:
    """Apply ``func`` to each path and yield one result per path, in order.

    Args:
        paths: files to process, typically from :func:`expand_paths`.
        func: a top-level (picklable) function returning the file's records;
            an exception it raises becomes that file's ``error``.
        jobs: worker processes; ``1`` works in this process, ``0`` uses one
            per CPU.
        progress: draw a progress bar on stderr; ``None`` draws it only when
            stderr is a terminal.
        initializer: run once in each worker process before its first file;
            ``None`` for none.  The default readies the per-process
            Extractor that :func:`extract_file` and the document readers use.
    """
    files = [Path(p) for p in paths]
    # Checked here, not inside the generator, so a bad value fails at the call.
    workers = _worker_count(jobs, len(files))
    # Records can only travel back from a worker as a list; in this process
    # an iterator that ``func`` returns is passed on as it is, so a huge
    # document's records stream to the output instead of piling up.
    task = partial(_guarded, func, materialize=workers > 1)
    return _results(files, task, workers, initializer, progress)


def _results(
    files: list[Path],
    task: Task,
    workers: int,
    initializer: Callable[[], object] | None,
    progress: bool | None,
) -> Iterator[BatchResult]:
    # Workers are started before the bar because tqdm runs a monitor thread,
    # and forking a process that has threads can deadlock the child.
    with _outcomes(task, files, workers, initializer) as outcomes, \
            _progress_bar(len(files), progress) as bar:
        for path, (records, error) in zip(files, outcomes):
            bar.update()
            yield BatchResult(path, doc_id(path), records, error)


def _worker_count(jobs: int, n_files: int) -> int:
    if jobs < 0:
        raise ValueError(f"jobs must be 0 (one per CPU) or a positive number, not {jobs}")
    wanted = jobs or os.cpu_count() or 1
    return max(1, min(wanted, n_files))


@contextmanager
def _outcomes(
    task: Task,
    files: list[Path],
    workers: int,
    initializer: Callable[[], object] | None,
) -> Iterator[Iterator[Outcome]]:
    if workers == 1:
        yield map(task, files)
        return
    # Imported here: a run in this process should not pay for multiprocessing.
    from concurrent.futures import ProcessPoolExecutor

    chunksize = max(1, min(_MAX_CHUNK, len(files) // (workers * _CHUNKS_PER_WORKER)))
    pool = ProcessPoolExecutor(max_workers=workers, initializer=start_worker,
                               initargs=(initializer,))
    try:
        yield pool.map(partial(run_task, task), files, chunksize=chunksize)
    except BaseException:
        # Interrupted (Ctrl-C, SIGTERM turned into an exception) or failed:
        # workers may be deep in a long document, so they are ended now
        # rather than waited for, and none outlives this process.
        end_workers(pool)
        raise
    finally:
        # A consumer that stops early should not wait for the remaining files.
        pool.shutdown(wait=True, cancel_futures=True)


def _guarded(func: FileFunc, path: Path, materialize: bool = True) -> Outcome:
    try:
        records = func(path)
        return (list(records) if materialize and isinstance(records, Iterator) else records), None
    except InputError as exc:
        return [], _input_error_message(path, exc)
    except Exception as exc:  # noqa: BLE001 - one failing document must not end the batch
        return [], f"{path}: {type(exc).__name__}: {exc}"


def _input_error_message(path: Path, exc: InputError) -> str:
    if path.is_dir():
        return f"{path}: directory holds no .txt files"
    if not path.exists() and glob.has_magic(str(path)):
        return f"{path}: pattern matched no files"
    return str(exc)


def _progress_bar(total: int, progress: bool | None) -> Any:
    show = sys.stderr.isatty() if progress is None else progress
    if not show:
        # tqdm takes a fifth of a second to import: a script or a pipe that
        # shows no bar should not pay for it.
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, file=sys.stderr, unit="doc")


class _NoBar:
    def __enter__(self) -> "_NoBar":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int = 1) -> None:
        return None

