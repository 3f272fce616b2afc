"""A ``--partner`` id the portfolio does not hold is an unknown value: exit 2, one message."""

from __future__ import annotations

from pathlib import Path

import pytest

from .won_deals import run, won_deals


def test_record_with_an_unknown_partner_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = won_deals(tmp_path / "src", [50.0, 30.0])
    ledger = tmp_path / "ledger" / "l.sqlite"
    base = ["decisions", "record", "--ledger", str(ledger), "--decision", "keep"]
    base += ["--rationale", "r", "--who", "ana", str(source)]
    code, _, err = run(capsys, *base, "--partner", "NOPE")
    assert code == 2
    assert "Traceback" not in err
    assert "partner 'NOPE' is not in the portfolio at" in err
    assert not ledger.exists()
    facts = tmp_path / "facts"
    assert run(capsys, "facts", str(source), "--out", str(facts))[0] == 0
    code, _, err = run(capsys, *base[:-1], str(facts), "--partner", "NOPE")
    assert code == 2
    assert "partner 'NOPE' is not in the portfolio at" in err
    assert not ledger.exists()
    assert run(capsys, *base, "--partner", "P00")[0] == 0  # a known one is recorded


def test_history_of_a_partner_without_decisions_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from partnerkit.decisions.ledger import Ledger  # noqa: PLC0415

    ledger = tmp_path / "l.sqlite"
    Ledger(ledger).close()
    code, out, _ = run(capsys, "decisions", "history", "--ledger", str(ledger), "--partner", "P9")
    assert code == 0
    assert out == f"no decisions recorded for partner 'P9' in {ledger}\n"
