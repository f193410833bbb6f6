"""The README's examples are doctests: what it shows is what the library does."""
from __future__ import annotations

import doctest
from pathlib import Path

import zhtargets

ROOT = Path(__file__).resolve().parents[1]


def test_readme_examples_run():
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False,
                              optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_package_docstring_example_runs():
    result = doctest.testmod(zhtargets)
    assert result.attempted > 0 and result.failed == 0
