"""A workbook told by its content, whatever its name says."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from features.workbooks import suffix_by_content


def _xlsx(path: Path) -> None:
    pd.DataFrame({"customer_id": [1]}).to_excel(path, index=False)


def _ods(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")


def _xls(path: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))


def _zipped_text(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("customers.csv", "customer_id\n1\n")


def _text(path: Path) -> None:
    path.write_text("customer_id\n1\n")


@pytest.mark.parametrize(
    ("write", "expected"),
    [(_xlsx, ".xlsx"), (_ods, ".ods"), (_xls, ".xls"), (_zipped_text, None), (_text, None)],
)
def test_a_workbook_is_told_by_its_bytes_not_its_name(tmp_path, write, expected):
    path = tmp_path / "customers.csv"
    write(path)
    assert suffix_by_content(path) == expected


def test_a_missing_file_is_no_workbook(tmp_path):
    assert suffix_by_content(tmp_path / "absent.csv") is None
