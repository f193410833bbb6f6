"""The command line on real corpus files, run as users run it."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import openpyxl

RAW = Path(__file__).resolve().parents[1] / "corpus" / "raw"
DOC = RAW / "001_18c78e876a0a643e.txt"


def zt(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zhtargets", *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=cwd, timeout=300)


def test_extract_jsonl_carries_doc_and_offsets():
    run = zt("extract", str(RAW / "000_bfb4eece756cc416.txt"))
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    text = (RAW / "000_bfb4eece756cc416.txt").read_text(encoding="utf-8")
    assert rows and all(r["doc"] == "000_bfb4eece756cc416" for r in rows)
    assert all(text[r["start"]:r["end"]] == r["text"] for r in rows)
    assert all(r["role"] == "plan" and r["task"] for r in rows)
    assert "Building prefix dict" not in run.stderr


def test_extract_csv_has_bom_and_reads_back(tmp_path):
    out = tmp_path / "t.csv"
    assert zt("extract", str(RAW / "002_4ac6e55c7e26962c.txt"), "--format", "csv", "-o", str(out)).returncode == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows[0]["doc"] == "002_4ac6e55c7e26962c" and "indicator" in rows[0]


def test_bad_files_are_reported_and_the_rest_go_on(tmp_path):
    (tmp_path / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(200))
    (tmp_path / "gbk.txt").write_bytes("新增学位5600个".encode("gb18030"))
    run = zt("extract", str(tmp_path))
    assert run.returncode == 1
    assert "binary.txt" in run.stderr and "Traceback" not in run.stderr
    (row,) = [json.loads(line) for line in run.stdout.splitlines()]
    assert (row["doc"], row["text"]) == ("gbk", "5600个")


def test_tasks_and_links(tmp_path):
    run = zt("tasks", str(DOC), "--format", "jsonl")
    tasks = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(tasks) == 120 and tasks[0]["lead_units"] == "区发改经信局"
    run = zt("link", str(DOC))
    links = [json.loads(line) for line in run.stdout.splitlines()]
    assert links and {"doc", "plan_start", "plan_end", "actual_start", "actual_end", "status"} <= set(links[0])
    run = zt("link", str(RAW / "003_f58055f6ad9646b4.txt"), str(DOC))
    cross = [json.loads(line) for line in run.stdout.splitlines()]
    assert cross[0]["plan_doc"] == "003_f58055f6ad9646b4" and cross[0]["actual_doc"] == "001_18c78e876a0a643e"


def test_ledger_xlsx(tmp_path):
    out = tmp_path / "ledger.xlsx"
    run = zt("link", str(DOC), "--format", "xlsx", "-o", str(out))
    assert run.returncode == 0, run.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["台账", "汇总", "技术信息"]
    ws = book["台账"]
    assert ws.freeze_panes == "D2" and ws.max_row > 100 and ws["F1"].value == "状态"


def test_render_and_plot(tmp_path):
    html = tmp_path / "doc.html"
    assert zt("render", str(DOC), "-o", str(html)).returncode == 0
    page = html.read_text(encoding="utf-8")
    # 001 is a table the page holds twice (704 targets): shown as one table,
    # each task once, each of its 89 plans with its status.
    assert page.count('class="zt-target"') == 352 and '<table class="zt-tasks">' in page
    assert page.count('class="zt-status"') == 89
    for suffix in ("png", "svg"):
        fig = tmp_path / f"plot.{suffix}"
        assert zt("plot", str(DOC), "-o", str(fig)).returncode == 0
        assert fig.stat().st_size > 1000


def test_eval_prints_the_reference_figures():
    run = zt("eval")
    assert run.returncode == 0, run.stderr
    lines = dict(line.split(None, 1) for line in run.stdout.splitlines()[:15] if line.strip())
    assert float(lines["f1"]) >= 0.95 and float(lines["role_acc"]) >= 0.97
    assert "status_acc" in run.stdout


def test_eval_reports_a_malformed_gold_line(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "x.jsonl").write_text('{"id": broken\n', encoding="utf-8")
    run = zt("eval", "--gold", str(gold))
    assert run.returncode == 2 and "x.jsonl:1" in run.stderr and "Traceback" not in run.stderr


def test_plot_without_matplotlib_says_which_extra(tmp_path, without_module, capsys):
    from zhtargets.cli import main

    without_module("matplotlib")
    assert main(["plot", str(DOC), "-o", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert "zhtargets[plots]" in err and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()
