"""Export decisions and their history to CSV, Parquet or Excel, safely.

The files are written by :func:`partnerkit.io.export_frame`: atomically, and with every text
cell a spreadsheet could run as a formula neutralised (Parquet keeps the text exactly).
History is exported in the order it was recorded; nothing is dropped or re-sorted.

Decisions are exported for people in CSV and Excel (:func:`decision_table`): the partner's
name, what was recommended beside what was decided, the reasons as sentences and the key
figures the decision was made on -- read from the metrics snapshot stored with each
decision -- instead of the raw JSON snapshot. Parquet keeps the ledger rows exactly (the
archive, snapshot included).

Examples
--------
>>> DECISION_COLUMNS[4:8]
('name', 'recommended', 'decided', 'follows_recommendation')
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from partnerkit.decisions.ledger import Ledger
from partnerkit.decisions.recommend import REASONS
from partnerkit.io import export_frame, format_of

__all__ = [
    "DECISION_COLUMNS",
    "SNAPSHOT_FIGURES",
    "decision_table",
    "export_decisions",
]

SNAPSHOT_FIGURES: tuple[str, ...] = ("won_revenue", "open_pipeline", "investment", "health")
"""Figures of the metrics snapshot shown beside each decision (as they were when decided)."""

DECISION_COLUMNS: tuple[str, ...] = (
    "id",
    "recorded_at",
    "as_of",
    "partner_id",
    "name",
    "recommended",
    "decided",
    "follows_recommendation",
    "rationale",
    "who",
    "reasons",
    "explanation",
    "state",
    *SNAPSHOT_FIGURES,
    "policy_hash",
)
"""Columns of :func:`decision_table`, in order."""

_SENTENCES = {r.code: r.meaning for r in REASONS}


def _reasons_text(codes: object) -> str | None:
    if not isinstance(codes, list) or not codes:
        return None
    return " ".join(_SENTENCES.get(str(c), str(c)) for c in codes)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def decision_table(
    decisions: pl.DataFrame, /, *, names: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Turn ledger rows into a table for people: names, recommended vs decided, reasons.

    Reads each decision's metrics snapshot (the JSON ``metrics`` column): the partner's
    ``name``, the ``recommendation`` made then (``recommended``), its ``reasons`` codes as
    the sentences of :data:`~partnerkit.decisions.recommend.REASONS`, its ``explanation``,
    ``state`` and :data:`SNAPSHOT_FIGURES`. ``follows_recommendation`` is true when the
    decision is the one recommended (null when nothing was recommended). A name missing from
    a snapshot is taken from ``names`` (``partner_id``, ``name``; e.g. the scorecard) when
    given. Rows keep their order.

    Requires columns: those of :meth:`Ledger.history`
    (:data:`~partnerkit.decisions.ledger.FRAME_SCHEMA`).
    Returns :data:`DECISION_COLUMNS`.

    Examples
    --------
    >>> import datetime as dt
    >>> rows = pl.DataFrame({"id": [1], "partner_id": ["p1"], "decision": ["watch"],
    ...     "rationale": ["Fading."], "who": ["ana"],
    ...     "recorded_at": [dt.datetime(2025, 7, 1, tzinfo=dt.UTC)],
    ...     "as_of": [dt.date(2025, 6, 30)], "policy_hash": ["abc"],
    ...     "metrics": ['{"name": "Acme", "recommendation": "exit", "reasons": ["LOW_HEALTH"]}']})
    >>> row = decision_table(rows).row(0, named=True)
    >>> row["name"], row["recommended"], row["decided"], row["follows_recommendation"]
    ('Acme', 'exit', 'watch', False)
    >>> row["reasons"]
    'Health score low enough to consider an exit.'
    """
    snaps = [json.loads(m) if m else {} for m in decisions["metrics"].to_list()]
    lookup: dict[str, str] = {}
    if names is not None and "name" in names.columns:
        lookup = {
            str(k): str(v)
            for k, v in names.select("partner_id", "name").iter_rows()
            if v is not None
        }
    ids = decisions["partner_id"].to_list()

    def text(snap: dict[str, object], key: str) -> str | None:
        value = snap.get(key)
        return None if value is None else str(value)

    extra = pl.DataFrame(
        {
            "name": [text(s, "name") or lookup.get(pid) for s, pid in zip(snaps, ids, strict=True)],
            "recommended": [text(s, "recommendation") for s in snaps],
            "reasons": [_reasons_text(s.get("reasons")) for s in snaps],
            "explanation": [text(s, "explanation") for s in snaps],
            "state": [text(s, "state") for s in snaps],
            **{f: [_number(s.get(f)) for s in snaps] for f in SNAPSHOT_FIGURES},
        },
        schema={
            "name": pl.String,
            "recommended": pl.String,
            "reasons": pl.String,
            "explanation": pl.String,
            "state": pl.String,
            **dict.fromkeys(SNAPSHOT_FIGURES, pl.Float64),
        },
    )
    return (
        pl.concat([decisions.drop("metrics"), extra], how="horizontal")
        .rename({"decision": "decided"})
        .with_columns(
            follows_recommendation=pl.when(pl.col("recommended").is_not_null()).then(
                pl.col("recommended") == pl.col("decided")
            )
        )
        .select(DECISION_COLUMNS)
    )


def export_decisions(
    ledger: Ledger,
    path: str | Path,
    *,
    history: bool = False,
    names: pl.DataFrame | None = None,
) -> Path:
    """Export the current decision per partner, or with ``history`` every decision in order.

    The format follows the suffix of ``path`` (see :func:`partnerkit.io.export_frame`). CSV
    and Excel get :func:`decision_table` (names, recommended vs decided, reasons as
    sentences, the figures decided on; ``names`` fills names missing from old snapshots);
    Parquet gets the ledger rows exactly, JSON snapshot included.

    Examples
    --------
    >>> import datetime as dt, tempfile, pathlib
    >>> from partnerkit.policy import Policy
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with Ledger(folder / "ledger.sqlite") as ledger:
    ...     _ = ledger.record("p1", "keep", "+ strong", who="ana", as_of=dt.date(2025, 6, 30),
    ...                       policy=Policy(), metrics={})
    ...     out = export_decisions(ledger, folder / "history.csv", history=True)
    >>> pl.read_csv(out)["rationale"].to_list()
    ["'+ strong"]
    """
    frame = ledger.history() if history else ledger.current()
    if format_of(path) != "parquet":
        frame = decision_table(frame, names=names)
    return export_frame(frame, path, sheet="history" if history else "current")
