"""Units: the unit words of the lexicons and a private pint registry."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from ._lexicon import LexiconError, read_lines, read_table, resolve

__all__ = ["UnitWord", "Units"]


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
        self._definition_files = ("units.txt", *definition_files)
        self._registry = None
        self._parsed: dict[str, Any] = {}

    @property
    def registry(self):
        """The private pint registry (built on first use: pint is slow to start)."""
        if self._registry is None:
            import pint

            reg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
            for name in self._definition_files:
                try:
                    reg.load_definitions(str(resolve(name)))
                except Exception as exc:  # pint raises many types for bad lines
                    raise LexiconError(f"unit definitions {name}: {exc}") from exc
            self._registry = reg
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
