"""Give a mapped table its canonical shape: every column, canonical order and dtype.

Each supplied column is parsed from whatever the source gave (text from CSV, native
dtypes from Parquet or frames) into its canonical dtype; its source value is kept next to
it (``__raw_<column>``) so a value that does not parse can be quoted in the error: the
cleaned text of a text column, or the value itself when the source already holds dates
or numbers (checks render it as text only for the rows they quote). Absent
optional columns are added as nulls, or as the schema default (partner ``status``
``"active"``); a null in a defaulted column also takes the default.

- text columns: trimmed, empty or ``NULL`` -> null; numbers become their text;
- date columns: see :mod:`partnerkit.load.dates`; Datetime values keep their date;
- amount/hours columns: see :func:`partnerkit.load.text.parse_numbers`; NaN is an error;
- value mappings apply to text columns; dates and numbers are parsed from the source text;
- ``currency``: upper case; when the loader is given a currency, nulls take it.

Label columns (allowed sets, partner type and tier, value-mapped columns, the currency,
defaulted columns) hold few distinct values. Given their :func:`vocabulary` (each
distinct source value with its kept text and canonical value, computed by this very
module on the distinct values alone), :func:`conform` looks each row up instead of
redoing the text work per row; when no value changes, the column is read as it is. An
empty vocabulary reads any text column as it is: the loader gives one to the columns
of lazy sources it assumes need no parsing, and verifies the assumption by a count.

Examples
--------
>>> import polars as pl
>>> from partnerkit.load.checks import ROW
>>> lf = pl.LazyFrame({ROW: [0], "partner_id": [" p1 "], "name": ["Acme"]})
>>> out = conform(lf, table="partners", present=("partner_id", "name"))
>>> out.frame.select(TABLES["partners"].names).collect().row(0)
('p1', 'Acme', None, None, None, None, None, 'active', None)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from partnerkit.load.checks import ROW, SHOWN_ROWS, Check, raw
from partnerkit.load.contract import blank_currency_check, currency_check
from partnerkit.load.dates import DATE_FORMATS, DAY_FIRST_FORMATS, parse_dates
from partnerkit.load.mapping import ValueMap, apply_values, relabel
from partnerkit.load.problems import HintStyle, Problem, fix_hint
from partnerkit.load.text import (
    clean_text,
    date_text,
    date_text_changed,
    parse_number_columns,
    parse_rates,
)
from partnerkit.schema import TABLES

__all__ = [
    "RATE_COLUMNS",
    "VOCABULARY_LIMIT",
    "Conformed",
    "conform",
    "convert_amounts",
    "currency_rule",
    "rate_table",
    "source_text",
    "vocabulary",
]

CURRENCY = TABLES["deals"].column("currency").name
AMOUNT = TABLES["deals"].column("amount").name
_NUMERIC = (pl.Float32, pl.Float64, pl.Decimal)


@dataclass(frozen=True)
class Conformed:
    """A table in canonical shape, with the checks its parsing implies.

    ``frame`` holds :data:`~partnerkit.load.checks.ROW`, every canonical column and the raw
    text of each supplied one; ``checks`` flag values that did not parse; ``problems``
    list columns whose dtype cannot be converted at all. ``replanned``, when given, is
    an aggregate over ``frame`` (named :data:`REPLANNED`) that is true when a value was
    read by a step the lean reading of a lazy source lacks (a date with a comma before
    its time, a currency taken from the amount): such a table is handed out through
    this parsing plan.
    """

    frame: pl.LazyFrame
    checks: tuple[Check, ...]
    problems: tuple[Problem, ...]
    replanned: pl.Expr | None = None


REPLANNED = "__replanned"
"""Name of the :attr:`Conformed.replanned` aggregate."""

EXCEL_SERIAL = r"^\d{5}(?:\.\d+)?$"
"""A number that looks like an Excel serial date (days since 1899-12-30: 45900 is
2025-09-01), as a date cell whose date format was lost is written."""

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_FROM_AMOUNT = "__currency_from_amount"
_CONFLICT = "__currency_conflict"


def source_text(column: pl.Expr, dtype: pl.DataType, /) -> pl.Expr:
    """Return a source column as text: itself when it is text, else cast to String.

    Requires: the column's source ``dtype``.

    >>> import polars as pl
    >>> pl.DataFrame({"x": [1, None]}).select(source_text(pl.col("x"), pl.Int64))["x"].to_list()
    ['1', None]
    """
    return column if dtype == pl.String else column.cast(pl.String, strict=False)


VOCABULARY_LIMIT = 256
"""Most distinct values a label column may hold to be read through its vocabulary."""


def vocabulary(
    values: pl.Series,
    /,
    *,
    table: str,
    column: str,
    values_maps: Sequence[ValueMap | None] = (),
    currency: str | None = None,
) -> pl.DataFrame:
    """Return each distinct source text of a column with its kept text and canonical value.

    Requires: ``values``, the distinct values of the column as text (see
    :func:`source_text`; null included when present). Columns ``source``, ``raw`` (the
    text kept for error messages) and ``canonical``, computed by :func:`conform` itself.

    Examples
    --------
    >>> import polars as pl
    >>> vocabulary(pl.Series([" Won", "open", None]), table="deals", column="outcome").rows()
    [(' Won', 'Won', 'won'), ('open', 'open', 'open'), (None, None, None)]
    """
    source = "__vocabulary_source"
    frame = pl.LazyFrame(
        {ROW: pl.int_range(len(values), dtype=pl.Int64, eager=True), column: values}
    ).with_columns(pl.col(column).cast(pl.String).alias(source))
    out = conform(frame, table=table, present=(column,), values=values_maps, currency=currency)
    return out.frame.select(
        pl.col(source).alias("source"),
        pl.col(raw(column)).alias("raw"),
        pl.col(column).alias("canonical"),
    ).collect()


def _pairs(vocab: pl.DataFrame, target: str) -> dict[str | None, str | None]:
    return dict(zip(vocab["source"].to_list(), vocab[target].to_list(), strict=True))


def _kept(column: str, dtype: pl.DataType, target: pl.DataType) -> pl.Expr:
    """Return the source value kept for the checks: cleaned text, or a date or number."""
    col = pl.col(column)
    if dtype == pl.String:
        return clean_text(col)
    if target != pl.String and dtype != pl.Null:
        # Rendering every date or number as text would cost a string per row; the
        # checks only ask whether it is null, and quote the few rows they report.
        return col
    return clean_text(col.cast(pl.String, strict=False))


def conform(
    frame: pl.LazyFrame,
    /,
    *,
    table: str,
    present: Sequence[str],
    values: Sequence[ValueMap | None] = (),
    currency: str | None = None,
    origin: str = "",
    vocabularies: Mapping[str, pl.DataFrame] | None = None,
    day_first: bool | None = None,
    decimal: str | None = None,
    style: HintStyle = "python",
) -> Conformed:
    """Parse the ``present`` columns of ``table`` and add the absent ones.

    Requires: :data:`~partnerkit.load.checks.ROW` and the ``present`` columns, in any dtype.
    ``values`` are value mappings (see :func:`partnerkit.load.mapping.apply_values`),
    applied after the source text is kept, so errors quote the value as written. Other
    hidden columns (named ``__...``) are kept for the checks that read them.
    ``vocabularies`` gives, for some text columns, the :func:`vocabulary` of every value
    they hold: those columns are looked up (:func:`~partnerkit.load.mapping.relabel`)
    rather than parsed row by row (an empty vocabulary: read as they are).
    ``day_first`` and ``decimal`` say how to read slash dates and number separators (see
    :mod:`partnerkit.load.dates` and :mod:`partnerkit.load.text`); without them a column
    whose reading is ambiguous breaks the rule ``ambiguous_date`` / ``ambiguous_number``
    on the rows concerned, never a per-row guess (its fix in the words of ``style``). A
    deals table without a currency column takes each deal's currency from the symbol or
    code written in its amount (``$1,200`` is USD), so that amounts in several currencies
    are never added up raw; with a currency column, an amount naming another currency
    than its cell breaks ``mixed_currency`` on that row (it may be set aside), and a blank
    cell takes the
    currency its amount names (rule ``currency_from_amount``, a note). A date followed by
    a comma and its time (``1/15/2025, 9:05 AM``) is read as its date; a five-digit
    number in a date column is refused with a hint that it looks like an Excel serial
    date, never converted.

    Examples
    --------
    >>> import polars as pl
    >>> lf = pl.LazyFrame({ROW: [2, 3], "deal_id": ["d1", "d2"],
    ...                    "created_on": ["2025-01-05", "05/01/25"], "amount": ["5", "x"]})
    >>> out = conform(lf, table="deals", present=("deal_id", "created_on", "amount"))
    >>> out.frame.select("created_on", "amount").collect().rows()
    [(datetime.date(2025, 1, 5), 5.0), (datetime.date(2025, 5, 1), None)]
    >>> [c.rule for c in out.checks]
    ['ambiguous_date', 'bad_date', 'bad_date', 'ambiguous_number', 'bad_number', 'mixed_currency']
    """
    spec = TABLES[table]
    schema = frame.collect_schema()
    hidden = [n for n in schema.names() if n.startswith("__") and n != ROW]
    looked_up = {c: v for c, v in (vocabularies or {}).items() if c in present}
    kept = frame.with_columns(
        (
            relabel(source_text(pl.col(c.name), schema[c.name]), _pairs(looked_up[c.name], "raw"))
            if c.name in looked_up
            else _kept(c.name, schema[c.name], c.dtype)
        ).alias(raw(c.name))
        for c in spec.columns
        if c.name in present
    ).with_columns(  # text columns continue from their cleaned text, whatever the dtype
        (
            relabel(
                source_text(pl.col(c.name), schema[c.name]),
                _pairs(looked_up[c.name], "canonical"),
            )
            if c.name in looked_up
            else pl.col(raw(c.name))
        ).alias(c.name)
        for c in spec.columns
        if c.name in present
        and c.dtype == pl.String
        and (schema[c.name] != pl.Null or c.name in looked_up)
    )
    rest = [c for c in present if c not in looked_up]
    mapped = apply_values(kept, table=table, present=rest, maps=values)
    text_dates = [
        c.name
        for c in spec.columns
        if c.name in present and c.dtype == pl.Date and schema[c.name] == pl.String
    ]
    mapped = mapped.with_columns(date_text(pl.col(raw(c))).alias(_date(c)) for c in text_dates)
    mapped = parse_dates(
        mapped,
        {_parsed(c): _date(c) for c in text_dates},
        day_first=day_first,
        flag_ambiguous=True,
    )
    text_numbers = [
        c.name
        for c in spec.columns
        if c.name in present and c.dtype == pl.Float64 and schema[c.name] == pl.String
    ]
    mapped = parse_number_columns(
        mapped, {_parsed(c): raw(c) for c in text_numbers}, decimal=decimal
    )
    flagged = [*(c for c in text_dates if day_first is None), *text_numbers]
    marks = (
        table == "deals" and AMOUNT in text_numbers and CURRENCY not in present
    )  # the currency comes from the amounts
    beside = (
        table == "deals" and AMOUNT in text_numbers and CURRENCY in present
    )  # the amounts' marks are checked against the currency column
    parsed: list[pl.Expr] = []
    checks: list[Check] = []
    problems: list[Problem] = []
    for c in spec.columns:
        if c.name not in present:
            fill = c.default if c.default is not None else currency if c.name == CURRENCY else None
            parsed.append(pl.lit(fill, dtype=c.dtype).alias(c.name))
            continue
        if c.name in looked_up:  # the vocabulary holds the final values
            parsed.append(pl.col(c.name))
            continue
        dtype = schema[c.name]
        value, failed, why = _parse(c.name, dtype, c.dtype, day_first=day_first)
        if value is None:
            problems.append(
                Problem(
                    table,
                    c.name,
                    "wrong_type",
                    0,
                    message=f"{c.name} holds {dtype} values, which cannot be read as {c.dtype}",
                    origin=origin,
                )
            )
            value = pl.lit(None, dtype=c.dtype)
        if failed:
            rule = "bad_date" if c.dtype == pl.Date else "bad_number"
            fails = pl.col(raw(c.name)).is_not_null() & pl.col(c.name).is_null()
            if c.name in flagged:
                fails = fails & ~pl.col(_ambiguous(c.name))
                checks.append(_ambiguity_check(c.name, date=c.dtype == pl.Date, style=style))
            if c.name in text_dates:
                serial = pl.col(raw(c.name)).str.contains(EXCEL_SERIAL)
                checks.append(Check(c.name, rule, fails & ~serial, pl.col(raw(c.name)), why))
                checks.append(_serial_check(c.name, fails & serial))
            else:
                checks.append(Check(c.name, rule, fails, pl.col(raw(c.name)), why))
        if c.name == AMOUNT and marks:
            checks.append(currency_rule(currency, style=style, marks=True))
            if currency is not None:
                checks.append(_unmarked_check(currency))
        if c.name == CURRENCY:
            value = value.str.to_uppercase()
            if currency is not None:
                value = value.fill_null(pl.lit(currency))
        if c.default is not None:
            value = value.fill_null(pl.lit(c.default))
        parsed.append(value.alias(c.name))
    mark = pl.col(f"{_parsed(AMOUNT)}__currency")
    written = pl.col(raw(CURRENCY))
    if marks:  # each deal's currency is the one its amount names, else the portfolio's
        portfolio = pl.lit(currency, dtype=pl.String)
        parsed = [
            pl.coalesce(mark, portfolio).alias(CURRENCY) if e.meta.output_name() == CURRENCY else e
            for e in parsed
        ]
    taken = written.is_null() & mark.is_not_null()  # a blank cell beside a marked amount
    if beside:
        parsed = [
            pl.when(taken).then(mark).otherwise(e).alias(CURRENCY)
            if e.meta.output_name() == CURRENCY
            else e
            for e in parsed
        ]
        checks += _mark_checks(style)
    kept_raw = [
        (pl.coalesce(written, mark).alias(raw(n)) if beside and n == CURRENCY else pl.col(raw(n)))
        for n in spec.names
        if n in present
    ]
    out = mapped.select(
        pl.col(ROW),
        *parsed,
        *kept_raw,
        *[pl.col(f"{_parsed(n)}__ambiguous").alias(_ambiguous(n)) for n in flagged],
        *([mark.alias(raw(CURRENCY))] if marks else []),
        *(
            [taken.alias(_FROM_AMOUNT), pl.when(written.is_not_null()).then(mark).alias(_CONFLICT)]
            if beside
            else []
        ),
        *[pl.col(n) for n in hidden],
    )
    if beside:  # the cell's currency as read (value maps applied) against the amount's
        out = out.with_columns(
            (pl.col(_CONFLICT).is_not_null() & (pl.col(CURRENCY) != pl.col(_CONFLICT)))
            .fill_null(value=False)
            .alias(_CONFLICT)
        )
    changed = [date_text_changed(pl.col(raw(c))).any() for c in text_dates]
    if marks or beside:
        changed.append(
            pl.col(raw(CURRENCY)).is_not_null().any() if marks else pl.col(_FROM_AMOUNT).any()
        )
    replanned = pl.any_horizontal(changed).alias(REPLANNED) if changed else None
    return Conformed(out, tuple(checks), tuple(problems), replanned)


def _date(column: str) -> str:
    return f"__date_text_{column}"


def currency_rule(
    currency: str | None, /, *, style: HintStyle = "python", marks: bool = False
) -> Check:
    """Return the deals currency check (:func:`~partnerkit.load.contract.currency_check`).

    Its fixes are in the words of ``style``. The ``mixed_currency`` rule names the
    currencies found and the one most rows are in, or says plainly that none holds most
    rows (the rows quoted are then those outside the first of the tied currencies in
    alphabetical order); with ``marks`` (the currencies come from the amounts), it also
    counts the deals whose amount names no currency.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"currency": ["EUR", "USD", None]})
    >>> print(frame.select(currency_rule(None, marks=True).note).item())
    ... # doctest: +NORMALIZE_WHITESPACE
    found EUR, USD; no currency holds most rows (EUR and USD hold 1 row each: the rows
    quoted are those not in EUR); 1 deal names no currency in its amount
    >>> pl.DataFrame({"currency": ["EUR", "USD", "EUR"]}).select(currency_rule(None).note).item()
    'found EUR, USD; most rows are in EUR'
    >>> currency_rule("USD", style="cli").message.endswith("(pass --currency CODE --rates FILE, "
    ...     "a table of currency, date, rate)")
    True
    """
    check = currency_check(currency, style=style)
    if check.rule != "mixed_currency":
        return check
    col = pl.col(CURRENCY)
    # runs of the sorted codes: one per currency, in the same order however often evaluated
    counted = col.drop_nulls().sort().rle()
    n, code = counted.struct.field("len"), counted.struct.field("value")
    found = code.str.join(", ")
    top = n.max()
    tied = code.filter(n == top)
    majority = tied.first()
    each = pl.when(top == 1).then(pl.lit("row")).otherwise(pl.lit("rows"))
    note = (
        pl.when(tied.len() > 1)
        .then(
            pl.format(
                "found {}; no currency holds most rows ({} hold {} {} each: the rows "
                "quoted are those not in {})",
                found,
                tied.str.join(" and "),
                top,
                each,
                majority,
            )
        )
        .otherwise(pl.format("found {}; most rows are in {}", found, majority))
    )
    if marks:
        blank = col.is_null().sum()
        note = (
            pl.when(blank > 0)
            .then(
                pl.format(
                    "{}; {} {} no currency in {} amount",
                    note,
                    blank,
                    pl.when(blank == 1).then(pl.lit("deal names")).otherwise(pl.lit("deals name")),
                    pl.when(blank == 1).then(pl.lit("its")).otherwise(pl.lit("their")),
                )
            )
            .otherwise(note)
        )
    # the rows quoted are those not in the currency the note names, by the same expression
    failing = col.is_not_null() & (col != majority)
    return dataclasses.replace(check, failing=failing, note=note)


def _unmarked_check(currency: str, /) -> Check:
    """Return the ``blank_currency`` rule of deals whose amounts alone say their currency."""
    check = blank_currency_check(currency)
    return dataclasses.replace(
        check,
        shown=pl.col(raw(AMOUNT)),
        message=f"the amount names no currency while other amounts name another currency "
        f"than {currency}: it cannot be taken for {currency}; write its currency in the "
        "amount ($, €, £, or the code) or add a currency column",
    )


def _mark_checks(style: HintStyle) -> list[Check]:
    """Return the rules of amounts naming a currency beside a currency column.

    An amount naming another currency than its cell breaks ``mixed_currency`` on its row
    alone (it may be set aside); a blank cell beside a marked amount is a note.
    """
    return [
        Check(
            CURRENCY,
            "mixed_currency",
            pl.col(_CONFLICT),
            pl.format("{} beside currency {}", pl.col(raw(AMOUNT)), pl.col(raw(CURRENCY))),
            "the amount names another currency than the deal's currency cell, so the deal's "
            "currency is unknown; correct the amount or the currency cell in the source, or "
            f"set the row aside ({fix_hint('quarantine', style=style)})",
        ),
        Check(
            CURRENCY,
            "currency_from_amount",
            pl.col(_FROM_AMOUNT),
            pl.col(raw(AMOUNT)),
            "blank currency cell: the deal takes the currency its amount names",
            scope="note",
        ),
    ]


def _serial_check(column: str, fails: pl.Expr) -> Check:
    """Return the ``bad_date`` rule of numbers that look like Excel serial dates."""
    first = pl.col(raw(column)).filter(fails).first()
    day = pl.lit(_EXCEL_EPOCH) + pl.duration(days=first.cast(pl.Float64).floor().cast(pl.Int64))
    return Check(
        column,
        "bad_date",
        fails,
        pl.col(raw(column)),
        "a number where a date is expected: it looks like an Excel serial date (the days "
        "since 1899-12-30 Excel keeps for a date cell), which is not read as a date by "
        "guess; in the spreadsheet, format the column as dates (Format Cells > Date, or "
        "the custom format yyyy-mm-dd) and save or export the file again, so that the "
        "dates are written as text",
        note=pl.format("as a serial date, {} would be {}", first, day.dt.to_string("%Y-%m-%d")),
    )


def _ambiguous(column: str) -> str:
    return f"__ambiguous_{column}"


def _ambiguity_check(column: str, *, date: bool, style: HintStyle = "python") -> Check:
    """Return the rule broken by values whose reading the column leaves open."""
    if date:
        rule = "ambiguous_date"
        why = (
            "slash date whose order is ambiguous: the column also holds day-first dates "
            "(DD/MM, a day above 12 first), so 03/01 could be 3 January or 1 March; to read "
            f"the whole column one way, {fix_hint('day_first', style=style)}"
        )
    else:
        rule = "ambiguous_number"
        why = (
            "number whose decimal separator is ambiguous (1,200 could be 1200 or 1.2, or "
            "the column mixes 1,234.50 and 1.234,50); to read the whole column one way, "
            f"{fix_hint('decimal', style=style)}"
        )
    return Check(column, rule, pl.col(_ambiguous(column)), pl.col(raw(column)), why)


def _parsed(column: str) -> str:
    return f"__parsed_{column}"


def _parse(
    name: str, source: pl.DataType, target: pl.DataType, *, day_first: bool | None = None
) -> tuple[pl.Expr | None, bool, str]:
    """Return (parsed value, whether parsing can fail, failure message); None = wrong type."""
    col = pl.col(name)
    if source == pl.Null:
        return pl.lit(None, dtype=target), False, ""
    if target == pl.String:
        return pl.col(name), False, ""
    if target == pl.Date:
        formats = DAY_FIRST_FORMATS if day_first else DATE_FORMATS
        why = f"not a date in a known format ({'; '.join(formats)})"
        if source == pl.String:
            return pl.col(_parsed(name)), True, why
        if source == pl.Date:
            return col, False, ""
        if isinstance(source, pl.Datetime):
            return col.dt.date(), False, ""
        return None, False, ""
    if target == pl.Float64:
        why = "not a number"
        if source == pl.String:
            return pl.col(_parsed(name)), True, why
        if source.is_integer() or isinstance(source, _NUMERIC):
            number = col.cast(pl.Float64)
            return pl.when(number.is_nan()).then(None).otherwise(number), True, why
        return None, False, ""
    return None, False, ""  # pragma: no cover - the schema only uses these three dtypes


RATE_COLUMNS: tuple[str, ...] = ("currency", "date", "rate")
"""Columns of a currency rate table: ``rate`` is the value of one unit of ``currency`` in
the portfolio's currency, from ``date`` until the table's next date for that currency."""


def rate_table(rates: pl.DataFrame, /, *, origin: str = "rates") -> tuple[pl.DataFrame, list[str]]:
    """Parse a currency rate table; return it (sorted by date) and what is wrong with it.

    Requires: columns ``currency``, ``date`` and ``rate`` (any case; dates and rates may be
    text), and :data:`~partnerkit.load.checks.ROW` when the table was read from a file
    (each row's line; else rows are named by their 0-based index). Dates are read as the
    loader reads deals (a column also holding day-first dates is refused, not read two
    ways); rates with the table's own separators (:func:`~partnerkit.load.text.parse_rates`),
    never with the decimal option of the deals. A problem list that is not empty means the
    table cannot be used: each problem quotes the row's line and what is wrong with it,
    and the last says how to fix the table.

    Examples
    --------
    >>> import polars as pl
    >>> t, trouble = rate_table(pl.DataFrame({"Currency": ["eur", "usd"],
    ...     "Date": ["2024-01-01", "2024-01-01"], "Rate": ["1,10", "0.925"]}))
    >>> t.rows(), trouble
    ([('EUR', datetime.date(2024, 1, 1), 1.1), ('USD', datetime.date(2024, 1, 1), 0.925)], [])
    >>> _, trouble = rate_table(pl.DataFrame({ROW: [2, 3], "currency": ["EUR", "GBP"],
    ...     "date": ["2024-01-01", None], "rate": ["1.1", "abc"]}), origin="fx.csv")
    >>> for line in trouble:
    ...     print(line)  # doctest: +NORMALIZE_WHITESPACE
    fx.csv line 3 (GBP, blank, 'abc'): no date; the rate 'abc' is not a number
    correct the row in fx.csv: each row needs a currency code, a date (YYYY-MM-DD) and a
    rate above 0, the value of one unit of the currency in the portfolio currency, written
    like 1.0925
    """
    named = {c.strip().lower(): c for c in rates.columns if c != ROW}
    missing = [c for c in RATE_COLUMNS if c not in named]
    if missing:
        return pl.DataFrame(), [f"{origin}: the rate table needs columns {', '.join(missing)}"]
    kind = "line" if ROW in rates.columns else "row"
    numbers = rates[ROW].to_list() if ROW in rates.columns else list(range(rates.height))
    text = rates.select(
        clean_text(pl.col(named[c]).cast(pl.String)).alias(f"__{c}") for c in RATE_COLUMNS
    )
    dated = parse_dates(
        text.lazy().with_columns(date_text(pl.col("__date")).alias("__date_clean")),
        {"date": "__date_clean"},
        flag_ambiguous=True,
    ).collect()
    source = rates.schema[named["rate"]]
    if source.is_numeric():
        values = rates[named["rate"]].cast(pl.Float64).to_list()
        read = [(None, "missing") if v is None else (v, "") for v in values]
    else:
        read = parse_rates(text["__rate"].to_list())
    table = pl.DataFrame(
        {
            "currency": dated["__currency"].str.to_uppercase(),
            "date": dated["date"],
            "rate": pl.Series([v for v, _ in read], dtype=pl.Float64),
        }
    )
    trouble: list[str] = []
    wrong = 0
    for i, (cur, day_text, rate_text, ambiguous) in enumerate(
        zip(
            text["__currency"],
            text["__date"],
            text["__rate"],
            dated["date__ambiguous"],
            strict=True,
        )
    ):
        why = _rate_row_trouble(
            currency=cur,
            day_text=day_text,
            day=table["date"][i],
            ambiguous=ambiguous,
            rate_text=rate_text,
            rate=read[i][0],
            why_not=read[i][1],
        )
        if not why:
            continue
        wrong += 1
        if wrong <= SHOWN_ROWS:
            rate_shown = "blank" if rate_text is None else repr(rate_text)
            shown = f"({cur or 'blank'}, {day_text or 'blank'}, {rate_shown})"
            trouble.append(f"{origin} {kind} {numbers[i]} {shown}: {'; '.join(why)}")
    if wrong > SHOWN_ROWS:
        trouble.append(f"{origin}: ... and {wrong - SHOWN_ROWS} more rows")
    clean = table.sort("currency", "date")
    doubled = (
        table.with_columns(pl.Series(ROW, numbers))
        .filter(pl.col("currency").is_not_null() & pl.col("date").is_not_null())
        .filter(pl.struct("currency", "date").is_duplicated())
    )
    if doubled.height:
        cur, day = doubled.row(0)[:2]
        lines = ", ".join(
            str(n)
            for n in doubled.filter((pl.col("currency") == cur) & (pl.col("date") == day))[
                ROW
            ].to_list()
        )
        trouble.append(f"{origin}: two rates for {cur} on {day} ({kind}s {lines}); keep one")
    if trouble:
        rows = "the rows" if wrong > 1 else "the row"
        trouble.append(
            f"correct {rows} in {origin}: each row needs a currency code, a date (YYYY-MM-DD) "
            "and a rate above 0, the value of one unit of the currency in the portfolio "
            "currency, written like 1.0925"
            if wrong
            else f"correct {origin}"
        )
    return clean, trouble


def _rate_row_trouble(
    *,
    currency: str | None,
    day_text: str | None,
    day: dt.date | None,
    ambiguous: bool | None,
    rate_text: str | None,
    rate: float | None,
    why_not: str,
) -> list[str]:
    """Return what is wrong with one row of a rate table (nothing: an empty list)."""
    why: list[str] = []
    if currency is None:
        why.append("no currency")
    if day_text is None:
        why.append("no date")
    elif ambiguous:
        why.append(
            f"the date {day_text!r} is a slash date in a table that also holds day-first "
            "ones (a day above 12 first), so its order is unknown; write the dates as "
            "YYYY-MM-DD"
        )
    elif day is None:
        why.append(f"the date {day_text!r} is not a date in a known format")
    if why_not == "missing":
        why.append("no rate")
    elif why_not.startswith("ambiguous"):
        why.append(
            f"the rate {rate_text!r} is {why_not}; write it with a point as the decimal "
            "separator and no thousands separator (1350.5)"
        )
    elif rate is None:
        why.append(f"the rate {rate_text!r} is not a number")
    elif rate <= 0:
        why.append(f"the rate {rate_text!r} is not a rate above 0")
    return why


def conversion_probes(currency: str, /) -> tuple[pl.Expr, pl.Expr]:
    """Return aggregates over :func:`convert_amounts`' output: deals converted, and from what.

    ``__converted`` counts the deals whose amount was converted into ``currency``;
    ``__converted_from`` lists their currencies, comma-separated.

    >>> frame = pl.DataFrame({"__no_rate_currency": ["EUR", "USD", "GBP", "EUR", "JPY"],
    ...     "__no_rate": [False, False, False, False, True]})
    >>> frame.select(conversion_probes("USD")).row(0)
    (3, 'EUR, GBP')
    """
    was = pl.col("__no_rate_currency")
    done = was.is_not_null() & (was != currency) & ~pl.col("__no_rate")
    return (
        done.sum().cast(pl.Int64).alias("__converted"),
        was.filter(done).unique().sort().str.join(", ").alias("__converted_from"),
    )


def convert_amounts(
    frame: pl.LazyFrame, /, *, rates: pl.DataFrame, currency: str
) -> tuple[pl.LazyFrame, Check]:
    """Convert deal amounts into ``currency`` at each deal's rate; return the frame and rule.

    Requires: conformed deals (``amount``, ``currency``, ``outcome``, ``created_on``,
    ``closed_on``) and a :func:`rate_table`. A deal's rate is the latest rate of its
    currency dated on or before its **close date** when it is won or lost, or its
    **created date** when it is open (an expected close date is no event); converted
    amounts are rounded to cents. Deals already
    in ``currency`` (or with none) keep their amount; every converted deal is then in
    ``currency``. A deal in another currency with no rate on or before its date breaks
    the row rule ``no_rate`` (its amount is left unconverted, so it must be fixed or set
    aside).

    Examples
    --------
    >>> import datetime as dt, polars as pl
    >>> rates = pl.DataFrame({"currency": ["EUR", "EUR"],
    ...     "date": [dt.date(2024, 1, 1), dt.date(2024, 7, 1)], "rate": [1.1, 1.2]})
    >>> deals = pl.LazyFrame({ROW: [2, 3, 4], "amount": [100.0, 100.0, 100.0],
    ...     "currency": ["EUR", "EUR", "USD"], "outcome": ["won", "open", "won"],
    ...     "created_on": [dt.date(2024, 2, 1)] * 3,
    ...     "closed_on": [dt.date(2024, 8, 1), dt.date(2024, 9, 1), dt.date(2024, 3, 1)]})
    >>> out, rule = convert_amounts(deals, rates=rates, currency="USD")
    >>> out.select("amount", "currency").collect().rows()
    [(120.0, 'USD'), (110.0, 'USD'), (100.0, 'USD')]
    """
    day = (
        pl.when(pl.col("outcome") == "open")
        .then(pl.col("created_on"))
        .otherwise(pl.col("closed_on"))
    )
    foreign = pl.col(CURRENCY).is_not_null() & (pl.col(CURRENCY) != currency)
    table = rates.lazy().select(
        pl.col("currency").alias("__rate_currency"),
        pl.col("date").alias("__rate_on"),
        pl.col("rate").alias("__rate"),
    )
    keyed = frame.with_columns(
        day.fill_null(dt.date.min).alias("__rate_day"),
        pl.when(foreign).then(pl.col(CURRENCY)).alias("__rate_currency"),
    )
    joined = (
        keyed.sort("__rate_day")
        .join_asof(
            table,
            left_on="__rate_day",
            right_on="__rate_on",
            by="__rate_currency",
            strategy="backward",
            check_sortedness=False,
        )
        .sort(ROW)
    )
    rate = pl.col("__rate")
    missing = foreign & rate.is_null()
    converted = joined.with_columns(
        pl.when(foreign & rate.is_not_null())
        .then((pl.col(AMOUNT) * rate).round(2))
        .otherwise(pl.col(AMOUNT))
        .alias(AMOUNT),
        # a deal without a rate breaks no_rate alone (not other_currency as well)
        pl.lit(currency).alias(CURRENCY),
        missing.alias("__no_rate"),
        pl.col(CURRENCY).alias("__no_rate_currency"),
    ).drop("__rate_day", "__rate_currency", "__rate_on", "__rate")
    rule = Check(
        CURRENCY,
        "no_rate",
        pl.col("__no_rate"),
        pl.col("__no_rate_currency"),
        f"no rate to {currency} on or before the deal's date (close date of a won or lost "
        "deal, created date of an open one) in the rate table",
    )
    return converted, rule
