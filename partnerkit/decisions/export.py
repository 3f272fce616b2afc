"""Export decisions, their history or any frame to CSV, Parquet or Excel, safely.

Two promises:

* **No formulas from partner-supplied text.** In CSV and Excel files every text cell that
  starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a single quote
  ``'`` in front (the OWASP convention against CSV / formula injection), and Excel text is
  written as text cells (``write_string``), never as formulas. Numbers, dates and booleans
  keep their types: ``-1.5`` in a number column stays a number. Parquet is a typed data
  format that spreadsheets do not evaluate, so it keeps the text exactly.
* **No half-written files.** Each export is written to a temporary file in the target
  folder, flushed to disk and renamed over the target in one step (:func:`os.replace`): a
  crash leaves either the old file or the new one, never a mix.

History is exported in the order it was recorded; nothing is dropped or re-sorted.

Decisions are exported for people in CSV and Excel (:func:`decision_table`): the partner's
name, what was recommended beside what was decided, the reasons as sentences and the key
figures the decision was made on -- read from the metrics snapshot stored with each
decision -- instead of the raw JSON snapshot. Parquet keeps the ledger rows exactly (the
archive, snapshot included).

Examples
--------
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "names.csv"
>>> frame = pl.DataFrame({"name": ["=1+1", "Acme"], "amount": [-5.0, 7.0]})
>>> export_frame(frame, out).name
'names.csv'
>>> pl.read_csv(out).rows()
[("'=1+1", -5.0), ('Acme', 7.0)]
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl

from partnerkit.decisions.ledger import Ledger
from partnerkit.decisions.recommend import REASONS

__all__ = [
    "DECISION_COLUMNS",
    "FORMATS",
    "FORMULA_PREFIXES",
    "SNAPSHOT_FIGURES",
    "decision_table",
    "export_decisions",
    "export_frame",
    "neutralise",
]

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet read a text cell as a formula."""

FORMATS: tuple[str, ...] = ("csv", "parquet", "xlsx")
"""Export formats, chosen by the file suffix."""

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

_MONEY_SUFFIXES = ("revenue", "pipeline", "investment", "amount")
_EXCEL_MAX_ROWS = 1_048_576
_EXCEL_MAX_COLS = 16_384
_EXCEL_MAX_TEXT = 32_767
_WIDTH = (8, 60)


def _escape(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _text_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Turn nested and categorical columns into text, for formats that hold only cells."""
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.Array):
            col = col.arr.to_list()
        if isinstance(dtype, pl.List | pl.Array):
            exprs.append(col.list.eval(pl.element().cast(pl.String)).list.join("; "))
        elif isinstance(dtype, pl.Struct):
            exprs.append(col.struct.json_encode())
        elif isinstance(dtype, pl.Categorical | pl.Enum | pl.Duration | pl.Time | pl.Decimal):
            exprs.append(col.cast(pl.String))
        elif isinstance(dtype, pl.Binary | pl.Object):
            raise TypeError(f"column {name!r} of type {dtype} cannot be exported to a sheet")
    return frame.with_columns(exprs) if exprs else frame


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix ``'`` to every text cell (and column name) that a spreadsheet could run.

    Text cells starting with one of :data:`FORMULA_PREFIXES` get a leading single quote;
    list and struct columns are first written out as text. Numbers, dates and booleans are
    left as they are.

    Requires columns: none (all ``String`` columns are checked).

    Examples
    --------
    >>> neutralise(pl.DataFrame({"name": ["=SUM(A1)", "Acme", "-x"], "n": [-1, 2, 3]})).rows()
    [("'=SUM(A1)", -1), ('Acme', 2), ("'-x", 3)]
    """
    frame = _text_columns(frame)
    pattern = "^[" + "".join("\\" + c if c in "-\\^]" else c for c in FORMULA_PREFIXES) + "]"
    frame = frame.with_columns(
        pl.when(pl.col(name).str.contains(pattern))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )
    return frame.rename({c: _escape(c) for c in frame.columns if _escape(c) != c})


# ---- writing ------------------------------------------------------------------------------


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success move it over ``path`` at once."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        tmp.chmod(mode)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _is_money(name: str, dtype: pl.DataType, money: Iterable[str] | None) -> bool:
    if money is not None:
        return name in set(money)
    return dtype.is_numeric() and name.endswith(_MONEY_SUFFIXES)


def _widths(frame: pl.DataFrame, money: set[str]) -> list[int]:
    lengths = (
        frame.select(
            pl.col(c).cast(pl.String).str.len_chars().max().fill_null(0) for c in frame.columns
        ).row(0)
        if frame.height
        else (0,) * frame.width
    )
    widths = []
    for name, length in zip(frame.columns, lengths, strict=True):
        chars = int(length) + (int(length) // 3 if name in money else 0)  # separators
        widths.append(min(max(len(name) + 3, chars + 2, _WIDTH[0]), _WIDTH[1]))
    return widths


def _write_xlsx(
    frame: pl.DataFrame, path: Path, *, sheet: str, money: Iterable[str] | None
) -> None:
    import xlsxwriter  # noqa: PLC0415  (only needed for Excel)

    if frame.height + 1 > _EXCEL_MAX_ROWS or frame.width > _EXCEL_MAX_COLS:
        raise ValueError(
            f"{frame.height} rows x {frame.width} columns do not fit in one Excel sheet; "
            "export to CSV or Parquet instead"
        )
    frame = neutralise(frame)
    frame = frame.with_columns(
        # Excel has no time zones: show the UTC wall-clock time.
        pl.col(name).dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None
    )
    money_cols = {name for name, dtype in frame.schema.items() if _is_money(name, dtype, money)}
    book = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": True,
        },
    )
    try:
        ws = book.add_worksheet(sheet)
        header = book.add_format(
            {
                "bold": True,
                "bg_color": "#1F3A5F",
                "font_color": "#FFFFFF",
                "border": 1,
                "text_wrap": True,
                "valign": "top",
            }
        )
        formats: dict[str, Any] = {
            "money": book.add_format({"num_format": "#,##0.00"}),
            "int": book.add_format({"num_format": "#,##0"}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        }
        for j, (name, width) in enumerate(
            zip(frame.columns, _widths(frame, money_cols), strict=True)
        ):
            ws.write_string(0, j, name, header)
            ws.set_column(j, j, width)
        for j, (name, dtype) in enumerate(frame.schema.items()):
            _write_column(ws, j, frame[name], dtype, formats, money=name in money_cols)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, frame.height, max(frame.width - 1, 0))
    finally:
        book.close()


def _write_column(
    ws: Any,  # noqa: ANN401  (xlsxwriter has no type hints)
    j: int,
    values: pl.Series,
    dtype: pl.DataType,
    formats: dict[str, Any],
    *,
    money: bool,
) -> None:
    if dtype == pl.String:
        for i, v in enumerate(values, start=1):
            if v is not None and ws.write_string(i, j, v) == -2:
                raise ValueError(f"text in column {values.name!r} row {i} exceeds Excel's limit")
    elif dtype == pl.Boolean:
        for i, v in enumerate(values, start=1):
            if v is not None:
                ws.write_boolean(i, j, v)
    elif dtype == pl.Date or isinstance(dtype, pl.Datetime):
        fmt = formats["date" if dtype == pl.Date else "datetime"]
        for i, v in enumerate(values, start=1):
            if v is not None:
                ws.write_datetime(
                    i,
                    j,
                    v if isinstance(v, dt.datetime) else dt.datetime.combine(v, dt.time()),
                    fmt,
                )
    elif dtype.is_numeric():
        fmt = formats["money"] if money else (formats["int"] if dtype.is_integer() else None)
        for i, v in enumerate(values, start=1):
            if v is not None:
                ws.write_number(i, j, v, fmt)
    else:  # pragma: no cover - _text_columns leaves only the types above
        raise TypeError(f"column {values.name!r} of type {dtype} cannot be written to Excel")


def _format_of(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(
            f"cannot tell the export format of {path.name!r}: use a name ending in "
            + ", ".join("." + f for f in FORMATS)
        )
    return fmt


def export_frame(
    frame: pl.DataFrame,
    path: str | Path,
    *,
    sheet: str = "data",
    money: Iterable[str] | None = None,
) -> Path:
    """Write ``frame`` to ``path`` (``.csv``, ``.parquet`` or ``.xlsx``) atomically.

    CSV and Excel are neutralised against formulas (see :func:`neutralise`); Parquet keeps
    the data exactly. The Excel sheet has a styled, frozen header row with an autofilter,
    fitted column widths, real dates, and thousands separators on money columns (``money``,
    or by default numeric columns whose names end in revenue, pipeline, investment or
    amount). Rows are written in the frame's order.

    Requires columns: none.

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "scores.parquet"
    >>> export_frame(pl.DataFrame({"name": ["@x"]}), out).suffix
    '.parquet'
    >>> pl.read_parquet(out)["name"].to_list()
    ['@x']
    """
    path = Path(path)
    fmt = _format_of(path)
    with _atomic(path) as tmp:
        if fmt == "parquet":
            frame.write_parquet(tmp)
        elif fmt == "csv":
            neutralise(frame).write_csv(tmp)
        else:
            _write_xlsx(frame, tmp, sheet=sheet, money=money)
    return path


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

    The format follows the suffix of ``path`` (see :func:`export_frame`). CSV and Excel get
    :func:`decision_table` (names, recommended vs decided, reasons as sentences, the figures
    decided on; ``names`` fills names missing from old snapshots); Parquet gets the ledger
    rows exactly, JSON snapshot included.

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
    if _format_of(Path(path)) != "parquet":
        frame = decision_table(frame, names=names)
    return export_frame(frame, path, sheet="history" if history else "current")
