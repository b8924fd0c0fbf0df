"""Categorical values as positions among a fixed list of levels (a fitted encoder's).

Models learn levels at fit time and must encode later rows the same way, by *value*: a
frame's own categories may be listed in another order or hold only a few of the levels
(one live customer has one level). Missing and unseen values get -1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def level_codes(values: pd.Series, levels: pd.Index) -> np.ndarray:
    """Position of each value in `levels`, -1 when missing or unseen.

    A categorical column maps its few categories rather than every row (a row-wise
    lookup would dominate a one-customer request and cost a pass over a large batch).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = np.append(levels.get_indexer(values.cat.categories.astype("object")), -1)
        return lookup[values.cat.codes.to_numpy()]  # code -1 (missing) takes the last entry
    return levels.get_indexer(values.astype("object"))
