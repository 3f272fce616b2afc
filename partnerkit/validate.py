"""The data contract checked at load: rules, problems, the error and the load report.

Every rule of the canonical schema (:mod:`partnerkit.schema`) is checked when a portfolio
is read. All problems are gathered before anything is raised, so one
:class:`PortfolioError` lists every problem at once: table, column, rule, how many rows,
and the first few offending rows with their row numbers in the source (for a CSV file the
line number, the header being line 1; for a frame or a Parquet file the 0-based row index).

Row checks are lazy polars expressions (:class:`Check`). :func:`summarise` evaluates
them in two passes on the streaming engine: first one aggregation per table counting the
offending rows of every rule (with the table's probes, facts the loader needs), all tables
in one :func:`polars.collect_all` (:func:`count_checks`); then, only for the rules that
found something, small queries quoting the first offending rows. A valid source is thus
streamed about once and a lazily scanned table is never materialised: memory grows with
the number of ids (the uniqueness rules sort their 64-bit hashes), not with the width or
size of the files.

Rules (see :data:`RULES`) are either *row* rules, whose offending rows may be set aside
with ``quarantine=True``, or *table* rules (missing columns, empty files, wrong delimiter,
mixed currencies, ...), which always raise.

Examples
--------
>>> err = PortfolioError([Problem("deals", "amount", "negative", 1, [(3, "-5")],
...                               "amount must be zero or more")])
>>> print(err)
The portfolio has 1 problem:
1. deals.amount [negative] 1 row: amount must be zero or more
     line 3: '-5'
>>> err.to_frame().select("table", "column", "rule", "count").row(0)
('deals', 'amount', 'negative', 1)
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import polars as pl

from partnerkit.schema import TABLES

__all__ = [
    "RAW",
    "ROW",
    "RULES",
    "SHOWN_ROWS",
    "Check",
    "CheckedTable",
    "Counts",
    "Findings",
    "HintStyle",
    "LoadReport",
    "PortfolioError",
    "Problem",
    "Rule",
    "TableReport",
    "collect_queries",
    "contract_checks",
    "count_checks",
    "currency_check",
    "fix_hint",
    "partner_reference",
    "raw",
    "set_aside_lines",
    "suggest",
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

RowKind = Literal["line", "row"]

HintStyle = Literal["python", "cli"]
"""Who reads the fix hints: Python callers (keyword arguments) or the command line (flags)."""

# Column and table names the cross-column rules use, read from the schema.
DEALS, INVESTMENTS = TABLES["deals"].name, TABLES["investments"].name
PARTNER_ID = TABLES["partners"].column("partner_id").name
OUTCOME = TABLES[DEALS].column("outcome").name
CREATED_ON = TABLES[DEALS].column("created_on").name
CLOSED_ON = TABLES[DEALS].column("closed_on").name
CURRENCY = TABLES[DEALS].column("currency").name
STARTS_ON = TABLES[INVESTMENTS].column("starts_on").name
ENDS_ON = TABLES[INVESTMENTS].column("ends_on").name
CLOSED_OUTCOMES = tuple(o for o in TABLES[DEALS].column(OUTCOME).allowed or () if o != "open")
Scope = Literal["row", "table", "note"]


@dataclass(frozen=True)
class Rule:
    """One rule of the contract: its name, whether it is row-level, and what it means."""

    name: str
    scope: Scope
    summary: str


RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        Rule("empty_file", "table", "the file is empty (zero bytes)"),
        Rule("no_rows", "table", "the file has a header but no rows"),
        Rule("delimiter", "table", "the file is not comma-separated"),
        Rule("unreadable", "table", "the file cannot be parsed"),
        Rule("missing_table", "table", "a required table is not supplied"),
        Rule("unknown_table", "table", "a table name is not canonical"),
        Rule("ambiguous_file", "table", "several files could hold the same table"),
        Rule("missing_column", "table", "a required column is not supplied"),
        Rule("duplicate_column", "table", "two source columns map to one canonical column"),
        Rule("unknown_mapping", "table", "a mapping names a column the source lacks"),
        Rule("wrong_type", "table", "a column holds a type that cannot be converted"),
        Rule("mixed_currency", "table", "deal amounts are in more than one currency"),
        Rule("bad_date", "row", "a date that matches no known date format"),
        Rule("bad_number", "row", "a value that is not a number"),
        Rule("bad_flag", "row", "a value that is not true/false"),
        Rule("not_allowed", "row", "a value outside the allowed set"),
        Rule("missing_value", "row", "a null where a value is required"),
        Rule("negative", "row", "a negative amount or duration"),
        Rule("duplicate", "row", "an id already used on an earlier row"),
        Rule("unknown_partner", "row", "a partner_id absent from the partners table"),
        Rule(
            "duplicate_partner_name",
            "row",
            "a partner given by a name that several partners share",
        ),
        Rule("closed_without_date", "row", "a won or lost deal without a close date"),
        Rule("close_before_create", "row", "a deal closed before it was created"),
        Rule("ends_before_starts", "row", "an investment ending before it starts"),
        Rule("other_currency", "row", "a deal in another currency than the portfolio's"),
        Rule("several_values", "note", "a cell listing several values; the first is used"),
        Rule("partner_by_name", "note", "a partner given by name, read as its id"),
        Rule("population_not_status", "note", "overlap populations read as status 'none'"),
        Rule("default_filled", "note", "an empty cell filled with the mapping's default"),
    )
}


def fix_hint(kind: str, /, *, style: HintStyle = "python", **what: str) -> str:
    """Return how to fix a problem, in the words of the interface in use.

    ``kind`` is ``"map_column"`` (give ``table``, ``source``, ``target``), ``"currency"``
    or ``"quarantine"``.

    Examples
    --------
    >>> fix_hint("map_column", table="deals", source="Amt", target="amount")
    "pass mapping={'deals': {'Amt': 'amount'}}"
    >>> fix_hint("map_column", style="cli", table="deals", source="Amt", target="amount")
    'add [columns.deals] "Amt" = "amount" to a --mapping file'
    >>> fix_hint("currency", style="cli"), fix_hint("quarantine")
    ('pass --currency CODE', 'pass quarantine=True')
    """
    cli = style == "cli"
    if kind == "map_column":
        table, source, target = what["table"], what["source"], what["target"]
        if cli:
            return f'add [columns.{table}] "{source}" = "{target}" to a --mapping file'
        return f"pass mapping={{{table!r}: {{{source!r}: {target!r}}}}}"
    if kind == "currency":
        return "pass --currency CODE" if cli else "pass currency='...'"
    if kind == "quarantine":
        return "pass --quarantine" if cli else "pass quarantine=True"
    raise ValueError(f"unknown hint {kind!r}")


def suggest(name: str, candidates: Collection[str]) -> str | None:
    """Return the candidate closest to ``name`` (difflib), or None when none is close.

    >>> suggest("ammount", ["amount", "outcome", "deal_id"])
    'amount'
    >>> suggest("zzz", ["amount"]) is None
    True
    """
    found = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    if not found:
        lowered = {c.lower(): c for c in candidates}
        found = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
        return lowered[found[0]] if found else None
    return found[0]


@dataclass(frozen=True)
class Problem:
    """One broken rule: where, which rule, how many rows and the first offending rows.

    ``rows`` holds ``(row_number, value)`` pairs; ``row_kind`` says what the numbers are:
    ``"line"`` (line in a CSV file, header = line 1) or ``"row"`` (0-based row index of a
    frame or Parquet file). Table-level problems have ``count`` 0 and no rows.
    ``records`` holds, beside ``rows``, the record id of each offending row (the table's
    id: ``deal_id`` or ``partner_id``, as the source wrote it) when the table has one.
    """

    table: str
    column: str | None
    rule: str
    count: int
    rows: list[tuple[int, str | None]] = field(default_factory=list)
    message: str = ""
    row_kind: RowKind = "line"
    origin: str = ""
    records: list[str | None] = field(default_factory=list)

    @property
    def where(self) -> str:
        """``table.column`` (or just the table)."""
        return f"{self.table}.{self.column}" if self.column else self.table

    @property
    def scope(self) -> Scope:
        """``"row"`` when the rule concerns single rows, else ``"table"``."""
        return RULES[self.rule].scope if self.rule in RULES else "table"

    def describe(self) -> str:
        """Return a readable multi-line description of this problem.

        >>> print(Problem("partners", "partner_id", "duplicate", 2, [(4, "p1")],
        ...               "partner_id repeats an earlier row", row_kind="row").describe())
        partners.partner_id [duplicate] 2 rows: partner_id repeats an earlier row
             row 4: 'p1'  (0-based row index)
             ... and 1 more
        >>> print(Problem("deals", "amount", "negative", 1, [(7, "-5")], "amount must be "
        ...               "zero or more", records=["006A"]).describe())
        deals.amount [negative] 1 row: amount must be zero or more
             line 7 (id 006A): '-5'
        """
        text = self.message
        if not text and self.rule in RULES:
            text = RULES[self.rule].summary
        head = f"{self.where} [{self.rule}]"
        if self.count:
            head += f" {self.count} row{'s' if self.count != 1 else ''}"
        if self.origin and self.origin not in text:
            head += f" in {self.origin}"
        lines = [f"{head}: {text}"]
        for i, (number, value) in enumerate(self.rows):
            shown = "null" if value is None else repr(value)
            hint = "  (0-based row index)" if self.row_kind == "row" and i == 0 else ""
            record = self.records[i] if i < len(self.records) else None
            ident = f" (id {record})" if record else ""
            lines.append(f"     {self.row_kind} {number}{ident}: {shown}{hint}")
        if self.count > len(self.rows) and self.rows:
            lines.append(f"     ... and {self.count - len(self.rows)} more")
        return "\n".join(lines)


def _problems_frame(problems: Sequence[Problem]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "table": [p.table for p in problems],
            "column": [p.column for p in problems],
            "rule": [p.rule for p in problems],
            "count": [p.count for p in problems],
            "row_kind": [p.row_kind for p in problems],
            "rows": [[n for n, _ in p.rows] for p in problems],
            "values": [[v for _, v in p.rows] for p in problems],
            "message": [p.message for p in problems],
        },
        schema={
            "table": pl.String,
            "column": pl.String,
            "rule": pl.String,
            "count": pl.Int64,
            "row_kind": pl.String,
            "rows": pl.List(pl.Int64),
            "values": pl.List(pl.String),
            "message": pl.String,
        },
    )


class PortfolioError(ValueError):
    """The source breaks the data contract; lists every problem found.

    ``str(error)`` is a readable multi-line report; ``.problems`` the structured list;
    ``.to_frame()`` a polars DataFrame for notebooks; ``.report`` the load report (tables,
    rows, columns supplied), when the loader got that far.

    >>> err = PortfolioError([Problem("deals", None, "missing_table", 0,
    ...                               message="the deals table is required")])
    >>> err.problems[0].rule, isinstance(err, ValueError)
    ('missing_table', True)
    """

    def __init__(
        self,
        problems: Sequence[Problem],
        *,
        report: LoadReport | None = None,
        source: str = "",
    ) -> None:
        self.problems: list[Problem] = list(problems)
        self.report = report
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        n = len(self.problems)
        where = f" (source: {self.source})" if self.source else ""
        lines = [f"The portfolio has {n} problem{'s' if n != 1 else ''}{where}:"]
        lines += [f"{i}. {p.describe()}" for i, p in enumerate(self.problems, 1)]
        return "\n".join(lines)

    def to_frame(self) -> pl.DataFrame:
        """Return the problems as a DataFrame, one row per problem.

        >>> PortfolioError([Problem("deals", "amount", "negative", 1, [(3, "-5")])]
        ...                ).to_frame()["rows"].to_list()
        [[3]]
        """
        return _problems_frame(self.problems)


@dataclass(frozen=True)
class TableReport:
    """What the loader found for one table (or auxiliary input) of the source."""

    table: str
    origin: str
    row_kind: RowKind
    rows_read: int | None
    rows_loaded: int | None
    supplied: tuple[str, ...]
    missing: tuple[str, ...]
    renamed: tuple[tuple[str, str], ...] = ()
    ignored: tuple[str, ...] = ()
    dropped: tuple[tuple[int, str], ...] = ()
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        """Return a short multi-line description of this table's load."""
        count = "" if self.rows_read is None else f": {self.rows_read} rows"
        if self.rows_loaded is not None and self.rows_loaded != self.rows_read:
            count += f", {self.rows_loaded} loaded"
        lines = [f"{self.table}  ({self.origin}{count})"]
        if self.supplied:
            lines.append(f"  supplied: {', '.join(self.supplied)}")
        lines.append(f"  missing:  {', '.join(self.missing) if self.missing else '-'}")
        renamed = [f"{s!r} -> {c}" for s, c in self.renamed if s != c]
        if renamed:
            lines.append(f"  renamed:  {', '.join(renamed)}")
        if self.ignored:
            lines.append(f"  ignored columns: {', '.join(repr(c) for c in self.ignored)}")
        if self.dropped:
            lines.append(f"  dropped {len(self.dropped)} rows that hold no data:")
            lines += [f"     {self.row_kind} {n}: {why}" for n, why in self.dropped]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


@dataclass(frozen=True)
class LoadReport:
    """The load report: per-table findings, problems, and rows set aside.

    ``ok`` is true when no problem remains (problems set aside by quarantine do not count).
    """

    source: str
    tables: tuple[TableReport, ...]
    problems: tuple[Problem, ...] = ()
    quarantined: pl.DataFrame | None = None
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the source loads without problems."""
        return not self.problems

    @property
    def dropped(self) -> tuple[tuple[str, int, str], ...]:
        """Every row dropped because it held no data: ``(table, row_number, reason)``."""
        return tuple((t.table, n, why) for t in self.tables for n, why in t.dropped)

    def describe(self) -> str:
        """Return the readable report printed by ``partnerkit validate``."""
        lines = [f"Portfolio source: {self.source}"]
        lines += [f"  note: {n}" for n in self.notes]
        lines.append("")
        for t in self.tables:
            lines += [t.describe(), ""]
        aside = self.quarantined if self.quarantined is not None else None
        kinds = {t.table: t.row_kind for t in self.tables}
        if aside is not None and aside.height:
            lines += [*set_aside_lines(aside, row_kinds=kinds), ""]
        if self.problems:
            n = len(self.problems)
            lines.append(f"{n} problem{'s' if n != 1 else ''}:")
            lines += [f"{i}. {p.describe()}" for i, p in enumerate(self.problems, 1)]
        elif aside is not None and aside.height:
            rows = _row_count(aside)
            lines.append(
                f"{rows} row{'s' if rows != 1 else ''} set aside; the rows kept are valid."
            )
        else:
            lines.append("No problems: the portfolio is valid.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()


def _row_count(quarantined: pl.DataFrame) -> int:
    return quarantined.select("table", "row_number").n_unique()


def set_aside_lines(
    quarantined: pl.DataFrame,
    /,
    *,
    row_kinds: Mapping[str, RowKind] | None = None,
    limit: int = 50,
) -> list[str]:
    r"""Describe the rows set aside by quarantine: a count of ROWS, then one line per row.

    Requires columns: ``table``, ``row_number``, ``rule``, ``column``, ``value`` and
    optionally ``record`` (``Portfolio.quarantine``). A row breaking several rules is one
    row, listed once with each rule it breaks. ``row_kinds`` says, per table, whether the
    numbers are file lines (the default) or 0-based row indexes.

    Examples
    --------
    >>> q = pl.DataFrame({"table": ["deals"] * 3, "row_number": [7, 7, 9],
    ...     "rule": ["bad_number", "not_allowed", "negative"],
    ...     "column": ["amount", "outcome", "amount"], "value": ["abc", "wn", "-5"],
    ...     "record": ["006A", "006A", None]})
    >>> print("\n".join(set_aside_lines(q)))
    Set aside (quarantine): 2 rows (3 rule breaks)
      deals line 7 (id 006A): amount [bad_number] 'abc'; outcome [not_allowed] 'wn'
      deals line 9: amount [negative] '-5'
    """
    kinds = dict(row_kinds or {})
    rows = _row_count(quarantined)
    breaks = quarantined.height
    head = f"Set aside (quarantine): {rows} row{'s' if rows != 1 else ''} "
    lines = [head + f"({breaks} rule break{'s' if breaks != 1 else ''})"]
    record = "record" if "record" in quarantined.columns else None
    grouped = quarantined.group_by("table", "row_number", maintain_order=True).agg(
        pl.col("rule"),
        pl.col("column"),
        pl.col("value"),
        (pl.col(record).drop_nulls().first() if record else pl.lit(None, pl.String)).alias("__id"),
    )
    for n, (table, number, rules, columns, values, ident) in enumerate(grouped.iter_rows()):
        if n == limit:
            lines.append(f"  ... and {grouped.height - limit} more rows")
            break
        broken = "; ".join(
            f"{c or table} [{r}] {'null' if v is None else repr(v)}"
            for r, c, v in zip(rules, columns, values, strict=True)
        )
        shown = f" (id {ident})" if ident else ""
        lines.append(f"  {table} {kinds.get(table, 'line')} {number}{shown}: {broken}")
    return lines


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


def _is_missing(column: str) -> pl.Expr:
    return pl.col(raw(column)).is_null()


def contract_checks(
    table: str, /, *, present: Collection[str], row_kind: RowKind = "line"
) -> tuple[Check, ...]:
    """Return the row checks the schema implies for ``table``, over its supplied columns.

    Requires: each column of ``present`` parsed to its canonical dtype, next to its
    :func:`raw` text column. Checks: nulls in non-nullable columns, values outside the
    allowed set, negative amounts/hours, duplicate ids (later rows are the offenders),
    won or lost deals without a close date, a close date before the create date, an
    investment ending before it starts. Partner references and currencies are checked by
    :func:`partner_reference` and :func:`currency_check`.

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
                    f"{c.name} is required but empty",
                )
            )
        if c.allowed is not None:
            checks.append(
                Check(
                    c.name,
                    "not_allowed",
                    col.is_not_null() & ~col.is_in(c.allowed),
                    pl.col(raw(c.name)),
                    f"{c.name} must be one of the allowed values",
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
        "partner_id is not in the partners table",
    )
    return frame, check


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
            f"the portfolio currency is {currency}",
        )
    majority = col.drop_nulls().mode().sort().first()
    found = col.drop_nulls().unique().sort().str.join(", ")
    return Check(
        CURRENCY,
        "mixed_currency",
        col.is_not_null() & (col != majority),
        pl.col(raw(CURRENCY)),
        "deal amounts are in more than one currency and cannot be added up; convert them "
        f"to one currency, or {fix_hint('currency', style=style)} to keep one (other rows "
        f"are then errors, or set aside: {fix_hint('quarantine', style=style)})",
        note=pl.format("found {}; most rows are in {}", found, majority),
        scope="table",
        screen=(col.min() != col.max()).cast(pl.Int64),  # zero when one currency or none
    )
