"""Writing files: atomically, and frames to CSV, Parquet or Excel without runnable formulas.

Two promises every file the package writes keeps:

* **No half-written files.** A file is written to a temporary file in the target folder,
  flushed to disk and renamed over the target in one step (:func:`os.replace`): a crash
  leaves either the old file or the new one, never a mix (:func:`atomic_path`,
  :func:`write_atomic`). A file replaced keeps its permissions.
* **No formulas from partner-supplied text** (:func:`export_frame`). In CSV and Excel files
  every text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  gets a single quote ``'`` in front (the OWASP convention against CSV / formula
  injection), and Excel text is written as text cells, never as formulas or links. Numbers,
  dates and booleans keep their types: ``-1.5`` in a number column stays a number. Parquet
  is a typed data format that spreadsheets do not evaluate, so it keeps the text exactly.

Rows are written in the frame's order.

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

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

__all__ = [
    "FORMATS",
    "FORMULA_PREFIXES",
    "atomic_path",
    "export_frame",
    "format_of",
    "neutralise",
    "write_atomic",
]

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet read a text cell as a formula."""

FORMATS: tuple[str, ...] = ("csv", "parquet", "xlsx")
"""Frame export formats, chosen by the file suffix."""

_MONEY_SUFFIXES = ("revenue", "pipeline", "investment", "amount")
_EXCEL_MAX_ROWS = 1_048_576
_EXCEL_MAX_COLS = 16_384
_EXCEL_MAX_TEXT = 32_767
_WIDTH = (8, 60)  # column widths in characters, least and most
_PIXELS_PER_CHAR = 7  # Excel's default font: a character is 7 pixels wide, plus 5 of padding
_HEADER = {
    "bold": True,
    "bg_color": "#1F3A5F",
    "font_color": "#FFFFFF",
    "border": 1,
    "text_wrap": True,
    "valign": "top",
}
_FORMATS = {
    "money": "#,##0.00",
    "int": "#,##0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
    "float": "General",
}


# ---- writing atomically --------------------------------------------------------------------


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | os.PathLike[str], /) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; when the block succeeds, move it over ``path``.

    The folder is created when missing. The file gets the permissions of the file it
    replaces (or the default ones for a new file), is flushed to disk before the rename, and
    the rename itself is made durable. When the block raises, the temporary file is removed
    and ``path`` is left as it was.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("hello")
    >>> target.read_text(), [p.name for p in target.parent.iterdir()]
    ('hello', ['a.txt'])
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        tmp.chmod(mode)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        dir_fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_atomic(path: str | os.PathLike[str], data: bytes, /) -> Path:
    """Write ``data`` to ``path`` atomically (:func:`atomic_path`); return the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> write_atomic(target, b"hi").read_bytes(), sorted(p.name for p in target.parent.iterdir())
    (b'hi', ['a.txt'])
    """
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


# ---- frames without formulas ---------------------------------------------------------------


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


def _is_money(name: str, dtype: pl.DataType, money: Iterable[str] | None) -> bool:
    if money is not None:
        return name in set(money)
    return dtype.is_numeric() and name.endswith(_MONEY_SUFFIXES)


def _widths(frame: pl.DataFrame, money: set[str]) -> dict[str, int]:
    """Each column's width in characters: its longest cell (or name), within :data:`_WIDTH`."""
    lengths = (
        frame.select(
            pl.col(c).cast(pl.String).str.len_chars().max().fill_null(0) for c in frame.columns
        ).row(0)
        if frame.height
        else (0,) * frame.width
    )
    widths = {}
    for name, length in zip(frame.columns, lengths, strict=True):
        chars = int(length) + (int(length) // 3 if name in money else 0)  # separators
        widths[name] = min(max(len(name) + 3, chars + 2, _WIDTH[0]), _WIDTH[1])
    return widths


def _write_xlsx(
    frame: pl.DataFrame, path: Path, *, sheet: str, money: Iterable[str] | None
) -> None:
    """Write one sheet with polars' Excel writer; its options do the typing and layout."""
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
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if text and frame.height:
        longest = frame.select(pl.col(text).str.len_chars().max()).row(0, named=True)
        over = [name for name, n in longest.items() if n is not None and n > _EXCEL_MAX_TEXT]
        if over:
            raise ValueError(f"text in column {over[0]!r} exceeds Excel's limit")
    money_cols = {name for name, dtype in frame.schema.items() if _is_money(name, dtype, money)}
    formats: dict[str, str] = {}
    for name, dtype in frame.schema.items():
        if name in money_cols:
            formats[name] = _FORMATS["money"]
        elif dtype.is_integer():
            formats[name] = _FORMATS["int"]
        elif dtype.is_float():
            formats[name] = _FORMATS["float"]
        elif dtype == pl.Date:
            formats[name] = _FORMATS["date"]
        elif isinstance(dtype, pl.Datetime):
            formats[name] = _FORMATS["datetime"]
    widths = {
        name: chars * _PIXELS_PER_CHAR + 5 for name, chars in _widths(frame, money_cols).items()
    }
    options = {
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "nan_inf_to_errors": True,
    }
    book = xlsxwriter.Workbook(str(path), options)
    try:
        frame.write_excel(
            book,
            sheet,
            table_style=None,
            header_format=_HEADER,
            column_formats=formats or None,  # type: ignore[arg-type]
            column_widths=widths or None,  # type: ignore[arg-type]
            autofilter=True,
            freeze_panes=(1, 0),
        )
    finally:
        book.close()


def format_of(path: str | os.PathLike[str], /) -> str:
    """Return the export format of ``path`` from its suffix (one of :data:`FORMATS`).

    Raises ``ValueError`` for any other suffix.

    Examples
    --------
    >>> format_of("scores.XLSX")
    'xlsx'
    """
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(
            f"cannot tell the export format of {Path(path).name!r}: use a name ending in "
            + ", ".join("." + f for f in FORMATS)
        )
    return fmt


def export_frame(
    frame: pl.DataFrame,
    path: str | os.PathLike[str],
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
    target = Path(path)
    fmt = format_of(target)
    with atomic_path(target) as tmp:
        if fmt == "parquet":
            frame.write_parquet(tmp)
        elif fmt == "csv":
            neutralise(frame).write_csv(tmp)
        else:
            _write_xlsx(frame, tmp, sheet=sheet, money=money)
    return target
