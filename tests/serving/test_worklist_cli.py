"""`churn worklist`: the API's worklist as a call list (CSV or a table on screen)."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from churn.cli import app
from serving import queries, store
from serving.ranking import buried_note, threshold_text, unvalued_note
from tests.serving.api_helpers import stored_row

pytestmark = pytest.mark.slow


def run(served, *args: str, database_url: str | None = None):
    env = {"CHURN_DATABASE_URL": database_url or served.database_url, "COLUMNS": "200"}
    return CliRunner(env=env).invoke(app, ["worklist", *args])


def test_the_csv_is_the_api_worklist_one_row_per_customer(served, tmp_path):
    out = tmp_path / "calls.csv"
    result = run(served, "--band", "high", "--limit", "5", "--out", str(out))
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype={"customer_id": str})
    engine = store.connect(served.database_url)
    expected = queries.worklist_page(engine, queries.WorklistQuery(band="high", limit=5)).items
    assert list(frame["customer_id"]) == [row["customer_id"] for row in expected]
    assert set(frame["band"]) <= {"high"}
    assert list(frame["reason_1"]) == [row["reasons"][0]["text"] for row in expected]
    for k in range(len(expected[0]["reasons"])):  # a reason that lowers the risk says so
        reason = expected[0]["reasons"][k]
        marked = frame.loc[0, f"reason_{k + 1}"].startswith("in their favour: ")
        assert marked == (reason["direction"] == "lowers")
    segments = expected[0]["segments"]
    assert {name: frame.loc[0, name] for name in segments} == segments
    assert frame["value_at_risk"].is_monotonic_decreasing
    assert (frame["probability"] == frame["probability"].round(4)).all()  # no float noise
    assert frame["value_at_risk"].dropna().map(lambda v: len(str(v).partition(".")[2]) <= 2).all()


def test_without_a_limit_the_screen_shows_the_top_and_the_file_gets_everyone(
    served, tmp_path, monkeypatch
):
    """A CRM import wants the whole list (QA read 200 rows of 693 as the export); a
    screen, its top."""
    monkeypatch.setattr("churn.cli.WORKLIST_ON_SCREEN", 2)
    assert "worklist: 2 customers" in run(served).output
    out = tmp_path / "all.csv"
    assert run(served, "--out", str(out)).exit_code == 0
    engine = store.connect(served.database_url)
    everyone = queries.worklist_page(engine, queries.WorklistQuery(limit=100_000)).items
    assert len(pd.read_csv(out)) == len(everyone) > 2


def test_without_a_file_the_list_is_printed_with_where_the_bands_begin(served):
    result = run(served, "--limit", "3", "--sort", "probability")
    assert result.exit_code == 0, result.output
    assert "worklist: 3 customers" in result.output
    bands = store.latest_batch(store.connect(served.database_url))["bands"]
    said = " ".join(result.output.split())
    assert f"bands: medium from {threshold_text(bands['medium_from'])}" in said
    assert "set by the model's usual risk" in said


def test_a_bands_start_shows_its_tenth_where_it_has_one():
    """BankChurners: a customer at 45.7%, shown as 46% in the medium band, beside "high
    from 46%" (0.458)."""
    assert threshold_text(0.458) == "45.8%"
    assert threshold_text(0.4597) == "45.97%"  # "46.0%" would read as a medium 45.9%
    assert (threshold_text(0.6), threshold_text(0.3)) == ("60%", "30%")
    assert threshold_text(0.0072) == "0.7%"  # a rare churn rate keeps its tenth anyway


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--segment", "north"], "name=value"),
        (["--sort", "risk"], "'risk' is not one of value_at_risk, probability"),
    ],
)
def test_bad_options_are_one_clear_line_and_exit_2(served, args, words):
    result = run(served, *args)
    assert result.exit_code == 2 and words in result.output


def test_a_segment_matching_nobody_lists_the_values_there_are(served):
    engine = store.connect(served.database_url)
    (row,) = queries.worklist_page(engine, queries.WorklistQuery(limit=1)).items
    name, value = next(iter(row["segments"].items()))
    result = run(served, "--segment", f"{name}=nowhere")
    assert result.exit_code == 2, result.output  # as the API's 422: no such value
    text = " ".join(result.output.split())
    assert f"no customer has {name} 'nowhere'; {name} there: " in text
    assert f"{value} (" in text and "why" not in text  # no empty table
    unknown = run(served, "--segment", "planet=x")
    assert unknown.exit_code == 2
    assert f"has no segment 'planet'; its segments: {name}" in " ".join(unknown.output.split())


def test_an_empty_store_says_to_score_first(served, tmp_path):
    result = run(served, database_url=f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.exit_code == 2
    assert "no scores stored yet; run `churn score` first (the score store read: " in result.output
    assert not list(tmp_path.glob("*.csv"))


def test_with_a_config_the_list_is_its_models_when_the_store_is_shared(served, tmp_path):
    """Two projects writing one store file: another model's later batch is the store's
    latest, but `--config` (and the server, which knows its model) reads its own."""
    database_url = f"sqlite:///{tmp_path}/shared.db"
    engine = store.connect(database_url)
    for name, customer, cutoff in (("ours", "a", "2024-05-31"), ("theirs", "z", "2024-06-30")):
        store.write_batch(
            engine,
            model_name=name,
            model_version="1",
            cutoff=pd.Timestamp(cutoff).date(),
            rows=[stored_row(customer)],
        )
    config = tmp_path / "churn.yaml"
    config.write_text("name: ours\ndata:\n  transactions: {path: %s}\n" % (served.root / "x.csv"))
    shared = run(served, database_url=database_url)
    assert "by theirs version 1" in " ".join(shared.output.split())
    own = run(served, "--config", str(config), database_url=database_url)
    assert own.exit_code == 0, own.output
    said = " ".join(own.output.split())
    assert "by ours version 1" in said and "2024-05-31" in said


def test_sorting_by_change_without_an_earlier_batch_says_so(served, tmp_path):
    """The first batch has nothing to compare with: listed by probability, said once."""
    url = f"sqlite:///{tmp_path / 'one.db'}"
    rows = [
        {
            "customer_id": str(i),
            "probability": p,
            "band": "low",
            "value": None,
            "value_at_risk": None,
            "tier": "standard",
            "reasons": [],
            "segments": {},
        }
        for i, p in enumerate([0.2, 0.9, 0.5])
    ]
    _write_batch(url, rows, "2024-06-30")
    out = tmp_path / "calls.csv"
    result = run(served, "--sort", "probability_change", "--out", str(out), database_url=url)
    assert result.exit_code == 0, result.output
    assert "compared with no earlier one" in " ".join(result.output.split())
    assert list(pd.read_csv(out)["customer_id"]) == [1, 2, 0]


def test_a_list_by_value_at_risk_says_how_many_customers_it_cannot_value(served, tmp_path):
    """An operator's revenue was blank for 43% of its customers, who churned at 45%: by
    value at risk they follow every valued customer, and the list says so (by
    probability it need not)."""
    url = f"sqlite:///{tmp_path / 'unvalued.db'}"
    rows = [stored_row(str(i)) for i in range(10)]
    for row in rows[:4]:
        row.update(value=None, value_at_risk=None, probability=0.9, band="high")
    _write_batch(url, rows, "2024-06-30")
    said = " ".join(run(served, "--limit", "3", database_url=url).output.split())
    assert said.startswith(
        "note: 4 of 10 customers (40%) have no value (a blank value column, or no spend to "
        "value them by): their value at risk is unknown, and a worklist by value at risk lists "
        "them after every valued customer; `--sort probability` (sort=probability in the API) "
        "ranks everyone by risk"
    )
    by_risk = run(served, "--limit", "3", "--sort", "probability", database_url=url)
    assert "no value" not in by_risk.output
    assert unvalued_note(0, 10) is None and unvalued_note(1, 21) is None  # under 5%


def test_a_list_where_nobody_has_a_value_says_it_orders_by_probability(served, tmp_path):
    """Relax's 2,905 app users had no value at all, and the note said the list put them
    "after every valued customer": there were none. The list is by risk, and says so."""
    url = f"sqlite:///{tmp_path / 'valueless.db'}"
    rows = [stored_row(str(i)) for i in range(4)]
    for row, probability in zip(rows, (0.2, 0.9, 0.5, 0.7), strict=True):
        row.update(value=None, value_at_risk=None, probability=probability)
    _write_batch(url, rows, "2024-06-30")
    out = tmp_path / "calls.csv"
    result = run(served, "--out", str(out), database_url=url)
    assert list(pd.read_csv(out)["customer_id"]) == [1, 3, 2, 0]  # as the note says
    said = " ".join(result.output.split())
    assert said.startswith(
        "note: no customer has a value (a blank value column, or no spend to value them by): "
        "value at risk is unknown, and the worklist orders by probability"
    )
    assert "after every valued customer" not in said
    assert unvalued_note(10, 10) == unvalued_note(1, 1)  # no count: all of them


def test_a_list_by_value_at_risk_says_when_it_buries_the_riskiest(served, tmp_path):
    """A bank's turnover (1.5M beside a new account's 200) put none of its 47 risky
    accounts in a top 200 of 1% risks: value outweighs risk, and the list says so."""
    url = f"sqlite:///{tmp_path / 'buried.db'}"
    rows = [
        stored_row(str(i))
        | {"probability": 0.01, "band": "low", "value": 1e6, "value_at_risk": 1e4}
        for i in range(250)
    ]
    for row in rows[:30]:
        row.update(probability=0.8, band="high", value=200.0, value_at_risk=160.0)
    for row in rows[:2]:
        row.update(value=0.0, value_at_risk=0.0)
    for row in rows[2:12]:  # below zero: listed last on purpose, not buried (a margin's)
        row.update(value=-50.0, value_at_risk=-40.0, tier="below_zero")
    _write_batch(url, rows, "2024-06-30")
    said = " ".join(run(served, "--limit", "3", database_url=url).output.split())
    assert (
        "note: the first 200 by value at risk are mostly low-risk (200) and hold 0 of the "
        "batch's 30 medium- and high-risk customers: their value outweighs their risk; 2 of "
        "the batch's 30 medium- and high-risk customers have a value of 0, and are "
        "listed after every customer of some value; `--sort probability`"
    ) in said
    for other in (["--sort", "probability"], ["--band", "high"], ["--tier", "standard"]):
        assert "outweighs" not in run(served, "--limit", "3", *other, database_url=url).output


@pytest.mark.parametrize(
    ("found", "said"),
    [
        # half low-risk is a mix, not a value list (the demo's 106 medium of 200)
        (store.FirstListed(200, 100, 2511, 17137), None),
        # mostly low, but the riskier hold more than their share: big spenders buy often
        (store.FirstListed(200, 120, 3000, 20000), None),
        (store.FirstListed(200, 150, 50, 5000), None),  # every riskier listed
        (store.FirstListed(200, 200, 47, 1229), "their value outweighs their risk"),
        # a bank's 30 of 133 high-risk customers with a balance of 0, 4,846th and below
        (store.FirstListed(200, 90, 133, 7962, 30), "have a value of 0,"),
        (store.FirstListed(200, 90, 133, 7962, 6), None),  # under 5% of them
    ],
)
def test_the_buried_note_fires_on_value_lists_and_unvalued_riskier_customers(found, said):
    note = buried_note(found)
    assert (note is None) if said is None else (said in note)


def test_a_segment_reads_name_colon_value_as_the_api_writes_it(served):
    engine = store.connect(served.database_url)
    (row,) = queries.worklist_page(engine, queries.WorklistQuery(limit=1)).items
    name, value = next(iter(row["segments"].items()))
    equals = run(served, "--segment", f"{name}={value}")
    colon = run(served, "--segment", f"{name}:{value}")
    assert equals.exit_code == 0 and colon.output == equals.output
    # repeated, each holds: its own value twice is the one filter, another value none
    twice = run(served, "--segment", f"{name}={value}", "--segment", f"{name}:{value}")
    assert twice.output == equals.output
    other = run(served, "--segment", f"{name}={value}", "--segment", f"{name}=no such value")
    assert other.exit_code == 2 and f"no customer has {name} 'no such value'" in other.output


def test_a_customer_without_reasons_reads_that_nothing_stands_out():
    """A blank why (every feature moving the risk too little to name) read as a missing
    answer: 75 of a near-chance model's top 200."""
    from rich.console import Console

    from churn.summary import NOTHING_STANDS_OUT, print_worklist
    from serving.worklist_file import worklist_frame

    row = {**stored_row("c1"), "model_name": "m", "model_version": "1", "cutoff": "2024-12-31"}
    console = Console(record=True, width=200)
    print_worklist(worklist_frame([row]), console)
    assert NOTHING_STANDS_OUT in console.export_text()


def test_the_worklist_file_keeps_its_reason_columns_when_no_row_has_a_reason():
    """A weak model's list without a reason wrote no `reason_*` column at all, and a CRM
    import mapping reason_1..4 broke."""
    from serving.worklist_file import worklist_frame

    row = {**stored_row("c1"), "model_name": "m", "model_version": "1", "cutoff": "2024-12-31"}
    frame = worklist_frame([{**row, "reasons": []}])
    reasons = [c for c in frame.columns if c.startswith("reason_")]
    assert reasons == ["reason_1", "reason_2", "reason_3", "reason_4"]
    assert frame[reasons].isna().all(axis=None)


def test_the_worklist_file_writes_no_certainty_four_decimals_would():
    """A 0.18%-churn log's lowest probabilities, 4 decimals wrote as 0.0: the certainty
    no customer has."""
    from serving.worklist_file import worklist_frame

    batch = {"model_name": "m", "model_version": "1", "cutoff": "2024-12-31"}
    rows = [
        {**stored_row(c), **batch, "probability": p}
        for c, p in (("c1", 0.0000031234), ("c2", 0.123456), ("c3", 0.9999991))
    ]
    written = worklist_frame(rows)["probability"].tolist()
    assert written == pytest.approx([0.0000031, 0.1235, 1 - 0.0000009], rel=0, abs=1e-12)


def test_the_worklist_on_screen_shows_cents_of_a_small_value_at_risk():
    """A DVD rental's value at risk of 4.40 read "4"; larger amounts stay whole."""
    from rich.console import Console

    from churn.summary import print_worklist
    from serving.worklist_file import worklist_frame

    batch = {"model_name": "m", "model_version": "1", "cutoff": "2024-12-31"}
    rows = [
        {**stored_row("c1"), **batch, "value": 8.8, "value_at_risk": 4.4},
        {**stored_row("c2"), **batch, "value": 2469.2, "value_at_risk": 1234.6},
        {**stored_row("c3"), **batch, "value": 10.0, "value_at_risk": 5.0},
    ]
    console = Console(record=True, width=200)
    print_worklist(worklist_frame(rows), console)
    table = [line.split("│") for line in console.export_text().splitlines()]
    cells = {row[1].strip(): row[4].strip() for row in table if len(row) > 5}
    assert cells == {"c1": "4.40", "c2": "1,235", "c3": "5"}


def _write_batch(url: str, rows: list[dict], cutoff: str, **batch: object) -> None:
    """One batch of model m version 1 into the store at `url`."""
    engine = store.connect(url)
    store.write_batch(
        engine,
        model_name="m",
        model_version="1",
        cutoff=pd.Timestamp(cutoff).date(),
        rows=rows,
        **batch,
    )
    engine.dispose()


def _batch_of_a_weak_model(url: str) -> None:
    """A batch whose model ranks near chance and was forced past the gate."""
    rows = [stored_row("TA-21385")]
    _write_batch(url, rows, "2017-12-31", ranking_caveats=[CLOSE_TO_CHANCE, FORCED])


CLOSE_TO_CHANCE = "the model ranks churners close to chance (test ROC AUC 0.514)"
FORCED = "promoted with --force although the promotion gate refused it (calibration error 0.0840)"


def test_a_weak_models_list_is_headed_by_one_caution(served, tmp_path):
    url = f"sqlite:///{tmp_path / 'weak.db'}"
    _batch_of_a_weak_model(url)
    shown = run(served, database_url=url)
    assert shown.exit_code == 0, shown.output
    said = " ".join(shown.stdout.split())
    assert said.startswith(f"caution: {CLOSE_TO_CHANCE}; {FORCED} worklist: 1 customer")
    out = tmp_path / "calls.csv"
    written = run(served, "--out", str(out), database_url=url)
    assert written.exit_code == 0, written.output
    assert " ".join(written.stderr.split()) == f"caution: {CLOSE_TO_CHANCE}; {FORCED}"
    assert "caution" not in written.stdout and "caution" not in out.read_text()
    assert list(pd.read_csv(out)["customer_id"]) == ["TA-21385"]


def test_a_sound_model_or_a_batch_scored_before_caveats_were_kept_has_no_caution(served, tmp_path):
    assert store.latest_batch(store.connect(served.database_url))["ranking_caveats"] == []
    result = run(served, "--limit", "3")
    assert result.exit_code == 0 and "caution" not in result.output
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _batch_of_a_weak_model(url)
    engine = store.connect(url)
    with engine.begin() as conn:  # as the column added to an older store reads
        conn.execute(store.batches.update().values(ranking_caveats=sa.null()))
    old = run(served, database_url=url)
    assert old.exit_code == 0 and "worklist: 1 customer" in old.output
    assert "caution" not in old.output


def test_an_empty_band_says_where_it_begins_and_the_usual_risk(served, tmp_path):
    """Groceries' 66% churn raised high risk to 84%: `--band high` listed nobody, and
    "no customer matches" read as a broken list."""
    url = f"sqlite:///{tmp_path / 'usual.db'}"
    bands = {"medium_from": 0.72, "high_from": 0.84, "typical_probability": 0.66}
    _write_batch(url, [stored_row("a")], "2015-12-31", bands=bands)
    shown = run(served, "--band", "high", database_url=url)
    assert shown.exit_code == 0, shown.output
    assert " ".join(shown.stdout.split()) == (
        "no customer matches in batch 1 (as of 2015-12-31): high risk begins at 84%, "
        "where the model's usual churn risk is 66%"
    )
    old = f"sqlite:///{tmp_path / 'old.db'}"  # a batch scored before bands were kept
    _write_batch(old, [stored_row("a")], "2015-12-31")
    said = run(served, "--band", "high", database_url=old).stdout
    assert " ".join(said.split()) == "no customer matches in batch 1 (as of 2015-12-31)"
    rare = f"sqlite:///{tmp_path / 'rare.db'}"  # Wide World Importers' rate: not "0%"
    bands = {"medium_from": 0.0045, "high_from": 0.009, "typical_probability": 0.003}
    _write_batch(rare, [stored_row("a")], "2015-12-31", bands=bands)
    said = " ".join(run(served, "--band", "high", database_url=rare).stdout.split())
    assert said.endswith("high risk begins at 0.9%, where the model's usual churn risk is 0.3%")


def test_a_tier_where_nobody_has_a_value_says_so(served, tmp_path):
    """Groceries' log has no amounts: `--tier most_valuable` said only "no customer
    matches"."""
    url = f"sqlite:///{tmp_path / 'unvalued.db'}"
    unvalued = {**stored_row("a"), "value": None, "value_at_risk": None, "tier": None}
    _write_batch(url, [unvalued], "2015-12-31")
    said = " ".join(run(served, "--tier", "most_valuable", database_url=url).stdout.split())
    assert said == (
        "no customer matches in batch 1 (as of 2015-12-31): no customer has a value to tier "
        "by (no amounts mapped, or the value column blank)"
    )
