"""Compiled regular expressions kept between runs.

The regex module parses and compiles a pattern in Python, and the patterns
the extractor builds from its lexicons (alternations of hundreds of words)
cost more to compile than a small document costs to read.  A compiled pattern
is plain data, the opcodes its C engine runs, which regex hands out for
pickling.  This module keeps that data in one file of the cache folder
(:func:`zhtargets._segmenter.cache_dir`), keyed by pattern and flags and named
after the regex version, and rebuilds a pattern from it in microseconds.

Patterns compiled anew are added to the file when the process exits.  The
file is written under a temporary name and renamed, so a reader never sees
half of one; a file that cannot be read, or an entry the engine refuses, is
passed over and compiled as usual.  The file is read with marshal, which
makes nothing but plain values (never pickle, which can call anything).
"""
from __future__ import annotations

import atexit
import marshal
import os
from pathlib import Path
from typing import Any

import regex
from regex import _regex

__all__ = ["compile_cached"]

_SCHEMA = 1
# A file grown past this (lexicons edited again and again) starts afresh.
_MAX_ENTRIES = 2000

Key = tuple[str, int]
_stored: dict[Key, Any] | None = None
_added: dict[Key, Any] = {}


def compile_cached(pattern: str, flags: int = 0) -> Any:
    """``regex.compile(pattern, flags)``, rebuilt from the cache file when
    this pattern was compiled before."""
    key = (pattern, int(flags))
    data = _entries().get(key)
    if data is not None:
        try:
            return _regex.compile(*data)
        except (TypeError, ValueError, OverflowError):  # not data this engine made
            pass
    compiled = regex.compile(pattern, flags)
    data = getattr(compiled, "_pickled_data", None)
    if data is not None:
        if not _added:
            atexit.register(_save)
        _added[key] = data
    return compiled


def _path() -> Path:
    from ._segmenter import cache_dir  # with sqlite3, which only this needs of it

    return cache_dir() / f"regex-{regex.__version__}-{_SCHEMA}.marshal"


def _entries() -> dict[Key, Any]:
    global _stored
    if _stored is None:
        _stored = _read(_path())
    return _stored


def _read(path: Path) -> dict[Key, Any]:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def _save() -> None:
    """Add this process's new patterns to the file (others' entries kept)."""
    import tempfile

    path = _path()
    merged = {**_read(path), **_added}
    if len(merged) > _MAX_ENTRIES:
        merged = dict(_added)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError:
        return  # no writable cache folder: compile every time
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(marshal.dumps(merged))
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
