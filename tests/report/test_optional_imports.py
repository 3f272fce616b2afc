"""The optional imports partnerkit skips: skipped where promised, harmless, and scoped.

Each check runs in a fresh interpreter, since the skip acts on a process' imports.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

import partnerkit._imports as skipped


def _run(code: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


PROBE = """
import json, sys
state = {name: (name in sys.modules, sys.modules.get(name, 0) is None)
         for name in ("rfc3987_syntax", "anywidget", "ipywidgets", "IPython", "isoduration")}
print(json.dumps(state))
"""


@pytest.mark.slow
@pytest.mark.skipif(find_spec("rfc3987_syntax") is None, reason="nothing to skip when absent")
def test_partnerkit_first_keeps_the_iri_grammar_out_of_altair() -> None:
    state = _run(
        "import partnerkit, altair, polars as pl\n"
        "c = altair.Chart(pl.DataFrame({'x': [1]})).mark_point().encode(x='x:Q')\n"
        "assert c.to_dict()['mark']['type'] == 'point'  # validated without the grammar\n" + PROBE
    )
    assert state["rfc3987_syntax"] == [True, True]  # marked missing, never loaded


@pytest.mark.slow
@pytest.mark.skipif(find_spec("rfc3987_syntax") is None, reason="nothing to skip when absent")
def test_jsonschema_imported_first_is_left_alone() -> None:
    state = _run("import jsonschema, partnerkit\n" + PROBE)
    assert state["rfc3987_syntax"] == [True, False]  # loaded by jsonschema as usual


def test_the_vega_lite_schema_never_asks_for_a_skipped_format() -> None:
    """What the skipped checkers check (``format: iri``, ...) appears nowhere in the schema."""
    import altair as alt  # noqa: PLC0415

    schema = Path(alt.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json"
    text = schema.read_text()
    assert '"format"' in text  # the schema does use formats, so the search is meaningful
    formats = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("format"), str):
                formats.add(node["format"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(text))
    assert formats  # e.g. uri, whose checker is kept
    # formats checked by the modules skipped everywhere or in headless processes
    skipped = {"iri", "iri-reference", "duration", "date-time", "uri-template", "color"}
    skipped |= {"json-pointer", "relative-json-pointer", "hostname", "idn-hostname"}
    assert not skipped & formats


@pytest.mark.slow
def test_headless_process_draws_without_the_jupyter_widget(tmp_path: Path) -> None:
    state = _run(
        "import partnerkit\n"
        "partnerkit._imports.headless()\n"
        "import altair, polars as pl\n"
        "from partnerkit.charts.export import render\n"
        "c = altair.Chart(pl.DataFrame({'x': [1]})).mark_point().encode(x='x:Q')\n"
        "assert render(c, 'svg').startswith(b'<svg')\n" + PROBE
    )
    assert state["anywidget"] == [True, True]
    assert state["ipywidgets"] == [False, False]
    assert state["isoduration"] == [True, True]


@pytest.mark.slow
def test_without_headless_altair_keeps_its_jupyter_widget() -> None:
    state = _run(
        "import partnerkit, altair\n"
        "assert altair.JupyterChart.__module__.endswith('jupyter_chart')\n" + PROBE
    )
    assert state["anywidget"] == [True, False]


def test_skip_touches_nothing_once_the_importer_is_loaded() -> None:
    assert skipped.skip(("partnerkit_test_never",), unless_loaded="sys") == []
    assert "partnerkit_test_never" not in sys.modules
