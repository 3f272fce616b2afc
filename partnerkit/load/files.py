r"""Read one source table, file or frame, coping with the dirt real exports carry.

CSV files are read as text (every column a String; parsing happens later so that each
unparseable value can be reported). On the way in:

- a UTF-8 byte-order mark is skipped; UTF-16 files (with a BOM) are decoded; files that are
  not UTF-8 are read as Windows-1252, with a note;
- CRLF line endings, old-Mac CR-only line endings (with a note) and quoted fields (also
  with line breaks inside) are handled, and each row keeps its **line number** in the file
  (header = line 1);
- blank rows, and the footer block of a Salesforce report export (a blank line,
  ``Grand Totals (N records)``, ``Confidential Information - Do Not Distribute``, a
  copyright line) are dropped and listed as dropped in the load report, never silently;
- a file whose header line does not split on commas but names two columns or more on
  ``;``, a tab or ``|`` (a spreadsheet saved in a locale whose decimal mark is the comma)
  is read with that separator, with a note;
- a header naming a column twice (a Salesforce report holding the Opportunity's and the
  Account's ``Created Date``) keeps both: the second copy is named ``Created Date (again)``
  (:data:`AGAIN`), so that a mapping can read or ignore either; a column with no header
  gets its position as name (``column_9``), and one with neither header nor data (the
  trailing empty columns a spreadsheet writes) is left out with a note;
- a zero-byte file, a header without rows and a row with too many fields are reported as
  problems. ``.tsv`` files are read tab-separated; ``.txt`` files named like a table
  (Excel's "Unicode Text", UTF-16 and tab-separated) are read as tab-separated text, or
  with the separator their header line shows.

Excel workbooks (``.xlsx``, ``.xlsm``, ``.xls``) are read with polars' ``read_excel`` on
its calamine engine (an HTML page saved as ``.xls``, as some web report exports are, is
refused with how to export a real file), every cell as text (a date cell reads as ``2024-01-22`` or
``2024-01-22 00:00:00``, a number cell as ``1234.5``: the engine writes numbers with at most
nine decimals, exact for money), from the first sheet or the ``sheet``
named (by name or 0-based position). The header is the top row naming the most column
names the table is known by (two or more), else the first of the top rows about as wide as
the table (more than half as many cells as the widest), and the load
report says which row it is: empty rows above it are skipped and the title lines (the report
name, ``As of:`` | date, ``Filtered By:`` | filter of a formatted report export) are dropped
and listed; each row keeps its **Excel row number**, and blank rows and report footers are
dropped and listed exactly as for CSV.

CSV and Excel files are parsed into memory (the whole file). Parquet files are scanned lazily
(:func:`polars.scan_parquet`); their rows, like the rows of in-memory frames, are numbered
by 0-based row index.

Examples
--------
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as d:
...     p = pathlib.Path(d, "deals.csv")
...     bom, footer = b"\xef\xbb\xbf", b'"Grand Totals (1 records)"\r\n'
...     _ = p.write_bytes(bom + b"deal_id,amount\r\nd1,5\r\n\r\n" + footer)
...     table, problems = read_table("deals", p)
>>> table.columns, table.rows, table.dropped
(('deal_id', 'amount'), 1, ((3, 'blank row'), (4, "report footer: 'Grand Totals (1 records)'")))
"""

from __future__ import annotations

import codecs
import csv
import fnmatch
import io
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from partnerkit.load.checks import ROW
from partnerkit.load.problems import HintStyle, Problem, RowKind, fix_hint
from partnerkit.load.text import normalise_name

__all__ = [
    "AGAIN",
    "EXCEL_SUFFIXES",
    "FOOTER_PATTERNS",
    "SUFFIXES",
    "Sheet",
    "SourceTable",
    "TableItem",
    "find_files",
    "read_table",
    "sheet_survey",
]

TableItem = str | Path | pl.DataFrame | pl.LazyFrame
"""What a source may give for one table: a file path or a polars frame."""

SUFFIXES: dict[str, str | None] = {
    ".csv": ",",
    ".tsv": "\t",
    ".txt": "\t",
    ".parquet": None,
    ".pq": None,
    ".xlsx": None,
    ".xlsm": None,
    ".xls": None,
}
"""File suffixes read, with their field separator (None for Parquet and Excel)."""

NAMED_ONLY: tuple[str, ...] = (".txt",)
"""Suffixes read only from files named like a table: other ``.txt`` files of a folder
(notes, read-me files) are not listed as ignored."""

AGAIN = " (again)"
"""Suffix naming the second copy of a header a file repeats (``Created Date (again)``);
a third copy is ``Created Date (again 2)``, and so on."""

EXCEL_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm", ".xls")
"""Excel workbook suffixes (read with the calamine engine)."""

Sheet = str | int
"""A worksheet: its name, or its 0-based position in the workbook."""

FOOTER_PATTERNS: tuple[str, ...] = (
    r"(?i)^grand totals? \(\s*[\d,]+ records?\s*\)$",
    r"(?i)^confidential information\b",
    r"(?i)^copyright\b",
    r"^\u00a9",
)
"""First-cell patterns of report footer rows (with every other cell empty; the grand
totals row may hold the totals, numbers, in the other cells)."""

_TOTALS = r"^(?:[A-Za-z]{3}\s*)?[^A-Za-z]*\d[^A-Za-z]*(?:\s*[A-Za-z]{3})?$"
"""A cell of a grand-totals row: a number, with a currency symbol or code around it."""

_OTHER_SEPARATORS = {";": "';'", "\t": "tab", "|": "'|'"}
_SEPARATOR_NAMES = {",": "','", **_OTHER_SEPARATORS}
_FOOTER_SCAN = 50  # a footer block is a handful of rows; look no further back than this
_HEADER_SCAN = 20  # a report's title block is a handful of rows; look no further down


@dataclass(frozen=True)
class SourceTable:
    """One table as read from its source, before any mapping.

    ``frame`` holds the :data:`~partnerkit.load.checks.ROW` column (line number for CSV,
    0-based row index otherwise) followed by the source columns. ``eager`` says the data
    is already in memory; ``rows`` is the row count when known without a scan. ``base``
    is the lazy source itself (a Parquet scan or the LazyFrame given), without row
    numbers; None for in-memory data. A worksheet keeps its ``workbook`` path, the
    ``sheet`` asked for (None: the first) and the column names it was read with
    (``labels``), so that a sheet lacking the table's columns can point to another.
    """

    name: str
    frame: pl.LazyFrame
    columns: tuple[str, ...]
    origin: str
    row_kind: RowKind
    eager: bool
    rows: int | None = None
    dropped: tuple[tuple[int, str], ...] = ()
    notes: tuple[str, ...] = ()
    base: pl.LazyFrame | None = None
    workbook: Path | None = None
    sheet: Sheet | None = None
    labels: frozenset[str] = frozenset()
    repeats: tuple[tuple[str, str], ...] = ()


def _problem(name: str, rule: str, message: str, origin: str) -> Problem:
    return Problem(name, None, rule, 0, message=message, origin=origin)


def read_table(
    name: str,
    item: TableItem,
    /,
    *,
    sheet: Sheet | None = None,
    labels: Collection[str] = (),
) -> tuple[SourceTable | None, list[Problem]]:
    """Read table ``name`` from a path or a frame; return it or the problems found.

    Requires: a ``.csv``, ``.tsv``, ``.parquet``, ``.xlsx``/``.xlsm``/``.xls`` path, or a
    polars DataFrame/LazyFrame. ``sheet`` picks the worksheet of an Excel workbook (name
    or 0-based position; default the first); it is ignored for other sources. ``labels``
    are the column names the table is known by (a preset's and the mapping's): the header
    of a worksheet is the top row naming the most of them (see :func:`_header_row`).

    Examples
    --------
    >>> import polars as pl
    >>> t, _ = read_table("partners", pl.DataFrame({"partner_id": ["p1"], "name": ["A"]}))
    >>> t.row_kind, t.frame.collect()["__row"].to_list()
    ('row', [0])
    """
    if isinstance(item, pl.DataFrame):
        frame = item.with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64)).lazy()
        return (
            SourceTable(name, frame, tuple(item.columns), "DataFrame", "row", True, item.height),
            [],
        )
    if isinstance(item, pl.LazyFrame):
        lazy = item.with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64))
        cols = tuple(item.collect_schema().names())
        return SourceTable(name, lazy, cols, "LazyFrame", "row", eager=False, base=item), []
    path = Path(item)
    origin = path.name
    if not path.is_file():
        return None, [_problem(name, "unreadable", f"no such file: {path}", origin)]
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        known = ", ".join(SUFFIXES)
        return None, [
            _problem(name, "unreadable", f"{origin}: unknown file type (read: {known})", origin)
        ]
    if path.stat().st_size == 0:
        return None, [_problem(name, "empty_file", f"{origin} is empty (zero bytes)", origin)]
    if suffix in EXCEL_SUFFIXES:
        if _is_web_page(path):
            return None, [_problem(name, "unreadable", _web_page_trouble(path), origin)]
        return _read_excel(name, path, sheet, labels)
    separator = SUFFIXES[suffix]
    if separator is None:
        return _read_parquet(name, path)
    others = tuple(_SEPARATOR_NAMES) if suffix in NAMED_ONLY else tuple(_OTHER_SEPARATORS)
    return _read_csv(name, path, separator, others=others)


def _read_parquet(name: str, path: Path) -> tuple[SourceTable | None, list[Problem]]:
    try:
        scan = pl.scan_parquet(path)
        cols = tuple(scan.collect_schema().names())
    except (pl.exceptions.PolarsError, OSError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, [_problem(name, "unreadable", f"{path.name}: {first}", path.name)]
    frame = scan.with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64))
    return SourceTable(name, frame, cols, path.name, "row", eager=False, base=scan), []


def _read_excel(
    name: str, path: Path, sheet: Sheet | None, labels: Collection[str] = ()
) -> tuple[SourceTable | None, list[Problem]]:
    """Read one worksheet as text; rows keep their Excel row numbers.

    The header is the top row naming the most of ``labels``, else the first of the top rows
    about as wide as the table (:func:`_header_row`); empty rows above it are skipped and
    the title lines (a formatted report export's name, date and filters) are listed as
    dropped, so a table starting lower down still gets the row numbers Excel shows. A note
    says which row was taken as the header when it is not the first.
    """
    origin = path.name if sheet is None else f"{path.name} [{sheet}]"
    sheet_id = 1 if sheet is None else sheet + 1 if isinstance(sheet, int) else None
    sheet_name = sheet if isinstance(sheet, str) else None
    try:
        cells = pl.read_excel(
            path,
            engine="calamine",
            sheet_id=sheet_id,
            sheet_name=sheet_name,
            has_header=False,  # the header is found below, so rows keep their Excel numbers
            read_options={"skip_rows": 0},  # keep the empty rows above the table too
            infer_schema_length=0,  # every cell as text: parsing reports each bad value
            drop_empty_rows=False,  # blank rows are listed as dropped, like in CSV
            drop_empty_cols=False,
            raise_if_empty=False,
        )
    except Exception as exc:  # the engine raises several unrelated types
        return None, [_problem(name, "unreadable", _excel_trouble(path, sheet, exc), origin)]
    if cells.width == 0 or cells.height == 0:
        return None, [_problem(name, "empty_file", f"{origin} holds no data", origin)]
    cells = cells.select(pl.all().cast(pl.String)).with_columns(
        pl.int_range(1, cells.height + 1, dtype=pl.Int64).alias(ROW)
    )
    counts = cells.select(
        pl.col(ROW),
        pl.sum_horizontal(
            (pl.col(c).str.strip_chars() != "").fill_null(value=False).cast(pl.Int32)
            for c in cells.columns
            if c != ROW
        ).alias("n"),
    )
    filled = counts.filter(pl.col("n") > 0)
    if filled.height == 0:
        return None, [_problem(name, "empty_file", f"{origin} holds no data", origin)]
    top, why = _header_row(cells, filled, labels)
    titles = tuple(
        (n, f"report title: {', '.join(repr(v) for v in cells.row(n - 1)[:-1] if v)}")
        for n in filled.filter(pl.col(ROW) < top)[ROW].to_list()
    )
    notes = (f"{origin}: row {top} taken as the header ({why})",) if top > 1 else ()
    cells_of_header = cells.row(top - 1)[:-1]
    header, repeats = _distinct_names(cells_of_header, again=False)
    df = cells.slice(top).rename(dict(zip(cells.columns[:-1], header, strict=True)))
    df, unnamed = _without_empty_unnamed(df.select(ROW, *header), header, cells_of_header)
    notes = (*notes, *_unnamed_note(origin, unnamed))
    cols = tuple(c for c in df.columns if c != ROW)
    if not cols:
        return None, [_problem(name, "empty_file", f"{origin} holds no data", origin)]
    kept, dropped, trouble = _kept_rows(name, df, cols, origin)
    if kept is None:
        return None, trouble
    dropped = (*titles, *dropped)
    table = SourceTable(
        name,
        kept.lazy(),
        cols,
        origin,
        "line",
        eager=True,
        rows=kept.height,
        dropped=dropped,
        notes=notes,
        workbook=path,
        sheet=sheet,
        labels=frozenset(labels),
        repeats=repeats,
    )
    return table, []


def sheet_survey(path: Path, labels: Collection[str], /) -> list[tuple[str, int]]:
    """Return each sheet of workbook ``path`` with how many of ``labels`` its header names.

    The header of each sheet is found as when it is read (the top row naming the most of
    ``labels``); 0 for a sheet naming fewer than two or that cannot be read. Sheets keep
    the workbook's order; an unreadable workbook gives an empty list.

    Examples
    --------
    >>> import tempfile, pathlib, xlsxwriter
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = pathlib.Path(d, "report.xlsx")
    ...     book = xlsxwriter.Workbook(str(path))
    ...     _ = book.add_worksheet("Summary").write_row(0, 0, ["Total", 61000])
    ...     _ = book.add_worksheet("Opportunities").write_row(2, 0, ["Stage", "Amount", "Owner"])
    ...     book.close()
    ...     sheet_survey(path, ["Stage", "Amount", "Close Date"])
    [('Summary', 0), ('Opportunities', 2)]
    """
    import fastexcel  # noqa: PLC0415  (the engine of read_excel; only needed on failure)

    try:
        names = fastexcel.read_excel(path).sheet_names
    except Exception:  # the engine raises several unrelated types
        return []
    known = {normalise_name(label) for label in labels} - {""}
    survey = []
    for sheet in names:
        try:
            top = pl.read_excel(
                path,
                engine="calamine",
                sheet_name=sheet,
                has_header=False,
                read_options={"n_rows": _HEADER_SCAN * 2},
                infer_schema_length=0,
                raise_if_empty=False,
            )
        except Exception:  # the engine raises several unrelated types
            survey.append((sheet, 0))
            continue
        named = (
            max(
                (sum(1 for v in row if v is not None and normalise_name(str(v)) in known))
                for row in top.iter_rows()
            )
            if top.height
            else 0
        )
        survey.append((sheet, named if named >= 2 else 0))
    return survey


def _header_row(
    cells: pl.DataFrame, filled: pl.DataFrame, labels: Collection[str]
) -> tuple[int, str]:
    """Return the Excel row number of a sheet's header and why it was taken.

    Among the top rows holding anything, the header is the row naming the most of
    ``labels`` (the column names the table's presets and mapping know), two or more;
    else the first holding more than half as many cells as the widest of them (a title
    line holds one or two). Title blocks of formatted report exports
    (the report name, ``As of:`` | date, ``Filtered By:`` | filter) sit above it.
    """
    top = filled.head(_HEADER_SCAN)
    known = {normalise_name(label) for label in labels} - {""}
    best, matched = 0, 0
    for number in top[ROW].to_list():
        named = sum(
            1 for v in cells.row(number - 1)[:-1] if v is not None and normalise_name(v) in known
        )
        if named > matched:
            best, matched = number, named
    if matched >= 2:  # one known name may be a word of a title line
        return best, f"it holds {matched} known column names"
    # not the widest row itself: a data row may fill a column whose header cell is empty
    wide = top.filter((pl.col("n") * 2 > pl.col("n").max()) & (pl.col("n") >= 2))
    if wide.height == 0:  # a one-column sheet: its first row holding anything
        return int(top[ROW][0]), "its first row"
    return int(wide[ROW][0]), "the first of the top rows as wide as the table"


def _is_web_page(path: Path) -> bool:
    """Say whether a file named as a workbook is an HTML page (a web report saved as .xls)."""
    with path.open("rb") as f:
        head = f.read(2048)
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            head = head[len(bom) :]
    text = head.replace(b"\x00", b"").lstrip().lower()
    return text.startswith(b"<") and any(
        tag in text for tag in (b"<html", b"<table", b"<!doctype html", b"<body")
    )


def _web_page_trouble(path: Path) -> str:
    """Say that a workbook is a web page and how to export the report as a real file."""
    return (
        f"{path.name} is a web page (HTML) saved as {path.suffix}, not an Excel workbook "
        "(some report exports write one, such as a Salesforce report exported in 'Excel "
        "Format'): export the report again as CSV ('Comma Delimited .csv'), or open the "
        "file in Excel and save it as an Excel Workbook (.xlsx), then read that file"
    )


def _blank(cell: str | None) -> bool:
    return cell is None or not cell.strip()


def _distinct_names(
    cells: Sequence[str | None], /, *, again: bool = True
) -> tuple[list[str], tuple[tuple[str, str], ...]]:
    """Return distinct column names for header cells, and each repeat with its first copy.

    An empty cell is named by its position (``column_3``); a repeated header is named
    ``<header> (again)`` (:data:`AGAIN`; then ``(again 2)``, ...), or ``<header>_2``, ...
    when ``again`` is false (worksheets).

    >>> _distinct_names(["Created Date", "Stage", "", "Created Date"])
    (['Created Date', 'Stage', 'column_3', 'Created Date (again)'], \
(('Created Date (again)', 'Created Date'),))
    """
    names: list[str] = []
    repeats: list[tuple[str, str]] = []
    for i, cell in enumerate(cells):
        base = f"column_{i + 1}" if cell is None or _blank(cell) else cell
        name, k = base, 1
        while name in names:
            k += 1
            if not again:
                name = f"{base}_{k}"
            else:
                name = f"{base}{AGAIN}" if k == 2 else f"{base} (again {k - 1})"
        if name != base and not _blank(cell):
            repeats.append((name, base))
        names.append(name)
    return names, tuple(repeats)


def _without_empty_unnamed(
    df: pl.DataFrame, names: Sequence[str], cells: Sequence[str | None]
) -> tuple[pl.DataFrame, list[int]]:
    """Drop the columns with neither a header nor data; return the frame and their positions."""
    unnamed = [(i, n) for i, (n, cell) in enumerate(zip(names, cells, strict=True)) if _blank(cell)]
    if not unnamed or df.height == 0:
        return df, []
    empty = df.select(
        (pl.col(n).is_null() | (pl.col(n).str.strip_chars() == "")).all() for _, n in unnamed
    ).row(0)
    gone = [(i, n) for (i, n), e in zip(unnamed, empty, strict=True) if e]
    return df.drop(n for _, n in gone), [i + 1 for i, _ in gone]


def _unnamed_note(origin: str, positions: Sequence[int]) -> tuple[str, ...]:
    """Return the note saying which columns without header or data were left out (or none)."""
    if not positions:
        return ()
    which = ", ".join(str(p) for p in positions)
    many = len(positions) > 1
    note = (
        f"{origin}: {len(positions)} column{'s' if many else ''} with neither a header nor "
        f"data left out (column{'s' if many else ''} {which})"
    )
    return (note,)


def _excel_trouble(path: Path, sheet: Sheet | None, exc: Exception) -> str:
    """Say why a workbook could not be read: no such sheet (listing them) or the reader's word."""
    import fastexcel  # noqa: PLC0415  (the engine of read_excel; only needed on failure)

    try:
        sheets = fastexcel.read_excel(path).sheet_names
    except Exception:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"{path.name}: not a readable Excel workbook ({first})"
    if sheet is not None:
        listed = ", ".join(repr(s) for s in sheets)
        return f"{path.name} has no sheet {sheet!r}; its sheets are {listed}"
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{path.name}: {first}"


def _decode(data: bytes) -> tuple[bytes, str | None]:
    """Return UTF-8 bytes without BOM and a note when the encoding had to be guessed."""
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec).encode("utf-8"), "read as UTF-16"
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace").encode("utf-8"), (
            "not valid UTF-8; read as Windows-1252"
        )
    return data, None


def _header(data: bytes, separator: str) -> list[str]:
    first = data.split(b"\n", 1)[0].decode("utf-8").rstrip("\r")
    return next(csv.reader([first], delimiter=separator), [])


def _other_separator(
    data: bytes, separator: str, others: Sequence[str] = tuple(_OTHER_SEPARATORS)
) -> str | None:
    r"""Return the separator the header line splits on, when it does not split on ``separator``.

    The header names two columns or more on one of ``others`` (by default ``;``, a tab or
    ``|``; the one naming the most), each name not blank; None when none does.

    >>> _other_separator(b'"Account Name";"Type"\r\nNorthwind;Partner\r\n', ",")
    ';'
    >>> _other_separator(b"partner_id\nP1\n", ",") is None
    True
    """
    best, width = None, 1
    for other in others:
        if other == separator:
            continue
        names = _header(data, other)
        if len(names) > width and all(n.strip() for n in names):
            best, width = other, len(names)
    return best


def _delimiter_trouble(name: str, origin: str, column: str, separator: str) -> Problem | None:
    """Return the ``delimiter`` problem of a one-column header holding a separator, or None."""
    for sep, label in _OTHER_SEPARATORS.items():
        if sep in column and sep != separator:
            return _problem(
                name,
                "delimiter",
                f"{origin} has a single column {column[:60]!r}: it looks {label}-delimited "
                "but its header does not split into named columns on it; re-export it "
                "comma-separated",
                origin,
            )
    return None


def _ragged_line(text: str, separator: str) -> str | None:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    width = None
    for fields in reader:
        if width is None:
            width = len(fields)
        elif len(fields) > width:
            return f"line {reader.line_num} has {len(fields)} fields but the header has {width}"
    return None


def _read_csv(
    name: str, path: Path, separator: str, *, others: Sequence[str] = tuple(_OTHER_SEPARATORS)
) -> tuple[SourceTable | None, list[Problem]]:
    origin = path.name
    raw = path.read_bytes()
    data, note = _decode(raw)
    notes = (f"{origin}: {note}",) if note else ()
    if b"\r" in data and b"\n" not in data:  # old-Mac line ends: CR alone ends each line
        data = data.replace(b"\r", b"\n")
        notes = (*notes, f"{origin}: lines end with CR only (old Mac); read line by line")
    if not data.strip():
        return None, [_problem(name, "empty_file", f"{origin} holds no data", origin)]
    header = _header(data, separator)
    if len(header) == 1:
        other = _other_separator(data, separator, others)
        if other is not None:
            said, was = _SEPARATOR_NAMES[other], _SEPARATOR_NAMES[separator]
            note = f"{origin}: the header splits on {said}, not on {was}: read as {said}-separated"
            notes = (*notes, note)
            separator = other
        else:
            refused = _delimiter_trouble(name, origin, header[0], separator)
            if refused is not None:
                return None, [refused]
    try:
        df = pl.read_csv(
            data,
            infer_schema=False,
            separator=separator,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        detail = _ragged_line(data.decode("utf-8"), separator) or str(exc).splitlines()[0]
        return None, [_problem(name, "unreadable", f"{origin}: {detail}", origin)]
    lines = _line_numbers(df, data)
    df, repeats, unnamed = _named_columns(df, data, separator)
    notes = (*notes, *_unnamed_note(origin, unnamed))
    df = df.with_columns(lines.alias(ROW)).select(ROW, *df.columns)
    cols = tuple(c for c in df.columns if c != ROW)
    kept, dropped, trouble = _kept_rows(name, df, cols, origin)
    if kept is None:
        return None, trouble
    table = SourceTable(
        name, kept.lazy(), cols, origin, "line", True, kept.height, dropped, notes, repeats=repeats
    )
    return table, []


_POLARS_REPEAT = r"_duplicated_\d+$"
"""How polars names the second and later copies of a header (``amount_duplicated_0``)."""


def _named_columns(
    df: pl.DataFrame, data: bytes, separator: str
) -> tuple[pl.DataFrame, tuple[tuple[str, str], ...], list[int]]:
    """Name repeated and empty headers as :func:`_distinct_names` does; drop empty unnamed.

    polars names a repeated header ``amount_duplicated_0`` and an empty one ``""``: the
    header record is read again (as the csv module splits it, quoted line breaks
    included) to name them. Returns the frame, the repeats and the (1-based) positions of
    the columns left out for having neither header nor data.
    """
    if not any(c == "" or re.search(_POLARS_REPEAT, c) for c in df.columns):
        return df, (), []
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
    cells: list[str | None] = list(next(csv.reader(text, delimiter=separator), []))
    if len(cells) != df.width:  # not the header polars read: keep its names
        return df, (), []
    names, repeats = _distinct_names(cells)
    df = df.rename(dict(zip(df.columns, names, strict=True)))
    df, unnamed = _without_empty_unnamed(df, names, cells)
    return df, repeats, unnamed


def _line_numbers(df: pl.DataFrame, data: bytes) -> pl.Series:
    """Line number of each record (header = 1), allowing for line breaks inside quotes."""
    index = pl.int_range(0, df.height, dtype=pl.Int64, eager=True)
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines == df.height + 1 or df.width == 0:
        return index + 2
    inside = df.select(
        pl.sum_horizontal(
            pl.col(c).str.count_matches("\n", literal=True).fill_null(0) for c in df.columns
        ).cast(pl.Int64)
    ).to_series()
    before = inside.cum_sum().shift(1, fill_value=0)
    return index + 2 + before


def _kept_rows(
    name: str, df: pl.DataFrame, cols: Sequence[str], origin: str
) -> tuple[pl.DataFrame | None, tuple[tuple[int, str], ...], list[Problem]]:
    """Drop the blank rows and the report footer (:func:`_filler_rows`).

    Returns the rows kept (None when none is left, with the ``no_rows`` problem), and the
    (line, reason) of each row dropped.
    """
    drop, dropped = _filler_rows(df, cols)
    if drop is not None:
        df = df.filter(~drop)
    if df.height == 0:
        what = "only a header" if not dropped else "a header and no data rows"
        return None, dropped, [_problem(name, "no_rows", f"{origin} has {what}", origin)]
    return df, dropped, []


def _filler_rows(
    df: pl.DataFrame, cols: Sequence[str]
) -> tuple[pl.Series | None, tuple[tuple[int, str], ...]]:
    """Blank rows anywhere and the trailing report-footer block: mask and (line, reason)."""
    if not cols or df.height == 0:
        return None, ()

    def empty(c: str) -> pl.Expr:
        return pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "")

    # Only rows whose first cell is empty can be blank, and only the last few rows can be
    # a footer: look at those, not at every cell of the file.
    index = pl.int_range(pl.len(), dtype=pl.Int64).alias("__i")
    blank_at = set(
        df.with_columns(index)
        .filter(empty(cols[0]))
        .filter(pl.all_horizontal(empty(c) for c in cols))["__i"]
        .to_list()
    )
    tail_start = max(0, df.height - _FOOTER_SCAN)
    rest_empty = pl.all_horizontal([empty(c) for c in cols[1:]] or [pl.lit(value=True)])
    rest_totals = pl.all_horizontal(
        [empty(c) | pl.col(c).str.strip_chars().str.contains(_TOTALS) for c in cols[1:]]
        or [pl.lit(value=True)]
    )
    first = pl.col(cols[0]).str.strip_chars()
    footer_text = (
        df.slice(tail_start)
        .select(
            (
                (rest_empty & pl.any_horizontal(first.str.contains(p) for p in FOOTER_PATTERNS))
                | (rest_totals & first.str.contains(FOOTER_PATTERNS[0]))
            ).fill_null(value=False)
        )
        .to_series()
        .to_list()
    )
    footer_at: set[int] = set()
    for i in range(df.height - 1, tail_start - 1, -1):
        if footer_text[i - tail_start]:
            footer_at.add(i)
        elif i not in blank_at:
            break
    dropped_at = sorted(blank_at | footer_at)
    if not dropped_at:
        return None, ()
    numbers = df[ROW]
    values = df[cols[0]]
    totals = df.select(
        pl.concat_str([pl.col(c) for c in cols[1:]], separator=", ", ignore_nulls=True)
        if len(cols) > 1
        else pl.lit("")
    ).to_series()

    def why(i: int) -> str:
        if i in blank_at:
            return "blank row"
        held = (totals[i] or "").strip(", ")
        return f"report footer: {values[i]!r}" + (f" (totals {held})" if held else "")

    dropped = tuple((int(numbers[i]), why(i)) for i in dropped_at)
    drop = pl.int_range(0, df.height, dtype=pl.Int64, eager=True).is_in(dropped_at)
    return drop, dropped


def find_files(
    folder: Path, names: Mapping[str, Sequence[str]], /, *, style: HintStyle = "python"
) -> tuple[dict[str, Path], list[Problem], list[str]]:
    """Find the file of each named input in ``folder``.

    Requires: ``names`` maps an input name to file-name patterns (lower snake case,
    without suffix, ``fnmatch`` wildcards allowed); the input name itself always matches.
    Returns the files found, problems (several files for one input, with how to say
    which to read in the words of ``style``) and notes (files matching nothing; a
    ``.txt`` file is read only when named like an input, and not listed otherwise).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     for f in ("Partners.csv", "Opportunity.csv", "notes.csv", "README.md"):
    ...         _ = pathlib.Path(d, f).write_text("x")
    ...     found, problems, notes = find_files(
    ...         pathlib.Path(d), {"partners": (), "deals": ("opportunity",)})
    >>> sorted((k, v.name) for k, v in found.items()), notes
    ([('deals', 'Opportunity.csv'), ('partners', 'Partners.csv')], ['ignored file notes.csv'])
    """
    matches: dict[str, list[Path]] = {n: [] for n in names}
    notes: list[str] = []
    for path in sorted(folder.iterdir()):
        # hidden files and the "~$name.xlsx" lock file Excel keeps beside an open workbook
        if path.name.startswith((".", "~$")) or path.suffix.lower() not in SUFFIXES:
            continue
        stem = normalise_name(path.stem)
        hit = [
            n
            for n, patterns in names.items()
            if stem == n or any(fnmatch.fnmatchcase(stem, p) for p in patterns)
        ]
        if hit:
            matches[hit[0]].append(path)
        elif path.suffix.lower() not in NAMED_ONLY:
            notes.append(f"ignored file {path.name}")
    found: dict[str, Path] = {}
    problems: list[Problem] = []
    for n, paths in matches.items():
        if len(paths) == 1:
            found[n] = paths[0]
        elif paths:
            listed = ", ".join(p.name for p in paths)
            fix = fix_hint("file", style=style, table=n, file=paths[-1].name)
            message = (
                f"several files could hold {n}: {listed}; say which one to read: {fix}, or "
                "move the others out of the folder"
            )
            problems.append(_problem(n, "ambiguous_file", message, listed))
    return found, problems, notes
