"""Fixtures shared by the test modules."""
from __future__ import annotations

import builtins
from collections.abc import Callable

import pytest
from hypothesis import settings

# Property tests assert behaviour, never speed: a first example that builds a
# lazily loaded resource (pint's registry, the segmenter's dictionary) or runs
# on a busy machine must not fail on hypothesis's 200 ms deadline.
settings.register_profile("no_deadline", deadline=None)
settings.load_profile("no_deadline")


@pytest.fixture
def without_module(monkeypatch) -> Callable[[str], None]:
    """Make ``import NAME`` fail for the rest of the test, as on a machine
    where an optional extra is not installed."""
    def hide(name: str) -> None:
        real_import = builtins.__import__

        def guarded(module, *args, **kwargs):
            if module == name or module.startswith(f"{name}."):
                raise ImportError(f"No module named {name!r}")
            return real_import(module, *args, **kwargs)

        monkeypatch.setattr(builtins, "__import__", guarded)
    return hide
