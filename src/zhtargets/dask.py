"""Many documents on a Dask cluster (``pip install 'zhtargets[dask]'``).

Each function takes document paths (or ``(plan, report)`` pairs) and returns a
lazy Dask collection whose computed result is exactly what the serial calls
give, in input order: ``read_documents`` → ``read_document`` of each path,
``extract_bag`` → the records of ``zhtargets extract``, ``link_bag`` → the
links of ``Document.link``.  ``panel`` computes at once, since which plans
pair with which reports depends on what the documents say of themselves: it
returns the DataFrame of :func:`zhtargets.panel`.  The ``*_frame`` functions build one pandas frame
per partition with the fixed dtypes of :func:`zhtargets.to_frame` (closed
vocabularies as categoricals with fixed categories), so partitions concatenate
without turning categories into strings.

Workers read the files themselves: paths must be visible to every worker
(a shared file system or object store mounted at the same place).  Records,
documents and links pickle exactly, quantities included, so results can be
gathered to the client or kept on the cluster.

    >>> from dask.distributed import Client            # doctest: +SKIP
    >>> client = Client("scheduler:8786")              # doctest: +SKIP
    >>> frame = zhtargets.dask.targets_frame(paths)    # doctest: +SKIP
    >>> frame.groupby("doc").size().compute()          # doctest: +SKIP
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .document import Document, read_document, target_records
from .records import Links, links_to_frame, to_frame

if TYPE_CHECKING:
    import dask.bag
    import dask.dataframe
    import pandas as pd

__all__ = ["extract_bag", "link_bag", "links_frame", "panel", "read_documents", "targets_frame"]

PathLike = str | os.PathLike[str]
Pair = tuple[PathLike, PathLike | None]
# Enough partitions to keep a cluster busy, few enough that scheduling stays cheap.
_PARTITIONS = 100


def _items(items: Sequence[Any]) -> list[Any]:
    items = list(items)
    if not items:
        raise ValueError("no documents given")
    return items


def _bag(items: Sequence[Any], npartitions: int | None) -> "dask.bag.Bag":
    db = _import("dask.bag")
    items = _items(items)
    return db.from_sequence(items, npartitions=npartitions or min(len(items), _PARTITIONS))


def _frame(func: Any, items: Sequence[Any], npartitions: int | None) -> "dask.dataframe.DataFrame":
    dd = _import("dask.dataframe")
    items = _items(items)
    n = max(1, min(len(items), npartitions or _PARTITIONS))
    # Contiguous chunks keep the documents' order across partitions.
    size = -(-len(items) // n)
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    return dd.from_map(func, chunks, meta=func([]), enforce_metadata=False)


def _import(module: str) -> Any:
    from importlib import import_module

    try:
        return import_module(module)
    except ImportError as exc:  # depends on the installation
        raise ImportError("zhtargets.dask needs Dask: pip install 'zhtargets[dask]'") from exc


def read_documents(paths: Sequence[PathLike], *, npartitions: int | None = None) -> "dask.bag.Bag":
    """A bag of :class:`~zhtargets.Document`, one per path, in order."""
    return _bag([os.fspath(p) for p in paths], npartitions).map(_read)


def extract_bag(paths: Sequence[PathLike], *, npartitions: int | None = None) -> "dask.bag.Bag":
    """A bag of target records (dicts with ``doc`` first), as ``zhtargets extract``
    writes them: roles and tasks read from each document's structure."""
    return _bag([os.fspath(p) for p in paths], npartitions).map(_records).flatten()


def targets_frame(paths: Sequence[PathLike], *,
                  npartitions: int | None = None) -> "dask.dataframe.DataFrame":
    """The targets of every document as a Dask DataFrame with a ``doc`` column,
    one pandas frame per partition with the fixed dtypes of ``to_frame``."""
    return _frame(_targets_partition, [os.fspath(p) for p in paths], npartitions)


def link_bag(pairs: Sequence[Pair | PathLike], *, npartitions: int | None = None,
             **options: Any) -> "dask.bag.Bag":
    """A bag of :class:`~zhtargets.Link` records: for each ``(plan, report)``
    pair the plan's targets beside the report's results, or for a single path
    (or ``(plan, None)``) a document linked to its own completion cells.
    ``options`` go to ``Document.link`` (``period``, ``tolerance``)."""
    return _bag([_pair(p) for p in pairs], npartitions).map(_link, options).flatten()


def links_frame(pairs: Sequence[Pair | PathLike], *, npartitions: int | None = None,
                **options: Any) -> "dask.dataframe.DataFrame":
    """The links of every pair as a Dask DataFrame (the columns of
    ``Links.to_frame``), one pandas frame per partition with fixed dtypes."""
    return _frame(partial(_links_partition, options=options), [_pair(p) for p in pairs],
                  npartitions)


def panel(paths: Sequence[PathLike], meta: Any = None, *,
          tolerance: float | None = None) -> "pd.DataFrame":
    """:func:`zhtargets.panel` with the documents read and the plans linked on
    the cluster; the DataFrame is the serial one, row for row.

    Each worker reads documents and keeps them; only who each speaks for
    (region, year, genre) comes back to pair plans with reports, then each
    plan is linked where its documents are and only its rows come back.
    """
    from .panel import pair_sources, panel_frame, panel_inputs, plan_rows, read_source, source_key

    dask = _import("dask")
    inputs = panel_inputs(paths, meta)
    if not inputs:
        raise ValueError("no documents given")
    # Keys of their own for every call (not pure): a path given twice is two
    # documents, as in the serial panel.
    sources = dask.persist(*[dask.delayed(read_source)(p, m) for p, m in inputs])
    keys = dask.compute(*[dask.delayed(source_key)(s) for s in sources])
    link = dask.delayed(plan_rows)
    rows = dask.compute(*[link(sources[i], [sources[j] for j in near], tolerance)
                          for i, near in pair_sources(keys)])
    return panel_frame([row for plan in rows for row in plan])


def _read(path: str) -> Document:
    from .batch import process_extractor

    return read_document(Path(path), extractor=process_extractor())


def _records(path: str) -> list[dict[str, Any]]:
    return list(target_records(path))


def _pair(item: Pair | PathLike) -> tuple[str, str | None]:
    if isinstance(item, (str, os.PathLike)):
        return os.fspath(item), None
    plan, report = item
    return os.fspath(plan), None if report is None else os.fspath(report)


def _link(pair: tuple[str, str | None], options: dict[str, Any]) -> Links:
    plan, report = pair
    return _read(plan).link(None if report is None else _read(report), **options)


def _targets_partition(paths: Sequence[str]) -> "pd.DataFrame":
    import pandas as pd

    if not paths:  # the empty frame Dask takes as the columns' types
        empty = to_frame([])
        empty.insert(0, "doc", pd.Series([], dtype="string"))
        return empty
    return pd.concat([_read(p).frame() for p in paths], ignore_index=True)


def _links_partition(pairs: Sequence[tuple[str, str | None]], options: dict[str, Any]) -> "pd.DataFrame":
    return links_to_frame([k for pair in pairs for k in _link(pair, options)])
