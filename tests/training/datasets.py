"""Small data sets on disk for the training tests, one per data shape, each with its config.

Every builder writes its tables and a `churn.yaml` under a folder and returns the config's
path. `TRAINING` keeps the cutoff grid and the booster small so a run takes seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from features.simulate import simulate_to_dir

ONE_THREAD = {"nthread": 1}
"""XGBoost with one thread: fast and unaffected by a busy machine (see conftest.py)."""
TRAINING = {"cutoffs": 3, "max_rounds": 150, "params": ONE_THREAD}


def derive_config(source: Path, target: Path | None = None, **sections: Any) -> Path:
    """A copy of a run config (default: in place) with whole top-level sections replaced."""
    raw = yaml.safe_load(source.read_text())
    raw.update(sections)
    target = target or source
    target.write_text(yaml.safe_dump(raw, sort_keys=False))
    return target


def simulated(
    folder: Path, *, customers: int, months: int, seed: int, kind: str = "retail", **sections: Any
) -> Path:
    """The simulator's tables, truth and config, with the small `TRAINING` grid by default."""
    config = simulate_to_dir(folder, customers=customers, months=months, seed=seed, kind=kind)
    return derive_config(config, **{"training": TRAINING, **sections})


def transactions_only(retail_config: Path, name: str = "transactions-only.yaml") -> Path:
    """Non-contractual retail from the transactions file alone: no customers, no truth."""
    raw = yaml.safe_load(retail_config.read_text())
    config = {
        "name": "transactions-only",
        "data": {"as_of": raw["data"]["as_of"], "transactions": raw["data"]["transactions"]},
        "churn": {"definition": "inactivity", "horizon_days": 90},
        "training": TRAINING,
    }
    target = retail_config.with_name(name)
    target.write_text(yaml.safe_dump(config, sort_keys=False))
    return target


FUTURE_USAGE = ("calls_9", "texts_9", "data_mb_9", "recharge_9", "arpu_9")


def telecom_snapshot(
    folder: Path,
    *,
    customers: int = 1500,
    seed: int = 0,
    signal: float = 1.0,
    leaking: bool = False,
    future: int = 0,
    **sections: Any,
) -> Path:
    """A labelled snapshot (telecom style): attributes and a Yes/No `Churn` column only.

    Churn is more likely for short tenure, high charges and month-to-month contracts, by
    `signal` times the default effects: at 0 it is a coin (27%) no column can rank. With
    `leaking`, a `Churnreason` attribute too, filled for churners only (Maven's export):
    the same customers and labels otherwise. With `future`, that many usage columns of
    the month after the snapshot (`FUTURE_USAGE`: about 0 for churners, each wrong for
    6% of customers, so each alone ranks under the leak line and all of them together
    near perfectly), and two that month's columns tell nothing (`roaming_9`, `promo_9`).
    """
    rng = np.random.default_rng(seed)
    tenure = rng.integers(1, 72, customers)
    charges = rng.uniform(20, 120, customers).round(2)
    contract = rng.choice(["Month-to-month", "One year", "Two year"], customers)
    logit = -1.0 + signal * (
        -0.04 * tenure + 0.02 * (charges - 70) + np.where(contract == "Month-to-month", 1.5, -0.5)
    )
    churned = rng.random(customers) < 1 / (1 + np.exp(-logit))
    frame = pd.DataFrame(
        {
            "customerID": [f"C{i:05d}" for i in range(customers)],
            "tenure": tenure,
            "MonthlyCharges": charges,
            "Contract": contract,
            "Churn": np.where(churned, "Yes", "No"),
        }
    )
    customers_spec = {
        "columns": {"customer_id": "customerID"},
        "attributes": ["tenure", "MonthlyCharges", "Contract"],
        "label": {"column": "Churn", "positive": "Yes"},
    }
    if leaking:
        reasons = np.array(["Competitor", "Price", "Attitude"])[tenure % 3]
        frame["Churnreason"] = np.where(churned, reasons, "")
        customers_spec["attributes"].append("Churnreason")
    for name in FUTURE_USAGE[:future]:
        gone = churned ^ (rng.random(customers) < 0.06)
        frame[name] = np.where(gone, 0.0, rng.uniform(1, 100, customers).round(1))
    for name in ("roaming_9", "promo_9")[: 2 * bool(future)]:
        frame[name] = rng.uniform(0, 100, customers).round(1)
    customers_spec["attributes"] += [name for name in frame if name.endswith("_9")]
    return _snapshot(folder, frame, "telecom", customers_spec, TRAINING, **sections)


def _snapshot(
    folder: Path, frame: pd.DataFrame, name: str, customers: dict, training: dict, **sections: Any
) -> Path:
    """Write a labelled snapshot's one file and its config (`label_column`, as of a fixed
    day); returns the config's path."""
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / "customers.csv", index=False)
    config = {
        "name": name,
        "data": {"as_of": "2024-06-30", "customers": {"path": "customers.csv", **customers}},
        "churn": {"definition": "label_column"},
        "training": training,
        **sections,
    }
    path = folder / "churn.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def flag_snapshot(
    folder: Path, *, customers: int = 600, seed: int = 7, copies: int = 0, **sections: Any
) -> Path:
    """A labelled snapshot (e-commerce style) with a 0/1 flag, `Complain`, that raises
    churn, and a `Tenure` some rows leave blank, as the E Commerce Dataset's does. With
    `copies`, that many of its rows again under new ids, label and all (the Dataset
    holds 556 such pairs)."""
    rng = np.random.default_rng(seed)
    complain = (rng.random(customers) < 0.25).astype(int)
    tenure = rng.integers(0, 40, customers).astype(float)
    churned = rng.random(customers) < 1 / (1 + np.exp(2.0 - 2.0 * complain + 0.05 * tenure))
    tenure[rng.random(customers) < 0.1] = np.nan
    frame = pd.DataFrame(
        {
            "CustomerID": np.arange(customers),
            "Tenure": tenure,
            "Complain": complain,
            "CashbackAmount": rng.uniform(100, 300, customers).round(2),
            "Churn": churned.astype(int),
        }
    )
    if copies:
        copied = frame.iloc[:copies].assign(CustomerID=customers + np.arange(copies))
        frame = pd.concat([frame, copied], ignore_index=True)
    customers_spec = {
        "columns": {"customer_id": "CustomerID"},
        "attributes": "all",
        "label": {"column": "Churn", "positive": 1},
    }
    return _snapshot(folder, frame, "flag", customers_spec, TRAINING, **sections)


def rare_flag_snapshot(folder: Path, *, customers: int = 3150, seed: int = 11) -> Path:
    """A labelled snapshot (Iranian-telecom style, one row per customer, ~17% churn) whose
    strongest signal is a rare 0/1 flag: the 7.7% who complained churn at about 40%
    against 15%, beside usage and plan columns of smaller, linear effect."""
    rng = np.random.default_rng(seed)
    complains = (rng.random(customers) < 0.077).astype(int)
    status = np.where(rng.random(customers) < 0.75, 1, 2)
    frequency = np.where(status == 2, rng.poisson(10, customers), rng.poisson(80, customers))
    frequency = frequency + rng.integers(0, 20, customers)
    failures = np.where(rng.random(customers) < 0.22, 0, rng.poisson(7.6, customers))
    length = np.clip(rng.normal(32.5, 8.6, customers).round(), 3, 47).astype(int)
    charge = np.clip(rng.geometric(0.5, customers) - 1, 0, 10)
    logit = (
        -3.15
        + 3.0 * complains
        + 2.6 * (status == 2)
        - 0.03 * (frequency - 60)
        + 0.06 * (failures - 7)
        - 0.03 * (length - 32)
        - 0.4 * charge
    )
    churned = rng.random(customers) < 1 / (1 + np.exp(-logit))
    frame = pd.DataFrame(
        {
            "id": np.arange(customers),
            "Call Failure": failures,
            "Complains": complains,
            "Subscription Length": length,
            "Charge Amount": charge,
            "Frequency of use": frequency,
            "Status": status,
            "Churn": churned.astype(int),
        }
    )
    customers_spec = {
        "columns": {"customer_id": "id"},
        "attributes": "all",
        "label": {"column": "Churn", "positive": 1},
    }
    training = {"max_rounds": 300, "params": ONE_THREAD}
    return _snapshot(folder, frame, "rare-flag", customers_spec, training)


DISTRICT_EFFECTS = {"105": 1.5, "106": 1.0, "110": 0.5, "114": 0.0, "115": -0.5, "221": -1.0}
"""Churn falling with a district's code read as a number, as Ta Feng's PIN_CODE happened
to; 'Others' in the middle."""


def district_snapshot(folder: Path, *, customers: int = 600, seed: int = 3) -> Path:
    """A labelled snapshot whose `PIN_CODE` holds district codes and 'Others' (Ta Feng's
    grocery log): the loader reads it as categorical, its codes being levels."""
    rng = np.random.default_rng(seed)
    tenure = rng.integers(1, 72, customers)
    district = rng.choice([*DISTRICT_EFFECTS, "Others"], customers)
    effect = np.array([DISTRICT_EFFECTS.get(code, 0.25) for code in district])
    churned = rng.random(customers) < 1 / (1 + np.exp(0.5 + 0.04 * tenure - effect))
    frame = pd.DataFrame(
        {
            "customerID": [f"C{i:05d}" for i in range(customers)],
            "tenure": tenure,
            "PIN_CODE": district,
            "Churn": np.where(churned, "Yes", "No"),
        }
    )
    return _churn_yes_no(folder, frame, "districts", "customerID", ["tenure", "PIN_CODE"])


def area_snapshot(folder: Path, *, seed: int = 5) -> Path:
    """A labelled snapshot (Cell2Cell style) whose `ServiceArea` holds 150 levels: 100
    of 30 customers each, churning at 20%, and 50 rarer ones of 8 each, churning at 60%,
    which a model keeping 100 levels (`features.levels.MAX_LEVELS`) reads as one unknown."""
    rng = np.random.default_rng(seed)
    common = np.repeat([f"AREA{k:03d}" for k in range(100)], 30)
    rarer = np.repeat([f"RARE{k:03d}" for k in range(50)], 8)
    area = np.concatenate([common, rarer])
    churned = rng.random(len(area)) < np.where(np.char.startswith(area, "RARE"), 0.6, 0.2)
    frame = pd.DataFrame(
        {
            "CustomerID": [f"C{i:05d}" for i in range(len(area))],
            "MonthsInService": rng.integers(1, 60, len(area)),
            "ServiceArea": area,
            "Churn": np.where(churned, "Yes", "No"),
        }
    )
    return _churn_yes_no(folder, frame, "areas", "CustomerID", ["MonthsInService", "ServiceArea"])


def _churn_yes_no(
    folder: Path, frame: pd.DataFrame, name: str, id_column: str, attributes: list[str]
) -> Path:
    """A snapshot of `frame` labelled by its Churn column, Yes or No, with the small grid."""
    customers_spec = {
        "columns": {"customer_id": id_column},
        "attributes": attributes,
        "label": {"column": "Churn", "positive": "Yes"},
    }
    return _snapshot(folder, frame, name, customers_spec, TRAINING)


def subscriptions_table(folder: Path, *, customers: int, months: int, seed: int) -> Path:
    """The simulator's subscription world with its plans as a subscriptions table, as SaaS
    exports hold them (RavenStack's subscriptions.csv): a row per customer's plan with
    its start, its end (the cancellation, blank while it runs), monthly fee (MRR), seats,
    plan and billing period; read with `recurring` as the payments they stand for, its
    ends as the cancellations. The customers keep only what a plan does not say."""
    config = simulated(folder, customers=customers, months=months, seed=seed, kind="subscription")
    people = pd.read_csv(folder / "customers.csv")
    ended = pd.read_csv(folder / "cancellations.csv").groupby("cust")["cancelled_at"].min()
    billing = {"annual": "annual", "month_to_month": "monthly"}
    pd.DataFrame(
        {
            "account": people["cust_id"],
            "start_date": people["created_at"],
            "end_date": people["cust_id"].map(ended),
            "mrr": people["monthly_fee"],
            "seats": people["seats"],
            "plan": people["plan"],
            "billing": people["contract"].map(billing).fillna("monthly"),
        }
    ).to_csv(folder / "subscriptions.csv", index=False)
    raw = yaml.safe_load(config.read_text())
    data = raw["data"]
    data["customers"]["attributes"] = {
        name: kind
        for name, kind in data["customers"]["attributes"].items()
        if name not in ("plan", "seats", "monthly_fee", "contract")
    }
    data["transactions"] = {
        "path": "subscriptions.csv",
        "columns": {
            "customer_id": "account",
            "timestamp": "start_date",
            "ended_at": "end_date",
            "amount": "mrr",
            "quantity": "seats",
            "category": "plan",
            "billing_period": "billing",
        },
        "recurring": {"amount_per": "month"},
    }
    del data["cancellations"]  # the plans' ends are (`DataSpec.plan_ends_cancel`)
    raw["name"] = "subscriptions-table"
    config.write_text(yaml.safe_dump(raw, sort_keys=False))
    return config
