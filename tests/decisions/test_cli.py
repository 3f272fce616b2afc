"""``partnerkit decisions``: list, history, record (analysis stubbed), export."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from partnerkit.cli import decisions as cli
from partnerkit.cli import main
from partnerkit.decisions.ledger import Ledger
from partnerkit.policy import Policy


def run(*argv: str) -> int:
    return main(["decisions", *argv])


@pytest.fixture
def stub(monkeypatch):
    """Stand in for the analysis: one known partner, as_of 2025-06-30."""
    calls = []

    def snapshot(source, partner_id, *, as_of, policy, reading=None):
        calls.append((source, partner_id, as_of, policy, reading))
        if partner_id != "p1":
            raise cli.UnknownPartnerError(partner_id, source)
        return as_of or dt.date(2025, 6, 30), {"won_revenue": 1200.0, "reasons": ["DORMANT"]}

    monkeypatch.setattr(cli, "snapshot", snapshot)
    return calls


def test_record_list_history_export(tmp_path, stub, capsys):
    ledger = tmp_path / "l.sqlite"
    base = ["--ledger", str(ledger)]
    args = ["--partner", "p1", "--who", "ana", str(tmp_path)]
    assert run("record", *base, "--decision", "watch", "--rationale", "fading", *args) == 0
    assert run("record", *base, "--decision", "exit", "--rationale", "=gone", *args) == 0
    out = capsys.readouterr().out
    assert "recorded decision 2: p1 -> exit (as of 2025-06-30" in out
    assert stub[0][2] is None
    assert stub[0][3] == Policy()

    with Ledger(ledger) as led:
        history = led.history()
    assert history["decision"].to_list() == ["watch", "exit"]
    assert json.loads(history["metrics"][0]) == {"reasons": ["DORMANT"], "won_revenue": 1200.0}
    assert history["policy_hash"].to_list() == [Policy().fingerprint()] * 2

    assert run("list", *base) == 0
    listed = capsys.readouterr().out
    assert "| exit" in listed
    assert "watch" not in listed
    assert run("history", *base, "--partner", "p1") == 0
    assert "watch" in capsys.readouterr().out

    out_file = tmp_path / "h.csv"
    assert run("export", *base, "--out", str(out_file), "--history") == 0
    assert "wrote 2 decisions" in capsys.readouterr().out
    back = pl.read_csv(out_file)
    assert back["rationale"].to_list() == ["fading", "'=gone"]


def test_record_with_as_of_and_policy_file(tmp_path, stub):
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text("[recommendations]\nmax_keep = 7\n")
    code = run(
        "record",
        "--ledger",
        str(tmp_path / "l.sqlite"),
        "--partner",
        "p1",
        "--decision",
        "keep",
        "--rationale",
        "r",
        "--who",
        "bo",
        "--as-of",
        "2025-03-31",
        "--policy",
        str(policy_file),
        str(tmp_path),
    )
    assert code == 0
    assert stub[0][2] == dt.date(2025, 3, 31)
    assert stub[0][3].max_keep == 7
    with Ledger(tmp_path / "l.sqlite") as led:
        row = led.history().row(0, named=True)
    assert row["as_of"] == dt.date(2025, 3, 31)
    assert row["policy_hash"] == stub[0][3].fingerprint()


def test_errors_exit_with_a_code_and_a_message(tmp_path, stub, capsys):
    missing = tmp_path / "none.sqlite"
    assert run("list", "--ledger", str(missing)) == 2  # a missing input: a usage error
    assert "no decision ledger" in capsys.readouterr().err
    assert not missing.exists()
    code = run(
        "record", "--ledger", str(missing), "--partner", "zz", "--decision", "keep",
        "--rationale", "r", "--who", "w", str(tmp_path),
    )  # fmt: skip
    assert code == 2  # an unknown value: a usage error
    assert "'zz' is not in the portfolio" in capsys.readouterr().err
    assert not missing.exists()
    foreign = tmp_path / "foreign.sqlite"
    foreign.write_bytes(b"not a database at all" * 10)
    assert run("history", "--ledger", str(foreign)) == 1
    assert "not an SQLite file" in capsys.readouterr().err
    Ledger(tmp_path / "empty.sqlite").close()
    assert run("list", "--ledger", str(tmp_path / "empty.sqlite")) == 0
    assert "no decisions recorded" in capsys.readouterr().out
    code = run("export", "--ledger", str(tmp_path / "empty.sqlite"), "--out", "x.json")
    assert code == 2  # a usage error
    assert "export format" in capsys.readouterr().err


def test_bad_decision_is_a_usage_error(tmp_path, capsys):
    code = run(
        "record", "--partner", "p", "--decision", "fire", "--rationale", "r", "--who", "w", "s"
    )
    assert code == 2
    assert "'fire' is not one of" in capsys.readouterr().err


def test_record_reads_a_crm_export_with_its_preset(tmp_path, capsys):
    """``record`` takes the reading options of ``analyze``: a HubSpot export, as it comes."""
    from pathlib import Path  # noqa: PLC0415

    exports = Path(__file__).parents[1] / "fixtures" / "crm" / "hubspot"
    ledger = tmp_path / "l.sqlite"
    from partnerkit.load.read import read_portfolio  # noqa: PLC0415

    partner = read_portfolio(exports, preset="hubspot").partners.collect()["partner_id"][0]
    argv = ["--ledger", str(ledger), "--partner", partner, "--decision", "watch"]
    argv += ["--rationale", "new", "--who", "ana", str(exports)]
    assert run("record", *argv) == 1  # without its preset the folder holds no canonical table
    assert "pass --preset hubspot" in capsys.readouterr().err
    assert run("record", *argv, "--preset", "hubspot") == 0
    assert f"recorded decision 1: {partner} -> watch" in capsys.readouterr().out
    with Ledger(ledger) as book:
        assert book.current()["partner_id"].to_list() == [partner]
