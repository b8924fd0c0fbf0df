"""`data.complete_history`: the data begin with the business, so a window reaching before
their first day is no activity, known, where by default it is unknown for customers who
may have bought before (Relay Foods' 2009 orders: `orders_365d` unknown at every
training cutoff, known at scoring)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from features.build import build_features
from features.contract import load_config
from features.sources import load_tables

ORDERS = """customer,day,amount
1,2024-01-05,10
1,2024-02-05,12
2,2024-01-20,30
2,2024-03-02,25
3,2024-02-11,8
"""


def _config(folder: Path, **data) -> Path:
    (folder / "orders.csv").write_text(ORDERS)
    raw = {
        "name": "shop",
        "data": {
            "as_of": "2024-06-30",
            "transactions": {
                "path": "orders.csv",
                "columns": {"customer_id": "customer", "timestamp": "day", "amount": "amount"},
            },
            **data,
        },
    }
    path = folder / "churn.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_windows_before_the_data_begin_are_known_only_when_the_history_is_complete(tmp_path):
    cutoff = pd.Timestamp("2024-03-31")
    partial = load_tables(load_config(_config(tmp_path)))
    complete = load_tables(load_config(_config(tmp_path, complete_history=True)))
    assert partial.history_from == pd.Timestamp("2024-01-05") and complete.history_from is None
    unknown = build_features(partial, cutoffs=[cutoff]).set_index("customer_id")
    known = build_features(complete, cutoffs=[cutoff]).set_index("customer_id")
    assert unknown["spend_365d"].isna().all()  # a year back reaches before 2024-01-05
    assert known["spend_365d"].tolist() == [22.0, 55.0, 8.0]
    assert known["orders_365d"].tolist() == [2.0, 2.0, 1.0]
    # windows inside the data read alike either way
    assert np.array_equal(unknown["spend_30d"], known["spend_30d"], equal_nan=True)
