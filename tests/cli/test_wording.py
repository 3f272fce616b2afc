"""What the commands print: partner names in the ledger's tables, counts written with
thousands separators (``formatting.count``), grammar that agrees with the options named,
and a summary that says plainly when no partner is in the denominator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from partnerkit.cli import main
from partnerkit.decisions.ledger import Ledger
from partnerkit.policy import Policy


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """1,200 partners; one won deal and 1,500 open deals expected to close before it."""
    ids = [f"P{i:04d}" for i in range(1200)]
    partners = "partner_id,name\n" + "".join(f"{p},Name {p}\n" for p in ids)
    (tmp_path / "partners.csv").write_text(partners, encoding="utf-8")
    deals = [
        "deal_id,partner_id,created_on,closed_on,outcome,amount",
        "W,P0000,2024-01-10,2024-03-03,won,1000",
    ]
    deals += [f"O{i},{ids[i % 1200]},2024-01-02,2024-02-01,open,10" for i in range(1500)]
    (tmp_path / "deals.csv").write_text("\n".join(deals) + "\n", encoding="utf-8")
    return tmp_path


def test_counts_have_thousands_separators(many: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(many))
    assert code == 0, out + err
    assert "note: 1,500 open deal(s) past the expected close date" in out
    code, out, err = run(capsys, "analyze", str(many))
    assert code == 0, err
    assert "partners: 1,200 listed, 1,200 counted, 1,200 in the denominator" in out


def test_no_partner_in_the_denominator_is_said_plainly(
    flat: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "analyze", str(flat), "--as-of", "2010-12-31")
    assert code == 0, err
    assert "no partner in the denominator (active) to share it" in out
    assert "n/a of partners" not in out


def test_the_options_named_agree_with_their_verb(
    flat: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    duckdb = ["analyze", str(flat), "--engine", "duckdb"]
    assert "--preset belongs to the polars" in run(capsys, *duckdb, "--preset", "hubspot")[2]
    two = run(capsys, *duckdb, "--preset", "hubspot", "--quarantine")[2]
    assert "--preset and --quarantine belong to the polars" in two
    folder = flat / "facts"
    assert run(capsys, "facts", str(flat), "--out", str(folder))[0] == 0
    code, _, err = run(capsys, "analyze", str(folder), "--engine", "duckdb")
    assert code == 2
    assert "--engine does not apply to it" in err
    err = run(capsys, "analyze", str(folder), "--quarantine", "--sheet", "1", "--engine", "duckdb")[
        2
    ]
    assert "--sheet, --quarantine and --engine do not apply to it" in err


def test_list_and_history_show_the_partner_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "l.sqlite"
    day = dt.date(2025, 6, 30)
    with Ledger(ledger) as book:
        book.record("p1", "keep", "strong", who="ana", as_of=day, policy=Policy(),
                    metrics={"name": "Acme Cloud", "won_revenue": 1.0})  # fmt: skip
        book.record("p2", "exit", "gone", who="ana", as_of=day, policy=Policy(), metrics={})
    for action in ("list", "history"):
        code, out, _ = run(capsys, "decisions", action, "--ledger", str(ledger))
        assert code == 0
        header, _, first, second = out.splitlines()[:4]
        assert header.split("|")[1:4] == [" id ", " partner_id ", " name       "]
        assert "| p1         | Acme Cloud | keep " in first
        assert "| p2         |            | exit " in second  # a snapshot without a name
    one = tmp_path / "one.sqlite"
    with Ledger(one) as book:
        book.record("p1", "keep", "strong", who="ana", as_of=day, policy=Policy(), metrics={})
    out_file = tmp_path / "one.csv"
    code, out, _ = run(capsys, "decisions", "export", "--ledger", str(one), "--out", str(out_file))
    assert code == 0
    assert out == f"wrote 1 decision to {out_file}\n"
