"""Reading document files in the encodings Chinese government texts come in."""
from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from zhtargets._io import InputError, decode_bytes, read_text

CORPUS_DOC = Path(__file__).resolve().parents[1] / "corpus" / "raw" / "000_bfb4eece756cc416.txt"


@pytest.fixture(scope="module")
def doc_text() -> str:
    return CORPUS_DOC.read_bytes().decode("utf-8")


ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8 with BOM": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "utf-16-le with BOM": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf-16-be with BOM": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "utf-16-le without BOM": lambda t: t.encode("utf-16-le"),
    "utf-16-be without BOM": lambda t: t.encode("utf-16-be"),
    "utf-32 with BOM": lambda t: t.encode("utf-32"),
    "gb18030": lambda t: t.encode("gb18030"),
    "gbk": lambda t: t.encode("gbk"),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_corpus_document_round_trips(tmp_path: Path, doc_text: str, encoding: str) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(ENCODINGS[encoding](doc_text))
    assert read_text(path) == doc_text


def test_gbk_file_written_by_text_mode(tmp_path: Path, doc_text: str) -> None:
    path = tmp_path / "gbk.txt"
    path.write_text(doc_text, encoding="gbk", newline="")
    assert read_text(str(path)) == doc_text


def test_line_endings_are_kept(tmp_path: Path) -> None:
    text = "主要目标\r\n地区生产总值增长5.5%左右\r\n"
    path = tmp_path / "crlf.txt"
    path.write_bytes(text.encode("gb18030"))
    assert read_text(path) == text


def test_empty_file_is_empty_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert read_text(path) == ""


def test_bom_only_file_is_empty_text(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8)
    assert read_text(path) == ""


def _png_bytes() -> bytes:
    rng = random.Random(0)
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(4000)


@pytest.mark.parametrize(
    ("payload", "why"),
    [
        (_png_bytes(), "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "ZIP"),
        (random.Random(1).randbytes(8000), "binary"),
        (bytes(range(1, 32)) * 100, "control bytes"),
    ],
    ids=["png", "pdf", "docx", "random", "controls"],
)
def test_binary_files_are_refused_by_name(tmp_path: Path, payload: bytes, why: str) -> None:
    path = tmp_path / "scan.txt"
    path.write_bytes(payload)
    with pytest.raises(InputError, match="looks binary") as info:
        read_text(path)
    assert str(path) in str(info.value)
    assert why in str(info.value)


def test_undecodable_text_says_which_encodings_were_tried(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("café au lait, naïve résumé".encode("latin-1"))
    with pytest.raises(InputError, match="not decodable as UTF-8, UTF-16, GB18030 or Big5"):
        read_text(path)


def test_broken_utf16_after_bom_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "规划".encode("utf-16-le") + b"\x00\xd8")
    with pytest.raises(InputError, match="UTF-16 byte-order mark"):
        read_text(path)


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    with pytest.raises(InputError, match="no such file") as info:
        read_text(path)
    assert info.value.name == str(path)


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_text(tmp_path)


def test_input_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="<bytes>: looks binary"):
        decode_bytes(_png_bytes())


def test_decode_bytes_labels_errors_with_the_given_name() -> None:
    with pytest.raises(InputError, match="^upload.png: "):
        decode_bytes(_png_bytes(), name="upload.png")


def test_decode_bytes_accepts_bytearray(doc_text: str) -> None:
    assert decode_bytes(bytearray(doc_text.encode("utf-16"))) == doc_text


def test_decode_bytes_refuses_str() -> None:
    with pytest.raises(TypeError, match="expects bytes"):
        decode_bytes("已经是文本")  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_fifty_megabyte_file(tmp_path: Path, doc_text: str, encoding: str) -> None:
    unit = doc_text.encode(encoding)
    copies = 50 * 1024 * 1024 // len(unit) + 1
    path = tmp_path / "big.txt"
    with open(path, "wb") as handle:
        for _ in range(copies):
            handle.write(unit)
    text = read_text(path)
    assert len(text) == copies * len(doc_text)
    assert text[: len(doc_text)] == doc_text
    assert text[-len(doc_text):] == doc_text


def test_utf8_cut_inside_its_last_character_is_read() -> None:
    data = "地区生产总值增长5%左右。".encode("utf-8")[:-2]   # 。 is three bytes
    assert decode_bytes(data) == "地区生产总值增长5%左右\ufffd"


def test_utf8_broken_inside_is_not_taken_for_a_cut() -> None:
    # Only an incomplete final character is forgiven: bytes that break UTF-8
    # in the middle go on to the other encodings, never to U+FFFD.
    data = "增长5%".encode("utf-8")[:-4] + b"%" + "左右".encode("utf-8")
    assert "\ufffd" not in decode_bytes(data)
