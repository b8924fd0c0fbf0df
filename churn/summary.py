"""Readable summaries of feature frames and declarations for the terminal."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd
from pandas.api.types import is_numeric_dtype
from rich.console import Console
from rich.table import Table
from rich.text import Text

from churn.console import make_console
from features.registry import FeatureSpec, money_text, probability_text

if TYPE_CHECKING:
    from features.build import FeatureFrame  # its import pulls in xgboost: not for a worklist

HEADLINE_FEATURES = (
    "days_since_last_purchase",
    "overdue_ratio",
    "orders_90d",
    "spend_365d",
    "spend_trend_90d_vs_prev",
    "wallet_share_365d",
    "complaints_90d",
    "issues_unresolved",
    "days_since_last_event",
    "tenure_days",
)


def print_features(console: Console, built: FeatureFrame, frame: pd.DataFrame) -> None:
    """Per cutoff: customers and churn rate; then headline features' distribution."""
    per_cutoff = Table(title="rows per cutoff")
    for column in ("cutoff", "customers", "eligible", "churn rate (observed)"):
        per_cutoff.add_column(column, justify="right")
    for cutoff, rows in frame.groupby("cutoff", sort=True):
        rate = "-"
        if "churned" in rows:
            labelled = rows[rows["eligible"] & rows["observed"]]
            rate = f"{labelled['churned'].mean():.1%}" if len(labelled) else "not observed"
        eligible = f"{int(rows['eligible'].sum()):,}" if "eligible" in rows else "-"
        per_cutoff.add_row(str(pd.Timestamp(cutoff).date()), f"{len(rows):,}", eligible, rate)
    console.print(per_cutoff)
    console.print(_headline_table(built))


HEADLINES_SHOWN = 8
"""Without the headline features (a snapshot of attributes), the first numeric ones shown."""


def _headline_table(built: FeatureFrame) -> Table:
    shown = [n for n in HEADLINE_FEATURES if n in built.names]
    which = "headline ones"
    if not shown:
        shown = [n for n in built.names if is_numeric_dtype(built.frame[n])][:HEADLINES_SHOWN]
        which = "first numeric ones"
    table = Table(title=f"{len(built.specs)} features ({which} shown)")
    for column in ("feature", "missing", "median", "p90"):
        table.add_column(column, justify="right" if column != "feature" else "left")
    for name in shown:
        values = built.frame[name]
        table.add_row(
            Text(name),
            f"{values.isna().mean():.0%}",
            f"{values.median():,.2f}",
            f"{values.quantile(0.9):,.2f}",
        )
    return table


def print_specs(console: Console, specs: list[FeatureSpec]) -> None:
    table = Table(title=f"{len(specs)} declared features")
    for column in ("feature", "family", "dtype", "mechanism", "reason template"):
        table.add_column(column)
    for spec in specs:
        own = f"{{{spec.name}"  # a template's `{}` is the feature's own value: named here
        template = (spec.reason or "").replace("{}", own + "}").replace("{!", own + "!")
        template = template.replace("{{", "{").replace("}}", "}")  # a literal brace, shown once
        if spec.reason_typical:
            template += " (typical: the training median)"
        # data's names and levels as written: a bracket in them is no Rich markup
        table.add_row(Text(spec.name), spec.family, spec.dtype, str(spec.mechanism), Text(template))
    console.print(table)


def _risk(row: Any) -> str:
    """The probability, and its change since the previous batch if any: "64% (+23.4 pts)",
    cut (not rounded) to a tenth: `churn score` counts moves of 10 points or more, and a
    9.8-point rise read "+10 pts" without being counted."""
    change = getattr(row, "probability_change", None)
    points = None if change is None or pd.isna(change) else math.trunc(change * 1000) / 10
    moved = "" if points is None else f" ({points:+.1f} pts)"
    return f"{probability_text(row.probability)}{moved}"


def bands_caption(bands: dict[str, Any] | None) -> str | None:
    """Where the bands begin and the usual risk they follow: at a 71% churn rate "low"
    runs to 82%, which read as a mistake beside a customer at 78% (a grocery log)."""
    if not bands:
        return None
    from serving.ranking import threshold_text  # pandas and the feature specs: not at startup

    said = (
        f"bands: medium from {threshold_text(bands['medium_from'])}, high from "
        f"{threshold_text(bands['high_from'])}"
    )
    usual = bands.get("typical_probability")
    return (
        said if usual is None else f"{said}, set by the model's usual risk {threshold_text(usual)}"
    )


def print_worklist(
    frame: pd.DataFrame, console: Console | None = None, bands: dict[str, Any] | None = None
) -> None:
    """The call list on screen: who, how risky, what is at stake, and why (and where the
    batch's `bands` begin, under it)."""
    console = console or make_console()
    first = frame.iloc[0] if len(frame) else None
    scored = (
        f"scores as of {first['cutoff']} by {first['model_name']} version {first['model_version']}"
        if first is not None
        else "no scores"
    )
    people = f"{len(frame):,} customer{'' if len(frame) == 1 else 's'}"
    table = Table(title=f"worklist: {people}, {scored}", caption=bands_caption(bands))
    for column in ("customer", "risk", "band", "value at risk", "tier", "why"):
        table.add_column(column, justify="right" if column in ("risk", "value at risk") else "left")
    reasons = [c for c in frame.columns if c.startswith("reason_")]
    for row in frame.itertuples(index=False):
        why = "; ".join(str(getattr(row, c)) for c in reasons if isinstance(getattr(row, c), str))
        why = why or NOTHING_STANDS_OUT
        at_risk = "-" if pd.isna(row.value_at_risk) else money_text(row.value_at_risk)
        tier = row.tier if isinstance(row.tier, str) else "-"  # no value: no tier
        table.add_row(Text(str(row.customer_id)), _risk(row), row.band, at_risk, tier, Text(why))
    console.print(table)


NOTHING_STANDS_OUT = "(no one factor stands out)"
"""The why of a customer without reasons (each feature moves their risk by less than
`serving.reasons.MIN_REASON_LOGIT`): a blank read as a missing answer."""


def print_batches(listed: list[dict[str, Any]], console: Console | None = None) -> None:
    """The stored batches, newest cutoff first, marking the one readers are shown (per
    model: a server or `worklist --config` reads its own model's)."""
    console = console or make_console()
    if not listed:
        console.print("no batches in the score store: run churn score first")
        return
    batches = f"{len(listed)} score batch{'' if len(listed) == 1 else 'es'}"
    table = Table(title=f"{batches} (▶ shown by the API and the worklist)")
    for column in ("", "id", "model", "version", "cutoff", "customers", "written (UTC)", "status"):
        table.add_column(column, justify="right" if column in ("id", "customers") else "left")
    shown: set[str] = set()
    for batch in listed:
        first = batch["status"] == "complete" and batch["model_name"] not in shown
        if first:
            shown.add(batch["model_name"])
        table.add_row(
            "▶" if first else "",
            str(batch["id"]),
            batch["model_name"],
            str(batch["model_version"]),
            str(batch["cutoff"]),
            f"{batch['rows']:,}",
            f"{batch['created_at']:%Y-%m-%d %H:%M}",
            batch["status"],
        )
    console.print(table)
