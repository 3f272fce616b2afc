from pathlib import Path

import pytest

from partnerkit.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures"


def test_valid_portfolio_exits_zero(capsys):
    assert main(["validate", str(FIXTURES / "crm" / "canonical")]) == 0
    out = capsys.readouterr().out
    assert "deals  (deals.csv: 8 rows)" in out
    assert "  supplied: partner_id, name, type, tier" in out
    assert "overlaps  (overlaps.csv: 5 rows)" in out
    assert "No problems: the portfolio is valid." in out


def test_problems_exit_one(capsys):
    assert main(["validate", str(FIXTURES / "broken" / "three_problems")]) == 1
    out = capsys.readouterr().out
    assert "3 problems:" in out
    assert "deals.amount [negative] 1 row in deals.csv" in out
    assert "     line 5 (id D4): '-2500'" in out


def test_quarantine_flag(capsys):
    assert main(["validate", str(FIXTURES / "broken" / "three_problems"), "--quarantine"]) == 0
    assert "Set aside (quarantine): 3 rows (3 rule breaks)" in capsys.readouterr().out


def test_preset_and_currency(capsys):
    code = main(
        ["validate", str(FIXTURES / "crm" / "hubspot"), "--preset", "hubspot", "--currency", "EUR"]
    )
    assert code == 0
    assert "renamed:  'Record ID' -> partner_id" in capsys.readouterr().out


def test_mapping_file(tmp_path, capsys):
    src = FIXTURES / "crm" / "salesforce_report"
    for f in src.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        'preset = "salesforce"\n'
        '[files]\npartners = "partner accounts report.csv"\n'
        'deals = "opportunities report.csv"\n'
        '[columns.deals]\n"Opportunity Owner" = ""\n'
        '[values.deals.outcome]\n"Closed - Disqualified" = "lost"\n',
        encoding="utf-8",
    )
    assert main(["validate", str(tmp_path), "--mapping", str(mapping)]) == 0
    out = capsys.readouterr().out
    assert "report footer: 'Grand Totals (8 records)'" in out
    assert "No problems" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["validate", "no/such/folder"], "is not a folder"),
        (
            ["validate", str(FIXTURES / "crm" / "canonical"), "--preset", "hubspt"],
            "did you mean 'hubspot'",
        ),
        (
            ["validate", str(FIXTURES / "crm" / "canonical"), "--mapping", "missing.toml"],
            "cannot read mapping file",
        ),
    ],
)
def test_usage_errors_exit_two(args, words, capsys):
    assert main(args) == 2
    assert words in capsys.readouterr().err


def test_bad_toml_exits_two(tmp_path, capsys):
    bad = tmp_path / "m.toml"
    bad.write_text("this is = = not toml", encoding="utf-8")
    assert main(["validate", str(FIXTURES / "crm" / "canonical"), "--mapping", str(bad)]) == 2
    assert "cannot read mapping file" in capsys.readouterr().err


def test_missing_argument_is_a_usage_error(capsys):
    assert main(["validate"]) == 2
    assert "Missing argument 'SOURCE'" in capsys.readouterr().err


def test_analyze_reads_crm_exports_through_a_preset(capsys):
    # the HubSpot export and its hand-made canonical twin give the same summary
    assert main(["analyze", str(FIXTURES / "crm" / "canonical_hubspot")]) == 0
    canonical = capsys.readouterr().out
    hubspot = FIXTURES / "crm" / "hubspot"
    assert main(["analyze", str(hubspot), "--preset", "hubspot"]) == 0
    through_preset = capsys.readouterr().out
    assert "vital few:" in canonical
    assert through_preset == canonical
    # without the preset the export's columns are unknown: the portfolio is invalid
    assert main(["analyze", str(hubspot)]) == 1


@pytest.mark.parametrize("command", ["analyze", "report"])
def test_source_options_usage_errors(command, tmp_path, capsys):
    args = [command, str(FIXTURES / "crm" / "canonical"), "--mapping", "missing.toml"]
    if command == "report":
        args += ["--out", str(tmp_path / "out")]
    assert main(args) == 2
    assert "cannot read mapping file" in capsys.readouterr().err
