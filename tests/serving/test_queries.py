"""Read-side rules on hand-written batches: exact segment match, cursors pinned to a batch."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest

from serving import store
from serving.queries import (
    BadCursorError,
    NoScoresError,
    StaleCursorError,
    UnknownSegmentError,
    WorklistQuery,
    customer_score,
    decode_cursor,
    encode_cursor,
    segment_pair,
    worklist_page,
)


def _row(customer_id: str, probability: float, region: str) -> dict:
    return {
        "customer_id": customer_id,
        "probability": probability,
        "band": "high",
        "value": 100.0,
        "value_at_risk": probability * 100,
        "tier": "standard",
        "reasons": [],
        "segments": {"region": region, "note": '"region": "north"'},
    }


@pytest.fixture
def engine(tmp_path):
    engine = store.connect(f"sqlite:///{tmp_path}/scores.db")
    rows = [_row("a", 0.9, "north"), _row("b", 0.8, "northeast"), _row("c", 0.7, "no%th")]
    store.write_batch(
        engine, model_name="m", model_version="1", cutoff=dt.date(2024, 6, 30), rows=rows
    )
    return engine


@pytest.mark.parametrize(("region", "ids"), [("north", ["a"]), ("no%th", ["c"])])
def test_segment_matches_the_exact_pair_only(engine, region, ids):
    rows = worklist_page(engine, WorklistQuery(segments=(("region", region),))).items
    assert [row["customer_id"] for row in rows] == ids
    with pytest.raises(UnknownSegmentError, match="no customer has region 'nor'"):
        worklist_page(engine, WorklistQuery(segments=(("region", "nor"),)))  # no LIKE prefix


def test_customers_holding_a_segment_blank_are_filtered_as_not_recorded(tmp_path):
    """An energy retailer's channel was blank for a quarter of its customers: `channel:`
    was a 422 of the route's pattern, and the values listed left the blank out."""
    engine = store.connect(f"sqlite:///{tmp_path}/scores.db")
    rows = [_row("a", 0.9, "north"), _row("b", 0.8, None), _row("c", 0.7, None)]
    store.write_batch(
        engine, model_name="m", model_version="1", cutoff=dt.date(2024, 6, 30), rows=rows
    )
    assert segment_pair("region:") == ("region", None)
    assert segment_pair("region=not recorded") == ("region", None)
    assert segment_pair("region:north") == ("region", "north")
    for said in ("region:", "region:not recorded"):
        query = WorklistQuery(segments=(segment_pair(said),))
        assert [row["customer_id"] for row in worklist_page(engine, query).items] == ["b", "c"]
        assert query.listing == "segment=region:not recorded&sort=value_at_risk"
    with pytest.raises(UnknownSegmentError, match=r"region there: not recorded \(2\), north"):
        worklist_page(engine, WorklistQuery(segments=(("region", "south"),)))
    with pytest.raises(UnknownSegmentError, match="no customer has region blank"):
        rows = [_row("d", 0.9, "north")]
        store.write_batch(
            engine, model_name="m", model_version="1", cutoff=dt.date(2024, 7, 31), rows=rows
        )
        worklist_page(engine, WorklistQuery(segments=(("region", None),)))


def test_several_segments_keep_the_customers_holding_every_one(tmp_path):
    """`segment=region:north&segment=channel:online` listed a customer of the east: the
    route read the last filter only, and so did the CLI's repeated --segment."""
    engine = store.connect(f"sqlite:///{tmp_path}/scores.db")
    rows = [_row(i, p, region) for i, p, region in [("a", 0.9, "north"), ("b", 0.8, "north")]]
    rows += [_row("c", 0.7, "east")]
    for row, channel in zip(rows, ["shop", "online", "online"], strict=True):
        row["segments"] = {"region": row["segments"]["region"], "channel": channel}
    store.write_batch(
        engine, model_name="m", model_version="1", cutoff=dt.date(2024, 6, 30), rows=rows
    )
    both = WorklistQuery(segments=(("region", "north"), ("channel", "online")))
    assert [row["customer_id"] for row in worklist_page(engine, both).items] == ["b"]
    assert both.listing == "segment=channel:online&segment=region:north&sort=value_at_risk"
    nobody = WorklistQuery(segments=(("region", "east"), ("channel", "shop")))
    assert worklist_page(engine, nobody).items == []  # each held, none together


def test_cursor_round_trip_and_forgery():
    assert decode_cursor(encode_cursor(7, 400)) == (7, 400)
    assert decode_cursor(encode_cursor(7, 400, "band=high"), "band=high") == (7, 400)
    for forged in ("", "abc", encode_cursor(7, -1), "eyJ4IjogMX0"):
        with pytest.raises(BadCursorError):
            decode_cursor(forged)
    with pytest.raises(BadCursorError, match="of another worklist than band=low"):
        decode_cursor(encode_cursor(7, 400, "band=high"), "band=low")
    long = "segment=industry:" + "Administrative and Support " * 10  # as a route takes it
    assert len(encode_cursor(10**9, 10**9, long)) < 100
    for before in (b'{"b": 7, "o": 400}', b'{"b": 7, "o": 400, "q": "band=high"}'):
        earlier = base64.urlsafe_b64encode(before).decode()  # before digests
        with pytest.raises(StaleCursorError, match="start again"):
            decode_cursor(earlier, "band=high")


def test_a_new_batch_mid_paging_makes_the_cursor_stale(engine):
    page = worklist_page(engine, WorklistQuery(limit=2))
    first, cursor = page.items, page.next_cursor
    assert [row["customer_id"] for row in first] == ["a", "b"] and cursor
    store.write_batch(
        engine, model_name="m", model_version="2", cutoff=dt.date(2024, 7, 31), rows=[]
    )
    with pytest.raises(StaleCursorError):
        worklist_page(engine, WorklistQuery(limit=2, cursor=cursor))


def test_an_id_missing_its_leading_zeros_names_the_stored_one(tmp_path):
    """A spreadsheet drops Ta-Feng's leading zeros: '2131269' is a 404 that names
    '02131269'; a padded id finds the bare one too, and a text id gets no guess."""
    engine = store.connect(f"sqlite:///{tmp_path}/scores.db")
    rows = [_row("02131269", 0.9, "north"), _row("417", 0.5, "north"), _row("C9", 0.4, "north")]
    store.write_batch(
        engine, model_name="m", model_version="1", cutoff=dt.date(2024, 6, 30), rows=rows
    )
    with pytest.raises(NoScoresError, match=r"'2131269' .*; did you mean '02131269'\?$"):
        customer_score(engine, "2131269")
    with pytest.raises(NoScoresError, match=r"did you mean '417'\?$"):
        customer_score(engine, "000417")
    with pytest.raises(NoScoresError, match=r"'C8' in the latest batch$"):
        customer_score(engine, "C8")
    with pytest.raises(NoScoresError, match=r"'c9' in the latest batch; did you mean 'C9'\?$"):
        customer_score(engine, "c9")  # a CRM writing ids in lower case


def test_a_batch_stored_with_the_old_word_for_the_inactive_reads_in_the_new(engine):
    """Batches stored before said "(lapsed)" of customers not scored, the word of the
    lifecycle stage of scored ones: their lookup by id reads today's word."""
    old = "no purchase in the 365 days up to the cutoff (lapsed)"
    store.write_batch(
        engine,
        model_name="m",
        model_version="1",
        cutoff=dt.date(2024, 7, 31),
        rows=[_row("a", 0.9, "north")],
        left_out=[("z", old), ("y", "labelled as gone (nobody to call)")],
    )
    inactive = "inactive (no purchase in the 365-day active window up to the cutoff)"
    with pytest.raises(NoScoresError, match=rf"\(cutoff 2024-07-31\): {re.escape(inactive)}$"):
        customer_score(engine, "z")
    with pytest.raises(NoScoresError, match=r": labelled as gone \(nobody to call\)$"):
        customer_score(engine, "y")
