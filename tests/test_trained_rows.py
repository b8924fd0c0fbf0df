"""A labelled snapshot's fitted-on rows, known again when scored (`churn.trained_rows`)."""

import numpy as np
import pandas as pd
import pytest

import churn.trained_rows as trained_rows
from churn.trained_rows import TrainedRows
from tests.frames import customers


def _file(ids: list[int], *, label: list[object] | None = None):
    return customers(
        ids,
        signup=["2023-01-05"] * len(ids),
        plan=[f"p{i % 3}" for i in ids],
        charges=[10.0 + i for i in ids],
        label=label if label is not None else [i % 2 == 0 for i in ids],
    )


def test_the_training_rows_are_found_again_whatever_their_label_or_column_order():
    """Rows 1-4 were fitted on; scoring 3-6 finds 3 and 4, with their labels blanked
    (a later extract not yet labelled) and the columns reordered."""
    for by in ("id", "row"):
        kept = TrainedRows.of(_file([1, 2, 3, 4]), by=by)
        later = _file([3, 4, 5, 6], label=[None] * 4)
        assert (kept.rows, kept.every) == (4, 1)
        assert kept.count_in(later[list(reversed(later.columns))]) == 2


def test_a_customer_is_known_by_id_however_their_row_changed_and_in_any_type():
    """Next month's extract holds the same customers with new values: the booster learned
    their labels all the same. An id read as a number is the same customer posted as text."""
    kept = TrainedRows.of(_file([1, 2, 3, 4]))
    changed = _file([1, 2, 3, 4]).assign(charges=lambda f: f["charges"] + 1)
    assert kept.by == "id" and kept.count_in(changed) == 4
    assert kept.count_in(_file([3, 7]).assign(customer_id=["3", "7"])) == 1
    posted = _file([1, 2, 3, 7]).assign(customer_id=[1.0, "2.0", " 3 ", "7"])  # JSON 1.0
    assert kept.count_in(posted) == 3


def test_a_number_id_is_known_with_or_without_its_leading_zeros():
    """An ISP's later extract wrote its ids padded ('00372809'): the loader reads them as
    the same customers, and so must the fold boosters' lookup (9,884 scores moved). A
    model packaged before hashed the ids as written, and is read so."""
    kept = TrainedRows.of(_file([1, 2, 3, 4]).assign(customer_id=["0001", "2", "03", "4"]))
    later = _file([1, 2, 3, 7]).assign(customer_id=["1", "0002", "003", "0A7"])
    assert kept.count_in(later) == 3
    assert kept.count_in(later.assign(customer_id=["A1", "0", "00", "7"])) == 0
    # an energy retailer's hex ids, written in capitals in a later extract
    hex_ids = TrainedRows.of(_file([1, 2]).assign(customer_id=["e7bd0a", "44e8ff"]))
    assert hex_ids.count_in(_file([1, 2]).assign(customer_id=["E7BD0A", "44e8FF"])) == 2
    padded = _file([1, 2]).assign(customer_id=["0001", "2"])
    info = {k: v for k, v in TrainedRows.of(padded).as_info().items() if k != "loose_ids"}
    as_written = np.sort(trained_rows.id_hashes(padded, loose=False))
    packaged_before = TrainedRows.from_info({**info, "hashes": as_written})
    assert not packaged_before.loose_ids and packaged_before.count_in(padded) == 2


def test_row_number_ids_match_rows_so_other_extracts_or_changed_rows_match_none():
    """Row numbers as ids repeat across files: the row, not the id, is the training row."""
    kept = TrainedRows.of(_file([1, 2, 3, 4]), by="row")
    changed = _file([1, 2, 3, 4]).assign(charges=lambda f: f["charges"] + 1)
    assert kept.count_in(changed) == 0
    assert kept.count_in(_file([7, 8])) == 0


def test_past_the_kept_rows_a_fixed_share_is_kept_and_the_count_scaled(monkeypatch):
    """The model keeps at most `KEPT_ROWS` hashes: 1,000 rows over a limit of 100 keep
    those whose hash is a multiple of 10, and the count found among them is scaled."""
    monkeypatch.setattr(trained_rows, "KEPT_ROWS", 100)
    kept = TrainedRows.of(_file(list(range(1000))))
    assert (kept.rows, kept.every) == (1000, 10) and 50 < len(kept.hashes) < 150
    found = kept.count_in(_file(list(range(500, 1500))))
    assert found % 10 == 0 and found == pytest.approx(500, rel=0.3)


def test_a_model_that_kept_no_rows_reads_as_none():
    kept = TrainedRows.of(_file([1, 2]))
    assert TrainedRows.from_info(None) is None
    assert TrainedRows.from_info(kept.as_info()).count_in(_file([2])) == 1


def test_another_files_customers_numbered_alike_are_not_the_trained_ones():
    """A Kaggle pair's test ids fall among its training ids: by id alone 28,754 of 47,947
    other customers read as training rows and went to fold models. A customer found by
    id must hold their categories alike (`alike_columns`): next month's charges change,
    their plan does not; a row without the categories is told by id, as before."""
    kept = TrainedRows.of(_file([1, 2, 3, 4]), folds=[0, 1, 0, 1], alike_columns=("plan",))
    later = _file([1, 2, 3, 4]).assign(charges=lambda f: f["charges"] + 1)
    assert kept.count_in(later) == 4
    others = later.assign(plan=["p9", "p9", "p0", "p9"])  # 3 was p0 too: alike by chance
    assert kept.count_in(others) == 1
    assert kept.folds_of(others).tolist() == [-1, -1, 0, -1]
    again = TrainedRows.from_info(kept.as_info())
    assert again.alike_columns == ("plan",) and again.count_in(others) == 1
    assert kept.count_in(others[["customer_id"]]) == 4  # no categories: by id
    assert kept.count_in(others.assign(plan=None)) == 4  # posted blank: by id


def test_each_fitted_row_keeps_the_fold_that_scores_it_and_other_rows_read_minus_one():
    kept = TrainedRows.of(_file([1, 2, 3, 4]), folds=[0, 1, 0, 1])
    later = _file([4, 3, 9], label=[None] * 3)
    assert kept.folded and kept.folds_of(later).tolist() == [1, 0, -1]
    assert TrainedRows.from_info(kept.as_info()).folds_of(later).tolist() == [1, 0, -1]


def test_without_folds_or_with_rows_left_unkept_no_row_is_scored_out_of_fold(monkeypatch):
    """Past `KEPT_ROWS` the rows not kept cannot be told: none is folded, not some."""
    assert TrainedRows.of(_file([1, 2])).folds_of(_file([1])) is None
    monkeypatch.setattr(trained_rows, "KEPT_ROWS", 100)
    kept = TrainedRows.of(_file(list(range(1000))), folds=[i % 5 for i in range(1000)])
    assert not kept.folded and kept.folds_of(_file([1])) is None


def test_a_yes_or_no_a_customer_may_change_tells_no_customer_apart_by_id():
    """An energy retailer's later extract, has_gas flipped for 3,000 customers: the
    categories of most values tell a customer found by id, never a yes/no."""
    from churn.trained_rows import alike_columns_of

    fitted = _file([1, 2, 3, 4]).drop(columns="label").assign(has_gas=["t", "f", "t", "f"])
    assert alike_columns_of(fitted, ["plan", "has_gas"]) == ("plan",)


def test_row_number_ids_are_known_by_their_feature_row_wherever_the_row_moved():
    """An insurer's file without ids, its lapsed rows dropped (the current customers):
    row 18 is now another row number, and 12,064 training rows had been found as 1. By
    their whole feature row the rows are found in any order and numbering, posted with
    numbers as text or a float64's last bits otherwise; a row lacking a column, or
    holding another value, is none (scored by the full model). Copies of a training row
    count no more rows than were trained."""
    rows = _file([1, 2, 3, 4, 5, 6]).drop(columns="label")
    columns = ("plan", "charges")
    kept = TrainedRows.of(rows, np.arange(6) % 2, by="alike", alike_columns=columns)
    assert kept.by == "alike" and kept.alike is None
    current = rows.iloc[[5, 3, 1]].assign(customer_id=[1, 2, 3])
    assert kept.count_in(current) == 3
    assert kept.folds_of(current).tolist() == [1, 1, 1]  # rows 6, 4 and 2: fold 1
    assert kept.folds_of(current.assign(charges=current["charges"] + 1e-12)).tolist() == [1] * 3
    assert kept.count_in(current.drop(columns="charges")) == 0
    assert kept.count_in(current.assign(charges=99.0)) == 0
    assert kept.count_in(pd.concat([rows] * 3)) == 6
    packaged = TrainedRows.from_info(kept.as_info())
    assert packaged.folds_of(current).tolist() == [1, 1, 1]
    # without a column to tell rows by, the row number is what there is
    assert TrainedRows.of(rows, by="alike").by == "id"
