"""What the loader tells its caller: the load report, and the error listing every problem.

All problems are gathered before anything is raised, so one :class:`PortfolioError` lists
every problem at once. :class:`LoadReport` says, per table, what was read, supplied,
renamed, ignored or dropped, and which rows were set aside (this is the load report, not
the portfolio report of :mod:`partnerkit.report`).

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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from partnerkit.load.problems import Problem, RowKind

__all__ = ["LoadReport", "PortfolioError", "TableReport", "set_aside_lines"]


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
        if self.report is not None and self.report.advice:
            lines.append(self.report.advice)
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
    warnings: tuple[str, ...] = ()

    def describe(self) -> str:
        """Return a short multi-line description of this table's load."""
        rows = self.rows_read
        count = "" if rows is None else f": {rows:,} row{'' if rows == 1 else 's'}"
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
            what = (
                "1 row that holds"
                if len(self.dropped) == 1
                else f"{len(self.dropped)} rows that hold"
            )
            lines.append(f"  dropped {what} no data:")
            lines += [f"     {self.row_kind} {n}: {why}" for n, why in self.dropped]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


@dataclass(frozen=True)
class LoadReport:
    """The load report: per-table findings, problems, and rows set aside.

    ``ok`` is true when no problem remains (problems set aside by quarantine do not count).
    ``advice``, when given, closes the list of problems: how to go on from them in the
    interface in use (e.g. set the offending rows aside).
    """

    source: str
    tables: tuple[TableReport, ...]
    problems: tuple[Problem, ...] = ()
    quarantined: pl.DataFrame | None = None
    notes: tuple[str, ...] = ()
    advice: str = ""

    @property
    def ok(self) -> bool:
        """Whether the source loads without problems."""
        return not self.problems

    @property
    def dropped(self) -> tuple[tuple[str, int, str], ...]:
        """Every row dropped because it held no data: ``(table, row_number, reason)``."""
        return tuple((t.table, n, why) for t in self.tables for n, why in t.dropped)

    @property
    def warnings(self) -> tuple[str, ...]:
        """What was read but may not be what the source meant: ``"table: text"`` each.

        A warning is no problem (the portfolio loads) but asks to be checked, as a stage
        label that reads like a closed stage and is read as open.
        """
        return tuple(f"{t.table}: {w}" for t in self.tables for w in t.warnings)

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
        if self.warnings:
            lines += [*(f"warning: {w}" for w in self.warnings), ""]
        if self.problems:
            n = len(self.problems)
            lines.append(f"{n} problem{'s' if n != 1 else ''}:")
            lines += [f"{i}. {p.describe()}" for i, p in enumerate(self.problems, 1)]
            if self.advice:
                lines.append(self.advice)
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
