"""A ``--partner`` id the portfolio does not hold is an unknown value: exit 2, one message."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerkit.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _portfolio(folder: Path, values: list[float], *, currency: str | None = None) -> Path:
    """Partners P00..Pnn, each with one deal won on 2024-03-01 (a lost one for a zero).

    Every deal is created on 2024-01-10, within active_days of the as_of (2024-03-01), so
    every partner is active and in the default denominator.
    """
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"P{i:02d}" for i in range(len(values))]
    (folder / "partners.csv").write_text(
        "partner_id,name\n" + "".join(f"{i},Name {i}\n" for i in ids), encoding="utf-8"
    )
    head = "deal_id,partner_id,created_on,closed_on,outcome,amount"
    rows = [
        f"D{k},{pid},2024-01-10,2024-03-01,{'won' if v else 'lost'},{v or 100}"
        for k, (pid, v) in enumerate(zip(ids, values, strict=True))
    ]
    if currency is not None:
        head += ",currency"
        rows = [f"{row},{currency}" for row in rows]
    (folder / "deals.csv").write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    return folder


def test_record_with_an_unknown_partner_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _portfolio(tmp_path / "src", [50.0, 30.0])
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
