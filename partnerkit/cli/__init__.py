"""The ``partnerkit`` command line, built on click.

Why click: it is the maintained library the Python command-line tools around us are built
on (typer is a layer over it), stable across 8.x, and a single small dependency. What the
commands need is what click does directly: options shared between commands defined once
as decorators (:mod:`partnerkit.cli.options`), parameter types that turn a bad date or an
unreadable policy file into a usage error naming the option, nested groups
(``decisions list``) and a test runner. typer would add rich and shellingham and derive
options from type hints, which saves nothing when every option is already shared or
custom.

Each sub-command lives in its own module of this package and exposes ``command``, a
:class:`click.Command` (or group). The option values are handed to a ``run(args)``
function as attributes of :class:`~partnerkit.cli.options.Args`.

One exit-code scheme for every command: 0 done, 1 the data breaks the data contract (or
another finding about the data: an invalid ledger), 2 usage or input error (a missing
argument, an unknown option or value, no such folder, an unreadable mapping or policy
file, an engine that cannot run here). :func:`main` returns that code and never shows a
traceback for bad input. Warnings are printed to stderr as plain ``warning: ...`` lines.
A reader that closes the pipe early (``partnerkit analyze ... | head``) ends the command
quietly, with exit code 0.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Sequence
from typing import TextIO

import click

from partnerkit.cli import analyze, decisions, facts, report, sample, validate

__all__ = ["cli", "main"]


@click.group(
    name="partnerkit",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
def cli() -> None:
    """Partner portfolio analytics: find the vital few, explain the rest."""


# In the order ``partnerkit --help`` lists them.
for _module in (validate, sample, analyze, facts, decisions, report):
    cli.add_command(_module.command)
cli.list_commands = lambda ctx: list(cli.commands)  # type: ignore[method-assign]


_SPARK_PANDAS = "PySpark does not yet fully support pandas"


def _plain_warning(  # noqa: PLR0917  (the signature of warnings.showwarning)
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    del category, filename, lineno, line
    (file or sys.stderr).write(f"warning: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code.

    >>> main(["analyze", "no/such/folder"])
    2
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")  # shown once each, as plain lines
            # Spark warns on every collect that pandas 3 is new to it; Arrow carries the facts
            warnings.filterwarnings("ignore", _SPARK_PANDAS, FutureWarning)
            warnings.showwarning = _plain_warning
            try:
                with cli.make_context("partnerkit", args) as ctx:
                    code = cli.invoke(ctx)
            except click.exceptions.Exit as exc:  # a command's end, or --help
                code = exc.exit_code
            except click.ClickException as exc:  # usage errors and bad option values
                exc.show()
                return 2
            except click.Abort:
                sys.stderr.write("Aborted.\n")
                return 2
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``| head``): send what is left to nowhere, end quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return code if isinstance(code, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
