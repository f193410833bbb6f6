"""Turn the files users hand us into text.

Planning documents arrive as UTF-8 from the web, UTF-16 from Word's "save as
Unicode text", GBK/GB18030 from older office software and Big5 (CP950) from
Taiwan, Hong Kong and Macao.  The encoding is chosen by an explicit cascade
(byte-order mark, NUL pattern, strict UTF-8, GB18030, Big5) rather than a
statistical detector: every Chinese text in those encodings is decided by it
correctly, it costs a C-level decode or two even for 50 MB, and it never
guesses a legacy single-byte code page for a short file.

Line endings and every other character are kept as they are, so offsets into
the returned string match what the user sees in the file (minus a BOM).  The
one exception is HTML (a ``.html``/``.htm`` file, or text that opens with an
HTML tag): it is read as the text a browser shows, and offsets index that
text, which is also the ``Document.text`` they are reported against.
"""
from __future__ import annotations

import codecs
import os
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["InputError", "decode_bytes", "html_text", "read_source", "read_text"]

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


# Big5 read as GB18030 decodes without error, but its frequent lead bytes land
# in GBK's user-defined rows (private use) and its symbol rows (kana, Greek,
# box drawing); a real GBK text has almost none of these.
_BIG5_SIGNS = re.compile("[\ue000-\uf8ff\u3040-\u30ff\u0370-\u04ff\u2500-\u257f]")
_MAX_SIGN_RATIO = 0.02

# Suffixes of documents a user names; a string ending in one is taken for a
# path, never for a document's text.
_DOCUMENT_SUFFIXES = (".txt", ".md", ".csv", ".tsv", ".html", ".htm", ".json", ".jsonl")
_HTML_SUFFIXES = (".html", ".htm")
_HTML_START = re.compile(r"\s*<(?:!doctype\s+html|html|head|body)\b", re.I)
_MAX_PATH = 4096


class InputError(ValueError):
    """A document that cannot be read as text; the message names the file."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a document file as text, detecting its encoding.

    HTML (by suffix or by its opening tag) is read as the text it shows.

    Raises:
        InputError: the path is missing, a directory, a FIFO, device or
            socket, unreadable, binary or in an encoding other than UTF-8,
            UTF-16, UTF-32, GB18030 or Big5.
    """
    name = os.fspath(path)
    try:
        mode = os.stat(path).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            # Reading a FIFO or a terminal waits for a writer that may never come.
            raise InputError(name, "not a regular file (a FIFO, device or socket)")
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(name, f"cannot read ({exc.strerror or exc})") from None
    text = decode_bytes(data, name)
    if name.lower().endswith(_HTML_SUFFIXES) or _HTML_START.match(text[:1024]):
        return html_text(text)
    return text


def read_source(source: str | os.PathLike[str], name: str | None = None) -> tuple[str, str | None]:
    """A document given as a path or as its text: ``(text, name)``.

    A path object, or a ``str`` that looks like a path (one line, ending in a
    document suffix such as ``.txt``, or naming an existing file or folder),
    is read with :func:`read_text` and named by its stem; any other ``str`` is
    the text itself.

    Raises:
        InputError: a path (or a string that looks like one) that cannot be read.
        TypeError: ``source`` is neither ``str`` nor a path.
    """
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        path = Path(source)
        return read_text(path), name or path.stem
    if not isinstance(source, str):
        raise TypeError(f"expected a path or str, not {type(source).__name__}"
                        + ("; decode bytes with zhtargets.read_text or decode_bytes"
                           if isinstance(source, (bytes, bytearray)) else ""))
    return source, name


def _looks_like_path(s: str) -> bool:
    if not s or len(s) > _MAX_PATH or "\n" in s or s != s.strip():
        return False
    if s.lower().endswith(_DOCUMENT_SUFFIXES):
        return True
    try:
        return os.path.exists(s)
    except (OSError, ValueError):
        return False


class _VisibleText(HTMLParser):
    """The text of an HTML page as a browser lays it out, roughly: blocks and
    rows on their own lines, cells separated by tabs, scripts left out."""

    _BLOCKS = frozenset({"p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5",
                         "h6", "section", "article", "header", "footer", "ul", "ol", "title",
                         "blockquote", "pre", "hr", "dd", "dt"})
    _CELLS = frozenset({"td", "th"})
    _HIDDEN = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag in self._CELLS:
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


_BLANK_RUN = re.compile(r"[ \t]*\n(?:[ \t]*\n)+")


def html_text(markup: str) -> str:
    """The visible text of an HTML document (tags dropped, entities decoded,
    block elements on their own lines, table cells separated by tabs)."""
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    return _BLANK_RUN.sub("\n", "".join(parser.parts)).strip("\n")


def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode a document's bytes, stripping any byte-order mark.

    ``name`` only labels error messages.

    Raises:
        InputError: the bytes look binary or fit none of the encodings.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"decode_bytes() expects bytes, not {type(data).__name__}")
    if not isinstance(data, bytes):
        data = bytes(data)  # a copy only for bytearray and memoryview
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
        # A file cut off at a byte count (head -c, a download stopped short)
        # ends inside a character: the rest is good UTF-8, and the lost
        # character becomes U+FFFD as in any tolerant reader.
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            return data[:exc.start].decode("utf-8") + "\ufffd"
    # GB18030 covers GBK and GB2312; real GBK text is practically never valid
    # UTF-8, so trying UTF-8 first cannot misread it.
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        gb_error = exc.start
        text = None
    if text is not None and not _looks_like_big5(text):
        return text
    try:
        return data.decode("cp950")
    except UnicodeDecodeError as exc:
        if text is not None:
            return text
        raise InputError(
            name, "not decodable as UTF-8, UTF-16, GB18030 or Big5 "
            f"(invalid UTF-8 at byte {utf8_error}, invalid GB18030 at byte {gb_error}, "
            f"invalid Big5 at byte {exc.start})"
        ) from None


def _looks_like_big5(gb_text: str) -> bool:
    wide = len(gb_text) - len(gb_text.encode("ascii", "ignore"))
    return wide > 0 and len(_BIG5_SIGNS.findall(gb_text)) > _MAX_SIGN_RATIO * wide
