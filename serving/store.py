"""The score store: scored batches in a SQL database (SQLite file by default), via SQLAlchemy.

Write path: a batch is written in **one transaction**: any earlier batch of the same
(model name, model version, cutoff) is deleted, the batch row is inserted as `writing`,
the scores follow in chunks, and the batch is marked `complete` last. A crash anywhere
rolls all of it back, so the previous batch stays intact and a rerun of the same
(model version, cutoff) replaces its batch instead of adding a second one.

Read path: readers only see the *latest complete* batch: the one with the latest cutoff,
and among batches of one cutoff the one written last (a new champion's rescoring). A
backfill of an older cutoff therefore never replaces today's worklist. A reader that
knows its model (the server, `churn worklist --config`) sees that model's latest batch:
two projects sharing one store file do not show each other's customers.

Left out: the customers in the data a batch did not score (lapsed, cancelled, labelled
as gone) are kept with it, each with why in words, so a lookup of one reads why, not
the "no score" of an unknown id; they go with their batch.

Risk movement: each score row keeps the customer's probability in the *previous* batch
(the same model name's latest complete batch of an earlier cutoff when this one was
written), so a retention team can sort by the change ("who became risky since last
month") without a join per page. A customer new since then has none. A batch whose
customer ids are row numbers (a snapshot without an id column) is compared with no other,
earlier or later: the same row of two extracts is no one customer.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

WRITE_CHUNK_ROWS = 5_000
UNTIERED = ""
"""The stored tier of a customer of unknown value (`serving.ranking`: no tier), read back
as None. Not NULL: stores created while every customer had a tier declare the column NOT
NULL, and SQLite cannot drop that in place; rebuilding the table on connect was neither
atomic nor safe with several workers starting at once (a crash midway left the rows in a
renamed table)."""
SORTS = ("value_at_risk", "probability", "value", "probability_change")

metadata = sa.MetaData()

batches = sa.Table(
    "batches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("model_name", sa.String, nullable=False),
    sa.Column("model_version", sa.String, nullable=False),
    sa.Column("cutoff", sa.Date, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("rows", sa.Integer, nullable=False, default=0),
    sa.Column("status", sa.String, nullable=False),
    sa.Column("previous_batch_id", sa.Integer),
    sa.Column("previous_cutoff", sa.Date),
    sa.Column("row_number_ids", sa.Boolean),
    sa.Column("ranking_caveats", sa.JSON),
    sa.Column("bands", sa.JSON),
    sqlite_autoincrement=True,  # a replaced batch never hands its id to the next one
)

scores = sa.Table(
    "scores",
    metadata,
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=False),
    sa.Column("customer_id", sa.String, nullable=False),
    sa.Column("probability", sa.Float, nullable=False),
    sa.Column("band", sa.String, nullable=False),
    sa.Column("value", sa.Float),
    sa.Column("value_at_risk", sa.Float),
    sa.Column("tier", sa.String, nullable=False),  # UNTIERED: no value to tier by
    sa.Column("reasons", sa.Text, nullable=False),
    sa.Column("segments", sa.Text, nullable=False),
    sa.Column("previous_probability", sa.Float),
    sa.Column("margin", sa.Float),
    # the booster's score before calibration: customers of one probability (an isotonic
    # step, the probability ceiling: 46% of a MOOC's batch) follow the model's own ranking, not
    # their ids
    sa.UniqueConstraint("batch_id", "customer_id"),
    sa.Index("ix_scores_batch_var", "batch_id", "value_at_risk"),
)


unscored = sa.Table(
    "left_out",
    metadata,
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=False),
    sa.Column("customer_id", sa.String, nullable=False),
    sa.Column("why", sa.String, nullable=False),
    sa.UniqueConstraint("batch_id", "customer_id"),
)
"""Customers in the data a batch did not score, with why in words (`serving.left_out`)."""


class StoreError(ValueError):
    """A bad request to the store (unknown sort key, negative paging)."""


def connect(url: str) -> Engine:
    """An engine with the schema in place; creates the SQLite file's folder when needed."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    _add_missing_columns(engine)
    return engine


def _add_missing_columns(engine: Engine) -> None:
    """Add the nullable columns introduced since a store was created (`create_all` makes
    missing tables only): a store written by an older version keeps its batches. Each
    column in its own transaction; one that another process (a server's other worker)
    added meanwhile is fine."""
    for table in metadata.sorted_tables:
        present = {column["name"] for column in sa.inspect(engine).get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            kind = column.type.compile(engine.dialect)
            try:
                with engine.begin() as conn:
                    conn.execute(
                        sa.text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}")
                    )
            except sa.exc.DBAPIError:
                added = {c["name"] for c in sa.inspect(engine).get_columns(table.name)}
                if column.name not in added:
                    raise


def write_batch(
    engine: Engine,
    *,
    model_name: str,
    model_version: str,
    cutoff: dt.date,
    rows: Iterable[Mapping[str, Any]],
    row_number_ids: bool = False,
    ranking_caveats: Sequence[str] = (),
    left_out: Iterable[tuple[str, str]] = (),
    bands: Mapping[str, float | None] | None = None,
) -> int:
    """Write one scored batch atomically; returns its id. See the module docstring
    (`row_number_ids`: the ids are row numbers, so the batch is compared with none;
    `ranking_caveats`: what the worklist says of the model that scored it,
    `serving.caveats.Caveats.ranking`; `left_out`: (customer id, why) of the customers
    it did not score; `bands`: its thresholds, `serving.ranking.bands_said`)."""
    with engine.begin() as conn:
        _delete_same(conn, model_name, model_version, cutoff)
        batch_id = conn.execute(
            batches.insert().values(
                model_name=model_name,
                model_version=str(model_version),
                cutoff=cutoff,
                created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                rows=0,
                status="writing",
                row_number_ids=row_number_ids,
                ranking_caveats=list(ranking_caveats),
                bands=None if bands is None else dict(bands),
            )
        ).inserted_primary_key[0]
        written = 0
        for chunk in _chunks((_record(batch_id, row) for row in rows), WRITE_CHUNK_ROWS):
            conn.execute(scores.insert(), chunk)
            written += len(chunk)
        said = ({"batch_id": batch_id, "customer_id": i, "why": why} for i, why in left_out)
        for chunk in _chunks(said, WRITE_CHUNK_ROWS):
            conn.execute(unscored.insert(), chunk)
        previous = None if row_number_ids else _previous(conn, model_name, cutoff)
        if previous is not None:
            _compare_with(conn, batch_id, previous["id"])
        conn.execute(
            batches.update()
            .where(batches.c.id == batch_id)
            .values(rows=written, status="complete", **_compared_with(previous))
        )
    return int(batch_id)


def _compared_with(previous: Mapping[str, Any] | None) -> dict[str, Any]:
    """A batch's columns naming the batch it is compared with (None: none)."""
    return {
        "previous_batch_id": previous["id"] if previous else None,
        "previous_cutoff": previous["cutoff"] if previous else None,
    }


def _previous(conn: Connection, model_name: str, cutoff: dt.date) -> Mapping[str, Any] | None:
    """The batch a new one is compared with: the model's latest complete earlier cutoff
    whose ids are no row numbers."""
    query = (
        sa.select(batches.c.id, batches.c.cutoff)
        .where(
            batches.c.model_name == model_name,
            batches.c.status == "complete",
            batches.c.cutoff < cutoff,
            batches.c.row_number_ids.is_not(True),
        )
        .order_by(batches.c.cutoff.desc(), batches.c.id.desc())
        .limit(1)
    )
    return conn.execute(query).mappings().first()


def _compare_with(conn: Connection, batch_id: int, previous_id: int) -> None:
    """Copy each customer's probability in the previous batch into the new batch's rows:
    one UPDATE with a subquery on the (batch, customer) unique index, in SQLite and
    PostgreSQL alike."""
    before = scores.alias("before")
    probability_then = (
        sa.select(before.c.probability)
        .where(before.c.batch_id == previous_id, before.c.customer_id == scores.c.customer_id)
        .scalar_subquery()
    )
    conn.execute(
        scores.update()
        .where(scores.c.batch_id == batch_id)
        .values(previous_probability=probability_then)
    )


def _delete_same(conn: Connection, name: str, version: str, cutoff: dt.date) -> None:
    same = _same(name, version, cutoff)
    conn.execute(scores.delete().where(scores.c.batch_id.in_(same)))
    conn.execute(unscored.delete().where(unscored.c.batch_id.in_(same)))
    conn.execute(batches.delete().where(batches.c.id.in_(same)))


def _same(name: str, version: str, cutoff: dt.date) -> sa.Select:
    """The ids of the batches a batch of this model version and cutoff replaces."""
    return sa.select(batches.c.id).where(
        batches.c.model_name == name,
        batches.c.model_version == str(version),
        batches.c.cutoff == cutoff,
    )


@dataclass(frozen=True)
class Replaced:
    """A batch a new one replaces (same model version and cutoff), before it is written."""

    batch_id: int
    rows: int
    shared: int
    """Its customers also in the new batch: few are another population (the test file
    over the training file, another region), not a rerun."""

    def kept(self, *, rows: int, row_number_ids: bool) -> int:
        """How many of its customers a new batch of `rows` holds; row numbers are no
        identity, so there only the counts tell."""
        return min(rows, self.rows) if row_number_ids else self.shared

    def loses_most(self, *, rows: int, row_number_ids: bool) -> bool:
        """The new batch holds under half of its customers: another extract, not a rerun,
        and the worklist and the API would no longer show the rest. Of row numbers, a
        batch of another count: another file, whose row 5 is another customer (an
        insurer's 26,617-row test file over its 49,933-row training file lost 23,316
        customers, and ids 1 to 26,617 named others, with no word)."""
        if row_number_ids:
            return rows != self.rows
        return self.kept(rows=rows, row_number_ids=row_number_ids) * 2 < self.rows


def to_be_replaced(
    engine: Engine,
    *,
    model_name: str,
    model_version: str,
    cutoff: dt.date,
    customer_ids: Iterable[Any],
) -> Replaced | None:
    """The batch `write_batch` would replace with these customers, if any: a rerun is
    replaced silently by design, but another extract scored at the same cutoff wiped a
    batch of 27,838 customers without a word."""
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(batches.c.id, batches.c.rows)
            .where(batches.c.id.in_(_same(model_name, model_version, cutoff)))
            .order_by(batches.c.id.desc())
        ).first()
        if found is None:
            return None
        old = conn.execute(sa.select(scores.c.customer_id).where(scores.c.batch_id == found.id))
        shared = len(set(old.scalars()) & {str(i) for i in customer_ids})
    return Replaced(batch_id=found.id, rows=found.rows, shared=shared)


def _record(batch_id: int, row: Mapping[str, Any]) -> dict[str, Any]:
    """One score row as stored: ids as text, reasons and segments as JSON text."""
    return {
        "batch_id": batch_id,
        "customer_id": str(row["customer_id"]),
        "probability": float(row["probability"]),
        "band": row["band"],
        "value": _number(row.get("value")),
        "value_at_risk": _number(row.get("value_at_risk")),
        "tier": row["tier"] or UNTIERED,
        "reasons": orjson.dumps(row.get("reasons", [])).decode(),  # the bulk of a batch
        "segments": json.dumps(row.get("segments", {})),
        "margin": _number(row.get("margin")),
    }


def _number(value: Any) -> float | None:
    """NaN is not a SQL number: unknown values are stored as NULL."""
    return None if value is None or value != value else float(value)


def _chunks(items: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    while chunk := list(islice(items, size)):
        yield chunk


_LATEST = (
    sa.select(batches)
    .where(batches.c.status == "complete")
    .order_by(batches.c.cutoff.desc(), batches.c.id.desc())
    .limit(1)
)
_LATEST_OF = _LATEST.where(batches.c.model_name == sa.bindparam("model_name"))
# built once: a by-id lookup spent a third of its time building these expressions
_SCORE = sa.select(scores).where(
    scores.c.batch_id == sa.bindparam("batch_id"),
    scores.c.customer_id == sa.bindparam("customer_id"),
)
_WHY = sa.select(unscored.c.why).where(
    unscored.c.batch_id == sa.bindparam("batch_id"),
    unscored.c.customer_id == sa.bindparam("customer_id"),
)


def latest_batch(engine: Engine, *, model_name: str | None = None) -> dict[str, Any] | None:
    """The batch readers see: latest cutoff, then last written; only complete ones; only
    `model_name`'s when given (a reader that knows its model never shows another's)."""
    with engine.connect() as conn:
        return _latest_batch(conn, model_name)


def _latest_batch(conn: Connection, model_name: str | None) -> dict[str, Any] | None:
    if model_name is None:
        found = conn.execute(_LATEST).mappings().first()
    else:
        found = conn.execute(_LATEST_OF, {"model_name": model_name}).mappings().first()
    return dict(found) if found else None


@dataclass(frozen=True)
class Lookup:
    """One customer in the latest batch: the batch (None: nothing stored), their stored
    row under the first spelling that has one, and else why the batch left them out."""

    batch: dict[str, Any] | None
    row: dict[str, Any] | None = None
    why_unscored: str | None = None


def look_up(engine: Engine, spellings: Sequence[str], *, model_name: str | None) -> Lookup:
    """`latest_batch`, `latest_score` and `why_unscored` in one connection, the reason
    only asked for when no spelling is scored (the by-id route's whole store work)."""
    with engine.connect() as conn:
        batch = _latest_batch(conn, model_name)
        if batch is None:
            return Lookup(None)
        for customer_id in spellings:
            keys = {"batch_id": batch["id"], "customer_id": customer_id}
            if (found := conn.execute(_SCORE, keys).mappings().first()) is not None:
                return Lookup(batch, _decoded(found))
        for customer_id in spellings:
            keys = {"batch_id": batch["id"], "customer_id": customer_id}
            if (why := conn.execute(_WHY, keys).scalar()) is not None:
                return Lookup(batch, why_unscored=why)
    return Lookup(batch)


def list_batches(engine: Engine, *, model_name: str | None = None) -> list[dict[str, Any]]:
    """Every batch (`model_name`'s when given), in the order readers prefer them: the
    first complete one is what the API and the worklist show."""
    query = sa.select(batches).order_by(batches.c.cutoff.desc(), batches.c.id.desc())
    if model_name is not None:
        query = query.where(batches.c.model_name == model_name)
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def hidden_later_batch(engine: Engine, shown: Mapping[str, Any]) -> dict[str, Any] | None:
    """The last complete batch of the shown batch's model written after it (a higher
    id) at an earlier cutoff, which readers therefore do not show, where the shown one is
    dated the day it was scored or later (a snapshot scored without `as_of` is dated
    today, then its extract's day kept showing it, row-number ids and all); None where
    there is none, and for a deliberate backfill behind a batch of its data's last day."""
    if _day(shown["cutoff"]) < _day(shown["created_at"]):
        return None
    query = (
        sa.select(batches)
        .where(
            batches.c.status == "complete",
            batches.c.model_name == shown["model_name"],
            batches.c.id > shown["id"],
            batches.c.cutoff < shown["cutoff"],
        )
        .order_by(batches.c.id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        found = conn.execute(query).mappings().first()
    return dict(found) if found else None


def _day(value: dt.date | dt.datetime | str) -> dt.date:
    """A stored date or time as its day (SQLite hands back text, PostgreSQL dates)."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value.date() if isinstance(value, dt.datetime) else value


def remove_batch(engine: Engine, batch_id: int) -> dict[str, Any]:
    """Delete one batch and its scores in one transaction; returns the batch as it was.
    The way out of a batch scored at a wrong, later cutoff, which readers would show
    over every newer batch of an earlier one. Batches compared with it are compared
    again with what is now their previous batch (none: no change known): they had kept
    its cutoff and its probabilities, and their risen-most lists its wrong scores."""
    with engine.begin() as conn:
        found = conn.execute(sa.select(batches).where(batches.c.id == batch_id)).mappings().first()
        if found is None:
            raise StoreError(f"no batch {batch_id} in the score store (`churn batches` lists them)")
        conn.execute(scores.delete().where(scores.c.batch_id == batch_id))
        conn.execute(unscored.delete().where(unscored.c.batch_id == batch_id))
        conn.execute(batches.delete().where(batches.c.id == batch_id))
        compared = conn.execute(
            sa.select(batches.c.id, batches.c.cutoff).where(batches.c.previous_batch_id == batch_id)
        ).all()
        for later, cutoff in compared:
            _compare_again(conn, later, _previous(conn, found["model_name"], cutoff))
    return dict(found)


def _compare_again(conn: Connection, batch_id: int, previous: Mapping[str, Any] | None) -> None:
    """The batch's comparison with `previous` (None: with none), as `write_batch` makes it."""
    if previous is None:
        conn.execute(
            scores.update().where(scores.c.batch_id == batch_id).values(previous_probability=None)
        )
    else:
        _compare_with(conn, batch_id, previous["id"])
    conn.execute(
        batches.update().where(batches.c.id == batch_id).values(**_compared_with(previous))
    )


def why_unscored(engine: Engine, customer_id: str, *, batch_id: int) -> str | None:
    """Why the batch left the customer out (`write_batch`'s `left_out`), or None: not in
    its data at the cutoff."""
    with engine.connect() as conn:
        return conn.execute(_WHY, {"batch_id": batch_id, "customer_id": customer_id}).scalar()


def latest_score(
    engine: Engine, customer_id: str | int, *, batch_id: int | None = None
) -> dict[str, Any] | None:
    """One customer's score in a batch (default the latest complete one), or None."""
    if batch_id is None:
        batch = latest_batch(engine)
        if batch is None:
            return None
        batch_id = batch["id"]
    with engine.connect() as conn:
        keys = {"batch_id": batch_id, "customer_id": str(customer_id)}
        found = conn.execute(_SCORE, keys).mappings().first()
    return _decoded(found) if found else None


def stored_ids(engine: Engine, customer_ids: Collection[str], *, batch_id: int) -> list[str]:
    """Which of these ids the batch holds, in id order."""
    if not customer_ids:
        return []
    query = sa.select(scores.c.customer_id).where(
        scores.c.batch_id == batch_id, scores.c.customer_id.in_(sorted(customer_ids))
    )
    with engine.connect() as conn:
        return sorted(conn.execute(query).scalars())


def stored_ids_but_for_case(engine: Engine, customer_id: str, *, batch_id: int) -> list[str]:
    """The batch's ids this one is but for letter case ('cs4074' for 'CS4074'), at most 3:
    a lookup that misses reads every id of the batch, so only a miss asks."""
    query = (
        sa.select(scores.c.customer_id)
        .where(
            scores.c.batch_id == batch_id,
            sa.func.lower(scores.c.customer_id) == customer_id.lower(),
            scores.c.customer_id != customer_id,
        )
        .order_by(scores.c.customer_id)
        .limit(3)
    )
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())


def worklist(
    engine: Engine,
    *,
    band: str | None = None,
    tier: str | None = None,
    segments: Sequence[tuple[str, str | None]] = (),
    sort: str = "value_at_risk",
    limit: int = 200,
    offset: int = 0,
    batch_id: int | None = None,
) -> list[dict[str, Any]]:
    """A page of a batch (default the latest), highest `sort` first (unknown values last),
    ties by probability.

    `segments`, (name, value) pairs, keep rows whose segments hold exactly each pair
    (value None: blank, written null). Segments are
    flat JSON text written by `json.dumps`, so the pair is matched as its exact JSON text
    (`"name": "value"`, quotes included, LIKE wildcards escaped): portable across SQLite
    and PostgreSQL, and a value that merely starts with `value` does not match.
    """
    if sort not in SORTS:
        raise StoreError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if limit < 0 or offset < 0:
        raise StoreError("limit and offset must not be negative")
    if batch_id is None:
        batch = latest_batch(engine)
        if batch is None:
            return []
        batch_id = batch["id"]
    key = _sort_key(sort)
    query = sa.select(scores).where(scores.c.batch_id == batch_id)
    if band is not None:
        query = query.where(scores.c.band == band)
    if tier is not None:
        query = query.where(scores.c.tier == tier)
    for segment in segments:
        pair = json.dumps(dict([segment]))[1:-1]
        query = query.where(scores.c.segments.contains(pair, autoescape=True))
    query = _listed_in_order(query, key)
    with engine.connect() as conn:
        found = conn.execute(query.limit(limit).offset(offset)).mappings().all()
    return [_decoded(row) for row in found]


def _listed_in_order(query: sa.Select[Any], key: sa.ColumnElement[Any]) -> sa.Select[Any]:
    """`query` in the worklist's order: highest `key` first, unknowns last; ties and
    unknowns (every value at risk of a data set without spend or value) by risk, then by
    the model's margin, then by id: never a call list in id order; shorter ids first, so
    number ids follow as numbers (101905 before 1014116)."""
    return query.order_by(
        key.is_(None),
        key.desc(),
        scores.c.probability.desc(),
        scores.c.margin.desc().nulls_last(),
        sa.func.length(scores.c.customer_id),
        scores.c.customer_id,
    )


change_since_previous = scores.c.probability - scores.c.previous_probability
"""Since the previous batch; NULL for a customer new since then (sorts last)."""


def _sort_key(sort: str) -> sa.ColumnElement[Any]:
    return change_since_previous if sort == "probability_change" else scores.c[sort]


@dataclass(frozen=True)
class Movement:
    """How a batch moved against the one it was compared with."""

    previous_cutoff: dt.date
    risen: int
    """customers whose churn probability rose by at least `points`"""
    fallen: int
    compared: int
    """customers in both batches"""
    new: int
    """customers not in the previous batch"""
    points: float
    previous_version: str | None = None
    """The model version that scored the previous batch, when it differs from this
    batch's: part of the movement is then the model's, not the customers'."""


def unvalued(engine: Engine, batch_id: int) -> int:
    """The batch's customers without a value (no value at risk to rank them by)."""
    query = sa.select(sa.func.count()).where(
        scores.c.batch_id == batch_id, scores.c.value.is_(None)
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


@dataclass(frozen=True)
class FirstListed:
    """How the first rows of a batch's worklist by value at risk split by risk
    (`first_listed`, or `serving.ranking.first_listed_of` before the batch is written)."""

    first: int
    """rows looked at (fewer in a smaller batch)"""
    low: int
    """low-risk customers among them"""
    riskier: int
    """medium- and high-risk customers in the batch"""
    rows: int
    """customers in the batch"""
    riskier_unvalued: int = 0
    """riskier customers valued at 0, while others have a value: listed after
    every customer of some value"""

    @property
    def riskier_listed(self) -> int:
        """Medium- and high-risk customers among the first rows."""
        return self.first - self.low


def first_listed(engine: Engine, batch_id: int, *, first: int) -> FirstListed:
    """The first `first` rows of the batch's worklist by value at risk, by risk band: its
    bands alone, in the worklist's order (`_listed_in_order`), and counts."""
    riskier = scores.c.band.in_(("medium", "high"))
    at_zero = scores.c.value == 0  # below zero is listed last on purpose: not to chase
    query = sa.select(scores.c.band).where(scores.c.batch_id == batch_id)
    with engine.connect() as conn:
        top = list(
            conn.execute(_listed_in_order(query, scores.c.value_at_risk).limit(first)).scalars()
        )
        counts = conn.execute(
            sa.select(
                sa.func.count().label("rows"),
                sa.func.count().filter(riskier).label("riskier"),
                sa.func.count().filter(riskier & at_zero).label("riskier_unvalued"),
                sa.func.count().filter(scores.c.value > 0).label("valued"),
            ).where(scores.c.batch_id == batch_id)
        ).one()
    return FirstListed(
        first=len(top),
        low=top.count("low"),
        riskier=int(counts.riskier),
        rows=int(counts.rows),
        riskier_unvalued=int(counts.riskier_unvalued) if counts.valued else 0,
    )


def movement(engine: Engine, batch_id: int, *, points: float = 0.1) -> Movement | None:
    """The batch's movement since its previous batch; None when it had none."""
    counted = sa.func.count()
    at_least = points - 1e-9  # 0.4 - 0.3 is 0.0999...: a move of 10 points is one
    query = sa.select(
        counted.filter(change_since_previous >= at_least).label("risen"),
        counted.filter(change_since_previous <= -at_least).label("fallen"),
        counted.filter(scores.c.previous_probability.is_not(None)).label("compared"),
        counted.filter(scores.c.previous_probability.is_(None)).label("new"),
    ).where(scores.c.batch_id == batch_id)
    with engine.connect() as conn:
        this = conn.execute(sa.select(batches).where(batches.c.id == batch_id)).mappings().one()
        if this["previous_cutoff"] is None:
            return None
        counts = conn.execute(query).mappings().one()
        before = conn.execute(
            sa.select(batches.c.model_version).where(batches.c.id == this["previous_batch_id"])
        ).scalar()  # None once that batch was replaced by a rescore
    other = before if before is not None and before != this["model_version"] else None
    return Movement(this["previous_cutoff"], **counts, points=points, previous_version=other)


def segment_values(
    engine: Engine, name: str, batch_id: int, *, blank: str | None = None
) -> Counter[str]:
    """How many customers of the batch hold each value of segment `name`: to tell a user
    whose filter matched nobody what there is (a scan of the batch, for that case only);
    those holding it blank counted as `blank` where given."""
    query = sa.select(scores.c.segments).where(scores.c.batch_id == batch_id)
    with engine.connect() as conn:
        held = [json.loads(text).get(name) for text in conn.execute(query).scalars()]
    counted = Counter(str(value) for value in held if value is not None)
    blanks = sum(value is None for value in held)
    if blank is not None and blanks:
        counted[blank] = blanks
    return counted


def segment_names(engine: Engine, batch_id: int) -> list[str]:
    """The segments the batch's scores carry (every row of a batch carries the same)."""
    query = sa.select(scores.c.segments).where(scores.c.batch_id == batch_id).limit(1)
    with engine.connect() as conn:
        text = conn.execute(query).scalar()
    return [] if text is None else list(json.loads(text))


def _decoded(row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out.pop("margin", None)  # the order's, no fact to show a reader
    out["reasons"] = orjson.loads(out["reasons"])
    out["segments"] = json.loads(out["segments"])
    out["tier"] = out["tier"] or None  # UNTIERED
    return out
