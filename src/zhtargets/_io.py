"""Turn the files users hand us into text.

Planning documents arrive as UTF-8 from the web, UTF-16 from Word's "save as
Unicode text", and GBK/GB18030 from older office software.  The encoding is
chosen by an explicit cascade (byte-order mark, NUL pattern, strict UTF-8,
GB18030) rather than a statistical detector: every Chinese text in those
encodings is decided by it correctly, it costs one C-level decode even for
50 MB, and it never guesses a legacy single-byte code page for a short file.

Line endings and every other character are kept as they are, so offsets into
the returned string match what the user sees in the file (minus a BOM).
"""
from __future__ import annotations

import codecs
import os
import re

__all__ = ["InputError", "decode_bytes", "read_text"]

# Detection reads only the head of the file: binaries announce themselves
# early, and scanning 50 MB byte by byte in Python would dominate the run.
_SAMPLE_SIZE = 64 * 1024
_MAX_CONTROL_RATIO = 0.01
_MIN_UTF16_PLAUSIBLE = 0.8

# UTF-32 marks come first because the UTF-32 LE mark starts with UTF-16 LE's.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

# Formats users plausibly mistake for text; naming them makes the error
# actionable ("convert the PDF first") instead of a bare decode failure.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (e.g. .docx/.xlsx)"),
    (b"PK\x05\x06", "ZIP archive (e.g. .docx/.xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2 file (e.g. .doc/.xls/.wps)"),
    (b"{\\rtf", "RTF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"\x7fELF", "ELF executable"),
)

# C0 controls other than tab, line feed, vertical tab, form feed, carriage
# return and escape (which do occur in exported text), plus DEL.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])

# Characters a Chinese or English document is made of.  Reading UTF-16 with
# the wrong byte order turns Han characters into scripts such as Tifinagh or
# Hangul syllables, which this class rejects.
_IMPLAUSIBLE = re.compile(
    "[^\t\n\r\x20-\x7e\u00a0-\u00ff\u2010-\u206f\u2100-\u218f\u2190-\u22ff"
    "\u2460-\u24ff\u2500-\u25ff\u3000-\u303f\u3200-\u33ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)


class InputError(ValueError):
    """A document that cannot be read as text; the message names the file."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a document file as text, detecting its encoding.

    Raises:
        InputError: the path is missing, a directory, unreadable, binary or in
            an encoding other than UTF-8, UTF-16, UTF-32 or GB18030.
    """
    name = os.fspath(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(name, f"cannot read ({exc.strerror or exc})") from None
    return decode_bytes(data, name)


def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode a document's bytes, stripping any byte-order mark.

    ``name`` only labels error messages.

    Raises:
        InputError: the bytes look binary or fit none of the encodings.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"decode_bytes() expects bytes, not {type(data).__name__}")
    data = bytes(data)
    if not data:
        return ""
    marked = _decode_marked(data, name)
    if marked is not None:
        return marked
    head = data[:_SAMPLE_SIZE]
    _reject_signature(head, name)
    if b"\x00" in head:
        return _decode_unmarked_utf16(data, head, name)
    _reject_control_bytes(head, name)
    return _decode_8bit(data, name)


def _decode_marked(data: bytes, name: str) -> str | None:
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(
                    name, f"has a {label} byte-order mark but is not valid {label} "
                    f"(at byte {exc.start + len(bom)})"
                ) from None
    return None


def _reject_signature(head: bytes, name: str) -> None:
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            raise InputError(name, f"looks binary ({kind}); convert it to plain text first")


def _reject_control_bytes(head: bytes, name: str) -> None:
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_RATIO * len(head):
        raise InputError(name, f"looks binary ({controls} control bytes in the first {len(head)})")


def _decode_unmarked_utf16(data: bytes, head: bytes, name: str) -> str:
    """UTF-16 without a BOM is told from a binary by how readable it decodes."""
    codec = _guess_utf16_order(head)
    if codec is None:
        raise InputError(name, f"looks binary (NUL byte at offset {head.index(0)})")
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            name, f"looks like UTF-16 without a byte-order mark but is not valid UTF-16 "
            f"(at byte {exc.start})"
        ) from None


def _guess_utf16_order(head: bytes) -> str | None:
    scores = {codec: _plausibility(head, codec) for codec in ("utf-16-le", "utf-16-be")}
    plausible = [codec for codec, score in scores.items() if score >= _MIN_UTF16_PLAUSIBLE]
    if len(plausible) < 2:
        return plausible[0] if plausible else None
    # ASCII-heavy text reads as Han in either order; ASCII's zero high byte
    # then decides (odd offsets in little-endian).
    return "utf-16-le" if head[1::2].count(0) >= head[0::2].count(0) else "utf-16-be"


def _plausibility(head: bytes, codec: str) -> float:
    # Incremental decoding tolerates a code unit or surrogate pair cut off by
    # the sample boundary; anything else invalid rejects this byte order.
    try:
        sample = codecs.getincrementaldecoder(codec)().decode(head, final=False)
    except UnicodeDecodeError:
        return 0.0
    if not sample:
        return 0.0
    return 1.0 - len(_IMPLAUSIBLE.findall(sample)) / len(sample)


def _decode_8bit(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc.start
    # GB18030 covers GBK and GB2312; real GBK text is practically never valid
    # UTF-8, so trying UTF-8 first cannot misread it.
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(
            name, "not decodable as UTF-8, UTF-16 or GB18030 "
            f"(invalid UTF-8 at byte {utf8_error}, invalid GB18030 at byte {exc.start})"
        ) from None
