"""Turn the text cells of real exports into clean values: nulls, numbers, flags, labels.

Each function but :func:`parse_rates` (a rate table's few cells, as Python values) returns a
polars expression, so the work stays lazy and vectorised.

- :func:`clean_text`: trims whitespace; empty cells and the spelt-out ``NULL`` / ``null``
  become null.
- :func:`parse_numbers`: ``1200``, ``-3.5``, ``25000.0``, ``1,234.50``, ``1.2E+05`` and money
  as exports write it: a currency symbol or ISO code before or after (``$1,234.50``,
  ``€ 3.000,00``, ``USD 1,200``, ``250 EUR``), thousands separators (``,`` ``.`` or spaces),
  decimal commas (``1.234,50``, ``12,5``) and negatives in parentheses (``(1,200.00)``).
  A value such as ``1.234`` or ``1,234`` (one separator, three digits after it) is
  *ambiguous*: it is read the way the rest of its column shows (a column holding
  ``1.234,50`` reads it as 1234), or by the ``decimal`` option; with neither it is refused
  (:func:`ambiguous_numbers`), never guessed. A column mixing ``1,234.50`` and
  ``1.234,50`` styles is refused the same way. Anything else (``12k``, ``n/a``) becomes
  null, for the caller to report. :func:`currency_marks` gives the currency each value
  names (``$`` is read as USD, ``€`` EUR, ``£`` GBP, ``¥`` JPY).
- :func:`parse_rates`: the rates of a currency rate table, read with the table's own
  separators, never with the decimal option of an export: ``0.925``, ``1,10`` and
  ``1.085`` are decimals (a rate written with one separator is a decimal, and a group
  starting with 0 is never a thousands group), ``1,350.50`` and ``1.350,50`` read as
  their last separator says.
- :func:`date_text`: a date followed by a comma and a time (``1/15/2025, 9:05 AM``, as
  Salesforce writes a datetime in a report) loses the comma, for the date parser.
- :func:`parse_flags`: ``1``/``0``, ``true``/``false``, ``TRUE``/``FALSE``, ``yes``/``no``; an
  empty cell is false (Salesforce writes ``1`` or nothing); anything else becomes null.
- :func:`label_key` and :func:`normalise_label`: case- and whitespace-insensitive keys for
  value mappings, and the canonical spelling of a category label
  (``" Joint Marketing "`` -> ``joint_marketing``).

Examples
--------
>>> import polars as pl
>>> df = pl.DataFrame({"x": [" 1,200.50 ", "NULL", "12k"]})
>>> df.select(parse_numbers(clean_text(pl.col("x")))).to_series().to_list()
[1200.5, None, None]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial

import polars as pl

__all__ = [
    "CURRENCY_SYMBOLS",
    "DECIMALS",
    "FALSE_WORDS",
    "NULL_WORDS",
    "TRUE_WORDS",
    "ambiguous_numbers",
    "clean_text",
    "currency_marks",
    "date_text",
    "date_text_changed",
    "key_of",
    "label_key",
    "normalise_label",
    "normalise_name",
    "parse_flags",
    "parse_number_columns",
    "parse_numbers",
    "parse_rates",
]

NULL_WORDS: tuple[str, ...] = ("", "NULL", "null", "Null")
"""Cell contents read as a missing value."""

TRUE_WORDS: tuple[str, ...] = ("1", "true", "t", "yes", "y")
FALSE_WORDS: tuple[str, ...] = ("0", "false", "f", "no", "n")
"""Flag spellings (compared in lower case); an empty cell is also false."""

CURRENCY_SYMBOLS: dict[str, str] = {"US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
"""Currency symbols read in amounts, with the ISO code each stands for."""

DECIMALS: tuple[str, ...] = (".", ",")
"""The decimal separators the ``decimal`` option accepts."""

_MARK = r"(US\$|[$€£¥]|[A-Z]{3})"
_BODY = r"([0-9.,' ]*[0-9.,](?:[eE][+-]?[0-9]+)?)"
_MONEY = r"^(\()?\s*([+-])?\s*" + _MARK + r"?\s*([+-])?\s*" + _BODY + r"\s*" + _MARK + r"?\s*(\))?$"
_PLAIN = r"^\d+$"
_SCIENTIFIC = r"^(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$"
_SPACED = r"^\d{1,3}(?:[ ']\d{3})+(?:[.,]\d+)?$"  # 3 000,00 / 1'234.50: the decimal is plain
_AMBIGUOUS = r"^[1-9]\d{0,2}[.,]\d{3}$"  # 1.234 or 1,234: thousands or decimals?
_POINT = r"^(?:\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d*\.\d*)$"  # 1,234.50  12.5  1,234,567
_COMMA = r"^(?:\d{1,3}(?:\.\d{3})+(?:,\d*)?|\d*,\d*)$"  # 1.234,50  12,5  1.234.567


def clean_text(text: pl.Expr, /) -> pl.Expr:
    """Trim whitespace and turn empty or ``NULL``-spelt cells into null.

    Requires: a String expression.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"x": ["  a ", "", "NULL", None]})
    >>> df.select(clean_text(pl.col("x"))).to_series().to_list()
    ['a', None, None, None]
    """
    trimmed = text.str.strip_chars()
    return pl.when(trimmed.is_in(NULL_WORDS)).then(None).otherwise(trimmed)


def _named(expr: pl.Expr, like: pl.Expr) -> pl.Expr:
    """Give ``expr`` the output name of ``like`` (when it has one)."""
    name = like.meta.output_name(raise_if_undetermined=False)
    return expr if name is None else expr.alias(name)


def _unified(text: pl.Expr) -> pl.Expr:
    return text.str.strip_chars().str.replace_all("[\u00a0\u202f\u2009]", " ")


def _staged_parts(text: pl.Expr) -> dict[str, pl.Expr]:
    """Every intermediate of one money expression, for the expression forms (small data)."""
    groups = _unified(text).str.extract_groups(_MONEY)
    body, neg, mark, ok = _split(groups, "body", "neg", "mark", "ok")
    parts = {"body": body, "neg": neg, "mark": mark, "ok": ok}
    parts.update(zip(_CLASSES, _classify(body, str), strict=True))
    return parts


def _reading(text: pl.Expr, decimal: str | None) -> tuple[pl.Expr, pl.Expr]:
    """Read money text: its value and whether it is refused as ambiguous."""
    return _decided(_staged_parts(text).__getitem__, decimal)


def parse_number_columns(
    frame: pl.LazyFrame, /, columns: Mapping[str, str], *, decimal: str | None = None
) -> pl.LazyFrame:
    """Add Float64 columns read from number or money text, as :func:`parse_numbers` reads.

    Requires: the cleaned String columns named by the values of ``columns`` (output
    column -> input column). For each output column ``c`` it also adds ``c + "__ambiguous"``
    (see :func:`ambiguous_numbers`) and ``c + "__currency"`` (see :func:`currency_marks`).
    The work is staged so that each value is split once: use this on big tables.

    Examples
    --------
    >>> import polars as pl
    >>> lf = pl.LazyFrame({"a": ["€ 3.000,00", "1.234", None]})
    >>> out = parse_number_columns(lf, {"n": "a"}).collect()
    >>> out.select("n", "n__ambiguous", "n__currency").rows()
    [(3000.0, False, 'EUR'), (1234.0, False, None), (None, False, None)]
    """
    if not columns:
        return frame

    def tmp(out: str, step: str) -> str:
        return f"__number_{out}_{step}"

    frame = frame.with_columns(
        _unified(pl.col(src)).str.extract_groups(_MONEY).alias(tmp(out, "groups"))
        for out, src in columns.items()
    )
    frame = frame.with_columns(
        e
        for out in columns
        for e in _split(pl.col(tmp(out, "groups")), tmp(out, "body"), tmp(out, "neg"),
                        tmp(out, "mark"), tmp(out, "ok"))
    )  # fmt: skip
    frame = frame.with_columns(
        e for out in columns for e in _classify(pl.col(tmp(out, "body")), partial(tmp, out))
    )
    outs: list[pl.Expr] = []
    for out in columns:

        def c(step: str, out: str = out) -> pl.Expr:
            return pl.col(tmp(out, step))

        value, refused = _decided(c, decimal)
        outs += [
            value.alias(out),
            refused.alias(f"{out}__ambiguous"),
            pl.when(c("ok")).then(c("mark").replace(CURRENCY_SYMBOLS)).alias(f"{out}__currency"),
        ]
    frame = frame.with_columns(outs)
    steps = ("groups", "body", "neg", "mark", "ok", *_CLASSES)
    return frame.drop(tmp(out, step) for out in columns for step in steps)


_CLASSES = ("plain", "spaced", "ambiguous", "point", "comma")


def _split(groups: pl.Expr, body: str, neg: str, mark: str, ok: str) -> list[pl.Expr]:
    field = groups.struct.field
    parens = field("1").is_not_null()
    signs = field("2").is_not_null().cast(pl.Int8) + field("4").is_not_null().cast(pl.Int8)
    text = field("5").str.strip_chars()
    negative = (
        parens
        | (field("2") == "-").fill_null(value=False)
        | (field("4") == "-").fill_null(value=False)
    )
    well_formed = (
        (parens == field("7").is_not_null())
        & (signs + parens.cast(pl.Int8) <= 1)
        & ~(field("3").is_not_null() & field("6").is_not_null())
        & text.str.contains(r"\d")
    )
    return [
        text.alias(body),
        negative.alias(neg),
        pl.coalesce(field("3"), field("6")).alias(mark),
        well_formed.fill_null(value=False).alias(ok),
    ]


def _classify(body: pl.Expr, name: Callable[[str], str]) -> list[pl.Expr]:
    plain = body.str.contains(_PLAIN) | body.str.contains(_SCIENTIFIC)
    ambiguous = body.str.contains(_AMBIGUOUS)
    return [
        plain.fill_null(value=False).alias(name("plain")),
        body.str.contains(_SPACED).fill_null(value=False).alias(name("spaced")),
        ambiguous.fill_null(value=False).alias(name("ambiguous")),
        (body.str.contains(_POINT) & ~ambiguous & ~plain)
        .fill_null(value=False)
        .alias(name("point")),
        (body.str.contains(_COMMA) & ~ambiguous & ~plain)
        .fill_null(value=False)
        .alias(name("comma")),
    ]


def _decided(c: Callable[[str], pl.Expr], decimal: str | None) -> tuple[pl.Expr, pl.Expr]:
    """Value and refusal from the staged columns of one number column."""
    if decimal is not None and decimal not in DECIMALS:
        raise ValueError(f"decimal must be '.' or ',', not {decimal!r}")
    body, ok = c("body"), c("ok")
    point, comma, ambiguous = c("point"), c("comma"), c("ambiguous")
    if decimal == ".":
        use_point, use_comma, refused = pl.lit(value=True), pl.lit(value=False), pl.lit(False)
    elif decimal == ",":
        use_point, use_comma, refused = pl.lit(value=False), pl.lit(value=True), pl.lit(False)
    else:  # the column's own unambiguous values decide; contradictions are refused
        has_point = (point & ok).any()
        has_comma = (comma & ok).any()
        use_point = has_point & ~has_comma
        use_comma = has_comma & ~has_point
        refused = (ambiguous & ~use_point & ~use_comma) | ((point | comma) & has_point & has_comma)
    number = (
        pl.when(c("plain"))
        .then(body.str.replace_all(",", "", literal=True))
        .when(c("spaced"))
        .then(body.str.replace_all("[ ']", "").str.replace(",", ".", literal=True))
        .when((point | ambiguous) & use_point)
        .then(body.str.replace_all(",", "", literal=True))
        .when((comma | ambiguous) & use_comma)
        .then(body.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .cast(pl.Float64, strict=False)
    )
    value = pl.when(ok & number.is_finite()).then(pl.when(c("neg")).then(-number).otherwise(number))
    return value, (refused & ok).fill_null(value=False)


def parse_numbers(text: pl.Expr, /, *, decimal: str | None = None) -> pl.Expr:
    """Return a Float64 expression from number or money text; unparseable text becomes null.

    Requires: a String expression, already cleaned by :func:`clean_text`. Currency symbols
    and codes, thousands separators, decimal commas and negatives in parentheses are read
    (see the module notes). ``decimal`` (``"."`` or ``","``) says which separator marks
    decimals; without it the column's unambiguous values decide, and an ambiguous value
    (``1.234``) in a column that does not say is null, flagged by
    :func:`ambiguous_numbers`. The column's evidence makes this a whole-column expression.

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"x": ["$1,234.50", "(1,200.00)", "USD 1,200", "1e3", "abc"]}).select(
    ...     parse_numbers(pl.col("x"))
    ... ).to_series().to_list()
    [1234.5, -1200.0, 1200.0, 1000.0, None]
    >>> pl.DataFrame({"x": ["€ 3.000,00", "1.234", "12,5"]}).select(
    ...     parse_numbers(pl.col("x"))
    ... ).to_series().to_list()
    [3000.0, 1234.0, 12.5]
    >>> pl.DataFrame({"x": ["1.234"]}).select(parse_numbers(pl.col("x"), decimal="."))["x"][0]
    1.234
    """
    value, _ = _reading(text, decimal)
    return _named(value, text)


def ambiguous_numbers(text: pl.Expr, /, *, decimal: str | None = None) -> pl.Expr:
    """Return a Boolean expression: the value was refused because its reading is ambiguous.

    True for ``1.234`` / ``1,234`` when neither ``decimal`` nor the column's other values
    say which separator marks decimals, and for every separated value of a column mixing
    ``1,234.50`` and ``1.234,50`` styles (without ``decimal``).

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"x": ["1.234", "12"]}).select(ambiguous_numbers(pl.col("x")))["x"].to_list()
    [True, False]
    >>> pl.DataFrame({"x": ["1.234", "1.234,50"]}).select(
    ...     ambiguous_numbers(pl.col("x")))["x"].to_list()
    [False, False]
    """
    _, refused = _reading(text, decimal)
    return _named(refused, text)


def currency_marks(text: pl.Expr, /) -> pl.Expr:
    """Return the ISO code of the currency a money value names (symbol or code), or null.

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"x": ["$5", "€ 3.000,00", "250 GBP", "7", "US$ 2"]}).select(
    ...     currency_marks(pl.col("x"))
    ... )["x"].to_list()
    ['USD', 'EUR', 'GBP', None, 'USD']
    """
    parts = _staged_parts(text)
    code = parts["mark"].replace(CURRENCY_SYMBOLS)
    return _named(pl.when(parts["ok"]).then(code), text)


def parse_flags(text: pl.Expr, /) -> pl.Expr:
    """Return a Boolean expression from flag text; unknown spellings become null.

    Requires: a String expression. Null and empty cells are false, because exports write a
    false flag as nothing at all.

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"x": ["1", None, "TRUE", "false", "maybe"]}).select(
    ...     parse_flags(pl.col("x"))
    ... ).to_series().to_list()
    [True, False, True, False, None]
    """
    key = text.str.strip_chars().str.to_lowercase()
    return (
        pl.when(key.is_null() | (key == ""))
        .then(pl.lit(value=False))
        .when(key.is_in(TRUE_WORDS))
        .then(pl.lit(value=True))
        .when(key.is_in(FALSE_WORDS))
        .then(pl.lit(value=False))
        .otherwise(None)
    )


def label_key(text: pl.Expr, /) -> pl.Expr:
    """Return the matching key of a label: lower case, inner whitespace collapsed.

    Value mappings compare keys, so ``"Closed Won"``, ``" closed  won "`` and
    ``"CLOSED WON"`` all find the same entry.

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"x": [" Closed  WON "]}).select(label_key(pl.col("x")))["x"].item()
    'closed won'
    """
    return text.str.strip_chars().str.to_lowercase().str.replace_all(r"\s+", " ")


def key_of(label: str) -> str:
    """Return the matching key of one label, as :func:`label_key` computes it.

    >>> key_of("  Closed   Won")
    'closed won'
    """
    return " ".join(label.split()).lower()


def normalise_label(text: pl.Expr, /) -> pl.Expr:
    """Return the canonical spelling of a category label: lower snake case.

    ``"Won"``, ``" WON "`` -> ``won``; ``"Joint Marketing"``, ``"joint-marketing"`` ->
    ``joint_marketing``.

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"x": [" WON ", "Exec Meeting", "co-sell"]}).select(
    ...     normalise_label(pl.col("x"))
    ... )["x"].to_list()
    ['won', 'exec_meeting', 'co_sell']
    """
    return text.str.strip_chars().str.to_lowercase().str.replace_all(r"[\s\-]+", "_")


def normalise_name(name: str) -> str:
    """Return the matching form of a column or file name: lower snake case.

    >>> normalise_name("  Partner ID ")
    'partner_id'
    >>> normalise_name("Close-Date")
    'close_date'
    """
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


_DATE_COMMA_TIME = r"^(\d{1,4}[./-]\d{1,2}[./-]\d{1,4}),\s*(\d{1,2}[:.]\d{2})"


def date_text(text: pl.Expr, /) -> pl.Expr:
    """Return date text with the comma between a date and its time removed.

    Salesforce writes a datetime in a report as ICU does (``1/15/2025, 9:05 AM``; German
    ``15.01.2025, 09:05``); without the comma it is a spelling the date parser reads, so
    the day-first rules of a column apply to it as to any slash date.

    Requires: a String expression (cleaned text).

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"x": ["1/15/2025, 9:05 AM", "2025-01-15", "Mar 4, 2025"]}).select(
    ...     date_text(pl.col("x")))["x"].to_list()
    ['1/15/2025 9:05 AM', '2025-01-15', 'Mar 4, 2025']
    """
    return text.str.replace(_DATE_COMMA_TIME, "${1} ${2}")


def date_text_changed(text: pl.Expr, /) -> pl.Expr:
    """Return whether :func:`date_text` changes a value (a date with a comma before its time).

    >>> import polars as pl
    >>> pl.DataFrame({"x": ["1/15/2025, 9:05 AM", "2025-01-15"]}).select(
    ...     date_text_changed(pl.col("x")))["x"].to_list()
    [True, False]
    """
    return text.str.contains(_DATE_COMMA_TIME)


_RATE_PLAIN = re.compile(r"\d+|(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+")
_RATE_ONE = re.compile(r"(\d*)([.,])(\d+)")
_RATE_GROUPED = {
    ",": re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"),  # 1,350.50 or 1,234,567
    ".": re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?"),  # 1.350,50 or 1.234.567
}
_RATE_SPACES = str.maketrans("", "", " '\u00a0\u202f\u2009")


def _thousands_of(text: str) -> str | None:
    """Return the thousands separator a rate shows beyond doubt (both, or one repeated)."""
    for sep, grouped in _RATE_GROUPED.items():
        if grouped.fullmatch(text) and (text.count(sep) > 1 or len(set(text) & {".", ","}) == 2):
            return sep
    return None


def parse_rates(values: Sequence[str | None], /) -> list[tuple[float | None, str]]:
    """Read the rates of a currency rate table: each value, or None and why it is not one.

    The table's own values decide its separators, never the decimal option of an export
    (an amount ``1.200`` may be 1200 while a rate ``1.092`` is not 1092): a rate written
    with one separator is a decimal (``0.925``, ``1,10``, ``1.085``; a group starting
    with 0 is never a thousands group), ``1,350.50`` and ``1.350,50`` read as their last
    separator says, and ``1.234.567`` as thousands. When the table writes a separator as
    thousands in one value (``1,350.50``), a value with that separator alone is thousands
    when three digits follow (``1,350``) and refused as ambiguous otherwise. Spaces and
    apostrophes between digits are thousands separators. The reasons are ``"missing"``
    (an empty cell), ``"ambiguous: ..."`` and ``"not a number"``; a rate of zero or below
    is returned as read, for the caller to refuse.

    Requires: cleaned text (see :func:`clean_text`).

    Examples
    --------
    >>> parse_rates(["1.085", "0,925", "1,10", "1350", None, "abc"])
    [(1.085, ''), (0.925, ''), (1.1, ''), (1350.0, ''), (None, 'missing'), (None, 'not a number')]
    >>> parse_rates(["1,350.50", "1,350", "1,35"])  # doctest: +NORMALIZE_WHITESPACE
    [(1350.5, ''), (1350.0, ''),
     (None, "ambiguous: the table writes ',' as a thousands separator ('1,350.50')")]
    """
    texts = [None if v is None else v.translate(_RATE_SPACES) for v in values]
    shown: dict[str, str] = {}
    for text in texts:
        sep = None if text is None else _thousands_of(text)
        if sep is not None and text is not None:
            shown.setdefault(sep, text)
    out: list[tuple[float | None, str]] = []
    for text in texts:
        if not text:
            out.append((None, "missing"))
            continue
        out.append(_rate(text, shown))
    return out


def _rate(text: str, thousands: Mapping[str, str]) -> tuple[float | None, str]:
    """One rate; ``thousands`` maps a separator the table writes as thousands to a value."""
    if _RATE_PLAIN.fullmatch(text):
        return float(text), ""
    sep = _thousands_of(text)
    if sep is not None:
        decimal = "." if sep == "," else ","
        return float(text.replace(sep, "").replace(decimal, ".")), ""
    one = _RATE_ONE.fullmatch(text)
    if one is None:
        return None, "not a number"
    whole, sep, part = one.groups()
    if sep in thousands:
        if len(part) == 3 and re.fullmatch(r"[1-9]\d{0,2}", whole):
            return float(whole + part), ""
        return None, (
            f"ambiguous: the table writes {sep!r} as a thousands separator ({thousands[sep]!r})"
        )
    return float(f"{whole or 0}.{part}"), ""
