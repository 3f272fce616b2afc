"""Account lists to the ``overlaps`` table: the account mapping built from two plain lists.

A partner's account mapping often arrives as two lists (ours and theirs) rather than as the
canonical ``overlaps`` table. :func:`overlaps_from_accounts` builds the table from them,
matching accounts by normalised web domain (:func:`normalise_domain`), else by normalised
company name (:func:`normalise_company`; not to be confused with
:func:`partnerkit.load.text.normalise_name`, which normalises column and file names).
"""

from __future__ import annotations

import polars as pl

__all__ = ["normalise_company", "normalise_domain", "overlaps_from_accounts"]

_STATUS_ORDER = {"customer": 2, "prospect": 1, "none": 0}
_LEGAL = (
    "inc|incorporated|llc|llp|lp|ltd|limited|corp|corporation|co|company|gmbh|ag|sa|sas|sarl"
    "|bv|nv|plc|pty|pte|oy|ab|as|srl|spa|kk|group|holdings"
)


def normalise_domain(expr: pl.Expr, /) -> pl.Expr:
    """Expression: a web domain reduced to its comparable core (null when empty).

    Lower-cases, drops a scheme, an e-mail user part, ``www.``, any path, port or query, and
    a trailing dot.

    >>> s = pl.Series(["https://www.Acme.com/about", "bob@acme.com", "acme.com.", " "])
    >>> pl.select(normalise_domain(pl.lit(s))).to_series().to_list()
    ['acme.com', 'acme.com', 'acme.com', None]
    """
    core = (
        expr.str.strip_chars()
        .str.to_lowercase()
        .str.replace(r"^[a-z][a-z0-9+.-]*://", "")
        .str.replace(r"^[^@/]*@", "")
        .str.replace(r"^www\.", "")
        .str.replace(r"[/?#:].*$", "")
        .str.strip_chars_end(".")
    )
    return pl.when(core.str.len_chars() > 0).then(core)


def normalise_company(expr: pl.Expr, /) -> pl.Expr:
    """Expression: a company name reduced to its comparable core (null when empty).

    Lower-cases, reads ``&`` as ``and``, drops punctuation, a leading "the", trailing legal
    forms (Inc, Ltd, GmbH, Corp, ...) and finally all spaces, so "GTX Pro" and "GTXPro" match.

    >>> s = pl.Series(["The Acme Corp.", "ACME, Inc", "GTX Pro", "gtxpro ltd"])
    >>> pl.select(normalise_company(pl.lit(s))).to_series().to_list()
    ['acme', 'acme', 'gtxpro', 'gtxpro']
    """
    core = (
        expr.str.to_lowercase()
        .str.replace_all("&", " and ")
        .str.replace_all(r"[^a-z0-9]+", " ")
        .str.strip_chars()
        .str.replace(r"^the ", "")
        .str.replace(rf"(?:\s+(?:{_LEGAL}))+$", "")
        .str.replace_all(" ", "")
    )
    return pl.when(core.str.len_chars() > 0).then(core)


def _keys(frame: pl.LazyFrame, /) -> pl.LazyFrame:
    names = frame.collect_schema().names()
    if "domain" not in names and "name" not in names:
        raise ValueError("an account list needs a 'domain' or a 'name' column to match on")
    domain = pl.col("domain") if "domain" in names else pl.lit(None, dtype=pl.String)
    name = pl.col("name") if "name" in names else pl.lit(None, dtype=pl.String)
    status = pl.col("status").cast(pl.String).str.strip_chars().str.to_lowercase()
    return frame.with_columns(
        normalise_domain(domain.cast(pl.String)).alias("_domain"),
        normalise_company(name.cast(pl.String)).alias("_name"),
        status.alias("_status"),
    )


def overlaps_from_accounts(
    ours: pl.LazyFrame,
    theirs: pl.LazyFrame,
    /,
    *,
    partner_id: str | None = None,
) -> pl.LazyFrame:
    """Build canonical ``overlaps`` rows from our account list and a partner's.

    Requires columns: ``ours``: ``account_id``, ``status`` (customer / prospect / none) and
    ``domain`` and/or ``name``; ``theirs``: ``status`` and ``domain`` and/or ``name``, plus
    ``partner_id`` unless the ``partner_id`` keyword names the single partner.

    Two accounts match when their normalised domains are equal, or when their normalised
    names are equal and their domains do not contradict each other (one is missing or they
    are equal). When several of the partner's rows match one of our accounts the strongest
    status wins (customer > prospect > none).

    >>> ours = pl.LazyFrame({"account_id": ["A1", "A2", "A3"],
    ...     "name": ["Acme Inc", "Globex", "Initech"],
    ...     "domain": ["acme.com", "globex.com", None], "status": ["prospect", "customer", "none"]})
    >>> theirs = pl.LazyFrame({"name": ["ACME", "Globex GmbH", "Initech Ltd"],
    ...     "domain": ["www.acme.com", "globex.de", None],
    ...     "status": ["customer", "prospect", "customer"]})
    >>> overlaps_from_accounts(ours, theirs, partner_id="p1").collect().rows()
    [('p1', 'A1', 'prospect', 'customer'), ('p1', 'A3', 'none', 'customer')]
    """
    if partner_id is not None:
        theirs = theirs.with_columns(pl.lit(partner_id).alias("partner_id"))
    elif "partner_id" not in theirs.collect_schema().names():
        raise ValueError("the partner's account list needs a partner_id column or keyword")
    left = _keys(ours).select(
        pl.col("account_id").cast(pl.String),
        "_domain",
        "_name",
        pl.col("_status").alias("our_status"),
    )
    right = _keys(theirs).select(
        pl.col("partner_id").cast(pl.String),
        "_domain",
        "_name",
        pl.col("_status").alias("partner_status"),
    )
    by_domain = left.filter(pl.col("_domain").is_not_null()).join(
        right.filter(pl.col("_domain").is_not_null()), on="_domain", suffix="_p"
    )
    by_name = (
        left.filter(pl.col("_name").is_not_null())
        .join(right.filter(pl.col("_name").is_not_null()), on="_name", suffix="_p")
        .filter(
            pl.col("_domain").is_null()
            | pl.col("_domain_p").is_null()
            | (pl.col("_domain") == pl.col("_domain_p"))
        )
    )
    cols = ["partner_id", "account_id", "our_status", "partner_status"]
    strength = pl.col("our_status").replace_strict(_STATUS_ORDER, default=-1) * 10 + pl.col(
        "partner_status"
    ).replace_strict(_STATUS_ORDER, default=-1)
    return (
        pl.concat([by_domain.select(cols), by_name.select(cols)])
        .with_columns(_strength=strength)
        .sort("partner_id", "account_id", "_strength", descending=[False, False, True])
        .unique(["partner_id", "account_id"], keep="first", maintain_order=True)
        .select(cols)
    )
