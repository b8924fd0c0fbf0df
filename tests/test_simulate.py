"""The customer simulator: deterministic, loadable, and the DOMAIN.md mechanisms measurable.

Mechanism tests read the *written files* back (as a user would) and check that the
simulator's truth moves with what the files show: complaints, first-time buyers, the
overdue ratio, partial defection, and that realised churn follows the truth.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from features.contract import load_config
from features.simulate import SimulatedData, simulate, simulate_to_dir

DAY = pd.Timedelta(days=1)
HORIZON = pd.Timedelta(days=90)
CUSTOMERS, MONTHS, SEED = 2_000, 18, 11


@pytest.fixture(scope="module")
def retail_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("retail")
    simulate_to_dir(folder, customers=CUSTOMERS, months=MONTHS, seed=SEED)
    return folder


@pytest.fixture(scope="module")
def retail(retail_dir: Path) -> dict[str, pd.DataFrame]:
    """The written retail tables, read back with plain pandas."""
    return {
        "customers": pd.read_csv(retail_dir / "customers.csv", parse_dates=["created_at"]),
        "transactions": pd.read_parquet(retail_dir / "transactions.parquet"),
        "interactions": pd.read_csv(
            retail_dir / "interactions.csv", parse_dates=["opened_at", "closed_at", "logged_at"]
        ),
        "truth": pd.read_parquet(retail_dir / "truth.parquet"),
    }


@pytest.fixture(scope="module")
def labelled(retail: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Truth joined to the observable history at every cutoff with a complete horizon."""
    truth = retail["truth"]
    cutoffs = sorted(truth.loc[truth["horizon_observed"], "cutoff"].unique())
    frames = [_history_at(retail, pd.Timestamp(c)) for c in cutoffs[3:]]
    return pd.concat(frames, ignore_index=True)


def _history_at(tables: dict[str, pd.DataFrame], cutoff: pd.Timestamp) -> pd.DataFrame:
    """Per active customer: orders, recency, median gap, complaints, label and truth."""
    end = cutoff + DAY
    tx = tables["transactions"]
    orders = (
        tx.loc[tx["order_ts"] < end]
        .groupby("order_no")
        .agg(cust=("cust", "first"), ts=("order_ts", "first"), spend=("net_amount", "sum"))
    )
    orders = orders.sort_values("ts")
    gaps = orders.groupby("cust")["ts"].diff().dt.days
    ago = (end - orders["ts"]).dt.days
    per = orders.assign(gap=gaps, ago=ago).groupby("cust")
    history = pd.DataFrame(
        {
            "orders": per.size(),
            "recency": per["ago"].min(),
            "median_gap": per["gap"].median(),
            "spend_90d": per.apply(lambda f: f.loc[f["ago"] < 90, "spend"].sum()),
            "spend_prev_90d": per.apply(lambda f: f.loc[f["ago"].between(90, 179), "spend"].sum()),
        }
    )
    history = history[history["recency"] < 365]
    future = tx.loc[(tx["order_ts"] >= end) & (tx["order_ts"] < end + HORIZON), "cust"]
    history["label"] = (~history.index.isin(future.unique())).astype(int)
    ix = tables["interactions"]
    recent = ix["kind"].isin(["complaint", "grievance"]) & (ix["logged_at"] < end)
    recent &= ix["opened_at"] >= end - pd.Timedelta(days=30)
    history["complaint_30d"] = history.index.isin(ix.loc[recent, "cust"])
    truth = tables["truth"].loc[tables["truth"]["cutoff"] == cutoff].set_index("customer_id")
    history = history.join(truth[["p_churn", "phase"]])
    return history.rename_axis("customer_id").reset_index().assign(cutoff=cutoff)


# --- determinism and API -------------------------------------------------------------


def _frames(data: SimulatedData) -> dict[str, pd.DataFrame]:
    names = ("customers", "transactions", "events", "interactions", "cancellations", "truth")
    return {n: getattr(data, n) for n in names if getattr(data, n) is not None}


@pytest.mark.parametrize("kind", ["retail", "subscription"])
def test_same_seed_gives_identical_frames_and_another_seed_does_not(kind):
    first = _frames(simulate(customers=500, months=6, seed=5, kind=kind))
    again = _frames(simulate(customers=500, months=6, seed=5, kind=kind))
    other = _frames(simulate(customers=500, months=6, seed=6, kind=kind))
    for name, frame in first.items():
        pd.testing.assert_frame_equal(frame, again[name])
    assert not first["interactions"].equals(other["interactions"])


def test_same_seed_writes_byte_identical_files(tmp_path):
    for folder in ("a", "b"):
        simulate_to_dir(tmp_path / folder, customers=300, months=4, seed=2)
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_progress_reports_every_month():
    calls: list[tuple[int, int]] = []
    simulate(
        customers=200, months=5, seed=1, progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(m, 5) for m in range(1, 6)]


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError, match="kind"):
        simulate(customers=10, months=2, seed=1, kind="telecom")  # type: ignore[arg-type]


# --- the written folder ----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["retail", "subscription"])
def test_written_config_loads_with_relative_paths_that_exist(tmp_path, kind):
    start = dt.date(2022, 3, 1)
    path = simulate_to_dir(
        tmp_path, customers=400, months=7, seed=3, kind=kind, start=start, horizon_days=60
    )
    config = load_config(path)
    assert path == tmp_path / "churn.yaml"
    assert config.data.as_of == dt.date(2022, 9, 30)
    assert config.churn.horizon_days == 60
    assert config.churn.definition == ("inactivity" if kind == "retail" else "cancellation")
    assert config.evaluation.truth == Path("truth.parquet")
    for table in config.data.tables().values():
        assert not table.path.is_absolute()
        assert config.resolve(table.path).is_file()
    assert config.resolve(config.evaluation.truth).is_file()
    mapped = config.data.interactions.raw_to_canonical()
    assert {mapped["grievance"], mapped["billing"], mapped["support_ticket"]} == {
        "complaint",
        "billing_error",
        "ticket",
    }


def test_retail_config_maps_file_columns_and_consumables(retail_dir, retail):
    config = load_config(retail_dir / "churn.yaml")
    tx = config.data.transactions
    assert set(tx.mapped().values()) <= set(retail["transactions"].columns)
    assert set(tx.consumable_categories) < set(retail["transactions"]["product_category"])
    customers = config.data.customers
    assert set(customers.attributes) <= set(retail["customers"].columns)
    assert set(customers.mapped().values()) <= set(retail["customers"].columns)


def test_tables_are_clean_and_consistent(retail_dir, retail):
    as_of = pd.Timestamp(load_config(retail_dir / "churn.yaml").data.as_of)
    customers, tx, ix = retail["customers"], retail["transactions"], retail["interactions"]
    assert customers["cust_id"].is_unique
    assert set(tx["cust"]) <= set(customers["cust_id"])
    assert set(ix["cust"]) <= set(customers["cust_id"])
    assert tx[["cust", "order_ts", "net_amount"]].notna().all().all()
    assert (tx["net_amount"] > 0).all() and (tx["discount_amt"] >= 0).all()
    for column in (tx["order_ts"], ix["opened_at"], ix["closed_at"].dropna(), ix["logged_at"]):
        assert column.max() < as_of + DAY
    assert (ix["logged_at"] >= ix["opened_at"]).all()
    assert set(ix["csat"].dropna()) <= {1, 2, 3, 4, 5}
    assert set(ix["kind"]) == {
        "complaint",
        "grievance",
        "support_ticket",
        "billing",
        "call",
        "survey",
    }
    assert (customers["created_at"] < pd.Timestamp("2023-01-01")).any(), "some signed up before"
    assert customers["created_at"].max() > pd.Timestamp("2024-01-01"), "arrivals over the span"


def test_truth_is_one_probability_per_customer_and_month_end(retail):
    truth = retail["truth"]
    assert truth["p_churn"].between(0.0, 1.0).all()
    assert not truth.duplicated(["customer_id", "cutoff"]).any()
    assert pd.api.types.is_datetime64_dtype(truth["cutoff"])
    assert (truth["cutoff"] + DAY).dt.is_month_start.all()
    assert truth["cutoff"].nunique() == MONTHS
    assert set(truth["customer_id"]) <= set(retail["customers"]["cust_id"])
    assert truth.loc[truth["phase"] == "gone", "p_churn"].eq(1.0).all()


# --- mechanisms, measured from the files -----------------------------------------------


def test_realised_churn_is_realistic_and_follows_the_truth(labelled):
    assert 0.15 <= labelled["label"].mean() <= 0.35
    top = labelled["p_churn"] >= labelled["p_churn"].quantile(0.9)
    bottom = labelled["p_churn"] <= labelled["p_churn"].median()
    assert labelled.loc[top, "label"].mean() > 2 * labelled.loc[bottom, "label"].mean()
    assert abs(labelled["label"].mean() - labelled["p_churn"].mean()) < 0.03, "calibrated"


def test_recent_complaint_raises_the_truth(labelled):
    by_complaint = labelled.groupby("complaint_30d")["p_churn"].mean()
    assert by_complaint[True] > 1.2 * by_complaint[False]


def test_first_time_buyers_churn_more(labelled):
    first_time = labelled["orders"] == 1
    assert (
        labelled.loc[first_time, "p_churn"].mean()
        > 1.5 * labelled.loc[~first_time, "p_churn"].mean()
    )


def test_overdue_ratio_matters_not_raw_recency(labelled):
    known = labelled[labelled["orders"] >= 4]
    overdue = known["recency"] / known["median_gap"].clip(lower=1)
    late, on_time = known[overdue > 3], known[overdue < 1]
    assert late["p_churn"].mean() > 2 * on_time["p_churn"].mean()
    same_recency = known["recency"].between(30, 90)
    late = known.loc[same_recency & (overdue > 3), "p_churn"]
    on_time = known.loc[same_recency & (overdue < 1.5), "p_churn"]
    assert late.mean() > 1.3 * on_time.mean(), "same silence, different rhythm, different risk"


def test_partial_defection_shows_as_falling_spend(labelled):
    base = labelled[labelled["spend_prev_90d"] > 0]
    trend = base["spend_90d"] / base["spend_prev_90d"]
    assert (
        trend[base["phase"] == "defecting"].median()
        < 0.6 * trend[base["phase"] == "active"].median()
    )


def test_discount_seekers_leave_when_discounts_stop(retail):
    tx, truth = retail["transactions"], retail["truth"]
    cutoff = pd.Timestamp(sorted(truth["cutoff"].unique())[12])
    end = cutoff + DAY
    past = tx[tx["order_ts"] < end]
    recent = (end - past["order_ts"]).dt.days < 120
    per = (
        pd.DataFrame(
            {
                "old_discount": past["discount_amt"].where(~recent, 0.0),
                "old_spend": past["net_amount"].where(~recent, 0.0),
                "new_discount": past["discount_amt"].where(recent, 0.0),
                "new_lines": recent,
            }
        )
        .groupby(past["cust"])
        .sum()
    )
    per = per[per["new_lines"] > 0].join(truth[truth["cutoff"] == cutoff].set_index("customer_id"))
    seeker = per["old_discount"] > 0.15 * per["old_spend"]
    stopped = per.loc[seeker & (per["new_discount"] == 0), "p_churn"]
    still = per.loc[seeker & (per["new_discount"] > 0), "p_churn"]
    assert stopped.mean() > 1.3 * still.mean()


def test_surveys_barely_track_the_truth_but_complaints_do(retail):
    ix, truth = retail["interactions"], retail["truth"]
    cutoff = pd.Timestamp(sorted(truth["cutoff"].unique())[12])
    known = ix[ix["logged_at"] < cutoff + DAY]
    held = truth[truth["cutoff"] == cutoff].set_index("customer_id")["p_churn"]
    survey = known[known["kind"] == "survey"].groupby("cust")["csat"].mean()
    assert abs(np.corrcoef(survey, held.reindex(survey.index))[0, 1]) < 0.15
    complained = held.index.isin(known.loc[known["kind"] == "complaint", "cust"])
    assert held[complained].mean() > 1.2 * held[~complained].mean()


def test_orders_peak_in_the_fourth_quarter(retail):
    orders = retail["transactions"].drop_duplicates("order_no")
    by_quarter = orders.groupby(orders["order_ts"].dt.quarter).size()
    assert by_quarter[4] > 1.15 * by_quarter[3]


def test_subscription_writes_cancellations_and_usage_events(tmp_path):
    path = simulate_to_dir(tmp_path, customers=CUSTOMERS, months=14, seed=SEED, kind="subscription")
    config = load_config(path)
    customers = pd.read_csv(tmp_path / "customers.csv")
    events = pd.read_parquet(tmp_path / "events.parquet")
    cancels = pd.read_csv(tmp_path / "cancellations.csv", parse_dates=["cancelled_at"])
    truth = pd.read_parquet(tmp_path / "truth.parquet")
    assert set(events["event"]) == set(config.data.events.types)
    assert (events["qty"] > 0).all() and set(events["cust"]) <= set(customers["cust_id"])
    assert len(cancels) > 0 and cancels["cust"].is_unique
    last_day = pd.Timestamp(config.data.as_of) + DAY
    assert events["event_ts"].max() < last_day and cancels["cancelled_at"].max() < last_day
    cancelled_at = cancels.set_index("cust")["cancelled_at"].reindex(events["cust"]).to_numpy()
    assert not (events["event_ts"].to_numpy() >= cancelled_at).any(), "no use after cancelling"
    assert {"month_to_month", "annual"} == set(customers["contract"])
    cutoff = sorted(truth["cutoff"].unique())[6]
    held = truth[truth["cutoff"] == cutoff].set_index("customer_id")
    end = pd.Timestamp(cutoff) + DAY
    when = cancels.set_index("cust")["cancelled_at"].reindex(held.index)
    label = ((when >= end) & (when < end + HORIZON)).astype(int)
    assert not (when < end).any(), "truth rows are subscribers at the cutoff"
    top = held["p_churn"] >= held["p_churn"].quantile(0.9)
    assert label[top].mean() > 3 * label[~top].mean()
    recent = events["event_ts"].between(end - pd.Timedelta(days=60), end, inclusive="left")
    sessions = events[recent & (events["event"] == "session")].groupby("cust")["qty"].sum()
    minutes = sessions.reindex(held.index, fill_value=0.0)
    by_phase = minutes.groupby(held["phase"], observed=True).mean()
    assert by_phase["disengaging"] < 0.6 * by_phase["active"], "disengagement is visible"
