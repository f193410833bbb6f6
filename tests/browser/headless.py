"""Drive Debian's headless Chromium for the browser tests.

Tests load this file by path (``importlib``), so the tests folder needs no
``__init__`` and nothing here depends on pytest.  Each run gets its own
profile directory: a shared one would leak state (and lock files) between
runs.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["ChromiumMissing", "find_chromium", "dump_dom", "screenshot", "count_tags"]

INSTALL_HINT = "install it with `apt-get install -y chromium fonts-noto-cjk` (.ci/run does this)"
# Generous: the first start on a cold machine builds font caches.
TIMEOUT_S = 180
# Everything that would reach the network or the user's profile is off: the
# tests run without network and must not depend on one.
_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars",
)


class ChromiumMissing(RuntimeError):
    """No Chromium binary to run."""


def find_chromium() -> str:
    """Path of the Chromium binary, or ChromiumMissing with the install line."""
    for candidate in (os.environ.get("ZHTARGETS_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise ChromiumMissing(f"Chromium not found (looked at $ZHTARGETS_CHROMIUM, /usr/bin/chromium "
                          f"and PATH); {INSTALL_HINT}")


def _run(args: list[str], workdir: Path) -> subprocess.CompletedProcess[str]:
    binary = find_chromium()
    profile = Path(tempfile.mkdtemp(prefix="profile-", dir=workdir))
    env = {**os.environ, "HOME": str(workdir)}
    proc = subprocess.run([binary, *_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=TIMEOUT_S, env=env,
                          stdin=subprocess.DEVNULL, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"chromium exited {proc.returncode}: {proc.stderr[-2000:]}")
    return proc


def dump_dom(page: Path, workdir: Path) -> str:
    """The DOM of a local page after load, serialized by Chromium."""
    proc = _run(["--dump-dom", page.resolve().as_uri()], workdir)
    if "<html" not in proc.stdout:
        raise RuntimeError(f"chromium dumped no DOM: {proc.stderr[-2000:]}")
    return proc.stdout


def screenshot(page: Path, png: Path, workdir: Path, size: tuple[int, int] = (1200, 2000)) -> Path:
    """A PNG of the top ``size`` pixels of a local page."""
    _run([f"--screenshot={png.resolve()}", f"--window-size={size[0]},{size[1]}",
          page.resolve().as_uri()], workdir)
    if not png.is_file() or png.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no screenshot to {png}")
    return png


class _TagCounter(HTMLParser):
    def __init__(self, tag: str, cls: str) -> None:
        super().__init__()
        self.tag, self.cls, self.count = tag, cls, 0
        self.attrs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != self.tag:
            return
        found = dict(attrs)
        if self.cls in (found.get("class") or "").split():
            self.count += 1
            self.attrs.append(found)


def count_tags(markup: str, tag: str, cls: str) -> list[dict[str, str | None]]:
    """Attributes of every ``<tag class="… cls …">`` in ``markup``."""
    parser = _TagCounter(tag, cls)
    parser.feed(markup)
    parser.close()
    return parser.attrs
