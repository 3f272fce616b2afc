"""Optional imports of our dependencies that partnerkit keeps from happening.

jsonschema, which altair imports, loads ``rfc3987_syntax`` when it is installed (Jupyter
installs it) and builds an IRI grammar at import: about a second of CPU, the largest single
cost of importing altair, paid by every kernel and command that draws a chart. The grammar
only serves jsonschema's ``iri`` format check, which the Vega-Lite schema never asks for, so
nothing altair validates changes without it.

``import partnerkit`` imports this module before anything else, so the skip applies wherever
altair is imported afterwards (charts, widgets, the report, the command line): each name of
:data:`SKIPPED` is marked missing in ``sys.modules`` (``None``, which makes an import of it
raise ImportError), unless jsonschema was already imported (then it is too late, and nothing
is touched). The whole process is affected: code that needs ``rfc3987_syntax`` itself can
``del sys.modules["rfc3987_syntax"]`` and import it.

:func:`headless` goes further for processes that never display a widget (the ``report``
command, batch jobs): altair then comes without its Jupyter widget, ``JupyterChart``, which
would import anywidget and ipywidgets (about a quarter of altair's import), and jsonschema
without the checkers of formats that no Vega-Lite schema uses (:data:`HEADLESS`). Call it
before anything imports altair.

Examples
--------
>>> import sys
>>> sys.modules.get("rfc3987_syntax", "absent") is None or "jsonschema" in sys.modules
True
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Collection, Mapping
from typing import Any

__all__ = ["HEADLESS", "SKIPPED", "headless", "lazy_names", "skip"]

SKIPPED: tuple[str, ...] = ("rfc3987_syntax",)
"""Never imported in a process that imported partnerkit before jsonschema."""

HEADLESS: tuple[str, ...] = (
    "anywidget",
    "isoduration",
    "rfc3339_validator",
    "uri_template",
    "webcolors",
    "jsonpointer",
    "fqdn",
)
"""Also skipped by :func:`headless`: altair's Jupyter widget, and the checkers jsonschema
loads for formats the Vega-Lite schema never uses (duration, date-time, uri-template,
color, json-pointer, hostname; about a tenth of a second)."""


def skip(names: tuple[str, ...], /, *, unless_loaded: str) -> list[str]:
    """Mark ``names`` missing unless ``unless_loaded`` (their importer) is already imported.

    A module already in ``sys.modules`` is never touched. Returns the names marked now.

    >>> skip(("partnerkit_no_such_module",), unless_loaded="partnerkit_no_such_importer")
    ['partnerkit_no_such_module']
    >>> import partnerkit_no_such_module
    Traceback (most recent call last):
    ...
    ModuleNotFoundError: import of partnerkit_no_such_module halted; None in sys.modules
    >>> del sys.modules["partnerkit_no_such_module"]
    """
    if unless_loaded in sys.modules:
        return []
    marked = [name for name in names if name not in sys.modules]
    for name in marked:
        sys.modules[name] = None  # type: ignore[assignment]
    return marked


def headless() -> list[str]:
    """Skip :data:`HEADLESS` too (for processes that never display a widget).

    Returns the names marked now (none once altair is imported).

    >>> headless()[0]  # doctest: +SKIP
    'anywidget'
    """
    return skip(HEADLESS, unless_loaded="altair")


def lazy_names(
    package: str,
    where: Mapping[str, str],
    public: Collection[str],
    /,
    *,
    subpackages: Collection[str] = (),
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return a package's ``__getattr__`` and ``__dir__`` that import its names on first use.

    ``where`` maps each public name to the module it lives in; the value is imported from
    there when first asked for, and kept in the package. ``subpackages`` are imported whole.
    ``__dir__`` lists the package's names and ``public`` (imported or not).

    >>> getattr_, dir_ = lazy_names("json", {"dumps_": "json"}, ["dumps_"])
    >>> "dumps_" in dir_()
    True
    >>> getattr_("loads_")
    Traceback (most recent call last):
    ...
    AttributeError: module 'json' has no attribute 'loads_'
    """
    names = vars(sys.modules[package])

    def getattr_(name: str) -> Any:  # noqa: ANN401  (module attributes of any kind)
        if name in subpackages:
            return importlib.import_module(f"{package}.{name}")
        if name in where:
            value = getattr(importlib.import_module(where[name]), name)
            names[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def dir_() -> list[str]:
        return sorted({*names, *public})

    return getattr_, dir_


skip(SKIPPED, unless_loaded="jsonschema")
