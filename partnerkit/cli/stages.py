"""Stage 1 on the engine the command line names, and facts folders read back.

:func:`facts_of_source` gives ``analyze`` and ``facts`` the collected facts of SOURCE: a
facts folder is read back; otherwise the canonical tables are read by ``--engine``
(:func:`partnerkit.facts.engines.read_tables`; the polars engine reads through the
validating loader with every source option), the window ends on ``--as-of`` (default: the
latest event, computed on the engine) and stage 1 is built there.

Examples
--------
>>> from partnerkit.cli.options import Args
>>> args = Args(source="data/samples", engine="duckdb", as_of=None, policy=None,
...     currency=None, spark_remote=None, spark_master="local[2]", preset=("hubspot",))
>>> try:
...     built = stage_one_of(args)
... except StageError as exc:
...     print(exc)
--preset belongs to the polars reader: --engine duckdb reads canonical Parquet or CSV files \
as they are (convert CRM exports first)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from os import PathLike
from typing import TYPE_CHECKING, Any, NamedTuple

from partnerkit import formatting as fmt
from partnerkit.cli.options import READING_OPTIONS, Args
from partnerkit.cli.source import read_source
from partnerkit.policy import Policy
from partnerkit.schema import TABLE_ORDER

if TYPE_CHECKING:
    from partnerkit.analysis import Analysis
    from partnerkit.facts import Facts, FactSettings, StageOne
    from partnerkit.window import Window

__all__ = [
    "StageError",
    "StageOneOf",
    "data_problem",
    "facts_folder_source",
    "facts_of_source",
    "stage_one_of",
    "stage_two_of",
]


class StageError(ValueError):
    """A command-line combination stage 1 cannot honour (a usage error)."""


def _given(args: Args, name: str) -> bool:
    value = getattr(args, name, None)
    return value not in (None, False, ())


class StageOneOf(NamedTuple):
    """Stage 1 of a source (:func:`stage_one_of`): the stage, its settings, the tables read."""

    stage: StageOne
    """The fact tables, uncollected, on the engine named."""
    settings: FactSettings
    """The stage-1 settings the facts are built with."""
    tables: Mapping[str, Any]
    """The canonical tables read, frames of the engine (``deals`` carries the currency)."""

    def currency(self) -> str | None:
        """Return the portfolio's currency: the deals' (``--currency`` fills it), else None.

        One small query on the engine (the deals' ``currency`` column only).

        >>> import polars as pl
        >>> StageOneOf(None, None, {"deals": pl.LazyFrame({"currency": ["USD"]})}).currency()
        'USD'
        """
        from partnerkit.facts.summary import currency_of  # noqa: PLC0415

        return currency_of(self.tables)


def stage_one_of(args: Args, /) -> StageOneOf:
    """Return stage 1 of ``args.source`` on ``args.engine``, its settings and the tables read.

    Nothing is computed until the stage one is collected (or the currency asked for).
    """
    from partnerkit.facts import FactSettings, build_facts, latest_event  # noqa: PLC0415
    from partnerkit.facts.engines import read_tables, spark_session  # noqa: PLC0415
    from partnerkit.window import Window  # noqa: PLC0415

    policy = args.policy or Policy()
    policy.check()
    tables: dict[str, Any]
    if args.engine == "polars":
        portfolio = read_source(args, validate=getattr(args, "validate", True))
        tables = {name: portfolio.table(name) for name in TABLE_ORDER}
        supplied = dict(portfolio.supplied)
    else:
        given = [f"--{n.replace('_', '-')}" for n in READING_OPTIONS if _given(args, n)]
        if given:
            raise StageError(
                f"{fmt.and_list(given)} {'belongs' if len(given) == 1 else 'belong'} to the polars "
                f"reader: --engine {args.engine} reads "
                "canonical Parquet or CSV files as they are (convert CRM exports first)"
            )
        spark = None
        if args.engine == "spark":
            spark = spark_session(remote=args.spark_remote, master=args.spark_master)
        tables, supplied = read_tables(
            args.source, engine=args.engine, spark=spark, currency=args.currency
        )
        supplied = {name: supplied.get(name, ()) for name in TABLE_ORDER}
    day = args.as_of or latest_event(tables)
    if day is None:
        raise StageError("the data holds no event to end the window on: pass --as-of")
    window = Window.ending(day, months=policy.lookback_months)
    settings = FactSettings.from_policy(policy, window)
    stage = build_facts(tables, window=window, settings=settings, supplied=supplied)
    return StageOneOf(stage, settings, tables)


def facts_of_source(args: Args, /) -> Facts:
    """Return the collected facts of ``args.source``: a facts folder, or stage 1 run.

    A facts folder is checked against the command line: no reading option, no other
    engine, ``--as-of`` the folder's and a policy with the folder's stage-1 settings
    (:class:`StageError` otherwise).
    """
    from partnerkit.facts.store import is_facts_folder, read_facts  # noqa: PLC0415

    if is_facts_folder(args.source):
        given = [f"--{n.replace('_', '-')}" for n in READING_OPTIONS if _given(args, n)]
        if getattr(args, "engine", "polars") != "polars":  # report and record have no engine
            given.append("--engine")
        if given:
            raise StageError(
                f"{args.source} is a facts folder (stage 1 done): {fmt.and_list(given)} "
                f"{'does' if len(given) == 1 else 'do'} not apply to it"
            )
        facts = read_facts(args.source)
        if args.as_of is not None and args.as_of != facts.window.end:
            raise StageError(
                f"the facts in {args.source} are built for the window ending on "
                f"{facts.window.end}, not {args.as_of}: run partnerkit facts again with --as-of"
            )
        _check_settings(args, facts)
        return facts
    return stage_one_of(args).stage.collect()


def facts_folder_source(source: object, /, *, command: str) -> str | None:
    """Say why ``command`` does not read ``source``, when it is a facts folder (else ``None``).

    ``validate`` and ``facts`` read raw portfolios; a facts folder is what ``facts`` wrote
    from one (stage 1 done), so they name it as such instead of listing the fact tables'
    columns as data-contract problems.

    >>> facts_folder_source("data/samples", command="validate") is None
    True
    """
    from partnerkit.facts.store import describe_facts, is_facts_folder  # noqa: PLC0415

    if not isinstance(source, str | PathLike) or not is_facts_folder(source):
        return None
    try:
        engine = str(describe_facts(source).get("engine") or "polars")
    except ValueError:  # another layout version: analyze says so; the kind is what matters here
        engine = None
    what = f"{source} is a facts folder (written by partnerkit facts)"
    if command == "facts":
        return (
            f"{what}: stage 1 is done. Give partnerkit facts the raw source, or run "
            f"partnerkit analyze {source} (or report, decisions record) on the facts"
        )
    if engine == "polars":
        checked = (
            "its source was validated when the facts were written (the polars reader checks "
            "every rule of the data contract)"
        )
    else:
        by = f"--engine {engine}" if engine else "another engine"
        checked = (
            f"the facts were built by {by}, which checks tables, columns and types but not "
            "the row rules: validate the raw source to check those"
        )
    return f"{what}, not a portfolio: {checked}. partnerkit analyze {source} reads it"


def _lookback(window: Window, /) -> int | None:
    """Return the months of ``window`` (its policy's ``lookback_months``), if it is whole months."""
    from partnerkit.window import Window  # noqa: PLC0415

    months = (window.end.year - window.start.year) * 12 + window.end.month - window.start.month
    for m in (months, months + 1, months - 1):
        if m >= 1 and Window.ending(window.end, months=m) == window:
            return m
    return None


def _shown(value: object, /) -> str:
    """Write a setting as a policy file would (``6``, ``0.5``, ``["program", "mdf"]``)."""
    return json.dumps(value)


def _check_settings(args: Args, facts: Facts) -> None:
    """Refuse a policy that would have built other facts than the folder's.

    The message names each stage-1 setting the facts were built with beside the value the
    policy given (or the default policy) has, and says to pass the same ``--policy``.
    """
    from partnerkit.facts import FactSettings  # noqa: PLC0415
    from partnerkit.facts.store import describe_facts, settings_record  # noqa: PLC0415
    from partnerkit.window import Window  # noqa: PLC0415

    policy = args.policy or Policy()
    differ: list[tuple[str, object, object]] = []  # setting, the facts' value, the policy's
    if Window.ending(facts.window.end, months=policy.lookback_months) != facts.window:
        built = _lookback(facts.window)
        differ.append(("lookback_months", built, policy.lookback_months))
    recorded = describe_facts(args.source).get("settings")
    if recorded is not None:
        wanted = settings_record(FactSettings.from_policy(policy, facts.window))
        for key, value in wanted.items():
            if value == recorded.get(key):
                continue
            if key == "quarters":  # the policy names how many, the facts list them
                quarters = recorded.get(key) or []
                differ.append(("stability_quarters", len(quarters), policy.stability_quarters))
            else:
                differ.append((key, recorded.get(key), value))
    if not differ:
        return
    built_with = " and ".join(
        f"{name} = {_shown(value)}" if value is not None else f"another {name}"
        for name, value, _ in differ
    )
    here = " and ".join(_shown(value) for _, _, value in differ)
    if args.policy is None:
        raise StageError(
            f"the facts in {args.source} were built with {built_with}, where the default "
            f"policy has {here} (no --policy given): pass the --policy they were built with, "
            "or run partnerkit facts again without --policy"
        )
    raise StageError(
        f"the facts in {args.source} were built with {built_with}, where this policy has "
        f"{here}: pass the --policy they were built with, or run partnerkit facts again "
        "with this one"
    )


def data_problem(args: Args, exc: Exception, /) -> str:
    """Return the message for a value the engine of ``args`` could not convert.

    >>> text = data_problem(Args(engine="duckdb", source="crm"), ValueError("Bad date: 2-30"))
    >>> text.split(". ")[0]
    'the duckdb engine could not convert a value in crm: Bad date: 2-30'
    """
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return (
        f"the {args.engine} engine could not convert a value in {args.source}: {first}. Rows "
        f"are checked only by the polars reader: partnerkit validate {args.source} lists them."
    )


def stage_two_of(args: Args, /, *, policy: Policy | None) -> Analysis:
    """Run stage 2 under ``policy`` on the facts of ``args.source`` (:func:`facts_of_source`).

    What ``analyze``, ``report`` and ``decisions record`` do with a facts folder (or, for
    ``analyze``, with another engine's stage 1).
    """
    from partnerkit.analysis import analyze_facts  # noqa: PLC0415  (heavy: on demand)

    return analyze_facts(facts_of_source(args), policy=policy)
