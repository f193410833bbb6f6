"""Units: the unit words of the lexicons and a private pint registry."""
from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Iterable

from ._lexicon import LexiconError, read_lines, read_table, resolve

__all__ = ["UnitWord", "Units", "build_registry", "shared_registry", "unit_names"]

# Unit names the rules give without a unit word: a bare 万 of money, 万方 of
# earth or floor space, a measure word's count, a plain ratio.
RULE_UNITS = ("count", "dimensionless", "yuan", "m**2", "m**3")


@dataclass(frozen=True, slots=True)
class UnitWord:
    """A unit as written after a number."""

    word: str
    unit: str
    dimension: str  # money, percent, area, …, or "count" for measure words


class Units:
    """Unit words and classifiers, resolvable to pint quantities.

    Each instance owns its own ``pint.UnitRegistry`` built from
    ``lexicons/units.txt`` plus any extra definition files, so two extractors
    never share mutable unit state.
    """

    def __init__(self, unit_files: Iterable[str | Path] = (),
                 classifier_files: Iterable[str | Path] = (),
                 definition_files: Iterable[str | Path] = ()):
        words: dict[str, UnitWord] = {}
        for name in ("unit_words.tsv", *unit_files):
            for word, unit, dimension in read_table(name, 3):
                words[word] = UnitWord(word, unit, dimension)
        for name in ("classifiers.txt", *classifier_files):
            for word in read_lines(name):
                words.setdefault(word, UnitWord(word, "count", "count"))
        self.words: dict[str, UnitWord] = words
        # Paths made absolute so that a worker process in another folder
        # rebuilds the same registry for an unpickled record.
        self._definition_files = ("units.txt", *(
            os.path.abspath(f) if os.path.exists(f) else os.fspath(f) for f in definition_files))
        self._registry = None
        self._parsed: dict[str, Any] = {}

    @property
    def registry(self):
        """The private pint registry (built on first use: pint is slow to start)."""
        if self._registry is None:
            self._registry = build_registry(self._definition_files)
        return self._registry

    def quantity(self, value: Decimal | float | None, unit: str) -> Any:
        """``value`` in ``unit`` as a pint Quantity (``None`` for no value)."""
        if value is None:
            return None
        parsed = self._parsed.get(unit)
        if parsed is None:
            parsed = self._parsed[unit] = self.registry.parse_units(unit)
        return self.registry.Quantity(float(value), parsed)

    def check(self) -> list[str]:
        """Unit names of the lexicons that the registry cannot parse."""
        bad = []
        for w in self.words.values():
            try:
                self.registry.parse_units(w.unit)
            except Exception:
                bad.append(f"{w.word} -> {w.unit}")
        return bad


def build_registry(definition_files: tuple[str, ...]) -> Any:
    """A new pint registry holding the definitions of ``definition_files``."""
    import pint

    reg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for name in definition_files:
        try:
            reg.load_definitions(str(resolve(name)))
        except Exception as exc:  # pint raises many types for bad lines
            raise LexiconError(f"unit definitions {name}: {exc}") from exc
    # pint pickles a quantity against its global registry, which lacks these
    # units (yuan) or means others by their names (its mu is a mass); this
    # registry's quantities travel with the names of its definition files and
    # are rebuilt against the same definitions in the receiving process.
    reg.Quantity.__reduce__ = lambda q: (_unpickle_quantity, (q.magnitude, q._units, definition_files))
    return reg


@cache
def shared_registry(definition_files: tuple[str, ...]) -> Any:
    """One registry per process for each set of definitions, for quantities
    that arrive pickled from another process."""
    return build_registry(definition_files)


def _unpickle_quantity(magnitude: Any, units: Any, definition_files: tuple[str, ...]) -> Any:
    return shared_registry(definition_files).Quantity(magnitude, units)


@cache
def unit_names() -> tuple[str, ...]:
    """Every unit name the bundled lexicon and the rules give, sorted."""
    return tuple(sorted({unit for _, unit, _ in read_table("unit_words.tsv", 3)} | set(RULE_UNITS)))
