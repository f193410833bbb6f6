"""The README's examples are doctests: what it shows is what the library does."""
from __future__ import annotations

import doctest
import json
import subprocess
import sys
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


# Each row of the README's "How well it works" table and the fields of
# `zhtargets eval --json` it quotes, in order.
TABLE_FIELDS = {
    "span precision / recall / F1": ("precision", "recall", "f1"),
    "value and unit, on matched records": ("value_unit_acc",),
    "comparator": ("comparator_acc",),
    "kind": ("kind_acc",),
    "indicator (character F1)": ("indicator_f1",),
    "year": ("year_acc",),
    "role": ("role_acc",),
    "001 plan → actual links F1 / status accuracy": ("links.f1", "links.status_acc"),
}


def _readme_table(labels=TABLE_FIELDS) -> dict[str, list[str]]:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## How well it works")[1]
    rows = {}
    for line in section.split("\n## ")[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] in labels:
            rows[cells[0]] = [v.strip() for v in cells[1].split("/")]
    return rows


def test_readme_table_states_what_eval_prints():
    run = subprocess.run([sys.executable, "-m", "zhtargets", "eval", "--json"],
                         capture_output=True, text=True, timeout=300, check=True)
    result = json.loads(run.stdout)
    table = _readme_table()
    assert set(table) == set(TABLE_FIELDS), "a row of the README table is missing or renamed"
    for label, fields in TABLE_FIELDS.items():
        shown = table[label]
        assert len(shown) == len(fields), label
        for text, field in zip(shown, fields):
            value = result
            for key in field.split("."):
                value = value[key]
            assert text == f"{value:.3f}", f"README says {label} = {text}; eval prints {value:.3f}"


# The rows of the reports table and the figures of evaluate.score_reports
# (what `zhtargets eval` prints in its reports section) they quote.
REPORT_FIELDS = {
    "reports: span precision / recall / F1": ("targets.precision", "targets.recall", "targets.f1"),
    "reports: kind / indicator / year / role": (
        "targets.kind_acc", "targets.indicator_f1", "targets.year_acc", "targets.role_acc"),
    "reports: links recall / precision / status accuracy": (
        "links.recall", "links.precision", "links.status_acc"),
}


def test_readme_reports_table_states_what_eval_prints():
    from zhtargets._lexicon import bundled_dir
    from zhtargets.evaluate import score_reports

    result = score_reports(bundled_dir("corpus") / "reports")
    table = _readme_table(REPORT_FIELDS)
    assert set(table) == set(REPORT_FIELDS), "a row of the README's reports table is missing"
    for label, fields in REPORT_FIELDS.items():
        assert len(table[label]) == len(fields), label
        for text, field in zip(table[label], fields):
            group, key = field.split(".")
            assert text == f"{result[group][key]:.3f}", f"README says {label} = {text}"
