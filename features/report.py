"""Show a `ValidationReport` in the terminal: what was loaded, then what is wrong with it."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from features.sources import Issue, LabelCounts, TableSummary, ValidationReport
from features.sources.copies import share_said

_LEVEL_STYLE = {"error": "bold red", "warning": "yellow"}


def render_report(report: ValidationReport, console: Console) -> None:
    """The loaded tables (one row each), the issues (errors first), then a one-line verdict."""
    if report.tables:
        console.print(_tables_table(report.tables))
    for summary in report.tables:
        if summary.labels is not None:
            console.print(escape(_label_line(summary.labels)), highlight=False)
    if report.issues:
        console.print(_issues_table(report.errors + report.warnings))
    errors, warnings = len(report.errors), len(report.warnings)
    if errors:
        console.print(f"[bold red]{errors} error(s)[/], {warnings} warning(s): fix the data first")
    else:
        console.print(f"[green]data OK[/] ({warnings} warning(s))")


def _tables_table(summaries: list[TableSummary]) -> Table:
    table = Table(title="data", title_justify="left")
    for name in ("table", "file", "rows", "customers", "from", "to", "missing values"):
        table.add_column(name, justify="right" if name in ("rows", "customers") else "left")
    for summary in summaries:
        table.add_row(
            summary.name,
            escape(summary.path.name) + (f" ({summary.read_as})" if summary.read_as else "")
            if summary.path
            else f"(from {' and '.join(summary.derived_from)})",
            f"{summary.rows:,}",
            f"{summary.customers:,}",
            _day(summary.date_min),
            _day(summary.date_max),
            escape(_missing(summary.missing_rates)),
        )
    return table


def _label_line(labels: LabelCounts) -> str:
    """The label's values and the churn rate they make: a `positive` naming the stayers
    reads as 93% churned here, before a model trains on it."""
    others = ", ".join(
        f"{value} {n:,}" for value, n in labels.counts.items() if value != labels.positive
    )
    unlabelled = ", ".join(f"{value} {n:,}" for value, n in labels.unlabelled.items())
    return (
        f"label {labels.column}: {labels.positive} (churned) {labels.churned:,}, {others}: "
        f"churn rate {labels.churned / labels.rows:.1%}"
        + (f"; unlabelled (scored, not trained on): {unlabelled}" if unlabelled else "")
        + _copies_said(labels)
    )


def _copies_said(labels: LabelCounts) -> str:
    """The labelled rows that repeat another in all but the id and the label, and what
    training does with them."""
    found = labels.copies
    if found is None:
        return ""
    groups = "pairs" if found.largest == 2 else f"groups of 2 to {found.largest}"
    return (
        f"; {found.rows:,} labelled rows ({share_said(found.rows, labels.rows)}) repeat another in "
        f"every column but the id and the label ({found.groups:,} {groups}: customers "
        "recorded twice?), and `churn train` keeps each group on one side of its splits"
    )


def _day(timestamp: pd.Timestamp | None) -> str:
    return "-" if timestamp is None else f"{timestamp:%Y-%m-%d}"


MISSING_SHOWN = 8
"""Columns with gaps named per table, most missing first; a wide snapshot's 200 made a
wall of text."""


def _missing(rates: dict[str, float]) -> str:
    """Only the columns with gaps (a full list of zeros hides the one that matters), the
    most missing first, at most `MISSING_SHOWN` of them."""
    # NaN: a table of no rows (every row failed to read) has no rate to say
    gaps = sorted(
        ((rate, column) for column, rate in rates.items() if rate and rate == rate), reverse=True
    )
    shown = ", ".join(f"{column} {_rate(rate)}" for rate, column in gaps[:MISSING_SHOWN])
    more = f" and {len(gaps) - MISSING_SHOWN} more columns" if len(gaps) > MISSING_SHOWN else ""
    return shown + more or "-"


def _rate(rate: float) -> str:
    """A missing rate to one decimal, never rounded to none or all of the rows: three
    blank signup dates in 10,362 rows read 'signup_date 0.0%'."""
    if 0 < rate < 0.001:
        return "<0.1%"
    if 0.999 < rate < 1:
        return ">99.9%"
    return f"{rate:.1%}"


def _issues_table(issues: list[Issue]) -> Table:
    table = Table(title="issues", title_justify="left")
    for name in ("level", "table", "file", "column", "rows", "message"):
        table.add_column(name, justify="right" if name == "rows" else "left")
    for issue in issues:  # the table too: two tables may be read from one file
        table.add_row(
            f"[{_LEVEL_STYLE[issue.level]}]{issue.level}[/]",
            issue.table,
            escape(issue.path.name),
            escape(issue.column or "-"),
            f"{issue.rows:,}" if issue.rows else "-",
            escape(issue.message),
        )
    return table
