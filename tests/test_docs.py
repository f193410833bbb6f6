"""The documentation runs and covers the library.

* ``docs/tutorial.ipynb`` executes top to bottom in a kernel of this Python
  and shows the rendering, the ledger and a plot;
* the ``>>>`` examples of the Markdown pages are doctests, so every figure they
  quote is what the library prints;
* every public name has a heading in ``docs/api.md`` and every unit of
  ``lexicons/units.tsv`` is defined in ``docs/records.md``.
"""
from __future__ import annotations

import doctest
import re
import sys
from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import write_kernel_spec
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

import zhtargets
from zhtargets.units import unit_table

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOK = DOCS / "tutorial.ipynb"
PAGES = ("api.md", "records.md", "lexicons.md", "genres.md")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The tutorial, executed with ``sys.executable`` (the test's own venv)."""
    # A kernelspec written here points at this interpreter, whatever other
    # ``python3`` kernels the machine or the user's profile may define.
    kernels = tmp_path_factory.mktemp("kernels")
    write_kernel_spec(path=str(kernels / "python3"), overrides={
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
    })
    specs = KernelSpecManager(kernel_dirs=[str(kernels)], ensure_native_kernel=False)
    km = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(nb, km=km, timeout=120, kernel_name="python3",
                            allow_errors=True,
                            resources={"metadata": {"path": str(DOCS)}})
    client.execute()
    return nb


def _outputs(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            yield from cell.get("outputs", [])


def _html(nb) -> list[str]:
    return [out["data"]["text/html"] for out in _outputs(nb)
            if out.get("output_type") in ("display_data", "execute_result")
            and "text/html" in out.get("data", {})]


def test_committed_notebook_shows_its_outputs():
    """Readers on a code host see the tutorial run: every code cell was
    executed in order, with output and without errors, and nothing in it
    looks for a checkout (the corpus ships in the package)."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    for cell in code:
        assert cell.outputs, cell.source[:60]
        assert all(out.get("output_type") != "error" for out in cell.outputs), cell.source[:60]
        assert "Path.cwd()" not in cell.source and "../corpus" not in cell.source
    assert any("zhtargets.corpus_dir()" in c.source for c in code)


def test_tutorial_runs_without_errors(executed):
    errors = [f"{out.get('ename')}: {out.get('evalue')}"
              for out in _outputs(executed) if out.get("output_type") == "error"]
    assert errors == []
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert code and all(c.execution_count is not None for c in code)


def test_tutorial_shows_the_rendering(executed):
    assert any('class="zt-target"' in html for html in _html(executed))


def test_tutorial_shows_the_ledger(executed):
    ledgers = [html for html in _html(executed)
               if "<table" in html and ">status</th>" in html and ">task_text</th>" in html
               and "完成" in html]
    assert ledgers


def test_tutorial_shows_a_plot(executed):
    assert any("image/png" in out.get("data", {}) for out in _outputs(executed))


@pytest.mark.parametrize("page", PAGES)
def test_page_examples_run(page, monkeypatch):
    monkeypatch.chdir(ROOT)  # the pages name corpus files from the repository root
    result = doctest.testfile(str(DOCS / page), module_relative=False,
                              optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_every_public_name_has_a_heading_in_api_md():
    headings = [line for line in (DOCS / "api.md").read_text(encoding="utf-8").splitlines()
                if line.startswith("#")]
    missing = [name for name in zhtargets.__all__
               if not any(re.search(rf"`(zhtargets\.)?{re.escape(name)}\b", h) for h in headings)]
    assert missing == []


def test_every_unit_is_defined_in_records_md():
    text = (DOCS / "records.md").read_text(encoding="utf-8")
    rows = unit_table()
    assert rows
    missing = [f"{word} -> {row.unit}" for row in rows for word in row.words
               if f"`{row.unit}`" not in text or word not in text]
    assert missing == []
