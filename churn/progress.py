"""A rich progress bar for long work, shown only on a terminal-like stream."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Advance = Callable[..., None]


@contextmanager
def bar(description: str, *, total: int) -> Iterator[Advance]:
    """Yield `advance(done)` (absolute) or `advance(n, relative=True)`."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=True) as progress:
        task = progress.add_task(description, total=total)

        def advance(value: float, *, relative: bool = False) -> None:
            if relative:
                progress.advance(task, value)
            else:
                progress.update(task, completed=value)

        yield advance
