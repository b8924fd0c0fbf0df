"""Which side of the overall churn rate a feature's values sit on (`churn.sides`)."""

import numpy as np
import pandas as pd
import pytest

from churn.sides import CONTRARY_RATIO, TYPICAL, Sides, churn_sides, rarer_levels
from features.attributes import attribute_spec


def _rows(n: int = 4000) -> tuple[pd.DataFrame, np.ndarray]:
    """Heavy users churn at 3%, light ones at 40%, blanks at 60%, in the south; a fifth of
    that in the north: about 22% overall."""
    rng = np.random.default_rng(0)
    volume = rng.uniform(0, 1000, n)
    volume[: n // 5] = np.nan
    region = np.where(rng.random(n) < 0.5, "north", "south")
    rate = np.where(np.isnan(volume), 0.6, np.where(volume > 700, 0.03, 0.4))
    rate = rate * np.where(region == "north", 0.2, 1.0)
    churned = rng.random(n) < rate
    return pd.DataFrame({"volume": volume, "region": region}), churned


def test_each_bin_level_and_blank_is_on_the_side_its_churn_rate_is_clearly_on():
    rows, churned = _rows()
    specs = [attribute_spec("volume", "numeric"), attribute_spec("region", "categorical")]
    found = churn_sides(rows, specs, churned)
    volume = found["volume"]
    assert len(volume["edges"]) == 9 and volume["blank"] == 1
    assert volume["sides"][-3:] == [-1, -1, -1]  # above 700: 3% (1.5% in the north)
    assert found["region"] == {"levels": {"north": -1, "south": 1}, "blank": 0}
    sides = Sides.of(found, ["volume", "region"])
    posted = {"volume": np.array([950.0, np.nan, 100.0]), "region": ["south", None, "west"]}
    names, by_row = sides.of_rows(posted, 3)
    assert names == ["volume", "region"]
    assert by_row[:, 0, 0].tolist() == [-1, 1, volume["sides"][1]]
    assert by_row[:, 1, 0].tolist() == [1, 0, 0]  # a level training never held: no side
    assert (by_row[:, :, 1] == by_row[:, :, 0]).all()  # no contrary sides: the sides judge


def test_a_feature_of_few_well_held_values_has_a_side_per_value():
    """Payment delays 0 to 30 days: 16 churns at 58%, 13 to 15 at 10%. Decile edges fall
    on 4, 8, 12, 16..., and 16 joined 13 to 15 on the safe side; each value is a bin now.
    With a rare value among them, quantile bins as before."""
    rng = np.random.default_rng(2)
    delay = rng.integers(0, 31, 20_000).astype(float)
    rate = np.where(delay == 16, 0.58, np.where(delay < 16, 0.10, 0.50))
    churned = rng.random(len(delay)) < rate
    spec = attribute_spec("delay", "numeric")
    found = churn_sides(pd.DataFrame({"delay": delay}), [spec], churned)["delay"]
    assert found["edges"] == [float(d) for d in range(30)]
    sides = Sides.of({"delay": found}, ["delay"])
    _, by_row = sides.of_rows({"delay": np.array([15.0, 16.0, 3.0])}, 3)
    assert by_row[:, 0, 0].tolist() == [-1, 1, -1]
    delay[:5] = 99.0  # a value too rare for a bin of its own
    found = churn_sides(pd.DataFrame({"delay": delay}), [spec], churned)["delay"]
    assert len(found["edges"]) <= 9


def test_a_feature_whose_every_value_churns_alike_has_no_side():
    rng = np.random.default_rng(1)
    rows = pd.DataFrame({"noise": rng.normal(size=3000)})
    churned = rng.random(3000) < 0.2
    found = churn_sides(rows, [attribute_spec("noise", "numeric")], churned)
    assert set(found["noise"]["sides"]) == {0} and found["noise"]["blank"] == 0
    assert churn_sides(rows, [attribute_spec("noise", "numeric")], np.zeros(3000, bool)) == {}


def test_where_most_rows_churn_the_stayers_rates_tell_the_sides():
    """A usage log's trend: users whose use fell to nothing churned at 95.7% against 87%
    overall, a side no churn rate's ratio could reach (1/0.87 = 1.15); 4.3% staying
    against 13% is one. A churn rate mirrored (13% churning against 4.3%) has the
    mirrored side."""
    rng = np.random.default_rng(3)
    fell = rng.random(20_000) < 0.3
    rows = pd.DataFrame({"trend": np.where(fell, -1.0, rng.uniform(-0.5, 2.0, 20_000))})
    churned = rng.random(20_000) < np.where(fell, 0.957, 0.835)
    spec = attribute_spec("trend", "numeric")
    found = churn_sides(rows, [spec], churned)["trend"]
    assert found["sides"][0] == 1  # the bin of -100%
    mirrored = churn_sides(rows, [spec], ~churned)["trend"]
    assert mirrored["sides"][0] == -1


def test_a_side_does_not_turn_on_which_side_of_half_the_base_rate_falls():
    """A basic plan churning at 35% against 55% for the rest: 20 more churners among the
    rest (base 49.75% to 50.25%) had lost both sides."""
    spec = attribute_spec("plan", "categorical")
    rows = pd.DataFrame({"plan": ["basic"] * 1000 + ["pro"] * 3000})
    for rest_churners in (1640, 1660):
        churned = np.r_[np.arange(1000) < 350, np.arange(3000) < rest_churners]
        found = churn_sides(rows, [spec], churned)["plan"]
        assert found["levels"] == {"basic": -1, "pro": 1}, rest_churners


def test_a_value_most_rows_hold_is_typical_unless_the_standard_errors_say_otherwise():
    """90% of a shop's customers had "response: no" at 11.5% churn beside 11.2% overall:
    typical, no side. A majority that clearly churns more (a bank's one product, 28%
    against 20%) keeps its side though short of the 1.5x a smaller group needs."""
    rng = np.random.default_rng(2)
    n = 6000
    response = np.where(rng.random(n) < 0.9, "no", "yes")
    products = np.where(rng.random(n) < 0.55, 1.0, 2.0)
    churned = rng.random(n) < np.where(products == 1, 0.28, 0.12)
    rows = pd.DataFrame({"response": response, "products": products})
    specs = [attribute_spec("response", "categorical"), attribute_spec("products", "numeric")]
    found = churn_sides(rows, specs, churned)
    assert found["response"]["levels"].get("no") == TYPICAL
    assert found["products"]["sides"][0] == 1  # one product: the riskier majority
    # however many rows: 11.6% beside the rest's 8.5% stays typical at 100,000 rows
    big = 100_000
    response = np.where(np.arange(big) < 0.9 * big, "no", "yes")
    churned = np.random.default_rng(3).random(big) < np.where(response == "no", 0.116, 0.085)
    rows = pd.DataFrame({"response": response})
    found = churn_sides(rows, specs[:1], churned)
    assert found["response"]["levels"].get("no") == TYPICAL


def test_a_large_minority_is_set_against_the_rest_not_the_overall_rate_it_is_part_of():
    """IBM Telco's referrers, 46% of customers, churned at 19.4% against 26.5% overall,
    short of the 1.5x a side needs, yet against 32.6% for the rest: "Referred a Friend:
    Yes" raised the risk of 1,393 customers. Both levels now have their side."""
    rng = np.random.default_rng(3)
    n = 7000
    referred = np.where(rng.random(n) < 0.46, "Yes", "No")
    churned = rng.random(n) < np.where(referred == "Yes", 0.194, 0.326)
    found = churn_sides(
        pd.DataFrame({"referred": referred}), [attribute_spec("referred", "categorical")], churned
    )
    assert found["referred"]["levels"] == {"Yes": -1, "No": 1}


def test_a_side_that_contradicts_a_reason_needs_less_than_one_that_backs_it():
    """Cell2Cell's customers with no received call churned at 33.4% against 28.1% for
    the rest: no side at 1.5x, yet "in their favour: received calls 0" was the data's
    opposite (`CONTRARY_RATIO`). A bin a few points off the rest's rate has neither."""
    rng = np.random.default_rng(4)
    n = 20_000
    calls = np.where(rng.random(n) < 0.12, 0.0, rng.uniform(1, 300, n))
    calls[(calls > 0) & (calls < 30)] = 15.0  # a bin at 1.05x the rest
    rate = np.select([calls == 0, calls == 15], [0.334, 0.295], 0.281)
    churned = rng.random(n) < rate
    rows, specs = pd.DataFrame({"calls": calls}), [attribute_spec("calls", "numeric")]
    backing = churn_sides(rows, specs, churned)["calls"]
    contrary = churn_sides(rows, specs, churned, ratio=CONTRARY_RATIO)["calls"]
    assert backing["edges"] == contrary["edges"] and backing["edges"][:2] == [0.0, 15.0]
    assert backing["sides"][:2] == [0, 0]
    assert contrary["sides"][:2] == [1, 0]
    # one lookup gives both, (backing, contrary), for numbers and levels alike
    region = {"levels": {"north": -1}, "blank": 0}
    found = {"calls": backing, "region": region}
    against = {"calls": contrary, "region": {"levels": {"north": -1, "south": 1}, "blank": 1}}
    posted = {"calls": np.array([0.0, 15.0]), "region": ["south", None]}
    names, by_row = Sides.of(found, ["calls", "region"], against).of_rows(posted, 2)
    assert names == ["calls", "region"]
    assert by_row.tolist() == [[[0, 1], [0, 1]], [[0, 0], [0, 1]]]
    # contrary sides of other bins than the backing ones are not read
    other = {**against, "calls": {**contrary, "edges": [1.0, *contrary["edges"][1:]]}}
    _, by_row = Sides.of(found, ["calls"], other).of_rows(posted, 2)
    assert by_row[:, 0].tolist() == [[0, 0], [0, 0]]


def test_the_rarer_levels_a_model_left_out_are_one_group_with_its_churn_and_side():
    """Cell2Cell's model kept 100 service areas; the 573 rarer ones, read by it as one
    unknown, churned at 30.7% against 28.0% for the rest: no side, nothing to say of a
    customer. Where they churn clearly apart, their side says so; a column whose every
    level was kept, a blank included, has no group."""
    rng = np.random.default_rng(5)
    n = 6000
    common = rng.choice(["a", "b", "c"], n)
    rarer = rng.random(n) < 0.2
    area = np.where(rarer, [f"r{k}" for k in rng.integers(0, 40, n)], common).astype(object)
    area[:10] = None
    plan = np.where(rng.random(n) < 0.5, "basic", "pro").astype(object)
    churned = rng.random(n) < np.where(rarer, 0.45, 0.2)
    rows = pd.DataFrame({"area": area, "plan": plan})
    found = rarer_levels(rows, {"area": ["a", "b", "c"], "plan": ["basic", "pro"]}, churned)
    assert list(found) == ["area"]
    assert found["area"]["levels"] == len(set(area[rarer & (np.arange(n) >= 10)]))
    assert found["area"]["side"] == 1
    assert found["area"]["churn"] == pytest.approx(churned[rarer & (np.arange(n) >= 10)].mean())
    alike = rng.random(n) < 0.25
    assert rarer_levels(rows, {"area": ["a", "b", "c"]}, alike)["area"]["side"] == 0
    for one_class in (np.zeros(n, dtype=bool), np.ones(n, dtype=bool)):  # was a ZeroDivisionError
        assert rarer_levels(rows, {"area": ["a", "b", "c"]}, one_class) == {}
