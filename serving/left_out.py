"""Who a batch leaves out, and why: customers in the data not active at the cutoff.

`churn score` says how many, per reason, and the store keeps each one's reason: a
retention team that looks up a customer it knows ("why is 18 not on my list?") reads
"labelled as gone" or "cancelled with no payment since", not the "no score" of an id
nobody has.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from features.contract import RunConfig
from features.labels import gone_reasons
from features.tables import Tables, first_activity

BY_DEFINITION = {"label_column": "labelled", "inactivity": "lapsed", "expiry": "expired"}
"""The one reason each churn definition leaves customers out for; `cancellation` has
several (`features.labels.Gone`)."""


LAST_PAYMENT = "days_since_last_purchase"
LAST_USE = "days_since_last_event"
NEVER_PAID = "never_paid"
"""Under expiry, a customer of the data with no payment by the cutoff: a KKBox listener
without one read "not paid up at the cutoff nor within the 1 days' grace"."""
NEVER_ACTIVE = "never_active"
"""A customer of the data (a signup, or other activity) with none of the activity the
churn definition reads by the cutoff: they signed up and never started, an onboarding
list, not a lapsed one (3,177 of Relax's 12,000 signups never logged in, and read "lapsed
already, or not yet a customer")."""
NOT_YET = "not_yet"
"""A customer of the data the cutoff did not know yet: no signup or activity by it (141
of a retailer's customers table had never bought, 62 others had returned all they
bought, and a lookup of either read as an unknown id)."""


def why_left_out(
    built: pd.DataFrame,
    scored: pd.DataFrame,
    tables: Tables,
    config: RunConfig,
    cutoff: pd.Timestamp,
) -> pd.Series:
    """Per customer of the data missing from `scored`, the reason (`words` reads it),
    indexed by customer id: those of `built` (the features at the cutoff) by the churn
    definition, the lapsed who never were active as such, the rest of the customers
    table as not yet customers."""
    out = ~built["customer_id"].isin(scored["customer_id"])
    ids = built.loc[out, "customer_id"]
    definition = config.churn.definition
    if definition != "cancellation":
        why = pd.Series(BY_DEFINITION.get(definition, "inactive"), index=ids.to_numpy())
        if definition == "expiry" and LAST_PAYMENT in built:  # a listener who never paid
            why[built.loc[out, LAST_PAYMENT].isna().to_numpy()] = NEVER_PAID
    else:
        gone = gone_reasons(tables, config.churn, cutoff=cutoff)
        why = gone.reindex(ids.to_numpy()).fillna("inactive")
    lapsed = (why == "lapsed").to_numpy()
    if lapsed.any():
        never = _never_active(built.loc[out], config, tables.transactions is not None)
        why[lapsed & never & _signed_up_in_the_data(ids, tables)] = NEVER_ACTIVE
    everyone = tables.customers["customer_id"]
    unknown = everyone[~everyone.isin(built["customer_id"])].to_numpy()
    return pd.concat([why, pd.Series(NOT_YET, index=unknown)]) if len(unknown) else why


def _never_active(built: pd.DataFrame, config: RunConfig, purchases: bool) -> np.ndarray:
    """Per row of `built`, whether the customer had none of the activity `lapsed` reads
    by the cutoff, told by its silence being unknown (a purchase all returned is none):
    the kind `inactivity` reads, or under `cancellation` neither purchases nor usage
    (`features.labels`). Read from the features already built, as `NEVER_PAID` is: a
    second pass over a million customers' tables to learn it cost seconds."""
    churn = config.churn
    if churn.definition == "cancellation":
        silences = [LAST_PAYMENT, LAST_USE]
    else:
        silences = [LAST_USE if churn.by_usage(purchases) else LAST_PAYMENT]
    read = [built[name].isna().to_numpy() for name in silences if name in built]
    if not read:
        return np.zeros(len(built), dtype=bool)
    return np.logical_and.reduce(read)


def _signed_up_in_the_data(ids: pd.Series, tables: Tables) -> np.ndarray:
    """Per id, whether the customer signed up on or after the first day of purchases or
    usage: of one who signed up before, no activity in the extract is none on record, not
    none ever (a simulated world's 14 signups of 2020-2022, its log from 2023, read
    "never bought"). False without a signup date."""
    start = first_activity(tables)
    people = tables.customers
    if start is None or "signup_date" not in people:
        return np.zeros(len(ids), dtype=bool)
    signed = people.drop_duplicates("customer_id").set_index("customer_id")["signup_date"]
    return (signed.reindex(ids.to_numpy()) >= start).to_numpy(dtype=bool)


def words(reason: str, config: RunConfig) -> str:
    """A reason of `why_left_out` in words, by the churn definition and the activity it
    reads: a usage-churn model said "no purchase in the 30 days up to the cutoff"."""
    churn, data = config.churn, config.data
    window = churn.active_window_days
    if reason == NOT_YET:
        return _not_yet(config)
    if reason == NEVER_PAID:
        return "no payment on record by the cutoff"
    activity = "usage event" if churn.by_usage(data.transactions is not None) else "purchase"
    if reason == NEVER_ACTIVE:
        activity = "activity" if churn.definition == "cancellation" else activity
        never = "never bought, or all they bought returned" if activity == "purchase" else ""
        return f"signed up, no {activity} yet ({never or 'never active'})"
    if churn.definition == "cancellation":
        return {
            "cancelled": "cancelled with no payment since"
            if data.transactions is not None
            else "cancelled by the cutoff",
            "expired": f"paid period ended unpaid over {churn.grace_days} days before the cutoff",
            "lapsed": inactive("activity", window),
        }.get(reason, "not active at the cutoff")
    return {
        "labelled": "labelled as gone (nobody to call)",
        "lapsed": inactive(activity, window),
        "expired": f"not paid up at the cutoff nor within the {churn.grace_days} days' grace",
    }.get(reason, "not active at the cutoff")


def inactive(activity: str, window_days: int) -> str:
    """Why a customer without `activity` in the active window is not scored. Not
    "lapsed": that is the lifecycle stage of scored customers (180 days silent), whom
    `--segment lifecycle_stage=lapsed` lists, and "100 not scored: ... (lapsed)" beside
    it said one word of two groups."""
    return f"inactive (no {activity} in the {window_days}-day active window up to the cutoff)"


LAPSED_AS_STORED = re.compile(
    r"no (purchase|usage event) in the (\d+) days up to the cutoff \(lapsed\)"
)
"""The words batches stored before for `inactive` (`said_now` reads them so)."""


def said_now(why: str) -> str:
    """A stored reason in today's words: a batch stored before says the inactive were
    "(lapsed)", the lifecycle stage's word for customers it scored."""
    old = LAPSED_AS_STORED.fullmatch(why)
    return why if old is None else inactive(old[1], int(old[2]))


def _not_yet(config: RunConfig) -> str:
    """`NOT_YET` in the activity the data hold: what makes a customer known is a signup,
    a purchase or a usage event, and only a purchase can be returned (a MovieLens usage
    log's never-rated users read "(or all they bought returned)")."""
    data = config.data
    kinds = [
        kind
        for kind, table in (("purchase", data.transactions), ("usage event", data.events))
        if table is not None
    ] or ["activity"]
    known = f"{', '.join(['signup', *kinds[:-1]])} or {kinds[-1]}"
    returned = " (or all they bought returned)" if data.transactions is not None else ""
    return f"no {known} on record by the cutoff{returned}"


def summary(why: pd.Series, config: RunConfig) -> str:
    """What `churn score` prints of those it left out: the reason, or each reason with
    how many it holds."""
    counts = why.value_counts(sort=True)
    if len(counts) == 1:
        return words(str(counts.index[0]), config)
    return ", ".join(f"{n:,} {words(str(reason), config)}" for reason, n in counts.items())
