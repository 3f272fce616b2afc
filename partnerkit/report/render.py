r"""Lay the report's content out as HTML with Jinja2 templates (autoescaped) and a stylesheet.

The templates and ``report.css`` ship with the package (``partnerkit/report/templates``).
Every value reaches the page through autoescaping, so text from the data (a partner named
``<script>``) is shown as text; the page runs no script and loads nothing from outside.

Examples
--------
>>> env = environment()
>>> env.from_string("<p>{{ name }}</p>").render(name="<script>")
'<p>&lt;script&gt;</p>'
>>> print(css_string("a·b</style>"))
"a·b\00003c/style\00003e"
"""

from __future__ import annotations

import functools
from importlib.resources import files
from typing import Any

import jinja2
from markupsafe import Markup

from partnerkit import formatting as fmt

__all__ = ["STYLESHEET", "TEMPLATE", "css_string", "environment", "render_report", "stylesheet"]

TEMPLATE = "report.html.j2"
"""The page template, in the package's ``report/templates`` folder."""

STYLESHEET = "report.css"
"""The stylesheet, inlined into the page so that it stays one self-contained file."""

_SAFE_CSS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;·-_/()")


def css_string(text: object) -> Markup:
    r"""Quote ``text`` as a CSS string, escaping every character that could end it or the style.

    >>> str(css_string('As of "now"'))
    '"As of \\000022now\\000022"'
    """
    body = "".join(ch if ch in _SAFE_CSS else f"\\{ord(ch):06x}" for ch in str(text))
    return Markup(f'"{body}"')  # noqa: S704  (every unsafe character is escaped above)


@functools.cache
def environment() -> jinja2.Environment:
    """Return the report's Jinja2 environment: package templates, autoescaping, strict."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("partnerkit.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    env.filters["count"] = fmt.count
    return env


@functools.cache
def stylesheet() -> str:
    """Return the text of the shipped stylesheet."""
    return files("partnerkit.report").joinpath("templates", STYLESHEET).read_text(encoding="utf-8")


def render_report(context: dict[str, Any], /) -> str:
    """Render the report page from its content (see :mod:`partnerkit.report.build`)."""
    template = environment().get_template(TEMPLATE)
    return template.render(stylesheet=Markup(stylesheet()), **context)  # noqa: S704  (shipped file)
