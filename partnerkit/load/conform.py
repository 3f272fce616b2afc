"""Give a mapped table its canonical shape: every column, canonical order and dtype.

Each supplied column is parsed from whatever the source gave (text from CSV, native
dtypes from Parquet or frames) into its canonical dtype; its source text is kept next to
it (``__raw_<column>``) so a value that does not parse can be quoted in the error. Absent
optional columns are added as nulls, or as the schema default (partner ``status``
``"active"``); a null in a defaulted column also takes the default.

- text columns: trimmed, empty or ``NULL`` -> null; numbers become their text;
- date columns: see :mod:`partnerkit.load.dates`; Datetime values keep their date;
- amount/hours columns: see :func:`partnerkit.load.text.parse_numbers`; NaN is an error;
- value mappings apply to text columns; dates and numbers are parsed from the source text;
- ``currency``: upper case; when the loader is given a currency, nulls take it.

Examples
--------
>>> import polars as pl
>>> from partnerkit.validate import ROW
>>> lf = pl.LazyFrame({ROW: [0], "partner_id": [" p1 "], "name": ["Acme"]})
>>> out = conform(lf, table="partners", present=("partner_id", "name"))
>>> out.frame.select(TABLES["partners"].names).collect().row(0)
('p1', 'Acme', None, None, None, None, None, 'active', None)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from partnerkit.load.dates import DATE_FORMATS, parse_dates
from partnerkit.load.mapping import ValueMap, apply_values
from partnerkit.load.text import clean_text, parse_numbers
from partnerkit.schema import TABLES
from partnerkit.validate import ROW, Check, Problem, raw

__all__ = ["Conformed", "conform"]

CURRENCY = TABLES["deals"].column("currency").name
_NUMERIC = (pl.Float32, pl.Float64, pl.Decimal)


@dataclass(frozen=True)
class Conformed:
    """A table in canonical shape, with the checks its parsing implies.

    ``frame`` holds :data:`~partnerkit.validate.ROW`, every canonical column and the raw
    text of each supplied one; ``checks`` flag values that did not parse; ``problems``
    list columns whose dtype cannot be converted at all.
    """

    frame: pl.LazyFrame
    checks: tuple[Check, ...]
    problems: tuple[Problem, ...]


def _as_text(column: str, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(column)
    if dtype == pl.String:
        return clean_text(col)
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
) -> Conformed:
    """Parse the ``present`` columns of ``table`` and add the absent ones.

    Requires: :data:`~partnerkit.validate.ROW` and the ``present`` columns, in any dtype.
    ``values`` are value mappings (see :func:`partnerkit.load.mapping.apply_values`),
    applied after the source text is kept, so errors quote the value as written. Other
    hidden columns (named ``__...``) are kept for the checks that read them.

    Examples
    --------
    >>> import polars as pl
    >>> lf = pl.LazyFrame({ROW: [2, 3], "deal_id": ["d1", "d2"],
    ...                    "created_on": ["2025-01-05", "05/01/25"], "amount": ["5", "x"]})
    >>> out = conform(lf, table="deals", present=("deal_id", "created_on", "amount"))
    >>> out.frame.select("created_on", "amount").collect().rows()
    [(datetime.date(2025, 1, 5), 5.0), (datetime.date(2025, 5, 1), None)]
    >>> [c.rule for c in out.checks]
    ['bad_date', 'bad_number']
    """
    spec = TABLES[table]
    schema = frame.collect_schema()
    hidden = [n for n in schema.names() if n.startswith("__") and n != ROW]
    kept = frame.with_columns(
        _as_text(c, schema[c]).alias(raw(c)) for c in spec.names if c in present
    ).with_columns(  # text columns continue from their cleaned text, whatever the dtype
        pl.col(raw(c.name)).alias(c.name)
        for c in spec.columns
        if c.name in present and c.dtype == pl.String and schema[c.name] != pl.Null
    )
    mapped = apply_values(kept, table=table, present=present, maps=values)
    text_dates = [
        c.name
        for c in spec.columns
        if c.name in present and c.dtype == pl.Date and schema[c.name] == pl.String
    ]
    mapped = parse_dates(mapped, {_parsed(c): raw(c) for c in text_dates})
    parsed: list[pl.Expr] = []
    checks: list[Check] = []
    problems: list[Problem] = []
    for c in spec.columns:
        if c.name not in present:
            fill = c.default if c.default is not None else currency if c.name == CURRENCY else None
            parsed.append(pl.lit(fill, dtype=c.dtype).alias(c.name))
            continue
        dtype = schema[c.name]
        value, failed, why = _parse(c.name, dtype, c.dtype)
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
            checks.append(Check(c.name, rule, fails, pl.col(raw(c.name)), why))
        if c.name == CURRENCY:
            value = value.str.to_uppercase()
            if currency is not None:
                value = value.fill_null(pl.lit(currency))
        if c.default is not None:
            value = value.fill_null(pl.lit(c.default))
        parsed.append(value.alias(c.name))
    out = mapped.select(
        pl.col(ROW),
        *parsed,
        *[pl.col(raw(n)) for n in spec.names if n in present],
        *[pl.col(n) for n in hidden],
    )
    return Conformed(out, tuple(checks), tuple(problems))


def _parsed(column: str) -> str:
    return f"__parsed_{column}"


def _parse(name: str, source: pl.DataType, target: pl.DataType) -> tuple[pl.Expr | None, bool, str]:
    """Return (parsed value, whether parsing can fail, failure message); None = wrong type."""
    col = pl.col(name)
    if source == pl.Null:
        return pl.lit(None, dtype=target), False, ""
    if target == pl.String:
        return pl.col(name), False, ""
    if target == pl.Date:
        why = f"not a date in a known format ({'; '.join(DATE_FORMATS)})"
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
            return parse_numbers(pl.col(raw(name))), True, why
        if source.is_integer() or isinstance(source, _NUMERIC):
            number = col.cast(pl.Float64)
            return pl.when(number.is_nan()).then(None).otherwise(number), True, why
        return None, False, ""
    return None, False, ""  # pragma: no cover - the schema only uses these three dtypes
