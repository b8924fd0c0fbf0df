"""The API's read side: stored scores shaped for responses, and the opaque worklist cursor.

Every row is returned with the batch it belongs to (model name, version, cutoff), read
from one `latest_batch` lookup so a row and its batch facts always agree. A cursor pins
the batch it was issued for: when a newer batch lands mid-paging the next page is refused
(`StaleCursorError`) instead of silently mixing two scorings.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from features.contract import WHOLE_FLOAT
from serving import store
from serving.worklist_notes import worklist_notes

SEGMENT = re.compile(r"^([^:=]+)[:=](.*)$")
"""A segment filter, `name:value` or `name=value` (the API and the CLI read both)."""
BLANK_SEGMENT = "not recorded"
"""A blank segment value, as reasons say a blank attribute, and as a filter names it."""


def segment_pair(text: str) -> tuple[str, str | None] | None:
    """(name, value) of a segment filter, value None for the customers who hold it blank
    (`name:` or `name:not recorded`: an energy retailer's channel, blank for a quarter of
    its customers, could not be filtered on); None when it is neither form."""
    found = SEGMENT.match(text)
    if not found:
        return None
    value = found[2].strip()
    return (found[1], None if value in ("", BLANK_SEGMENT) else found[2])


class NoScoresError(LookupError):
    """Nothing to read: no complete batch, or no score for that customer."""


class BadCursorError(ValueError):
    """A cursor this API did not issue (or one that was altered)."""


class UnknownSegmentError(ValueError):
    """A worklist filter on a segment the latest batch's scores do not carry (a 422, not
    an empty page that reads as "nobody at risk there")."""


class StaleCursorError(ValueError):
    """The cursor's batch is no longer the latest one."""


@dataclass(frozen=True)
class WorklistQuery:
    band: str | None = None
    tier: str | None = None
    segments: tuple[tuple[str, str | None], ...] = ()
    """(name, value) pairs a customer holds all of; value None: blank (`segment_pair`)."""
    sort: str = "value_at_risk"
    limit: int = 200
    cursor: str | None = None
    model_name: str | None = None
    """Read this model's latest batch (`store.latest_batch`)."""
    served_version: str | None = None
    """The champion's version the server holds, whose scores the worklist should be: a
    batch of another is noted (`worklist_notes`)."""

    @property
    def listing(self) -> str:
        """The filters and order a page's position counts in ("band=high&sort=probability"),
        which its cursor holds: a position in one worklist skips customers of another (a
        `band=high` cursor reused with `band=low` started below the top low-band one)."""
        segments = [
            f"segment={name}:{BLANK_SEGMENT if value is None else value}"
            for name, value in self.segments
        ]
        said = {"band": self.band, "tier": self.tier}
        listed = [f"{key}={value}" for key, value in said.items() if value is not None]
        return "&".join([*listed, *sorted(segments), f"sort={self.sort}"])


def encode_cursor(batch_id: int, offset: int, listing: str = "") -> str:
    raw = json.dumps({"b": batch_id, "o": offset, "q": _listed(listing)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _listed(listing: str) -> str:
    """A short digest of a `listing`: a segment's long value kept whole had made cursors
    longer than the route takes (219 characters against its 200)."""
    return hashlib.blake2b(listing.encode(), digest_size=6).hexdigest()


_DIGEST = re.compile(r"[0-9a-f]{12}")
"""A listing's digest as `_listed` writes it (a cursor before them held none, or the
listing's own text)."""


def decode_cursor(cursor: str, listing: str = "") -> tuple[int, int]:
    """(batch id, offset); BadCursorError for anything that is not one of ours, or one
    of another `listing` (`WorklistQuery.listing`); StaleCursorError for one issued
    before cursors held their listing."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        batch_id, offset, issued = int(data["b"]), int(data["o"]), data.get("q")
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError, AttributeError):
        raise BadCursorError("cursor is not valid; use next_cursor from a previous page") from None
    if offset < 0:
        raise BadCursorError("cursor is not valid; use next_cursor from a previous page")
    if not isinstance(issued, str) or not _DIGEST.fullmatch(issued):  # before digests
        raise StaleCursorError("the cursor is of an earlier version of this server; start again")
    if issued != _listed(listing):
        raise BadCursorError(
            f"cursor is of another worklist than {listing}: ask with the filters and sort it "
            "was issued for, or start again without it"
        )
    return batch_id, offset


def _require_segment(engine: Engine, segment: tuple[str, str | None], batch_id: int) -> None:
    """An empty page filtered on a segment the batch lacks, or on a value no customer of
    it holds, is a 422 saying what there is: "AGE_DESC:45-55" (or "5+" sent unencoded,
    which a URL reads as "5 ") read as nobody at risk there."""
    name, value = segment
    names = store.segment_names(engine, batch_id)
    if name not in names:
        carried = f"its segments: {', '.join(names)}" if names else "it carries none"
        raise UnknownSegmentError(f"the latest batch has no segment {name!r}; {carried}")
    values = store.segment_values(engine, name, batch_id, blank=BLANK_SEGMENT)
    if value is None and BLANK_SEGMENT not in values:
        raise UnknownSegmentError(f"no customer has {name} blank; {name} there: {held(values)}")
    if value is not None and values and value not in values:
        plus = value.replace(" ", "+")
        hint = f" ('+' in a URL reads as a space: send {plus!r} as %2B)" if plus in values else ""
        raise UnknownSegmentError(
            f"no customer has {name} {value!r}{hint}; {name} there: {held(values)}"
        )


def held(values: Counter[str]) -> str:
    """A segment's most common values with their customers: "north (240), east (217)"."""
    return ", ".join(f"{value} ({n:,})" for value, n in values.most_common(8))


def _latest(engine: Engine, model_name: str | None) -> dict[str, Any]:
    batch = store.latest_batch(engine, model_name=model_name)
    if batch is None:
        raise _none_stored(model_name)
    return batch


def _none_stored(model_name: str | None) -> NoScoresError:
    whose = f" for model {model_name!r}" if model_name else ""
    return NoScoresError(f"no scores stored yet{whose}; run `churn score` first")


def _with_batch(row: dict[str, Any], batch: dict[str, Any]) -> dict[str, Any]:
    then = row.get("previous_probability")
    return {
        **row,
        "probability_change": None if then is None else row["probability"] - then,
        "previous_cutoff": batch.get("previous_cutoff"),
        "model_name": batch["model_name"],
        "model_version": batch["model_version"],
        "cutoff": batch["cutoff"],
    }


def customer_score(
    engine: Engine, customer_id: str, *, model_name: str | None = None
) -> dict[str, Any]:
    """The customer's row in the latest batch (of `model_name`'s, when it has any), with
    that batch's model and cutoff."""
    whole = WHOLE_FLOAT.fullmatch(customer_id)
    spellings = [customer_id, whole.group(1)] if whole else [customer_id]  # 18.0 is 18
    found = store.look_up(engine, spellings, model_name=model_name)
    batch = found.batch
    if batch is None:
        raise _none_stored(model_name)
    if found.row is not None:
        return _with_batch(found.row, batch)
    if found.why_unscored is not None:
        from serving import left_out  # here: it reaches the feature code (xgboost), seconds

        raise NoScoresError(
            f"customer {customer_id!r} is not scored in the latest batch (cutoff "
            f"{batch['cutoff']}): {left_out.said_now(found.why_unscored)}"
        )
    said = f"no score for customer {customer_id!r} in the latest batch"
    near = store.stored_ids(engine, zero_padded(customer_id), batch_id=batch["id"])
    if customer_id.lower() != customer_id.upper():  # letters: 'cs4074' for 'CS4074'
        near += store.stored_ids_but_for_case(engine, customer_id, batch_id=batch["id"])
    meant = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
    raise NoScoresError(said + meant)


ID_DIGITS_AT_MOST = 20


def zero_padded(customer_id: str) -> set[str]:
    """The other spellings of a number id with or without leading zeros: a spreadsheet
    drops them ('2131269' for Ta-Feng's '02131269'), a padded export adds them."""
    if not customer_id.isdigit() or len(customer_id) > ID_DIGITS_AT_MOST:
        return set()
    bare = customer_id.lstrip("0") or "0"
    return {bare.zfill(width) for width in range(len(bare), ID_DIGITS_AT_MOST + 1)} - {customer_id}


@dataclass(frozen=True)
class WorklistPage:
    """One page of the worklist (the shape of `WorklistOut`)."""

    items: list[dict[str, Any]]
    next_cursor: str | None
    """None on the last page."""
    bands: dict[str, float | None] | None
    """The batch's thresholds (`ranking.bands_said`); None for a batch scored before."""
    caution: list[str]
    """What the worklist says of the model that scored the batch (`Caveats.ranking`)."""
    notes: list[str]
    """What the list leaves unsaid, on its first page (`serving.worklist_notes`)."""


def worklist_page(engine: Engine, query: WorklistQuery) -> WorklistPage:
    """One page of the latest batch, and the cursor of the next."""
    batch = _latest(engine, query.model_name)
    offset = 0
    if query.cursor is not None:
        batch_id, offset = decode_cursor(query.cursor, query.listing)
        if batch_id != batch["id"]:
            raise StaleCursorError("the worklist was rescored since this cursor; start again")
    rows = store.worklist(
        engine,
        band=query.band,
        tier=query.tier,
        segments=query.segments,
        sort=query.sort,
        limit=query.limit + 1,  # one more tells whether a next page exists
        offset=offset,
        batch_id=batch["id"],
    )
    for segment in query.segments if not rows else ():
        _require_segment(engine, segment, batch["id"])
    more = len(rows) > query.limit
    following = encode_cursor(batch["id"], offset + query.limit, query.listing) if more else None
    first = offset == 0
    return WorklistPage(
        items=[_with_batch(row, batch) for row in rows[: query.limit]],
        next_cursor=following,
        bands=batch.get("bands"),
        caution=batch.get("ranking_caveats") or [],
        notes=worklist_notes(engine, batch, query, empty=not rows) if first else [],
    )
