"""A command line that never loses data, and inputs read as users hand them in."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import zhtargets
from zhtargets._io import InputError, decode_bytes, read_text

RAW = Path(__file__).resolve().parents[1] / "corpus" / "raw"
DOC = RAW / "001_18c78e876a0a643e.txt"
PREVIOUS = '{"yesterday": "output"}\n'
# Traditional characters as a Hong Kong or Taiwan office writes them.
BIG5_TEXT = "全年本地生產總值增長5%以上，新增就業崗位3萬個，完成投資730億元。"


def zt(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zhtargets", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid``, read from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def big_folder(tmp_path: Path) -> Path:
    """Enough documents that two workers are busy for a while."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(40):
        shutil.copy(DOC, folder / f"d{i:02}.txt")
    return folder


def test_version() -> None:
    run = zt("--version")
    assert run.returncode == 0 and run.stdout.strip() == f"zhtargets {zhtargets.__version__}"


def test_an_output_that_is_an_input_is_refused_and_the_input_kept(tmp_path: Path) -> None:
    doc = tmp_path / "report.txt"
    shutil.copy(DOC, doc)
    before = doc.read_bytes()
    for args in (["extract", str(doc), "-o", str(doc)],
                 ["tasks", str(doc), "-o", str(doc)],
                 ["link", str(doc), "-o", str(doc)],
                 ["render", str(doc), "-o", str(doc)]):
        run = zt(*args)
        assert run.returncode == 2, args
        assert "is also an input" in run.stderr and "Traceback" not in run.stderr
        assert doc.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_the_output_file_in_an_input_folder_is_not_read_back(tmp_path: Path) -> None:
    shutil.copy(DOC, tmp_path / "report.txt")
    out = tmp_path / "out.txt"
    first = zt("extract", str(tmp_path), "-o", str(out))
    assert first.returncode == 0, first.stderr
    written = out.read_text(encoding="utf-8")
    assert {json.loads(line)["doc"] for line in written.splitlines()} == {"report"}
    # Run again: yesterday's out.txt now sits among the folder's .txt files.
    second = zt("extract", str(tmp_path), "-o", str(out))
    assert second.returncode == 0, second.stderr
    assert "out.txt: skipped, it is the output file" in second.stderr
    assert out.read_text(encoding="utf-8") == written


def test_a_failed_run_leaves_the_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "ledger.jsonl"
    out.write_text(PREVIOUS, encoding="utf-8")
    run = zt("link", str(tmp_path / "missing.txt"), "-o", str(out))
    assert run.returncode == 2 and "no such file" in run.stderr
    assert out.read_text(encoding="utf-8") == PREVIOUS
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.jsonl"]


def test_output_keeps_the_previous_files_permissions(tmp_path: Path) -> None:
    out = tmp_path / "t.jsonl"
    out.write_text(PREVIOUS, encoding="utf-8")
    out.chmod(0o640)
    assert zt("extract", str(RAW / "002_4ac6e55c7e26962c.txt"), "-o", str(out)).returncode == 0
    assert out.stat().st_mode & 0o777 == 0o640
    assert out.read_text(encoding="utf-8") != PREVIOUS


def test_fifo_among_the_inputs_is_skipped(tmp_path: Path) -> None:
    shutil.copy(RAW / "002_4ac6e55c7e26962c.txt", tmp_path / "a.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    run = zt("extract", str(tmp_path), str(tmp_path / "pipe.txt"))
    assert run.returncode == 0, run.stderr
    assert "pipe.txt: skipped, a FIFO is not a regular file" in run.stderr
    assert {json.loads(line)["doc"] for line in run.stdout.splitlines()} == {"a"}


def test_read_text_refuses_a_fifo_instead_of_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(InputError, match="not a regular file"):
        read_text(tmp_path / "pipe.txt")


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_a_stopped_run_ends_its_workers_and_keeps_the_previous_output(
        big_folder: Path, tmp_path: Path, how: str) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(PREVIOUS, encoding="utf-8")
    run = subprocess.Popen(
        [sys.executable, "-m", "zhtargets", "extract", str(big_folder), "-o", str(out), "--jobs", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(workers := _children(run.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(workers) >= 2, "the workers never started"
    time.sleep(0.5)  # the workers are inside documents now
    if how == "SIGTERM":
        run.send_signal(signal.SIGTERM)     # to the main process only, as `kill PID`
    else:
        os.killpg(run.pid, signal.SIGINT)   # to the whole group, as Ctrl-C in a terminal
    _, err = run.communicate(timeout=60)
    assert run.returncode == (143 if how == "SIGTERM" else 130)
    assert err.strip().splitlines() == [
        f"zhtargets extract: {'terminated' if how == 'SIGTERM' else 'interrupted'}; "
        f"{out} left as it was"]
    assert out.read_text(encoding="utf-8") == PREVIOUS
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_alive, workers)), "a worker outlived the run"


def test_big5_is_detected_and_read() -> None:
    data = BIG5_TEXT.encode("big5")
    data.decode("gb18030")  # the trap: GB18030 takes these bytes without error
    text = decode_bytes(data)
    assert text == BIG5_TEXT
    assert [t.text for t in zhtargets.extract(text)] == ["5%以上", "3萬個", "730億元"]


def test_gbk_is_still_read_as_gbk() -> None:
    text = "地区生产总值增长5.5%左右，新增就业岗位3万个，完成投资730亿元。"
    assert decode_bytes(text.encode("gbk")) == text


def test_a_big5_file_through_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "hk.txt").write_bytes(BIG5_TEXT.encode("big5"))
    run = zt("extract", str(tmp_path / "hk.txt"))
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert [BIG5_TEXT[r["start"]:r["end"]] for r in rows] == ["5%以上", "3萬個", "730億元"]


@pytest.mark.parametrize("source", ["no/such/report.txt", "missing.md", "报告.csv"])
def test_a_missing_path_is_an_error_not_a_text(source: str) -> None:
    with pytest.raises(InputError, match="no such file"):
        zhtargets.read_document(source)


def test_an_existing_folder_named_as_source_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory"):
        zhtargets.read_document(str(tmp_path))


def test_text_is_still_text() -> None:
    doc = zhtargets.read_document("实现金融业增加值730亿元以上")
    assert [t.text for t in doc.targets] == ["730亿元以上"]


def test_lone_surrogates_are_read_around() -> None:
    text = "增长5%\ud800，國內生產總值增長6%"
    assert [(t.text, text[t.start:t.end]) for t in zhtargets.extract(text)] == [
        ("5%", "5%"), ("6%", "6%")]
    assert len(zhtargets.read_document(text).targets) == 2


def test_html_is_read_as_its_text(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>工作报告</title><style>p{color:red}</style></head>"
        "<body><p>地区生产总值增长<b>5.5%</b>左右</p><table><tr><td>新增就业</td>"
        "<td>3万人</td></tr></table><script>var x = '增长9%';</script></body></html>",
        encoding="utf-8")
    text = read_text(page)
    assert "<" not in text and "9%" not in text
    doc = zhtargets.read_document(page)
    assert [(t.text, doc.text[t.start:t.end]) for t in doc.targets] == [
        ("5.5%左右", "5.5%左右"), ("3万人", "3万人")]


# A script feeding Extractor.pipe two worker processes, as a user's notebook
# or job would; Ctrl-C is handled the way such a script would handle it.
_PIPE_SCRIPT = """
import sys
from pathlib import Path
import zhtargets
text = Path(sys.argv[1]).read_text(encoding="utf-8")
try:
    for targets in zhtargets.Extractor().pipe([text] * 400, n_process=2, batch_size=1):
        pass
except KeyboardInterrupt:
    print("stopped", file=sys.stderr)
    sys.exit(130)
"""


def _busy(command: list[str]) -> tuple[subprocess.Popen, set[int]]:
    """``command`` started in a session of its own, once two workers run."""
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True)
    deadline = time.monotonic() + 60
    while len(workers := _children(run.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(workers) >= 2, "the workers never started"
    time.sleep(0.5)  # the workers are inside documents now
    return run, workers


def _outlived(workers: set[int]) -> set[int]:
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return {pid for pid in workers if _alive(pid)}


def test_ctrl_c_stops_a_pipe_at_once_and_its_workers_say_nothing() -> None:
    run, workers = _busy([sys.executable, "-c", _PIPE_SCRIPT, str(DOC)])
    os.killpg(run.pid, signal.SIGINT)
    _, err = run.communicate(timeout=60)
    # Only the script's own line: no worker traceback, no KeyboardInterrupt
    # raised inside a worker.
    assert (run.returncode, err.strip().splitlines()) == (130, ["stopped"])
    assert not _outlived(workers), "a worker outlived the pipe"


def test_a_pipe_killed_by_sigterm_leaves_no_worker_behind() -> None:
    run, workers = _busy([sys.executable, "-c", _PIPE_SCRIPT, str(DOC)])
    run.send_signal(signal.SIGTERM)   # the script has no handler: it dies at once
    _, err = run.communicate(timeout=60)
    assert run.returncode == -signal.SIGTERM and "Traceback" not in err
    assert not _outlived(workers), "a worker outlived the script"


def test_a_killed_command_leaves_no_worker_behind(big_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(PREVIOUS, encoding="utf-8")
    run, workers = _busy([sys.executable, "-m", "zhtargets", "extract", str(big_folder),
                          "-o", str(out), "--jobs", "2"])
    run.kill()   # SIGKILL: no handler runs, only the kernel can end the workers
    run.communicate(timeout=60)
    assert not _outlived(workers), "a worker outlived the run"
    assert out.read_text(encoding="utf-8") == PREVIOUS
