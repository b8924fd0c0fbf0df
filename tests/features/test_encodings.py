"""Telling a text file's encoding: where its bytes stop being UTF-8, and reading them."""

from __future__ import annotations

import gzip

import pytest

from features import encodings
from features.encodings import UTF8, Undecodable, first_undecodable, windows_text


@pytest.fixture(autouse=True)
def _small_blocks(monkeypatch):
    """Blocks of 7 bytes, so characters and lines straddle them."""
    monkeypatch.setattr(encodings, "SCAN_BYTES", 7)
    encodings._scanned.cache_clear()


def test_utf8_split_across_blocks_and_a_byte_order_mark_decode_whole(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_bytes("\ufeffid,city\n1,Zürich\n2,Réims €\n".encode())
    assert first_undecodable(path, "utf-8") is None


@pytest.mark.parametrize("name", ["sales.csv", "sales.csv.gz"])
def test_the_first_byte_that_is_not_utf8_is_named_with_its_line_and_text(tmp_path, name):
    data = "id,city\n1,Zürich\n2,x\n3,Berglunds snabbköp AB\n".encode()
    data = data.replace("snabbköp".encode(), "snabbköp".encode("cp1252"))
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    found = first_undecodable(path, "utf-8")
    assert found == Undecodable(line=4, byte=0xF6, context="3,Berglunds snabbköp AB")
    assert str(found) == "line 4, byte 0xF6 in '3,Berglunds snabbköp AB'"


def test_a_file_ending_inside_a_character_is_undecodable(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes("id\n1é".encode()[:-1])
    assert first_undecodable(path, "utf-8") == Undecodable(2, 0, "(the end of the file)")


def test_windows_text_reads_cp1252_and_its_undefined_bytes_as_latin1(tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes(b"\x80 caf\xe9 \x81\x9d\n")
    with windows_text().open(path) as handle:
        assert handle.read() == "€ café \x81\x9d\n"
    assert first_undecodable(path, "latin-1") is None
    assert first_undecodable(path, "cp1252").byte == 0x81
    assert UTF8.options() == {"encoding": "utf-8", "encoding_errors": "strict"}
