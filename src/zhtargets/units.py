"""Units: the one unit table (pint definitions and the words naming each
unit), the one classifier list, and a pint registry built from them."""
from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Iterable

from ._lexicon import LexiconError, read_table

__all__ = ["UnitWord", "UnitRow", "Classifier", "Units", "QuantityRecipe", "build_registry",
           "shared_registry", "unit_names", "unit_table", "default_units"]

# Unit names the rules give without a unit word: a bare 万 of money, 万方 of
# earth or floor space, a measure word's count, a plain ratio.
RULE_UNITS = ("count", "dimensionless", "yuan", "m**2", "m**3")
_NO_WORDS = "-"


@dataclass(frozen=True, slots=True)
class UnitWord:
    """A unit as written after a number."""

    word: str
    unit: str
    dimension: str  # the unit's class in units.tsv: money, percent, area, …, count


@dataclass(frozen=True, slots=True)
class UnitRow:
    """One row of a unit table: a unit, its class, its words, its pint definition."""

    unit: str
    cls: str
    words: tuple[str, ...]
    definition: str


@dataclass(frozen=True, slots=True)
class Classifier:
    """A measure word and what it counts (classifiers.txt)."""

    word: str
    counts: str   # generic for 个; two counts compare only when this agrees
    human: bool   # counts people or households


def _rows(name: str | Path) -> tuple[UnitRow, ...]:
    return tuple(UnitRow(unit, cls, tuple(w for w in words.split() if w != _NO_WORDS), definition)
                 for unit, cls, words, definition in read_table(name, 4))


@cache
def unit_table() -> tuple[UnitRow, ...]:
    """The rows of the bundled ``lexicons/units.tsv``."""
    return _rows("units.tsv")


class Units:
    """Unit words, classifiers and unit classes, resolvable to pint quantities.

    Built from ``lexicons/units.tsv`` and ``lexicons/classifiers.txt`` plus
    any extra files of the same formats.  The pint registry is built once per
    process for each set of unit tables: instances with the same tables share
    it, instances with other tables never do; :func:`default_units` is the
    bundled table for linking and the views.
    """

    def __init__(self, unit_files: Iterable[str | Path] = (),
                 classifier_files: Iterable[str | Path] = ()):
        # Paths made absolute so that a worker process in another folder
        # rebuilds the same registry for an unpickled record.
        self._unit_files = ("units.tsv", *(
            os.path.abspath(f) if os.path.exists(f) else os.fspath(f) for f in unit_files))
        words: dict[str, UnitWord] = {}
        self.classes: dict[str, str] = {}
        self._written: dict[str, str] = {}
        for name in self._unit_files:
            for row in _rows(name):
                self.classes[row.unit] = row.cls
                if row.words:
                    self._written[row.unit] = row.words[0]
                for word in row.words:
                    words[word] = UnitWord(word, row.unit, row.cls)
        self.classifiers: dict[str, Classifier] = {}
        for name in ("classifiers.txt", *classifier_files):
            for word, counts, human in read_table(name, 3):
                self.classifiers[word] = Classifier(word, counts or word, human == "y")
                words.setdefault(word, UnitWord(word, "count", "count"))
        self.words: dict[str, UnitWord] = words
        self.recipe = QuantityRecipe(self._unit_files)

    def written(self, unit: str | None) -> str:
        """The word a document writes for ``unit`` (元, %, 平方米); '' for none."""
        return self._written.get(unit or "", "")

    def factor(self, unit: str, to: str) -> float | None:
        """What one ``unit`` is in ``to`` (亩 -> hectare: 1/15), or ``None`` when the
        two do not compare: different classes (倍 against %), or a class whose
        units pint keeps apart (yuan against USD, percent against
        percentage_point)."""
        if unit == to:
            return 1.0
        if self.classes.get(unit) != self.classes.get(to) or unit not in self.classes:
            return None
        try:
            return float(self.quantity(1, unit).to(self.registry.parse_units(to)).magnitude)
        except Exception:  # pint: DimensionalityError, UndefinedUnitError
            return None

    @property
    def registry(self):
        """The pint registry of these unit tables (built on first use: pint is slow to start)."""
        return shared_registry(self._unit_files)

    def quantity(self, value: Decimal | float | None, unit: str) -> Any:
        """``value`` in ``unit`` as a pint Quantity (``None`` for no value)."""
        return self.recipe.build(value, unit)

    def check(self) -> list[str]:
        """Unit names of the lexicons that the registry cannot parse."""
        bad = []
        for w in self.words.values():
            try:
                self.registry.parse_units(w.unit)
            except Exception:
                bad.append(f"{w.word} -> {w.unit}")
        return bad


@dataclass(frozen=True, slots=True)
class QuantityRecipe:
    """How a record builds its pint quantity when first asked: the names of
    the unit tables.  Small, and it pickles as those names, so a record
    rebuilt in another process converts exactly as here."""

    unit_files: tuple[str, ...]

    def build(self, value: Decimal | float | None, unit: str) -> Any:
        if value is None:
            return None
        return shared_registry(self.unit_files).Quantity(float(value), _parsed_unit(self.unit_files, unit))


@cache
def _parsed_unit(unit_files: tuple[str, ...], unit: str) -> Any:
    return shared_registry(unit_files).parse_units(unit)


def build_registry(unit_files: tuple[str, ...]) -> Any:
    """A new pint registry holding the definitions of the unit tables ``unit_files``."""
    reg = _pint_registry()
    for name in unit_files:
        for row in _rows(name):
            if not row.definition:
                continue
            try:
                reg.define(row.definition)
            except Exception as exc:  # pint raises many types for bad lines
                raise LexiconError(f"unit definition in {name}: {row.definition!r}: {exc}") from exc
    # pint pickles a quantity against its global registry, which lacks these
    # units (yuan) or means others by their names (its mu is a mass); this
    # registry's quantities travel with the names of its unit tables and are
    # rebuilt against the same definitions in the receiving process.
    reg.Quantity.__reduce__ = lambda q: (_unpickle_quantity, (q.magnitude, q._units, unit_files))
    return reg


def _pint_registry() -> Any:
    """pint's own registry, its definition file parsed once per machine.

    Parsing pint's definitions is most of the cost of the first conversion in
    a process (0.27 s of CPU, against 0.03 s from pint's cache), and every
    ``zhtargets link`` call pays it.  The cache sits beside zhtargets' other
    caches; a folder that cannot be written only costs the parse.
    """
    import pint

    from ._segmenter import cache_dir

    try:
        return pint.UnitRegistry(autoconvert_offset_to_baseunit=True,
                                 cache_folder=cache_dir() / "pint")
    except OSError:
        return pint.UnitRegistry(autoconvert_offset_to_baseunit=True)


@cache
def shared_registry(unit_files: tuple[str, ...]) -> Any:
    """The registry of this process for a set of unit tables."""
    return build_registry(unit_files)


def _unpickle_quantity(magnitude: Any, units: Any, unit_files: tuple[str, ...]) -> Any:
    return shared_registry(unit_files).Quantity(magnitude, units)


@cache
def unit_names() -> tuple[str, ...]:
    """Every unit name the bundled lexicon and the rules give, sorted."""
    return tuple(sorted({row.unit for row in unit_table() if row.words} | set(RULE_UNITS)))


@cache
def default_units() -> Units:
    """The bundled unit table and classifier list, shared by linking and the views."""
    return Units()
