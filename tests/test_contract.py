"""The run config: the committed example parses; mistakes give one located message."""

import pickle
import re
from pathlib import Path

import pytest
import yaml

from features.contract import (
    ConfigError,
    CustomersSpec,
    DataSpec,
    EventsSpec,
    LabelSpec,
    RunConfig,
    TransactionsSpec,
    files_named,
    load_config,
)

EXAMPLE = Path(__file__).parents[1] / "examples" / "churn.yaml"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "churn.yaml"
    path.write_text(text)
    return path


def test_committed_example_parses_with_every_table():
    config = load_config(EXAMPLE)
    assert set(config.data.tables()) == {
        "customers",
        "transactions",
        "events",
        "interactions",
        "cancellations",
    }
    assert config.data.transactions.source_column("amount") == "dollars"
    assert config.data.interactions.raw_to_canonical()["grievance"] == "complaint"
    assert config.resolve(Path("x.csv")) == EXAMPLE.parent.resolve() / "x.csv"


def test_attributes_as_list_or_typed_mapping(tmp_path):
    text = (
        "name: t\ndata:\n  transactions: {path: t.csv}\n"
        "  customers: {path: c.csv, attributes: %s}\n"
    )
    listed = load_config(_write(tmp_path, text % "[region, seats]"))
    assert listed.data.customers.attributes == {"region": None, "seats": None}
    typed = load_config(_write(tmp_path, text % "{seats: numeric, region: categorical}"))
    assert typed.data.customers.attributes == {"seats": "numeric", "region": "categorical"}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("name: t\ndata: {}\n", "give at least `customers`, `transactions` or `events`"),
        (
            "name: t\ndata:\n  transactions: {path: t.csv, columns: {amount_usd: x}}\n",
            "unknown canonical column(s) ['amount_usd']",
        ),
        (
            "name: t\ndata:\n  customers:\n"
            "    {path: c.csv, columns: {customer_id: id, label: churn}}\n",
            "the label is set beside `columns`, not in it: label: {column: <its column>, positive:",
        ),
        (
            "name: t\ndata:\n  customers: {path: c.csv}\nchurn: {definition: cancellation}\n",
            "needs `data.cancellations`",
        ),
        (
            "name: t\ndata:\n  transactions: {path: t.csv}\nchurn: {definition: expiry}\n",
            "needs `data.transactions.columns.paid_until`",
        ),
        (
            "name: t\ndata:\n  transactions: {path: t.csv}\nchurn: {horizon_days: 0}\n",
            "churn.horizon_days",
        ),
        ("name: t\ndata:\n  transactions: {path: t.csv}\nspeling: 1\n", "speling"),
        (
            "name: t\ndata:\n  transactions: {path: t.csv, missing_values: {a: 1}}\n",
            "data.transactions.missing_values",
        ),
        (
            "name: t\ndata:\n  events: {path: e.csv, quantity_unit: [minutes]}\n",
            "data.events.quantity_unit",
        ),
        ("name: [t\n", "not valid YAML"),
        (
            "name: t\ndata:\n  transactions:\n    path: a.csv\n    path: b.csv\n",
            "key 'path' given twice",
        ),
        (
            "name: t\ndata:\n  as_of: 2019-13-01\n  transactions: {path: t.csv}\n",
            "line 3, as_of: '2019-13-01' is no date (month must be in 1..12)",
        ),
        (
            "name: t\ndata:\n  transactions: {path: t.csv}\nevaluation: {cutoff: 2024-02-30}\n",
            "line 4, cutoff: '2024-02-30' is no date (day is out of range for month)",
        ),
        (  # YAML reads no date of it: pydantic had said "invalid character in year"
            "name: t\ndata:\n  as_of: 31/12/2021\n  transactions: {path: t.csv}\n",
            "data.as_of: '31/12/2021' is no date: write it as YYYY-MM-DD (2021-12-31)",
        ),
        (  # quoted, in the form, and no date
            'name: t\ndata:\n  as_of: "2024-06-31"\n  transactions: {path: t.csv}\n',
            "data.as_of: '2024-06-31' is no date (day value is outside expected range)",
        ),
        (  # day or month first: no one date to offer
            "name: t\ndata:\n  transactions: {path: t.csv}\nevaluation: {cutoff: 01.02.2024}\n",
            "evaluation.cutoff: '01.02.2024' is no date: write it as YYYY-MM-DD",
        ),
        (  # a value left blank in { } is no comma's split
            "name: t\ndata:\n  transactions: {path: t.csv}\n"
            "churn: {definition: inactivity, horizon_days: }\n",
            "churn.horizon_days: Input should be a valid integer",
        ),
        (  # a comma inside { } split the words: "1 offline)" read as a key
            "name: t\ndata:\n  customers:\n    path: c.csv\n    attributes: [Channel]\n"
            "    attribute_words: {Channel: channel (0 online, 1 offline)}\n",
            "data.customers.attribute_words: YAML read '1 offline)' (line 6) as a key of its "
            'own: a comma inside { } ends an entry; quote the value, "channel (0 online, 1 '
            'offline)"',
        ),
    ],
)
def test_mistakes_name_the_file_and_the_key(tmp_path, text, fragment):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in str(err.value)
    assert fragment in str(err.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"unit_price": "p"}, "unit_price needs quantity"),
        ({"unit_price": "p", "quantity": "q", "amount": "a"}, "either amount"),
    ],
)
def test_unit_price_comes_with_quantity_and_instead_of_amount(columns, message):
    with pytest.raises(ValueError, match=message):
        TransactionsSpec(path="t.csv", columns=columns)


def test_a_unit_price_log_loads_as_amounts():
    spec = TransactionsSpec(path="t.csv", columns={"unit_price": "p", "quantity": "q"})
    assert spec.mapped() == {"customer_id": "customer_id", "timestamp": "timestamp",
                             "quantity": "q", "unit_price": "p"}  # fmt: skip
    assert sorted(spec.loaded_columns()) == ["amount", "customer_id", "quantity", "timestamp"]


def test_a_config_pickled_before_a_key_was_added_unpickles_with_its_default():
    """A registered model carries its pickled config; newer code adds optional keys."""
    spec = CustomersSpec(path=Path("customers.csv"), attributes=["plan"])
    state = spec.__getstate__()
    del state["__dict__"]["missing_values"]  # as an older version pickled it
    old = CustomersSpec.__new__(CustomersSpec)
    old.__setstate__(state)
    assert old.missing_values == [] and old.attributes == {"plan": None}
    assert pickle.loads(pickle.dumps(old)) == spec


def test_attribute_words_must_name_an_attribute(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(
        "name: t\ndata:\n  customers: {path: c.csv, attributes: [age], "
        "attribute_words: {agee: age in years}, label: {column: y, positive: 1}}\n"
        "churn: {definition: label_column}\nreasons: {never: [age]}\n"
    )
    with pytest.raises(ConfigError, match="attribute_words names no attribute: agee"):
        load_config(path)
    # the attribute misspelt, its words right: a chips log's [LIFESTAGES] beside LIFESTAGE
    path.write_text(path.read_text().replace("[age]", "[agee]").replace("agee:", "age:"))
    with pytest.raises(ConfigError, match=r"no attribute: age \(attributes lists 'agee'"):
        load_config(path)
    path.write_text(path.read_text().replace("agee", "age"))
    config = load_config(path)
    assert config.data.customers.attribute_words == {"age": "age in years"}
    assert config.reasons.never == ["age"]


def test_inactivity_without_transactions_reads_usage_and_says_what_it_needs(tmp_path):
    events_only = {"name": "app", "data": {"events": {"path": "e.csv"}}}
    config = load_config(_write(tmp_path, yaml.safe_dump(events_only)))
    assert config.churn.by_usage(config.data.transactions is not None)
    bought_only = {
        "name": "shop",
        "data": {"transactions": {"path": "t.csv"}},
        "churn": {"activity": "usage"},
    }
    said = r"churn\.definition 'inactivity' \(the default\) needs `data\.events`$"
    with pytest.raises(ConfigError, match=said):
        load_config(_write(tmp_path, yaml.safe_dump(bought_only)))


SNAPSHOT = (
    "name: isp\ndata:\n  customers:\n    path: c.csv\n    label: {column: churn, positive: 1}\n"
)
"""A labelled snapshot's config, its churn block still to write."""


@pytest.mark.parametrize("churn", ["", "churn: {horizon_days: 60}\n", "churn:\n"])
def test_a_mapped_label_without_its_definition_is_told_label_column(tmp_path, churn):
    """An ISP snapshot's config without `churn:` read 'inactivity needs data.events',
    which says nothing of the label it maps."""
    with pytest.raises(ConfigError) as raised:
        load_config(_write(tmp_path, SNAPSHOT + churn))
    assert str(raised.value).endswith(
        "churn.definition 'inactivity' (the default) needs `data.events`; a label is mapped "
        "(data.customers.label): set `churn: {definition: label_column}`"
    )


def test_an_empty_section_reads_as_its_defaults(tmp_path):
    """`churn:` with nothing under it is YAML's null: pydantic refused it as 'Input should
    be a valid dictionary or instance of ChurnSpec'."""
    text = "name: t\ndata:\n  transactions: {path: t.csv}\nchurn:\nevaluation:\nreasons:\n"
    config = load_config(_write(tmp_path, text))
    assert config.churn.definition == "inactivity" and config.churn.horizon_days == 90
    assert config.evaluation.split == "out_of_time" and config.reasons.never == []
    labelled = SNAPSHOT + "churn:\n  definition: label_column\n"
    assert load_config(_write(tmp_path, labelled)).churn.definition == "label_column"


def test_under_expiry_a_horizon_no_longer_than_the_grace_is_refused(tmp_path):
    """KKBox's "no renewal within 30 days of expiry" as horizon 30, grace 30 trained on no
    churner, saying only that every train row stayed."""
    text = "name: t\ndata:\n  transactions: {path: t.csv, columns: {paid_until: end}}\n"
    text += "churn: {definition: expiry, %s}\n"
    with pytest.raises(ConfigError, match=r"horizon_days \(30\) must exceed grace_days \(30\)"):
        load_config(_write(tmp_path, text % "horizon_days: 30, grace_days: 30"))
    config = load_config(_write(tmp_path, text % "horizon_days: 60, grace_days: 30"))
    assert config.churn.horizon_days == 60


def test_a_quantity_without_a_unit_is_named_by_its_column(tmp_path):
    """'1,240 session_length_s of session_start', not '1,240 units of session_start'."""
    text = "name: t\ndata:\n  events: {path: e.csv, columns: {quantity: session_length_s}}\n"
    events = load_config(_write(tmp_path, text)).data.events
    assert events.unit() == "session_length_s"
    named = (
        "name: t\ndata:\n  events: {path: e.csv, columns: {quantity: s}, quantity_unit: seconds}\n"
    )
    assert load_config(_write(tmp_path, named)).data.events.unit() == "seconds"


def test_type_words_name_coded_event_types_as_the_file_writes_them(tmp_path):
    """A Stack Exchange dump's PostTypeId: YAML reads `{1: question}` with a number key."""
    text = "name: t\ndata:\n  events: {path: e.csv, type_words: {1: question, 2.0: answer}}\n"
    events = load_config(_write(tmp_path, text)).data.events
    assert events.type_words == {"1": "question", "2": "answer"}


INVOICES = {"customer_id": "customer_id", "timestamp": "payment_date", "order_id": "payment_id"}


@pytest.mark.parametrize(
    ("columns", "definition", "payments", "expected"),
    [
        (INVOICES, "cancellation", None, True),  # a billing export's paid invoices
        ({**INVOICES, "category": "plan"}, "cancellation", None, False),  # a shop's baskets
        ({**INVOICES, "quantity": "seats"}, "cancellation", None, False),
        (INVOICES, "inactivity", None, False),  # a shop's orders, without products
        ({**INVOICES, "paid_until": "period_end"}, "inactivity", None, True),
        ({**INVOICES, "paid_until": "period_end"}, "expiry", None, True),
        (INVOICES, "cancellation", False, False),  # said: a shop's loyalty members
        ({**INVOICES, "category": "plan"}, "cancellation", True, True),
    ],
)
def test_transactions_are_payments_by_the_mapping_or_as_said(
    tmp_path, columns, definition, payments, expected
):
    """A contractual business maps its invoices with an amount and a date and no products:
    "no purchase for 33 days" read as a shop's words on a B2B billing export."""
    transactions = {"path": "t.csv", "columns": columns}
    if payments is not None:
        transactions["payments"] = payments
    raw = {
        "name": "t",
        "data": {"transactions": transactions, "cancellations": {"path": "c.csv"}},
        "churn": {"definition": definition},
    }
    assert load_config(_write(tmp_path, yaml.safe_dump(raw))).payments is expected


def test_a_population_rate_outside_0_and_1_is_one_clear_config_error(tmp_path):
    """A rate written as a percentage (2 for 2%) would shift every probability wrongly."""
    text = (
        "name: t\ndata:\n  customers: {path: c.csv, attributes: [plan],\n"
        "    label: {column: churn, positive: 'yes', population_rate: %s}}\n"
        "churn: {definition: label_column}\n"
    )
    with pytest.raises(ConfigError, match="population_rate"):
        load_config(_write(tmp_path, text % "2"))
    rate = load_config(_write(tmp_path, text % "0.02")).data.customers.label.population_rate
    assert rate == 0.02


def test_zeros_record_no_use_only_in_an_untyped_log_of_two_measures_or_more():
    """A log of one measured column, `quantity` or a lone `quantities` entry, keeps its
    rows of 0 (a session under a minute); a grid of several counts padded with zeros
    does not (KDD Cup 2015's MOOC log)."""

    def spec(**fields) -> EventsSpec:
        return EventsSpec(path="events.csv", **fields)

    assert not spec(quantities={"secs": "seconds"}).zeros_record_no_use()
    assert not spec(columns={"quantity": "minutes"}).zeros_record_no_use()
    assert spec(columns={"quantity": "minutes"}, quantities={"mb": "MB"}).zeros_record_no_use()
    assert spec(quantities={"video": "videos", "wiki": "wikis"}).zeros_record_no_use()
    typed = {"quantity": "minutes", "type": "kind"}
    assert not spec(columns=typed, quantities={"mb": "MB"}).zeros_record_no_use()


def _split(tmp_path: Path, path: object) -> RunConfig:
    """A config whose transactions are `path`: one file, a list, or a glob pattern."""
    text = yaml.safe_dump({"name": "t", "data": {"transactions": {"path": path}}})
    return load_config(_write(tmp_path, text))


def test_a_tables_files_are_a_list_in_its_order_or_a_patterns_matches_sorted(tmp_path):
    """Ta Feng ships a month per file, D11, D12, D01, D02: listed, they read in that
    order; matched by `D*`, sorted by name."""
    for name in ("D11", "D12", "D01", "D02", "notes.txt"):
        (tmp_path / name).write_text("x\n")
    (tmp_path / "Dold").mkdir()  # a folder the pattern matches is no file
    listed = _split(tmp_path, ["D11", "D12", "D01", "D02"])
    files = listed.files(listed.data.transactions.path)
    assert [file.name for file in files] == ["D11", "D12", "D01", "D02"]
    assert all(file.parent == tmp_path.resolve() for file in files)
    matched = _split(tmp_path, "D*")
    assert [file.name for file in matched.files(matched.data.transactions.path)] == [
        "D01",
        "D02",
        "D11",
        "D12",
    ]
    one = _split(tmp_path, "D11")
    assert one.files(one.data.transactions.path) == [tmp_path.resolve() / "D11"]


def test_a_file_listed_and_matched_by_a_pattern_beside_it_is_read_once(tmp_path):
    """`[transactions.csv, transactions*.csv]` read the first file twice, doubling spend."""
    for name in ("t.csv", "t_2.csv"):
        (tmp_path / name).write_text("x\n")
    both = _split(tmp_path, ["t.csv", "t*.csv"])
    assert [file.name for file in both.files(both.data.transactions.path)] == ["t.csv", "t_2.csv"]


def test_a_pattern_matching_no_file_stays_as_written_and_a_bracketed_name_is_a_file(tmp_path):
    none = _split(tmp_path, "sales_*.csv")
    assert none.files(none.data.transactions.path) == [tmp_path.resolve() / "sales_*.csv"]
    (tmp_path / "sales[1].csv").write_text("x\n")
    named = _split(tmp_path, "sales[1].csv")
    assert named.files(named.data.transactions.path) == [tmp_path.resolve() / "sales[1].csv"]


def test_a_tables_files_are_named_together_in_their_folder():
    folder = Path("/data/tafeng")
    assert files_named([folder / "D11"]) == folder / "D11"
    named = files_named([folder / name for name in ("D11", "D12", "D01", "D02")])
    assert named == folder / "D11, D12, D01, D02"
    months = [folder / f"2023-{m:02}.csv" for m in range(1, 13)]
    assert files_named(months).name == "2023-01.csv, ..., 2023-12.csv (12 files)"
    assert files_named([Path("/a/x.csv"), Path("/b/y.csv")]) == Path("x.csv, y.csv")


@pytest.mark.parametrize("path", [[], {"file": "D11"}, 2001])
def test_a_path_that_is_no_file_list_or_pattern_is_one_clear_config_error(tmp_path, path):
    """`path: []` said "Input is not a valid path for <class 'pathlib.Path'>; List should
    have at least 1 item", pydantic's two alternatives at once."""
    with pytest.raises(ConfigError) as raised:
        _split(tmp_path, path)
    assert str(raised.value) == (
        f"{tmp_path / 'churn.yaml'}: data.transactions.path: expected a file, a list of "
        f"files or a glob pattern (path: [D11, D12] or path: 'D*'), got {path!r}"
    )


def test_a_lookup_may_be_several_files_named_together():
    """A product table exported in parts joins as one; the leak check names its files."""
    lookup = {"path": ["products_1.csv", "products_2.csv"], "on": "sku", "columns": ["aisle"]}
    spec = TransactionsSpec(path=Path("t.csv"), lookup=lookup)
    data = DataSpec(transactions=spec)
    assert data.looked_up_columns() == {"aisle": "products_1.csv, products_2.csv"}


LOOKUP = "name: t\ndata:\n  transactions:\n    path: t.csv\n    lookup: %s\n"


@pytest.mark.parametrize(
    ("lookup", "said"),
    [
        (
            "{path: p.csv, on: sku, columns: [aisle], date_format: '%Y'}",
            "data.transactions.lookup.date_format: unknown key; these may be set: path, on, "
            "columns, column_names, separator, sheet, encoding, key",
        ),
        (
            "[{path: p.csv, on: sku, columns: [aisle]}, "
            "{path: q.csv, on: aisle, columns: [dept], separatr: '|'}]",
            "data.transactions.lookup.1.separatr: unknown key (did you mean 'separator'?)",
        ),
        ("p.csv", "data.transactions.lookup: expected a mapping or a list, got 'p.csv'"),
        (
            "{path: p.csv, on: sku, columns: [sku]}",
            "data.transactions.lookup: lookup.columns lists the key 'sku'",
        ),
        ("{path: p.csv, on: sku}", "data.transactions.lookup.columns: Field required"),
    ],
)
def test_a_lookups_config_errors_name_the_key_as_written(tmp_path, lookup, said):
    """QA's AdventureWorks lookup with column_names read 'data.transactions.lookup.
    function-after[_key_is_no_column(), LookupSpec]: Input should be a valid dictionary
    or instance of LookupSpec; ...list[function-after[...]].1.column_names: Extra inputs
    are not permitted': pydantic's union members, each branch's error said."""
    path = _write(tmp_path, LOOKUP % lookup)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value) == f"{path}: {said}"


def test_a_value_of_no_alternatives_shape_says_what_each_takes(tmp_path):
    text = "name: t\ndata:\n  transactions: {path: t.csv, sheet: [1]}\n"
    text += "training: {spacing: week}\nchurn: {horizn_days: 30}\n"
    with pytest.raises(ConfigError) as raised:
        load_config(_write(tmp_path, text))
    assert str(raised.value).split(": ", 1)[1] == (
        "data.transactions.sheet: expected text or a whole number, got [1]; "
        "churn.horizn_days: unknown key (did you mean 'horizon_days'?); "
        "training.spacing: expected 'month' or a whole number, got 'week'"
    )


def test_a_value_none_of_a_literals_names_the_value_and_the_one_it_likely_means(tmp_path):
    """A pet insurer's QA wrote 'cancelation': the four definitions were listed, not the
    value, nor the one it meant."""
    text = "name: t\ndata:\n  transactions: {path: t.csv}\nchurn: {definition: cancelation}\n"
    with pytest.raises(ConfigError) as raised:
        load_config(_write(tmp_path, text))
    assert str(raised.value).split(": ", 1)[1] == (
        "churn.definition: Input should be 'inactivity', 'cancellation', 'label_column' or "
        "'expiry', not 'cancelation' (did you mean 'cancellation'?)"
    )


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("types: {complaint: [True]}", "the unquoted True (line 6) as a boolean (True)"),
        ("types: {complaint: [grievance, yes]}", "the unquoted yes (line 6) as a boolean (True)"),
        ("types: {complaint: [no]}", "the unquoted no (line 6) as a boolean (False)"),
        ("types:\n      ticket:\n        - on", "the unquoted on (line 8) as a boolean (True)"),
        ("columns: {customer_id: 7}", "the unquoted 7 (line 6) as a number (7)"),
    ],
)
def test_a_bare_boolean_or_number_where_text_is_wanted_says_to_quote_it(tmp_path, written, said):
    """`types: {complaint: [True]}` said only pydantic's "Input should be a valid string":
    the key, what YAML read, and the remedy, the value quoted as written."""
    text = "name: t\ndata:\n  transactions: {path: t.csv}\n  interactions:\n    path: i.csv\n"
    text += f"    {written}\n"
    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, text))
    message = str(err.value)
    assert f"YAML read {said}, not text: quote it" in message
    assert "valid string" not in message
    spelling = said.split()[2]
    assert f'quote it, "{spelling}"' in message
    place = "columns.customer_id" if "columns" in written else "types."
    assert f"data.interactions.{place}" in message


def test_bare_attribute_names_say_to_quote_them_and_numbers_in_types_stay_accepted(tmp_path):
    """A list read as a mapping's keys names the list, not pydantic's '1.[key]'; a
    review score `types: {complaint: [1]}` is text as the file writes it, no error."""
    text = "name: t\ndata:\n  customers: {path: c.csv, attributes: [region, yes]}\n"
    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, text))
    assert str(err.value).endswith(
        "data.customers.attributes: YAML read the unquoted yes (line 3) as a boolean (True), "
        'not text: quote it, "yes"'
    )
    scores = "name: t\ndata:\n  transactions: {path: t.csv}\n"
    scores += "  interactions: {path: i.csv, types: {complaint: [1, 2.0]}}\n"
    assert load_config(_write(tmp_path, scores)).data.interactions.types == {
        "complaint": ["1", "2"]
    }


@pytest.mark.parametrize(
    ("label", "said"),
    [
        ({"positive": 1, "negative": [1.0]}, "the positive value 1 is also listed as negative"),
        (
            {"positive": "1", "unlabelled": [1]},
            "the positive value '1' is also listed as unlabelled",
        ),
        (
            {"positive": "Yes", "negative": ["No"], "unlabelled": ["no "]},
            "listed as both negative and unlabelled: No",
        ),
    ],
)
def test_a_label_value_listed_twice_is_an_error_however_it_is_spelt(label, said):
    """The loader reads 1, 1.0 and '1' as one value, and text in any case."""
    with pytest.raises(ValueError, match=re.escape(said)):
        LabelSpec(column="result", **label)


def test_a_lookup_keyed_on_several_columns_says_it_is_not_supported_and_what_to_do(tmp_path):
    """OULAD's students are keyed by id, module and presentation together: the message
    had been pydantic's 'Input should be a valid string'."""
    raw = {
        "name": "keys",
        "data": {
            "customers": {
                "path": "c.csv",
                "lookup": {"path": "r.csv", "on": ["id_student", "code_module"], "columns": ["x"]},
            }
        },
    }
    path = tmp_path / "churn.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match="a key of several columns \\(id_student, code_module\\)"):
        load_config(path)
