"""The character encoding of a text file (delimited text, JSON lines, also gzipped).

Exports are UTF-8 unless a Windows tool wrote them: Kaggle's `sales_data_sample.csv` is
Latin-1 ('Berglunds snabbköp' as byte 0xE9), and a strict UTF-8 read stopped at its
first such byte. Windows' cp1252 is Latin-1 with printable characters (€, curly quotes)
where Latin-1 has control codes, so it reads both; the five bytes it leaves undefined
read as Latin-1 does, so no byte stops a read. Which bytes are not UTF-8 is found once
per file by scanning it (`first_undecodable`), so the message names a line, where a
reader names only a position in a block.
"""

from __future__ import annotations

import codecs
import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, TextIO

SCAN_BYTES = 1 << 20
"""Bytes decoded at a time while scanning a file."""
CONTEXT_CHARACTERS = 20
"""Characters shown on each side of an undecodable byte."""
LATIN1_FOR_UNDEFINED = "churn-latin-1-for-undefined"
"""The decoding error handler that reads a byte cp1252 leaves undefined (0x81, 0x8D,
0x8F, 0x90, 0x9D) as Latin-1 does."""


@dataclass(frozen=True)
class Decoding:
    """How a file's bytes become text: a codec, and what to do with bytes it cannot read."""

    encoding: str = "utf-8"
    errors: str = "strict"

    def options(self) -> dict[str, str]:
        """pandas' keywords for it (`read_csv`, `read_json`)."""
        return {"encoding": self.encoding, "encoding_errors": self.errors}

    def open(self, path: Path) -> TextIO:
        """The file as text, gunzipped when its name ends in .gz."""
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        return opener(path, "rt", encoding=self.encoding, errors=self.errors)


UTF8 = Decoding()


def windows_text() -> Decoding:
    """cp1252, its undefined bytes read as Latin-1 (the handler is registered on first
    use, not on import)."""
    codecs.register_error(LATIN1_FOR_UNDEFINED, _as_latin1)
    return Decoding("cp1252", LATIN1_FOR_UNDEFINED)


def _as_latin1(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


def canonical(encoding: str) -> str:
    """Python's own name of a codec: 'UTF8' and 'utf_8' are 'utf-8'."""
    return codecs.lookup(encoding).name


@dataclass(frozen=True)
class Undecodable:
    """Where a file's bytes first fail to decode, for a message a user can act on."""

    line: int
    """The file's line, from 1 (counted in newline bytes: exact for ASCII-based codecs)."""
    byte: int
    context: str
    """The text around it, as cp1252 reads it (what 'é' the byte likely is)."""

    def __str__(self) -> str:
        return f"line {self.line:,}, byte 0x{self.byte:02X} in {self.context!r}"


def first_undecodable(path: Path, encoding: str) -> Undecodable | None:
    """The first bytes of the file `encoding` cannot decode; None when it decodes whole.
    Scanned once per file and encoding however many tables read it."""
    stat = path.stat()
    return _scanned(str(path.resolve()), stat.st_mtime_ns, stat.st_size, encoding)


@lru_cache(maxsize=8)
def _scanned(path: str, mtime_ns: int, size: int, encoding: str) -> Undecodable | None:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    lines, tail = 0, b""
    with _open_bytes(Path(path)) as handle:
        while block := handle.read(SCAN_BYTES):
            held = len(decoder.getstate()[0])  # an earlier block's unfinished character
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                at = max(error.start - held, 0)
                line = lines + block.count(b"\n", 0, at) + 1
                after = handle.read(4 * CONTEXT_CHARACTERS)  # the line may go on
                return Undecodable(line, block[at], _context(tail + block + after, len(tail) + at))
            lines += block.count(b"\n")
            tail = (tail + block)[-4 * CONTEXT_CHARACTERS :]
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:  # the file ends inside a character
            return Undecodable(lines + 1, 0, "(the end of the file)")
    return None


def _context(window: bytes, at: int) -> str:
    """The text of the line around byte `at`, at most `CONTEXT_CHARACTERS` each side."""
    start = max(window.rfind(b"\n", 0, at) + 1, at - CONTEXT_CHARACTERS)
    end = window.find(b"\n", at)
    end = min(len(window) if end < 0 else end, at + CONTEXT_CHARACTERS)
    return window[start:end].decode("cp1252", errors="replace").strip()


TEXT_HEAD_BYTES = 8192
"""The bytes read to tell whether a file of an unknown name is text (`begins_as_text`)."""
_BINARY_BYTE = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
"""Control bytes text does not hold (tabs, line and page breaks, ESC it may): a NUL is
in nearly every binary format's first bytes."""


def begins_as_text(path: Path) -> bool:
    """Whether a file's first bytes (gunzipped, for a .gz) read as text: none of the
    control bytes binary formats hold, and UTF-8 or cp1252, as text is read. MovieLens'
    `u.user` and ML-1M's `ratings.dat` are text; an SPSS `.sav` is not."""
    try:
        with _open_bytes(path) as handle:
            head = handle.read(TEXT_HEAD_BYTES)
    except (OSError, EOFError):  # no file, or a .gz that is none
        return False
    if _BINARY_BYTE.search(head):
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            codecs.getincrementaldecoder(encoding)("strict").decode(head, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _open_bytes(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")
