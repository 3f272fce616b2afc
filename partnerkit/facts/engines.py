"""The one engine-branch module of stage 1: which engine a frame belongs to, and reading.

Stage 1 (:mod:`partnerkit.facts`) is written once with narwhals; the engine follows the
input. This module holds what cannot be written engine-neutrally:

- :func:`engine_of` / :func:`engine_of_tables`: the engine of a frame or of a mapping of
  tables, refusing anything but :data:`ENGINES` with :class:`UnsupportedEngine`;
- :func:`read_tables`: a folder of canonical ``<table>.parquet`` or ``<table>.csv`` files
  read natively by polars (``scan_parquet`` / ``scan_csv``), DuckDB (``read_parquet`` /
  ``read_csv``) or Spark (``spark.read.parquet`` / ``spark.read.csv``), every column cast
  to its canonical type (:mod:`partnerkit.schema`), canonical columns the source lacks
  added as typed nulls (or their default);
- :func:`spark_session`: a local Spark session with test-friendly settings, or a remote one
  through Spark Connect (``sc://...``, Databricks included).

Which checks run where
----------------------
:func:`read_tables` checks tables, columns and types on every engine, with the problem
wording of the polars reader (table, column, rule, how to fix) and raises
:class:`~partnerkit.load.PortfolioError`: a required table missing (``missing_table``), a
required column missing (``missing_column``), a Parquet column whose type cannot be read as
its canonical type (``wrong_type``). Row rules (dates that do not parse, negative amounts,
duplicate ids, unknown partners, deals closed before they were created, ...) are checked
only by the polars reader (:func:`partnerkit.read_portfolio`, ``partnerkit validate``).
Data read by DuckDB or Spark is taken as the contract describes it; a CSV value that does
not convert to its canonical type makes the engine's own cast fail when the query runs.

Examples
--------
>>> import polars as pl
>>> engine_of(pl.LazyFrame({"a": [1]}))
'polars'
>>> engine_of([1, 2])
Traceback (most recent call last):
...
partnerkit.facts.engines.UnsupportedEngine: stage 1 runs on polars, duckdb or spark frames; \
got a list (builtins), which is not a frame of those engines
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import re
import shutil
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import narwhals.stable.v2 as nw
import polars as pl

from partnerkit.schema import TABLE_ORDER, TABLES

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from partnerkit.load import Problem

__all__ = [
    "ENGINES",
    "SPARK_SETTINGS",
    "EngineUnavailable",
    "UnsupportedEngine",
    "canonical_tables",
    "data_errors",
    "engine_of",
    "engine_of_tables",
    "read_tables",
    "require_engine",
    "spark_session",
]

Engine = Literal["polars", "duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("polars", "duckdb", "spark")
"""The engines stage 1 runs on: the ones its conformance suite covers."""

_IMPLEMENTATIONS: dict[nw.Implementation, Engine] = {
    nw.Implementation.POLARS: "polars",
    nw.Implementation.DUCKDB: "duckdb",
    nw.Implementation.PYSPARK: "spark",
    nw.Implementation.PYSPARK_CONNECT: "spark",
}

_EXTRAS: dict[str, str] = {"duckdb": "duckdb", "spark": "pyspark"}

SPARK_SETTINGS: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.memory": "2g",
}
"""Settings of a local :func:`spark_session`: UTC dates, few shuffle partitions, no UI."""


class UnsupportedEngine(ValueError):  # noqa: N818  (the public name of the contract)
    """A frame of an engine stage 1 does not run on, a mix of engines, or an unknown name."""


class EngineUnavailable(RuntimeError):  # noqa: N818  (reads as its sibling)
    """The engine is allowed but cannot run here.

    Its package or Java is missing, or a Spark session cannot start (a master Spark does
    not accept, a Connect server out of reach).
    """


def _allowed() -> str:
    return ", ".join(ENGINES[:-1]) + f" or {ENGINES[-1]}"


def require_engine(name: str, /) -> Engine:
    """Return ``name`` as an engine name; refuse names outside :data:`ENGINES`.

    Examples
    --------
    >>> require_engine("duckdb")
    'duckdb'
    >>> require_engine("pandas")
    Traceback (most recent call last):
    ...
    partnerkit.facts.engines.UnsupportedEngine: unknown engine 'pandas': choose polars, duckdb \
or spark
    """
    for engine in ENGINES:
        if name == engine:
            return engine
    raise UnsupportedEngine(f"unknown engine {name!r}: choose {_allowed()}")


def engine_of(frame: object, /) -> Engine:
    """Return the engine of ``frame``: ``"polars"``, ``"duckdb"`` or ``"spark"``.

    Polars DataFrames and LazyFrames, DuckDB relations and PySpark DataFrames (classic or
    Spark Connect) are accepted; anything else (pandas, Ibis, Dask, SQLFrame, ...) raises
    :class:`UnsupportedEngine` naming what was found.

    Examples
    --------
    >>> import polars as pl
    >>> engine_of(pl.DataFrame({"a": [1]}))
    'polars'
    """
    try:
        implementation = nw.from_native(cast("Any", frame)).implementation
    except TypeError:
        kind = type(frame)
        raise UnsupportedEngine(
            f"stage 1 runs on {_allowed()} frames; got a {kind.__name__} ({kind.__module__}), "
            "which is not a frame of those engines"
        ) from None
    engine = _IMPLEMENTATIONS.get(implementation)
    if engine is None:
        raise UnsupportedEngine(
            f"stage 1 runs on {_allowed()} frames; got a {implementation.name.lower()} frame: "
            "convert it to one of those (for example polars.from_pandas) or read the files "
            "with the engine named"
        )
    return engine


def engine_of_tables(tables: Mapping[str, object], /) -> Engine:
    """Return the one engine of every frame in ``tables``; refuse a mix of engines.

    An empty mapping is ``"polars"``.

    Examples
    --------
    >>> import duckdb
    >>> import polars as pl
    >>> engine_of_tables({"partners": pl.LazyFrame({"a": [1]})})
    'polars'
    >>> engine_of_tables({"partners": pl.LazyFrame({"a": [1]}),
    ...                   "deals": duckdb.sql("select 1 as a")})
    Traceback (most recent call last):
    ...
    partnerkit.facts.engines.UnsupportedEngine: the tables mix engines (partners: polars, \
deals: duckdb): give every table on one engine
    """
    found = {name: engine_of(frame) for name, frame in tables.items()}
    engines = set(found.values())
    if len(engines) > 1:
        listed = ", ".join(f"{name}: {engine}" for name, engine in found.items())
        raise UnsupportedEngine(
            f"the tables mix engines ({listed}): give every table on one engine"
        )
    return next(iter(engines)) if engines else "polars"


def _require_package(engine: Engine) -> None:
    module = _EXTRAS.get(engine)
    if module is None:
        return
    try:
        __import__(module)
    except ImportError:
        raise EngineUnavailable(
            f"the {engine} engine needs the {module} package: pip install 'partnerkit[{engine}]'"
        ) from None


def data_errors() -> tuple[type[Exception], ...]:
    """Return the exception classes an engine raises on a value it cannot convert.

    DuckDB's data errors (a date out of range, text that is not a number) and Spark's
    date-time, number-format and arithmetic errors, of the engines installed. A caller
    reading with DuckDB or Spark treats them as the data breaking the contract: those rows
    are checked only by the polars reader.

    Examples
    --------
    >>> import duckdb
    >>> duckdb.DataError in data_errors()
    True
    """
    found: list[type[Exception]] = []
    try:
        import duckdb  # noqa: PLC0415  (optional engine)
    except ImportError:  # pragma: no cover
        pass
    else:
        found.append(duckdb.DataError)
    try:
        from pyspark import errors  # noqa: PLC0415  (optional engine)
    except ImportError:  # pragma: no cover
        pass
    else:
        found += [
            errors.DateTimeException,
            errors.NumberFormatException,
            errors.ArithmeticException,
        ]
    return tuple(found)


_MASTER = re.compile(
    r"local(\[(\d+|\*)(,\s*\d+)?\])?"  # local, local[4], local[*], local[4,2]
    r"|local-cluster\[\s*\d+\s*,\s*\d+\s*,\s*\d+\s*\]"
    r"|yarn|(spark|k8s)://\S+"
)
"""The masters a local Spark session starts on (Spark's own rule, checked before Java starts)."""

_ELSEWHERE = "or pass a Spark Connect URL (--spark-remote sc://...)"


def _java_path() -> str | None:
    """Return the Java Spark's launcher would run, or None when there is none.

    The launcher runs ``$JAVA_HOME/bin/java`` whenever ``JAVA_HOME`` is set, whatever is on
    ``PATH``; otherwise the ``java`` on ``PATH``.
    """
    home = os.environ.get("JAVA_HOME")
    if home:
        java = Path(home) / "bin" / "java"
        return str(java) if java.exists() else None
    return shutil.which("java")


def _java_problem() -> str | None:
    """Say why no Java can start Spark here (``None`` when one can; see :func:`_java_path`)."""
    if _java_path() is not None:
        return None
    home = os.environ.get("JAVA_HOME")
    if home:
        return (
            f"the spark engine runs the Java in JAVA_HOME, and JAVA_HOME={home} holds no "
            "bin/java: point JAVA_HOME at a JDK 17 or 21 (or unset it to use the java on "
            f"PATH), {_ELSEWHERE}"
        )
    return (
        "the spark engine needs Java to run locally: install a JDK 17 or 21 (for example "
        "the openjdk-17-jre-headless package) or set JAVA_HOME; " + _ELSEWHERE
    )


def _master_problem(master: str, /) -> str | None:
    """Say why ``master`` is not a master Spark starts on (``None`` when it is).

    >>> _master_problem("local[4]") is None, _master_problem("yarn") is None
    (True, True)
    >>> print(_master_problem("bogus://x"))
    the Spark master 'bogus://x' is not one Spark starts on: use local, local[N] or local[*] \
(N cores, * all), spark://HOST:PORT, k8s://URL or yarn; or pass a Spark Connect URL \
(--spark-remote sc://...)
    """
    if _MASTER.fullmatch(master.strip()):
        return None
    return (
        f"the Spark master {master!r} is not one Spark starts on: use local, local[N] or "
        f"local[*] (N cores, * all), spark://HOST:PORT, k8s://URL or yarn; {_ELSEWHERE}"
    )


def _first_line(exc: BaseException, /) -> str:
    r"""Return the first line of what ``exc`` says, without Java's stack or py4j's preamble.

    >>> _first_line(RuntimeError("[JAVA_GATEWAY_EXITED] Java gateway exited.\n  at x"))
    '[JAVA_GATEWAY_EXITED] Java gateway exited.'
    """
    java = getattr(exc, "java_exception", None)
    if java is not None:  # a py4j error: Java's own message
        try:
            return str(java.toString()).strip().splitlines()[0]
        except Exception:  # noqa: S110  (the gateway may be gone: fall back on the text)
            pass
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _url_shown(remote: str, /) -> str:
    """Return the Spark Connect URL without its parameters (a Databricks token among them).

    >>> _url_shown("sc://host:443/;token=dapi123;x-databricks-cluster-id=1")
    'sc://host:443/'
    """
    return remote.split(";", 1)[0]


def _remote_session(remote: str, /) -> SparkSession:
    """Return a Spark Connect session on ``remote``, checked to answer (its version asked).

    Raises :class:`EngineUnavailable` when the Connect client (grpcio and friends) is not
    installed, the URL is not one, or the server does not answer.
    """
    from pyspark.errors import PySparkException  # noqa: PLC0415  (optional engine)
    from pyspark.sql import SparkSession  # noqa: PLC0415  (optional engine)

    shown = _url_shown(remote)
    install = (
        "Install it with pip install 'pyspark[connect]' (for Databricks: the "
        "databricks-connect package matched to the cluster's runtime)"
    )
    printed = io.StringIO()
    try:
        with contextlib.redirect_stderr(printed):
            session = SparkSession.builder.remote(remote).getOrCreate()
    except ImportError as exc:  # PySparkImportError: the client's packages are missing
        raise EngineUnavailable(
            f"the spark engine needs the Spark Connect client to reach {shown}: "
            f"{_first_line(exc)} {install}"
        ) from None
    except SystemExit:
        # pyspark.sql.connect exits the process when its packages are missing and __main__
        # has no file (a worker process, an embedded interpreter), taking it for a doctest
        # run; what it printed says which package is missing
        said = printed.getvalue().strip().removeprefix("Skipping doctests:").strip()
        raise EngineUnavailable(
            f"the spark engine needs the Spark Connect client to reach {shown}"
            f"{': ' + said if said else ''}. {install}"
        ) from None
    except (PySparkException, ValueError) as exc:
        raise EngineUnavailable(
            f"the spark engine cannot use the Spark Connect URL {shown}: {_first_line(exc)} "
            "(a URL reads sc://HOST:PORT, with ;token=... for Databricks)"
        ) from None
    sys.stderr.write(printed.getvalue())  # anything else it said, as it would have
    try:
        _ = session.version  # the first call that reaches the server
    except Exception as exc:  # gRPC and Spark Connect errors alike
        raise EngineUnavailable(
            f"the spark engine cannot reach the Spark Connect server at {shown}: "
            f"{_first_line(exc)} Check the URL, that the server runs and that this machine "
            "reaches it (or run locally without --spark-remote and SPARK_REMOTE)"
        ) from None
    return session


def spark_session(remote: str | None = None, master: str = "local[2]") -> SparkSession:
    """Return a Spark session: local on ``master``, or remote through Spark Connect.

    A local session (default ``local[2]``) runs with :data:`SPARK_SETTINGS` (UTC, few
    shuffle partitions, no UI) and needs Java (a JDK 17 or 21: ``$JAVA_HOME/bin/java`` when
    ``JAVA_HOME`` is set, else the ``java`` on ``PATH``). ``remote`` is a Spark Connect URL
    (``sc://host:15002``, or a Databricks workspace URL with its token; default: the
    ``SPARK_REMOTE`` environment variable, which keeps a token off the command line) and
    needs the Connect client (``pip install 'pyspark[connect]'``) but no local Java;
    ``master`` is then ignored, and the server is asked for its version once, so that a
    server out of reach is said here. An existing session with the same master is reused.

    Raises :class:`EngineUnavailable`, with one line saying what to fix, when the session
    cannot start: pyspark, its Connect client or Java missing, ``JAVA_HOME`` holding no
    Java, a master Spark does not start on, a Connect server that does not answer, or Java
    exiting before Spark started. No Java process is started for the first three.

    Examples
    --------
    >>> spark_session.__name__  # starting Spark takes seconds: see tests/conftest.py
    'spark_session'
    >>> try:
    ...     spark_session(master="bogus://x")
    ... except EngineUnavailable as exc:
    ...     print(str(exc)[:47])
    the Spark master 'bogus://x' is not one Spark s
    """
    _require_package("spark")
    from py4j.protocol import Py4JError  # type: ignore[import-untyped]  # noqa: PLC0415
    from pyspark.errors import PySparkException  # noqa: PLC0415  (optional engine)
    from pyspark.sql import SparkSession  # noqa: PLC0415  (optional engine)

    remote = remote or os.environ.get("SPARK_REMOTE") or None
    if remote is not None:
        return _remote_session(remote)
    problem = _master_problem(master) or _java_problem()
    if problem is not None:
        raise EngineUnavailable(problem)
    builder = SparkSession.builder.master(master).appName("partnerkit")
    for key, value in SPARK_SETTINGS.items():
        builder = builder.config(key, value)
    failure = None
    with warnings.catch_warnings():  # on failure, the launcher's pipes to a Java that exited
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            session = builder.getOrCreate()
        except (PySparkException, Py4JError) as exc:  # Java started but Spark did not
            failure = _first_line(exc)
        if failure is not None:
            gc.collect()
    if failure is not None:
        java = _java_path() or "java"
        raise EngineUnavailable(
            f"the spark engine could not start a local session on {master}: {failure} "
            f"Check that the Java it runs ({java}) is a JDK 17 or 21 and that the master "
            f"is reachable, {_ELSEWHERE}"
        )
    session.sparkContext.setLogLevel("FATAL")  # errors reach Python as exceptions
    return session


@dataclass(frozen=True)
class _File:
    """One canonical table's file (or folder of part files) in a source."""

    table: str
    path: str
    format: Literal["parquet", "csv"]


def _local_files(folder: Path) -> list[_File]:
    """Find ``<table>.parquet`` (file or folder of parts) or ``<table>.csv`` per table."""
    found = []
    for table in TABLE_ORDER:
        for suffix in ("parquet", "csv"):
            path = folder / f"{table}.{suffix}"
            if path.exists():
                if path.is_dir():
                    path = path / "*.parquet"
                kind: Literal["parquet", "csv"] = "parquet" if suffix == "parquet" else "csv"
                found.append(_File(table, str(path), kind))
                break
    return found


def _remote_files(source: str, engine: Engine, spark: SparkSession | None) -> list[_File]:
    """Find the canonical tables under a location only the engine can list (``s3://...``)."""
    found = []
    for table in TABLE_ORDER:
        for suffix in ("parquet", "csv"):
            file = _File(table, f"{source.rstrip('/')}/{table}.{suffix}", "parquet")
            if suffix == "csv":
                file = _File(table, file.path, "csv")
            try:
                nw.from_native(_native_read(file, engine, spark)).collect_schema()
            except Exception:  # noqa: S112  (the engine's own "no such path")
                continue
            found.append(file)
            break
    return found


def _native_read(file: _File, engine: Engine, spark: SparkSession | None) -> Any:  # noqa: ANN401
    """Read ``file`` with ``engine``: Parquet as stored, CSV with every column as text."""
    if engine == "polars":
        if file.format == "parquet":
            return pl.scan_parquet(file.path)
        return pl.scan_csv(file.path, infer_schema=False)
    if engine == "duckdb":
        import duckdb  # noqa: PLC0415  (optional engine)

        if file.format == "parquet":
            return duckdb.read_parquet(file.path)
        return duckdb.read_csv(file.path, header=True, all_varchar=True)
    assert spark is not None
    if file.format == "parquet":
        return spark.read.parquet(file.path.removesuffix("/*.parquet"))
    return spark.read.csv(file.path, header=True, inferSchema=False)


def _fits(canonical: pl.DataType, found: Any) -> bool:  # noqa: ANN401  (a narwhals dtype)
    """Whether a column of narwhals dtype ``found`` can be cast to ``canonical`` as it is."""
    if found in (nw.String, nw.Unknown):
        return True  # text is cast to the canonical type (CSV files are read as text); nulls
    if canonical == pl.String:
        return found in (nw.Categorical, nw.Enum)
    if canonical == pl.Date:
        return found in (nw.Date, nw.Datetime)
    return bool(found.is_numeric())


_NW_TYPES: dict[type[pl.DataType], Any] = {
    pl.String: nw.String,
    pl.Date: nw.Date,
    pl.Float64: nw.Float64,
}


def _cast(column: nw.Expr, found: Any, dtype: Any) -> nw.Expr:  # noqa: ANN401  (narwhals dtypes)
    """Cast ``column`` to ``dtype``; ISO text dates are parsed with an explicit format."""
    if dtype == nw.Date and found == nw.String:
        return column.str.to_date(format="%Y-%m-%d")
    if dtype == nw.Date and found == nw.Datetime:
        return column.dt.date()
    return column.cast(dtype)


def _text(column: nw.Expr, found: Any, *, allowed: tuple[str, ...] | None, label: bool) -> nw.Expr:  # noqa: ANN401
    """Read a text column as the polars reader does: trimmed, empty or ``NULL`` as null.

    A label column (an allowed set, the partner's type and tier) is also written in lower
    snake case (``" Won"`` is ``won``, ``"Joint Marketing"`` is ``joint_marketing``), and a
    near spelling of an allowed value (``co_sell``) is read as that value (``cosell``).
    """
    from partnerkit.load.text import NULL_WORDS  # noqa: PLC0415  (the reader's words)

    text = (column if found == nw.String else column.cast(nw.String)).str.strip_chars()
    text = nw.when(~text.is_in(NULL_WORDS)).then(text)
    if not label:
        return text
    text = text.str.to_lowercase().str.replace_all(r"[\s\-]+", "_")
    # as the polars reader: an allowed value read from its spelling without underscores
    near = {a.replace("_", ""): a for a in allowed or ()}
    squashed = text.str.replace_all("_", "", literal=True)
    for spelling, value in near.items():
        text = nw.when(squashed == spelling).then(nw.lit(value)).otherwise(text)
    return text


def _canonical(
    table: str,
    native: Any,  # noqa: ANN401  (a frame of the engine read)
    *,
    origin: str,
    problems: list[Any],
    currency: str | None,
) -> tuple[Any, tuple[str, ...]]:
    """Project ``native`` on the canonical columns of ``table``, cast; note problems."""
    from partnerkit.load import Problem, suggest  # noqa: PLC0415  (the reader's wording)

    spec = TABLES[table]
    frame = nw.from_native(native)
    schema = frame.collect_schema()
    present = tuple(c for c in spec.names if c in schema)
    for name in spec.required_names:
        if name not in schema:
            near = suggest(name, [c for c in schema.names() if c not in spec.names])
            hint = (
                f"; {near!r} looks like it: rename it in the file"
                if near
                else f"; the source has {', '.join(repr(c) for c in schema.names()[:12])}"
            )
            message = f"required column {name!r} is missing{hint}"
            problems.append(
                Problem(table, name, "missing_column", 0, message=message, origin=origin)
            )
    for name in present:
        want = spec.column(name).dtype
        if not _fits(want, schema[name]):
            message = (
                f"{name} is {schema[name]}, not {want}: write the column as {want} (or as "
                "text), or read the folder with validation (partnerkit validate, the polars "
                "engine)"
            )
            problems.append(Problem(table, name, "wrong_type", 0, message=message, origin=origin))
    from partnerkit.load.mapping import label_columns  # noqa: PLC0415

    labels = label_columns(table)
    exprs = []
    for column in spec.columns:
        dtype = _NW_TYPES[type(column.dtype)]
        if column.name in present and dtype == nw.String:
            text = _text(
                nw.col(column.name),
                schema[column.name],
                allowed=column.allowed,
                label=column.name in labels,
            )
            exprs.append(text.alias(column.name))
            continue
        if column.name in present:
            exprs.append(_cast(nw.col(column.name), schema[column.name], dtype))
            continue
        fill = column.default if column.default is not None else None
        if column.name == "currency" and fill is None:
            fill = currency
        exprs.append(nw.lit(fill, dtype=dtype).alias(column.name))
    return frame.select(exprs).to_native(), present


def canonical_tables(
    frames: Mapping[str, Any],
    /,
    *,
    currency: str | None = None,
    origins: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, tuple[str, ...]]]:
    """Check frames of one engine against the canonical tables; return them cast and ``supplied``.

    ``frames`` maps canonical table names to frames of one of :data:`ENGINES` (for example
    Spark catalog tables: ``{"deals": spark.table("crm.deals"), ...}``), their columns
    named canonically. Every canonical column comes back, in canonical order and type
    (absent optional columns as typed nulls or their default, ``currency`` as given);
    ``supplied`` names, per table, the columns the frame really held. Tables, required
    columns and types are checked as :func:`read_tables` does; ``origins`` names where each
    table came from in the problems. Raises :class:`~partnerkit.load.PortfolioError`.

    Examples
    --------
    >>> import duckdb
    >>> frames = {"partners": duckdb.sql("select 'p1' as partner_id, 'Acme' as name"),
    ...           "deals": duckdb.sql("select 'd1' as deal_id")}
    >>> from partnerkit.load import PortfolioError
    >>> try:
    ...     canonical_tables(frames)
    ... except PortfolioError as exc:
    ...     print(exc.problems[0].describe())
    deals.partner_id [missing_column] in deals: required column 'partner_id' is missing; \
the source has 'deal_id'
    >>> tables, supplied = canonical_tables({**frames, "deals": duckdb.sql(
    ...     "select 'd1' as deal_id, 'p1' as partner_id, '2025-01-05' as created_on, "
    ...     "null as closed_on, 'open' as outcome, 10 as amount")})
    >>> supplied["deals"], tables["partners"].fetchall()
    (('deal_id', 'partner_id', 'created_on', 'closed_on', 'outcome', 'amount'), \
[('p1', 'Acme', None, None, None, None, None, 'active', None)])
    """
    from partnerkit.load import PortfolioError, Problem  # noqa: PLC0415

    engine_of_tables(frames)
    problems: list[Any] = [
        Problem(
            table,
            None,
            "missing_table",
            0,
            message=f"the {table} table is required: add {table}.parquet or {table}.csv",
        )
        for table in TABLE_ORDER
        if TABLES[table].required and table not in frames
    ]
    tables: dict[str, Any] = {}
    supplied: dict[str, tuple[str, ...]] = {}
    for table in TABLE_ORDER:
        if table in frames:
            origin = (origins or {}).get(table, table)
            tables[table], supplied[table] = _canonical(
                table, frames[table], origin=origin, problems=problems, currency=currency
            )
    if problems:
        raise PortfolioError(problems)
    return tables, supplied


def read_tables(
    source: str | os.PathLike[str],
    /,
    *,
    engine: str,
    spark: SparkSession | None = None,
    currency: str | None = None,
) -> tuple[dict[str, Any], dict[str, tuple[str, ...]]]:
    """Read a folder of canonical tables with ``engine``; return the tables and ``supplied``.

    ``source`` holds ``<table>.parquet`` (a file, or a folder of part files as Spark and
    DuckDB write them) or ``<table>.csv`` for each canonical table it supplies; columns and
    values are canonical (no presets, no value maps: use the polars reader for CRM
    exports). A local folder is listed here; another location (``s3://...``,
    ``abfss://...``, ``dbfs:/...``) is probed through the engine, which must be able to
    reach it (on Spark Connect, the cluster reads it). Every canonical column comes back,
    in canonical order and type; ``supplied`` names, per table read, the columns the file
    really held; text is trimmed (empty or ``NULL`` as null) and labels written in lower
    snake case, as the polars reader reads them. Tables the folder lacks are left out of the
    mapping (not supplied).
    ``spark`` is the session for ``engine="spark"`` (default: :func:`spark_session`).
    Tables, columns and types are checked (see the module's notes); nothing is computed
    until the frames are collected.

    Raises :class:`UnsupportedEngine` for an unknown engine, :class:`EngineUnavailable`
    when it cannot run here, :class:`~partnerkit.load.SourceError` when ``source`` is not a
    folder (or holds no canonical table), and :class:`~partnerkit.load.PortfolioError`
    listing every problem found.

    Examples
    --------
    >>> from pathlib import Path
    >>> tables, supplied = read_tables(Path("data/samples"), engine="polars")
    >>> sorted(tables), supplied["partners"][:2]
    (['activities', 'deals', 'investments', 'overlaps', 'partners'], ('partner_id', 'name'))
    >>> tables["deals"].collect_schema()["amount"]
    Float64
    """
    from partnerkit.load import PortfolioError, SourceError  # noqa: PLC0415

    chosen = require_engine(engine)
    _require_package(chosen)
    text = os.fspath(source)
    local = Path(text).is_dir()
    remote = chosen == "spark" or (chosen == "duckdb" and "://" in text)
    if not local and not remote:
        raise SourceError(f"{text} is not a folder")
    if chosen == "spark" and spark is None:
        spark = spark_session()
    files = _local_files(Path(text)) if local else _remote_files(text, chosen, spark)
    if not local and not files:
        raise SourceError(
            f"{text} is not a folder the {chosen} engine can read, or holds no canonical "
            "table (<table>.parquet or <table>.csv)"
        )
    frames = {f.table: _native_read(f, chosen, spark) for f in files}
    origins = {f.table: Path(f.path.removesuffix("/*.parquet")).name for f in files}
    try:
        tables, supplied = canonical_tables(frames, currency=currency, origins=origins)
    except PortfolioError as exc:
        for problem in exc.problems:
            if problem.rule == "missing_table":
                object.__setattr__(problem, "message", f"{problem.message} to {text}")
        raise PortfolioError(exc.problems, source=text) from None
    empty = _empty_required(tables, origins)
    if empty:
        raise PortfolioError(empty, source=text)
    return tables, supplied


def _empty_required(tables: Mapping[str, Any], origins: Mapping[str, str], /) -> list[Problem]:
    """List the required tables without a row (``no_rows``), as the polars reader does.

    One row of each is asked for, which every engine answers without a full scan.
    """
    from partnerkit.load import Problem  # noqa: PLC0415  (the reader's wording)

    return [
        Problem(name, None, "no_rows", 0, message=f"{origins[name]} has no rows", origin=origin)
        for name in TABLE_ORDER
        if TABLES[name].required
        and name in tables
        and nw.from_native(tables[name]).head(1).collect().shape[0] == 0
        for origin in [origins[name]]
    ]


def day_number(column: str, /, *, engine: str) -> nw.Expr:
    """Expression: the date in ``column`` as an integer day number (days since 1970-01-01).

    Stage 1 subtracts dates only as these numbers, since ``date - date`` differs between
    engines. Polars casts its dates directly; elsewhere the number is worked out from the
    year and the day of the year (proleptic Gregorian calendar), which every engine gives.
    Null stays null.

    Examples
    --------
    >>> import datetime as dt
    >>> import polars as pl
    >>> f = nw.from_native(pl.DataFrame({"d": [dt.date(1970, 1, 2), dt.date(2024, 3, 1)]}))
    >>> f.select(day_number("d", engine="polars")).to_native()["d"].to_list()
    [1, 19783]
    >>> f.select(day_number("d", engine="duckdb")).to_native()["d"].to_list()
    [1, 19783]
    """
    day = nw.col(column)
    if engine == "polars":
        return day.cast(nw.Int32).cast(nw.Int64)
    y = day.dt.year().cast(nw.Int64) - 1
    return y * 365 + y // 4 - y // 100 + y // 400 + day.dt.ordinal_day().cast(nw.Int64) - 719_163


KEY_SEED = 20_251_204
"""Seed of the 64-bit hash that stands in for ``partner_id`` in the core reduction."""


def hashed_keys(partners: nw.LazyFrame[Any], /, *, engine: str) -> bool:
    """Whether the core reduction may group raw rows by a 64-bit hash of ``partner_id``.

    Polars only (other engines group by the id itself): true when the hashes of the
    partners' ids are all distinct, which reads the ids of the partners table alone.

    Examples
    --------
    >>> import polars as pl
    >>> hashed_keys(nw.from_native(pl.LazyFrame({"partner_id": ["a", "b"]})), engine="polars")
    True
    """
    if engine != "polars":
        return False
    key = pl.col("partner_id").hash(KEY_SEED)
    native = partners.to_native()
    unique: bool = native.select(key.n_unique() == pl.len()).collect().item()
    return unique


def with_partner_key(frame: nw.LazyFrame[Any], /, *, hashed: bool) -> nw.LazyFrame[Any]:
    """Add ``_key``: the 64-bit hash of ``partner_id`` when ``hashed`` (polars), else the id.

    A null id keeps a null key.

    Examples
    --------
    >>> import polars as pl
    >>> f = nw.from_native(pl.LazyFrame({"partner_id": ["a", None]}))
    >>> with_partner_key(f, hashed=True).collect()["_key"].null_count()
    1
    """
    if not hashed:
        return frame.with_columns(nw.col("partner_id").alias("_key"))
    pid = pl.col("partner_id")
    native: pl.LazyFrame = frame.to_native().with_columns(
        pl.when(pid.is_not_null()).then(pid.hash(KEY_SEED)).alias("_key")
    )
    keyed: nw.LazyFrame[Any] = nw.from_native(native)
    return keyed


def as_categories(
    frame: nw.LazyFrame[Any], columns: Sequence[str], /, *, engine: str
) -> nw.LazyFrame[Any]:
    """On polars, read the text ``columns`` as categories (a small integer per value).

    For the columns of few distinct values that a reduction groups by (an activity's
    kind): grouping by (partner, kind) then compares integers instead of text, about 4%
    of the core reduction on 50 million activities with long record ids. Values, nulls
    and comparisons with text literals are unchanged; other engines get ``frame`` as is.

    Examples
    --------
    >>> import polars as pl
    >>> f = nw.from_native(pl.LazyFrame({"kind": ["qbr", None]}))
    >>> as_categories(f, ["kind"], engine="polars").collect()["kind"].to_list()
    ['qbr', None]
    """
    if engine != "polars":
        return frame
    native: pl.LazyFrame = frame.to_native().with_columns(pl.col(*columns).cast(pl.Categorical))
    categorical: nw.LazyFrame[Any] = nw.from_native(native)
    return categorical
