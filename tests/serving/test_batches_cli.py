"""`churn batches`: what the score store holds, which batch readers show, and removing one."""

from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from churn.cli import app
from serving import store
from tests.serving.api_helpers import stored_row


def _batches(database_url: str, *args: str):
    env = {"CHURN_DATABASE_URL": database_url, "COLUMNS": "200"}
    return CliRunner(env=env).invoke(app, ["batches", *args])


def _write(engine, cutoff: dt.date, version: str = "1") -> int:
    return store.write_batch(
        engine, model_name="retail", model_version=version, cutoff=cutoff, rows=[stored_row("a")]
    )


def test_batches_are_listed_the_shown_one_marked_and_one_removed(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'scores.db'}"
    engine = store.connect(database_url)
    right = _write(engine, dt.date(2024, 6, 30), version="2")
    wrong = _write(engine, dt.date(2030, 1, 1))
    engine.dispose()
    listed = _batches(database_url)
    assert listed.exit_code == 0, listed.output
    lines = [line for line in listed.output.splitlines() if "│ retail" in line]
    assert "▶" in lines[0] and "2030-01-01" in lines[0]  # the wrong batch hides the right one
    assert "▶" not in lines[1] and "2024-06-30" in lines[1]
    removed = _batches(database_url, "--remove", str(wrong))
    assert removed.exit_code == 0, removed.output
    said = " ".join(removed.output.split())
    assert f"removed batch {wrong} (retail version 1, as of 2030-01-01, 1 customer)" in said
    lines = [line for line in removed.output.splitlines() if "│ retail" in line]
    assert len(lines) == 1 and "▶" in lines[0] and f" {right} " in lines[0]
    again = _batches(database_url, "--remove", str(wrong))
    assert again.exit_code == 2
    assert f"no batch {wrong} in the score store" in " ".join(again.output.split())


def test_an_empty_store_says_to_score_first(tmp_path):
    result = _batches(f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.exit_code == 0
    assert "no batches in the score store: run churn score first" in result.output


def test_the_worklist_says_when_a_later_scored_batch_is_hidden_by_its_cutoff(tmp_path):
    """IBM HR: scored first without as_of (as of today, row numbers as ids), then at its
    extract's day; the worklist kept showing the first batch without a word."""
    database_url = f"sqlite:///{tmp_path / 'scores.db'}"
    engine = store.connect(database_url)
    day = dt.datetime.now(dt.UTC).date()  # scored as of the day it was scored
    today = _write(engine, day)
    extract = _write(engine, dt.date(2017, 3, 31), version="2")
    engine.dispose()
    env = {"CHURN_DATABASE_URL": database_url, "COLUMNS": "300"}
    shown = CliRunner(env=env).invoke(app, ["worklist"])
    assert shown.exit_code == 0, shown.output
    said = " ".join(shown.output.split())
    assert (
        f"note: batch {extract} (as of 2017-03-31) was scored after this one (batch {today}, "
        f"as of {day}) but at an earlier cutoff, so the worklist and the API show this "
        f"one: if its cutoff is wrong, `churn batches --remove {today}`" in said
    )
    _batches(database_url, "--remove", str(today))
    shown = CliRunner(env=env).invoke(app, ["worklist"])
    assert "was scored after this one" not in shown.output


def test_a_deliberate_backfill_behind_the_datas_last_day_is_no_hidden_batch(tmp_path):
    """`churn score --cutoff` a month back, behind a batch of the data's last day (dated
    before the day it was scored), is a backfill by design: no note."""
    database_url = f"sqlite:///{tmp_path / 'scores.db'}"
    engine = store.connect(database_url)
    _write(engine, dt.date(2024, 6, 30))
    _write(engine, dt.date(2024, 5, 31))
    engine.dispose()
    env = {"CHURN_DATABASE_URL": database_url, "COLUMNS": "300"}
    shown = CliRunner(env=env).invoke(app, ["worklist"])
    assert shown.exit_code == 0, shown.output
    assert "was scored after this one" not in shown.output
