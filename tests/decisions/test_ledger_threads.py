"""A ledger opened in one thread is used from others (widget callbacks in a kernel)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from partnerkit.decisions import Ledger
from partnerkit.policy import Policy


def _record(ledger: Ledger, partner: str, n: int) -> None:
    for i in range(n):
        ledger.record_many(
            [
                {"partner_id": partner, "decision": "watch", "rationale": f"{partner} {i}a"},
                {"partner_id": partner, "decision": "keep", "rationale": f"{partner} {i}b"},
            ],
            who="ana",
            as_of=dt.date(2025, 6, 30),
            policy=Policy(),
        )


def test_record_and_read_from_other_threads(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as ledger:
        errors: list[BaseException] = []

        def work(partner: str) -> None:
            try:
                _record(ledger, partner, 15)
                ledger.current()
                ledger.history(partner)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(f"p{k}",)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        history = ledger.history()
        assert len(ledger) == history.height == 4 * 15 * 2
        assert history["id"].to_list() == list(range(1, 121))
        # each bulk pair stayed together: a transaction is never split by another thread
        pairs = history["rationale"].str.head(-1).to_list()
        assert all(pairs[i] == pairs[i + 1] for i in range(0, 120, 2))
        assert ledger.current()["decision"].to_list() == ["keep"] * 4
