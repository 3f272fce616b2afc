"""The package's own namespace: every name on first use, and no name hiding a subpackage.

Each check runs in a fresh interpreter, since what an import binds depends on what the
process imported before.
"""

from __future__ import annotations

import json
import subprocess
import sys

import partnerkit


def _run(code: str) -> object:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_partnerkit_imports_no_public_module_yet() -> None:
    loaded = _run(
        "import json, sys, partnerkit\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('partnerkit'))))"
    )
    assert loaded == ["partnerkit", "partnerkit._imports"]


def test_subpackages_import_as_modules_whatever_was_imported_before() -> None:
    # ``import a.b as m`` binds the attribute ``b`` of ``a``: a function of that name in the
    # package would be what ``m`` gets (and ``import a.b.c as m`` would fail)
    kinds = _run(
        "import json, types\n"
        "import partnerkit as pk\n"
        "pk.read_portfolio\n"  # imports partnerkit.load.read first
        "import partnerkit.load as load\n"
        "import partnerkit.load.presets as presets\n"
        "import partnerkit.samples as samples\n"
        "print(json.dumps([isinstance(m, types.ModuleType) for m in (load, presets, samples)]"
        " + [load.read_portfolio is pk.read_portfolio, pk.load is load]))"
    )
    assert kinds == [True, True, True, True, True]


def test_every_public_name_resolves_and_none_names_a_subpackage() -> None:
    for name in partnerkit.__all__:
        assert getattr(partnerkit, name) is not None
    subpackages = {"load", "facts", "metrics", "decisions", "charts", "report", "widgets", "cli"}
    assert not (set(partnerkit.__all__) - {"samples"}) & subpackages
