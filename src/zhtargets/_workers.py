"""Worker processes that stop when asked and never outlive their parent.

Shared by :meth:`Extractor.pipe <zhtargets.Extractor.pipe>` and
:func:`zhtargets.batch.run`.  A worker ignores SIGINT: Ctrl-C reaches the whole
process group, and the parent alone decides how to stop.  A plain SIGTERM ends
it without a traceback.  On Linux the kernel also kills it when its parent
dies, so even a parent killed outright (SIGKILL, or a SIGTERM that a script
does not handle) leaves no worker blocked on a queue that nobody will fill.
"""
from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Executor

__all__ = ["end_workers", "start_worker"]

# From <linux/prctl.h>: the signal a process gets when its parent dies.
_PR_SET_PDEATHSIG = 1


def start_worker(initializer: Callable[..., object] | None, *args: Any) -> None:
    """The initializer of a worker process: signals set, then ``initializer(*args)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    if initializer is not None:
        initializer(*args)


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return  # elsewhere the parent's own handlers end the workers
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # a libc without prctl
        return


def end_workers(pool: "Executor") -> None:
    """Kill the worker processes of ``pool`` now, without waiting for the
    tasks they are running."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):  # no public API before 3.14
        process.terminate()
