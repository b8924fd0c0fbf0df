"""What a file no reader claims is when it is a packed table: an archive or a compressed
file the readers do not open (only gzip is read as it is).

Kaggle hands data sets out as `.zip` archives, and a user who points `path` at the
download met "its first bytes are no text". The message now names the archive's files
and says to unpack them, which is what they need to do.
"""

from __future__ import annotations

import itertools
import tarfile
import zipfile
from pathlib import Path

SHOWN_MEMBERS = 5
"""Files of an archive named in the message; the rest are counted."""

_MAGIC = (
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
)


def packed(path: Path) -> str | None:
    """What the file is and how to make it readable, when it is a packed table; None when
    it is not one (or cannot be opened)."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = [i.filename for i in archive.infolist() if not i.is_dir()]
            return _archive("a zip archive", names)
        if tarfile.is_tarfile(path):
            with tarfile.open(path) as archive:  # read lazily: a .tar.gz may hold gigabytes
                files = (member.name for member in archive if member.isfile())
                names = list(itertools.islice(files, SHOWN_MEMBERS + 1))
            return _archive("a tar archive", names, more=len(names) > SHOWN_MEMBERS)
        with open(path, "rb") as handle:
            head = handle.read(8)
    except (OSError, zipfile.BadZipFile, tarfile.TarError):
        return None
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return (
                f"{what}: decompress it and point path at the table inside "
                "(of compressed files only .gz is read as it is)"
            )
    return None


def _archive(what: str, names: list[str], *, more: bool = False) -> str:
    """`more`: the listing stopped early (a tar would be read to its end to count them)."""
    shown = ", ".join(names[:SHOWN_MEMBERS])
    if more:
        more_said = " and more"
    elif len(names) > SHOWN_MEMBERS:
        more_said = f" and {len(names) - SHOWN_MEMBERS:,} more"
    else:
        more_said = ""
    holding = f"holding {shown}{more_said}" if names else "holding no files"
    glob = " (or a glob such as 'folder/*.csv' for several)" if len(names) > 1 else ""
    return f"{what} {holding}: unpack it and point path at the table's file{glob}"
