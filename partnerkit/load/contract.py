"""The data contract: the row checks the canonical schema implies for each table.

Every rule of the canonical schema (:mod:`partnerkit.schema`) becomes a :class:`Check`
here: nulls in required columns, values outside the allowed set, negative amounts,
duplicate ids, the cross-column rules of deals and investments, partner references and the
one-currency rule. :mod:`partnerkit.load.checks` evaluates them.

Examples
--------
>>> [c.rule for c in contract_checks("investments", present=["starts_on", "ends_on"])]
['missing_value', 'ends_before_starts']
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from partnerkit.load.checks import ENGINE, ROW, Check, raw
from partnerkit.load.problems import HintStyle, RowKind, fix_hint
from partnerkit.schema import TABLES, Column

__all__ = ["blank_currency_check", "contract_checks", "currency_check", "partner_reference"]

# Column and table names the cross-column rules use, read from the schema.
DEALS, INVESTMENTS = TABLES["deals"].name, TABLES["investments"].name
PARTNER_ID = TABLES["partners"].column("partner_id").name
OUTCOME = TABLES[DEALS].column("outcome").name
CREATED_ON = TABLES[DEALS].column("created_on").name
CLOSED_ON = TABLES[DEALS].column("closed_on").name
CURRENCY = TABLES[DEALS].column("currency").name
AMOUNT = TABLES[DEALS].column("amount").name
STARTS_ON = TABLES[INVESTMENTS].column("starts_on").name
ENDS_ON = TABLES[INVESTMENTS].column("ends_on").name
CLOSED_OUTCOMES = tuple(o for o in TABLES[DEALS].column(OUTCOME).allowed or () if o != "open")


def _is_missing(column: str) -> pl.Expr:
    return pl.col(raw(column)).is_null()


def contract_checks(
    table: str,
    /,
    *,
    present: Collection[str],
    row_kind: RowKind = "line",
    style: HintStyle = "python",
) -> tuple[Check, ...]:
    """Return the row checks the schema implies for ``table``, over its supplied columns.

    Requires: each column of ``present`` parsed to its canonical dtype, next to its
    :func:`raw` text column. Checks: nulls in non-nullable columns, values outside the
    allowed set, negative amounts/hours, duplicate ids (later rows are the offenders),
    won or lost deals without a close date, a close date before the create date, an
    investment ending before it starts. Partner references and currencies are checked by
    :func:`partner_reference` and :func:`currency_check`. A deal's empty amount is told how
    to be read as zero (open deals often have none yet), in the words of ``style``.

    Examples
    --------
    >>> [c.rule for c in contract_checks("deals", present=["deal_id", "amount"])]
    ['missing_value', 'duplicate', 'missing_value', 'negative']
    """
    spec = TABLES[table]
    checks: list[Check] = []
    for c in spec.columns:
        if c.name not in present:
            continue
        col = pl.col(c.name)
        if not c.nullable and c.default is None:
            checks.append(
                Check(
                    c.name,
                    "missing_value",
                    _is_missing(c.name),
                    pl.lit(None, pl.String),
                    f"{c.name} is required but empty{_empty_fix(table, c.name, style)}",
                )
            )
        if c.allowed is not None:
            checks.append(
                Check(
                    c.name,
                    "not_allowed",
                    col.is_not_null() & ~col.is_in(c.allowed),
                    pl.col(raw(c.name)),
                    f"{c.name} must be one of the allowed values{_label_fix(table, c, style)}",
                    allowed=c.allowed,
                )
            )
        if c.non_negative:
            checks.append(
                Check(
                    c.name,
                    "negative",
                    col < 0,
                    pl.col(raw(c.name)),
                    f"{c.name} must be zero or more",
                )
            )
        if c.unique:
            first = pl.col(ROW).first().over(c.name)
            checks.append(
                Check(
                    c.name,
                    "duplicate",
                    col.is_not_null() & ~col.is_first_distinct(),
                    pl.format("{} (first on {} {})", col, pl.lit(row_kind), first),
                    f"{c.name} must be unique; each value shown repeats an earlier {row_kind}",
                    screen=_repeated_hashes(col),
                )
            )
    checks += _cross_checks(table, present)
    return tuple(checks)


def _label_fix(table: str, column: Column, style: HintStyle) -> str:
    """How to read a source's own labels as the allowed values, on the command line.

    In Python the notebooks' problem table says it in its own column; on the command line
    the message is all there is.

    >>> from partnerkit.schema import TABLES
    >>> print(_label_fix("deals", TABLES["deals"].column("outcome"), "cli").strip())
    ... # doctest: +NORMALIZE_WHITESPACE
    (to read your own labels as them, add [values.deals.outcome] "Your label" = "open" to a
    --mapping file)
    """
    if style != "cli" or not column.allowed:
        return ""
    first = column.allowed[0]
    fix = fix_hint("map_value", style=style, table=table, column=column.name, value=first)
    return f" (to read your own labels as them, {fix})"


def _empty_fix(table: str, column: str, style: HintStyle) -> str:
    """How to read an empty deal amount (an open deal not yet priced) as zero, or ''."""
    if (table, column) != (DEALS, AMOUNT):
        return ""
    fix = fix_hint("default", style=style, table=table, column=column, value="0")
    return f" (to read an empty amount as 0, as for open deals not yet priced: {fix})"


def _repeated_hashes(column: pl.Expr) -> pl.Expr:
    """Count non-null values whose hash equals another's: zero proves them distinct.

    Sorting the 64-bit hashes and comparing neighbours costs far less memory and time
    than hashing the ids into a set; a positive count (a repeat, or a rare collision)
    sends the rule to the exact count.
    """
    hashes = column.drop_nulls().hash().sort()
    return (hashes == hashes.shift(1)).sum()


def _cross_checks(table: str, present: Collection[str]) -> list[Check]:
    def has(*names: str) -> bool:
        return all(n in present for n in names)

    out: list[Check] = []
    if table == DEALS and has(OUTCOME, CLOSED_ON):
        closed = pl.col(OUTCOME).is_in(CLOSED_OUTCOMES)
        out.append(
            Check(
                CLOSED_ON,
                "closed_without_date",
                closed & _is_missing(CLOSED_ON),
                pl.col(OUTCOME),
                "won and lost deals need a close date",
            )
        )
    if table == DEALS and has(CREATED_ON, CLOSED_ON):
        early = pl.col(CLOSED_ON) < pl.col(CREATED_ON)
        if has(OUTCOME):  # an open deal's close date is an expected one, not a close
            early = early & pl.col(OUTCOME).is_in(CLOSED_OUTCOMES)
        out.append(
            Check(
                CLOSED_ON,
                "close_before_create",
                early,
                pl.format("closed {} < created {}", pl.col(CLOSED_ON), pl.col(CREATED_ON)),
                "the close date is before the create date",
            )
        )
    if table == INVESTMENTS and has(STARTS_ON, ENDS_ON):
        out.append(
            Check(
                ENDS_ON,
                "ends_before_starts",
                pl.col(ENDS_ON) < pl.col(STARTS_ON),
                pl.format("ends {} < starts {}", pl.col(ENDS_ON), pl.col(STARTS_ON)),
                "the investment ends before it starts",
            )
        )
    return out


def partner_reference(
    frame: pl.LazyFrame, partner_ids: pl.LazyFrame | pl.Series, /
) -> tuple[pl.LazyFrame, Check]:
    """Return ``frame`` as it is and the check that its partners are known.

    Requires: ``partner_id`` in ``frame`` (and in ``partner_ids`` when it is a frame).
    The known ids are collected once (a LazyFrame is collected here) and the check is a
    membership test, so the check plan needs no join. A null ``partner_id`` passes (a
    direct deal; other tables check nulls separately).

    Examples
    --------
    >>> import polars as pl
    >>> deals = pl.LazyFrame({ROW: [2, 3, 4], PARTNER_ID: ["p1", "p9", None]})
    >>> framed, check = partner_reference(deals, pl.LazyFrame({PARTNER_ID: ["p1"]}))
    >>> framed.select(check.failing).collect().to_series().to_list()
    [False, True, False]
    """
    ids = (
        partner_ids
        if isinstance(partner_ids, pl.Series)
        else partner_ids.select(PARTNER_ID).collect(engine=ENGINE).to_series()
    )
    known = ids.drop_nulls().unique().cast(pl.String)
    col = pl.col(PARTNER_ID)
    check = Check(
        PARTNER_ID,
        "unknown_partner",
        col.is_not_null() & ~col.is_in(known.implode()),
        col,
        "partner_id is not in the partners table (add the partner there, or correct the id)",
    )
    return frame, check


def blank_currency_check(currency: str, /) -> Check:
    """Return the rule that a deal's currency is not blank when the deals hold several.

    A blank currency among deals in one currency is that currency (the portfolio's, given
    as ``currency``); among deals in several, taking it for the portfolio's would be a guess
    that a wrong rate, or none, cannot reveal.

    >>> frame = pl.DataFrame({raw(CURRENCY): ["EUR", None, "usd"]})
    >>> frame.select(blank_currency_check("USD").failing).to_series().to_list()
    [False, True, False]
    >>> one = pl.DataFrame({raw(CURRENCY): ["USD", None]})
    >>> one.select(blank_currency_check("USD").failing).to_series().to_list()
    [False, False]
    """
    written = pl.col(raw(CURRENCY)).cast(pl.String).str.strip_chars().str.to_uppercase()
    other = (written.is_not_null() & (written != currency)).any()
    return Check(
        CURRENCY,
        "blank_currency",
        written.is_null() & other,
        pl.lit("(blank)"),
        f"the deal has no currency while others are in another currency than {currency}: "
        f"it cannot be taken for {currency}; fill in its currency in the source",
        screen=(written.is_null().any() & other).cast(pl.Int64),
    )


def currency_check(currency: str | None, /, *, style: HintStyle = "python") -> Check:
    """Return the deals currency check: one currency per portfolio.

    Without ``currency``, rows in other currencies than the most common one break the
    table rule ``mixed_currency``; with it, rows in another currency break the row rule
    ``other_currency`` (and may be set aside).

    >>> currency_check("USD").rule, currency_check(None).scope
    ('other_currency', 'table')
    """
    col = pl.col(CURRENCY)
    if currency is not None:
        return Check(
            CURRENCY,
            "other_currency",
            col.is_not_null() & (col != currency),
            pl.col(raw(CURRENCY)),
            f"the portfolio currency is {currency}; convert the others with a rate table "
            f"({fix_hint('rates', style=style)})",
        )
    majority = col.drop_nulls().mode().sort().first()
    found = col.drop_nulls().unique().sort().str.join(", ")
    return Check(
        CURRENCY,
        "mixed_currency",
        col.is_not_null() & (col != majority),
        pl.col(raw(CURRENCY)),
        "deal amounts are in more than one currency and cannot be added up; convert them "
        f"with a rate table ({fix_hint('rates', style=style)}), or "
        f"{fix_hint('currency', style=style)} to keep one (other rows are then errors, or "
        f"set aside: {fix_hint('quarantine', style=style)})",
        note=pl.format("found {}; most rows are in {}", found, majority),
        scope="table",
        screen=(col.min() != col.max()).cast(pl.Int64),  # zero when one currency or none
    )
