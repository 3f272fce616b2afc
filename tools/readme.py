"""Regenerate the README sections that are derived from code.

The README holds blocks fenced by ``<!-- BEGIN name -->`` / ``<!-- END name -->``; this
script rewrites each from its source of truth (the canonical schema, the scorecard column
definitions, the recommendation reasons and follow-up actions), so the docs cannot drift
from the code.
``python tools/readme.py`` rewrites README.md; ``--check`` exits 1 when it is stale.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from partnerkit.decisions.recommend import ACTIONS, REASONS, RECOMMENDATION_COLUMNS
from partnerkit.metrics.scorecard import scorecard_columns
from partnerkit.schema import TABLES

README = Path(__file__).resolve().parents[1] / "README.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def data_model() -> str:
    """Describe each canonical table: column, type, required, rule, meaning."""
    out: list[str] = []
    for table in TABLES.values():
        need = "required" if table.required else "optional"
        out += [f"**`{table.name}`** ({need}): {table.description}", ""]
        out += ["| column | type | required | rule | meaning |", "|---|---|---|---|---|"]
        for c in table.columns:
            rules = []
            if c.unique:
                rules.append("unique")
            if not c.nullable:
                rules.append("not null")
            if c.allowed:
                rules.append(" / ".join(c.allowed))
            if c.non_negative:
                rules.append(">= 0")
            if c.references:
                rules.append(f"-> {c.references}")
            if c.default:
                rules.append(f"default {c.default}")
            out.append(
                f"| `{c.name}` | {str(c.dtype).lower()} | {'yes' if c.required else ''} | "
                f"{_cell(', '.join(rules))} | {_cell(c.description)} |"
            )
        out.append("")
    return "\n".join(out).rstrip()


def scorecard() -> str:
    """List the scorecard columns with their definitions."""
    rows = ["| column | definition |", "|---|---|"]
    columns = scorecard_columns() | RECOMMENDATION_COLUMNS
    rows += [f"| `{k}` | {_cell(v)} |" for k, v in columns.items()]
    return "\n".join(rows)


def reasons() -> str:
    """List the recommendation reason codes."""
    rows = ["| code | meaning | condition |", "|---|---|---|"]
    rows += [f"| `{r.code}` | {_cell(r.meaning)} | {_cell(r.condition)} |" for r in REASONS]
    return "\n".join(rows)


def actions() -> str:
    """List the follow-up action codes."""
    rows = ["| code | meaning | condition |", "|---|---|---|"]
    rows += [f"| `{a.code}` | {_cell(a.meaning)} | {_cell(a.condition)} |" for a in ACTIONS]
    return "\n".join(rows)


SECTIONS: dict[str, Callable[[], str]] = {
    "data-model": data_model,
    "scorecard": scorecard,
    "reasons": reasons,
    "actions": actions,
}


def _filler(body: str) -> Callable[[re.Match[str]], str]:
    """Return the replacement that puts ``body`` between a block's fences."""

    def fill(m: re.Match[str]) -> str:
        return m.group(1) + body + "\n" + m.group(2)

    return fill


def render(text: str) -> str:
    """Return ``text`` with every generated block rewritten."""
    for name, make in SECTIONS.items():
        pattern = re.compile(
            rf"(<!-- BEGIN {name} -->\n)(?:.*?\n)?(<!-- END {name} -->)", flags=re.DOTALL
        )
        if not pattern.search(text):
            raise SystemExit(f"README.md lacks the block {name!r}")
        body = make()
        text = pattern.sub(_filler(body), text)
    return text


def main(argv: list[str]) -> int:
    """Rewrite README.md, or with ``--check`` report whether it is current."""
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in argv:
        if fresh != current:
            sys.stderr.write("README.md is stale: run `make readme`\n")
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
