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

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from partnerkit.load.checks import ROW, Check, raw
from partnerkit.load.contract import currency_check
from partnerkit.load.dates import DATE_FORMATS, DAY_FIRST_FORMATS, parse_dates
from partnerkit.load.mapping import ValueMap, apply_values, relabel
from partnerkit.load.problems import HintStyle, Problem, fix_hint
from partnerkit.load.text import clean_text, parse_number_columns
from partnerkit.schema import TABLES

__all__ = [
    "RATE_COLUMNS",
    "VOCABULARY_LIMIT",
    "Conformed",
    "conform",
    "convert_amounts",
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
    list columns whose dtype cannot be converted at all.
    """

    frame: pl.LazyFrame
    checks: tuple[Check, ...]
    problems: tuple[Problem, ...]


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
    are never added up raw.

    Examples
    --------
    >>> import polars as pl
    >>> lf = pl.LazyFrame({ROW: [2, 3], "deal_id": ["d1", "d2"],
    ...                    "created_on": ["2025-01-05", "05/01/25"], "amount": ["5", "x"]})
    >>> out = conform(lf, table="deals", present=("deal_id", "created_on", "amount"))
    >>> out.frame.select("created_on", "amount").collect().rows()
    [(datetime.date(2025, 1, 5), 5.0), (datetime.date(2025, 5, 1), None)]
    >>> [c.rule for c in out.checks]
    ['ambiguous_date', 'bad_date', 'ambiguous_number', 'bad_number', 'mixed_currency']
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
    mapped = parse_dates(
        mapped,
        {_parsed(c): raw(c) for c in text_dates},
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
            checks.append(Check(c.name, rule, fails, pl.col(raw(c.name)), why))
        if c.name == AMOUNT and marks:
            checks.append(currency_check(currency))
        if c.name == CURRENCY:
            value = value.str.to_uppercase()
            if currency is not None:
                value = value.fill_null(pl.lit(currency))
        if c.default is not None:
            value = value.fill_null(pl.lit(c.default))
        parsed.append(value.alias(c.name))
    if marks:  # each deal's currency is the one its amount names, else the portfolio's
        mark = pl.col(f"{_parsed(AMOUNT)}__currency")
        portfolio = pl.lit(currency, dtype=pl.String)
        parsed = [
            pl.coalesce(mark, portfolio).alias(CURRENCY) if e.meta.output_name() == CURRENCY else e
            for e in parsed
        ]
    out = mapped.select(
        pl.col(ROW),
        *parsed,
        *[pl.col(raw(n)) for n in spec.names if n in present],
        *[pl.col(f"{_parsed(n)}__ambiguous").alias(_ambiguous(n)) for n in flagged],
        *([pl.col(f"{_parsed(AMOUNT)}__currency").alias(raw(CURRENCY))] if marks else []),
        *[pl.col(n) for n in hidden],
    )
    return Conformed(out, tuple(checks), tuple(problems))


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


def rate_table(
    rates: pl.DataFrame, /, *, origin: str = "rates", decimal: str | None = None
) -> tuple[pl.DataFrame, list[str]]:
    """Parse a currency rate table; return it (sorted by date) and what is wrong with it.

    Requires: columns ``currency``, ``date`` and ``rate`` (any case; dates and rates may be
    text, read as the loader reads deals). A problem list that is not empty means the
    table cannot be used.

    Examples
    --------
    >>> import polars as pl
    >>> t, trouble = rate_table(pl.DataFrame({"Currency": ["eur"], "Date": ["2024-01-01"],
    ...                                       "Rate": ["1,10"]}))
    >>> t.rows(), trouble
    ([('EUR', datetime.date(2024, 1, 1), 1.1)], [])
    """
    named = {c.strip().lower(): c for c in rates.columns}
    missing = [c for c in RATE_COLUMNS if c not in named]
    if missing:
        return pl.DataFrame(), [f"{origin}: the rate table needs columns {', '.join(missing)}"]
    text = rates.select(
        clean_text(pl.col(named[c]).cast(pl.String)).alias(f"__{c}") for c in RATE_COLUMNS
    ).lazy()
    text = parse_dates(text, {"date": "__date"})
    text = parse_number_columns(text, {"rate": "__rate"}, decimal=decimal)
    table = text.select(
        pl.col("__currency").str.to_uppercase().alias("currency"),
        pl.col("date"),
        pl.col("rate"),
        pl.col("__date").alias("__date_text"),
        pl.col("__rate").alias("__rate_text"),
    ).collect()
    bad = table.filter(
        pl.col("currency").is_null()
        | pl.col("date").is_null()
        | pl.col("rate").is_null()
        | (pl.col("rate") <= 0)
    )
    trouble = [
        f"{origin}: rate row {i + 1} ({cur}, {day}, {rate}) needs a currency, a date and a "
        "rate above 0"
        for i, (cur, day, rate) in enumerate(
            bad.select("currency", "__date_text", "__rate_text").head(5).rows()
        )
    ]
    clean = table.select(RATE_COLUMNS).sort("currency", "date")
    doubled = clean.filter(pl.struct("currency", "date").is_duplicated())
    if doubled.height:
        cur, day = doubled.row(0)[:2]
        trouble.append(f"{origin}: two rates for {cur} on {day}")
    return clean, trouble


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
