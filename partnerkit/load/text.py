"""Turn the text cells of real exports into clean values: nulls, numbers, flags, labels.

Each function returns a polars expression, so the work stays lazy and vectorised.

- :func:`clean_text`: trims whitespace; empty cells and the spelt-out ``NULL`` / ``null``
  become null.
- :func:`parse_numbers`: ``1200``, ``-3.5``, ``25000.0``, ``1,234.50``, ``1.2E+05``; anything
  else (``12k``, ``$5``, ``n/a``) becomes null, for the caller to report.
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

import polars as pl

__all__ = [
    "FALSE_WORDS",
    "NULL_WORDS",
    "TRUE_WORDS",
    "clean_text",
    "key_of",
    "label_key",
    "normalise_label",
    "normalise_name",
    "parse_flags",
    "parse_numbers",
]

NULL_WORDS: tuple[str, ...] = ("", "NULL", "null", "Null")
"""Cell contents read as a missing value."""

TRUE_WORDS: tuple[str, ...] = ("1", "true", "t", "yes", "y")
FALSE_WORDS: tuple[str, ...] = ("0", "false", "f", "no", "n")
"""Flag spellings (compared in lower case); an empty cell is also false."""

_NUMBER = r"^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)?(?:\.\d*)?(?:[eE][+-]?\d+)?$"


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


def parse_numbers(text: pl.Expr, /) -> pl.Expr:
    """Return a Float64 expression from number text; unparseable text becomes null.

    Requires: a String expression, already cleaned by :func:`clean_text`. Thousands
    separators (``1,234``) are accepted; currency symbols and suffixes are not.

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"x": ["25000.0", "1,234", "-2", "1e3", "abc", "1,23"]}).select(
    ...     parse_numbers(pl.col("x"))
    ... ).to_series().to_list()
    [25000.0, 1234.0, -2.0, 1000.0, None, None]
    """
    valid = text.str.contains(_NUMBER) & text.str.contains(r"\d")
    number = text.str.replace_all(",", "", literal=True).cast(pl.Float64, strict=False)
    return pl.when(valid).then(number).otherwise(None)


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
