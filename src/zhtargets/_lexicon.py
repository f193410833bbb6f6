"""Find and read the language data in ``lexicons/``.

Lexicon files are UTF-8 text: ``#`` starts a comment line, blank lines are
skipped, and table files separate columns with one or more tabs.  The first
line that is not a comment is a header row naming the columns in lower-case
ASCII (``word	unit	dimension``); readers skip it.  An extra file a user
passes to extend a bundled one may repeat that header or leave it out.
(``units.txt`` is the exception: it is pint's definition syntax, which pint
reads itself.)  They live in
the repository's top-level ``lexicons/`` (editable installs) or inside the
installed package (wheels copy them there).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

__all__ = ["lexicon_dir", "bundled_dir", "corpus_dir", "read_lines", "read_table", "header",
           "LexiconError"]

# A column name: what a header row holds and a data row of Chinese words never does.
_COLUMN_NAME = re.compile(r"[a-z][a-z_]*")


class LexiconError(ValueError):
    """A lexicon file is missing or malformed."""


@cache
def bundled_dir(name: str) -> Path:
    """``lexicons`` or ``corpus``: inside the installed package, or the checkout's."""
    here = Path(__file__).resolve().parent
    for candidate in (here / name, here.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise LexiconError(f"no {name}/ directory next to {here}")


def lexicon_dir() -> Path:
    return bundled_dir("lexicons")


def corpus_dir() -> Path:
    """The corpus that ships with the package (``raw/``, ``gold/``, ``examples/`` …),
    inside an installed wheel or in a checkout."""
    return bundled_dir("corpus")


def resolve(name: str | Path) -> Path:
    path = Path(name)
    return path if path.is_absolute() or path.exists() else lexicon_dir() / path


def _cells(line: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in line.split("\t") if c.strip())


@cache
def _entries(path: Path) -> tuple[str, ...]:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"cannot read lexicon {path}: {exc}") from exc
    return tuple(s for line in raw.splitlines()
                 if (s := line.strip()) and not s.startswith("#"))


@cache
def header(name: str | Path) -> tuple[str, ...] | None:
    """The column names of the bundled lexicon called ``name`` (its header
    row), or ``None`` when there is no such file or it has no header row."""
    bundled = lexicon_dir() / Path(name).name
    if not bundled.is_file():
        return None
    entries = _entries(bundled)
    first = _cells(entries[0]) if entries else ()
    return first if first and all(_COLUMN_NAME.fullmatch(c) for c in first) else None


@cache
def read_lines(name: str | Path) -> tuple[str, ...]:
    """The entries of a one-column lexicon, in file order, header row skipped."""
    entries = _entries(resolve(name))
    names = header(name)
    if entries and names is not None and _cells(entries[0]) == names:
        return entries[1:]
    return entries


@cache
def read_table(name: str | Path, columns: int) -> tuple[tuple[str, ...], ...]:
    """Rows of a tab-separated lexicon, padded with '' to ``columns`` fields."""
    rows = []
    for line in read_lines(name):
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        if len(cells) > columns:
            raise LexiconError(f"{name}: more than {columns} columns in {line!r}")
        rows.append(tuple(cells + [""] * (columns - len(cells))))
    return tuple(rows)


# Where the other forms of a punctuation mark live: CJK punctuation,
# small and vertical forms, full-width forms.
_PUNCTUATION_BLOCKS = ((0x3000, 0x3040), (0xFE10, 0xFE70), (0xFF00, 0xFFF0))


def mark_class(marks: Iterable[str]) -> re.Pattern:
    """A pattern matching any of ``marks`` or any form of them that NFKC folds
    to one (；, ﹔ for ;): lexicons write marks as normalize() does, while the
    text read here may be the user's own."""
    wanted = frozenset(marks)
    forms = set(wanted) | {c for lo, hi in _PUNCTUATION_BLOCKS for c in map(chr, range(lo, hi))
                           if unicodedata.normalize("NFKC", c) in wanted}
    return re.compile("[" + "".join(re.escape(c) for c in sorted(forms)) + "]")
