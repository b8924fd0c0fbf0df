"""Rich consoles for the CLI, with room for tables when the output is not a terminal."""

from __future__ import annotations

import logging
import os
import sys

from rich.console import Console
from rich.text import Text

PIPED_WIDTH = 160
"""Columns when writing to a pipe, a file or a CI log, where rich would assume 80 and
cut the tables' cells short (set COLUMNS to choose another width)."""


def make_console(*, stderr: bool = False) -> Console:
    made = Console(stderr=stderr)
    if made.is_terminal or "COLUMNS" in os.environ:
        return made
    return Console(stderr=stderr, width=PIPED_WIDTH)


class StderrHandler(logging.StreamHandler):
    """Log lines on the `sys.stderr` of the moment, message only: the stream is looked up
    at each line, as a test runner or notebook may have swapped it since."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def tagged(tag: str, text: object, *, style: str = "yellow") -> Text:
    """`tag:` in its colour, then `text` exactly as written: a message's own brackets are
    no markup ("say so with label: {negative: [retained, churnd]}" had printed
    "{negative: }", Rich reading the list as a style)."""
    return Text.assemble((f"{tag}:", style), " ", str(text))
