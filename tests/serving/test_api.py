"""The HTTP API on a tiny trained champion and a real score batch (dependency overrides)."""

from __future__ import annotations

import collections
import copy
import datetime as dt
import logging
import typing
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from features.contract import load_config
from serving import schemas, scorer, store
from serving.caveats import Caveats
from serving.queries import encode_cursor
from serving.ranking import BANDS, TIERS
from serving.scorer import Loaded, ModelHolder, model_facts
from serving.settings import Settings
from tests.serving.api_helpers import app_with, client_for, settings_for, stored_row

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(served) -> TestClient:
    settings = settings_for(served)
    holder = ModelHolder.from_registry(served.model_name, served.tracking_uri)
    return client_for(app_with(settings, holder))


@pytest.fixture(scope="module")
def batch(served) -> dict:
    return store.latest_batch(store.connect(served.database_url))


def walk(client: TestClient, **params) -> list[dict]:
    """Every page of the worklist, following next_cursor."""
    items, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/customers", params=query)
        assert page.status_code == 200, page.text
        items.extend(page.json()["items"])
        if (cursor := page.json()["next_cursor"]) is None:
            return items


def test_the_worklist_shows_its_bands_and_its_caution(client, served, batch, loaded):
    """An empty `band=high` and a near-chance model forced past the gate read the same as
    a sound list without these: the API said neither (only the CLI and /v1/model did)."""
    page = client.get("/v1/customers", params={"limit": 1}).json()
    info = loaded.model.info
    assert page["bands"] == {
        "medium_from": round(info["bands"]["medium_from"], 6),
        "high_from": round(info["bands"]["high_from"], 6),
        "typical_probability": round(info["band_rate"], 6),
    }
    assert page["bands"] == batch["bands"] and page["caution"] == []
    engine = store.connect(served.database_url)
    with engine.begin() as conn:
        conn.execute(store.batches.update().values(ranking_caveats=["near chance"]))
        conn.execute(store.batches.update().values(bands=sa.null()))  # scored before
    try:
        page = client.get("/v1/customers").json()
        assert page["caution"] == ["near chance"] and page["bands"] is None
    finally:
        with engine.begin() as conn:
            conn.execute(store.batches.update().values(ranking_caveats=[], bands=batch["bands"]))


def test_the_worklist_notes_what_it_leaves_unsaid(client, served, batch, loaded, tmp_path):
    """A marketplace's `tier=most_valuable` answered an empty 200 where the CLI said why,
    and a promoted champion's worklist was silently its predecessor's scores."""
    first = client.get("/v1/customers", params={"limit": 1}).json()
    assert first["notes"] == []
    url = f"sqlite:///{tmp_path / 'unvalued.db'}"
    unvalued = {**stored_row("a"), "value": None, "value_at_risk": None, "tier": None}
    store.write_batch(
        store.connect(url),
        model_name=served.model_name,
        model_version=batch["model_version"],
        cutoff=dt.date(2015, 12, 31),
        rows=[unvalued],
    )
    holder = ModelHolder.from_registry(served.model_name, served.tracking_uri)
    unvalued_api = client_for(app_with(settings_for(served, CHURN_DATABASE_URL=url), holder))
    nobody = unvalued_api.get("/v1/customers", params={"tier": "most_valuable"}).json()
    assert nobody["items"] == [] and nobody["notes"] == [
        "no customer matches in batch 1 (as of 2015-12-31): no customer has a value to tier "
        "by (no amounts mapped, or the value column blank)"
    ]
    settings = settings_for(served)
    newer = ModelHolder.from_registry(served.model_name, served.tracking_uri)
    promoted = client_for(app_with(settings, newer))
    newer.current = Loaded(model=loaded.model, name=served.model_name, version="99")
    moved = promoted.get("/v1/customers", params={"limit": 1})
    assert moved.json()["notes"] == [
        f"these scores are version {batch['model_version']}'s; the champion served now is "
        "version 99: `churn score` scores the customers with it"
    ]
    second = client.get("/v1/customers", params={"limit": 1, "cursor": first["next_cursor"]})
    assert second.json()["notes"] == []


def test_schema_literals_match_the_ranking_rules():
    assert set(typing.get_args(schemas.Band)) == set(BANDS)
    assert set(typing.get_args(schemas.Tier)) == set(TIERS)


def test_health_and_ready(client):
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready")
    assert ready.status_code == 200
    assert ready.json() == {
        "ready": True,
        "model_version": "1",
        "store": True,
        "reason": None,
        "last_reload_error": None,
    }


def test_customer_by_id_carries_score_reasons_model_and_cutoff(client, batch):
    top = client.get("/v1/customers", params={"limit": 1}).json()["items"][0]
    found = client.get(f"/v1/customers/{top['customer_id']}")
    assert found.status_code == 200
    body = found.json()
    assert body == top
    assert body["model_version"] == "1" and body["cutoff"] == batch["cutoff"].isoformat()
    assert body["band"] in BANDS and body["tier"] in TIERS
    assert body["value_at_risk"] == pytest.approx(body["probability"] * body["value"])
    assert 1 <= len(body["reasons"]) <= 4 and all(r["text"] for r in body["reasons"])


def test_an_integer_id_written_as_a_float_finds_the_customer(client):
    """'13085.0' is how a spreadsheet shows 13085; the loader stores '13085'."""
    top = client.get("/v1/customers", params={"limit": 1}).json()["items"][0]
    assert top["customer_id"].isdigit()  # the simulator's ids are integers
    found = client.get(f"/v1/customers/{top['customer_id']}.0")
    assert found.status_code == 200 and found.json() == top


def test_an_id_with_a_slash_is_found(served, tmp_path):
    """Base64-style ids hold '/': sent as is or as %2F, the route still takes it whole."""
    database_url = f"sqlite:///{tmp_path}/scores.db"
    row = {
        "customer_id": "Xa3f/9+kQ=",
        "probability": 0.9,
        "band": "high",
        "value": 10.0,
        "value_at_risk": 9.0,
        "tier": "standard",
        "reasons": [],
        "segments": {},
    }
    engine = store.connect(database_url)
    store.write_batch(
        engine,
        model_name=served.model_name,
        model_version="1",
        cutoff=dt.date(2024, 6, 30),
        rows=[row],
    )
    holder = ModelHolder.from_registry(served.model_name, served.tracking_uri)
    app = app_with(settings_for(served, CHURN_DATABASE_URL=database_url), holder)
    with client_for(app) as client:
        for path in ("/v1/customers/Xa3f/9+kQ=", "/v1/customers/Xa3f%2F9%2BkQ%3D"):
            found = client.get(path)
            assert found.status_code == 200, (path, found.text)
            assert found.json()["customer_id"] == "Xa3f/9+kQ="


def test_a_reason_says_its_typical_value_and_one_stored_before_it_did_reads_null(served, tmp_path):
    """A reason's `typical` is the number its text calls typical, stored with the batch; a
    batch stored before reasons carried it reads as null, not a 500."""
    database_url = f"sqlite:///{tmp_path}/scores.db"
    said = {
        "feature": "session_count",
        "value": 15.0,
        "contribution": 0.8,
        "population_mean": 13.68,
        "typical": 9.0,
        "direction": "raises",
        "text": "session count 15 (typical 9)",
    }
    older = {key: value for key, value in said.items() if key != "typical"}
    rows = [{**stored_row("new"), "reasons": [said]}, {**stored_row("old"), "reasons": [older]}]
    store.write_batch(
        store.connect(database_url),
        model_name=served.model_name,
        model_version="1",
        cutoff=dt.date(2024, 6, 30),
        rows=rows,
    )
    holder = ModelHolder.from_registry(served.model_name, served.tracking_uri)
    app = app_with(settings_for(served, CHURN_DATABASE_URL=database_url), holder)
    with client_for(app) as client:
        new, old = (client.get(f"/v1/customers/{c}").json()["reasons"] for c in ("new", "old"))
        listed = client.get("/v1/customers").json()["items"]
    assert new == [said] and old == [{**older, "typical": None}]
    assert {item["customer_id"]: item["reasons"] for item in listed} == {"new": new, "old": old}


def test_risers_since_the_previous_batch_list_first(served, tmp_path):
    database_url = f"sqlite:///{tmp_path}/scores.db"
    engine = store.connect(database_url)
    june, may = dt.date(2024, 6, 30), dt.date(2024, 5, 31)
    for cutoff, probabilities in (
        (may, {"a": 0.2, "b": 0.7}),
        (june, {"a": 0.5, "b": 0.6, "c": 0.9}),
    ):
        rows = [
            {
                "customer_id": c,
                "probability": p,
                "band": "high",
                "value": 1.0,
                "value_at_risk": p,
                "tier": "standard",
                "reasons": [],
                "segments": {},
            }
            for c, p in probabilities.items()
        ]
        store.write_batch(
            engine, model_name=served.model_name, model_version="1", cutoff=cutoff, rows=rows
        )
    holder = ModelHolder.from_registry(served.model_name, served.tracking_uri)
    app = app_with(settings_for(served, CHURN_DATABASE_URL=database_url), holder)
    with client_for(app) as client:
        items = client.get("/v1/customers", params={"sort": "probability_change"}).json()["items"]
        assert [i["customer_id"] for i in items] == ["a", "b", "c"]  # +0.3, -0.1, new
        a = client.get("/v1/customers/a").json()
        assert a["previous_probability"] == pytest.approx(0.2)
        assert a["probability_change"] == pytest.approx(0.3)
        assert a["previous_cutoff"] == "2024-05-31"
        assert items[2]["previous_probability"] is None and items[2]["probability_change"] is None


def test_unknown_customer_is_a_clear_404(client):
    missing = client.get("/v1/customers/no-such-customer")
    assert missing.status_code == 404
    assert (
        missing.json()["detail"] == "no score for customer 'no-such-customer' in the latest batch"
    )


def test_a_customer_the_batch_left_out_is_a_404_saying_why(client, served):
    """ "why is this customer not on my list?": a lapsed customer the data hold is not an
    unknown id."""
    import sqlalchemy as sa

    from serving import store

    engine = store.connect(served.database_url)
    with engine.connect() as conn:
        lapsed = conn.execute(
            sa.select(store.unscored.c.customer_id)
            .where(store.unscored.c.why.like("inactive%"))
            .order_by(store.unscored.c.customer_id)
            .limit(1)
        ).scalar()
    assert lapsed is not None  # the simulation has customers who stopped buying
    missing = client.get(f"/v1/customers/{lapsed}")
    assert missing.status_code == 404
    detail = missing.json()["detail"]
    assert detail.startswith(f"customer '{lapsed}' is not scored in the latest batch (cutoff ")
    inactive = "inactive (no purchase in the 365-day active window up to the cutoff)"
    assert detail.endswith(f"): {inactive}")


def test_a_signup_who_never_bought_is_a_404_saying_so_not_lapsed(served, tmp_path):
    """Relax's user 8 signed up and never logged in, and read "lapsed already, or not yet
    a customer": an onboarding list's customer, not a lapsed one (`churn score` stores
    the reason, `serving/left_out.py`; the lookup says it)."""
    from serving.left_out import NEVER_ACTIVE, words

    config = load_config(served.config)
    database_url = f"sqlite:///{tmp_path}/scores.db"
    store.write_batch(
        store.connect(database_url),
        model_name=served.model_name,
        model_version="1",
        cutoff=dt.date(2024, 6, 30),
        rows=[stored_row("a")],
        left_out=[("x8", words(NEVER_ACTIVE, config))],
    )
    holder = ModelHolder.from_registry(served.model_name, served.tracking_uri)
    app = app_with(settings_for(served, CHURN_DATABASE_URL=database_url), holder)
    with client_for(app) as client:
        missing = client.get("/v1/customers/x8")
    assert missing.status_code == 404
    assert missing.json()["detail"] == (
        "customer 'x8' is not scored in the latest batch (cutoff 2024-06-30): signed up, no "
        "purchase yet (never bought, or all they bought returned)"
    )


def test_pages_cover_the_batch_once_in_order(client, batch):
    items = walk(client, limit=250)
    ids = [item["customer_id"] for item in items]
    assert len(ids) == len(set(ids)) == batch["rows"]
    risks = [item["value_at_risk"] for item in items]
    assert risks == sorted(risks, reverse=True)


def test_filters_and_sort(client):
    high = walk(client, band="high", sort="probability", limit=500)
    assert high and all(item["band"] == "high" for item in high)
    assert [i["probability"] for i in high] == sorted(
        (i["probability"] for i in high), reverse=True
    )
    valuable = walk(client, tier="most_valuable", limit=500)
    assert valuable and all(item["tier"] == "most_valuable" for item in valuable)
    region = valuable[0]["segments"]["region"]
    north = walk(client, segment=f"region:{region}", limit=500)
    assert north and all(item["segments"]["region"] == region for item in north)
    assert walk(client, segment=f"region={region}", limit=500) == north  # as the CLI writes it
    assert len(north) < len(walk(client, limit=1000))


def test_a_segment_the_batch_does_not_carry_is_a_422_not_an_empty_page(client):
    """An empty page reads as "nobody at risk there" when the filter names nothing."""
    response = client.get("/v1/customers", params={"segment": "regoin:north"})
    assert response.status_code == 422
    assert "no segment 'regoin'" in response.json()["detail"]
    assert "region" in response.json()["detail"]


def test_a_segment_value_no_customer_holds_is_a_422_naming_the_values(client, monkeypatch):
    """ "AGE_DESC:45-55" read as nobody at risk there; an existing value that the other
    filters leave empty is an empty page."""
    response = client.get("/v1/customers", params={"segment": "region:nowhere"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "no customer has region 'nowhere'; region there: " in detail
    region = client.get("/v1/customers").json()["items"][0]["segments"]["region"]
    assert f"{region} (" in detail
    monkeypatch.setattr(store, "worklist", lambda *_, **__: [])  # the band holds nobody there
    empty = client.get("/v1/customers", params={"segment": f"region:{region}", "band": "high"})
    assert empty.status_code == 200 and empty.json()["items"] == []
    counts = collections.Counter({"5+": 3, "1": 9})
    monkeypatch.setattr(store, "segment_values", lambda *_, **__: counts)
    monkeypatch.setattr(store, "segment_names", lambda *_: ["size"])
    sent = client.get("/v1/customers", params={"segment": "size:5 "})  # '5+' unencoded
    assert "send '5+' as %2B" in sent.json()["detail"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "many"}, "query.limit"),
        ({"limit": 0}, "query.limit"),
        ({"band": "purple"}, "query.band"),
        ({"sort": "value"}, "query.sort"),
        ({"segment": "no-colon"}, "query.segment.0"),
    ],
)
def test_malformed_query_is_a_422_naming_the_field(client, query, field):
    response = client.get("/v1/customers", params=query)
    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == field


def test_foreign_or_stale_cursor(client, batch):
    forged = client.get("/v1/customers", params={"cursor": "not-a-cursor"})
    assert forged.status_code == 422 and "cursor" in forged.json()["detail"]
    cursor = encode_cursor(batch["id"] + 99, 10, "sort=value_at_risk")
    stale = client.get("/v1/customers", params={"cursor": cursor})
    assert stale.status_code == 409 and "start again" in stale.json()["detail"]


def test_a_cursor_reused_with_other_filters_or_sort_is_a_422(client):
    """A `band=high` page's cursor reused with `band=low` started below the top low-band
    customer, and with `sort=probability` at the value order's position."""
    first = client.get("/v1/customers", params={"band": "high", "limit": 1}).json()
    assert first["next_cursor"]
    for other in ({"band": "low"}, {"band": "high", "sort": "probability"}, {}):
        params = {**other, "limit": 1, "cursor": first["next_cursor"]}
        response = client.get("/v1/customers", params=params)
        assert response.status_code == 422, other
        assert "cursor is of another worklist than" in response.json()["detail"]
    same = {"band": "high", "limit": 5, "cursor": first["next_cursor"]}  # another page size
    assert client.get("/v1/customers", params=same).status_code == 200


def test_model_facts(client, served):
    model = client.get("/v1/model").json()
    assert (model["name"], model["version"], model["alias"]) == (served.model_name, "1", "champion")
    assert model["run_id"] and len(model["training_cutoffs"]) == 3 and model["test_cutoffs"]
    assert "auc" in str(model["metrics"]).lower()
    assert {"name", "dtype", "description"} <= set(model["features"][0])
    assert model["last_reload_error"] is None


REFUSED = "calibration error 0.0840 is above the limit 0.05"


def _serving(served, loaded, *, info: dict, tags: dict[str, str]) -> TestClient:
    """An app serving the tiny champion with this `info` and these version tags."""
    model = copy.copy(loaded.model)
    model.info = info

    def load(version: str) -> Loaded:
        return Loaded(model=model, name=loaded.name, version=version, version_tags=tags)

    holder = ModelHolder(resolve=lambda: "7", load=load)
    return client_for(app_with(settings_for(served), holder))


def test_a_forced_near_chance_model_says_so_worked_out_once_per_version(
    served, loaded, monkeypatch
):
    """Superstore's model (ROC AUC 0.514) forced past the gate looked healthy here."""
    worked_out = []
    real = scorer.caveats_of
    monkeypatch.setattr(scorer, "caveats_of", lambda *args: worked_out.append(1) or real(*args))
    note = "ROC AUC 0.5138: the model ranks churners little better than chance (0.5)"
    info = {**loaded.model.info, "caveats": [note]}
    client = _serving(served, loaded, info=info, tags={"forced": "true", "gate_refusal": REFUSED})
    first, second = client.get("/v1/model").json(), client.get("/v1/model").json()
    assert first["caveats"] == [
        note,
        f"promoted with --force although the promotion gate refused it ({REFUSED})",
    ]
    assert second["caveats"] == first["caveats"] and worked_out == [1]


def test_live_scores_of_a_forced_near_chance_model_carry_its_caution(served, loaded, histories):
    """The worklist's one-line caution, also beside scores computed live."""
    note = "the model ranks churners close to chance (test ROC AUC 0.514)"
    info = {**loaded.model.info, "ranking_caveats": [note]}
    client = _serving(served, loaded, info=info, tags={"forced": "true", "gate_refusal": REFUSED})
    scored = client.post("/v1/score", json={"customers": histories[:1]})
    assert scored.status_code == 200, scored.text
    forced = f"promoted with --force although the promotion gate refused it ({REFUSED})"
    assert scored.json()["caution"] == [note, forced]
    holder = ModelHolder(resolve=lambda: "1", load=lambda _: loaded)
    sound = client_for(app_with(settings_for(served), holder))
    assert sound.post("/v1/score", json={"customers": histories[:1]}).json()["caution"] == []


def test_a_model_packaged_before_caveats_travelled_has_none(served, loaded):
    old = {k: v for k, v in loaded.model.info.items() if "caveats" not in k}
    model = _serving(served, loaded, info=old, tags={}).get("/v1/model")
    assert model.status_code == 200 and model.json()["caveats"] == []


def test_band_thresholds_are_shown_without_float_noise():
    """1.5 x a 7.2% churn rate showed as 0.10799999999999998 in /v1/model."""
    bands = {"medium_from": 1.5 * 0.072, "high_from": 0.216}
    model = SimpleNamespace(info={"bands": bands, "band_rate": 0.072 + 1e-12}, specs=[])
    loaded = SimpleNamespace(
        model=model, name="o", version="2", run_id="r", loaded_at=None, caveats=Caveats()
    )
    facts = model_facts(loaded, None)
    assert facts["bands"] == {
        "medium_from": 0.108,
        "high_from": 0.216,
        "typical_probability": 0.072,
    }
    model.info.pop("band_rate")  # packaged before it was kept
    assert model_facts(loaded, None)["bands"]["typical_probability"] is None


def test_metrics_count_routes_and_show_the_model(client, served):
    client.get("/v1/customers/no-such-customer")
    client.get("/openapi.json")
    client.get("/nowhere")
    text = client.get("/metrics").text
    assert 'route="/v1/customers/{customer_id}"' in text and 'status="404"' in text
    assert 'route="/openapi.json"' in text and 'route="unmatched"' in text  # FastAPI's own
    assert f'churn_model_info{{name="{served.model_name}",version="1"}} 1.0' in text
    assert "churn_served_probability_count" in text
    assert "churn_http_request_seconds_bucket" in text


def test_openapi_documents_examples(client):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert "probability_change" in schemas["StoredScoreOut"]["examples"][0]
    assert "examples" in schemas["LiveScoreOut"]
    assert "--force" in schemas["ModelOut"]["examples"][0]["caveats"][0]
    assert (
        "empty when there are none" in schemas["ModelOut"]["properties"]["caveats"]["description"]
    )


# -- auth ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def locked(served) -> TestClient:
    settings = settings_for(served, CHURN_API_KEY="first-key, second-key")
    holder = ModelHolder.from_registry(served.model_name, served.tracking_uri)
    return client_for(app_with(settings, holder))


def test_v1_needs_a_key_when_configured(locked, caplog):
    caplog.set_level(logging.DEBUG)
    for path in ("/v1/model", "/v1/customers"):
        assert locked.get(path).status_code == 401
        assert locked.get(path, headers={"X-API-Key": "wrong"}).status_code == 401
        assert locked.get(path, headers={"X-API-Key": "second-key"}).status_code == 200
        assert locked.get(path, headers={"Authorization": "Bearer first-key"}).status_code == 200
    assert locked.get("/health").status_code == 200 and locked.get("/ready").status_code == 200
    assert (
        locked.get("/v1/model", headers={"X-API-Key": "clé".encode("latin-1")}).status_code == 401
    )
    assert "first-key" not in caplog.text and "second-key" not in caplog.text
    assert "first-key" not in repr(Settings(CHURN_API_KEY="first-key"))


def test_the_docs_page_offers_both_ways_to_give_a_key(locked):
    """With CHURN_API_KEY set, every "Try it out" on /docs answered 401: the schema named
    no security scheme, so the page had no Authorize button."""
    spec = locked.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["APIKeyHeader"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "A key of CHURN_API_KEY; every /v1 route asks one when it is set.",
    }
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    secured = spec["paths"]["/v1/model"]["get"]["security"]
    assert {"APIKeyHeader": []} in secured and {"HTTPBearer": []} in secured
    assert "security" not in spec["paths"]["/health"]["get"]
    assert locked.get("/v1/model", headers={"Authorization": "Basic first-key"}).status_code == 401


def test_v1_is_open_without_keys(client):
    assert client.get("/v1/model").status_code == 200


def test_metrics_show_only_the_version_now_served():
    from serving.metrics import Metrics

    metrics = Metrics()
    metrics.serving("churn", "1")
    metrics.serving("churn", "2")
    text = metrics.render().body.decode()
    assert 'churn_model_info{name="churn",version="2"} 1.0' in text
    assert 'version="1"' not in text  # dropped (with several workers it would read 0)
