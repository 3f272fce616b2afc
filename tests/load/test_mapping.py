import re

import polars as pl
import pytest

from partnerkit.load.mapping import apply_values, plan_columns, read_mapping_file


def test_user_mapping_wins_over_preset_and_names():
    plan = plan_columns(
        "deals",
        ["Id", "Opportunity ID", "Partner ID", "Amt"],
        user={"Opportunity ID": "deal_id", "Amt": "amount"},
        known={"deal_id": ("Id",)},
    )
    assert plan.renamed == (
        ("Opportunity ID", "deal_id"),
        ("Partner ID", "partner_id"),  # matched by its normalised name
        ("Amt", "amount"),
    )
    assert plan.ignored == ("Id",)
    assert plan.source_of("amount") == "Amt"


def test_first_known_alias_present_wins():
    plan = plan_columns(
        "deals", ["Close Date", "CloseDate"], known={"closed_on": ("CloseDate", "Close Date")}
    )
    assert plan.renamed == (("CloseDate", "closed_on"),)
    assert plan.ignored == ("Close Date",)


def test_empty_target_ignores_a_column():
    plan = plan_columns("deals", ["amount", "currency"], user={"currency": ""})
    assert plan.targets == ("amount",)
    assert plan.ignored == ("currency",)
    assert plan.notes == ()


def test_mapping_problems_suggest_names():
    plan = plan_columns("deals", ["Amount", "Stage"], user={"Amuont": "amount", "Stage": "outcom"})
    assert [(p.column, p.rule) for p in plan.problems] == [
        ("Amuont", "unknown_mapping"),
        ("Stage", "unknown_mapping"),
    ]
    assert "did you mean 'Amount'?" in plan.problems[0].message
    assert "did you mean 'outcome'?" in plan.problems[1].message


def test_two_sources_for_one_column():
    plan = plan_columns("deals", ["a", "b"], user={"a": "amount", "b": "amount"})
    assert [p.rule for p in plan.problems] == ["duplicate_column"]
    # A header repeated in the file (polars suffixes the second copy) is also reported.
    plan = plan_columns("deals", ["amount", "amount_duplicated_0"])
    assert [p.rule for p in plan.problems] == ["duplicate_column"]


def test_near_miss_columns_get_a_hint():
    plan = plan_columns("partners", ["partner_id", "name", "teir", "notes"])
    assert plan.ignored == ("teir", "notes")
    assert plan.notes == (
        "ignored column 'teir': did you mean 'tier'? (pass mapping={'partners': {'teir': 'tier'}})",
    )


def values_of(table, column, data, maps):
    lf = pl.LazyFrame({column: data}, schema={column: pl.String})
    return apply_values(lf, table=table, present=[column], maps=maps).collect()[column].to_list()


def test_values_any_other_keeps_canonical_values():
    stages = {"deals": {"outcome": {"Closed Won": "won", "closed lost": "lost", "*": "open"}}}
    got = values_of(
        "deals",
        "outcome",
        ["CLOSED WON", " Closed  Lost ", "Prospecting", "won", "Lost", None, ""],
        [stages],
    )
    assert got == ["won", "lost", "open", "won", "lost", None, None]


def test_later_maps_win_and_labels_normalise():
    preset = {"deals": {"outcome": {"Signed": "won"}}}
    user = {"deals": {"outcome": {"Signed": "lost"}}}
    assert values_of("deals", "outcome", ["signed"], [preset, user]) == ["lost"]
    kinds = ["Joint Marketing", "co-sell", "CoSell", "EXEC_MEETING", "qbr", "webinar"]
    assert values_of("activities", "kind", kinds, []) == [
        "joint_marketing",
        "cosell",
        "cosell",
        "exec_meeting",
        "qbr",
        "webinar",
    ]
    assert values_of("partners", "tier", [" Gold ", "PLATINUM"], []) == ["gold", "platinum"]
    # Free-text columns are trimmed by the parser but not relabelled.
    assert values_of("partners", "name", [" Acme Inc "], []) == [" Acme Inc "]


def test_values_on_non_label_columns():
    maps = [{"deals": {"currency": {"US Dollar": "USD"}, "partner_id": {"acme": "P1"}}}]
    assert values_of("deals", "currency", ["us dollar", "EUR"], maps) == ["USD", "EUR"]
    assert values_of("deals", "partner_id", ["ACME", "P2"], maps) == ["P1", "P2"]


def test_mapping_file(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text(
        'preset = ["salesforce", "crossbeam"]\ncurrency = "EUR"\n'
        '[files]\ndeals = "Opps.csv"\n'
        '[columns.deals]\n"Reseller__c" = "partner_id"\n"Junk" = ""\n'
        '[values.deals.outcome]\n"Signed" = "won"\n"*" = "open"\n',
        encoding="utf-8",
    )
    spec = read_mapping_file(path)
    assert spec.preset == ("salesforce", "crossbeam")
    assert spec.currency == "EUR"
    assert spec.files == {"deals": "Opps.csv"}
    assert spec.columns == {"deals": {"Reseller__c": "partner_id", "Junk": ""}}
    assert spec.values == {"deals": {"outcome": {"Signed": "won", "*": "open"}}}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("colums = {}\n", "unknown keys"),
        ('[columns]\ndeals = "x"\n', "[columns] must be a table"),
        ("[values.deals.outcome]\nwon = 1\n", "entries must be strings"),
        ("currency = 3\n", "currency must be a string"),
    ],
)
def test_mapping_file_errors(tmp_path, text, words):
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(words)):
        read_mapping_file(path)


def test_a_value_map_target_outside_the_allowed_values_names_its_line(tmp_path):
    """A typo in a target ("win") is named where it was written, not blamed on the label."""
    path = tmp_path / "map.toml"
    path.write_text('[values.deals.outcome]\n"Won - Signed" = "win"\n"*" = "open"\n')
    with pytest.raises(ValueError, match=r'\[values\.deals\.outcome\] "Won - Signed" = "win"'):
        read_mapping_file(path)
    path.write_text('[values.deals.outcome]\n"Won - Signed" = "won"\n"*" = "open"\n')
    assert read_mapping_file(path).values == {
        "deals": {"outcome": {"Won - Signed": "won", "*": "open"}}
    }
