"""Score store: atomic batches, crash safety, idempotent reruns, worklist queries."""

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from serving import store
from serving.ranking import TIERS
from tests.postgres import emptied

DAY = dt.date(2024, 6, 30)


def _rows(n: int, *, scale: float = 1.0) -> list[dict]:
    """n customers; value at risk grows with the id, bands and tiers alternate."""
    return [
        {
            "customer_id": i,
            "probability": min(0.99, 0.1 * (i % 10) + 0.05),
            "band": ("low", "medium", "high")[i % 3],
            "value": 100.0 * i * scale,
            "value_at_risk": 10.0 * i * scale,
            "tier": ("most_valuable", "standard")[i % 2],
            "reasons": [{"feature": "days_since_last_purchase", "text": f"no purchase {i}"}],
            "segments": {"region": "north" if i % 2 else "south"},
        }
        for i in range(n)
    ]


def _crashing(rows: list[dict]) -> Iterator[dict]:
    """Yield half the rows, then fail as a process killed midway would."""
    for i, row in enumerate(rows):
        if i == len(rows) // 2:
            raise RuntimeError("crash midway")
        yield row


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path) -> Iterator[sa.Engine]:
    """Every store test runs on the default SQLite file and on a live PostgreSQL server."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'nested' / 'scores.db'}"
    else:
        url = emptied(request.getfixturevalue("postgres_url"))
    engine = store.connect(url)
    yield engine
    engine.dispose()


def _write(engine, rows, *, version="1", cutoff=DAY) -> int:
    return store.write_batch(
        engine, model_name="retail", model_version=version, cutoff=cutoff, rows=rows
    )


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_written_batch_is_complete_and_readable(engine):
    batch_id = _write(engine, _rows(12))
    latest = store.latest_batch(engine)
    assert latest["id"] == batch_id
    assert (latest["rows"], latest["status"], latest["cutoff"]) == (12, "complete", DAY)
    score = store.latest_score(engine, "7")
    assert score["customer_id"] == "7"
    assert score["value_at_risk"] == pytest.approx(70.0)
    assert score["reasons"][0]["text"] == "no purchase 7"
    assert score["segments"] == {"region": "north"}
    assert store.latest_score(engine, 7) == score  # ids are compared as text
    assert store.latest_score(engine, "missing") is None


def test_empty_store_reads_as_nothing(engine):
    assert store.latest_score(engine, "1") is None
    assert store.worklist(engine) == []


def test_crash_midway_leaves_the_previous_batch(engine):
    first = _write(engine, _rows(10))
    with pytest.raises(RuntimeError, match="crash midway"):
        _write(engine, _crashing(_rows(10, scale=2.0)), version="2", cutoff=DAY.replace(day=29))
    with pytest.raises(RuntimeError, match="crash midway"):
        _write(engine, _crashing(_rows(10, scale=2.0)), version="1")  # same key as `first`
    assert store.latest_batch(engine)["id"] == first
    assert store.latest_score(engine, "3")["value"] == pytest.approx(300.0)
    assert (_count(engine, store.batches), _count(engine, store.scores)) == (1, 10)


def test_rerun_of_the_same_version_and_cutoff_replaces_its_batch(engine):
    _write(engine, _rows(10))
    again = _write(engine, _rows(8, scale=3.0))
    assert (_count(engine, store.batches), _count(engine, store.scores)) == (1, 8)
    assert store.latest_batch(engine)["id"] == again
    assert store.latest_score(engine, "2")["value"] == pytest.approx(600.0)
    assert store.latest_score(engine, "9") is None


def test_who_a_batch_left_out_is_kept_with_it_and_replaced_with_it(engine):
    def write(left_out, **kw):
        return store.write_batch(
            engine,
            model_name="retail",
            model_version="1",
            cutoff=DAY,
            rows=_rows(2),
            left_out=left_out,
            **kw,
        )

    first = write([("x1", "labelled as gone (nobody to call)")])
    assert store.why_unscored(engine, "x1", batch_id=first) == "labelled as gone (nobody to call)"
    assert store.why_unscored(engine, "1", batch_id=first) is None  # scored: no reason
    again = write([("x2", "cancelled with no payment since")])
    assert store.why_unscored(engine, "x1", batch_id=again) is None
    assert _count(engine, store.unscored) == 1
    store.remove_batch(engine, again)
    assert _count(engine, store.unscored) == 0


def test_readers_see_the_latest_cutoff_then_the_last_written(engine):
    _write(engine, _rows(5), version="1", cutoff=DAY)
    newer_model = _write(engine, _rows(5, scale=2.0), version="2", cutoff=DAY)
    _write(engine, _rows(5, scale=5.0), version="3", cutoff=DAY - dt.timedelta(days=30))
    assert store.latest_batch(engine)["id"] == newer_model
    assert store.latest_score(engine, "1")["value"] == pytest.approx(200.0)


def test_a_reader_that_knows_its_model_sees_that_models_latest_batch(engine):
    ours = _write(engine, _rows(3), cutoff=MONTH_BEFORE)
    theirs = store.write_batch(
        engine, model_name="telco", model_version="1", cutoff=DAY, rows=_rows(3)
    )
    assert store.latest_batch(engine)["id"] == theirs
    assert store.latest_batch(engine, model_name="retail")["id"] == ours
    assert store.latest_batch(engine, model_name="unknown") is None


def test_a_batch_at_a_wrong_later_cutoff_can_be_listed_and_removed(engine):
    """A batch scored at a wrong, later cutoff is what readers show over every newer one
    of an earlier cutoff; removing it (and only it) shows the right one again."""
    right = _write(engine, _rows(4), version="2", cutoff=DAY)
    compared = _write(engine, _rows(3), version="1", cutoff=DAY + dt.timedelta(days=30))
    wrong = _write(engine, _rows(5), version="1", cutoff=DAY + dt.timedelta(days=3650))
    assert [b["id"] for b in store.list_batches(engine)] == [wrong, compared, right]
    assert store.latest_batch(engine)["id"] == wrong
    later = _write(engine, _rows(2), version="1", cutoff=DAY + dt.timedelta(days=3651))
    assert store.latest_batch(engine)["id"] == later
    gone = store.remove_batch(engine, wrong)
    assert (gone["id"], gone["rows"]) == (wrong, 5)
    assert [b["id"] for b in store.list_batches(engine)] == [later, compared, right]
    assert store.list_batches(engine, model_name="telco") == []
    with engine.connect() as conn:
        ids = conn.execute(sa.select(store.scores.c.batch_id).distinct()).scalars().all()
        named = conn.execute(
            sa.select(store.batches.c.previous_batch_id).where(store.batches.c.id == later)
        ).scalar_one()
    # its scores are gone, and the batch compared with it is compared with the one before
    assert wrong not in ids and named == compared
    now = store.latest_score(engine, "1")
    assert now["probability"] == pytest.approx(0.15)
    then = store.latest_score(engine, "1", batch_id=compared)["probability"]
    assert now["previous_probability"] == pytest.approx(then)
    assert str(store.latest_batch(engine)["previous_cutoff"]) == str(DAY + dt.timedelta(days=30))
    store.remove_batch(engine, compared)  # then the one before it, of another version
    assert store.latest_batch(engine)["previous_batch_id"] == right
    store.remove_batch(engine, right)  # and none: no change known
    assert store.latest_score(engine, "1")["previous_probability"] is None
    assert store.latest_batch(engine)["previous_cutoff"] is None
    with pytest.raises(store.StoreError, match=f"no batch {wrong}"):
        store.remove_batch(engine, wrong)


def test_worklist_sorts_filters_and_pages(engine):
    _write(engine, _rows(30))
    top = store.worklist(engine, limit=5)
    assert [r["customer_id"] for r in top] == ["29", "28", "27", "26", "25"]
    page = store.worklist(engine, limit=5, offset=5)
    assert [r["customer_id"] for r in page] == ["24", "23", "22", "21", "20"]
    high = store.worklist(engine, band="high", tier="most_valuable")
    assert high and all(r["band"] == "high" and r["tier"] == "most_valuable" for r in high)
    assert [r["customer_id"] for r in high] == ["26", "20", "14", "8", "2"]
    by_p = store.worklist(engine, sort="probability", limit=3)
    assert [r["probability"] for r in by_p] == pytest.approx([0.95] * 3)
    assert [r["customer_id"] for r in by_p] == ["9", "19", "29"]  # ties by id as number


def test_unknown_value_at_risk_sorts_last(engine):
    rows = _rows(3)
    rows[2].update(value=None, value_at_risk=float("nan"))
    _write(engine, rows)
    assert [r["customer_id"] for r in store.worklist(engine)] == ["1", "0", "2"]


def test_without_values_the_worklist_is_in_risk_order_not_id_order(engine):
    """A usage log without spend or value: every value at risk is unknown."""
    rows = [row | {"value": None, "value_at_risk": None} for row in _rows(12)]
    _write(engine, rows)
    listed = store.worklist(engine, limit=4)
    assert [r["customer_id"] for r in listed] == ["9", "8", "7", "6"]  # not "0", "1", "10"
    assert [r["probability"] for r in listed] == pytest.approx([0.95, 0.85, 0.75, 0.65])


def test_ties_list_number_ids_in_number_order(engine):
    """RetailRocket's 245 visitors at 0.992: listed 1014116, 101905, 1019718 (as text)."""
    ids = ["1019718", "101905", "1014116", "99"]
    rows = [
        row | {"customer_id": i, "probability": 0.992} for row, i in zip(_rows(4), ids, strict=True)
    ]
    _write(engine, [row | {"value": None, "value_at_risk": None} for row in rows])
    listed = store.worklist(engine, limit=4)
    assert [r["customer_id"] for r in listed] == ["99", "101905", "1014116", "1019718"]


def test_ties_of_probability_follow_the_models_margin_before_the_id(engine):
    """A MOOC's batch had 46% of its learners at the 0.999 ceiling, listed by id (3, 5, 7,
    13...): the booster's margin ranks them as the model does; a row written without one
    (a store from before margins) follows those with."""
    margins = {"3": 2.0, "5": 6.5, "7": None, "13": 4.1}
    rows = [
        row | {"customer_id": i, "probability": 0.999, "margin": m}
        for row, (i, m) in zip(_rows(4), margins.items(), strict=True)
    ]
    _write(engine, [row | {"value": None, "value_at_risk": None} for row in rows])
    listed = store.worklist(engine, sort="probability")
    assert [r["customer_id"] for r in listed] == ["5", "13", "3", "7"]
    assert "margin" not in listed[0]


def test_how_the_worklist_by_value_at_risk_begins_by_risk(engine):
    """Of 5 riskier customers of little value (one of none, one of 0), value at risk
    lists 1 in its first 3, beside 2 low-risk ones: the note's counts
    (`serving.ranking.buried_note`)."""
    rows = _rows(12)
    for row in rows:
        row |= {"band": "low", "value": 1000.0, "value_at_risk": 10.0 * row["customer_id"]}
    riskier = zip((0, 1, 2, 3, 11), (0.0, None, 5.0, 5.0, 1000.0), strict=True)
    for i, value in riskier:
        at_risk = None if value is None else 0.9 * value
        rows[i] |= {"band": "high" if i % 2 else "medium", "value": value, "value_at_risk": at_risk}
    rows[11]["value_at_risk"] = 900.0
    batch_id = _write(engine, rows)
    found = store.first_listed(engine, batch_id, first=3)
    assert found == store.FirstListed(
        first=3, low=2, riskier=5, rows=12, riskier_unvalued=1
    )  # the one of none is no 0: the unvalued note's
    small = store.first_listed(engine, batch_id, first=50)
    assert (small.first, small.riskier_listed) == (12, 5)
    valueless = _write(engine, [row | {"value": 0.0} for row in rows], version="2")
    assert store.first_listed(engine, valueless, first=3).riskier_unvalued == 0  # nobody valued


def test_bad_queries_are_refused(engine):
    with pytest.raises(store.StoreError, match="sort must be one of"):
        store.worklist(engine, sort="customer_id; drop table scores")
    with pytest.raises(store.StoreError):
        store.worklist(engine, offset=-1)


# -- risk movement since the previous batch ----------------------------------------------
MONTH_BEFORE = DAY - dt.timedelta(days=30)


def _with_probabilities(probabilities: dict[int, float]) -> list[dict]:
    rows = {row["customer_id"]: row for row in _rows(10)}
    return [{**rows[i], "probability": p} for i, p in probabilities.items()]


def test_a_batch_keeps_each_customers_previous_probability(engine):
    _write(engine, _with_probabilities({0: 0.2, 1: 0.5, 2: 0.9}), cutoff=MONTH_BEFORE)
    now = _write(engine, _with_probabilities({0: 0.6, 1: 0.45, 2: 0.5, 3: 0.3}), version="2")
    assert store.latest_batch(engine)["previous_cutoff"] == MONTH_BEFORE
    assert store.latest_score(engine, "0")["previous_probability"] == pytest.approx(0.2)
    assert store.latest_score(engine, "3")["previous_probability"] is None  # new since then
    risers = store.worklist(engine, sort="probability_change")
    assert [r["customer_id"] for r in risers] == ["0", "1", "2", "3"]  # +0.4, -0.05, -0.4, new
    moved = store.movement(engine, now)
    assert (moved.previous_cutoff, moved.risen, moved.fallen) == (MONTH_BEFORE, 1, 1)
    assert (moved.compared, moved.new) == (3, 1)
    assert moved.previous_version == "1"  # a new model scored this batch: said


def test_batches_whose_ids_are_row_numbers_are_compared_with_no_other(engine):
    """Two extracts without an id column: row 7145 of one was compared with row 7145 of
    the other, a different person ("299 customers' churn probability rose")."""
    earlier = _write(engine, _with_probabilities({0: 0.2, 1: 0.5}), cutoff=MONTH_BEFORE)
    numbered = store.write_batch(
        engine,
        model_name="retail",
        model_version="1",
        cutoff=DAY,
        rows=_with_probabilities({0: 0.6, 1: 0.1}),
        row_number_ids=True,
    )
    assert store.movement(engine, numbered) is None
    assert store.latest_score(engine, "0", batch_id=numbered)["previous_probability"] is None
    later = _write(engine, _with_probabilities({0: 0.9}), cutoff=DAY + dt.timedelta(days=30))
    moved = store.movement(engine, later)  # past the numbered batch, to the one with ids
    assert (moved.previous_cutoff, moved.risen) == (MONTH_BEFORE, 1)
    assert earlier != numbered


def test_the_batch_a_new_one_replaces_is_told_with_its_customers_in_common(engine):
    """Scoring the test extract at the training file's cutoff replaced 27,838 customers
    by 10,000 others without a word."""
    first = _write(engine, _rows(6))
    found = store.to_be_replaced(
        engine, model_name="retail", model_version="1", cutoff=DAY, customer_ids=[4, 5, 6, 7]
    )
    assert found == store.Replaced(batch_id=first, rows=6, shared=2)
    elsewhere = {"model_name": "retail", "model_version": "2", "cutoff": DAY}
    assert store.to_be_replaced(engine, **elsewhere, customer_ids=[1]) is None


def test_a_replacement_holding_under_half_of_the_batchs_customers_loses_most():
    """A 418-customer holdout over a 7,962-customer batch is another extract, not a rerun;
    row numbers are no identity, so there only the counts tell: another count, another
    file."""
    old = store.Replaced(batch_id=1, rows=7_962, shared=418)
    assert old.loses_most(rows=500, row_number_ids=False)
    half = store.Replaced(batch_id=1, rows=6, shared=3)
    assert not half.loses_most(rows=3, row_number_ids=False)  # half is kept: a rerun's share
    numbered = store.Replaced(batch_id=1, rows=6, shared=6)
    assert numbered.kept(rows=2, row_number_ids=True) == 2
    assert numbered.loses_most(rows=2, row_number_ids=True)
    # another count of rows is another file: its row 5 is another customer
    assert numbered.loses_most(rows=4, row_number_ids=True)
    assert numbered.loses_most(rows=8, row_number_ids=True)
    assert not numbered.loses_most(rows=6, row_number_ids=True)  # a rerun


def test_only_the_same_models_earlier_cutoff_is_compared(engine):
    first = _write(engine, _rows(4))
    backfill = _write(engine, _rows(4), cutoff=MONTH_BEFORE)  # scored after, but earlier
    other = store.write_batch(
        engine, model_name="telco", model_version="1", cutoff=DAY, rows=_rows(4)
    )
    assert store.movement(engine, first) is None
    assert store.movement(engine, backfill) is None
    assert store.movement(engine, other) is None


def test_a_store_written_before_movement_gains_its_columns(tmp_path):
    """A score store from an older version: `connect` adds the new nullable columns, its
    batches stay readable, and the next batch is compared with them."""
    url = f"sqlite:///{tmp_path / 'scores.db'}"
    old = sa.MetaData()
    for table in store.metadata.sorted_tables:
        kept = [c for c in table.columns if not c.name.startswith("previous_")]
        sa.Table(
            table.name, old, *(sa.Column(c.name, c.type, primary_key=c.primary_key) for c in kept)
        )
    legacy = sa.create_engine(url)
    old.create_all(legacy)
    with legacy.begin() as conn:
        conn.execute(
            old.tables["batches"]
            .insert()
            .values(
                id=1,
                model_name="retail",
                model_version="1",
                cutoff=MONTH_BEFORE,
                created_at=dt.datetime(2024, 6, 1),
                rows=1,
                status="complete",
            )
        )
        row = store._record(1, _with_probabilities({5: 0.25})[0])
        conn.execute(old.tables["scores"].insert().values(row))
    legacy.dispose()

    engine = store.connect(url)
    assert store.latest_score(engine, "5")["probability"] == pytest.approx(0.25)
    now = _write(engine, _with_probabilities({5: 0.75}))
    assert store.latest_score(engine, "5")["previous_probability"] == pytest.approx(0.25)
    assert store.movement(engine, now).risen == 1
    engine.dispose()


def test_a_customer_of_unknown_value_is_stored_without_a_tier(engine):
    """A purchase log without amounts values nobody: their tier is None, stored as
    `UNTIERED` in the tier column every store since the first declares NOT NULL (no
    schema change: a rebuild of SQLite's table on connect was unsafe with several workers
    starting at once)."""
    earlier = _write(engine, _rows(2), cutoff=MONTH_BEFORE)
    rows = [{**row, "tier": None, "value": None, "value_at_risk": None} for row in _rows(3)]
    _write(engine, rows)
    assert {row["tier"] for row in store.worklist(engine)} == {None}
    assert store.latest_score(engine, "1")["tier"] is None
    assert store.worklist(engine, tier="standard") == []
    assert {row["tier"] for row in store.worklist(engine, batch_id=earlier)} <= set(TIERS)
    assert not {c["name"]: c["nullable"] for c in sa.inspect(engine).get_columns("scores")}["tier"]
