"""The ``partnerkit`` command line.

Each sub-command lives in its own module of this package and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to a callable taking the
parsed arguments and returning the exit code.

Every command uses one exit-code scheme: 0 done, 1 the data breaks the data contract, 2
usage error (argparse's own errors included). Warnings are printed to stderr as plain
``warning: ...`` lines. A reader that closes the pipe early (``partnerkit analyze ... |
head``) ends the command quietly, with exit code 0 and no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from collections.abc import Sequence
from typing import TextIO

__all__ = ["main"]

# Sub-command modules, in the order ``partnerkit --help`` lists them.
COMMANDS = ("validate", "sample", "analyze", "decisions", "report")


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every available sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="partnerkit",
        description="Partner portfolio analytics: find the vital few, explain the rest.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"partnerkit.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"partnerkit.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


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
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")  # shown once each, as plain lines
            warnings.showwarning = _plain_warning
            code: int = args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``| head``): send what is left to nowhere, end quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
