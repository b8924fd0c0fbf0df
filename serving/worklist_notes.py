"""What a worklist leaves unsaid, as sentences `churn worklist` prints and `GET
/v1/customers` returns (`WorklistOut.notes`): why it is empty, a batch scored later that
it hides, what an order by value at risk passes over, and a champion promoted since the
batch was scored. A page of the API had said none of it: a filter on a tier nobody holds
answered an empty 200, and a promoted model's scores were silently its predecessor's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from serving import store
from serving.ranking import CALL_LIST, buried_note, threshold_text, unvalued_note

if TYPE_CHECKING:
    from serving.queries import WorklistQuery


def worklist_notes(
    engine: Engine, batch: dict[str, Any], query: WorklistQuery, *, empty: bool
) -> list[str]:
    """The notes of the first page of `batch`'s worklist under `query`; where it lists
    nobody (`empty`), why first."""
    notes = [nobody(engine, batch, query)] if empty else []
    if (later := store.hidden_later_batch(engine, batch)) is not None:
        notes.append(
            f"batch {later['id']} (as of {later['cutoff']}) was scored after this one (batch "
            f"{batch['id']}, as of {batch['cutoff']}) but at an earlier cutoff, so the "
            "worklist and the API show this one: if its cutoff is wrong, `churn batches "
            f"--remove {batch['id']}`"
        )
    if not empty and query.sort == "value_at_risk":
        whole = query.band is None and query.tier is None and not query.segments
        first = store.first_listed(engine, batch["id"], first=CALL_LIST) if whole else None
        said = (
            unvalued_note(store.unvalued(engine, batch["id"]), batch["rows"]),
            buried_note(first),
        )
        notes += [note for note in said if note is not None]
    served = query.served_version
    if served is not None and served != str(batch["model_version"]):
        notes.append(
            f"these scores are version {batch['model_version']}'s; the champion served now is "
            f"version {served}: `churn score` scores the customers with it"
        )
    return notes


def nobody(engine: Engine, batch: dict[str, Any], query: WorklistQuery) -> str:
    """Why a worklist is empty: the filters matched nobody in the batch (with where the
    band begins, that nobody has a tier where nobody has a value, and the values the
    segment does hold, most common first)."""
    from serving.queries import BLANK_SEGMENT, held

    found = f"no customer matches in batch {batch['id']} (as of {batch['cutoff']})"
    band = query.band
    if band in ("medium", "high") and (bands := batch.get("bands")):
        found += f": {band} risk begins at {threshold_text(bands[f'{band}_from'])}"
        if (usual := bands.get("typical_probability")) is not None:
            found += f", where the model's usual churn risk is {threshold_text(usual)}"
    if query.tier is not None and 0 < batch["rows"] == store.unvalued(engine, batch["id"]):
        found += (
            ": no customer has a value to tier by (no amounts mapped, or the value column blank)"
        )
    for name, _ in query.segments:
        values = store.segment_values(engine, name, batch["id"], blank=BLANK_SEGMENT)
        found += f"; {name} there: {held(values)}"
    return found
