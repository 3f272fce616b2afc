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

import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from partnerkit.load.files import SourceTable
from partnerkit.load.text import key_of, label_key, normalise_label, normalise_name
from partnerkit.schema import TABLES
from partnerkit.validate import Check, HintStyle, Problem, RowKind, fix_hint, suggest

__all__ = [
    "ColumnPlan",
    "Input",
    "MappingFile",
    "ValueMap",
    "apply_values",
    "label_columns",
    "maps_values",
    "plan_columns",
    "read_mapping_file",
    "relabel",
]

ColumnMap = Mapping[str, Mapping[str, str | None]]
"""User column mapping: table -> source column -> canonical column (None/"" to ignore)."""

ValueMap = Mapping[str, Mapping[str, Mapping[str, str]]]
"""Value mapping: table -> column -> source value -> canonical value ("*" = any other)."""

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
) -> ColumnPlan:
    """Decide which source column supplies each target column of ``table``.

    Requires: the source's column names. ``known`` lists, per target, the source names a
    preset recognises (first present wins); ``targets`` defaults to the canonical columns
    of ``table`` plus the targets in ``known``.

    Examples
    --------
    >>> plan_columns("partners", ["Partner ID", "Name", "teir"]).notes
    ("ignored column 'teir': did you mean 'tier'? (pass mapping={'partners': {'teir': 'tier'}})",)
    """
    user = dict(user or {})
    known = dict(known or {})
    canonical = TABLES[table].names if table in TABLES else ()
    allowed_targets = set(targets) if targets is not None else {*canonical, *known}
    by_norm: dict[str, str] = {}
    for c in columns:
        by_norm.setdefault(normalise_name(c), c)
    chosen: dict[str, str] = {}  # target -> source
    problems: list[Problem] = []
    notes: list[str] = []
    skipped: set[str] = set()

    for source, target in user.items():
        if source not in columns:
            near = suggest(source, columns)
            hint = f"; did you mean {near!r}?" if near else ""
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
            near = suggest(target, sorted(allowed_targets))
            hint = f"; did you mean {near!r}?" if near else ""
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
            if match is not None and match not in used:
                chosen[target] = match
                used.add(match)
                break

    for source in columns:
        base, _, _ = source.partition(DUPLICATE_SUFFIX)
        if DUPLICATE_SUFFIX in source and base in used:
            target = next(t for t, s in chosen.items() if s == base)
            problems.append(_two_sources(table, target, base, f"{base} (again)", origin))

    order: dict[str, int] = {}
    for t in [*canonical, *known]:
        order.setdefault(t, len(order))
    renamed = tuple(
        sorted(((s, t) for t, s in chosen.items()), key=lambda st: order.get(st[1], 999))
    )
    taken = set(chosen.values())
    ignored = tuple(c for c in columns if c not in taken)
    for c in ignored:
        if c in skipped or not c:
            continue
        near = suggest(normalise_name(c), [t for t in canonical if t not in chosen])
        if near is not None:
            fix = fix_hint("map_column", style=style, table=table, source=c, target=near)
            notes.append(f"ignored column {c!r}: did you mean {near!r}? ({fix})")
    return ColumnPlan(renamed, ignored, tuple(problems), tuple(notes))


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

    ``frame`` holds the :data:`~partnerkit.validate.ROW` column and the target columns in
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
    """The contents of a mapping TOML file (see the module docstring)."""

    preset: tuple[str, ...] = ()
    currency: str | None = None
    files: Mapping[str, str] = field(default_factory=dict)
    columns: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)


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
    unknown = set(data) - {"preset", "currency", "files", "columns", "values"}
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
    preset = data.get("preset", ())
    presets = (preset,) if isinstance(preset, str) else tuple(preset)
    currency = data.get("currency")
    if currency is not None and not isinstance(currency, str):
        raise ValueError(f"{path}: currency must be a string")
    files = data.get("files", {})
    columns = data.get("columns", {})
    values = data.get("values", {})
    _expect_nested(path, "files", files, depth=1)
    _expect_nested(path, "columns", columns, depth=2)
    _expect_nested(path, "values", values, depth=3)
    return MappingFile(presets, currency, files, columns, values)


def _expect_nested(path: str | Path, key: str, value: Any, *, depth: int) -> None:  # noqa: ANN401
    if depth == 0:
        if not isinstance(value, str):
            raise ValueError(f"{path}: [{key}] entries must be strings, got {value!r}")
        return
    if not isinstance(value, dict):
        raise ValueError(f"{path}: [{key}] must be a table")
    for v in value.values():
        _expect_nested(path, key, v, depth=depth - 1)
