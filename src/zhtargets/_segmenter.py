"""jieba's segmenter over a dictionary kept on disk, shared by every process.

jieba keeps its prefix dictionary (half a million entries) in memory and
caches it in one file in the system's temporary folder that every program on
the machine reads and rewrites; loading it costs about a second and 60 MB in
each process and worker, while zhtargets only ever segments a few characters
before a number.  This module builds jieba's own prefix dictionary once per
machine into an SQLite file of ours, named after the dictionary it was built
from, and hands jieba a mapping that looks words up in it on demand:
segmentation stays jieba's, start-up is a file open, and memory is the OS page
cache that all processes share.

Concurrent processes are safe: each builder writes a private temporary file
and renames it into place, so a reader sees either no cache or a complete one;
a cache that cannot be opened or does not match is rebuilt, and where no cache
folder is writable the dictionary is built in memory.
"""
from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from collections.abc import Iterator, Mapping
from functools import cache, lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["cache_dir", "tokenizer"]

_SCHEMA = 1
# Words looked up while reading one corpus are few; the bound keeps a
# pathological input from growing the memo without end.
_MEMO = 1 << 16


def cache_dir() -> Path:
    """Where zhtargets keeps its caches: ``$ZHTARGETS_CACHE``, else the user's
    cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``) under ``zhtargets``."""
    explicit = os.environ.get("ZHTARGETS_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base, "zhtargets")


@cache
def tokenizer() -> Any:
    """This process's jieba Tokenizer, its dictionary read from the shared cache."""
    jieba = _import_jieba()
    tk = jieba.Tokenizer()
    dict_path = Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)
    freq = _open_cache(dict_path, jieba.__version__)
    if freq is None:
        tk.FREQ, tk.total = tk.gen_pfdict(tk.get_dict_file())
    else:
        tk.FREQ, tk.total = freq, freq.total
    # Marks the dictionary as loaded, so jieba never builds or logs its own.
    tk.initialized = True
    return tk


def _import_jieba() -> Any:
    # jieba imports pkg_resources (a fifth of a second) only to open its
    # bundled files, and falls back to a plain open() without it.
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    _defer_hmm()
    try:
        import jieba
    except BaseException:
        sys.modules.pop("jieba.finalseg", None)
        raise
    finally:
        del sys.modules["pkg_resources"]
    return jieba


class _LoadedOnFirstUse(ModuleType):
    """A module whose code runs when one of its names is first read."""

    def __getattr__(self, name: str) -> Any:
        self.__class__ = ModuleType  # from here on an ordinary module
        self.__spec__.loader.exec_module(self)
        return getattr(self, name)


def _defer_hmm() -> None:
    """Make jieba's HMM model (``jieba.finalseg``: probability tables that
    take half of jieba's import time) load when first used, not with jieba.
    zhtargets segments with HMM off and never uses it."""
    from importlib.machinery import PathFinder
    from importlib.util import find_spec, module_from_spec

    package = find_spec("jieba")
    spec = package and PathFinder.find_spec("jieba.finalseg", package.submodule_search_locations)
    if spec is None or spec.loader is None:
        return  # a jieba laid out otherwise loads its model as usual
    module = module_from_spec(spec)
    module.__class__ = _LoadedOnFirstUse
    sys.modules["jieba.finalseg"] = module


class DiskFrequencies(Mapping):
    """jieba's ``FREQ`` (word or word prefix → count, 0 for a bare prefix),
    read from the SQLite cache one word at a time."""

    def __init__(self, path: Path):
        self._db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        self.key, self.total = self._db.execute(
            "SELECT key, total FROM meta WHERE schema = ?", (_SCHEMA,)).fetchone()
        self.get_count = lru_cache(maxsize=_MEMO)(self._lookup)

    def _lookup(self, word: str) -> int | None:
        row = self._db.execute("SELECT n FROM freq WHERE w = ?", (word,)).fetchone()
        return None if row is None else row[0]

    def __getitem__(self, word: str) -> int:
        n = self.get_count(word)
        if n is None:
            raise KeyError(word)
        return n

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get_count(word) is not None

    def get(self, word: str, default: Any = None) -> Any:
        n = self.get_count(word)
        return default if n is None else n

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM freq").fetchone()[0]

    def __iter__(self) -> Iterator[str]:
        return (w for (w,) in self._db.execute("SELECT w FROM freq"))

    def __reduce__(self):
        # A connection cannot travel; a copy in another process reopens the file.
        raise TypeError("DiskFrequencies is per process; call tokenizer() there")


def _cache_key(dict_path: Path, version: str) -> str:
    stat = dict_path.stat()
    return f"jieba-{version}-{stat.st_size}-{stat.st_mtime_ns}"


def _open_cache(dict_path: Path, version: str) -> DiskFrequencies | None:
    """The cached dictionary, built first if needed; ``None`` when no cache
    folder can be used (the caller then builds the dictionary in memory)."""
    key = _cache_key(dict_path, version)
    path = cache_dir() / f"{key}.sqlite3"
    for _attempt in range(2):
        opened = _open_valid(path, key)
        if opened is not None:
            return opened
        if not _build(path, key):
            return None
    return None


def _open_valid(path: Path, key: str) -> DiskFrequencies | None:
    if not path.is_file():
        return None
    try:
        freq = DiskFrequencies(path)
    except (sqlite3.Error, TypeError):
        return None
    return freq if freq.key == key else None


def _build(path: Path, key: str) -> bool:
    """Write the cache for ``key`` at ``path`` atomically; False if impossible."""
    import jieba

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError:
        return False
    os.close(fd)
    try:
        tk = jieba.Tokenizer()
        freq, total = tk.gen_pfdict(tk.get_dict_file())
        db = sqlite3.connect(tmp)
        try:
            db.execute("CREATE TABLE meta (schema INTEGER, key TEXT, total INTEGER)")
            db.execute("CREATE TABLE freq (w TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID")
            db.executemany("INSERT INTO freq VALUES (?, ?)", freq.items())
            db.execute("INSERT INTO meta VALUES (?, ?, ?)", (_SCHEMA, key, total))
            db.commit()
        finally:
            db.close()
        os.replace(tmp, path)
        return True
    except (OSError, sqlite3.Error):
        return False
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
