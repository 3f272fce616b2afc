"""Small portfolios of won deals for the command-line tests, and a runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerkit.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def won_deals(folder: Path, values: list[float], *, currency: str | None = None) -> Path:
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
