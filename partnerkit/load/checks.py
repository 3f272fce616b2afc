"""Checks: row rules as lazy polars expressions, evaluated in two streaming passes.

A :class:`Check` is one rule over one table: an expression true on offending rows and one
rendering the offending value. :func:`summarise` evaluates the checks of every table in
two passes on the streaming engine: first one aggregation per table counting the offending
rows of every rule (with the table's probes, facts the loader needs), all tables in one
:func:`polars.collect_all` (:func:`count_checks`); then, only for the rules that found
something, small queries quoting the first offending rows. A valid source is thus streamed
about once and a lazily scanned table is never materialised: memory grows with the number
of ids (the uniqueness rules sort their 64-bit hashes), not with the width or size of the
files. Which checks a table gets is :mod:`partnerkit.load.contract`'s business.

Examples
--------
>>> import polars as pl
>>> frame = pl.LazyFrame({ROW: [2, 3], "amount": [5.0, -1.0]})
>>> check = Check("amount", "negative", pl.col("amount") < 0, pl.col("amount"), "m")
>>> summarise([CheckedTable("deals", frame, (check,), "line", "")]).problems[0].rows
[(3, '-1.0')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import polars as pl

from partnerkit.load.problems import Problem, RowKind, Scope, suggest

__all__ = [
    "ENGINE",
    "QUARANTINE_SCHEMA",
    "RAW",
    "ROW",
    "SHOWN_ROWS",
    "Check",
    "CheckedTable",
    "Counts",
    "Findings",
    "collect_queries",
    "count_checks",
    "raw",
    "summarise",
]

ROW = "__row"
"""Name of the hidden column carrying each row's number in its source."""

RAW = "__raw_"
"""Prefix of the hidden columns keeping each value's source text (null when empty)."""

SHOWN_ROWS = 5
"""How many offending rows a problem quotes (the count covers all of them)."""

ENGINE: Final = "streaming"
"""The polars engine validation runs on: it streams Parquet scans in batches."""

_APART = pl.QueryOptFlags(comm_subplan_elim=False)


@dataclass(frozen=True)
class Check:
    """A row rule as lazy expressions over one table.

    ``failing`` is true on offending rows (nulls count as passing); ``shown`` renders an
    offending row's value as text. ``note``, when given, is an aggregate String expression
    appended to the message (e.g. the currencies found). ``allowed`` enables "did you
    mean" suggestions for values outside an allowed set. ``scope`` says whether the rows
    may be set aside by quarantine. ``screen``, when given, is an aggregate that is zero
    only when no row fails and is cheaper than counting ``failing`` (the duplicate rule
    compares hashes); when it is not zero the rows are counted exactly.
    """

    column: str | None
    rule: str
    failing: pl.Expr
    shown: pl.Expr
    message: str
    note: pl.Expr | None = None
    allowed: tuple[str, ...] | None = None
    scope: Scope = "row"
    screen: pl.Expr | None = None


@dataclass(frozen=True)
class CheckedTable:
    """A table ready to be checked: its frame (with the :data:`ROW` column) and checks.

    ``probes`` are named aggregate expressions evaluated in the same pass as the counts
    (facts about the data the caller wants, such as whether a column needs cleaning);
    their values are returned in ``Findings.probes``. ``record``, when given, renders each
    row's record id (quoted beside the row number of offending and set-aside rows).
    """

    name: str
    frame: pl.LazyFrame
    checks: tuple[Check, ...]
    row_kind: RowKind
    origin: str
    probes: tuple[pl.Expr, ...] = ()
    record: pl.Expr | None = None


@dataclass(frozen=True)
class Findings:
    """What :func:`summarise` collected.

    ``problems`` lists every broken rule; ``notices`` the hits of note-level checks (kept
    rows worth a mention, such as partner names read as ids); ``heights`` the row count of
    each table;
    ``set_aside`` (quarantine only) one row per broken row rule with ``table, row_number,
    rule, column, value``; ``extra`` the frames passed in ``also``, collected; ``probes``
    the value of each table's probes, by table and probe name.
    """

    problems: list[Problem]
    notices: list[Problem]
    heights: dict[str, int]
    set_aside: pl.DataFrame
    extra: list[pl.DataFrame]
    probes: dict[str, dict[str, Any]] = field(default_factory=dict)


QUARANTINE_SCHEMA = pl.Schema(
    {
        "table": pl.String,
        "row_number": pl.Int64,
        "rule": pl.String,
        "column": pl.String,
        "value": pl.String,
        "record": pl.String,
    }
)


def collect_queries(queries: Sequence[pl.LazyFrame], /) -> list[pl.DataFrame]:
    """Collect ``queries`` together on the :data:`ENGINE`, each streaming its own scan.

    Requires: nothing. Subplans the queries share are not shared in the run: a shared
    scan would be cached, that is, read whole into memory.

    >>> import polars as pl
    >>> lf = pl.LazyFrame({"x": [1, 2, 3]})
    >>> [df.item() for df in collect_queries([lf.select(pl.len()), lf.select(pl.col("x").sum())])]
    [3, 6]
    """
    if not queries:
        return []
    return pl.collect_all(queries, engine=ENGINE, optimizations=_APART)


def _count_queries(table: CheckedTable) -> list[pl.LazyFrame]:
    """Return one-row queries counting the offending rows of the table's checks.

    The first holds the height, the counts of the row-by-row checks and the probes, all
    streamed in one pass; each screen gets a query of its own, because a screen may need
    a whole column at once, which in a shared query would hold every other column too.
    """
    aggs: list[pl.Expr] = [pl.len().alias("__len")]
    screens: list[pl.LazyFrame] = []
    for i, c in enumerate(table.checks):
        if c.screen is None:
            aggs.append(c.failing.fill_null(value=False).sum().alias(f"__n{i}"))
        else:
            screens.append(table.frame.select(c.screen.alias(f"__n{i}")))
    aggs += [p.alias(f"__p{j}") for j, p in enumerate(table.probes)]
    return [table.frame.select(aggs), *screens]


def _record(table: CheckedTable) -> pl.Expr:
    record = table.record if table.record is not None else pl.lit(None, pl.String)
    return record.cast(pl.String)


def _detail_queries(table: CheckedTable, i: int) -> dict[str, pl.LazyFrame]:
    """Return the queries quoting a failing check: first rows, exact count, note."""
    c = table.checks[i]
    bad = c.failing.fill_null(value=False)
    # The flag and the shown value are computed over the whole table before filtering,
    # so a value that looks at other rows (the first row of a duplicate) sees them all.
    queries = {
        "rows": table.frame.select(
            pl.col(ROW).cast(pl.Int64),
            bad.alias("__f"),
            c.shown.cast(pl.String).alias("__v"),
            _record(table).alias("__id"),
        )
        .filter(pl.col("__f"))
        .head(SHOWN_ROWS)
        .select(ROW, "__v", "__id")
    }
    if c.screen is not None:
        queries["count"] = table.frame.select(bad.sum())
    if c.note is not None:
        queries["note"] = table.frame.select(c.note.cast(pl.String))
    return queries


def _set_aside_query(table: CheckedTable, found: Sequence[int]) -> pl.LazyFrame | None:
    row_checks = [(i, table.checks[i]) for i in found if table.checks[i].scope == "row"]
    if not row_checks:
        return None
    flagged = table.frame.select(
        pl.col(ROW),
        _record(table).alias("__id"),
        *[c.failing.fill_null(value=False).alias(f"__f{i}") for i, c in row_checks],
        *[c.shown.cast(pl.String).alias(f"__s{i}") for i, c in row_checks],
    ).filter(pl.any_horizontal(pl.col(f"__f{i}") for i, _ in row_checks))
    parts: list[pl.LazyFrame] = [
        flagged.filter(pl.col(f"__f{i}")).select(
            pl.lit(table.name).alias("table"),
            pl.col(ROW).cast(pl.Int64).alias("row_number"),
            pl.lit(c.rule).alias("rule"),
            pl.lit(c.column, dtype=pl.String).alias("column"),
            pl.col(f"__s{i}").alias("value"),
            pl.col("__id").alias("record"),
        )
        for i, c in row_checks
    ]
    return pl.concat(parts).sort("row_number", maintain_order=True)


def _with_suggestions(message: str, values: list[str | None], allowed: tuple[str, ...]) -> str:
    hints = []
    for v in dict.fromkeys(x for x in values if x is not None):
        best = suggest(v, allowed)
        if best is not None:
            hints.append(f"{v!r} -> {best!r}?")
    text = f"{message}; allowed: {', '.join(allowed)}"
    return f"{text}; did you mean {', '.join(hints)}" if hints else text


@dataclass(frozen=True)
class Counts:
    """What the first pass of :func:`summarise` found for one table.

    ``height`` is the row count; ``failing`` maps the index of each check to its count
    of offending rows (for a screened check, the screen: zero means none); ``probes``
    holds the value of each probe, by name.
    """

    height: int
    failing: dict[int, int]
    probes: dict[str, Any]


def count_checks(tables: Sequence[CheckedTable], /) -> list[Counts]:
    """Count the offending rows of every check of every table, streaming, in one go.

    Requires: each table's frame carries the :data:`ROW` column. This is the first pass
    of :func:`summarise`; it also evaluates the tables' probes.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.LazyFrame({ROW: [0, 1], "amount": [5.0, -1.0]})
    >>> check = Check("amount", "negative", pl.col("amount") < 0, pl.col("amount"), "m")
    >>> count_checks([CheckedTable("deals", frame, (check,), "row", "")])
    [Counts(height=2, failing={0: 1}, probes={})]
    """
    per_table = [_count_queries(t) for t in tables]
    results = iter(collect_queries([q for queries in per_table for q in queries]))
    counts: list[Counts] = []
    for table, queries in zip(tables, per_table, strict=True):
        row: dict[str, Any] = {}
        for _ in queries:
            row.update(next(results).row(0, named=True))
        counts.append(
            Counts(
                int(row["__len"]),
                {i: int(row[f"__n{i}"] or 0) for i in range(len(table.checks))},
                {p.meta.output_name(): row[f"__p{j}"] for j, p in enumerate(table.probes)},
            )
        )
    return counts


def summarise(
    tables: Sequence[CheckedTable],
    /,
    *,
    quarantine: bool = False,
    also: Sequence[pl.LazyFrame] = (),
    counts: Sequence[Counts] | None = None,
) -> Findings:
    """Evaluate every check of every table: counts first, offending rows where needed.

    Requires: each table's frame carries the :data:`ROW` column. The first pass
    (:func:`count_checks`, skipped when ``counts`` are given) counts the offending rows
    of every check and evaluates the probes, streaming; the second quotes the first
    offending rows of the checks that found any (and, with ``quarantine``, collects those
    rows in full into ``Findings.set_aside``; row problems are then not reported as
    problems) and collects the frames in ``also``.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.LazyFrame({ROW: [2, 3, 4], "amount": [5.0, -1.0, -2.0]})
    >>> check = Check("amount", "negative", pl.col("amount") < 0, pl.col("amount"),
    ...               "amounts must be zero or more")
    >>> found = summarise([CheckedTable("deals", frame, (check,), "line", "deals.csv")])
    >>> p = found.problems[0]
    >>> p.rule, p.count, p.rows
    ('negative', 2, [(3, '-1.0'), (4, '-2.0')])
    """
    counts = count_checks(tables) if counts is None else counts
    heights = {t.name: c.height for t, c in zip(tables, counts, strict=True)}
    probes = {t.name: c.probes for t, c in zip(tables, counts, strict=True)}
    counts_of = [c.failing for c in counts]
    found = [[i for i, n in c.failing.items() if n] for c in counts]

    wanted: list[tuple[int, int, str, pl.LazyFrame]] = []
    for k, (table, hits) in enumerate(zip(tables, found, strict=True)):
        for i in hits:
            if not (quarantine and table.checks[i].scope == "row"):
                wanted += [(k, i, what, q) for what, q in _detail_queries(table, i).items()]
    aside = [_set_aside_query(t, hits) for t, hits in zip(tables, found, strict=True)]
    aside_queries = [q for q in aside if q is not None] if quarantine else []
    collected = collect_queries([*(q for *_, q in wanted), *aside_queries, *also])
    n_detail, n_aside = len(wanted), len(aside_queries)
    details: dict[tuple[int, int, str], pl.DataFrame] = {
        (k, i, what): d for (k, i, what, _), d in zip(wanted, collected[:n_detail], strict=True)
    }
    problems: list[Problem] = []
    notices: list[Problem] = []
    for k, (table, hits) in enumerate(zip(tables, found, strict=True)):
        for i in hits:
            c = table.checks[i]
            if quarantine and c.scope == "row":
                continue
            shown = details[k, i, "rows"]
            counted = details.get((k, i, "count"))
            count = int(counted.item() or 0) if counted is not None else int(counts_of[k][i])
            if not count:
                continue  # the screen was positive, the exact count is not
            values: list[str | None] = shown["__v"].to_list()
            rows = [(int(n), v) for n, v in zip(shown[ROW].to_list(), values, strict=True)]
            message = c.message
            if c.allowed:
                message = _with_suggestions(message, values, c.allowed)
            noted = details.get((k, i, "note"))
            note = noted.item() if noted is not None else None
            if note:
                message = f"{message}; {note}"
            problem = Problem(
                table.name,
                c.column,
                c.rule,
                count,
                rows,
                message,
                table.row_kind,
                table.origin,
                records=shown["__id"].to_list(),
            )
            (notices if c.scope == "note" else problems).append(problem)
    set_aside_parts = collected[n_detail : n_detail + n_aside]
    set_aside = pl.concat([QUARANTINE_SCHEMA.to_frame(), *set_aside_parts], how="vertical").unique(
        maintain_order=True
    )
    extra = collected[n_detail + n_aside :]
    return Findings(problems, notices, heights, set_aside, list(extra), probes)


def raw(column: str) -> str:
    """Name of the hidden column holding ``column``'s source text.

    >>> raw("amount")
    '__raw_amount'
    """
    return f"{RAW}{column}"
