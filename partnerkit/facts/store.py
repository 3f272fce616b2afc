"""A facts folder: stage 1's output on disk, so stage 2 can run somewhere else.

``partnerkit facts SOURCE --engine spark --out DIR`` builds the facts where the raw rows
live; ``partnerkit analyze DIR`` runs stage 2 from them on a laptop. A facts folder holds
one Parquet file per fact table (``<name>.parquet``) and ``facts.json``::

    {"format": "partnerkit-facts", "version": 2, "partnerkit": "0.1.0",
     "engine": "spark", "currency": "USD",
     "window": {"start": "2025-09-30", "end": "2026-09-30"},
     "quarters": ["2025-10-01", ...],
     "supplied": {"partners": ["partner_id", "name", ...], "activities": [], ...},
     "settings": {"timing_cuts": [0.33, 0.67], "active_days": 90, ...},
     "tables": {"partners": {"file": "partners.parquet", "rows": 150}, ...}}

``window`` is the analysis window the facts were built for (they cannot be re-cut to
another as-of), ``supplied`` the canonical columns the source really held, ``settings`` the
stage-1 settings (:class:`~partnerkit.facts.FactSettings`) that shaped them, when known,
``engine`` the engine that built them. The facts are small (one row per partner, per partner and
quarter, ...): :func:`write_facts` collects them to polars and writes them where it runs
(on a cluster, the driver: a mounted path such as a Databricks volume).

Examples
--------
>>> import tempfile
>>> from partnerkit.facts.store import is_facts_folder
>>> is_facts_folder(tempfile.mkdtemp())
False
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from partnerkit.facts import Facts, FactSettings, StageOne

__all__ = [
    "FACTS_FILE",
    "FORMAT",
    "VERSION",
    "FactsFolderError",
    "check_facts_out",
    "describe_facts",
    "is_facts_folder",
    "read_facts",
    "settings_record",
    "write_facts",
]

FACTS_FILE = "facts.json"
"""The name of the description file of a facts folder."""
FORMAT = "partnerkit-facts"
VERSION = 5
"""The version of the facts folder layout this module writes and reads (5: a stale open deal
realizes no overlap account in ``overlaps``; 4: ``last_win_on`` in ``deals``; 3:
``open_until`` in ``deals``; 2: ``deal_quarters`` with won and lost deals,
``activity_quarters``, ``first_deal_on`` in ``deals``; a folder of an earlier version is
refused: write it again)."""


class FactsFolderError(ValueError):
    """A facts folder that cannot be read: no description, another version, a missing table."""


def is_facts_folder(path: str | os.PathLike[str], /) -> bool:
    """Whether ``path`` is a folder holding a facts description (``facts.json``).

    >>> is_facts_folder("data/samples")
    False
    """
    folder = Path(path)
    return folder.is_dir() and (folder / FACTS_FILE).is_file()


def _local_path(source: object) -> Path | None:
    """Return ``source`` as a local path (a ``file://`` URL too); ``None`` for anything else."""
    if isinstance(source, os.PathLike):
        return Path(source)
    if not isinstance(source, str):
        return None  # a mapping of tables, or frames: nothing on disk to protect
    if source.startswith("file://"):
        from urllib.parse import unquote, urlparse  # noqa: PLC0415

        return Path(unquote(urlparse(source).path))
    return None if "://" in source else Path(source)


def _listed(names: list[str], /, *, limit: int = 4) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def check_facts_out(out_dir: str | os.PathLike[str], /, *, source: object = None) -> None:
    """Refuse an output folder where writing facts would replace other files.

    The fact tables are written as ``partners.parquet``, ``deals.parquet``, ... : the names
    of the raw tables of a portfolio folder. So ``out_dir`` must be new, empty (files whose
    name starts with a dot do not count) or an earlier facts folder (``facts.json``), and
    not the local folder ``source`` the facts are built from. Raises
    :class:`FactsFolderError` saying why and what to do; returns ``None`` otherwise.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> check_facts_out(folder / "facts")  # new: fine
    >>> _ = (folder / "deals.csv").write_text("deal_id")
    >>> check_facts_out(folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    partnerkit.facts.store.FactsFolderError: ... holds the raw table deals.csv: ...
    """
    from partnerkit.schema import TABLE_ORDER  # noqa: PLC0415

    folder = Path(out_dir)
    start = _local_path(source)
    if start is not None and start.exists() and start.resolve() == folder.resolve():
        raise FactsFolderError(
            f"the facts cannot be written to {folder}, the folder they are built from: the "
            "fact tables have the file names of the raw tables (deals.parquet, ...) and "
            "would replace them. Write them to a new or empty folder"
        )
    if not folder.exists() or is_facts_folder(folder):
        return
    if not folder.is_dir():
        raise FactsFolderError(f"{folder} is a file, not a folder: write the facts to a folder")
    held = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    if not held:
        return
    raw = [name for name in held if name.split(".")[0] in TABLE_ORDER]
    if raw:
        raise FactsFolderError(
            f"{folder} holds the raw table{'s' if len(raw) > 1 else ''} {_listed(raw)}: the "
            "fact tables have the same file names and would replace them. Write the facts "
            "to a new or empty folder"
        )
    raise FactsFolderError(
        f"{folder} holds {len(held)} file{'s' if len(held) > 1 else ''} ({_listed(held)}) "
        f"and is not a facts folder (no {FACTS_FILE}): write the facts to a new or empty "
        "folder, or over an earlier facts folder"
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version("partnerkit")
    except PackageNotFoundError:  # pragma: no cover  (run from a source tree)
        return "unknown"


def write_facts(
    facts: Facts | StageOne,
    out_dir: str | os.PathLike[str],
    /,
    *,
    currency: str | None = None,
    engine: str | None = None,
    settings: FactSettings | None = None,
) -> Path:
    """Write ``facts`` (collected, or a stage one to collect) to the folder ``out_dir``.

    Writes ``<name>.parquet`` per fact table and ``facts.json`` (written last, so a folder
    with a description is complete); returns the description's path. ``engine`` defaults
    to the stage one's engine (``"polars"`` for collected facts); ``currency`` is the
    portfolio's, shown by stage 2; ``settings`` the stage-1 settings the facts were built
    with, so that a later stage 2 can refuse a policy that would have built other facts.
    ``out_dir`` is new, empty or an earlier facts folder, whose tables are replaced: a folder
    holding other files (a portfolio's raw tables, say) is refused with
    :class:`FactsFolderError` (:func:`check_facts_out`).

    Examples
    --------
    >>> import tempfile
    >>> from partnerkit.facts import Facts
    >>> from partnerkit.window import Window
    >>> w = Window.ending(dt.date(2025, 12, 31), months=12)
    >>> facts = Facts.from_frames({}, window=w, quarters=(), supplied={})
    >>> path = write_facts(facts, tempfile.mkdtemp(), currency="EUR")
    >>> read_facts(path.parent).window == w
    True
    """
    folder = Path(out_dir)
    check_facts_out(folder)
    if not hasattr(facts, "frames"):  # a stage one: collect the small facts here
        engine = engine or str(getattr(facts, "engine", "polars"))
        facts = facts.collect()
    folder.mkdir(parents=True, exist_ok=True)
    tables: dict[str, dict[str, Any]] = {}
    for name, frame in facts.frames().items():
        collected = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
        file = f"{name}.parquet"
        collected.write_parquet(folder / file)
        tables[name] = {"file": file, "rows": collected.height}
    description = {
        "format": FORMAT,
        "version": VERSION,
        "partnerkit": _version(),
        "engine": engine or "polars",
        "currency": currency,
        "window": {"start": facts.window.start.isoformat(), "end": facts.window.end.isoformat()},
        "quarters": [q.isoformat() for q in facts.quarters],
        "supplied": {t: list(cols) for t, cols in facts.supplied.items()},
        "settings": None if settings is None else settings_record(settings),
        "tables": tables,
    }
    path = folder / FACTS_FILE
    tmp = folder / f".{FACTS_FILE}.tmp"
    tmp.write_text(json.dumps(description, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def settings_record(settings: FactSettings, /) -> dict[str, Any]:
    """Return ``settings`` as the plain JSON values ``facts.json`` keeps (dates as text).

    >>> from partnerkit.facts import FactSettings
    >>> settings_record(FactSettings(quarters=(dt.date(2025, 1, 1),)))["quarters"]
    ['2025-01-01']
    """
    record: dict[str, Any] = json.loads(
        json.dumps(dataclasses.asdict(settings), default=dt.date.isoformat)
    )
    return record


def describe_facts(path: str | os.PathLike[str], /) -> dict[str, Any]:
    """Return the checked description (``facts.json``) of the facts folder ``path``.

    Raises :class:`FactsFolderError` when it is missing, not a facts description, or of
    another layout version.
    """
    file = Path(path) / FACTS_FILE
    try:
        description = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FactsFolderError(f"{file} cannot be read as a facts description: {exc}") from None
    if not isinstance(description, Mapping) or description.get("format") != FORMAT:
        raise FactsFolderError(f"{file} is not a partnerkit facts description")
    if description.get("version") != VERSION:
        raise FactsFolderError(
            f"{file} has layout version {description.get('version')!r}; this partnerkit reads "
            f"version {VERSION}: write the facts again with this version (partnerkit facts)"
        )
    return dict(description)


def read_facts(path: str | os.PathLike[str], /) -> Facts:
    """Read the facts folder ``path`` back into :class:`~partnerkit.facts.Facts`.

    The tables are scanned lazily; window, quarters and supplied columns come from
    ``facts.json``. Raises :class:`FactsFolderError` for a folder that is not a complete
    facts folder of this layout version.

    >>> read_facts("data/samples")
    Traceback (most recent call last):
    ...
    partnerkit.facts.store.FactsFolderError: data/samples/facts.json cannot be read as a \
facts description: [Errno 2] No such file or directory: 'data/samples/facts.json'
    """
    from partnerkit.facts import Facts  # noqa: PLC0415  (the package imports this module)
    from partnerkit.window import Window  # noqa: PLC0415

    folder = Path(path)
    description = describe_facts(folder)
    frames: dict[str, pl.LazyFrame] = {}
    for name, entry in description["tables"].items():
        file = folder / str(entry["file"])
        if not file.exists():
            raise FactsFolderError(f"{folder} lists the fact table {name!r} but {file} is missing")
        frames[name] = pl.scan_parquet(file)
    window = Window(
        dt.date.fromisoformat(description["window"]["start"]),
        dt.date.fromisoformat(description["window"]["end"]),
    )
    quarters = tuple(dt.date.fromisoformat(q) for q in description["quarters"])
    supplied = {t: tuple(cols) for t, cols in description["supplied"].items()}
    return Facts.from_frames(frames, window=window, quarters=quarters, supplied=supplied)


def facts_currency(path: str | os.PathLike[str], /) -> str | None:
    """Return the currency recorded in the facts folder ``path`` (``None`` if none)."""
    currency = describe_facts(path).get("currency")
    return None if currency is None else str(currency)
