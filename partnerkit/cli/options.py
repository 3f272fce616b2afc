r"""The options several commands share, each defined once, and the values they parse into.

:func:`source_options` (``--preset``, ``--mapping``, ``--currency``, ``--credit``,
``--sheet``, ``--day-first``, ``--decimal``, ``--rates``, ``--quarantine``) mean the same to
``validate``, ``analyze``, ``report`` and ``facts``; :data:`as_of_option` and
:data:`policy_option` the same to every command that analyses; :func:`engine_options`
(``--engine``, ``--spark-remote``, ``--spark-master``) to ``analyze`` and ``facts``. A value
that does not parse (a date that is not one, a policy file that cannot be read, an engine
that is not allowed) is a usage error: exit code 2 with the option named.

Examples
--------
>>> import click
>>> from click.testing import CliRunner
>>> @click.command()
... @as_of_option
... def show(as_of):
...     click.echo(repr(as_of))
>>> CliRunner().invoke(show, ["--as-of", "2026-06-30"]).output
'datetime.date(2026, 6, 30)\n'
>>> result = CliRunner().invoke(show, ["--as-of", "yesterday"])
>>> result.exit_code, "must be a date like 2026-06-30, not 'yesterday'" in result.output
(2, True)
"""

from __future__ import annotations

import datetime as dt
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NoReturn, TypeVar

import click

from partnerkit.facts.engines import ENGINES
from partnerkit.io import format_of
from partnerkit.load.mapping import CREDITS, MAPPING_KEYS
from partnerkit.load.presets import PRESETS
from partnerkit.policy import Policy

__all__ = [
    "Args",
    "ExportFile",
    "IsoDate",
    "PolicyFile",
    "as_of_option",
    "complain",
    "engine_options",
    "finish",
    "policy_option",
    "source_options",
]

F = TypeVar("F", bound=Callable[..., Any])

Args = SimpleNamespace
"""The parsed options of one command, as attributes (``args.source``, ``args.as_of``, ...)."""


def complain(command: str, message: object, /, *, code: int = 2) -> int:
    """Write ``partnerkit COMMAND: message`` to standard error and return exit ``code``.

    Exit codes (one scheme for every command): 0 done, 1 the data or a file is at fault
    (the message says which row or file to fix), 2 a usage error.

    >>> import contextlib, io
    >>> with contextlib.redirect_stderr(io.StringIO()) as err:
    ...     code = complain("analyze", "no such folder: x")
    >>> code, err.getvalue().strip()
    (2, 'partnerkit analyze: no such folder: x')
    """
    sys.stderr.write(f"partnerkit {command}: {message}\n")
    return code


def finish(code: int, /) -> NoReturn:
    """End the running command with exit ``code`` (returned by ``main``, or the process's)."""
    raise click.exceptions.Exit(code)


class IsoDate(click.ParamType[dt.date]):
    """A date written ``YYYY-MM-DD``, parsed into :class:`datetime.date`."""

    name = "YYYY-MM-DD"

    def convert(
        self,
        value: Any,  # noqa: ANN401  (what the command line or a default gives)
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> dt.date:
        """Return ``value`` as a date; fail with a usage error naming the option."""
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"must be a date like 2026-06-30, not {value!r}", param, ctx)


class ExportFile(click.ParamType[Path]):
    """A file to write a table to, in the format its suffix names (csv, parquet, xlsx).

    The suffix is checked when the command line is read, before any work is done.

    >>> ExportFile().convert("scores.xlsx", None, None)
    PosixPath('scores.xlsx')
    """

    name = "FILE"

    def convert(
        self,
        value: Any,  # noqa: ANN401  (what the command line or a default gives)
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> Path:
        """Return ``value`` as a path; fail with a usage error when its suffix names no format."""
        path = Path(value)
        try:
            format_of(path)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        return path


class PolicyFile(click.ParamType[Policy]):
    """A policy TOML file, read and checked into a :class:`~partnerkit.policy.Policy`."""

    name = "FILE.toml"

    def convert(
        self,
        value: Any,  # noqa: ANN401  (what the command line or a default gives)
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> Policy:
        """Return the policy in ``value``; fail with a usage error saying why it cannot."""
        if isinstance(value, Policy):
            return value
        try:
            return Policy.from_toml(Path(value))
        except (OSError, ValueError, TypeError, tomllib.TOMLDecodeError) as exc:
            self.fail(f"cannot read policy file: {exc}", param, ctx)


def _apply(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def wrap(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return wrap


as_of_option = click.option(
    "--as-of",
    type=IsoDate(),
    metavar="YYYY-MM-DD",
    default=None,
    help="last day of the analysis window (default: the latest event in the data)",
)
"""``--as-of YYYY-MM-DD``: the end of the analysis window, as a date."""

policy_option = click.option(
    "--policy",
    type=PolicyFile(),
    metavar="FILE.toml",
    default=None,
    help="policy file with thresholds and weights (default: the built-in policy)",
)
"""``--policy FILE.toml``: a checked :class:`~partnerkit.policy.Policy` (``None``: default)."""

source_options = _apply(
    click.option(
        "--preset",
        multiple=True,
        metavar="NAME",
        help=f"CRM export preset ({', '.join(sorted(PRESETS))}); repeat or list a,b to combine",
    ),
    click.option(
        "--mapping",
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="FILE.toml",
        help=f"mapping file: how the export's files, columns, values and rows read "
        f"(keys: {', '.join(MAPPING_KEYS)})",
    ),
    click.option("--currency", metavar="CODE", help="the portfolio's currency"),
    click.option(
        "--credit",
        type=click.Choice(CREDITS),
        help="deals with several partners: credit the primary (default), split evenly, or "
        "give each the full amount",
    ),
    click.option(
        "--sheet", metavar="NAME", help="the worksheet of Excel inputs (name or 0-based position)"
    ),
    click.option(
        "--day-first/--no-day-first",
        default=None,
        help="slash dates are DD/MM/YYYY (--no-day-first: MM/DD/YYYY)",
    ),
    click.option(
        "--decimal",
        type=click.Choice((".", ",")),
        help="the decimal separator of amounts written as text",
    ),
    click.option(
        "--rates",
        type=click.Path(path_type=Path),
        metavar="FILE",
        help="currency rate table (currency, date, rate) to convert deals into --currency",
    ),
    click.option(
        "--quarantine",
        is_flag=True,
        help="set rows breaking row rules aside (listed with line and id) instead of failing",
    ),
)
"""The options that say how to read a portfolio (see :func:`partnerkit.read_portfolio`)."""

READING_OPTIONS = ("preset", "mapping", "sheet", "day_first", "decimal", "rates", "quarantine")
"""The source options only the polars reader understands (the others read canonical files)."""

engine_options = _apply(
    click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="polars",
        show_default=True,
        help="the engine that reads the raw rows and builds the facts (stage 1)",
    ),
    click.option(
        "--spark-remote",
        metavar="URL",
        help="a Spark Connect URL (sc://host:15002, or a Databricks workspace) for --engine spark",
    ),
    click.option(
        "--spark-master",
        default="local[2]",
        show_default=True,
        metavar="MASTER",
        help="the master of a local Spark session for --engine spark",
    ),
)
"""``--engine {polars,duckdb,spark}`` and where Spark runs."""
