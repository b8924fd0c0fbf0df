"""The training set: the out-of-time cutoff plan, and the labelled rows assembled on it."""

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from features.contract import (
    ChurnSpec,
    DataSpec,
    RunConfig,
    TrainingSpec,
    TransactionsSpec,
    load_config,
)
from features.labels import label_churn
from features.registry import FeatureSpec, Mechanism
from features.sources import load_tables
from features.wallet import wallet_inputs
from tests.factories import interactions_frame, many_transactions, write_dataset
from tests.frames import (
    customers,
    events,
    make_tables,
    random_tables,
    rhythm_config,
    rhythm_tables,
    transactions,
)
from training.calibrate import fit_calibrator
from training.dataset import (
    PlanError,
    assemble,
    min_history_days,
    plan_cutoffs,
    with_fitted_features,
)
from training.protocol import (
    _require_calibration,
    _require_rows,
    horizon_shortfall,
    make_plan,
    out_of_time,
)

T = pd.Timestamp
MONTHLY = TrainingSpec(cutoffs=4)


# -- plan_cutoffs: hand-computed grids ---------------------------------------------------------


def test_monthly_plan_by_hand():
    # data end 2024-06-30, horizon 90 days:
    #   test       = last month-end on/before 2024-06-30 - 90d = 2024-04-01  -> 2024-03-31
    #   validation = last month-end on/before 2024-03-31 - 90d = 2024-01-01  -> 2023-12-31
    #   training   = the 4 month-ends before the validation cutoff
    plan = plan_cutoffs(T("2024-06-30"), horizon_days=90, training=MONTHLY)
    assert plan.test == T("2024-03-31")
    assert plan.validation == T("2023-12-31")
    assert plan.train == [T("2023-08-31"), T("2023-09-30"), T("2023-10-31"), T("2023-11-30")]
    assert plan.all == [*plan.train, plan.validation, plan.test]


def test_fixed_day_plan_by_hand():
    # 30-day spacing is not snapped to a grid: test = 2024-06-30 - 90d = 2024-04-01,
    # validation = 2024-04-01 - 90d = 2024-01-02, then steps of 30 days back.
    plan = plan_cutoffs(
        T("2024-06-30"), horizon_days=90, training=TrainingSpec(cutoffs=3, spacing=30)
    )
    assert plan.test == T("2024-04-01")
    assert plan.validation == T("2024-01-02")
    assert plan.train == [T("2023-10-04"), T("2023-11-03"), T("2023-12-03")]


def test_configured_test_cutoff_is_used_as_given():
    plan = plan_cutoffs(
        T("2024-06-30"), horizon_days=90, training=MONTHLY, test_cutoff=T("2024-02-29")
    )
    assert plan.test == T("2024-02-29")
    assert plan.validation == T("2023-11-30")  # 2024-02-29 - 90d = 2023-12-01 -> 2023-11-30


def test_test_cutoff_beyond_the_data_is_a_plan_error_saying_what_to_use():
    with pytest.raises(PlanError) as raised:
        plan_cutoffs(
            T("2024-06-30"), horizon_days=90, training=MONTHLY, test_cutoff=T("2024-05-31")
        )
    message = str(raised.value)
    assert "2024-05-31" in message  # the cutoff asked for
    assert "90-day horizon" in message
    assert "2024-06-30" in message  # where the data end
    assert "use 2024-03-31 or earlier" in message


def test_data_too_short_for_any_training_cutoff_is_a_plan_error():
    # first activity 2023-12-15: the validation cutoff 2023-12-31 leaves no month-end before it
    with pytest.raises(PlanError, match="too short for a 90-day horizon"):
        plan_cutoffs(
            T("2024-06-30"), horizon_days=90, training=MONTHLY, first_activity=T("2023-12-15")
        )


def test_short_data_are_told_the_horizon_and_spacing_that_fit():
    """Four months (Ta-Feng): a 90-day horizon plans with no spacing; the advice is a
    shorter one that plans."""
    end, first = T("2001-02-28"), T("2000-11-01")
    with pytest.raises(PlanError) as raised:
        plan_cutoffs(end, horizon_days=90, training=MONTHLY, first_activity=first)
    assert "too short for a 90-day horizon" in str(raised.value)
    advice = re.search(
        r"fit churn\.horizon_days: (\d+) with training\.spacing: 7", str(raised.value)
    )
    assert advice, str(raised.value)
    weekly = TrainingSpec(cutoffs=4, spacing=7)
    plan = plan_cutoffs(end, horizon_days=int(advice[1]), training=weekly, first_activity=first)
    assert plan.train and min(plan.train) - first >= pd.Timedelta(days=30)


def test_weekly_cutoffs_that_keep_the_horizon_are_advised_first():
    """Four months (Ta-Feng) with a 30-day horizon: "too short for a 30-day horizon ...
    fit churn.horizon_days: 29 with training.spacing: 7" was false, as 30 days with
    weekly cutoffs train: only month-ends do not fit."""
    end, first = T("2001-02-28"), T("2000-11-01")
    with pytest.raises(PlanError) as raised:
        plan_cutoffs(end, horizon_days=30, training=MONTHLY, first_activity=first)
    message = str(raised.value)
    assert "too short" not in message
    assert (
        "month-end cutoffs do not fit in the 119 days of data; training.spacing: 7 keeps your "
        "30-day horizon (weekly cutoffs: 4 to train on)"
    ) in message
    weekly = TrainingSpec(cutoffs=12, spacing=7)
    plan = plan_cutoffs(end, horizon_days=30, training=weekly, first_activity=first)
    assert len(plan.train) == 4


def test_the_advice_for_short_data_keeps_a_configured_test_cutoff():
    """The advice planned without evaluation.cutoff: following it failed again."""
    end, first, test = T("2024-12-31"), T("2024-01-01"), T("2024-03-31")
    with pytest.raises(PlanError) as raised:
        plan_cutoffs(end, horizon_days=90, training=MONTHLY, test_cutoff=test, first_activity=first)
    message = str(raised.value)
    advice = re.search(r"fit churn\.horizon_days: (\d+)", message)
    if advice:
        weekly = TrainingSpec(cutoffs=4, spacing=7)
        days = int(advice[1])
        assert plan_cutoffs(
            end, horizon_days=days, training=weekly, test_cutoff=test, first_activity=first
        )
    else:
        assert "the evaluation.cutoff 2024-03-31 leaves too little data before it" in message


def test_an_evaluation_cutoff_too_early_for_the_horizon_is_said_as_such():
    """Advice about the whole data's length ("the 373 days of data fit churn.horizon_days:
    69") misled where the data fit the horizon and only the configured test cutoff did not."""
    end, first, test = T("2024-12-31"), T("2024-01-01"), T("2024-03-31")
    with pytest.raises(PlanError) as raised:
        plan_cutoffs(end, horizon_days=90, training=MONTHLY, test_cutoff=test, first_activity=first)
    assert str(raised.value).endswith(
        ": the evaluation.cutoff 2024-03-31 leaves too little data before it for a 90-day "
        "horizon; a later one, or none (the latest the data allow: 2024-09-30), keeps it"
    )


def test_a_training_cutoff_needs_a_month_of_history():
    """A cutoff 3 days after the first activity held only newcomers."""
    weekly = TrainingSpec(cutoffs=12, spacing=7)
    first = T("2000-11-01")
    plan = plan_cutoffs(T("2001-02-28"), horizon_days=30, training=weekly, first_activity=first)
    assert min(plan.train) == T("2000-12-02")  # 31 days in; Nov 25 (24 days) was dropped


def test_training_cutoffs_on_or_before_the_first_activity_are_dropped():
    plan = plan_cutoffs(
        T("2024-06-30"), horizon_days=90, training=MONTHLY, first_activity=T("2023-09-30")
    )
    assert plan.train == [T("2023-10-31"), T("2023-11-30")]


# -- plan_cutoffs: invariants for any data end, horizon and grid -------------------------------

SPACINGS = st.one_of(st.just("month"), st.integers(1, 120))


@settings(max_examples=300, deadline=None)
@given(
    end=st.dates(
        min_value=pd.Timestamp("2015-01-01").date(), max_value=pd.Timestamp("2035-12-31").date()
    ),
    horizon=st.integers(1, 400),
    spacing=SPACINGS,
    cutoffs=st.integers(1, 24),
    first_gap=st.one_of(st.none(), st.integers(0, 3000)),
)
def test_plan_invariants(end, horizon, spacing, cutoffs, first_gap):
    observed_until = T(end)
    first = None if first_gap is None else observed_until - pd.Timedelta(days=first_gap)
    training = TrainingSpec(cutoffs=cutoffs, spacing=spacing)
    try:
        plan = plan_cutoffs(
            observed_until, horizon_days=horizon, training=training, first_activity=first
        )
    except PlanError:
        assert first is not None  # only a late first activity can leave no training cutoff
        return
    h = pd.Timedelta(days=horizon)
    assert plan.test + h <= observed_until
    assert plan.validation + h <= plan.test
    assert all(c < plan.validation for c in plan.train)
    assert plan.train == sorted(set(plan.train))
    assert 1 <= len(plan.train) <= cutoffs
    if first is None:
        assert len(plan.train) == cutoffs
    else:
        history = pd.Timedelta(days=min_history_days(horizon))
        assert all(c - first >= history for c in plan.train)
    if spacing == "month":
        assert all(c.is_month_end for c in plan.all)
    else:
        steps = np.diff([*plan.train, plan.validation])
        assert all(step == pd.Timedelta(days=spacing) for step in steps)


# -- assemble: eligible and observed rows, one per customer and cutoff -------------------------

CUTOFFS = [T("2023-06-30"), T("2023-12-31"), T("2024-10-31")]
"""random_tables end in late December 2024: the last cutoff's 90-day label is not observed."""


def _config() -> RunConfig:
    return RunConfig(
        name="t",
        data=DataSpec(transactions=TransactionsSpec(path=Path("unused.csv"))),
        churn=ChurnSpec(horizon_days=90),
    )


def test_assemble_keeps_exactly_the_eligible_observed_rows_once_each():
    tables = random_tables(3)
    data = assemble(tables, _config(), CUTOFFS, fit_on=CUTOFFS[:1])
    labels = label_churn(tables, _config().churn, cutoffs=CUTOFFS)
    usable = labels[labels["eligible"] & labels["observed"]]
    expected = set(zip(usable["customer_id"], usable["cutoff"], strict=True))
    got = set(zip(data.frame["customer_id"], data.frame["cutoff"], strict=True))
    assert got == expected
    assert not data.frame.duplicated(["customer_id", "cutoff"]).any()
    assert len(data.at(CUTOFFS[-1])) == 0  # unobserved labels are never trained or tested on
    assert len(data.at(CUTOFFS[0])) > 0 and len(data.at(CUTOFFS[1])) > 0
    assert not {"eligible", "observed"} & set(data.frame)
    assert data.y.tolist() == data.frame["churned"].astype(int).tolist()
    assert set(data.names) <= set(data.frame)


def test_the_cutoff_month_is_a_feature_only_when_training_saw_every_month_twice():
    """Four months of data: the test's January is a month no tree or coefficient saw.
    Twelve: each month is one date (AdventureWorks' 2021-09 at 99.8% churn carried to
    the 2022-09 test, ROC AUC 0.59 against 0.73 without it). Two years tell a season."""
    tables = random_tables(3)
    few = assemble(tables, _config(), CUTOFFS, fit_on=CUTOFFS[:2])
    assert "cutoff_month" not in few.names and "cutoff_month" not in few.frame
    months = [pd.Timestamp("2022-01-31") + pd.offsets.MonthEnd(k) for k in range(24)]
    year = assemble(tables, _config(), months[12:], fit_on=months[12:])
    assert "cutoff_month" not in year.names and "cutoff_month" not in year.frame
    every = assemble(tables, _config(), months, fit_on=months)
    assert "cutoff_month" in every.names and "cutoff_month" in every.frame


def _scaled_spend(tables, *, after: pd.Timestamp, until: pd.Timestamp, factor: float):
    """The same purchases, with amounts on days in (after, until] multiplied by `factor`."""
    tx = tables.transactions
    day = tx["timestamp"].dt.normalize()
    inside = (day > after) & (day <= until)
    return replace(
        tables, transactions=tx.assign(amount=tx["amount"].where(~inside, tx["amount"] * factor))
    )


def _wallet_predictions(tables, fit_on: list[pd.Timestamp], probe: pd.DataFrame) -> np.ndarray:
    data = assemble(tables, _config(), CUTOFFS[:2], fit_on=fit_on)
    return data.wallet.predict(wallet_inputs(probe, list(data.wallet_attributes)))


def _spend_by_segment(tables):
    """Larger companies spend more: attributes a wallet can be estimated from (random ones
    define no peers, and no wallet is estimated from them)."""
    scale = {"smb": 1.0, "mid": 3.0, "ent": 9.0}
    segment = tables.customers.set_index("customer_id")["segment"].map(scale)
    tx = tables.transactions
    return replace(
        tables, transactions=tx.assign(amount=tx["amount"] * tx["customer_id"].map(segment))
    )


def test_wallet_estimator_is_fitted_on_the_fit_on_cutoffs_only():
    tables = _spend_by_segment(random_tables(5, n_customers=120))
    first, second = CUTOFFS[:2]
    base = assemble(tables, _config(), [first, second], fit_on=[first])
    assert base.wallet is not None and base.wallet_attributes == ("segment", "seats")
    probe = base.frame[list(base.wallet_attributes)]
    # spend only at the later, non-fit cutoff changes: the estimator must not notice
    later = _scaled_spend(tables, after=first, until=second, factor=10.0)
    np.testing.assert_array_equal(
        _wallet_predictions(tables, [first], probe), _wallet_predictions(later, [first], probe)
    )
    # the same change does move an estimator fitted on both cutoffs (the check has teeth)
    assert not np.allclose(
        _wallet_predictions(tables, [first, second], probe),
        _wallet_predictions(later, [first, second], probe),
    )


def _more_purchases(tables, *, after: pd.Timestamp, until: pd.Timestamp):
    """Every purchase on days in (after, until - 1] bought once more, a day later."""
    tx = tables.transactions
    day = tx["timestamp"].dt.normalize()
    again = tx[(day > after) & (day < until)]
    again = again.assign(
        timestamp=again["timestamp"] + pd.Timedelta(days=1), order_id=again["order_id"] + 10**6
    )
    return replace(tables, transactions=pd.concat([tx, again], ignore_index=True))


def test_bgnbd_parameters_are_fitted_on_the_fit_on_cutoffs_only():
    tables = random_tables(7)
    first, second = CUTOFFS[:2]
    busier = _more_purchases(tables, after=first, until=second)

    def params(data_tables, fit_on):
        return assemble(data_tables, _config(), [first, second], fit_on=fit_on).bgnbd.params_

    np.testing.assert_array_equal(params(tables, [first]), params(busier, [first]))
    assert not np.allclose(params(tables, [first, second]), params(busier, [first, second]))


def test_rows_after_the_fitted_on_cutoffs_use_the_consumables_the_model_keeps():
    """Validation and test rows are scored as the packaged model will score them: with
    the consumable categories inferred as of the last fitted-on cutoff, not again."""
    tables = replace(random_tables(4), consumable_categories=None)
    first, second = CUTOFFS[:2]
    data = assemble(tables, _config(), [first, second], fit_on=[first])
    kept = data.consumable_categories
    assert kept is not None
    as_served = assemble(
        replace(tables, consumable_categories=kept), _config(), [second], fit_on=[second]
    )
    later = data.at(second).set_index("customer_id")["consumables_share_90d"]
    expected = as_served.frame.set_index("customer_id")["consumables_share_90d"]
    pd.testing.assert_series_equal(later, expected.loc[later.index], check_names=False)


def test_the_features_a_model_has_include_those_fitted_in_training():
    """`churn describe` lists what the model will use: the estimated wallet when none is
    supplied, and BG/NBD's when there are purchases."""

    def spec(name: str) -> FeatureSpec:
        return FeatureSpec(name, "float", Mechanism.RECENCY, "d", "t")

    buying = [spec(n) for n in ("spend_365d", "orders_total", "days_since_first_purchase")]
    buying.append(spec("days_since_last_purchase"))
    names = [s.name for s in with_fitted_features(buying, horizon_days=90)]
    assert {"wallet_365d", "wallet_share_365d", "p_alive_bgnbd"} <= set(names)
    supplied = [*buying, spec("wallet_share_365d")]
    assert "wallet_365d" not in [s.name for s in with_fitted_features(supplied, horizon_days=90)]
    assert with_fitted_features([spec("events_login_30d")], horizon_days=90) == [
        spec("events_login_30d")
    ]
    # nothing to estimate a wallet from (CDNOW: purchases alone): BG/NBD's only
    bare = [s.name for s in with_fitted_features(buying, horizon_days=90, attributes=False)]
    assert "wallet_365d" not in bare and "p_alive_bgnbd" in bare


# -- make_plan: the grid ends where the labels' evidence ends --------------------------------


def test_the_plan_ends_with_the_last_purchase_not_a_later_review(tmp_path):
    """An inactivity label reads purchases: reviews two months past the last purchase
    (Olist's) placed a test cutoff whose horizon no purchase covered ("no eligible
    customers with observed labels at the test cutoff")."""
    late_review = interactions_frame().assign(timestamp=["2024-03-10", "2024-04-01", "2025-03-01"])
    path = write_dataset(
        tmp_path,
        data={"as_of": None},
        transactions=many_transactions(400),
        interactions=late_review,
        events=None,
        cancellations=None,
        churn={"definition": "inactivity", "horizon_days": 30},
    )
    config = load_config(path)
    plan = make_plan(load_tables(config), config)
    assert plan.test + pd.Timedelta(days=30) <= T("2024-12-28")


def _at(rows: pd.DataFrame) -> tuple[list[pd.Timestamp], pd.DataFrame]:
    """`rows` with the cutoffs they were built at, as the protocols pass them."""
    return sorted(set(rows["cutoff"])), rows


def test_a_grid_of_only_churners_names_the_rows_and_the_likely_causes():
    rows = pd.DataFrame(
        {"customer_id": ["a", "b"], "cutoff": T("2024-03-31"), "churned": [True, True]}
    )
    purchases = random_tables(0, n_customers=3)
    with pytest.raises(PlanError) as raised:
        _require_rows(ChurnSpec(), purchases, train=_at(rows))
    said = str(raised.value)
    assert "all 2 train rows (cutoffs 2024-03-31) are churners" in said
    assert "an id per order" in said
    assert "churn.activity: usage" in said  # a usage log is mapped beside the purchases
    with pytest.raises(PlanError) as raised:
        _require_rows(ChurnSpec(activity="purchases"), purchases, train=_at(rows))
    assert "churn.activity" not in str(raised.value)  # chosen already
    with pytest.raises(PlanError) as raised:
        _require_rows(ChurnSpec(), replace(purchases, events=None), train=_at(rows))
    assert "churn.activity" not in str(raised.value)
    with pytest.raises(PlanError, match="no member renewed within the horizon") as raised:
        _require_rows(ChurnSpec(definition="expiry"), purchases, train=_at(rows))
    assert "Olist" not in str(raised.value)
    usage_only = replace(purchases, transactions=None)  # inactivity reads the usage log
    with pytest.raises(PlanError, match="nobody active then was active again") as raised:
        _require_rows(ChurnSpec(), usage_only, train=_at(rows))
    assert "move the cutoffs (evaluation.cutoff, training.cutoffs)" in str(raised.value)


def _stayers() -> pd.DataFrame:
    cutoffs = pd.to_datetime(["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"])
    return pd.DataFrame({"customer_id": "a", "cutoff": cutoffs, "churned": False})


def test_a_grid_of_only_stayers_says_the_longest_silence_and_what_recurs_by_itself():
    """A bank posts interest to every account monthly: nobody is silent 90 days, and the
    error said only "widen the cutoff grid or check the churn definition"."""
    interest = transactions(
        [(who, f"2024-{m:02d}-01", 0.5) for who in ("a", "b", "c") for m in range(1, 7)]
    )
    tables = make_tables(transaction_frame=interest, as_of=T("2024-06-30"))
    with pytest.raises(PlanError) as raised:
        _require_rows(ChurnSpec(horizon_days=90), tables, train=_at(_stayers()))
    assert str(raised.value) == (
        "all 4 train rows (cutoffs 2024-01-31 … 2024-04-30) are stayers: none of the 3 "
        "customers was ever silent for horizon_days (90): the longest gap between a "
        "customer's active days is 31 days, and from the last to the data's end "
        "(2024-06-30) 29. Rows that recur by themselves keep everyone active (interest, "
        "fees or standing orders posted to every account): leave them out with `rows:` "
        "({column: ..., not_values: [...]}), or set horizon_days under 31"
    )
    with pytest.raises(PlanError, match=r"stayers, though the data's longest silence runs 31"):
        _require_rows(ChurnSpec(horizon_days=30), tables, train=_at(_stayers()))
    # a wider grid reaches more training cutoffs, not another test cutoff (Wide World
    # Importers' 660 test stayers were told to widen it)
    with pytest.raises(PlanError) as raised:
        _require_rows(ChurnSpec(horizon_days=30), tables, test=_at(_stayers()))
    assert "runs 31 days: move the test cutoff (evaluation.cutoff) to a period whose " in str(
        raised.value
    )
    assert "shorter horizon_days" in str(raised.value) and "grid" not in str(raised.value)


def test_all_stayers_of_a_shop_are_told_no_bank_postings():
    """Chinook's music store, all stayers at a 600-day horizon, was told of interest and
    standing orders posted to every account: its customers buy on days of their own."""
    bought = transactions(
        [
            (who, f"2024-{m:02d}-{day:02d}", 9.9)
            for who, day in (("a", 3), ("b", 11), ("c", 20))
            for m in range(1, 7)
        ]
    )
    tables = make_tables(transaction_frame=bought, as_of=T("2024-06-30"))
    with pytest.raises(PlanError) as raised:
        _require_rows(ChurnSpec(horizon_days=90), tables, train=_at(_stayers()))
    said = str(raised.value)
    assert "account" not in said and "padded" not in said
    assert said.endswith(
        "(2024-06-30) 27. Set horizon_days under 31 (or leave out with `rows:` ({column: ..., "
        "not_values: [...]}) any rows that recur by themselves)"
    )


def test_all_stayers_of_a_usage_log_are_told_of_padded_rows_not_bank_postings():
    used = events(
        [
            (who, f"2024-{m:02d}-{day:02d}", "login")
            for who, day in (("a", 3), ("b", 11), ("c", 20))
            for m in range(1, 7)
        ]
    )
    tables = make_tables(
        customer_frame=customers(["a", "b", "c"]), events=used, as_of=T("2024-06-30")
    )
    with pytest.raises(PlanError) as raised:
        _require_rows(ChurnSpec(horizon_days=90), tables, train=_at(_stayers()))
    said = str(raised.value)
    assert "account" not in said
    assert (
        "Rows that recur by themselves keep everyone active (a daily log padded with rows of zeros)"
        in said
    )


def test_validation_rows_all_stayers_in_a_log_padded_with_zeros_say_so():
    """A MOOC log of 30 daily rows per enrollment, 92% zeros: every customer active at the
    validation cutoff had a row within the 10-day horizon."""
    days = pd.date_range("2024-01-01", "2024-03-31")
    rows = [("a", str(d.date()), "view", 0.0 if d.day % 5 else 1.0) for d in days]
    log = events([*rows, ("b", "2024-01-01", "view", 1.0)], columns=("quantity",))
    tables = make_tables(customer_frame=customers(["a", "b"]), events=log, as_of=T("2024-06-30"))
    with pytest.raises(PlanError) as raised:
        _require_rows(ChurnSpec(horizon_days=10), tables, validation=_at(_stayers()))
    assert str(raised.value).endswith(
        "are stayers, though the data's longest silence runs 181 days: move the test cutoff "
        "(evaluation.cutoff; validation is the cutoff before it), set a shorter horizon_days, "
        "or check the churn definition; 80% of the 92 usage rows hold 0 in every quantity (a "
        "log padded with a row per day?), and each counts as an active day: leave them out "
        "of the file (or with `rows:` where one column tells them)"
    )


def _with_a_hole() -> object:
    """Sakila's shape: purchases every few days until 2024-03-31, then none until one
    last day, 2024-09-30."""
    days = pd.date_range("2024-01-01", "2024-03-31", freq="5D")
    rows = [(who, str(d.date()), 5.0) for who in ("a", "b", "c") for d in days]
    return make_tables(
        transaction_frame=transactions([*rows, ("a", "2024-09-30", 5.0)]), as_of=T("2024-09-30")
    )


def test_no_rows_at_a_cutoff_in_a_hole_say_the_date_the_counts_and_the_gap():
    """Sakila's default cutoffs fell in a 175-day hole and the error named no date."""
    empty = pd.DataFrame({"customer_id": [], "cutoff": [], "churned": []})
    churn = ChurnSpec(horizon_days=30, active_window_days=60)
    with pytest.raises(PlanError) as raised:
        _require_rows(churn, _with_a_hole(), validation=([T("2024-07-31")], empty))
    assert str(raised.value) == (
        "no eligible customers with observed labels at the validation cutoff 2024-07-31: 0 of "
        "the 3 customers known then were active in the 60 days before it "
        "(churn.active_window_days), as no customer has any purchase from 2024-06-02 to "
        "2024-07-31 (the data hold nothing in that period: a gap in the extract?), and its "
        "30-day horizon ends 2024-08-30, within the data (to 2024-09-30)"
    )


def test_no_rows_at_cutoffs_past_the_data_say_where_each_horizon_ends():
    empty = pd.DataFrame({"customer_id": [], "cutoff": [], "churned": []})
    cutoffs = [T("2024-03-15"), T("2024-03-31")]
    with pytest.raises(PlanError) as raised:
        churn = ChurnSpec(horizon_days=200, active_window_days=90)
        _require_rows(churn, _with_a_hole(), test=(cutoffs, empty))
    assert str(raised.value) == (
        "no eligible customers with observed labels at the test cutoffs 2024-03-15: 3 of the "
        "3 customers known then were active in the 90 days before it "
        "(churn.active_window_days), and its 200-day horizon ends 2024-10-01, after the data "
        "(to 2024-09-30); 2024-03-31: 3 of the 3 customers known then were active in the 90 "
        "days before it (churn.active_window_days), and its 200-day horizon ends 2024-10-17, "
        "after the data (to 2024-09-30)"
    )


def test_only_churners_where_nobody_at_all_buys_in_the_horizon_is_a_gap_not_ids():
    """Sakila at a 48-day horizon: the validation cutoff's horizon lay in the hole, and
    the error asked whether customer_id was an id per order."""
    rows = pd.DataFrame({"customer_id": ["a", "b"], "cutoff": T("2024-05-31"), "churned": True})
    with pytest.raises(PlanError) as raised:
        _require_rows(ChurnSpec(horizon_days=48), _with_a_hole(), validation=_at(rows))
    assert str(raised.value) == (
        "all 2 validation rows (cutoffs 2024-05-31) are churners: no customer has any "
        "purchase from 2024-06-01 to 2024-07-18 (the data hold nothing in that period: a gap "
        "in the extract?)"
    )
    last_day = rows.assign(cutoff=T("2024-08-15"))  # "a" buys on 2024-09-30, in the horizon
    with pytest.raises(PlanError, match="an id per order"):
        _require_rows(ChurnSpec(horizon_days=48), _with_a_hole(), validation=_at(last_day))


def test_only_churners_before_the_data_s_first_repeat_purchase_say_when_they_come():
    """A bike shop's sample: first orders over two years, every repeat purchase in its
    last month; asked whether its ids were per order, which they were not."""
    firsts = [
        (f"c{i}", str(d.date()), 5.0)
        for i, d in enumerate(pd.date_range("2023-01-01", "2024-03-31", freq="7D"))
    ]
    repeats = [("c0", "2024-04-03", 5.0), ("c1", "2024-04-28", 5.0)]
    tables = make_tables(transaction_frame=transactions(firsts + repeats), as_of=T("2024-04-30"))
    rows = pd.DataFrame({"customer_id": ["c2", "c3"], "cutoff": T("2023-09-30"), "churned": True})
    with pytest.raises(PlanError) as raised:
        _require_rows(ChurnSpec(), tables, train=_at(rows))
    assert str(raised.value) == (
        "all 2 train rows (cutoffs 2023-09-30) are churners: nobody active then bought again "
        "within the horizon, as the data's repeat purchases (a customer's on a day after "
        "their first) run from 2024-04-03 to 2024-04-28, after these cutoffs' horizons end "
        "(2023-12-29); a model learns who comes back from cutoffs whose horizon holds repeat "
        "purchases: an extract with more of them is needed"
    )
    once = make_tables(transaction_frame=transactions(firsts), as_of=T("2024-04-30"))
    with pytest.raises(PlanError) as raised:
        _require_rows(ChurnSpec(), once, train=_at(rows))
    assert str(raised.value).endswith(
        "are churners: no customer bought on two days: is customer_id an id per order "
        "(Olist's customer_id, not customer_unique_id)?"
    )


def _labelled(churners: int, stayers: int) -> pd.DataFrame:
    churned = [True] * churners + [False] * stayers
    ids = [f"c{i}" for i in range(len(churned))]
    return pd.DataFrame({"customer_id": ids, "cutoff": T("2005-07-17"), "churned": churned})


def test_validation_with_one_churner_is_one_line_naming_cutoff_counts_and_the_fix():
    """Sakila's 14-day horizon: 1 churner of 599 at the validation cutoff ended training
    in a traceback from the calibrator."""
    with pytest.raises(PlanError) as raised:
        _require_calibration("validation", _labelled(1, 598), ChurnSpec())
    assert str(raised.value) == (
        "validation cutoff 2005-07-17 holds 1 churner of 599: calibration needs at least 2 of "
        "each; a longer horizon_days, another evaluation.cutoff or more customers give it "
        "more churners"
    )
    with pytest.raises(PlanError) as raised:
        _require_calibration("validation", _labelled(598, 1), ChurnSpec())
    assert "holds 598 churners of 599" in str(raised.value)
    assert "a shorter horizon_days" in str(raised.value)


@pytest.mark.parametrize(("churners", "passes"), [(1, False), (2, True)])
def test_the_protocol_and_the_calibrator_agree_on_what_is_enough(churners, passes):
    rows = _labelled(churners, 20)
    margin = np.linspace(-1.0, 1.0, len(rows))
    if passes:
        _require_calibration("validation", rows, ChurnSpec())
        fit_calibrator(margin, rows["churned"].to_numpy(dtype=int))
        return
    with pytest.raises(PlanError):
        _require_calibration("validation", rows, ChurnSpec())
    with pytest.raises(ValueError, match="calibration needs at least 2 of each"):
        fit_calibrator(margin, rows["churned"].to_numpy(dtype=int))


def test_a_split_calibrated_on_a_share_needs_enough_for_that_share():
    """A customer fold calibrates on 16% of the cutoff's rows (5 folds, a fifth of the
    rest): 12 churners can leave one of them holding a single churner; 13 cannot."""
    with pytest.raises(
        PlanError,
        match="holds 12 churners of 212: calibrating on 16% of them needs at least 13 of each",
    ):
        _require_calibration("test", _labelled(12, 200), ChurnSpec(), share=0.16)
    _require_calibration("test", _labelled(13, 200), ChurnSpec(), share=0.16)


def test_all_stayers_whose_longest_silence_is_a_hole_in_the_log_say_so():
    """Sakila at its default horizon: "the data's longest silence runs 181 days: widen
    the cutoff grid" — the silence was the extract's gap, no customer's."""
    stayers = pd.DataFrame({"customer_id": ["a", "b"], "cutoff": T("2024-01-31"), "churned": False})
    with pytest.raises(PlanError) as raised:
        _require_rows(ChurnSpec(horizon_days=90), _with_a_hole(), train=_at(stayers))
    assert str(raised.value).endswith(
        "; no customer has any activity from 2024-04-01 to 2024-09-29 (182 days: a gap in the "
        "extract, which `churn validate` warns of): cutoffs whose horizon reaches into it read "
        "everyone by the gap; an evaluation.cutoff and a horizon_days that end before it keep "
        "clear of it"
    )


def test_a_horizon_no_silence_outlasts_is_short_of_churners_at_the_training_cutoffs():
    """Chinook was told "consider horizon_days: 600" and no customer was ever silent 600
    days: every training row a stayer. The check reads the labels the protocol would."""
    tables, config = rhythm_tables(), rhythm_config()
    short = horizon_shortfall(tables, config, 120)
    assert short == {
        "horizon_days": 120,
        "set": "train",
        "cutoffs": "2023-04-30 … 2024-03-31",
        "churners": 0,
        "stayers": 120,
    }
    assert horizon_shortfall(tables, config, 100)["set"] == "train"  # a gap of 100 is no churn
    # 4 in 10 churn at every cutoff: 4 churners are too few to test a model by
    assert horizon_shortfall(tables, config, 60) == {
        "horizon_days": 60,
        "set": "test",
        "cutoffs": "2024-10-31",
        "churners": 4,
        "stayers": 6,
        "tested": 10,
    }
    assert horizon_shortfall(rhythm_tables(copies=3), config, 60) is None  # 12 of 30
    assert "plan" in horizon_shortfall(tables, config, 1000)  # no grid of full horizons fits
    # one churner at the validation cutoff: of each, but too few for the calibrator, which
    # `churn train` then refuses as `_require_calibration` does
    assert horizon_shortfall(tables, config, 90) == {
        "horizon_days": 90,
        "set": "validation",
        "cutoffs": "2024-06-30",
        "churners": 1,
        "stayers": 9,
        "calibration": "holds 1 churner of 10: calibration needs at least 2 of each",
    }


def test_a_snapshot_mapping_no_attributes_is_one_line_saying_so(tmp_path, monkeypatch):
    """BankChurners mapped without `attributes`: validate said "data OK", and `churn
    train` ended in XGBoost's "0 feature is supplied" traceback."""
    from typer.testing import CliRunner

    from churn.cli import app
    from tests.training.datasets import telecom_snapshot

    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/mlflow.db")
    path = telecom_snapshot(tmp_path / "bank", customers=200)
    raw = yaml.safe_load(path.read_text())
    del raw["data"]["customers"]["attributes"]
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(PlanError, match="no features to learn from"):
        out_of_time(load_tables(load_config(path)), load_config(path))
    trained = CliRunner().invoke(app, ["train", "--config", str(path)])
    assert trained.exit_code == 2, trained.output
    said = " ".join(trained.output.split())
    assert "`attributes: all` reads every column but the id and the label" in said
    assert "Traceback" not in said
