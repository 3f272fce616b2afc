"""The source options shared by the sub-commands that read a portfolio.

``--preset NAME`` (repeatable), ``--mapping FILE.toml`` and ``--currency CODE`` mean the
same to ``validate``, ``analyze`` and ``report``: :func:`add_source_options` adds them and
:func:`source_call` turns them into the arguments of
:func:`partnerkit.load.read.read_portfolio` / :func:`~partnerkit.load.read.load`.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> _ = parser.add_argument("source")
>>> add_source_options(parser)
>>> args = parser.parse_args(["data", "--preset", "hubspot", "--currency", "eur"])
>>> source, options = source_call(args)
>>> source, options["preset"], options["currency"]
('data', ['hubspot'], 'eur')
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path
from typing import Any

from partnerkit.load.mapping import MappingFile, read_mapping_file
from partnerkit.load.presets import PRESETS
from partnerkit.load.read import SourceError, folder_inputs

__all__ = ["add_source_options", "source_call"]


def add_source_options(parser: argparse.ArgumentParser, /) -> None:
    """Add ``--preset``, ``--mapping`` and ``--currency`` to ``parser``."""
    parser.add_argument(
        "--preset",
        action="append",
        metavar="NAME",
        help=f"CRM export preset ({', '.join(sorted(PRESETS))}); repeat to combine",
    )
    parser.add_argument(
        "--mapping",
        type=Path,
        metavar="FILE.toml",
        help="column/value mapping file (keys: preset, currency, files, columns, values)",
    )
    parser.add_argument("--currency", metavar="CODE", help="the portfolio's currency")


def source_call(args: argparse.Namespace, /) -> tuple[Any, dict[str, Any]]:
    """Return the source and the keyword arguments of the loader for ``args``.

    Requires: ``args.source`` and the options of :func:`add_source_options`. Raises
    :class:`~partnerkit.load.read.SourceError` for an unreadable mapping file or folder.
    """
    spec = MappingFile()
    if args.mapping is not None:
        try:
            spec = read_mapping_file(args.mapping)
        except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
            raise SourceError(f"cannot read mapping file: {exc}") from None
    presets = [*spec.preset, *(args.preset or [])]
    source = (
        folder_inputs(args.source, preset=presets, files=spec.files) if spec.files else args.source
    )
    options = {
        "mapping": spec.columns,
        "values": spec.values,
        "preset": presets or None,
        "currency": args.currency or spec.currency,
    }
    return source, options
