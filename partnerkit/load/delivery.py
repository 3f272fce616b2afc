"""The frames a portfolio hands out: the lazy source plus only the work its data needs.

Validation parses every value of every column (:mod:`partnerkit.load.conform`): text is
trimmed, labels are normalised and mapped, dates and numbers are parsed. A Parquet file
or LazyFrame read without a preset is not handed out through that plan: once it is
valid, its frame is built afresh from the source with, per column, only the work its
data needs:

- a column the source does not supply: a literal (null, the schema default, or the
  declared currency);
- dates: ``Date`` as it is, ``Datetime`` cut to its date, text parsed
  (:func:`~partnerkit.load.dates.parse_dates`);
- numbers: ``Float64`` as it is (a NaN never passes validation), other numbers cast,
  text parsed (:func:`~partnerkit.load.text.parse_number_columns`);
- text columns of a lazy source are first *assumed* to need no parsing and are checked
  as they are; one count per column (:func:`assumption_probe`), taken in the same pass
  as the rules, says whether the assumption holds: no text to trim and no null word
  (ids, names), every value already allowed (labels with an allowed set). When it does
  not hold, the table is checked again with the column parsed;
- labels (columns with an allowed set, the partner type and tier, value-mapped columns,
  the currency, defaulted columns) not assumed canonical are looked up in their
  vocabulary (the distinct source values with their canonical values, see
  :func:`~partnerkit.load.conform.vocabulary`); only the values that change are
  replaced;
- text that needs it is cleaned (:func:`~partnerkit.load.text.clean_text`).

So a Parquet file already in canonical form is handed out as
``pl.scan_parquet(path).select(...)`` with no per-row work at all; the check plan's
row numbers and partner-reference check never reach the handed-out frames.

Examples
--------
>>> import polars as pl
>>> base = pl.LazyFrame({"Id": ["p1", "p2"], "Name": ["Acme", "Beta"]})
>>> out = lean_frame(base, table="partners", renamed=(("Id", "partner_id"), ("Name", "name")))
>>> out.collect().select("partner_id", "status").rows()
[('p1', 'active'), ('p2', 'active')]
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import polars as pl

from partnerkit.load.checks import ROW
from partnerkit.load.conform import source_text
from partnerkit.load.dates import parse_dates
from partnerkit.load.mapping import ValueMap, label_columns, maps_values, relabel
from partnerkit.load.text import NULL_WORDS, clean_text, parse_number_columns
from partnerkit.schema import TABLES

__all__ = [
    "assumable",
    "assumption_probe",
    "is_label",
    "lean_frame",
    "text_columns",
]

CURRENCY = TABLES["deals"].column("currency").name


def text_columns(table: str, /, *, present: Collection[str]) -> tuple[str, ...]:
    """Return the supplied columns of ``table`` whose canonical dtype is String.

    Requires: the names of the columns the source supplies.

    >>> text_columns("deals", present=["deal_id", "amount", "outcome"])
    ('deal_id', 'outcome')
    """
    return tuple(
        c.name for c in TABLES[table].columns if c.name in present and c.dtype == pl.String
    )


def is_label(table: str, column: str, /, *, maps: Sequence[ValueMap | None] = ()) -> bool:
    """Whether parsing does more to ``column`` than trimming and null words.

    True for columns with an allowed set, the partner type and tier, value-mapped
    columns, the currency and columns with a default.

    >>> is_label("deals", "outcome"), is_label("deals", "deal_id")
    (True, False)
    >>> is_label("deals", "account_id", maps=[{"deals": {"account_id": {"x": "y"}}}])
    True
    """
    spec = TABLES[table].column(column)
    return (
        column in label_columns(table)
        or maps_values(table, column, maps)
        or column == CURRENCY
        or spec.default is not None
    )


def assumable(table: str, column: str, /, *, maps: Sequence[ValueMap | None] = ()) -> bool:
    """Whether a text column can be read as it is once :func:`assumption_probe` is zero.

    Requires: a text column of ``table``. True for free text (trimming and null words
    are all parsing does) and for labels with an allowed set, no value map and no
    default (parsing leaves an allowed value as it is).

    >>> assumable("deals", "deal_id"), assumable("deals", "outcome"), assumable("deals", "currency")
    (True, True, False)
    >>> assumable("deals", "outcome", maps=[{"deals": {"outcome": {"Signed": "won"}}}])
    False
    """
    if not is_label(table, column, maps=maps):
        return True
    spec = TABLES[table].column(column)
    return (
        spec.allowed is not None and spec.default is None and not maps_values(table, column, maps)
    )


def assumption_probe(table: str, column: str, /) -> pl.Expr:
    """Return an aggregate counting the values parsing would change in an assumable column.

    Requires: the column as its source text. Labels count values outside the allowed
    set; free text counts values with surrounding whitespace or spelling a null word.
    The probe is named after the column.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"deal_id": ["d1", " d2", "NULL", None],
    ...                    "outcome": ["won", "Won", None, "lost"]})
    >>> df.select(assumption_probe("deals", "deal_id"), assumption_probe("deals", "outcome")).row(0)
    (2, 1)
    """
    col = pl.col(column)
    allowed = TABLES[table].column(column).allowed
    if allowed is not None:
        changed = col.is_not_null() & ~col.is_in(allowed)
    else:
        # Equality tests against the few null words cost less than a membership test.
        changed = col.str.strip_chars().ne_missing(col) | pl.any_horizontal(
            col == w for w in NULL_WORDS
        )
    return changed.fill_null(value=False).sum().alias(column)


def _date_tmp(column: str) -> str:
    return f"__lean_date_{column}"


def lean_frame(
    base: pl.LazyFrame,
    /,
    *,
    table: str,
    renamed: Sequence[tuple[str, str]],
    clean: Collection[str] = (),
    labels: Mapping[str, pl.DataFrame] | None = None,
    currency: str | None = None,
    drop_rows: pl.DataFrame | None = None,
) -> pl.LazyFrame:
    """Build the canonical frame of ``table`` from its source with only the work needed.

    Requires: ``base``, the source without row numbers, and ``renamed``, its (source
    column, canonical column) pairs; the source must have passed validation. ``clean``
    names the text columns to trim (with null words read as null); ``labels`` gives the
    vocabulary (columns ``source``, ``canonical``) of label columns; other text columns
    are read as they are. ``drop_rows`` holds the 0-based row numbers (column
    :data:`~partnerkit.load.checks.ROW`) to leave out.

    Examples
    --------
    >>> import polars as pl
    >>> base = pl.LazyFrame({"deal_id": [" d1", "d2"], "amount": [5, 7],
    ...                      "created_on": ["2025-01-05", "1/6/25"], "outcome": ["Won", "open"]})
    >>> vocab = pl.DataFrame({"source": ["Won", "open"], "canonical": ["won", "open"]})
    >>> out = lean_frame(base, table="deals",
    ...     renamed=[(c, c) for c in ("deal_id", "amount", "created_on", "outcome")],
    ...     clean=["deal_id"], labels={"outcome": vocab}, drop_rows=pl.DataFrame({"__row": [1]}))
    >>> out.select("deal_id", "created_on", "outcome", "amount").collect().rows()
    [('d1', datetime.date(2025, 1, 5), 'won', 5.0)]
    """
    spec = TABLES[table]
    labels = labels or {}
    sources = {target: source for source, target in renamed if target in spec.names}
    schema = base.collect_schema()
    frame = base
    if drop_rows is not None and drop_rows.height:
        frame = (
            frame.with_row_index(ROW)
            .with_columns(pl.col(ROW).cast(pl.Int64))
            .join(
                drop_rows.lazy().select(pl.col(ROW).cast(pl.Int64)),
                on=ROW,
                how="anti",
                maintain_order="left",
            )
        )
    text_dates = [
        c.name
        for c in spec.columns
        if c.dtype == pl.Date and c.name in sources and schema[sources[c.name]] == pl.String
    ]
    if text_dates:
        frame = frame.with_columns(
            clean_text(pl.col(sources[c])).alias(_date_tmp(c)) for c in text_dates
        )
        frame = parse_dates(frame, {_date_tmp(c): _date_tmp(c) for c in text_dates})
    text_numbers = [
        c.name
        for c in spec.columns
        if c.dtype == pl.Float64 and c.name in sources and schema[sources[c.name]] == pl.String
    ]
    if text_numbers:  # staged, so that each value is split once
        frame = frame.with_columns(
            clean_text(pl.col(sources[c])).alias(_number_tmp(c)) for c in text_numbers
        )
        frame = parse_number_columns(frame, {_number_tmp(c): _number_tmp(c) for c in text_numbers})
    exprs: list[pl.Expr] = []
    for c in spec.columns:
        if c.name not in sources:
            fill = c.default if c.default is not None else currency if c.name == CURRENCY else None
            exprs.append(pl.lit(fill, dtype=c.dtype).alias(c.name))
            continue
        col, dtype = pl.col(sources[c.name]), schema[sources[c.name]]
        if c.dtype == pl.String:
            value = source_text(col, dtype)
            if c.name in labels:
                vocab = labels[c.name]
                pairs = zip(vocab["source"].to_list(), vocab["canonical"].to_list(), strict=True)
                value = relabel(value, dict(pairs))
            elif c.name in clean:
                value = clean_text(value)
        elif dtype == pl.Null:
            value = pl.lit(None, c.dtype)
        elif c.dtype == pl.Date:
            value = _date(col, dtype, _date_tmp(c.name))
        else:
            value = pl.col(_number_tmp(c.name)) if c.name in text_numbers else _number(col, dtype)
        exprs.append(value.alias(c.name))
    return frame.select(exprs)


def _date(col: pl.Expr, dtype: pl.DataType, parsed: str) -> pl.Expr:
    if dtype == pl.String:
        return pl.col(parsed)
    if isinstance(dtype, pl.Datetime):
        return col.dt.date()
    return col  # already a Date (other dtypes do not pass validation)


def _number_tmp(column: str) -> str:
    return f"__number_{column}"


def _number(col: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Float64:
        return col
    return col.cast(pl.Float64)  # integers, Float32 and Decimal
