"""Parse the date spellings real CRM exports use, as one polars expression.

Accepted spellings (surrounding whitespace is ignored):

- ISO dates ``2024-01-22`` (also ``2024/01/22``);
- ISO datetimes ``2024-01-22T16:14:25.000+0000``, ``2024-01-22T16:14:25Z``,
  ``2025-11-28 16:14`` and the like: the **date as written** is kept, the time and any
  offset are ignored (an export stamped in UTC keeps its UTC date);
- slash dates ``MM/DD/YYYY`` and ``MM/DD/YY`` (US, the default), or ``DD/MM/YYYY`` and
  ``DD/MM/YY`` with ``day_first=True``, optionally followed by a time such as
  ``08:55 PM`` or ``20:55``. Two-digit years follow the POSIX rule: ``00``-``68`` are
  2000-2068 and ``69``-``99`` are 1969-1999, so ``01/02/24`` is 2 January 2024 and never
  the year 24.
- dotted dates ``DD.MM.YYYY`` and ``DD.MM.YY`` (European exports), always day-first: no
  export writes a month first between dots.

A column is read **one way for all its rows**, never mixed per row. Without the
``day_first`` option the slash dates of a column are read month-first; when the column
also holds a date that can only be day-first (``25/01/2024``: no month 25), every slash
date of that column is flagged as ambiguous (``03/01/2024`` could then be either), for the
loader to reject with a request for the option: a silent 1 March is never produced. With
``day_first=True`` (or ``False``) the whole column is read that way and a date impossible
that way (``01/25/2024`` day-first) is an unparseable value.

Anything else, including impossible dates such as ``2024-02-30`` or ``13/45/2024``, parses
to null; the loader reports every such value as an error rather than keeping the null.

Examples
--------
>>> import polars as pl
>>> lf = pl.LazyFrame({"d": ["2024-01-22T16:14:25.000+0000", "02/23/26 08:55 PM", "31/12/2024"]})
>>> parse_dates(lf, {"d": "d"}).collect()["d"].to_list()
[datetime.date(2024, 1, 22), datetime.date(2026, 2, 23), None]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl

__all__ = ["DATE_FORMATS", "DAY_FIRST_FORMATS", "TWO_DIGIT_YEAR_PIVOT", "parse_dates"]

DATE_FORMATS: tuple[str, ...] = (
    "YYYY-MM-DD",
    "YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HHMM]",
    "YYYY-MM-DD HH:MM[:SS]",
    "MM/DD/YYYY [HH:MM [AM|PM]]",
    "MM/DD/YY [HH:MM [AM|PM]]",
    "DD.MM.YYYY [HH:MM]",
    "DD.MM.YY [HH:MM]",
)
"""Human-readable list of the accepted spellings (month-first slash dates, the default)."""

DAY_FIRST_FORMATS: tuple[str, ...] = (
    *DATE_FORMATS[:3],
    "DD/MM/YYYY [HH:MM [AM|PM]]",
    "DD/MM/YY [HH:MM [AM|PM]]",
    *DATE_FORMATS[5:],
)
"""The accepted spellings with ``day_first=True``, quoted in error messages."""

TWO_DIGIT_YEAR_PIVOT = 69
"""Two-digit years below this are 20xx, the others 19xx (the POSIX ``%y`` rule)."""

_CLOCK = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
_TIME = r"(?:[T ]\s*" + _CLOCK + r"\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO = r"^(\d{4}[-/]\d{1,2}[-/]\d{1,2})" + _TIME + "$"
_US = r"^(\d{1,2}/\d{1,2}/(?:\d{4}|\d{2}))" + _TIME + "$"
_DOTTED = r"^(\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2}))" + _TIME + "$"


def parse_dates(
    frame: pl.LazyFrame,
    /,
    columns: Mapping[str, str],
    *,
    day_first: bool | None = None,
    flag_ambiguous: bool = False,
) -> pl.LazyFrame:
    """Add ``pl.Date`` columns parsed from text columns (null when unparseable).

    Requires: the String columns named by the values of ``columns``, a mapping of output
    column -> input column. Null stays null; a value matching none of
    :data:`DATE_FORMATS`, or naming an impossible day, becomes null too, so compare with
    the input to find the failures. The work is staged in a few ``with_columns`` steps so
    that each intermediate is computed once; plain ISO dates skip the patterns.

    ``day_first`` reads slash dates ``DD/MM/YYYY`` (True) or ``MM/DD/YYYY`` (False or None).
    With ``flag_ambiguous`` and no ``day_first``, each output column ``c`` gets a Boolean
    ``c + "__ambiguous"``: true on every slash date of a column that also holds a date only
    valid day-first (see the module notes); those values are left null.

    >>> lf = pl.LazyFrame({"d": ["03/01/2024", "25/01/2024", "2024-02-01"]})
    >>> parse_dates(lf, {"x": "d"}, day_first=True).collect()["x"].to_list()
    [datetime.date(2024, 1, 3), datetime.date(2024, 1, 25), datetime.date(2024, 2, 1)]
    >>> parse_dates(lf, {"x": "d"}, flag_ambiguous=True).collect()["x__ambiguous"].to_list()
    [True, True, False]

    Examples
    --------
    >>> import polars as pl
    >>> lf = pl.LazyFrame({"d": ["2025-11-28 16:14", "1/2/24", "01/02/1999", "soon", None]})
    >>> parse_dates(lf, {"day": "d"}).collect()["day"].to_list()
    ... # doctest: +NORMALIZE_WHITESPACE
    [datetime.date(2025, 11, 28), datetime.date(2024, 1, 2), datetime.date(1999, 1, 2),
     None, None]
    """
    if not columns:
        return frame
    names = list(columns.items())

    def tmp(i: int, step: str) -> str:
        return f"__date{i}_{step}"

    def stage(make: Callable[[int, str, str], pl.Expr]) -> list[pl.Expr]:
        return [make(i, out, src) for i, (out, src) in enumerate(names)]

    def col(i: int, step: str) -> pl.Expr:
        return pl.col(tmp(i, step))

    steps: list[list[pl.Expr]] = [
        stage(lambda i, _o, src: pl.col(src).str.strip_chars().alias(tmp(i, "s"))),
        # Fast path: plain ISO dates, the common case, need no regular expression.
        stage(
            lambda i, _o, _s: (
                pl.when(col(i, "s").str.len_chars() == 10)
                .then(col(i, "s").str.to_date("%Y-%m-%d", strict=False))
                .alias(tmp(i, "direct"))
            )
        ),
        # The year check stops a 5- or 6-digit "year" slipping through the length test.
        stage(
            lambda i, _o, _s: (
                pl.when(col(i, "direct").dt.year().is_between(1000, 9999))
                .then(col(i, "direct"))
                .alias(tmp(i, "fast"))
            )
        ),
        # Everything else goes through the patterns (string functions skip the nulls).
        stage(
            lambda i, _o, _s: (
                pl.when(col(i, "fast").is_null()).then(col(i, "s")).alias(tmp(i, "rest"))
            )
        ),
        stage(
            lambda i, _o, _s: (
                col(i, "rest")
                .str.extract(_ISO, 1)
                .str.replace_all("/", "-", literal=True)
                .alias(tmp(i, "iso"))
            )
        )
        + stage(lambda i, _o, _s: col(i, "rest").str.extract(_US, 1).alias(tmp(i, "us")))
        + stage(
            lambda i, _o, _s: (
                col(i, "rest")
                .str.extract(_DOTTED, 1)
                .str.replace_all(".", "/", literal=True)
                .alias(tmp(i, "dot"))
            )
        ),
        stage(
            lambda i, _o, _s: (
                col(i, "us").str.extract(r"/(\d{2})$", 1).cast(pl.Int32).alias(tmp(i, "yy"))
            )
        ),
        # Two-digit years get their century here (the POSIX rule), never year 0024.
        stage(
            lambda i, _o, _s: (
                pl.when(col(i, "yy").is_not_null())
                .then(
                    pl.concat_str(
                        col(i, "us").str.head(-2),
                        pl.when(col(i, "yy") < TWO_DIGIT_YEAR_PIVOT)
                        .then(pl.lit("20"))
                        .otherwise(pl.lit("19")),
                        col(i, "us").str.tail(2),
                    )
                )
                .otherwise(col(i, "us"))
                .alias(tmp(i, "usfull"))
            )
        )
        + stage(
            lambda i, _o, _s: (
                pl.when(col(i, "dot").str.contains(r"/\d{2}$"))
                .then(
                    pl.concat_str(
                        col(i, "dot").str.head(-2),
                        pl.when(col(i, "dot").str.tail(2).cast(pl.Int32) < TWO_DIGIT_YEAR_PIVOT)
                        .then(pl.lit("20"))
                        .otherwise(pl.lit("19")),
                        col(i, "dot").str.tail(2),
                    )
                )
                .otherwise(col(i, "dot"))
                .alias(tmp(i, "dotfull"))
            )
        ),
        stage(
            lambda i, _o, _s: (
                (
                    (col(i, "us").str.extract(r"^(\d+)/", 1).cast(pl.Int32) > 12)
                    & (col(i, "us").str.extract(r"^\d+/(\d+)/", 1).cast(pl.Int32) <= 12)
                )
                .fill_null(value=False)
                .any()
                .alias(tmp(i, "dayfirst"))
            )
        ),
        stage(
            lambda i, _o, _s: (
                col(i, "us").is_not_null() & col(i, "dayfirst")
                if flag_ambiguous and day_first is None
                else pl.lit(value=False)
            ).alias(tmp(i, "ambiguous"))
        ),
        stage(
            lambda i, out, _s: pl.coalesce(
                col(i, "fast"),
                col(i, "iso").str.to_date("%Y-%m-%d", strict=False),
                pl.when(~col(i, "ambiguous")).then(
                    col(i, "usfull").str.to_date(
                        "%d/%m/%Y" if day_first else "%m/%d/%Y", strict=False
                    )
                ),
                col(i, "dotfull").str.to_date("%d/%m/%Y", strict=False),
            ).alias(out)
        ),
    ]
    if flag_ambiguous and day_first is None:
        steps.append(stage(lambda i, out, _s: col(i, "ambiguous").alias(f"{out}__ambiguous")))
    for exprs in steps:
        frame = frame.with_columns(exprs)
    temps = [tmp(i, step) for i in range(len(names)) for step in _STEPS]
    return frame.drop(temps)


_STEPS = (
    "s", "direct", "fast", "rest", "iso", "us", "dot", "yy", "usfull", "dotfull", "dayfirst",
    "ambiguous",
)  # fmt: skip
