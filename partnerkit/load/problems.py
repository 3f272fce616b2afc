"""Problems: the rules of the data contract and one broken rule, as the loader reports it.

:data:`RULES` names every rule the loader checks, its scope and what it means. A
:class:`Problem` is one broken rule: table, column, rule, how many rows and the first
offending rows with their numbers in the source (for a CSV file the line number, the header
being line 1; for a frame or a Parquet file the 0-based row index). :func:`suggest` and
:func:`fix_hint` word the "did you mean" and "how to fix" parts of a message.

Rules are either *row* rules, whose offending rows may be set aside with
``quarantine=True``, *table* rules (missing columns, empty files, wrong delimiter, mixed
currencies, ...), which always raise, or *notes*, worth a mention but never an error.

Examples
--------
>>> p = Problem("deals", "amount", "negative", 1, [(3, "-5")], "amount must be zero or more")
>>> p.where, p.scope, RULES["negative"].summary
('deals.amount', 'row', 'a negative amount or duration')
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["RULES", "HintStyle", "Problem", "RowKind", "Rule", "Scope", "fix_hint", "suggest"]

RowKind = Literal["line", "row"]
"""What row numbers are: lines of a CSV file (header = line 1) or 0-based row indexes."""

HintStyle = Literal["python", "cli"]
"""Who reads the fix hints: Python callers (keyword arguments) or the command line (flags)."""

Scope = Literal["row", "table", "note"]
"""Whether a rule concerns single rows, a whole table, or is a note (never an error)."""


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
        Rule(
            "blank_currency",
            "row",
            "a deal without a currency among deals in several currencies",
        ),
        Rule("several_values", "note", "a cell listing several values; the first is used"),
        Rule("partner_by_name", "note", "a partner given by name, read as its id"),
        Rule("population_not_status", "note", "overlap populations read as status 'none'"),
        Rule("default_filled", "note", "an empty cell filled with the mapping's default"),
        Rule(
            "currency_from_amount",
            "note",
            "a blank currency cell read from the currency written in the amount",
        ),
    )
}


def fix_hint(kind: str, /, *, style: HintStyle = "python", **what: str) -> str:
    """Return how to fix a problem, in the words of the interface in use.

    ``kind`` is ``"map_column"`` (give ``table``, ``source``, ``target``), ``"default"``
    (give ``table``, ``column``, ``value``: a value for empty cells), ``"constant"`` (give
    ``table``, ``column``, ``value``: the same value on every row), ``"preset"`` (give
    ``names``, comma-separated), ``"map_value"`` (give ``table``, ``column``, ``value``: an
    allowed value to map a label to; ``label``, optional, the label to map), ``"as_of"``
    (give ``day``), ``"sheet"`` (give ``table``, ``sheet``: the worksheet of that input's
    workbook), ``"file"`` (give ``table``, ``file``: the file of a folder to read as that
    input), ``"currency"``, ``"rates"``, ``"quarantine"``, ``"decimal"`` or ``"day_first"``.

    Examples
    --------
    >>> fix_hint("map_column", table="deals", source="Amt", target="amount")
    "pass mapping={'deals': {'Amt': 'amount'}}"
    >>> fix_hint("map_column", style="cli", table="deals", source="Amt", target="amount")
    'add [columns.deals] "Amt" = "amount" to a --mapping file'
    >>> fix_hint("default", style="cli", table="deals", column="amount", value="0")
    'add [defaults.deals] amount = 0 to a --mapping file'
    >>> fix_hint("constant", style="cli", table="overlaps", column="partner_id", value="P1")
    'add [constants.overlaps] partner_id = "P1" to a --mapping file'
    >>> fix_hint("map_value", style="cli", table="deals", column="outcome", value="won")
    'add [values.deals.outcome] "Your label" = "won" to a --mapping file'
    >>> fix_hint("currency", style="cli"), fix_hint("quarantine")
    ('pass --currency CODE', 'pass quarantine=True')
    >>> fix_hint("decimal", style="cli")
    'pass --decimal . (1,200 is 1200) or --decimal , (1,200 is 1.2)'
    >>> fix_hint("day_first")
    'pass day_first=True (03/01 is 3 January) or day_first=False (1 March)'
    >>> fix_hint("sheet", table="deals", sheet="Opportunities")
    "pass sheet={'deals': 'Opportunities'}"
    >>> fix_hint("file", style="cli", table="deals", file="deals-2025-12.csv")
    'add [files] deals = "deals-2025-12.csv" to a --mapping file'
    """
    cli = style == "cli"
    if kind == "map_column":
        table, source, target = what["table"], what["source"], what["target"]
        if cli:
            return f'add [columns.{table}] "{source}" = "{target}" to a --mapping file'
        return f"pass mapping={{{table!r}: {{{source!r}: {target!r}}}}}"
    if kind == "default":
        table, column, value = what["table"], what["column"], what["value"]
        if cli:
            return f"add [defaults.{table}] {column} = {value} to a --mapping file"
        return f"pass shape=Shape(defaults={{{table!r}: {{{column!r}: {value}}}}})"
    if kind == "preset":
        names = what["names"].split(",")
        if cli:
            return "pass " + " ".join(f"--preset {n}" for n in names)
        return f"pass preset={names[0]!r}" if len(names) == 1 else f"pass preset={names!r}"
    if kind == "map_value":
        table, column, value = what["table"], what["column"], what["value"]
        label = what.get("label", "Your label")
        if cli:
            return f'add [values.{table}.{column}] "{label}" = "{value}" to a --mapping file'
        return f"pass values={{{table!r}: {{{column!r}: {{{label!r}: {value!r}}}}}}}"
    if kind == "currency":
        return "pass --currency CODE" if cli else "pass currency='...'"
    if kind == "rates":
        if cli:
            return "pass --currency CODE --rates FILE, a table of currency, date, rate"
        return "pass currency='...' and rates='rates.csv', a table of currency, date, rate"
    if kind == "quarantine":
        return "pass --quarantine" if cli else "pass quarantine=True"
    if kind == "decimal":
        if cli:
            return "pass --decimal . (1,200 is 1200) or --decimal , (1,200 is 1.2)"
        return "pass decimal='.' (1,200 is 1200) or decimal=',' (1,200 is 1.2)"
    if kind == "day_first":
        if cli:
            return "pass --day-first (03/01 is 3 January) or --no-day-first (1 March)"
        return "pass day_first=True (03/01 is 3 January) or day_first=False (1 March)"
    if kind == "constant":
        table, column, value = what["table"], what["column"], what["value"]
        if cli:
            return f'add [constants.{table}] {column} = "{value}" to a --mapping file'
        return f"pass shape=Shape(constants={{{table!r}: {{{column!r}: {value!r}}}}})"
    if kind == "sheet":
        table, sheet = what["table"], what["sheet"]
        if cli:
            return (
                f'add [sheet] {table} = "{sheet}" to a --mapping file (--sheet picks the '
                "sheet of every workbook)"
            )
        return f"pass sheet={{{table!r}: {sheet!r}}}"
    if kind == "file":
        table, file = what["table"], what["file"]
        if cli:
            return f'add [files] {table} = "{file}" to a --mapping file'
        return (
            f"pass mapping=MappingFile(files={{{table!r}: {file!r}}}) (from "
            "partnerkit.load.mapping import MappingFile; its columns= and values= take the "
            "rest of a mapping)"
        )
    if kind == "as_of":
        day = what["day"]
        if cli:
            return f"pass --as-of {day}"
        return f"pass as_of=datetime.date.fromisoformat({day!r}) (notebooks: as_of = {day!r})"
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


def did_you_mean(name: str, candidates: Collection[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the candidate closest to ``name`` (:func:`suggest`).

    An empty string when none is close, so that it can end any message.

    >>> "unknown column 'ammount'" + did_you_mean("ammount", ["amount", "outcome"])
    "unknown column 'ammount'; did you mean 'amount'?"
    >>> did_you_mean("zzz", ["amount"])
    ''
    """
    near = suggest(name, candidates)
    return f"; did you mean {near!r}?" if near else ""


@dataclass(frozen=True)
class Problem:
    """One broken rule: where, which rule, how many rows and the first offending rows.

    ``rows`` holds ``(row_number, value)`` pairs; ``row_kind`` says what the numbers are:
    ``"line"`` (line in a CSV file, header = line 1) or ``"row"`` (0-based row index of a
    frame or Parquet file). Table-level problems have ``count`` 0 and no rows.
    ``records`` holds, beside ``rows``, the record id of each offending row (the table's
    id: ``deal_id`` or ``partner_id``, as the source wrote it; for a table without one, the
    record its rows are about: an overlap's account, an activity's or investment's partner).
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
