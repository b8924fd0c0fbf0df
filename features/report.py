"""Show a `ValidationReport` in the terminal: what was loaded, then what is wrong with it."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from features.sources import Issue, TableSummary, ValidationReport

_LEVEL_STYLE = {"error": "bold red", "warning": "yellow"}


def render_report(report: ValidationReport, console: Console) -> None:
    """One table per data table, then the issues (errors first), then a one-line verdict."""
    for summary in report.tables:
        console.print(_summary_table(summary))
    if report.issues:
        console.print(_issues_table(report.errors + report.warnings))
    errors, warnings = len(report.errors), len(report.warnings)
    if errors:
        console.print(f"[bold red]{errors} error(s)[/], {warnings} warning(s): fix the data first")
    else:
        console.print(f"[green]data OK[/] ({warnings} warning(s))")


def _summary_table(summary: TableSummary) -> Table:
    source = str(summary.path) if summary.path else "derived from transactions"
    table = Table(title=f"{summary.name}: {source}", caption=_caption(summary), title_justify="left")
    table.add_column("column")
    table.add_column("missing", justify="right")
    for column, rate in summary.missing_rates.items():
        table.add_row(column, f"{rate:.1%}" if rate else "-")
    return table


def _caption(summary: TableSummary) -> str:
    parts = [f"{summary.rows:,} rows", f"{summary.customers:,} customers"]
    if summary.date_min is not None and summary.date_max is not None:
        parts.append(f"{_day(summary.date_min)} to {_day(summary.date_max)}")
    return ", ".join(parts)


def _day(timestamp: pd.Timestamp) -> str:
    return f"{timestamp:%Y-%m-%d}"


def _issues_table(issues: list[Issue]) -> Table:
    table = Table(title="issues", title_justify="left")
    for name in ("level", "table", "column", "rows", "message"):
        table.add_column(name, justify="right" if name == "rows" else "left")
    for issue in issues:
        table.add_row(
            f"[{_LEVEL_STYLE[issue.level]}]{issue.level}[/]",
            f"{issue.table} ({issue.path.name})",
            issue.column or "-",
            f"{issue.rows:,}" if issue.rows else "-",
            issue.message,
        )
    return table
