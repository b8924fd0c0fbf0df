"""Leak checks on the training data: columns that know what happened after the cutoff.

- A single feature that alone ranks churners nearly perfectly holds the label
  (`strongest_single_feature`).
- A customer attribute of a table without a timestamp is read as of the extract at every
  cutoff (`features/attributes.py`). One that changes over a customer's life and ends in
  their fate (a billing system's `state`: active, canceled, expired) tells who is gone by
  the data's end, which no cutoff could know (`undated_attribute_leaks`). It need not
  rank the label well on its own: the QA export's `state` ranked the test's churners with
  ROC AUC 0.869 (below the single-feature check) and still raised the model's from 0.83
  to 0.93. A column a `lookup` joins onto a dated log's rows is as of the extract too:
  the lookup file holds one value per key, with no date of its own (QA's SaaS export
  brought its subscriptions' `status`, 'churned' for every churner, onto each payment:
  ROC AUC 0.58 -> 0.91, and no note while the check took each payment's date for its).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from features.contract import ChurnSpec
from features.labels import label_churn, observed_end
from features.levels import name_words
from features.registry import FeatureSpec
from features.tables import Tables
from training.dataset import LabelledSet

LEAK_SAMPLE_ROWS = 50_000
LEAK_AUC = 0.98
"""A single feature ranking churners this well is more likely a leak than a signal."""
STRONG_UNDATED_AUC = 0.9
"""An attribute read as of the extract ranking churners this well alone may leak too, if
it is written when customers leave: an ISP export's `reamining_contract` ranked them at
0.916 (0 for 99.6% churn, more than 0 for 11.8%) under a model's 0.970; said, not judged."""
MAX_LEVELS_CHECKED = 50
"""A categorical feature with more levels would separate the rows by its own detail."""
END_LEAK_AUC = 0.85
"""An attribute telling apart who is gone by the data's end this well, among customers
still there a horizon after the cutoff, reads their fate (the QA export's `state`: 0.911
under cancellation, 0.994 under expiry; its plan, seats and countries 0.70 at most, the
simulated worlds' region, plan, contract and payment method 0.60 at most, a plan
cancelling at 8% against 2% a month 0.74)."""
END_LEAK_MARGIN = 0.05
"""...and better by this much than any dated feature at the cutoff (`state` 0.911 against
paid_days_left's 0.818): what the customer's history cannot tell, an attribute of the
same date cannot either. Alone it would not do: the export's plan_code beat the best
dated feature under expiry (0.703 against 0.684), the 8%-against-2% plan by up to 0.14."""
OWN_LEVEL_SHARE = 0.5
"""From this share of the customers holding a level of an attribute no other customer
holds, it names customers rather than grouping them: the model learns each one by it at
every training cutoff and meets them again at the test's. Chinook's `City`, 53 levels
among 59 customers (89.8% distinct, under the identifier line), was said to be known
only once customers had left."""
MIN_GONE = 20
"""Fewer later leavers (or stayers) than this rank by chance."""
LEVELS_SAID = 2


def single_auc(y: np.ndarray, values: pd.Series, *, categorical: bool) -> float | None:
    """ROC AUC either way of one column against `y`: numbers as they are, a category by
    its rate of `y`; a blank is a value too (None: one class in `y`, or one value).

    Blanks rank at either end of the numbers, whichever ranks better, and are a level of
    their own in a category: a Telco export's `Churn Reason`, written for churners only,
    holds the label in which rows are blank, and left out they hid it (AUC 1.000)."""
    if y.min() == y.max():
        return None
    if categorical:
        levels = values.astype("object").where(values.notna(), _BLANK)
        values = levels.map(pd.Series(y, index=values.index).groupby(levels).mean())
    score = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
    blank = np.isnan(score)
    if blank.all() or (np.nanmin(score) == np.nanmax(score) and not blank.any()):
        return None
    ends = (np.nanmin(score) - 1.0, np.nanmax(score) + 1.0)
    aucs = [float(roc_auc_score(y, np.where(blank, end, score))) for end in ends]
    if not blank.any():
        aucs = aucs[:1]
    return max(max(aucs), 1.0 - min(aucs))


_BLANK = object()
"""A category's blank, as a level of its own (`single_auc`)."""


def _auc_of(rows: pd.DataFrame, y: np.ndarray, spec: FeatureSpec) -> float | None:
    categorical = spec.dtype == "category"
    if categorical and rows[spec.name].nunique() > MAX_LEVELS_CHECKED:
        return None
    return single_auc(y, rows[spec.name], categorical=categorical)


def strongest_single_feature(
    frame: pd.DataFrame, specs: list, *, own: Collection[str] = (), undated: Collection[str] = ()
) -> dict[str, Any] | None:
    """The feature that alone ranks churners best (ROC AUC either way, on up to
    `LEAK_SAMPLE_ROWS` labelled rows): numbers as they are, a category by its churn
    rate. A column recorded after or because of the churn shows here near 1.0; `leaking`
    lists every feature at `LEAK_AUC` or more, best first (a Telco export holds three:
    Churn Value, Churn Reason and Churn Score beside its label, and naming one at a time
    showed the next only after the first was left out), but those of `own`
    (`definition_inputs`), listed as `definition_inputs`: no leak. The `undated`
    attributes (`undated_attributes`) ranking at `STRONG_UNDATED_AUC` or more but under
    `LEAK_AUC` are `undated_strong`, best first: ones to check, leaks only beside a
    near-perfect model (`training.report.suspected_leaks`: a telecom snapshot's month-9
    columns, the future, each under 0.98 once the seven above it were left out)."""
    rows = frame.sample(min(len(frame), LEAK_SAMPLE_ROWS), random_state=0)
    y = rows["churned"].to_numpy(dtype=int)
    if y.min() == y.max():
        return None
    ranked = sorted(
        ((auc, spec.name) for spec in specs if (auc := _auc_of(rows, y, spec)) is not None),
        reverse=True,
    )
    if not ranked:
        return None
    strong = [{"feature": name, "roc_auc": auc} for auc, name in ranked if auc >= LEAK_AUC]
    for leak in strong:
        if (detail := label_in_detail(rows, leak["feature"], specs)) is not None:
            leak["label_in_detail"] = detail
    found = {"feature": ranked[0][1], "roc_auc": ranked[0][0]}
    found["leaking"] = [leak for leak in strong if leak["feature"] not in own]
    if inputs := [leak for leak in strong if leak["feature"] in own]:
        found["definition_inputs"] = inputs
    checked = [
        {"feature": name, "roc_auc": auc}
        for auc, name in ranked
        if name in undated and STRONG_UNDATED_AUC <= auc < LEAK_AUC
    ]
    if checked:
        found["undated_strong"] = checked
    return found


PAIR_CHECK_FROM_AUC = 0.95
"""From this test ROC AUC a model is checked for two columns that tell the outcome
together (`telling_pair`): a driver snapshot's join date beside its months reported
(0.958 together, 0.76 and 0.69 alone) tested at 0.9645 and was promoted."""
PAIR_LEAK_AUC = 0.95
PAIR_ALONE_UNDER = 0.8
"""Two columns that together rank churners at `PAIR_LEAK_AUC` or more, each alone under
`PAIR_ALONE_UNDER`, hold the outcome in how they relate: an insurer's days since a
policy's start beside its months insured, which stop counting at cancellation (0.97
together, 0.65 and 0.60 alone: the model tested at 0.980 and was promoted)."""
PAIR_CANDIDATES = 4
"""The model's most important numeric features whose pairs are checked."""


def telling_pair(
    frame: pd.DataFrame, specs: Sequence[FeatureSpec], importance: Mapping[str, float]
) -> dict[str, Any] | None:
    """The pair of the model's `PAIR_CANDIDATES` most important numeric features
    (`importance`: its total gain per feature) that together, and not alone, rank
    churners at `PAIR_LEAK_AUC` or more, judged out of fold by a small boosted model of
    the two (on up to `LEAK_SAMPLE_ROWS` labelled rows); None where no pair does."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import GroupKFold, cross_val_predict

    rows = frame.sample(min(len(frame), LEAK_SAMPLE_ROWS), random_state=0)
    y = rows["churned"].to_numpy(dtype=int)
    numeric = {spec.name for spec in specs if spec.dtype != "category" and spec.name in rows}
    ranked = sorted((n for n in importance if n in numeric), key=importance.get, reverse=True)
    top = ranked[:PAIR_CANDIDATES]
    alone = {n: single_auc(y, rows[n], categorical=False) or 0.5 for n in top}
    weak = [n for n in top if alone[n] < PAIR_ALONE_UNDER]
    customers = rows["customer_id"].to_numpy() if "customer_id" in rows else np.arange(len(rows))
    best = None
    for i, first in enumerate(weak):
        for second in weak[i + 1 :]:
            both = rows[[first, second]].to_numpy(dtype=np.float64)
            two = HistGradientBoostingClassifier(max_iter=100, random_state=0)
            folds = GroupKFold(2)  # a customer's rows at several cutoffs in one fold
            p = cross_val_predict(two, both, y, groups=customers, cv=folds, method="predict_proba")
            p = p[:, 1]
            auc = float(roc_auc_score(y, p))
            if auc >= PAIR_LEAK_AUC and (best is None or auc > best["roc_auc"]):
                best = {
                    "features": [first, second],
                    "roc_auc": auc,
                    "alone": [alone[first], alone[second]],
                }
    return best


PENDING_WORDS = re.compile(r"join|new|pend|trial|onboard|recent|open", re.IGNORECASE)
"""Words of a level that may say the outcome is not known yet (IBM Telco's `Joined`)."""


def label_in_detail(
    rows: pd.DataFrame, name: str, specs: Sequence[FeatureSpec]
) -> dict[str, Any] | None:
    """Where a categorical column of three levels or more tells the label outright, each
    level all churners or all stayers, with two levels or more among the stayers: the
    label told in more detail, one of whose stayers' levels may be an outcome not known
    yet. IBM Telco's `Customer Status` (Churned, Stayed, Joined) beside `Churn Label`:
    its 454 customers who joined this quarter were trained on as stayers, and `unlabelled`
    reads the label column only. Levels with their rows, most first; `pending`: a
    stayers' level named as not known yet (`PENDING_WORDS`), else None."""
    spec = next((s for s in specs if s.name == name), None)
    if spec is None or spec.dtype != "category" or name not in rows:
        return None
    values = rows[name].astype("object")
    known = values.notna().to_numpy()
    frame = pd.DataFrame({"level": values[known].astype(str), "y": rows["churned"][known]})
    rates = frame.groupby("level")["y"].agg(["mean", "count"]).sort_values("count", ascending=False)
    if len(rates) < 3 or not rates["mean"].isin((0.0, 1.0)).all():
        return None
    stayed = rates[rates["mean"] == 0.0]
    churned = rates[rates["mean"] == 1.0]
    if len(stayed) < 2 or churned.empty:
        return None
    pending = next((str(level) for level in stayed.index if PENDING_WORDS.search(str(level))), None)
    level = pending or str(stayed.index[-1])  # the level the note offers to leave out
    return {
        "churned": {str(level): int(n) for level, n in churned["count"].items()},
        "stayed": {str(level): int(n) for level, n in stayed["count"].items()},
        "pending": pending,
        "alike_churned": _alike_churned(rows, (values == level).to_numpy(), specs),
    }


ALIKE_CHURNED_SHARE = 0.95
ALIKE_AT_LEAST = 30
"""Of the other labelled customers within a left-out level's range of a measure, the
share of churners (of at least these many) that leaving the level out would teach."""


def _alike_churned(
    rows: pd.DataFrame, level: np.ndarray, specs: Sequence[FeatureSpec]
) -> dict[str, Any] | None:
    """The numeric feature within whose range for the rows of a stayers' `level` (its
    5th to 95th percentile) the other labelled customers nearly all churned, if any
    (most of them first): left out as unlabelled, that level's customers would teach the
    model that this range churns. IBM Telco's Joined (454 customers of tenure 1 to 3 who
    stayed the quarter) were offered as unlabelled, and every other customer of tenure 1
    to 3 had churned (597 of 597): the model scored the Joined at 0.88."""
    others = ~level
    found = None
    for spec in specs:
        if spec.dtype == "category" or spec.name not in rows:
            continue
        values = pd.to_numeric(rows[spec.name], errors="coerce").to_numpy(dtype=float)
        theirs = values[level & np.isfinite(values)]
        if len(theirs) < 10:
            continue
        low, high = np.quantile(theirs, [0.05, 0.95])
        inside = others & (values >= low) & (values <= high)
        n = int(inside.sum())
        if n < ALIKE_AT_LEAST:
            continue
        churned = int(rows["churned"].to_numpy()[inside].sum())
        if churned >= ALIKE_CHURNED_SHARE * n and (found is None or n > found["rows"]):
            found = {"feature": spec.name, "low": float(low), "high": float(high)}
            found |= {"rows": n, "churned": churned}
    return found


SILENCE_OF = {False: ("days_since_last_purchase", "overdue_ratio"),
              True: ("days_since_last_event", "use_overdue_ratio")}  # fmt: skip
"""The silence of the activity an inactivity label reads, purchases or use (`by_usage`)."""


def definition_inputs(
    specs: list[FeatureSpec], churn: ChurnSpec, *, by_usage: bool = False
) -> set[str]:
    """The features read from what the churn definition itself reads: under expiry, the
    paid periods' ends (`transactions.paid_until`, the subscription family); under
    inactivity, the silence of the activity it reads (`SILENCE_OF`; usage `by_usage`).
    One ranks churners by what churn is (QA's gym: paid_days_left 0.992 alone; a
    subscription log's users silent 94 days were 412 of 417 churners), and it cannot be
    left out: the definition reads it."""
    if churn.definition == "expiry":
        return {spec.name for spec in specs if spec.family == "subscription"}
    if churn.definition == "inactivity":
        return {spec.name for spec in specs if spec.name in SILENCE_OF[by_usage]}
    return set()


def silent_churners(
    frame: pd.DataFrame, churn: ChurnSpec, *, by_usage: bool
) -> dict[str, Any] | None:
    """Under inactivity, the share of the labelled churners already silent for the
    horizon or longer at their cutoff (by `SILENCE_OF`'s first): churners by the
    definition unless they came back, whom a strong silence feature mostly finds. None
    under another definition, or without the silence."""
    name = SILENCE_OF[by_usage][0]
    if churn.definition != "inactivity" or name not in frame:
        return None
    silence = frame[name].to_numpy(dtype=np.float64)
    churned = frame["churned"].to_numpy(dtype=bool)
    silent = silence[churned] >= churn.horizon_days  # NaN (never active) is no silence
    return {"share": float(silent.mean()) if churned.any() else 0.0}


def renewals_due(frame: pd.DataFrame, churn: ChurnSpec) -> dict[str, float]:
    """Under expiry, the share of labelled rows whose paid period ends within the horizon
    less `grace_days` (the only ones that can churn: the others are paid past it) and the
    churn rate among them, who did not renew in time. Read from `paid_days_left`, which
    a `definition_inputs` feature comes with."""
    left = frame["paid_days_left"].to_numpy(dtype=np.float64)
    due = left + churn.grace_days < churn.horizon_days
    churned = frame["churned"].to_numpy(dtype=bool)
    rate = float(churned[due].mean()) if due.any() else 0.0
    return {"share": float(due.mean()), "churn_rate": rate}


_PERIOD = (
    r"(?:0?[1-9]|1[0-2]|(?:19|20)\d{2}(?:0[1-9]|1[0-2])?|m\d{1,2}|q[1-4]|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
"""A name's part that reads as a month, quarter or year: 9, 09, m9, q3, sep, 2024, 202409."""
_PERIOD_END = re.compile(rf"(?:[_\-. ]{_PERIOD})+$", re.IGNORECASE)
_PERIOD_START = re.compile(rf"^(?:{_PERIOD}[_\-. ])+", re.IGNORECASE)
SIBLINGS_SAID = 3


def period_pattern(name: str) -> str | None:
    """A glob for the column family a period-like end or start of `name` marks: '*_9'
    for arpu_9, '*_2024_09', 'sep_*' for sep_vbc_3g; None for a name without one."""
    if (end := _PERIOD_END.search(name)) is not None and end.start() > 0:
        return "*" + end.group()
    if (start := _PERIOD_START.match(name)) is not None and start.end() < len(name):
        return start.group() + "*"
    return None


def period_siblings(named: list[str], attributes: list[str]) -> list[dict[str, Any]]:
    """Per period-like pattern of the `named` leaking columns, how many of them match it
    and the model's other `attributes` that do, the most named first: a leak gate
    naming 7 of a telecom snapshot's month-9 columns left 48 more in, each alone under
    the leak line, and the model at 0.999."""
    patterns = [pattern for name in named if (pattern := period_pattern(name)) is not None]
    found = []
    for pattern, count in Counter(patterns).most_common():
        more = [a for a in attributes if a not in named and fnmatchcase(a, pattern)]
        if more:
            found.append(
                {
                    "pattern": pattern,
                    "named": count,
                    "more": len(more),
                    "some": more[:SIBLINGS_SAID],
                }
            )
    return found


LABEL_WORDS_NOT_TOLD = frozenset({"label", "value", "flag", "status", "is", "yes", "no", "target"})
"""Words of a label column's name that say nothing of what it labels ("Churn Label")."""


def named_like_label(label: str, attributes: list[str]) -> list[str]:
    """Attributes named with the label column's own word: a Telco export keeps `Churn
    Value`, `Churn Score` and `Churn Reason` beside `Churn Label`. A vendor's churn score
    (AUC 0.959 alone) is below the leak line and was never named; so named, a column is
    likely recorded with the outcome, and a modeller should look before trusting it."""
    told = set(name_words(label)) - LABEL_WORDS_NOT_TOLD
    return [name for name in attributes if told & set(name_words(name))]


def undated_attributes(tables: Tables, looked_up: Mapping[str, str]) -> list[str]:
    """The attributes read as of the extract at every cutoff: not from a dated log, or
    joined onto its rows by a lookup (`looked_up`: column -> lookup file), whose value
    each row carries is the extract's, not of the row's date."""
    history = tables.attribute_history
    return [
        name
        for name in tables.attributes
        if history is None or name not in history or name in looked_up
    ]


def gone_by_end(tables: Tables, churn: ChurnSpec, end: pd.Timestamp) -> pd.Series:
    """Per customer id: gone (not eligible, by the churn definition) on day `end`."""
    at_end = label_churn(tables, churn, cutoffs=[end])
    return pd.Series(~at_end["eligible"].to_numpy(), index=at_end["customer_id"])


def undated_attribute_leaks(
    data: LabelledSet,
    tables: Tables,
    churn: ChurnSpec,
    *,
    cutoffs: list[pd.Timestamp],
    looked_up: Mapping[str, str],
) -> list[dict[str, Any]]:
    """The undated attributes (`undated_attributes`) that tell apart who is gone by the
    data's end among the customers still there after the horizon of a training cutoff
    (`cutoffs`): ROC AUC `END_LEAK_AUC` or more, and `END_LEAK_MARGIN` above every dated
    feature. A snapshot's label (`label_column`) is of the attributes' own date, so it
    has nothing to check."""
    names = [n for n in undated_attributes(tables, looked_up) if n in data.frame]
    end = observed_end(tables, churn)
    if churn.definition == "label_column" or not names or end is None:
        return []
    stayed, gone = _stayers(data, cutoffs, gone_by_end(tables, churn, end))
    if min(gone.sum(), len(gone) - gone.sum()) < MIN_GONE:
        return []
    specs = {spec.name: spec for spec in data.specs}
    dated = _best(stayed, gone, [s for s in data.specs if _dated(s, names)])
    found = []
    for name in names:
        auc = _auc_of(stayed, gone, specs[name])
        if auc is None or auc < END_LEAK_AUC or (dated and auc < dated[1] + END_LEAK_MARGIN):
            continue
        if specs[name].dtype == "category" and _follows_start(stayed, name):
            continue  # a cohort, known when the customer began: no fate
        leak = {"attribute": name, "roc_auc_gone_by_end": auc, "end": str(end.date())}
        leak["horizon_days"] = churn.horizon_days
        if name in looked_up:
            leak["lookup"] = looked_up[name]
        if dated:
            leak.update(best_dated_feature=dated[0], best_dated_roc_auc=dated[1])
        if specs[name].dtype == "category":
            leak.update(gone_share=float(gone.mean()), levels=_extreme_levels(stayed[name], gone))
            if (own := customer_levels(data.at(cutoffs), name)) is not None:
                leak["customer_levels"] = own
        found.append(leak)
    return found


COHORT_SHARE = 0.9
"""The share of the spread of customers' start days an attribute's levels account for
(eta squared) from which it names when they began, not how they ended."""


def _follows_start(rows: pd.DataFrame, name: str) -> bool:
    """Whether the attribute's levels follow the day each customer began (the cutoff less
    their tenure): a cohort, such as a course's intake ('2013B', '2014J'), is known from
    the start, and its old levels are all gone by the data's end because their courses
    ended, not because it records who left (OULAD's `code_presentation` was refused as a
    leak). A status such as 'cancelled' holds customers of every start."""
    if "tenure_days" not in rows:
        return False
    began = (rows["cutoff"] - pd.to_timedelta(rows["tenure_days"], unit="D")).dt.normalize()
    once = pd.DataFrame({"level": rows[name], "began": began, "id": rows["customer_id"]})
    once = once.dropna().drop_duplicates("id")
    days = (once["began"] - once["began"].min()).dt.days.astype(float)
    spread = float(days.var(ddof=0)) if len(days) > 1 else 0.0
    if spread == 0:
        return False
    level_mean = days.groupby(once["level"].astype("object")).transform("mean")
    within = float(((days - level_mean) ** 2).mean())
    return 1 - within / spread >= COHORT_SHARE


def customer_levels(rows: pd.DataFrame, name: str) -> dict[str, int] | None:
    """The levels of attribute `name` among the customers of `rows`, when `OWN_LEVEL_SHARE`
    of them or more hold one no other customer holds: the levels, the customers with a
    value, and how many hold a level of their own. None: a grouping, not a name."""
    values = rows.drop_duplicates("customer_id")[name].dropna().astype("object")
    counts = values.value_counts()
    own = int((counts == 1).sum())
    if not len(values) or own < OWN_LEVEL_SHARE * len(values):
        return None
    return {"levels": len(counts), "customers": len(values), "own_level": own}


def _stayers(
    data: LabelledSet, cutoffs: list[pd.Timestamp], gone: pd.Series
) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows at `cutoffs` that did not churn in the horizon (up to `LEAK_SAMPLE_ROWS`),
    and whether each customer is gone by the end: the label's own leavers would tell
    apart only what the single-feature check already looks at."""
    rows = data.at(cutoffs)
    rows = rows[~rows["churned"].astype(bool)]
    rows = rows.sample(min(len(rows), LEAK_SAMPLE_ROWS), random_state=0)
    return rows, rows["customer_id"].map(gone).fillna(False).to_numpy(dtype=int)


def _dated(spec: FeatureSpec, undated: list[str]) -> bool:
    """A feature of the customer's dated history: no undated attribute, and no wallet
    (estimated from the attributes, or supplied on the customers table: undated too)."""
    return spec.name not in undated and spec.family != "wallet"


def _best(rows: pd.DataFrame, y: np.ndarray, specs: list[FeatureSpec]) -> tuple[str, float] | None:
    scored = [(spec.name, _auc_of(rows, y, spec)) for spec in specs]
    known = [(name, auc) for name, auc in scored if auc is not None]
    return max(known, key=lambda item: item[1]) if known else None


def _extreme_levels(values: pd.Series, gone: np.ndarray) -> list[dict[str, Any]]:
    """Of the levels holding 1% of the rows or more, the two most often gone by the end
    among those above the overall share and the two least often below it: what a reader
    recognises as a status ('canceled' 100%, 'active' 2%)."""
    levels = values.astype("object").fillna("(blank)")
    shares = pd.Series(gone, index=values.index).groupby(levels).agg(["mean", "size"])
    shares = shares[shares["size"] >= 0.01 * len(values)].sort_values("mean", ascending=False)
    above, below = shares[shares["mean"] > gone.mean()], shares[shares["mean"] <= gone.mean()]
    picked = pd.concat([above.head(LEVELS_SAID), below.tail(LEVELS_SAID)])
    return [
        {"level": str(level), "gone_share": float(row["mean"]), "rows": int(row["size"])}
        for level, row in picked.iterrows()
    ]
