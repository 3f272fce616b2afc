"""Column and value mappings: from a source's names and labels to the canonical ones.

**Columns.** For each table, a source column is matched to a canonical column, in this
order: the user's ``mapping`` (``{"deals": {"Ammount": "amount"}}``; map a column to
``""`` or ``None`` to ignore it); then the preset's list of known source names; then the
canonical name itself, compared case- and punctuation-insensitively (``"Partner ID"`` is
read as ``partner_id``). Source columns matched to nothing are ignored and listed in the
load report, with a "did you mean" when one is close to a canonical name.

**Values.** ``values={"deals": {"outcome": {"Closed Won": "won", "*": "open"}}}`` maps
source labels to canonical values, per table and column. Keys are compared case- and
whitespace-insensitively. The key ``"*"`` maps every other non-null value that is not
already a canonical value (for a column with an allowed set). After mapping, labels of
columns with an allowed set (and the partner ``type`` and ``tier``) are normalised to
lower snake case, so ``"Won"``, ``" WON "`` and ``"Joint Marketing"`` read as ``won`` and
``joint_marketing``.

A mapping can be kept in a TOML file (see :func:`read_mapping_file`)::

    preset = "salesforce"
    currency = "USD"

    [files]
    deals = "Opportunity.csv"

    [columns.deals]
    "Reseller__c" = "partner_id"

    [values.deals.outcome]
    "Signed" = "won"
    "*" = "open"

**Mapping v2** (:class:`Shape`, the ``shape=`` argument of the loader, or these keys of a
mapping file) says what a rename cannot. A sales-order file with one row per order line,
no outcome and no partner file::

    derive_partners = true              # partners = the distinct resellers of the deals

    [columns.deals]
    "Order No" = "deal_id"
    "Reseller" = ["partner_id", "partner_name"]   # one column, two fields
    "Order Date" = ["created_on", "closed_on"]
    "Line Amount" = "amount"

    [constants.deals]
    outcome = "won"                     # every order is a won deal

    [defaults.deals]
    amount = 0                          # empty cells; the report counts them

    [filters.deals]
    "Status" = ["Invoiced", "Paid"]     # only these rows; the report counts the others

    [aggregate.deals]                   # order lines -> one deal per order
    by = "deal_id"
    amount = "sum"
    created_on = "min"
    closed_on = "max"

``credit = "split"`` (or ``"full"``; default ``"primary"``) shares a deal among several
partners (see :func:`partnerkit.load.presets.credit_partners`). Mapping files without
these keys read as before.

Examples
--------
>>> plan = plan_columns("deals", ["Id", "Ammount", "Stage"],
...                     user={"Ammount": "amount"}, known={"deal_id": ("Id",)})
>>> plan.renamed
(('Id', 'deal_id'), ('Ammount', 'amount'))
>>> plan.ignored
('Stage',)
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from partnerkit.load.checks import ROW, Check
from partnerkit.load.dates import parse_dates
from partnerkit.load.files import SourceTable
from partnerkit.load.problems import HintStyle, Problem, RowKind, did_you_mean, fix_hint, suggest
from partnerkit.load.text import (
    clean_text,
    date_text,
    key_of,
    label_key,
    normalise_label,
    normalise_name,
    parse_flags,
    parse_numbers,
)
from partnerkit.schema import TABLES

__all__ = [
    "AGGREGATES",
    "CREDITS",
    "MAPPING_KEYS",
    "SHAPE_KEYS",
    "ColumnPlan",
    "Input",
    "MappingFile",
    "Shape",
    "ValueMap",
    "aggregate_lines",
    "apply_values",
    "derive_partners",
    "fill_defaults",
    "filter_rows",
    "label_columns",
    "maps_values",
    "plan_columns",
    "read_mapping_file",
    "relabel",
    "shaped_columns",
    "split_targets",
]

ColumnMap = Mapping[str, Mapping[str, str | Sequence[str] | None]]
"""User column mapping: table -> source column -> canonical column (None/"" to ignore)."""

ValueMap = Mapping[str, Mapping[str, Mapping[str, str]]]
"""Value mapping: table -> column -> source value -> canonical value ("*" = any other)."""

SHAPE_KEYS = ("constants", "defaults", "filters", "aggregate", "derive_partners", "credit")
"""The keys of a mapping file that shape the rows (mapping v2, :class:`Shape`)."""

MAPPING_KEYS = (
    "preset", "currency", "files", "columns", "values", *SHAPE_KEYS,
    "sheet", "day_first", "decimal",
)  # fmt: skip
"""Every key a mapping file may hold (:func:`read_mapping_file`)."""

ANY_OTHER = "*"

# Free-text partner columns that still hold labels of a ladder or vocabulary, and so are
# normalised like the columns with an allowed set.
_FREE_LABELS: dict[str, tuple[str, ...]] = {
    "partners": (TABLES["partners"].column("type").name, TABLES["partners"].column("tier").name)
}

DUPLICATE_SUFFIX = "_duplicated_"


def label_columns(table: str) -> tuple[str, ...]:
    """Columns of ``table`` whose values are labels normalised to lower snake case.

    >>> label_columns("deals")
    ('outcome', 'source')
    """
    spec = TABLES[table]
    allowed = tuple(c.name for c in spec.columns if c.allowed is not None)
    return (*_FREE_LABELS.get(table, ()), *allowed)


@dataclass(frozen=True)
class ColumnPlan:
    """How the columns of one source table map to target (canonical or helper) names."""

    renamed: tuple[tuple[str, str], ...]
    ignored: tuple[str, ...]
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def targets(self) -> tuple[str, ...]:
        """Target names the source supplies."""
        return tuple(t for _, t in self.renamed)

    def source_of(self, target: str) -> str:
        """Return the source column read as ``target`` (``target`` itself when not renamed)."""
        return next((s for s, t in self.renamed if t == target), target)


def plan_columns(
    table: str,
    columns: Sequence[str],
    /,
    *,
    user: Mapping[str, str | None] | None = None,
    known: Mapping[str, Sequence[str]] | None = None,
    targets: Collection[str] | None = None,
    origin: str = "",
    style: HintStyle = "python",
    repeats: Mapping[str, str] | None = None,
) -> ColumnPlan:
    """Decide which source column supplies each target column of ``table``.

    Requires: the source's column names. ``known`` lists, per target, the source names a
    preset recognises (first present wins); ``targets`` defaults to the canonical columns
    of ``table`` plus the targets in ``known``.

    ``repeats`` maps each column named after a header the source repeats to the first
    copy's name (``{"Created Date (again)": "Created Date"}``; polars' own names,
    ``amount_duplicated_0``, are recognised without it). When the first copy would be
    read, the repeat is the problem ``duplicate_column`` until the mapping names the
    repeat (``""`` ignores it) or ignores the first copy, whose target the repeat then
    takes; its fix is in the words of ``style``.

    Examples
    --------
    >>> plan_columns("partners", ["Partner ID", "Name", "teir"]).notes
    ("ignored column 'teir': did you mean 'tier'? (pass mapping={'partners': {'teir': 'tier'}})",)
    >>> repeated = {"amount (again)": "amount"}
    >>> plan = plan_columns("deals", ["amount", "amount (again)"], repeats=repeated)
    >>> [p.rule for p in plan.problems]
    ['duplicate_column']
    >>> plan = plan_columns("deals", ["amount", "amount (again)"], repeats=repeated,
    ...                     user={"amount": ""})
    >>> plan.renamed, plan.ignored, plan.problems
    ((('amount (again)', 'amount'),), ('amount',), ())
    """
    user = dict(user or {})
    known = dict(known or {})
    canonical = TABLES[table].names if table in TABLES else ()
    allowed_targets = set(targets) if targets is not None else {*canonical, *known}
    copies = _repeats(columns, repeats)
    by_norm: dict[str, str] = {}
    for c in columns:
        if c not in copies:
            by_norm.setdefault(normalise_name(c), c)
    chosen: dict[str, str] = {}  # target -> source
    problems: list[Problem] = []
    notes: list[str] = []
    skipped: set[str] = set()

    for source, target in user.items():
        if source not in columns:
            hint = _copy_hint(source, copies) or did_you_mean(source, columns)
            problems.append(
                Problem(
                    table,
                    source,
                    "unknown_mapping",
                    0,
                    message=f"the mapping names column {source!r}, which the source lacks{hint}",
                    origin=origin,
                )
            )
            continue
        if not target:
            skipped.add(source)
            continue
        if target not in allowed_targets:
            hint = did_you_mean(target, sorted(allowed_targets))
            problems.append(
                Problem(
                    table,
                    source,
                    "unknown_mapping",
                    0,
                    message=f"the mapping sends {source!r} to {target!r}, which is not a "
                    f"column of {table}{hint}",
                    origin=origin,
                )
            )
            continue
        if target in chosen:
            problems.append(_two_sources(table, target, chosen[target], source, origin))
            continue
        chosen[target] = source

    used = set(chosen.values()) | skipped
    for target in [*canonical, *[k for k in known if k not in canonical]]:
        if target in chosen or target not in allowed_targets:
            continue
        for alias in (*known.get(target, ()), target):
            match = alias if alias in columns else by_norm.get(normalise_name(alias))
            if match is not None and match in skipped:  # a repeat of an ignored column
                match = next((r for r, b in copies.items() if b == match and r not in used), None)
            if match is not None and match not in used:
                chosen[target] = match
                used.add(match)
                break

    read_as = {s: t for t, s in chosen.items()}
    for base in dict.fromkeys(copies.values()):
        group = [base, *(c for c, b in copies.items() if b == base)]
        guessed = [c for c in group if c in read_as and c not in user]
        unsaid = [c for c in group if c not in read_as and c not in user]
        if guessed and unsaid:  # the mapping did not say which copy to read
            read = guessed[0]
            problems.append(
                _repeated(table, read_as[read], read, unsaid, origin=origin, style=style)
            )

    order: dict[str, int] = {}
    for t in [*canonical, *known]:
        order.setdefault(t, len(order))
    renamed = tuple(
        sorted(((s, t) for t, s in chosen.items()), key=lambda st: order.get(st[1], 999))
    )
    taken = set(chosen.values())
    ignored = tuple(c for c in columns if c not in taken)
    for c in ignored:
        if c in skipped or not c or c in copies:
            continue
        near = suggest(normalise_name(c), [t for t in canonical if t not in chosen])
        if near is not None:
            fix = fix_hint("map_column", style=style, table=table, source=c, target=near)
            notes.append(f"ignored column {c!r}: did you mean {near!r}? ({fix})")
    return ColumnPlan(renamed, ignored, tuple(problems), tuple(notes))


def _repeats(columns: Sequence[str], repeats: Mapping[str, str] | None) -> dict[str, str]:
    """Each column naming a repeated header, with the name of its first copy."""
    found = {c: b for c, b in (repeats or {}).items() if c in columns and b in columns}
    for c in columns:
        base, _, number = c.rpartition(DUPLICATE_SUFFIX)
        if base and number.isdigit() and base in columns:
            found.setdefault(c, base)
    return found


def _copy_hint(name: str, copies: Mapping[str, str]) -> str:
    """Name the repeat a polars-style name (``amount_duplicated_0``) meant, or ''.

    >>> _copy_hint("amount_duplicated_0", {"amount (again)": "amount"})
    "; did you mean 'amount (again)', the second column headed 'amount'?"
    """
    base, _, number = name.rpartition(DUPLICATE_SUFFIX)
    if not base or not number.isdigit():
        return ""
    same = [c for c, b in copies.items() if b == base]
    if int(number) >= len(same):
        return ""
    order = ("second", "third", "fourth", "fifth")
    nth = order[int(number)] if int(number) < len(order) else f"{int(number) + 2}th"
    return f"; did you mean {same[int(number)]!r}, the {nth} column headed {base!r}?"


def _repeated(
    table: str, target: str, read: str, others: Sequence[str], *, origin: str, style: HintStyle
) -> Problem:
    """Return the ``duplicate_column`` problem of a repeated header, with both fixes.

    ``read`` is the copy the names would read as ``target``; ``others`` the copies of the
    same header the mapping does not mention.
    """
    named = ", ".join(repr(c) for c in others)
    ignore = "; ".join(
        fix_hint("map_column", style=style, table=table, source=c, target="") for c in others
    )
    instead = fix_hint("map_column", style=style, table=table, source=read, target="")
    return Problem(
        table,
        target,
        "duplicate_column",
        0,
        message=f"the file repeats a header: both {read!r} and {named} would be read as "
        f"{target!r}; to read {read!r} and ignore the other, {ignore}; to read "
        f"{others[0]!r} instead, {instead}",
        origin=origin,
    )


def _two_sources(table: str, target: str, first: str, second: str, origin: str) -> Problem:
    return Problem(
        table,
        target,
        "duplicate_column",
        0,
        message=f"both {first!r} and {second!r} would be read as {target!r}; "
        f"map one of them to '' to ignore it",
        origin=origin,
    )


def _merged_values(table: str, column: str, *maps: ValueMap | None) -> dict[str, str]:
    merged: dict[str, str] = {}
    for m in maps:
        for source, target in ((m or {}).get(table, {}).get(column, {})).items():
            merged[ANY_OTHER if source == ANY_OTHER else key_of(source)] = target
    return merged


def maps_values(table: str, column: str, maps: Sequence[ValueMap | None], /) -> bool:
    """Whether any of the value ``maps`` has an entry for ``table``'s ``column``.

    >>> maps_values("deals", "outcome", [None, {"deals": {"outcome": {"Signed": "won"}}}])
    True
    >>> maps_values("deals", "source", [{"deals": {"outcome": {"Signed": "won"}}}])
    False
    """
    return bool(_merged_values(table, column, *maps))


def relabel(text: pl.Expr, /, pairs: Mapping[str | None, str | None]) -> pl.Expr:
    """Replace the values of ``text`` by the ``pairs`` (source -> target) that change them.

    Requires: a String expression. Values not in ``pairs``, and pairs mapping a value to
    itself, are left as they are, so pairs that change nothing give back ``text`` itself
    (no per-row work). The key None stands for null. The expression is elementwise (a
    membership test per target), so the streaming engine runs it batch by batch.

    Examples
    --------
    >>> import polars as pl
    >>> pairs = {"Won": "won", " WON": "won", "open": "open", None: "open"}
    >>> pl.DataFrame({"x": ["Won", " WON", "lost", None]}).select(
    ...     relabel(pl.col("x"), pairs)
    ... ).to_series().to_list()
    ['won', 'won', 'lost', 'open']
    >>> relabel(pl.col("x"), {"open": "open"}).meta.eq(pl.col("x"))
    True
    """
    by_target: dict[str | None, list[str | None]] = {}
    for source, target in pairs.items():
        if source != target:
            by_target.setdefault(target, []).append(source)
    out = text
    for target, sources in by_target.items():
        named = [s for s in sources if s is not None]
        hit = text.is_in(named) if named else pl.lit(value=False)
        if None in sources:
            hit = hit | text.is_null()
        out = pl.when(hit).then(pl.lit(target, dtype=pl.String)).otherwise(out)
    return out


def apply_values(
    frame: pl.LazyFrame,
    /,
    *,
    table: str,
    present: Collection[str],
    maps: Sequence[ValueMap | None] = (),
) -> pl.LazyFrame:
    """Apply value mappings (later maps win) and normalise the labels of ``table``.

    Requires: the target columns in ``present``, as text or any dtype (only String
    columns are mapped). Columns with an allowed set, and the partner type and tier, come
    out as lower snake case labels; labels equal to an allowed value once underscores are
    removed (``co-sell`` -> ``cosell``) are read as that value.

    Examples
    --------
    >>> import polars as pl
    >>> lf = pl.LazyFrame({"outcome": ["Closed Won", " closed lost", "Negotiation", "WON"]})
    >>> vm = {"deals": {"outcome": {"Closed Won": "won", "Closed Lost": "lost", "*": "open"}}}
    >>> apply_values(lf, table="deals", present=["outcome"], maps=[vm]).collect()[
    ...     "outcome"
    ... ].to_list()
    ['won', 'lost', 'open', 'won']
    """
    schema = frame.collect_schema()
    spec = TABLES[table]
    labels = label_columns(table)
    todo = [
        c
        for c in present
        if c in schema
        and schema[c] == pl.String
        and (c in labels or _merged_values(table, c, *maps))
    ]
    if not todo:
        return frame

    def tmp(c: str) -> str:
        return f"__text_{c}"

    # Trim once into a helper column, so every later step reads a plain column.
    staged = frame.with_columns(pl.col(c).str.strip_chars().alias(tmp(c)) for c in todo)
    exprs: list[pl.Expr] = []
    for column in todo:
        text = pl.col(tmp(column))
        allowed = spec.column(column).allowed if column in spec.names else None
        label = text
        if column in labels:
            label = _label(text, allowed)
        mapping = _merged_values(table, column, *maps)
        if mapping:
            explicit = {k: v for k, v in mapping.items() if k != ANY_OTHER}
            mapped = label_key(text).replace_strict(
                list(explicit), list(explicit.values()), default=None, return_dtype=pl.String
            )
            other = mapping.get(ANY_OTHER)
            fallback = label
            if other is not None:
                keep = label.is_in(allowed) if allowed else pl.lit(value=False)
                fallback = pl.when(keep).then(label).otherwise(pl.lit(other))
            label = (
                pl.when(text.is_null() | (text == ""))
                .then(None)
                .otherwise(pl.coalesce(mapped, fallback))
            )
        exprs.append(label.alias(column))
    return staged.with_columns(exprs).drop([tmp(c) for c in todo])


_CLOSED_WORDS = r"\b(won|lost|closed)\b"
"""Words of a stage label that say the deal is closed (matched on the label's key)."""

_SHOWN_LABELS = 10


def caught_labels(
    inp: Input, maps: Sequence[ValueMap | None], /, *, style: HintStyle = "python"
) -> Input:
    """Say which labels a catch-all rule (``"*"``) read, and warn of closed-looking ones.

    Requires: nothing (columns without a ``"*"`` entry in ``maps`` are left alone). For
    each column of ``inp`` with an allowed set whose value map has ``"*"``, a note lists
    the labels matched by no entry of their own, with their row counts, as read by the
    catch-all; a label holding *won*, *lost* or *closed* (``"Renewal Won"``) read that way
    gets a warning with the value-map line that reads it, in the words of ``style``.

    Examples
    --------
    >>> import polars as pl
    >>> from partnerkit.load.files import SourceTable
    >>> lf = pl.LazyFrame({"__row": [2, 3, 4], "outcome": ["Closed Won", "Renewal Won", "Demo"]})
    >>> src = SourceTable("deals", lf, ("outcome",), "deals.csv", "line", eager=True)
    >>> inp = Input("deals", lf, ("outcome",), src, ColumnPlan((("Stage", "outcome"),), ()))
    >>> vm = {"deals": {"outcome": {"Closed Won": "won", "*": "open"}}}
    >>> out = caught_labels(inp, [vm], style="cli")
    >>> print(out.notes[0])  # doctest: +NORMALIZE_WHITESPACE
    Stage: 2 rows read as 'open' by the catch-all rule "*": 'Renewal Won' 1 (line 3),
    'Demo' 1 (line 4)
    >>> print(out.warnings[0])  # doctest: +NORMALIZE_WHITESPACE
    Stage: 'Renewal Won' (1 row, line 3) reads like a closed stage but is read as 'open' by
    the catch-all rule "*"; if it is won, add [values.deals.outcome] "Renewal Won" = "won"
    to a --mapping file
    """
    if inp.name not in TABLES:
        return inp
    spec = TABLES[inp.name]
    schema = inp.frame.collect_schema()
    notes, warnings = list(inp.notes), list(inp.warnings)
    for column in inp.present:
        mapping = _merged_values(inp.name, column, *maps)
        other = mapping.get(ANY_OTHER)
        allowed = spec.column(column).allowed if column in spec.names else None
        if other is None or not allowed or schema.get(column) != pl.String:
            continue
        explicit = [k for k in mapping if k != ANY_OTHER]
        text = pl.col(column).str.strip_chars()
        caught = (
            text.is_not_null()
            & (text != "")
            & ~label_key(text).is_in(explicit)
            & ~_label(text, allowed).is_in(allowed)
        )
        found = (
            inp.frame.filter(caught)
            .group_by(label_key(text).alias("__key"))
            .agg(
                text.first().alias("__label"),
                pl.len().alias("__n"),
                pl.col(ROW).min().alias("__row"),
            )
            .sort("__row")
            .collect()
        )
        if not found.height:
            continue
        source = inp.plan.source_of(column)
        rows = int(found["__n"].sum())
        kind = inp.row_kind
        listed = ", ".join(
            f"{label!r} {n} ({kind} {row})"
            for label, n, row in found.select("__label", "__n", "__row").head(_SHOWN_LABELS).rows()
        )
        more = f", and {found.height - _SHOWN_LABELS} more" if found.height > _SHOWN_LABELS else ""
        notes.append(
            f"{source}: {rows} row{'' if rows == 1 else 's'} read as {other!r} by the "
            f'catch-all rule "*": {listed}{more}'
        )
        for key, label, n, row in found.iter_rows():
            words = set(re.findall(_CLOSED_WORDS, key))
            if not words:
                continue
            value = "won" if "won" in words else "lost" if "lost" in words else None
            hint = fix_hint(
                "map_value",
                style=style,
                table=inp.name,
                column=column,
                value=value or "lost",
                label=label,
            )
            said = f"if it is {value}" if value else "if it is closed"
            hint += "" if value else " (or 'won')"
            where = f"{n} row{'' if n == 1 else 's'}, {kind} {row}"
            warnings.append(
                f"{source}: {label!r} ({where}) reads like a closed stage but is read as "
                f'{other!r} by the catch-all rule "*"; {said}, {hint}'
            )
    return dataclasses.replace(inp, notes=tuple(notes), warnings=tuple(warnings))


def _label(text: pl.Expr, allowed: tuple[str, ...] | None) -> pl.Expr:
    """Lower-snake-case ``text``; read near spellings of an allowed value as that value."""
    if not allowed:
        return normalise_label(text)
    # Values already canonical (the usual case) skip the string work: the other rows are
    # null in ``pending`` and string functions pass nulls through at no cost.
    canonical = text.is_in(allowed)
    pending = normalise_label(pl.when(~canonical).then(text))
    squashed = {a.replace("_", ""): a for a in allowed}
    fixed = pending.str.replace_all("_", "", literal=True).replace_strict(
        list(squashed), list(squashed.values()), default=pending
    )
    return pl.when(canonical).then(text).otherwise(fixed)


@dataclass(frozen=True)
class Input:
    """One named input after column mapping, as presets and the loader see it.

    ``frame`` holds the :data:`~partnerkit.load.checks.ROW` column and the target columns in
    ``present`` (source dtypes, not yet parsed); ``source`` is the table as read.
    ``checks`` are extra row checks (e.g. a preset's flag columns) and ``notices`` checks
    whose hits are reported as notes, not problems.
    """

    name: str
    frame: pl.LazyFrame
    present: tuple[str, ...]
    source: SourceTable
    plan: ColumnPlan
    checks: tuple[Check, ...] = ()
    notices: tuple[Check, ...] = ()
    notes: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()
    left_out: tuple[tuple[str | None, str | None, int, str], ...] = ()
    """Rows of a partners input left out as customers: ``(id, name, row, why)``."""

    @property
    def origin(self) -> str:
        """Where the input came from (file name or frame type)."""
        return self.source.origin

    @property
    def row_kind(self) -> RowKind:
        """``"line"`` for CSV files, ``"row"`` (0-based index) otherwise."""
        return self.source.row_kind


@dataclass(frozen=True)
class MappingFile:
    """The contents of a mapping TOML file (see the module docstring).

    ``shape`` holds the mapping v2 keys (``constants``, ``defaults``, ``filters``,
    ``aggregate``, ``derive_partners``, ``credit``); a v1 file leaves it empty. ``sheet``,
    ``day_first`` and ``decimal`` are the loader's reading options.
    """

    preset: tuple[str, ...] = ()
    currency: str | None = None
    files: Mapping[str, str] = field(default_factory=dict)
    columns: Mapping[str, Mapping[str, str | Sequence[str] | None]] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    shape: Shape | None = None
    sheet: str | int | Mapping[str, str | int] | None = None
    day_first: bool | None = None
    decimal: str | None = None


def read_mapping_file(path: str | Path, /) -> MappingFile:
    r"""Read a mapping TOML file; raise ``ValueError`` naming any malformed entry.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "m.toml")
    ...     _ = p.write_text('preset = "hubspot"\n[columns.deals]\n"Amt" = "amount"\n')
    ...     read_mapping_file(p).columns
    {'deals': {'Amt': 'amount'}}
    """
    data: dict[str, Any] = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    v2 = set(SHAPE_KEYS)
    unknown = set(data) - set(MAPPING_KEYS)
    if unknown:
        hints = "".join(did_you_mean(k, MAPPING_KEYS) for k in sorted(unknown))
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}{hints}")
    preset = data.get("preset", ())
    presets = (preset,) if isinstance(preset, str) else tuple(preset)
    currency = data.get("currency")
    if currency is not None and not isinstance(currency, str):
        raise ValueError(f"{path}: currency must be a string")
    files = data.get("files", {})
    columns = data.get("columns", {})
    values = data.get("values", {})
    _expect_nested(path, "files", files, depth=1)
    _expect_nested(path, "columns", columns, depth=2, lists=True)
    _expect_nested(path, "values", values, depth=3)
    _check_value_targets(path, values)
    shape = None
    if v2 & set(data):
        for key in ("constants", "defaults", "filters"):
            _expect_nested(path, key, data.get(key, {}), depth=2, scalars=True, lists=True)
        _expect_nested(path, "aggregate", data.get("aggregate", {}), depth=2)
        for ops in data.get("aggregate", {}).values():
            bad = [o for k, o in ops.items() if k != "by" and o not in AGGREGATES]
            if bad:
                raise ValueError(f"{path}: [aggregate] ops must be one of {AGGREGATES}, got {bad}")
        credit = data.get("credit", "primary")
        if credit not in CREDITS:
            raise ValueError(f"{path}: credit must be one of {CREDITS}, got {credit!r}")
        derive = data.get("derive_partners", False)
        if not isinstance(derive, bool):
            raise ValueError(f"{path}: derive_partners must be true or false")
        shape = Shape(
            constants=data.get("constants", {}),
            defaults=data.get("defaults", {}),
            filters=data.get("filters", {}),
            aggregate=data.get("aggregate", {}),
            derive_partners=derive,
            credit=credit,
        )
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str | int | dict):
        raise ValueError(f"{path}: sheet must be a name, a position or a table of them")
    day_first = data.get("day_first")
    if day_first is not None and not isinstance(day_first, bool):
        raise ValueError(f"{path}: day_first must be true or false")
    decimal = data.get("decimal")
    if decimal not in (None, ".", ","):
        raise ValueError(f"{path}: decimal must be '.' or ','")
    return MappingFile(presets, currency, files, columns, values, shape, sheet, day_first, decimal)


def _check_value_targets(path: str | Path, values: Mapping[str, Any], /) -> None:
    """Refuse a value-map entry whose target is not an allowed value of its column.

    A typo in the target (``"Won - Signed" = "win"``) would otherwise surface as the source
    label breaking the allowed values, with no word of the line that wrote it.

    >>> try:
    ...     _check_value_targets("m.toml", {"deals": {"outcome": {"Won - Signed": "win"}}})
    ... except ValueError as exc:
    ...     print(exc)  # doctest: +NORMALIZE_WHITESPACE
    m.toml: [values.deals.outcome] "Won - Signed" = "win": 'win' is not one of open, won,
    lost; did you mean 'won'?
    """
    for table, columns in values.items():
        spec = TABLES.get(table)
        for column, entries in columns.items():
            if spec is None or column not in spec.names:
                continue  # unknown tables and columns are named where they are read
            allowed = spec.column(column).allowed
            if not allowed:
                continue
            for label, target in entries.items():
                if target not in allowed:
                    raise ValueError(
                        f'{path}: [values.{table}.{column}] "{label}" = "{target}": '
                        f"{target!r} is not one of {', '.join(allowed)}"
                        + did_you_mean(target, allowed)
                    )


def _expect_nested(
    path: str | Path,
    key: str,
    value: Any,  # noqa: ANN401
    *,
    depth: int,
    scalars: bool = False,
    lists: bool = False,
) -> None:
    if depth == 0:
        kinds: tuple[type, ...] = (str, int, float, bool) if scalars else (str,)
        items = value if lists and isinstance(value, list) else [value]
        if not items or not all(isinstance(v, kinds) for v in items):
            what = "values" if scalars else "strings"
            raise ValueError(f"{path}: [{key}] entries must be {what}, got {value!r}")
        return
    if not isinstance(value, dict):
        raise ValueError(f"{path}: [{key}] must be a table")
    for v in value.values():
        _expect_nested(path, key, v, depth=depth - 1, scalars=scalars, lists=lists)


# --- Mapping v2: the shape of a real export -------------------------------------------

Scalar = str | int | float | bool
"""A constant, default or filter value as TOML gives it."""

AGGREGATES = ("sum", "min", "max", "first")
"""How :func:`aggregate_lines` combines a column over the lines of one record."""

CREDITS = ("primary", "split", "full")
"""Credit policies for deals with several partners (see :mod:`partnerkit.load.presets`)."""


@dataclass(frozen=True)
class Shape:
    """What a mapping does beyond renaming: mapping v2.

    ``constants``: table -> target -> value set on every row (``outcome = "won"`` for a
    sales-order file). ``defaults``: table -> target -> value for empty cells (a note
    counts the cells filled). ``filters``: table -> source column -> value, or list of
    values, a row must hold to be read (all filters of a table must hold; ``true`` /
    ``false`` compare as flags, text case-insensitively); the rows left out are counted
    in a note. ``aggregate``: table -> ``{"by": target, target: "sum" | "min" | "max" |
    "first"}`` adds the lines of one record up into one row (amounts summed, dates as
    the earliest or latest; other columns take the first non-empty value; the row keeps
    the line number of its first line). ``derive_partners``: read the partners table from
    the distinct partners of the deals when no partner file is given (the name is the
    ``partner_id`` itself unless the deals map a column to the helper ``partner_name``).
    ``credit``: who gets a deal with several partners: ``"primary"`` (the default),
    ``"split"`` (evenly) or ``"full"`` (each partner the whole amount).
    """

    constants: Mapping[str, Mapping[str, Scalar]] = field(default_factory=dict)
    defaults: Mapping[str, Mapping[str, Scalar]] = field(default_factory=dict)
    filters: Mapping[str, Mapping[str, Scalar | Sequence[Scalar]]] = field(default_factory=dict)
    aggregate: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    derive_partners: bool = False
    credit: str = "primary"

    def touches(self, table: str, /) -> bool:
        """Whether this shape changes the rows or columns of ``table``.

        >>> Shape(constants={"deals": {"outcome": "won"}}).touches("deals")
        True
        """
        return any(table in part for part in (self.constants, self.defaults, self.filters)) or (
            table in self.aggregate
        )


def split_targets(
    user: Mapping[str, str | Sequence[str] | None] | None, /
) -> tuple[dict[str, str | None], dict[str, tuple[str, ...]]]:
    """Split a column mapping into one target per source and the extra targets.

    A source column may be sent to several fields with a list: the first is renamed as
    usual, the others are copies of it.

    >>> split_targets({"Order Date": ["created_on", "closed_on"], "Amt": "amount"})
    ({'Order Date': 'created_on', 'Amt': 'amount'}, {'created_on': ('closed_on',)})
    """
    single: dict[str, str | None] = {}
    extra: dict[str, tuple[str, ...]] = {}
    for source, target in (user or {}).items():
        if target is None or isinstance(target, str):
            single[source] = target
            continue
        targets = [t for t in target if t]
        single[source] = targets[0] if targets else None
        if len(targets) > 1:
            extra[targets[0]] = tuple(targets[1:])
    return single, extra


def _as_text(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _matches(text: pl.Expr, wanted: Scalar | Sequence[Scalar]) -> pl.Expr:
    values = [wanted] if isinstance(wanted, str | int | float | bool) else list(wanted)
    hit: pl.Expr = pl.lit(value=False)
    for v in values:
        if isinstance(v, bool):
            hit = hit | (parse_flags(text) == v).fill_null(value=False)
        else:
            hit = hit | (label_key(text) == key_of(_as_text(v))).fill_null(value=False)
    return hit


def filter_rows(
    frame: pl.LazyFrame,
    /,
    *,
    table: str,
    filters: Mapping[str, Scalar | Sequence[Scalar]],
    columns: Sequence[str],
    row_kind: RowKind = "line",
    origin: str = "",
) -> tuple[pl.LazyFrame, tuple[str, ...], tuple[Problem, ...]]:
    """Keep the rows of a source table that hold every filter; note how many were left out.

    Requires: the source columns named in ``filters`` and the :data:`ROW` column. Returns
    the kept rows, a note and the problems (a filter naming a column the source lacks).

    Examples
    --------
    >>> import polars as pl
    >>> lf = pl.LazyFrame({ROW: [2, 3, 4], "IsPartner": ["true", "false", "1"],
    ...     "Type": ["Customer", "Reseller", "Technology Partner"]})
    >>> kept, notes, _ = filter_rows(lf, table="partners", filters={"IsPartner": True},
    ...                              columns=["IsPartner", "Type"])
    >>> kept.collect()[ROW].to_list(), notes
    ([2, 4], ('left out 1 of 3 rows not matching IsPartner = true (line 3)',))
    """
    problems = [
        Problem(
            table,
            column,
            "unknown_mapping",
            0,
            message=f"the filter names column {column!r}, which the source lacks"
            + did_you_mean(column, columns),
            origin=origin,
        )
        for column in filters
        if column not in columns
    ]
    usable = {c: v for c, v in filters.items() if c in columns}
    if not usable:
        return frame, (), tuple(problems)
    keep = pl.all_horizontal(
        _matches(pl.col(c).cast(pl.String).str.strip_chars(), v) for c, v in usable.items()
    )
    marked = frame.with_columns(keep.alias("__keep")).collect().lazy()
    out = marked.filter(pl.col("__keep")).drop("__keep")
    left = marked.filter(~pl.col("__keep")).select(ROW).collect()[ROW].to_list()
    total = len(left) + out.select(pl.len()).collect().item()
    described = " and ".join(
        f"{c} = {_as_text(v) if isinstance(v, str | int | float | bool) else list(v)}"
        for c, v in usable.items()
    )
    shown = ", ".join(str(n) for n in left[:8]) + (", ..." if len(left) > 8 else "")
    notes = (
        (f"left out {len(left)} of {total} rows not matching {described} ({row_kind} {shown})",)
        if left
        else ()
    )
    return out, notes, tuple(problems)


def shaped_columns(
    frame: pl.LazyFrame,
    /,
    *,
    table: str,
    present: Sequence[str],
    extra: Mapping[str, Sequence[str]],
    constants: Mapping[str, Scalar],
) -> tuple[pl.LazyFrame, tuple[str, ...], tuple[str, ...]]:
    """Copy columns sent to several fields and set the constants; return the new present.

    Requires: the renamed target columns in ``present``. A constant replaces a column the
    source supplies too (a note says so).

    >>> import polars as pl
    >>> lf = pl.LazyFrame({"created_on": ["2024-03-01"]})
    >>> out, present, _ = shaped_columns(lf, table="deals", present=["created_on"],
    ...     extra={"created_on": ["closed_on"]}, constants={"outcome": "won"})
    >>> out.collect().row(0), present
    (('2024-03-01', '2024-03-01', 'won'), ('created_on', 'closed_on', 'outcome'))
    """
    exprs: list[pl.Expr] = []
    names = list(present)
    notes: list[str] = []
    for first, others in extra.items():
        if first not in present:
            continue
        for other in others:
            if other in present:
                notes.append(f"{other}: read from the same column as {first}, as mapped")
            exprs.append(pl.col(first).alias(other))
            names.append(other)
    for target, value in constants.items():
        if target in names:
            notes.append(f"{target}: the constant {_as_text(value)!r} replaces the source column")
        else:
            notes.append(f"{target}: the constant {_as_text(value)!r} on every row")
        exprs.append(pl.lit(_as_text(value), dtype=pl.String).alias(target))
        names.append(target)
    del table
    return (
        frame.with_columns(exprs) if exprs else frame,
        tuple(dict.fromkeys(names)),
        tuple(notes),
    )


def fill_defaults(inp: Input, defaults: Mapping[str, Scalar], /) -> Input:
    """Fill the empty cells of ``inp``'s targets with defaults, a note counting them.

    Requires: nothing (a default for a target the source lacks sets the whole column).

    >>> import polars as pl
    >>> from partnerkit.load.files import SourceTable
    >>> lf = pl.LazyFrame({"__row": [2, 3, 4], "amount": ["10", " ", "NULL"]})
    >>> src = SourceTable("deals", lf, ("amount",), "deals.csv", "line", eager=True)
    >>> inp = Input("deals", lf, ("amount",), src, ColumnPlan((("amount", "amount"),), ()))
    >>> out = fill_defaults(inp, {"amount": 0})
    >>> out.frame.collect()["amount"].to_list(), out.notices[0].rule
    (['10', '0', '0'], 'default_filled')
    """
    frame, notices, present = inp.frame, list(inp.notices), list(inp.present)
    for target, value in defaults.items():
        text = _as_text(value)
        if target not in present:
            frame = frame.with_columns(pl.lit(text, dtype=pl.String).alias(target))
            present.append(target)
            notes = (*inp.notes, f"{target}: not in the source, every row takes {text!r}")
            inp = dataclasses.replace(inp, notes=notes)
            continue
        cell = pl.col(target).cast(pl.String)
        empty = clean_text(cell).is_null()  # blank, or NULL spelt out, as every reader sees it
        frame = frame.with_columns(empty.alias(f"__empty_{target}")).with_columns(
            pl.when(pl.col(f"__empty_{target}"))
            .then(pl.lit(text, dtype=pl.String))
            .otherwise(cell)
            .alias(target)
        )
        notices.append(
            Check(
                inp.plan.source_of(target),
                "default_filled",
                pl.col(f"__empty_{target}"),
                pl.lit(text, dtype=pl.String),
                f"empty; filled with the default {text!r}",
                scope="note",
            )
        )
    return dataclasses.replace(inp, frame=frame, notices=tuple(notices), present=tuple(present))


def aggregate_lines(
    inp: Input,
    how: Mapping[str, str],
    /,
    *,
    day_first: bool | None = None,
    decimal: str | None = None,
    style: HintStyle = "python",
) -> Input:
    """Add the lines of one record (order lines) up into one row per ``how["by"]``.

    Requires: the ``by`` target. ``sum`` adds numbers (``$1,234.50`` and the like are
    read as the loader reads amounts, with the loader's ``decimal`` option); ``min`` /
    ``max`` take the earliest / latest date (read with the loader's ``day_first``
    option) or the smallest / largest number; other columns take the first non-empty
    value. A line whose value cannot be read keeps its text, so validation reports it on
    the record's first line; so does every line of a date column that is ambiguous
    without ``day_first`` (``03/01`` beside ``25/01``), so that validation rejects the
    column whole rather than reading its lines two ways. The row keeps the line number
    of its first line. (Defaults are applied after this step, to the records.)

    Examples
    --------
    >>> import polars as pl
    >>> from partnerkit.load.files import SourceTable
    >>> lf = pl.LazyFrame({"__row": [2, 3, 4], "deal_id": ["SO1", "SO1", "SO2"],
    ...     "amount": ["$1,000.50", "20", "5"],
    ...     "created_on": ["03/02/2024", "2024-03-01", "1/5/24"]})
    >>> names = ("deal_id", "amount", "created_on")
    >>> src = SourceTable("deals", lf, names, "o.csv", "line", eager=True)
    >>> inp = Input("deals", lf, names, src, ColumnPlan((), ()))
    >>> out = aggregate_lines(inp, {"by": "deal_id", "amount": "sum", "created_on": "min"})
    >>> out.frame.collect().rows()
    [(2, 'SO1', '1020.5', '2024-03-01'), (4, 'SO2', '5.0', '2024-01-05')]
    """
    by = how.get("by")
    if by is None or by not in inp.present:
        problem = Problem(
            inp.name,
            by,
            "missing_column",
            0,
            message=f"aggregate needs the key column {by!r} (aggregate = {{by = ...}})",
            origin=inp.origin,
        )
        return dataclasses.replace(inp, problems=(*inp.problems, problem))
    dates = {c.name for c in TABLES[inp.name].columns if c.dtype == pl.Date}
    staged = inp.frame
    problems: list[Problem] = []
    aggs: list[pl.Expr] = [pl.col(ROW).min()]
    for target in inp.present:
        if target == by:
            continue
        op = how.get(target, "first")
        text = pl.col(target).cast(pl.String).str.strip_chars()
        filled = text.is_not_null() & (text != "")
        if op in {"sum", "min", "max"}:
            if target in dates:  # read as validation reads dates (a comma before the time)
                staged = parse_dates(
                    staged.with_columns(date_text(text).alias(f"__agg_text_{target}")),
                    {f"__agg_{target}": f"__agg_text_{target}"},
                    day_first=day_first,
                    flag_ambiguous=day_first is None,
                )
            else:
                staged = staged.with_columns(
                    parse_numbers(text, decimal=decimal).alias(f"__agg_{target}")
                )
            value = pl.col(f"__agg_{target}")
            bad = value.is_null() & filled
            if target in dates and day_first is None:
                flag = pl.col(f"__agg_{target}__ambiguous").fill_null(value=False)
                bad = bad | flag
                problems.extend(
                    _ambiguous_lines(inp, staged, flag, target=target, by=by, style=style)
                )
            reduced = {"sum": value.sum(), "min": value.min(), "max": value.max()}[op]
            if target in dates:
                reduced_text = reduced.dt.to_string("%Y-%m-%d")
            elif decimal == ",":  # written back as validation will read it again
                reduced_text = reduced.cast(pl.String).str.replace(".", ",", literal=True)
            else:
                reduced_text = reduced.cast(pl.String)
            aggs.append(
                pl.when(bad.any())
                .then(text.filter(bad).first())
                .when(filled.any())
                .then(reduced_text)
                .alias(target)
            )
        else:
            aggs.append(text.filter(filled).first().alias(target))
    # helper columns of earlier steps (flags, lists) keep the first line's value
    helpers = [c for c in inp.frame.collect_schema() if c.startswith("__") and c not in (ROW, by)]
    aggs += [pl.col(c).first() for c in helpers if c not in inp.present]
    frame = (
        staged.with_columns(pl.col(by).cast(pl.String).str.strip_chars())
        .group_by(by, maintain_order=True)
        .agg(aggs)
        .select(ROW, by, *[t for t in inp.present if t != by], *helpers)
        .sort(ROW)
    )
    lines = inp.frame.select(pl.len()).collect().item()
    records = frame.select(pl.len()).collect().item()
    ops = ", ".join(f"{t} {o}" for t, o in how.items() if t != "by")
    note = f"{lines} lines added up into {records} rows by {by} ({ops or 'first values'})"
    return dataclasses.replace(
        inp, frame=frame, notes=(*inp.notes, note), problems=(*inp.problems, *problems)
    )


def _ambiguous_lines(
    inp: Input,
    staged: pl.LazyFrame,
    flag: pl.Expr,
    /,
    *,
    target: str,
    by: str,
    style: HintStyle = "python",
) -> list[Problem]:
    """Return the ``ambiguous_date`` problem of order lines, judged before adding up.

    Adding up keeps one date per record, which could hide the day-first lines that make the
    column ambiguous; so the lines are judged here, the whole column at once.
    """
    flagged = staged.filter(flag).select(ROW, pl.col(target).cast(pl.String), by).collect()
    if flagged.is_empty():
        return []
    first = flagged.head(5)
    return [
        Problem(
            inp.name,
            target,
            "ambiguous_date",
            flagged.height,
            rows=list(zip(first[ROW].to_list(), first[target].to_list(), strict=True)),
            message="slash dates whose order is ambiguous: the column also holds day-first "
            "dates (a day above 12 first), so 03/01 could be 3 January or 1 March; to read the "
            f"whole column one way, {fix_hint('day_first', style=style)}",
            row_kind=inp.row_kind,
            origin=inp.origin,
            records=first[by].to_list(),
        )
    ]


_CASE_SENSITIVE_ID = r"^[a-zA-Z0-9]*[0-9][a-zA-Z0-9]*$"
"""A partner value of letters and digits with a digit: an id, compared as written (a
Salesforce 15-character id is case-sensitive), never folded with another spelling."""


def derive_partners(inputs: Mapping[str, Input], /) -> dict[str, Input]:
    """Read the partners table from the distinct partners of the deals.

    Requires: a ``deals`` input with ``partner_id`` and no ``partners`` input (else the
    inputs are returned as they are). Values that differ only in case or spaces
    (``Müller Systemhaus`` and ``MÜLLER SYSTEMHAUS``) are one partner, as partner names
    match elsewhere: the deals take the spelling of the first line, and a note lists the
    other spellings (values of letters and digits holding a digit are ids, compared as
    written). Each partner's name is the helper ``partner_name`` of its first deal when
    the deals have one, else its id; its row number is that of its first deal.

    >>> import polars as pl
    >>> from partnerkit.load.files import SourceTable
    >>> lf = pl.LazyFrame({"__row": [2, 3, 4], "partner_id": ["Ann", None, " ANN "]})
    >>> src = SourceTable("deals", lf, ("partner_id",), "pipeline.csv", "line", eager=True)
    >>> deals = Input("deals", lf, ("partner_id",), src, ColumnPlan((), ()))
    >>> out = derive_partners({"deals": deals})
    >>> out["partners"].frame.collect().rows()
    [(2, 'Ann', 'Ann')]
    >>> out["deals"].frame.collect()["partner_id"].to_list()
    ['Ann', None, 'Ann']
    >>> print(out["deals"].notes[0])  # doctest: +NORMALIZE_WHITESPACE
    partner_id: 1 row spelt otherwise than the partner's first line, read as that partner
    (case and spaces ignored, as partner names match): 'ANN' (line 4) -> 'Ann'
    """
    deals = inputs.get("deals")
    if deals is None or "partners" in inputs or "partner_id" not in deals.present:
        return dict(inputs)
    pid = pl.col("partner_id").cast(pl.String).str.strip_chars()
    key = pl.when(pid.str.contains(_CASE_SENSITIVE_ID)).then(pid).otherwise(label_key(pid))
    staged = deals.frame.with_columns(pid.alias("__given"), key.alias("__partner_key"))
    given = pl.col("__given").is_not_null() & (pl.col("__given") != "")
    first = (
        staged.filter(given)
        .sort(ROW)
        .group_by("__partner_key", maintain_order=True)
        .agg(pl.col("__given").first().alias("__first"))
    )
    staged = (
        staged.join(first, on="__partner_key", how="left", maintain_order="left")
        .with_columns(
            pl.when(given)
            .then(pl.col("__first"))
            .otherwise(pl.col("partner_id"))
            .alias("partner_id")
        )
        .collect()
        .lazy()
    )
    respelt = (
        staged.filter(given & (pl.col("__given") != pl.col("__first")))
        .select(ROW, "__given", "__first")
        .collect()
    )
    deal_notes = deals.notes
    if respelt.height:
        shown = ", ".join(
            f"{g!r} ({deals.row_kind} {n}) -> {f!r}"
            for n, g, f in respelt.unique(["__given"], keep="first", maintain_order=True)
            .head(8)
            .rows()
        )
        rows = respelt.height
        said = (
            f"partner_id: {rows} row{'' if rows == 1 else 's'} spelt otherwise than the "
            "partner's first line, read as that partner (case and spaces ignored, as partner "
            f"names match): {shown}"
        )
        deal_notes = (*deal_notes, said)
    deals = dataclasses.replace(
        deals, frame=staged.drop("__given", "__partner_key", "__first"), notes=deal_notes
    )
    pid = pl.col("partner_id")
    name = (
        pl.col("partner_name").cast(pl.String).str.strip_chars()
        if "partner_name" in deals.present
        else pid
    )
    frame = (
        deals.frame.select(pl.col(ROW), pid.alias("partner_id"), name.alias("name"))
        .filter(pl.col("partner_id").is_not_null() & (pl.col("partner_id") != ""))
        .group_by("partner_id", maintain_order=True)
        .agg(pl.col(ROW).min(), pl.col("name").drop_nulls().first())
        .with_columns(pl.coalesce("name", "partner_id").alias("name"))
        .select(ROW, "partner_id", "name")
        .sort(ROW)
        .collect()
        .lazy()
    )
    columns = ("partner_id", "name")
    origin = f"derived from the deals ({deals.origin})"
    source = SourceTable("partners", frame, columns, origin, deals.row_kind, eager=True)
    plan = ColumnPlan(tuple((c, c) for c in columns), ())
    notes = (
        (
            "one partner per distinct partner_id of the deals, case and spaces ignored; no "
            "partner file was given"
        ),
    )
    out = dict(inputs)
    out["deals"] = deals
    out["partners"] = Input("partners", frame, columns, source, plan, notes=notes)
    return out
