"""zhtargets: quantitative targets and reported results from Chinese government documents.

>>> import zhtargets
>>> [t.text for t in zhtargets.extract("实现金融业增加值730亿元以上")]
['730亿元以上']
"""
from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import Any

from ._lexicon import corpus_dir
from .extractor import Extractor, default_extractor
from .records import Link, Links, Target, Targets, register_html, register_vocabulary, to_frame
from .units import unit_names

__all__ = [
    "Extractor", "Target", "Targets", "Link", "Links", "extract", "to_frame", "ledger_frame",
    "InputError", "LexiconError", "corpus_dir",
    "Document", "read_document", "read_text", "link", "panel", "render", "to_displacy",
    "to_excel", "plot_targets", "plot_summary", "plot_panel",
]
__version__ = "0.1.0"

# Names whose modules pull in heavier dependencies (pandas, matplotlib,
# openpyxl) load on first use, so `import zhtargets` stays quick.
_LAZY = {
    "Document": "document", "read_document": "document", "read_text": "_io",
    "InputError": "_io", "LexiconError": "_lexicon",
    "to_excel": "ledger", "ledger_frame": "ledger",
    "plot_targets": "plots", "plot_summary": "plots", "plot_panel": "plots", "to_displacy": "render",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'zhtargets' has no attribute {name!r}")


class _SameNamedFunction:
    """``zhtargets.link``, ``zhtargets.panel`` and ``zhtargets.render`` are
    functions of submodules with the same names.  Importing such a submodule
    makes Python bind the module to the package's attribute; this descriptor
    loads the function on first use and ignores that binding, so the name
    stays the function."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, package: ModuleType | None, owner: type | None = None) -> Any:
        if package is None:
            return self
        return getattr(import_module(f".{self.name}", __name__), self.name)

    def __set__(self, package: ModuleType, value: Any) -> None:
        if not isinstance(value, ModuleType):
            raise AttributeError(f"zhtargets.{self.name} cannot be replaced")


class _Package(ModuleType):
    link = _SameNamedFunction()
    panel = _SameNamedFunction()
    render = _SameNamedFunction()


sys.modules[__name__].__class__ = _Package


def _view(module: str, name: str):
    """A view function that imports its module on first display."""
    def show(obj: Any) -> str:
        return getattr(import_module(f".{module}", __name__), name)(obj)
    return show


# The root is the one place that knows both records and views: it tells the
# records how to show themselves in a notebook.
register_html("zhtargets.records.Targets", _view("render", "targets_html"))
register_html("zhtargets.records.Links", lambda links: links.to_frame()._repr_html_())
register_html("zhtargets.document.Document", _view("render", "document_html"))
# ... and which units a frame's unit column can hold (the lexicon's).
register_vocabulary("unit", unit_names)


def extract(text: str) -> list[Target]:
    """Every quantitative target or reported result in ``text``, sorted by start.

    Uses a default :class:`Extractor` built on first call; build your own
    ``Extractor(lexicons=...)`` to add words.  ``[]`` when nothing is found.
    """
    return default_extractor().extract(text)
