"""The evaluation report: model vs baselines vs oracle on the same rows, and profit.

The JSON shape is a contract with users and CI:
{"model": {...}, "baselines": {"logreg": {...}, "recency": {...}}, "oracle": {...},
 "n_customers": .., "churn_rate": .., "protocol": .., "profit": {...}}
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from churn.console import tagged
from features.attributes import personal_attributes
from features.contract import RunConfig
from features.levels import name_words
from features.registry import FeatureSpec, plain_number
from features.sources import unmatched
from features.tables import Tables, data_end, first_activity
from training.comebacks import comebacks, longest_silence
from training.duplicates import repeated_rows, repeated_rows_note
from training.evaluate import (
    calibration_limit,
    classification_metrics,
    ece_by_chance,
    profit_curve,
)
from training.leaks import (
    LEAK_AUC,
    PAIR_CHECK_FROM_AUC,
    STRONG_UNDATED_AUC,
    definition_inputs,
    named_like_label,
    period_siblings,
    renewals_due,
    silent_churners,
    strongest_single_feature,
    telling_pair,
    undated_attribute_leaks,
    undated_attributes,
)
from training.model import DEPTH_GAIN
from training.protocol import (
    MONTH_DAYS,
    HorizonTrial,
    Outcome,
    longest_horizon,
    try_horizon,
    value_of,
    value_source,
)

METRICS = ("roc_auc", "pr_auc", "brier", "ece", "lift_top_decile")
DEFINITION_TERMS = {"horizon_days", "grace_days", "active_window_days"}
"""The churn settings that decide which paid periods' ends fall in the horizon."""


def load_truth(config: RunConfig) -> pd.DataFrame | None:
    """The simulator's true probabilities, when the config names them."""
    if config.evaluation.truth is None:
        return None
    path = config.resolve(config.evaluation.truth)
    if not path.is_file():
        raise FileNotFoundError(f"evaluation.truth: {path} not found")
    truth = pd.read_parquet(path, columns=["customer_id", "cutoff", "p_churn"])
    return truth.assign(cutoff=pd.to_datetime(truth["cutoff"]))


def with_oracle(scored: pd.DataFrame, truth: pd.DataFrame | None) -> pd.DataFrame:
    if truth is None:
        return scored
    joined = scored.merge(truth, on=["customer_id", "cutoff"], how="left", validate="1:1")
    return joined.rename(columns={"p_churn": "p_oracle"})


def scored_with_oracle(outcome: Outcome, config: RunConfig) -> pd.DataFrame:
    """The test rows' scores, with the simulator's true probability when the config has it."""
    return with_oracle(outcome.scored, load_truth(config))


def build_report(
    outcome: Outcome, tables: Tables, config: RunConfig, *, scored: pd.DataFrame | None = None
) -> dict[str, Any]:
    """The test metrics; `scored` is `scored_with_oracle` when the caller has it already."""
    scored = scored_with_oracle(outcome, config) if scored is None else scored
    y = scored["churned"].to_numpy(dtype=int)
    report: dict[str, Any] = {
        "model": {
            **classification_metrics(y, scored["p_model"].to_numpy()),
            "ece_by_chance": ece_by_chance(scored["p_model"].to_numpy()),
        },
        "baselines": {
            name: classification_metrics(y, scored[f"p_{name}"].to_numpy())
            for name in ("logreg", "recency", "usage_recency", "bgnbd")
            if f"p_{name}" in scored
        },
    }
    if "p_oracle" in scored and scored["p_oracle"].notna().all():
        report["oracle"] = classification_metrics(y, scored["p_oracle"].to_numpy())
    report.update(
        n_customers=int(scored["customer_id"].nunique()),
        n_rows=len(scored),
        churn_rate=float(y.mean()),
        mean_probability=float(scored["p_model"].mean()),
        protocol=outcome.protocol,
        test_cutoffs=sorted({str(pd.Timestamp(c).date()) for c in scored["cutoff"]}),
        profit=_profit(scored, tables, config),
    )
    report["promotion_max_ece"] = config.promotion.max_ece
    report["churn"] = _churn_of(config, tables)
    if outcome.tuning is not None:
        report["tuning"] = {"by": outcome.tuning.by, "params": outcome.tuning.best}
    if outcome.fitted is not None and outcome.fitted.depth_losses:
        report["depth"] = {
            "chosen": int(outcome.fitted.params["max_depth"]),
            "validation_log_loss": {str(d): v for d, v in outcome.fitted.depth_losses.items()},
            "by": outcome.fitted.depth_by,
        }
    if outcome.fitted is not None:
        used = int(outcome.fitted.booster.num_boosted_rounds())
        report["rounds"] = {"used": used, "at_most": config.training.max_rounds}
    if outcome.cross is not None and outcome.train is not None:
        report["cross_fit"] = outcome.cross.summary(outcome.train["churned"].to_numpy(dtype=int))
    if config.churn.definition == "label_column" and data_end(tables) is None:
        report["snapshot_read_as_of_today"] = True  # `features.tables.snapshot_cutoff`
    if config.churn.definition == "label_column" and (out := _labelled_unknown(outcome, tables)):
        report["labelled_left_out"] = out
    if config.churn.definition == "label_column" and (
        copies := repeated_rows(outcome.data.frame, outcome.data.names)
    ):
        report["repeated_rows"] = copies
    known = {spec.name for spec in outcome.data.specs}
    never = config.reasons.never  # a typo would leave the attribute in every reason list
    said = unmatched("reasons.never", never, known, tables.unread_columns, noun="feature")
    if said is not None:
        report["reasons_never_unmatched"] = said
    if personal := personal_attributes(outcome.data.specs, never):
        report["personal_attributes_in_reasons"] = personal
    report.update(_leak_checks(outcome, tables, config))
    if (pair := _telling_pair(outcome, report)) is not None:
        report["telling_pair"] = pair
    if config.churn.definition == "label_column" and (detail := _label_in_detail(report)):
        report["label_in_detail"] = detail
    attributes = [spec.name for spec in outcome.data.specs if spec.family == "attributes"]
    if siblings := period_siblings(leaking_columns(report), attributes):
        report["period_siblings"] = siblings
    churners = outcome.data.frame[outcome.data.frame["churned"].astype(bool)]
    if (back := comebacks(churners, tables, config.churn)) is not None:
        report["returning_churners"] = {**back, **_longer_horizon(back, tables, config)}
    if outcome.plan is not None:
        report.update(_training_cutoffs(outcome, tables, config))
    return report


VALUE_WORDS = frozenset({"spend", "spent", "spending", "charge", "charges", "revenue",
                         "value", "ltv", "clv", "cltv", "arpu", "mrr", "arr", "fee",
                         "fees"})  # fmt: skip
"""A numeric attribute named with one of these words is likely the customer's value
(`value_columns`): a snapshot's `Total Spend` went unnamed beside "the data hold no
customer value" (words, not parts: no `feedback_score`, `discharge_count`); not one
named like the label (IBM Telco's `Churn Value`, the label as 0/1, was offered beside
`Total Revenue`, and its `CLTV` was not)."""


def _profit(scored: pd.DataFrame, tables: Tables, config: RunConfig) -> dict[str, Any]:
    """The campaign's expected profit on the test rows (`profit_curve`), or only where its
    value would come from when the data hold no customer value: counting each save as 1,
    an E-commerce snapshot logged a best profit of -40.7 at the top 1% and a curve of
    losses, while the console said "not computed"."""
    source = value_source(scored, tables, config)
    if source == "none":
        customers = config.data.customers
        label = customers.label.column if customers is not None and customers.label else None
        like_label = set(named_like_label(label, list(tables.attributes))) if label else set()
        likely = [
            n
            for n, kind in tables.attributes.items()
            if kind == "numeric" and VALUE_WORDS.intersection(name_words(n)) and n not in like_label
        ]
        return {"value_source": source, **({"value_columns": likely} if likely else {})}
    y = scored["churned"].to_numpy(dtype=int)
    values = value_of(scored, tables, config)
    curve = profit_curve(y, scored["p_model"].to_numpy(), values, config.profit)
    known = values[np.isfinite(values)]
    return {
        "value_source": source,
        "value_median": float(np.median(known)) if len(known) else None,
        "best_percent": curve.best_percent,
        "best_profit": curve.best_profit,
        "profit_at_10_percent": curve.at(10),
        "unknown_values": curve.unknown_values,
        "assumptions": config.profit.model_dump(),
        "curve": {int(k): float(v) for k, v in zip(curve.percent, curve.profit, strict=True)},
    }


def _label_in_detail(report: dict[str, Any]) -> dict[str, Any] | None:
    """The first leaking column that tells the label in more detail (`label_in_detail`)."""
    for leak in (report.get("strongest_single_feature") or {}).get("leaking", []):
        if "label_in_detail" in leak:
            return {"feature": leak["feature"], **leak["label_in_detail"]}
    return None


def _label_in_detail_note(detail: dict[str, Any]) -> str:
    """A label column told in more detail by another, one of whose stayers' levels may be
    an outcome not known yet: the remedy `label.unlabelled` offers on that column."""
    name = detail["feature"]
    churned, stayed = detail["churned"], detail["stayed"]
    said = "; ".join(
        f"{', '.join(f'{level} ({n:,})' for level, n in levels.items())} {what}"
        for levels, what in ((churned, "churned"), (stayed, "stayed"))
    )
    pending = detail["pending"] or next(iter(reversed(stayed)))
    positive = next(iter(churned)) if len(churned) == 1 else list(churned)
    if alike := detail.get("alike_churned"):
        low, high = (plain_number(alike[end]) for end in ("low", "high"))
        span = low if low == high else f"{low} to {high}"
        return (
            f"{name} tells the label in more detail ({said}); {pending} is no outcome to "
            f"leave out: of the other labelled customers with {alike['feature']} {span}, as "
            f"most of {pending} have, {alike['churned']:,} of {alike['rows']:,} churned, so "
            f"left out of training {pending} would teach that such customers leave (keep "
            "them as stayers)"
        )
    return (
        f"{name} tells the label in more detail ({said}): if a level of stayers is an "
        f"outcome not known yet (customers who joined lately), train on {name} instead, "
        f"label: {{column: {name}, positive: {positive}, unlabelled: [{pending}]}}, so they "
        "are scored, not trained on as stayers"
    )


def _longer_horizon(back: dict[str, Any], tables: Tables, config: RunConfig) -> dict[str, Any]:
    """Where most churners come back within a usual gap (`_comeback_caveats`), a longer
    horizon to suggest, checked as the current one is: its churners must come back
    clearly less often (`CLEARER_SHARE`). Tried first: the usual gap rounded up to a
    month, else the gap itself, whichever the data allow first (`horizon_shortfall`);
    then the longest the data allow (`longest_horizon`). Superstore's 180 days were told
    "consider horizon_days: 450", where 90% came back against 83%, and 540 days said the
    same. `longer_horizons` holds those tried where none helps (empty: none trains);
    where the gap's horizons train no model, `horizon_unfit` says why the rounded one
    fails, with the longest silence any customer had (Chinook: told 600 days, never
    silent over 584)."""
    if back["share"] < COMEBACK_SHARE:
        return {}
    span, horizon = math.ceil(back["gap_p90_days"]), back["horizon_days"]
    tried: list[dict[str, Any]] = []
    if horizon < span:
        trial, unfit = _gap_horizon(span, tables, config)
        if trial is None:
            silence = longest_silence(tables, config.churn)
            return {"horizon_unfit": {**unfit, "longest_silence_days": silence and silence["days"]}}
        tried += _returning_at(trial, tables)
        horizon = trial.churn.horizon_days
    if not any(_clearer(seen, back) for seen in tried):
        longest = longest_horizon(tables, config, above=horizon)
        tried += [] if longest is None else _returning_at(longest, tables, longest=True)
    for seen in tried:
        if _clearer(seen, back):
            return {"suggested_horizon_days": seen["horizon_days"], "suggested_returning": seen}
    return {"longer_horizons": tried}


def _gap_horizon(
    span: int, tables: Tables, config: RunConfig
) -> tuple[HorizonTrial | None, dict[str, Any] | None]:
    """The first of the usual gap rounded up to a month and the gap itself that trains a
    model, else None and why the first fails (`horizon_shortfall`)."""
    first = None
    for days in dict.fromkeys((math.ceil(span / MONTH_DAYS) * MONTH_DAYS, span)):
        trial = try_horizon(tables, config, days)
        if trial.shortfall is None:
            return trial, None
        first = first or trial.shortfall
    return None, first


def _returning_at(
    trial: HorizonTrial, tables: Tables, *, longest: bool = False
) -> list[dict[str, Any]]:
    """The share of `trial`'s churners who come back (`training.comebacks`), in a list of
    one; `untold` where the data hold too little after its horizon to tell (it trains,
    but whether it helps is not known: not to be read as no horizon training at all)."""
    back = comebacks(trial.churners, tables, trial.churn)
    if back is None:
        return [{"horizon_days": trial.churn.horizon_days, "untold": True, "longest": longest}]
    kept = ("horizon_days", "churners", "returned", "share")
    return [{**{key: back[key] for key in kept}, "longest": longest}]


def _clearer(seen: dict[str, Any], back: dict[str, Any]) -> bool:
    """Whether the churners of a horizon tried come back clearly less often than now, and
    few enough to be churn (`COMEBACK_SHARE`): an apparel log was told "consider
    horizon_days: 600, where 62% of the churners (10 of 16) bought again", which the same
    note then called pauses."""
    if seen.get("untold"):
        return False
    return seen["share"] <= back["share"] - CLEARER_SHARE and seen["share"] < COMEBACK_SHARE


def _churn_of(config: RunConfig, tables: Tables) -> dict[str, str | None]:
    """The churn definition and, under inactivity, what keeps a customer active: the
    notes' remedies follow them (a longer horizon makes fewer inactivity churners and
    more cancellations; a labelled snapshot has none)."""
    churn = config.churn
    usage = churn.by_usage(tables.transactions is not None)
    active = ("usage" if usage else "purchases") if churn.definition == "inactivity" else None
    return {"definition": churn.definition, "activity": active}


def _labelled_unknown(outcome: Outcome, tables: Tables) -> dict[str, Any] | None:
    """The labelled customers the snapshot's rows leave out: with a log beside the
    labels, a customer with no signup and no activity by the snapshot's day is not one
    yet (`features.build.exists_at`), as `churn score` leaves them out too. A MOOC's
    63,176 of 120,542 labelled enrollments had no row in the log: train trained on the
    others and said nothing."""
    labels = tables.customers["label"]
    labelled = labels.notna().to_numpy()
    kept = tables.customers["customer_id"].isin(outcome.data.frame["customer_id"]).to_numpy()
    left = labelled & ~kept
    if not left.any():
        return None
    kinds = [
        kind
        for kind, table in (("purchase", tables.transactions), ("usage event", tables.events))
        if table is not None
    ]
    churned = labels.fillna(False).to_numpy(dtype=bool)
    return {
        "customers": int(left.sum()),
        "labelled": int(labelled.sum()),
        "churn_rate": float(churned[left].mean()),
        "kept_churn_rate": float(churned[labelled & kept].mean()),
        "no_record_of": ["signup", *kinds],
        "cutoff": str(pd.Timestamp(outcome.data.frame["cutoff"].iloc[0]).date()),
    }


def _training_cutoffs(outcome: Outcome, tables: Tables, config: RunConfig) -> dict[str, Any]:
    """The training cutoffs kept and asked for, their churn rates, and the history before
    the earliest against the longest window read there (`longest_window`)."""
    assert outcome.plan is not None
    training = outcome.data.at(outcome.plan.train)
    rates = training.groupby("cutoff")["churned"].mean()
    held = {pd.Timestamp(c) for c in rates.index}
    found: dict[str, Any] = {
        "training_cutoffs": [str(c.date()) for c in outcome.plan.train if c in held],
        # in a gap of the data: no customer active (a MOOC's 5 of 12, unsaid)
        "training_cutoffs_empty": [str(c.date()) for c in outcome.plan.train if c not in held],
        "training_cutoffs_requested": config.training.cutoffs,
        "training_spacing": config.training.spacing,
        "validation_cutoff": str(outcome.plan.validation.date()),
        "validation_churn_rate": float(
            outcome.data.at([outcome.plan.validation])["churned"].astype(bool).mean()
        ),
        "training_churn_rates": {str(c.date()): float(r) for c, r in rates.items()},
    }
    start = first_activity(tables)
    complete = config.data.complete_history  # said whole: no window before it is unknown
    if start is not None and not complete and _predate_data(tables, start):
        first = min(held, default=min(outcome.plan.train))  # not an empty cutoff
        found["history_days_at_first_training_cutoff"] = int((first - start).days)
        found["history_days_needed"], found["history_needed_by"] = longest_window(
            outcome.data.specs, config
        )
    return found


def _predate_data(tables: Tables, start: pd.Timestamp) -> bool:
    """Whether any customer may have been one before the data's first day (no signup
    date, or an earlier one): only such customers' windows reaching before it are unknown
    (`Context.window_known`), so where every signup is later the history is whole."""
    signup = tables.customers.get("signup_date")
    return signup is None or bool((signup.isna() | (signup < start)).any())


def longest_window(specs: Sequence[FeatureSpec], config: RunConfig) -> tuple[int, list[str]]:
    """The most days up to a cutoff that its rows read, and what reads them: the
    features' longest windows (`FeatureSpec.reach_days`), or the active window, which
    decides who is eligible there under inactivity and cancellation. A B2B log's first
    cutoffs had 145 days of history against 365-day spend and wallet windows and a
    365-day active window, unnoted: the rule compared to 90 days."""
    reach = {spec.name: spec.reach_days for spec in specs if spec.reach_days is not None}
    if config.churn.definition in ACTIVE_WINDOW_DEFINITIONS:
        reach["active_window_days"] = config.churn.active_window_days
    if not reach:
        return SHORT_HISTORY_DAYS, []
    longest = max(reach.values())
    return longest, [name for name, days in reach.items() if days == longest]


def _leak_checks(outcome: Outcome, tables: Tables, config: RunConfig) -> dict[str, Any]:
    """What the two leak checks found (`training/leaks.py`); the undated attributes are
    judged on the training cutoffs, so only where a cutoff plan says which."""
    found: dict[str, Any] = {}
    by_usage = config.churn.by_usage(tables.transactions is not None)
    frame = outcome.data.frame
    own = definition_inputs(outcome.data.specs, config.churn, by_usage=by_usage)
    looked_up = config.data.looked_up_columns()
    undated = undated_attributes(tables, looked_up)
    strongest = strongest_single_feature(frame, outcome.data.specs, own=own, undated=undated)
    if strongest is not None:
        found["strongest_single_feature"] = strongest
        terms = config.churn.model_dump(include=DEFINITION_TERMS)
        if strongest.get("definition_inputs") and config.churn.definition == "expiry":
            found["renewals_due"] = {**renewals_due(frame, config.churn), **terms}
    silent = silent_churners(frame, config.churn, by_usage=by_usage)
    if silent is not None:
        found["silent_churners"] = {**silent, **config.churn.model_dump(include=DEFINITION_TERMS)}
    customers = config.data.customers
    label = customers.label.column if customers is not None and customers.label else None
    attributes = [s.name for s in outcome.data.specs if s.family == "attributes"]
    if label is not None and (named := named_like_label(label, attributes)):
        found["named_like_label"] = {"label": label, "attributes": named}
    if outcome.plan is not None:
        leaks = undated_attribute_leaks(
            outcome.data,
            tables,
            config.churn,
            cutoffs=outcome.plan.train,
            looked_up=looked_up,
        )
        if leaks:
            found["undated_attribute_leaks"] = leaks
    return found


def _telling_pair(outcome: Outcome, report: dict[str, Any]) -> dict[str, Any] | None:
    """Two columns that together give the outcome away (`training.leaks.telling_pair`),
    looked for beside a model testing at `PAIR_CHECK_FROM_AUC` or more that no leak
    already explains."""
    auc = report["model"].get("roc_auc", np.nan)
    if outcome.fitted is None or not auc >= PAIR_CHECK_FROM_AUC or leaking_columns(report):
        return None
    gains = outcome.fitted.booster.get_score(importance_type="total_gain")
    name_of = outcome.fitted.layout.name_of  # XGBoost's names are `safe_name`s
    importance = {name_of.get(key, key): gain for key, gain in gains.items()}
    return telling_pair(outcome.data.frame, outcome.data.specs, importance)


def print_report(console: Console, report: dict[str, Any]) -> None:
    tested = report.get("test_cutoffs") or []
    at = f" at {', '.join(tested[:3])}{'…' if len(tested) > 3 else ''}" if tested else ""
    title = (
        f"{report['protocol']}{at}: {report['n_customers']:,} customers, "
        f"churn rate {percent(report['churn_rate'], digits=1)}"
    )
    table = Table(title=title)
    table.add_column("scores")
    for metric in METRICS:
        table.add_column(metric, justify="right")
    rows = [("model", report["model"])]
    rows += [(f"baseline: {k}", v) for k, v in report["baselines"].items()]
    if "oracle" in report:
        rows.append(("oracle (true p)", report["oracle"]))
    for name, metrics in rows:
        table.add_row(name, *(_fmt(metrics[m]) for m in METRICS))
    console.print(table)
    if "tuning" in report:
        chosen = ", ".join(f"{k} {v:.3g}" for k, v in report["tuning"]["params"].items())
        console.print(f"--tune chose {chosen} (by {report['tuning']['by']})", highlight=False)
    if "depth" in report:
        console.print(depth_said(report["depth"]), highlight=False)
    if "cross_fit" in report:
        console.print(cross_fit_said(report["cross_fit"]), highlight=False)
    for note in caveats(report):
        console.print(tagged("note", note))
    _print_profit(console, report)


def depth_said(depth: dict[str, Any]) -> str:
    """The trees' depth, chosen among `training.model.DEPTHS` on the validation rows, with
    the log losses that chose it."""
    losses = depth["validation_log_loss"]
    chosen = str(depth["chosen"])
    others = ", ".join(f"{v:.4f} at depth {d}" for d, v in losses.items() if d != chosen)
    by = depth.get("by", "the validation rows")  # a run logged before folds chose it
    return (
        f"trees of depth {chosen}, chosen on {by}: log loss {losses[chosen]:.4f} at the best "
        f"round, against {others} (depth 3 unless another lowers it by over {DEPTH_GAIN:.0%})"
    )


def cross_fit_said(cross: dict[str, Any]) -> str:
    """What the fold boosters are for, with their out-of-fold ROC AUC on the training rows."""
    return (
        f"{cross['folds']} fold models score the {cross['rows']:,} training rows when the "
        f"file is scored again (out of fold: ROC AUC {cross['roc_auc']:.4f} on them)"
    )


def _print_profit(console: Console, report: dict[str, Any]) -> None:
    """The campaign's expected profit on the test rows, with what it assumes, how many
    values it counted as nothing, and why it is no figure to quote (`profit_doubts`)."""
    profit = report["profit"]
    if profit.get("value_source") == "none":
        named = profit.get("value_columns")
        likely = f", {', '.join(repr(n) for n in named)} perhaps" if named else ""
        console.print(
            "expected campaign profit: not computed: the data hold no customer value (no "
            "spend, no value column); map the customers' value column (a monthly charge, "
            f"a lifetime value{likely}) as `value` under customers.columns, or set "
            "profit.value_per_customer to what a saved customer is worth",
            highlight=False,
        )
        return
    best, where = profit["best_profit"], f"the top {profit['best_percent']}%"
    said = (
        f"best at {where} ({amount(best)})"
        if best > 0
        else f"no campaign size pays ({where} loses least: {amount(-best)})"
    )
    unknown = profit.get("unknown_values", 0)
    if unknown:
        said += (
            f"; {unknown:,} of the {report.get('n_rows', report['n_customers']):,} test rows "
            "have no value (blank or missing in the value column): counted as worth nothing"
        )
    doubts = profit_doubts(report)
    line = Text(
        f"expected campaign profit: {said}; top 10%: {amount(profit['profit_at_10_percent'])}"
    )
    if doubts:
        line.append(". ").append_text(tagged("Not a figure to quote", "; ".join(doubts)))
    console.print(line)
    if "assumptions" in profit:
        console.print(_assumed(profit["assumptions"]), style="dim")
    if (scale := costs_above_values(profit)) is not None:
        console.print(f"  {scale}", style="yellow", highlight=False)


FEW_CHURNERS = 30
"""Below this many churners (or stayers) in the test rows, a ranking metric moves by chance."""
MOSTLY_CHURNERS = 0.8
"""From this churn rate on, lift and PR AUC have little room to say anything."""
SHORT_HISTORY_DAYS = 90
"""The history a training cutoff needs where nothing reads a longer window (and what a
report logged before `longest_window` is judged by)."""
ACTIVE_WINDOW_DEFINITIONS = frozenset({"inactivity", "cancellation"})
"""The churn definitions whose eligibility reads `active_window_days` of activity."""
BASELINE_MARGIN = 0.005
FIRST_CHAMPION_MARGIN = 0.02
"""How much better a baseline must rank for a first model to be refused as champion:
on a telecom snapshot logistic regression often ranks within a few thousandths of the
trees, and the calibrated risk and its reasons are still the product; the note says it."""
NEAR_PERFECT_AUC = 0.999
"""From this test ROC AUC a model separates churners as no real behaviour does: a
subscription snapshot's 1.0000 (its best column alone 0.82) passed without a word."""
SUSPECT_MODEL_AUC = 0.99
"""From this test ROC AUC, attributes read as of the extract that alone rank churners at
`STRONG_UNDATED_AUC` or more are taken for leaks (`suspected_leaks`): churn models on
real data here test at 0.76-0.97 (the honest Indian telecom snapshot 0.958, its best
attribute 0.902), while that snapshot with the 7 month-9 columns the leak line named
left out tested at 0.999 on the others (each alone under 0.98, the future all the same),
and with arpu_9 alone left in at 0.991 (arpu_9 0.934)."""
NEAR_CHANCE_AUC = 0.6
"""Below this test ROC AUC the model ranks churners little better than a coin: a
SaaS export whose churners used the product as the others did tested at 0.535, and
train and promote said nothing."""


def caveats(report: dict[str, Any]) -> list[str]:
    """What a modeller must know before trusting (or promoting) the numbers above: a
    test with few churners, few stayers or nearly only churners, churners who mostly come
    back (`_comeback_caveats`), a simple baseline that ranks better than the model,
    training cutoffs with little history before them, and a snapshot read as of today
    for want of a date of its own."""
    notes = []
    churners = round(report["churn_rate"] * report["n_customers"])
    more_churners, more_stayers = remedies(report.get("churn", {}))
    if churners < FEW_CHURNERS:
        notes.append(
            f"only {churners} churner{'' if churners == 1 else 's'} in the test rows: these "
            "metrics move by chance "
            f"({more_churners})"
        )
    rate = report["churn_rate"]
    stayers = report["n_customers"] - churners
    if stayers < FEW_CHURNERS <= churners:  # few of both: a small test, said above
        valued = report.get("profit", {}).get("value_source") != "none"
        notes.append(_few_stayers_note(stayers, rate, more_stayers, valued=valued))
    elif rate >= MOSTLY_CHURNERS:
        notes.append(
            f"churn rate {percent(rate)} in the test rows: nearly everyone churns"
            f"{_mostly_why(report.get('churn', {}))}, so lift (at most {1 / rate:.2f} here) and "
            f"PR AUC say little; compare ROC AUC and Brier ({more_stayers})"
        )
    notes += _saturated_lift(report)
    auc = report["model"].get("roc_auc", np.nan)
    if near_chance(report):  # a baseline that ranks well is said below
        also = ", and so does every baseline" if report["baselines"] else ""
        notes.append(
            f"ROC AUC {auc:.4f}: the model ranks churners "
            f"{'no' if auc <= 0.5 else 'little'} better than chance (0.5)"
            f"{also}; the data may not carry what makes these customers leave: check the churn "
            "definition (churn.definition, horizon_days, activity) and which tables and "
            "columns are mapped before acting on these scores"
        )
    notes += _comeback_caveats(report)
    notes += baseline_notes(report)
    if (rounds := report.get("rounds")) and rounds["used"] >= rounds["at_most"]:
        notes.append(
            f"the booster used all {rounds['at_most']:,} rounds training.max_rounds allows, "
            "its validation loss still falling or scaled up to the whole training set: more "
            "may fit better (raise training.max_rounds, or training.params.learning_rate, "
            "0.1 by default, to take longer steps)"
        )
    if report.get("reasons_never_unmatched"):
        notes.append(
            f"{report['reasons_never_unmatched']} (`churn describe` lists the features): "
            "those reasons are still shown"
        )
    if personal := report.get("personal_attributes_in_reasons"):
        notes.append(
            f"reasons show {', '.join(personal)}: if the retention team may not act on who "
            "a customer is (fairness, law), list them under reasons.never (the model still "
            "uses them)"
        )
    strongest = report.get("strongest_single_feature") or {}
    if leaking := strongest.get("leaking", []):
        notes.append(
            f"{_alone(leaking)}: a column recorded after (or because of) the churn leaks the "
            "label; leave it out unless it is known before the cutoff"
        )
    if pair := report.get("telling_pair"):
        notes.append(_telling_pair_note(pair, auc))
    if detail := report.get("label_in_detail"):
        notes.append(_label_in_detail_note(detail))
    if (own := strongest.get("definition_inputs", [])) and "renewals_due" in report:
        notes.append(_definition_input_note(own, report["renewals_due"]))
    elif own:
        notes.append(_silence_input_note(own, report["silent_churners"]))
    elif (silent := report.get("silent_churners")) and silent["share"] >= ALREADY_SILENT_SHARE:
        notes.append(_already_silent(silent))
    if named := report.get("named_like_label"):
        notes.append(
            f"{', '.join(named['attributes'])} named like the label column "
            f"{named['label']!r}: if recorded with or after the outcome (a churn score or "
            "reason written when the customer left), they leak it; leave them out "
            "(not_attributes) unless known before the cutoff"
        )
    leaks = report.get("undated_attribute_leaks", [])
    notes += [_undated_leak_note(leak) for leak in leaks]
    if strong := undated_strong(report):
        notes.append(_strong_attribute_note(strong, auc))
    notes += [_siblings_note(found) for found in report.get("period_siblings", [])]
    if unexplained_perfection(report):
        notes.append(
            f"ROC AUC {auc:.4f}: near-perfect, and no column alone ranks churners nearly so "
            "well; real churn is rarely this foreseeable: check for columns written with or "
            "after the outcome that only together give it away, or a generated data set, "
            "before trusting these scores on new customers"
        )
    if (said := _calibration_note(report)) is not None:
        notes.append(said)
    if report.get("snapshot_read_as_of_today"):
        notes.append(snapshot_today_note(report["test_cutoffs"][0]))
    if out := report.get("labelled_left_out"):
        notes.append(_labelled_left_out_note(out))
    if copies := report.get("repeated_rows"):
        notes.append(repeated_rows_note(copies, report["protocol"]))
    notes += _history_caveats(report)
    notes += _drift_caveats(report)
    notes += _churnless_cutoffs_caveats(report)
    return notes


def _calibration_note(report: dict[str, Any]) -> str | None:
    """The calibration error against the gate's limit (`calibration_limit`): refused past
    it; past `promotion.max_ece` but within what chance gives on the test's rows, passed,
    and said, since the test is too small to tell calibration that finely."""
    limit, model = report.get("promotion_max_ece"), report["model"]
    ece = model.get("ece", np.nan)
    if limit is None or not ece > limit:
        return None
    chance = model.get("ece_by_chance", np.nan)
    rows = f"{report['n_rows']:,} test rows" if "n_rows" in report else "the test rows"
    by_chance = f"{chance:.4f} on {rows} one time in 20"
    if ece <= calibration_limit(limit, model):
        return (
            f"calibration error {ece:.4f} is above promotion.max_ece {limit}, but within what "
            f"chance gives a calibrated model ({by_chance}): the gate does not refuse it "
            "for that; a larger test tells calibration more finely"
        )
    chance_said = f", and above the {by_chance} by chance" if chance > limit else ""
    return (
        f"calibration error {ece:.4f} is above promotion.max_ece {limit}{chance_said}: `churn "
        f"promote` refuses this run (--force promotes it anyway){_drift_said(report)}"
    )


def _drift_said(report: dict[str, Any]) -> str:
    """The probabilities' average on the test against its churn rate, and the rate of the
    cutoff they were calibrated on: where the churn rate moved between the two (H&M's
    validation cutoff churned at 61.8%, its test at 55.1%, and the note had blamed "a short
    history under a long active_window_days"), with the training cutoffs' range; where it
    did not, the model's level is what is off."""
    validation, mean = report.get("validation_churn_rate"), report.get("mean_probability")
    if validation is None or mean is None:
        return "; a churn rate that drifts between cutoffs raises it"
    test = report["churn_rate"]
    said = (
        f". Its probabilities average {percent(mean, digits=1)} on the test rows, who churned "
        f"at {percent(test, digits=1)}; the validation cutoff they were calibrated on "
        f"({report['validation_cutoff']}) churned at {percent(validation, digits=1)}"
    )
    if abs(validation - test) < abs(mean - test) / 2:
        return f"{said}, as the test did: the model's level is off, not the churn rate"
    rates = list(report.get("training_churn_rates", {}).values())
    if rates:
        said += f", the training cutoffs {percent(min(rates))} to {percent(max(rates))}"
    return (
        f"{said}. The churn rate moves between cutoffs (seasons, a trend), and the test shows "
        "how far a score's level can be off"
    )


def _labelled_left_out_note(out: dict[str, Any]) -> str:
    """Labelled customers with no record by the snapshot's day: trained and tested
    without, and scored without by `churn score`; their churn rate says whether the
    model's population is the one the labels describe."""
    kinds = out["no_record_of"]
    record = f"{', '.join(kinds[:-1])} or {kinds[-1]}" if len(kinds) > 1 else kinds[0]
    return (
        f"{out['customers']:,} of the {out['labelled']:,} labelled customers "
        f"({percent(out['customers'] / out['labelled'])}) were left out of training and the "
        f"test: no {record} on record by {out['cutoff']}, so no feature to read (`churn "
        f"score` leaves them out too); they churned at {percent(out['churn_rate'])} against "
        f"{percent(out['kept_churn_rate'])} of those kept, so the model ranks only customers "
        "with a record: check that the log covers the labelled customers"
    )


def profit_doubts(report: dict[str, Any]) -> list[str]:
    """Why the campaign profit is no figure to quote: the model ranks churners near
    chance (its own ROC AUC, whatever the baselines: they do not order the campaign), or
    its calibration error is above the promotion gate's limit. The figure is still
    printed beside them, as MLflow keeps it: it is what the test's own outcomes and
    values gave, and a modeller comparing runs reads it; only a manager quoting it
    alone would be misled, and the doubt travels on its line (a B2B log at ROC AUC 0.43
    and calibration error 0.378 printed "best at the top 99% (833,830)" bare)."""
    doubts = []
    auc = report["model"].get("roc_auc", np.nan)
    if auc < NEAR_CHANCE_AUC:
        doubts.append(
            f"the model ranks churners {'no' if auc <= 0.5 else 'little'} better than chance "
            f"(ROC AUC {auc:.4f}), so this is what contacting that share in any order "
            "makes, not a gain it brings"
        )
    limit, ece = report.get("promotion_max_ece"), report["model"].get("ece", np.nan)
    if limit is not None and ece > calibration_limit(limit, report["model"]):
        doubts.append(
            f"its probabilities miss the test's churn rates by {ece:.4f} on average "
            f"(calibration error, above promotion.max_ece {limit}): the customers tested "
            "behave unlike those it learned from, so their profit need not hold for the "
            "next campaign"
        )
    return doubts


REMEDIES = {
    "inactivity": (
        "a shorter horizon_days or more customers give a firmer test",
        "a longer horizon_days or a shorter active_window_days keep more customers who stay",
    ),
    "label_column": (
        "more labelled customers give a firmer test",
        "check that label.positive names the churners, not those who stay",
    ),
}
"""What gives a test more churners, and what more stayers, by churn definition: under
inactivity a longer horizon asks a longer silence (fewer churners), under cancellation
and expiry it leaves more time to leave (more); a labelled snapshot has no horizon."""
TIMED_REMEDIES = (
    "a longer horizon_days or more customers give a firmer test",
    "a shorter horizon_days keeps more customers who stay",
)


def remedies(churn: dict[str, Any]) -> tuple[str, str]:
    """`REMEDIES` for the report's churn definition (inactivity for a report logged
    before it said): how to get more churners, and more stayers."""
    return REMEDIES.get(churn.get("definition", "inactivity"), TIMED_REMEDIES)


def _mostly_why(churn: dict[str, Any]) -> str:
    """What nearly only churners suggest of the data: one-time buyers in a purchase log,
    users who came once in a usage log (a MOOC's enrollments were asked if they were
    one-time buyers); nothing guessed of a label or a cancellation."""
    if churn.get("definition", "inactivity") != "inactivity":
        return ""
    return " (users active once?)" if churn.get("activity") == "usage" else " (one-time buyers?)"


def _few_stayers_note(stayers: int, rate: float, remedy: str, *, valued: bool) -> str:
    """Too few stayers to rank churners against, and with nearly only churners, the
    order is by value (Olist's one-time buyers: 17 stayers of 4,246, a ROC AUC of 0.87
    that is noise, a campaign best at the top 100%). Not where the data hold no value
    (`valued`): a Q&A community's worklist orders by probability, as `churn score` said
    beside this note's "mostly by value"."""
    mostly = (
        "; with nearly everyone likely to churn, the worklist's order (value at risk) is "
        "mostly by value, and contacting nearly everyone looks best"
        if rate >= MOSTLY_CHURNERS and valued
        else ""
    )
    return (
        f"only {stayers} stayers in the test rows (churn rate {percent(rate)}): these "
        f"metrics move by chance, ROC AUC too{mostly}; {remedy}"
    )


def days_text(count: float) -> str:
    """`count` days, rounded, as a sentence says it: "1 day", "0 days", "12 days"."""
    shown = f"{count:.0f}"
    return f"{shown} day" if shown == "1" else f"{shown} days"


def percent(share: float, *, digits: int = 0) -> str:
    """A share as a percentage, with more decimals where `digits` would read 0% or 100%
    of a share that is neither (99.6% churning is not everyone: 17 stayed)."""
    text = f"{share:.{digits}%}"
    while 0 < share < 1 and float(text[:-1]) in (0.0, 100.0) and digits < 4:
        digits += 1
        text = f"{share:.{digits}%}"
    return text


COMEBACK_SHARE = 0.5
"""From this share of the labelled churners active again within one usual gap after
their horizon, or the part of it the data hold (`training.comebacks`), the label mostly
names pauses: real churn has its win-backs and seasonal buyers, but fewer than those who
stay gone (a simulated retailer's 14-17%); past half, the model learns who pauses
longest, not who leaves (a retailer's 85-87% at a 90-day horizon: ROC AUC 0.55)."""
CLEARER_SHARE = 0.1
"""How much lower the share of churners who come back must be at a longer horizon for
the note to suggest it: a few points is the noise of a few hundred churners (their
counts fall as the horizon grows), while Superstore's 83% at 180 days rose to 90% at
450 and 91% at 540, a horizon the note had suggested."""
LABEL_OF_OWN = (
    "a label of the business's own (churn.definition: label_column) would name those who leave"
)


def _comeback_caveats(report: dict[str, Any]) -> list[str]:
    """Most churners active again soon after their horizon: the horizon is shorter than
    the customers' ordinary pauses, or the data hold few departures at all. A longer
    horizon is suggested only where its churners come back clearly less often
    (`_longer_horizon`); else the note says, with the shares of those tried, that longer
    horizons do not help, or why none trains a model."""
    back = report.get("returning_churners")
    if back is None or back["share"] < COMEBACK_SHARE:
        return []
    usage = back["activity"] == "usage"
    horizon, span = back["horizon_days"], math.ceil(back["gap_p90_days"])
    # a run logged before follow-ups shorter than the usual gap counted had only that
    shortest, longest = back.get("follow_up_min_days", span), back.get("follow_up_max_days", span)
    follow = f"{shortest}" if shortest == longest else f"{shortest} to {longest}"
    said = (
        f"{percent(back['share'])} of the churners labelled at the cutoffs "
        f"({back['returned']:,} of {back['churners']:,} with {follow} days of data after "
        f"their horizon) {_came_back(usage)} within {follow} days "
        f"after their {horizon}-day horizon (customers' usual gap between "
        f"{'active days' if usage else 'purchases'}: median {days_text(back['gap_median_days'])}, "
        f"90% under {span}): "
    )
    between = (
        f"most 'churners' are between {'visits' if usage else 'purchases'}"
        if horizon < span
        else "most 'churners' pause longer than the horizon and come back"
    )
    if (unfit := back.get("horizon_unfit")) is not None:
        return [f"{said}{between}, but {_unfit_horizon(unfit)}"]
    if (seen := back.get("suggested_returning")) is not None:
        return [
            f"{said}{between}; consider horizon_days: {seen['horizon_days']}{_where(seen, usage)}"
        ]
    if (tried := back.get("longer_horizons")) is not None:
        return [f"{said}{between}{_no_longer_helps(tried, usage)}"]
    # a run logged before longer horizons were checked: its advice as it was
    if horizon < span:
        longer = back.get("suggested_horizon_days", math.ceil(span / 30) * 30)
        return [f"{said}{between}; consider horizon_days: {longer}"]
    return [
        f"{said}{between}, so the label names few departures; a longer horizon_days, or "
        f"{LABEL_OF_OWN}"
    ]


def _came_back(usage: bool) -> str:
    return "were active again" if usage else "bought again"


def _where(seen: dict[str, Any], usage: bool) -> str:
    """The share of a suggested horizon's churners who come back, as the note says it."""
    return (
        f", where {percent(seen['share'])} of the churners ({seen['returned']:,} of "
        f"{seen['churners']:,}) {_came_back(usage)} after it"
    )


def _no_longer_helps(tried: list[dict[str, Any]], usage: bool) -> str:
    """Longer horizons tried whose churners come back as often (or none that trains a
    model): the data hold few departures, whatever the horizon."""
    if not tried:
        return (
            ", and no longer horizon trains a model on these data (each leaves too few "
            f"cutoffs, churners or stayers): so the labels name pauses, not departures; "
            f"{LABEL_OF_OWN}"
        )
    told = [seen for seen in tried if not seen.get("untold")]
    each = [
        f"{_at(seen)}, {percent(seen['share'])} "
        + (
            f"of the churners ({seen['returned']:,} of {seen['churners']:,}) {_came_back(usage)}"
            if index == 0
            else f"({seen['returned']:,} of {seen['churners']:,})"
        )
        for index, seen in enumerate(told)
    ]
    each += [
        f"{_at(seen)}, too few days of data follow the horizon to tell who came back"
        for seen in tried
        if seen.get("untold")
    ]
    if not told:
        return (
            f", and whether a longer horizon helps cannot be told: {'; '.join(each)}; "
            f"{LABEL_OF_OWN}"
        )
    return (
        f", and a longer horizon does not help: {'; '.join(each)}: the labels name pauses, "
        f"not departures, and these data hold few departures to learn from; {LABEL_OF_OWN}"
    )


def _at(seen: dict[str, Any]) -> str:
    return (
        f"at {seen['horizon_days']} days{', the longest the data allow' if seen['longest'] else ''}"
    )


SET_WORDS = {"train": "training", "validation": "validation", "test": "test"}
"""The protocol's sets of rows (`horizon_shortfall`), as a note names their cutoffs."""


def _unfit_horizon(unfit: dict[str, Any]) -> str:
    """Why the horizon the customers' gaps ask for trains no model here
    (`training.protocol.horizon_shortfall`), and what that says of the data: their
    silences are too short to tell a churner from a customer on a long pause."""
    days, silence = unfit["horizon_days"], unfit.get("longest_silence_days")
    outlast = f"a horizon that outlasts 90% of the gaps ({days} days)"
    if "plan" in unfit:
        why = f"{outlast} leaves no cutoffs with a full horizon in the data"
    else:
        noun = "cutoffs" if unfit["set"] == "train" else "cutoff"
        where = f"the {SET_WORDS[unfit['set']]} {noun} ({unfit['cutoffs']})"
        churners, stayers = unfit["churners"], unfit["stayers"]
        missing = "row" if not churners + stayers else "churner" if not churners else "stayer"
        why = f"{outlast} leaves {where} no {missing}"
        if "calibration" in unfit:  # of each, but too few to calibrate on
            why = f"{outlast} leaves {where} too few to calibrate on: it {unfit['calibration']}"
        if "tested" in unfit:  # of each, but too few for the gate to judge a model by
            why = (
                f"{outlast} leaves {where} {churners:,} churners and {stayers:,} stayers, "
                f"where a test needs {unfit['tested']} of each to judge a model by"
            )
        if silence is not None and silence <= days:
            why += f", as no customer was silent longer than {silence} days"
    return (
        f"{why}: the data are too short to tell churners from customers on long pauses at "
        f"this rhythm, so the model learns who pauses, not who leaves; {LABEL_OF_OWN}"
    )


def snapshot_today_note(day: str) -> str:
    """A snapshot without a date of its own, read as of `day`, the day it was trained:
    `churn score` says its own batch's reading instead (`serving.batch.TODAY_NOTE`), where
    the model's copy of this note made it twice."""
    return (
        f"the snapshot has no data.as_of and no dated activity: it was read as of today "
        f"({day}), as `churn score` reads it; set data.as_of to the extract date so that "
        "every run reads it as of that day"
    )


DRIFT_FACTOR = 1.5
"""A test churn rate this many times beyond every training cutoff's is a drift to say."""


def _churnless_cutoffs_caveats(report: dict[str, Any]) -> list[str]:
    """Training cutoffs of which most hold no churner at all: the data record churn only
    from some date (a contract extract's ends all in its last four months: 10 of 12
    cutoffs at 0.0%), and the model learns from them that nobody leaves. Two cutoffs
    after it tested ROC AUC 0.865 against 0.838 and a baseline no longer ranked better."""
    rates = report.get("training_churn_rates", {})
    empty = [cutoff for cutoff, rate in rates.items() if rate == 0]
    later = [cutoff for cutoff in rates if cutoff not in empty]
    # churn begins at a date: a pet insurer's cancellations from 2016 on, its two cutoffs
    # of 2015 at 0.0% of 141,597 rows, and no word (10 cutoffs after it tested better)
    begins = bool(empty) and bool(later) and max(empty) < min(later)
    if len(empty) < 2 or (not begins and len(empty) * 2 < len(rates)):  # one: chance
        return []
    said = (
        f"{len(empty)} of the {len(rates)} training cutoffs hold no churner (the latest "
        f"{max(empty)}): the data may record churn only from later on, and the model "
        "learns from them that nobody leaves"
    )
    if begins:  # keep the cutoffs after it
        said += f"; training: {{cutoffs: {len(later)}}} keeps those after it"
    return [said]


def _drift_caveats(report: dict[str, Any]) -> list[str]:
    """A test churn rate far outside the training cutoffs' rates: the calibrated
    probabilities follow the rates trained on, so their level is off even where the
    order holds (a billing export's 0.3%-6.0% in training against 22.1% in the test read
    as a calibration error and nothing more)."""
    rates = list(report.get("training_churn_rates", {}).values())
    test = report.get("churn_rate")
    if not rates or test is None:
        return []
    low, high = min(rates), max(rates)
    if low / DRIFT_FACTOR <= test <= high * DRIFT_FACTOR:
        return []
    return [
        f"churn rate {percent(test, digits=1)} in the test against "
        f"{percent(low, digits=1)}-{percent(high, digits=1)} at the training "
        "cutoffs: the probabilities follow the rates trained on, so their level is off "
        "even where the order of customers holds; the churn rate moved over time (a "
        "change in the business or the data?), so rank by them rather than read them as "
        "chances, and retrain as later cutoffs are observed"
    ]


def _alone(strong: list[dict[str, Any]], floor: float = LEAK_AUC) -> str:
    """The features that alone rank churners at `floor` or more, with their ROC AUC."""
    if len(strong) == 1:
        return (
            f"{strong[0]['feature']} alone ranks churners with ROC AUC {strong[0]['roc_auc']:.3f}"
        )
    each = ", ".join(f"{leak['feature']} ({leak['roc_auc']:.3f})" for leak in strong)
    return f"{each} each alone rank churners with ROC AUC {floor} or more"


def _definition_input_note(own: list[dict[str, Any]], due: dict[str, Any]) -> str:
    """Features read from the paid periods expiry churn is defined by: no leak (expiry
    cannot do without them), but what their strength says of the horizon."""
    return (
        f"{_alone(own)}, no leak: churn.definition expiry reads the same paid_until; only "
        "a member whose paid period ends within horizon_days less grace_days "
        f"({due['horizon_days']} - {due['grace_days']} days) can churn, {percent(due['share'])} "
        f"of the rows, and {percent(due['churn_rate'])} of them did not renew, so the model "
        "mostly says whose period ends, then whether a renewal comes (horizon_days and "
        "grace_days set which ends count)"
    )


ALREADY_SILENT_SHARE = 0.5
"""From this share of the churners already silent the horizon at their cutoff, the
model mostly finds who has already stopped, whatever the silence alone ranks: a liquor
wholesaler's 60 of 97 churning stores (the silence alone at ROC AUC 0.958), 9 of its
top 10 closed."""


def _silence_input_note(own: list[dict[str, Any]], silent: dict[str, Any]) -> str:
    """The silence an inactivity label is read from: no leak (it is what churn is), but
    a sign the active window keeps the long silent eligible, whom the model finds by
    their silence alone."""
    said = f"{_alone(own)}, no leak: churn.definition inactivity reads the same silence"
    return f"{said}; {_already_silent(silent)}"


def _already_silent(silent: dict[str, Any]) -> str:
    """How many churners were silent the horizon already, and the window that keeps them."""
    window, horizon = silent["active_window_days"], silent["horizon_days"]
    said = (
        f"{percent(silent['share'])} of the churners were already silent {horizon} days or "
        f"more at their cutoff, so the model mostly finds who has already stopped: a "
        f"customer silent up to {window} days stays eligible (churn.active_window_days)"
    )
    if window > 2 * horizon:
        said += (
            f"; a shorter window ({2 * horizon}, say) asks which of the recently active will stop"
        )
    return said


def _undated_leak_note(leak: dict[str, Any]) -> str:
    """An attribute read as of the extract that tells who is gone by the data's end; or,
    where nearly each customer has a level of their own (`customer_levels`), one the
    model learns customers by, which is said instead (Chinook's `City` was said to know
    who leaves later). A leak either way, whether or not the model's test rose by it:
    Relax's `last_session_creation_time` (1.000) left the model's at 0.9786 against 0.9796
    without it, and the note said it inflated the test."""
    name, end = leak["attribute"], leak["end"]
    levels = [f"'{lv['level']}' {percent(lv['gone_share'])}" for lv in leak.get("levels", [])]
    if levels:
        listed = f"{', '.join(levels[:-1])} and {levels[-1]}" if len(levels) > 1 else levels[0]
        told = (
            f"{listed} were gone by {end} (all: {percent(leak['gone_share'])}), told apart "
            "with ROC AUC"
        )
    else:
        told = f"it tells who is gone by {end} with ROC AUC"
    dated = (
        f" against {leak['best_dated_roc_auc']:.3f} for the best dated feature "
        f"({leak['best_dated_feature']})"
        if "best_dated_feature" in leak
        else ""
    )
    if (own := leak.get("customer_levels")) is not None:
        return (
            f"{name} has {own['levels']:,} levels among {own['customers']:,} customers "
            f"({own['own_level']:,} with a level of their own): the model can learn each "
            "customer by it across training cutoffs, and meets them again at the test's (of "
            f"the customers still there {leak['horizon_days']} days after a cutoff, it tells "
            f"who is gone by {end} with ROC AUC {leak['roc_auc_gone_by_end']:.3f}{dated}); "
            "new customers bring levels it never learned: leave "
            f"{name} out (not_attributes: [{name}] under attributes: all)"
        )
    if "lookup" in leak:
        undated = f"a lookup joins it from {leak['lookup']}, which has no timestamp"
        remedy = f"leave {name} out of attributes and the lookup's columns"
    else:
        undated = "its table has no timestamp"
        remedy = (
            f"leave {name} out of attributes (not_attributes under attributes: all) or give "
            "its table a timestamp (a history of its values, each read from its date)"
        )
    return (
        f"{name} is read as of the extract ({undated}), so at every training cutoff it "
        f"knows who leaves later: of the customers still there {leak['horizon_days']} days "
        f"after one, {told} {leak['roc_auc_gone_by_end']:.3f}{dated}: a column that knows "
        f"the future is a leak, whatever the model's test says, and will not hold on new "
        f"data: {remedy}"
    )


def _telling_pair_note(pair: dict[str, Any], model_auc: float) -> str:
    """Two columns that together, not alone, rank churners nearly as the model does."""
    first, second = pair["features"]
    alone = ", ".join(f"{a:.3f}" for a in pair["alone"])
    return (
        f"{first} and {second} together rank churners at ROC AUC {pair['roc_auc']:.3f} "
        f"(alone {alone}), the model {model_auc:.4f}: two columns that only together give "
        "the outcome away are often one written when customers leave beside one that is "
        "not (a start date beside a tenure that stops counting at cancellation); `churn "
        "promote` refuses this run (--force overrides): check when each is recorded, and "
        "leave out the one that is not known before the cutoff"
    )


def _strong_attribute_note(strong: list[dict[str, Any]], model_auc: float) -> str:
    """Attributes read as of the extract that rank churners nearly as the model does: a
    contract's months left read 0 once a customer cancels. Beside a near-perfect model
    (`suspected_leaks`) they are taken for leaks, and the gate refuses the run."""
    alone = _alone(strong, STRONG_UNDATED_AUC)
    it, it_is = ("it", "it is") if len(strong) == 1 else ("them", "they are")
    if model_auc >= SUSPECT_MODEL_AUC:
        return (
            f"{alone}, and the model {model_auc:.4f} ({SUSPECT_MODEL_AUC} or more, as no "
            f"churn model on real data here tests: 0.76-0.97): {it_is} read as of the "
            "extract, so likely recorded after the cutoff (a later period's usage, a status) "
            "and together give the outcome away; `churn promote` refuses this run (--force "
            f"overrides): leave {it} out (not_attributes) unless known before the cutoff"
        )
    leaks = "it leaks" if len(strong) == 1 else "they leak"
    return (
        f"{alone} (the model {model_auc:.3f}): {it_is} read as of the extract, so if "
        f"{it_is} written when customers leave (a contract's time left, a status), {leaks} "
        f"the label and new customers rank worse than tested; check when {it_is} recorded"
    )


def _siblings_note(found: dict[str, Any]) -> str:
    """More of the model's attributes in the family a period-like part of leaking
    columns' names marks (`training.leaks.period_siblings`): naming leaks one at a time
    left 48 month-9 columns in a telecom model after the 7 named were left out. Not said
    of a mere check note: an honest model's own month-8 columns would read as suspects."""
    pattern = found["pattern"]
    part = pattern.strip("*")
    verb = ("ends in", "starts with") if found["more"] == 1 else ("end in", "start with")
    where = f"{verb[0] if pattern.startswith('*') else verb[1]} '{part}'"
    some = ", ".join(found["some"]) + (", …" if found["more"] > len(found["some"]) else "")
    named = (
        "the leaking column named above does"
        if found["named"] == 1
        else (f"{found['named']} of the leaking columns named above do")
    )
    return (
        f"{found['more']:,} more attribute{'s' if found['more'] > 1 else ''} of the model "
        f"{where} as {named} ({some}): if '{part}' marks a period after the cutoff, leave "
        f"them all out (not_attributes takes patterns like '{pattern}')"
    )


def undated_strong(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The attributes read as of the extract that alone rank churners at
    `STRONG_UNDATED_AUC` or more (`strongest_single_feature`), less those the
    undated-attribute check names already (a report logged before lists only the best)."""
    strongest = report.get("strongest_single_feature") or {}
    strong = strongest.get("undated_strong") or [
        strongest[key] for key in ("undated_attribute",) if key in strongest
    ]
    said = {leak["attribute"] for leak in report.get("undated_attribute_leaks", [])}
    return [found for found in strong if found["feature"] not in said]


def suspected_leaks(report: dict[str, Any]) -> list[str]:
    """The `undated_strong` attributes beside a model at `SUSPECT_MODEL_AUC` or more:
    none reaches the leak line alone, together they hold what the model cannot know."""
    if not report.get("model", {}).get("roc_auc", np.nan) >= SUSPECT_MODEL_AUC:
        return []
    return [found["feature"] for found in undated_strong(report)]


def leaking_columns(report: dict[str, Any]) -> list[str]:
    """The columns `churn train` found leaking the label, each once: those that alone
    rank churners at `LEAK_AUC` or more (not the churn definition's own inputs), the
    undated attributes that know who leaves later, and those a near-perfect model makes
    suspect (`suspected_leaks`). The worklist's caution says them, and `churn promote`
    refuses such a run and sets aside a champion that learned from them."""
    leaking = (report.get("strongest_single_feature") or {}).get("leaking", [])
    names = [leak["feature"] for leak in leaking]
    names += [leak["attribute"] for leak in report.get("undated_attribute_leaks", [])]
    names += (report.get("telling_pair") or {}).get("features", [])
    return list(dict.fromkeys(names + suspected_leaks(report)))


def unexplained_perfection(report: dict[str, Any]) -> bool:
    """A test ROC AUC of `NEAR_PERFECT_AUC` or more that no column `churn train` named
    explains: no leak (`leaking_columns`), no strong undated attribute, no input of the
    churn definition itself (an expiry run's paid days left rank churners by what churn
    is). An insurer's policies, the two leaks named left out, tested at 1.0000 on two
    columns that only together gave the outcome away."""
    strongest = report.get("strongest_single_feature") or {}
    explained = leaking_columns(report) or undated_strong(report)
    auc = report["model"].get("roc_auc", np.nan)
    return (
        bool(auc >= NEAR_PERFECT_AUC) and not explained and not strongest.get("definition_inputs")
    )


def near_chance(report: dict[str, Any]) -> bool:
    """The model and every baseline rank the test rows under `NEAR_CHANCE_AUC`."""
    baselines = [b.get("roc_auc", 0.0) for b in report["baselines"].values()]
    auc = report["model"].get("roc_auc", np.nan)
    return bool(auc < NEAR_CHANCE_AUC) and max(baselines, default=0) < NEAR_CHANCE_AUC


def better_baseline(
    report: dict[str, Any], margin: float = BASELINE_MARGIN
) -> tuple[str, float] | None:
    """The baseline that ranks the test rows best, with its ROC AUC, when that beats the
    model's by more than `margin`."""
    model = report["model"].get("roc_auc", np.nan)
    scored = {k: v.get("roc_auc", np.nan) for k, v in report["baselines"].items()}
    better = {k: v for k, v in scored.items() if v > model + margin}
    if not better:
        return None
    name = max(better, key=better.__getitem__)
    return name, better[name]


def baseline_notes(report: dict[str, Any]) -> list[str]:
    """The baseline that ranks better than the model (`better_baseline`), if any:
    `churn train` says it, and `churn promote` repeats it from the run's logged metrics."""
    found = better_baseline(report)
    if found is None:
        return []
    name, auc = found
    return [
        f"baseline {name} ranks better than the model (ROC AUC {auc:.4f} vs "
        f"{report['model']['roc_auc']:.4f}): check the data and features before promoting "
        "this run"
    ]


def _saturated_lift(report: dict[str, Any]) -> list[str]:
    """Lift at its ceiling for the model and a baseline alike (the top tenth all
    churners for both: dunnhumby's 22.6% churn read 4.42 for every contender) tells
    them apart no better than a constant would."""
    rate = report["churn_rate"]
    if not 0 < rate < MOSTLY_CHURNERS:  # nearly only churners: said above
        return []
    ceiling = 1 / rate
    at_ceiling = [
        name
        for name, metrics in report["baselines"].items()
        if metrics.get("lift_top_decile", 0) >= SATURATED * ceiling
    ]
    if report["model"].get("lift_top_decile", 0) < SATURATED * ceiling or not at_ceiling:
        return []
    return [
        f"lift_top_decile is at its ceiling ({ceiling:.2f}, 1 ÷ the churn rate) for the model "
        f"and {', '.join(at_ceiling)}: each one's top tenth is all churners, so lift tells "
        "them apart no better than a constant; compare ROC AUC, PR AUC and Brier"
    ]


SATURATED = 0.999


def _history_caveats(report: dict[str, Any]) -> list[str]:
    """Training cutoffs the data could not hold (dropped: under a month of activity
    before them), and those kept with less history before them than the longest window
    read there (`longest_window`)."""
    notes = []
    kept = report.get("training_cutoffs", [])
    empty = report.get("training_cutoffs_empty", [])
    requested = report.get("training_cutoffs_requested", len(kept))
    if empty:
        notes.append(
            f"{len(empty)} of the {len(kept) + len(empty)} training cutoffs "
            f"({_listed_dates(empty)}) {'holds' if len(empty) == 1 else 'hold'} no active "
            "customer, a gap in the data (`churn "
            f"validate` says where): the model learned from the other {len(kept)}"
        )
    if kept and len(kept) + len(empty) < requested:
        weekly = (
            "weekly cutoffs (training.spacing: 7) or "
            if report.get("training_spacing") == "month"
            else ""
        )
        few = "few to learn from; " if len(kept) <= requested / 2 else ""
        notes.append(
            f"{len(kept)} of the {requested} training cutoffs fit in the data (a cutoff needs "
            f"a month of activity before it, or the horizon when shorter): {few}"
            f"{weekly}a shorter horizon fits more"
        )
    history = report.get("history_days_at_first_training_cutoff")
    needed = report.get("history_days_needed", SHORT_HISTORY_DAYS)
    if history is not None and history < needed:
        notes.append(_short_history_note(kept, history, needed, report.get("history_needed_by")))
    return notes


def _listed_dates(dates: list[str]) -> str:
    """Dates as a list, a run of more than three as its ends."""
    return ", ".join(dates) if len(dates) <= 3 else f"{dates[0]} to {dates[-1]}"


def _short_history_note(kept: list[str], history: int, needed: int, by: list[str] | None) -> str:
    """The training cutoffs with under `needed` days of data before them (`history` before
    the earliest), what reads that many (`by`), and what that leaves unknown there."""
    first = pd.Timestamp(min(kept))
    short = sorted(c for c in set(kept) if history + (pd.Timestamp(c) - first).days < needed)
    # cutoffs, not days: "180 days of data before it, and 6 more" read as 186 days
    others = f"{len(short) - 1} more cutoff{'s' if len(short) > 2 else ''}"
    more = f", and {others} up to {short[-1]}" if len(short) > 1 else ""
    names = [f"churn.{name}" if name == "active_window_days" else name for name in by or []]
    read = f" read by {', '.join(names[:3])}{' and others' if len(names) > 3 else ''}"
    active = (
        f"; who counts as active there is judged on the activity the data hold, not "
        f"{needed} days of it"
        if "churn.active_window_days" in names
        else ""
    )
    learns = (
        "at every training cutoff: the model never learns them known for such customers, "
        "as its test and scoring read them"
        if len(short) == len(set(kept))
        else "the model learns them from later cutoffs only"
    )
    return (
        f"the earliest training cutoff ({first.date()}) has {history} days of data before "
        f"it{more}, under the {needed} days{read if names else ''}: windows that long are "
        f"unknown there for customers who joined before the data begin ({learns}){active}; "
        "if the data begin with the business (no customer had bought before), set "
        "data.complete_history: true"
    )


def _assumed(economics: dict[str, Any]) -> str:
    """The campaign economics the optimum follows from: with the default costs and
    customers worth thousands, contacting nearly everyone pays, which says more about
    the costs than about the model."""
    value = economics.get("value_per_customer")
    worth = "each customer's own value" if value is None else f"{value:,.0f} per customer"
    return (
        f"  assuming contact {economics['contact_cost']:,.2f}, offer "
        f"{economics['offer_cost']:,.2f}, {economics['acceptance_rate']:.0%} accept, a save "
        f"worth {worth} (set `profit:` in the config to your campaign's)"
    )


def costs_above_values(profit: dict[str, Any]) -> str | None:
    """Where saving the median customer brings less than trying costs (their value times
    the acceptance rate, against a contact and the offers accepted), said with the
    figures: H&M's prices are scaled to fractions (a median year's spend 0.14), so contact
    1.00 and offer 10.00 made every campaign a loss, and the printout read as if no
    campaign could pay."""
    economics, median = profit.get("assumptions"), profit.get("value_median")
    if not economics or median is None or economics.get("value_per_customer") is not None:
        return None
    accept = economics["acceptance_rate"]
    cost = economics["contact_cost"] + accept * economics["offer_cost"]
    if accept * median >= cost:
        return None
    return (
        f"saving the median customer (worth {median:,.2f}) at {accept:.0%} acceptance brings "
        f"{accept * median:,.2f}, less than a contact and its offer cost ({cost:,.2f}): set "
        "profit.contact_cost and profit.offer_cost in the data's own money"
    )


def amount(value: float) -> str:
    """A sum of money in whole units: a loss under half a unit is 0, not "-0" (Chinook's
    top 10% printed "-0")."""
    return f"{value:z,.0f}"


def _fmt(value: float) -> str:
    return "-" if value is None or np.isnan(value) else f"{value:.4f}"
