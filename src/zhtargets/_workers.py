"""Worker processes that stop when asked and never outlive their parent.

Shared by :meth:`Extractor.pipe <zhtargets.Extractor.pipe>` and
:func:`zhtargets.batch.run`.  A worker ignores SIGINT: Ctrl-C reaches the whole
process group, and the parent alone decides how to stop.  On Linux the kernel
also kills a worker when its parent dies, so even a parent killed outright
(SIGKILL, or a SIGTERM that a script does not handle) leaves no worker blocked
on a queue that nobody will fill.

To stop its workers the parent sends them SIGTERM (:func:`end_workers`).  A
worker then abandons the document it is reading and refuses every task still
queued, but it is never killed outright: a worker killed while it writes a
result leaves half a message in the pool's result pipe, and the pool's
manager thread then waits for the rest for ever (so does the interpreter at
exit).  Tasks run through :func:`run_task` so that a worker knows whether it
is inside one.
"""
from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Executor

__all__ = ["Stopped", "end_workers", "run_task", "start_worker"]

# From <linux/prctl.h>: the signal a process gets when its parent dies.
_PR_SET_PDEATHSIG = 1


# Set in a worker process: SIGTERM came; whether a task is running.
_stopping = False
_in_task = False


class Stopped(BaseException):
    """Raised in a worker's task when the parent stops its workers: a
    BaseException, so that no handler for a failing document takes it for one."""


def _on_sigterm(signum: int, frame: object) -> None:
    global _stopping
    _stopping = True
    if _in_task:
        raise Stopped("stopped by the parent process")


def run_task(func: Callable[..., Any], *args: Any) -> Any:
    """``func(*args)`` in a worker, abandoned at once when the parent stops it."""
    global _in_task
    if _stopping:
        raise Stopped("stopped by the parent process")
    _in_task = True
    try:
        return func(*args)
    finally:
        _in_task = False


def start_worker(initializer: Callable[..., object] | None, *args: Any) -> None:
    """The initializer of a worker process: signals set, then ``initializer(*args)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
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
    """Make the workers of ``pool`` abandon their tasks now; the pool's
    ``shutdown`` then ends them without waiting for the documents they were
    reading."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):  # no public API before 3.14
        process.terminate()
