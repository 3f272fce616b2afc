r"""Write charts to PNG, SVG, PDF, HTML or JSON, fully offline and atomically.

The format follows the file suffix. Images are rendered by vl-convert (no browser, no
network; external data URLs are refused). HTML pages embed the Vega, Vega-Lite and
Vega-Embed scripts themselves, so they render with the network cut; the chart's spec is
embedded as JSON with ``<``, ``>`` and ``&`` escaped, so partner-supplied text can never
close the script element. Every file is written to a temporary file in the target folder
and renamed over the target in one step: a crash leaves the old file or the new one.

The active altair theme applies; wrap calls in :func:`partnerkit.charts.theme.enabled` for
the partnerkit look (:func:`export_charts` does).

Examples
--------
>>> import tempfile, pathlib
>>> import altair as alt, polars as pl
>>> chart = alt.Chart(pl.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x:Q")
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> export_chart(chart, folder / "bars.svg").read_text()[:4]
'<svg'
>>> export_chart(chart, folder / "bars.png").read_bytes()[:4]
b'\x89PNG'
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert as vlc

from partnerkit.charts import renderer, theme
from partnerkit.charts.pack import AnalysisLike, chart_pack
from partnerkit.io import write_atomic

__all__ = [
    "CACHE_ENV",
    "FORMATS",
    "cache_dir",
    "chart_from_spec",
    "enable_offline_widgets",
    "export_chart",
    "export_charts",
    "export_many",
    "html_page",
    "javascript_bundle",
    "own_gradient_ids",
    "render",
    "render_all",
    "render_stream",
    "vegalite_version",
    "write_atomic",
]

FORMATS: tuple[str, ...] = ("png", "svg", "pdf", "html", "json")
"""File suffixes :func:`export_chart` understands."""

_NO_URLS: list[str] = []  # vl-convert may fetch nothing: charts carry their data inline

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each rendered file (a widget or a bar)."""

WORKERS = 4
"""Renders asked for at once. vl-convert holds Python's lock while it renders: in this
process they run one at a time; with the renderer process running
(:func:`partnerkit.charts.renderer.start`), they queue there while this process goes on
building charts."""


def vegalite_version() -> str | None:
    """Return the Vega-Lite version of altair's specs as vl-convert names it (``"6.4"``).

    ``None`` (vl-convert's latest) when vl-convert does not bundle that version.
    """
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vlc.get_vegalite_versions() else None


_VLC_BUNDLE = vlc.javascript_bundle  # vl-convert's own, whatever :func:`_cached_bundles` does

CACHE_ENV = "PARTNERKIT_CACHE"
"""Environment variable naming the folder of :func:`cache_dir` (an empty value: no cache)."""


def cache_dir() -> Path | None:
    """Return the folder where built JavaScript bundles are kept between processes.

    ``$PARTNERKIT_CACHE`` when set (empty: ``None``, nothing kept), else
    ``$XDG_CACHE_HOME/partnerkit`` or ``~/.cache/partnerkit``.

    >>> import os
    >>> os.environ[CACHE_ENV] = "/tmp/pk-cache"
    >>> cache_dir()
    PosixPath('/tmp/pk-cache')
    >>> del os.environ[CACHE_ENV]
    """
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "partnerkit"


@functools.cache
def javascript_bundle(snippet: str | None = None, /, *, vl_version: str | None = None) -> str:
    """Return vl-convert's JavaScript bundle of ``snippet`` (``None``: Vega, Vega-Lite, Embed).

    ``vl_version`` as vl-convert takes it; by default :func:`vegalite_version`.

    Bundling takes vl-convert about a second of CPU per process. The result depends only on
    the snippet and the versions of vl-convert and Vega-Lite, so it is kept in
    :func:`cache_dir` under a name hashing all three, written atomically: the next process
    reads it instead. The cache is best effort: an unwritable folder only costs the time.

    >>> javascript_bundle() == javascript_bundle()
    True
    """
    version = vl_version or vegalite_version()
    key = hashlib.sha256(
        json.dumps([vlc.__version__, version, snippet]).encode()  # type: ignore[attr-defined]
    ).hexdigest()[:32]
    folder = cache_dir()
    path = folder / f"bundle-{key}.js" if folder is not None else None
    if path is not None and path.is_file():
        with contextlib.suppress(OSError, UnicodeDecodeError):
            return path.read_text(encoding="utf-8")
    code: str = _VLC_BUNDLE(snippet, vl_version=version)  # type: ignore[arg-type]
    if path is not None:
        with contextlib.suppress(OSError):
            write_atomic(path, code.encode("utf-8"))
    return code


@contextlib.contextmanager
def _cached_bundles() -> Iterator[None]:
    """Make ``vl_convert.javascript_bundle`` read and fill :func:`javascript_bundle`'s cache."""
    original = vlc.javascript_bundle

    def bundle(snippet: str | None = None, vl_version: str | None = None) -> str:
        return javascript_bundle(snippet, vl_version=vl_version)

    vlc.javascript_bundle = bundle
    try:
        yield
    finally:
        vlc.javascript_bundle = original


def enable_offline_widgets() -> None:
    """Make altair's ``JupyterChart`` widget load its scripts offline, from the cache.

    The same as ``alt.JupyterChart.enable_offline()`` (altair builds the widget's script
    with vl-convert, so no CDN is contacted), except that the built script is read from
    :func:`javascript_bundle`'s cache when an earlier process built it: about a second of
    CPU saved at every kernel start.

    >>> enable_offline_widgets()  # doctest: +SKIP
    """
    with _cached_bundles():
        alt.JupyterChart.enable_offline()


_KINDS: tuple[tuple[str, Any], ...] = (
    ("layer", alt.LayerChart),
    ("hconcat", alt.HConcatChart),
    ("vconcat", alt.VConcatChart),
    ("concat", alt.ConcatChart),
    ("facet", alt.FacetChart),
    ("repeat", alt.RepeatChart),
)


def chart_from_spec(spec: dict[str, Any], /) -> alt.TopLevelSpec:
    """Rebuild the altair chart of a Vega-Lite spec altair has just produced and validated.

    ``alt.Chart.from_dict`` validates the spec against the schema again, to find which kind
    of chart it is (about 0.03-0.3 s a chart); here the kind is read from the spec's
    top-level key (``layer``, ``hconcat``, ``vconcat``, ``concat``, ``facet``, ``repeat``,
    else a single view) and the spec is not validated again. The chart gives the same spec
    back. For specs from elsewhere, use ``from_dict``, which validates.

    >>> chart = chart_from_spec({"layer": [{"mark": "point"}, {"mark": "rule"}]})
    >>> type(chart).__name__, chart.to_dict(validate=False)["layer"][1]
    ('LayerChart', {'mark': 'rule'})
    """
    kind = next((cls for key, cls in _KINDS if key in spec), alt.Chart)
    chart: alt.TopLevelSpec = kind.from_dict(spec, validate=False)
    return chart


def _bundle() -> str:
    """Return the Vega + Vega-Lite + Vega-Embed JavaScript bundle (built once, ~1 MB)."""
    code = javascript_bundle(None)
    if "</script" in code.lower():  # pragma: no cover - would break the page
        raise RuntimeError("the JavaScript bundle cannot be inlined in a <script> element")
    return code


def script_json(value: object) -> str:
    r"""Return JSON that is safe inside an HTML ``<script>`` element (no tag can close it).

    >>> script_json({"name": "</script><b>"})
    '{"name": "\\u003c/script\\u003e\\u003cb\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False)
    for raw, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def html_page(spec: dict[str, Any], /, *, title: str = "partnerkit chart") -> str:
    """Return a standalone HTML page rendering ``spec``, scripts embedded (no network).

    >>> page = html_page({"mark": "point"}, title="<x>")
    >>> "<title>&lt;x&gt;</title>" in page, "<script src" in page
    (True, False)
    """
    options = {"renderer": "svg", "actions": False}
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>body{margin:16px;font-family:'Liberation Sans',Arial,sans-serif;"
        "background:#fff}</style>\n"
        f"<script>{_bundle()}</script>\n"
        '</head>\n<body>\n<div id="chart"></div>\n<script>\n'
        f"vegaEmbed('#chart', {script_json(spec)}, {script_json(options)})"
        ".catch(function (e) { document.getElementById('chart').textContent = String(e); });\n"
        "</script>\n</body>\n</html>\n"
    )


def _title_of(spec: dict[str, Any]) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    return str(title) if title else "partnerkit chart"


def render(chart: alt.TopLevelMixin | dict[str, Any], fmt: str, /, *, scale: float = 2.0) -> bytes:
    """Render ``chart`` (or its spec) to the bytes of format ``fmt`` (see :data:`FORMATS`).

    >>> import altair as alt
    >>> render({"mark": "point"}, "json")[:1]
    b'{'
    """
    spec: dict[str, Any] = chart if isinstance(chart, dict) else chart.to_dict()
    version = vegalite_version()
    makers: dict[str, Callable[[], bytes]] = {
        "png": lambda: _png(_svg(spec), scale=scale),
        "svg": lambda: _svg(spec).encode(),
        "pdf": lambda: renderer.call(
            "vegalite_to_pdf", spec, vl_version=version, allowed_base_urls=_NO_URLS
        ),
        "html": lambda: html_page(spec, title=_title_of(spec)).encode(),
        "json": lambda: json.dumps(spec, indent=1, ensure_ascii=False).encode(),
    }
    if fmt not in makers:
        raise ValueError(f"unknown chart format {fmt!r}; use one of {', '.join(FORMATS)}")
    return makers[fmt]()


def render_all(
    specs: Mapping[str, dict[str, Any]],
    formats: Sequence[str],
    /,
    *,
    scale: float = 2.0,
    progress: Progress | None = None,
) -> dict[tuple[str, str], bytes]:
    """Render every spec in every format once, several at a time; key the bytes by both.

    Specs are plain dicts (build them with the theme active); each (name, format) pair is
    rendered exactly once, whatever the order the results are then used in. ``progress``
    is called after each render with the count done and the total.

    >>> out = render_all({"a": {"mark": "point"}}, ["json", "svg"])
    >>> sorted(out), out["a", "svg"][:4]
    ([('a', 'json'), ('a', 'svg')], b'<svg')
    """
    return render_stream(specs.items(), formats, scale=scale, progress=progress)


def render_stream(
    specs: Iterable[tuple[str, dict[str, Any]]],
    formats: Sequence[str],
    /,
    *,
    scale: float = 2.0,
    progress: Progress | None = None,
) -> dict[tuple[str, str], bytes]:
    """:func:`render_all` of named specs that start rendering as soon as they are given.

    ``specs`` may be a generator that builds each spec: each spec is sent to render as soon
    as it is built. With the renderer process running
    (:func:`partnerkit.charts.renderer.start`), the renders of the previous specs run there
    while this process builds the next one, so building and rendering overlap (in this
    process they would not: vl-convert holds Python's lock). ``progress(done, total)`` is
    called once the last spec is given, as each file is done. Names must be distinct.

    >>> built = ((name, {"mark": name}) for name in ("point", "bar"))
    >>> sorted(render_stream(built, ["svg"]))
    [('bar', 'svg'), ('point', 'svg')]
    """
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown chart format {bad[0]!r}; use one of {', '.join(FORMATS)}")
    wanted = list(dict.fromkeys(formats))
    if "html" in wanted:
        _bundle()  # build the shared script bundle once, before the renders start
    done: dict[tuple[str, str], bytes] = {}
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {}
        for name, spec in specs:
            if name in futures:
                raise ValueError(f"chart name given twice: {name!r}")
            futures[name] = pool.submit(_render_formats, spec, wanted, scale=scale)
        total = len(futures) * len(wanted)
        for name, future in futures.items():
            for fmt, data in future.result().items():
                done[name, fmt] = data
                if progress is not None:
                    progress(len(done), total)
    return done


_GRADIENT_ID = re.compile(r'(id="|url\(#)gradient_(\d+)')


def own_gradient_ids(svg: str, /) -> str:
    """Return ``svg`` with its gradients numbered from 0 in order of appearance.

    vl-convert numbers gradients with a counter shared by every render of the process, so
    the same chart's SVG would depend on what was rendered before it (and, rendered
    several at a time, on the order the renders happen to run in). Renumbered, each file is
    the same whatever came before; the ids only link a shape to its gradient in the file.

    >>> own_gradient_ids('<linearGradient id="gradient_7"/><path fill="url(#gradient_7)"/>')
    '<linearGradient id="gradient_0"/><path fill="url(#gradient_0)"/>'
    """
    numbers: dict[str, int] = {}

    def renumber(found: re.Match[str]) -> str:
        number = numbers.setdefault(found.group(2), len(numbers))
        return f"{found.group(1)}gradient_{number}"

    return _GRADIENT_ID.sub(renumber, svg)


def _svg(spec: dict[str, Any]) -> str:
    svg: str = renderer.call(
        "vegalite_to_svg", spec, vl_version=vegalite_version(), allowed_base_urls=_NO_URLS
    )
    return own_gradient_ids(svg)


def _png(svg: str, /, *, scale: float) -> bytes:
    """Rasterise an SVG render: vl-convert's PNG is this very raster of its SVG (same bytes)."""
    png: bytes = renderer.call("svg_to_png", svg, scale=scale)
    return png


def _render_formats(
    spec: dict[str, Any], formats: Sequence[str], /, *, scale: float
) -> dict[str, bytes]:
    """Render one spec in each format, drawing it once for both SVG and PNG."""
    svg = render(spec, "svg") if {"svg", "png"} & set(formats) else b""
    out: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "svg":
            out[fmt] = svg
        elif fmt == "png":
            out[fmt] = _png(svg.decode(), scale=scale)
        else:
            out[fmt] = render(spec, fmt, scale=scale)
    return out


def export_chart(
    chart: alt.TopLevelMixin, path: str | os.PathLike[str], /, *, scale: float = 2.0
) -> Path:
    """Write ``chart`` to ``path`` in the format its suffix names; return the path.

    ``.png`` (``scale`` times the chart's pixel size), ``.svg``, ``.pdf`` (vector, at the
    chart's size), ``.html`` (a standalone page with the scripts embedded) or ``.json`` (the
    Vega-Lite spec). Works offline; the file is replaced atomically.
    """
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(
            f"cannot tell the format of {target.name!r}; use a suffix among "
            + ", ".join(f".{f}" for f in FORMATS)
        )
    return write_atomic(target, render(chart, fmt, scale=scale))


def export_many(
    charts: Iterable[tuple[str, alt.TopLevelMixin]],
    out_dir: str | os.PathLike[str],
    /,
    *,
    formats: Iterable[str],
    scale: float = 2.0,
    progress: Progress | None = None,
    validate: bool = True,
) -> list[Path]:
    """Write each named chart in every format as ``out_dir/<name>.<format>``.

    Charts are rendered several at a time (:func:`render_all`); ``progress(done, total)``
    is called after each file is rendered. ``validate=False`` skips altair's schema check
    of each spec, for charts whose builders are tested to give valid specs (the pack).
    """
    folder = Path(out_dir)
    wanted = [f.lower().lstrip(".") for f in formats]
    specs = {name: chart.to_dict(validate=validate) for name, chart in charts}
    rendered = render_all(specs, wanted, scale=scale, progress=progress)
    return [write_atomic(folder / f"{name}.{fmt}", data) for (name, fmt), data in rendered.items()]


def export_charts(
    analysis: AnalysisLike,
    out_dir: str | os.PathLike[str],
    /,
    *,
    formats: Sequence[str] = ("png", "svg", "html"),
    scale: float = 2.0,
    partners: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Write the standard chart pack of ``analysis`` to ``out_dir`` and list the files.

    Each chart of :func:`partnerkit.charts.pack.chart_pack` is written once per format as
    ``<name>.<format>``. The partnerkit theme is active while the charts are built and
    the previous theme is restored after. ``progress(done, total)`` is called after each
    rendered file, for a progress bar (a widget can disable its button until ``done ==
    total``). The pack's specs are not validated again (the chart tests validate them; the
    specs are the same either way).
    """
    with theme.enabled():
        pack = chart_pack(analysis, partners=partners)
        return export_many(
            pack.items(),
            out_dir,
            formats=formats,
            scale=scale,
            progress=progress,
            validate=False,
        )
