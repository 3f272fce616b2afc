"""An interactive table for JupyterLab: sort, search, page, select rows, export the view.

:class:`DataGrid` is a small anywidget. The frame stays in the kernel: searching, sorting
and paging are polars operations on the collected table, and only the rows of the current
page (already formatted as text) travel to the browser. Every piece of state -- ``search``,
``sort_by``, ``descending``, ``page``, ``selected``, ``clicked`` -- is a synced traitlet, so a
test can set it and read :attr:`DataGrid.view` and :attr:`DataGrid.rows` without a kernel, and
"export the current view" writes exactly what the user filtered and sorted, through the
package's safe export (:func:`partnerkit.io.export_frame`: spreadsheet formulas
in partner text neutralised, files replaced atomically). The script is part of the package:
nothing is fetched from a network.

Why not a grid library. Two were tried against what the workbench needs:

* ``itables`` (2.9, maintained, with an anywidget ``ITable`` that bundles DataTables, so it
  works offline): search, sort and page state live in the browser only -- Python sees the
  selected rows, not the filter -- so "export the current view" could only be the browser's
  own CSV button, which writes partner text unescaped (a name like ``=HYPERLINK(...)`` runs
  as a formula) into the browser's download folder; it sends the whole frame to the page and
  silently downsamples above 64 KB by default (rows go missing at a few thousand partners);
  its script is 620 KB.
* ``ipydatagrid`` (1.4.0, December 2024): sorts and filters in the browser too, needs pandas,
  bqplot and py2vega (none of which partnerkit uses), and converts each frame to pandas.

A grid of about 200 lines of script that keeps the data and the state in the kernel fitted
better: a page of 139 or 100,000 partners costs the same in the browser, and every figure on
screen comes from the same polars table that the tests check.

Examples
--------
>>> import polars as pl
>>> grid = DataGrid(pl.DataFrame({"partner_id": ["p1", "p2", "p3"],
...                               "name": ["Acme", "Bolt", "Acorn"],
...                               "won_revenue": [5.0, 9.0, None]}), key="partner_id")
>>> grid.search = "ac"
>>> grid.sort_by, grid.descending = "won_revenue", True
>>> grid.view["name"].to_list()
['Acme', 'Acorn']
>>> grid.rows
[['p1', 'Acme', '5'], ['p3', 'Acorn', 'n/a']]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import anywidget
import polars as pl
import traitlets

from partnerkit import formatting
from partnerkit.io import export_frame
from partnerkit.widgets.table import format_value, is_money

__all__ = ["DataGrid", "with_partner_names"]

_ESM = r"""
function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}
function render({ model, el: root }) {
  root.classList.add("pk-grid");
  const bar = el("div", { class: "pk-grid-bar" });
  const title = el("span", { class: "pk-grid-title" });
  const search = el("input", { type: "search", class: "pk-grid-search",
                               placeholder: "Search names, ids, text…", "aria-label": "Search" });
  const clear = el("button", { class: "pk-grid-clear", type: "button" }, "Clear");
  const exportBtn = el("button", { class: "pk-grid-export", type: "button" }, "Export view");
  bar.append(title, search, clear, exportBtn);
  const table = el("table", { class: "pk-grid-table" });
  const nav = el("div", { class: "pk-grid-nav" });
  const prev = el("button", { class: "pk-grid-prev", type: "button" }, "\u2039 Previous");
  const info = el("span", { class: "pk-grid-info" });
  const next = el("button", { class: "pk-grid-next", type: "button" }, "Next \u203a");
  const note = el("span", { class: "pk-grid-message" });
  nav.append(prev, info, next, note);
  const scroller = el("div", { class: "pk-grid-scroll" });
  scroller.append(table);
  root.append(bar, scroller, nav);

  let timer = null;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { model.set("search", search.value); model.set("page", 0);
                               model.save_changes(); }, 200);
  });
  clear.addEventListener("click", () => {
    search.value = ""; model.set("search", ""); model.set("page", 0); model.save_changes();
  });
  exportBtn.addEventListener("click", () => model.send({ kind: "export" }));
  prev.addEventListener("click", () => {
    model.set("page", Math.max(0, model.get("page") - 1)); model.save_changes();
  });
  next.addEventListener("click", () => {
    model.set("page", model.get("page") + 1); model.save_changes();
  });

  function toggle(key, on) {
    const chosen = new Set(model.get("selected"));
    if (on) chosen.add(key); else chosen.delete(key);
    model.set("selected", Array.from(chosen)); model.save_changes();
  }

  function draw() {
    title.textContent = model.get("title");
    if (document.activeElement !== search) search.value = model.get("search");
    const columns = model.get("columns");
    const rows = model.get("rows");
    const keys = model.get("row_keys");
    const chosen = new Set(model.get("selected"));
    const selectable = model.get("selectable");
    table.replaceChildren();
    const head = el("tr");
    if (selectable) {
      const all = el("input", { type: "checkbox", "aria-label": "Select the rows of this page" });
      all.checked = keys.length > 0 && keys.every((k) => chosen.has(k));
      all.addEventListener("change", () => {
        const set = new Set(model.get("selected"));
        for (const k of keys) { if (all.checked) set.add(k); else set.delete(k); }
        model.set("selected", Array.from(set)); model.save_changes();
      });
      const th = el("th"); th.append(all); head.append(th);
    }
    columns.forEach((col) => {
      const sorted = model.get("sort_by") === col.name;
      const arrow = sorted ? (model.get("descending") ? " ▼" : " ▲") : "";
      const th = el("th", { "data-column": col.name, class: col.numeric ? "num" : "",
                            title: "Sort by " + col.label }, col.label + arrow);
      th.addEventListener("click", () => {
        if (model.get("sort_by") === col.name) model.set("descending", !model.get("descending"));
        else { model.set("sort_by", col.name); model.set("descending", !!col.numeric); }
        model.set("page", 0); model.save_changes();
      });
      head.append(th);
    });
    const thead = el("thead"); thead.append(head);
    const tbody = el("tbody");
    rows.forEach((cells, i) => {
      const key = keys[i];
      const tr = el("tr", { "data-key": key });
      if (key === model.get("clicked")) tr.classList.add("clicked");
      if (selectable) {
        const box = el("input", { type: "checkbox", "aria-label": "Select " + key });
        box.checked = chosen.has(key);
        box.addEventListener("click", (e) => e.stopPropagation());
        box.addEventListener("change", () => toggle(key, box.checked));
        const td = el("td"); td.append(box); tr.append(td);
      }
      cells.forEach((text, j) => tr.append(el("td", {
        class: columns[j].numeric ? "num" : (columns[j].wrap ? "wrap" : "") }, text)));
      tr.addEventListener("click", () => { model.set("clicked", key); model.save_changes(); });
      tbody.append(tr);
    });
    if (rows.length === 0) {
      const tr = el("tr");
      tr.append(el("td", { colspan: String(columns.length + (selectable ? 1 : 0)),
                           class: "pk-grid-empty" }, model.get("empty_text")));
      tbody.append(tr);
    }
    table.replaceChildren(thead, tbody);
    info.textContent = model.get("status");
    prev.disabled = model.get("page") <= 0;
    next.disabled = model.get("page") >= model.get("pages") - 1;
    note.textContent = model.get("message");
  }
  for (const name of ["rows", "row_keys", "columns", "selected", "clicked", "status", "message",
                      "sort_by", "descending", "search", "title", "pages", "page"]) {
    model.on("change:" + name, draw);
  }
  draw();
}
export default { render };
"""

_CSS = """
.pk-grid { font-size: 12px; margin: 4px 0; }
.pk-grid-bar, .pk-grid-nav { display: flex; gap: 8px; align-items: center; margin: 4px 0; }
.pk-grid-title { font-weight: bold; }
.pk-grid-search { min-width: 240px; padding: 2px 6px; }
.pk-grid-scroll { overflow-x: auto; max-width: 100%; }
.pk-grid-table { border-collapse: collapse; }
.pk-grid-table th { cursor: pointer; text-align: left; border-bottom: 1px solid #9AA4AE;
                    padding: 2px 8px; white-space: nowrap; user-select: none; }
.pk-grid-table td { padding: 2px 8px; border-bottom: 1px solid #E4E8EC; vertical-align: top;
                    white-space: nowrap; }
.pk-grid-table td.wrap { white-space: normal; min-width: 14em; max-width: 32em; }
.pk-grid-table .num { text-align: right; font-variant-numeric: tabular-nums; }
.pk-grid-table tbody tr { cursor: pointer; }
.pk-grid-table tbody tr:hover { background: #F2F5F8; }
.pk-grid-table tr.clicked { background: #DCE8F5; }
.pk-grid-empty { color: #5A6670; font-style: italic; }
.pk-grid-message { color: #2E6B3F; }
"""


_WRAP_CHARS = 40  # text columns with longer values wrap; the others stay on one line


def _is_money(column: str, dtype: pl.DataType) -> bool:
    return dtype.is_numeric() and is_money(column)


class DataGrid(anywidget.AnyWidget):
    """A sortable, searchable, paged table of a polars frame, with row selection and export.

    Parameters
    ----------
    frame
        The rows (collected; one per row shown).
    key
        Column that identifies a row (e.g. ``partner_id``): what :attr:`selected` and
        :attr:`clicked` hold. Must be unique.
    columns
        Columns shown, in order (default: all). Missing ones are skipped.
    labels
        Header text per column (default: the name with spaces for underscores).
    title
        Shown above the table.
    page_size
        Rows per page.
    selectable
        Show a checkbox per row (the keys checked are in :attr:`selected`).
    currency
        The portfolio's ISO currency code: money columns (revenue, pipeline, investment,
        amount, at stake) show whole amounts with the code in their header.
    out_dir, export_name
        Where the "Export view" button writes (``out_dir/export_name``, CSV unless the name
        ends in ``.xlsx`` or ``.parquet``).
    """

    _esm = _ESM
    _css = _CSS

    columns = traitlets.List(traitlets.Dict()).tag(sync=True)
    """Shown columns: ``name``, ``label``, ``numeric``."""
    rows = traitlets.List(traitlets.List(traitlets.Unicode())).tag(sync=True)
    """Formatted cells of the rows on the current page."""
    row_keys = traitlets.List(traitlets.Unicode()).tag(sync=True)
    """Key of each row on the current page."""
    search = traitlets.Unicode("").tag(sync=True)
    """Case-insensitive text looked for in every text column (empty: every row)."""
    sort_by = traitlets.Unicode("").tag(sync=True)
    """Column sorted on (empty: the frame's order)."""
    descending = traitlets.Bool(default_value=False).tag(sync=True)
    """Sort direction."""
    page = traitlets.Int(0).tag(sync=True)
    """Current page, from 0 (kept within the pages there are)."""
    page_size = traitlets.Int(15).tag(sync=True)
    """Rows per page."""
    pages = traitlets.Int(1).tag(sync=True)
    """Number of pages of the current view."""
    matched = traitlets.Int(0).tag(sync=True)
    """Rows in the current view (after the search)."""
    total = traitlets.Int(0).tag(sync=True)
    """Rows in the frame."""
    status = traitlets.Unicode("").tag(sync=True)
    """The line under the table: which rows are shown of how many."""
    selected = traitlets.List(traitlets.Unicode()).tag(sync=True)
    """Keys of the checked rows (kept across pages and searches)."""
    clicked = traitlets.Unicode("").tag(sync=True)
    """Key of the row clicked last (for drill-through)."""
    selectable = traitlets.Bool(default_value=False).tag(sync=True)
    """Whether rows have a checkbox."""
    title = traitlets.Unicode("").tag(sync=True)
    """Text above the table."""
    empty_text = traitlets.Unicode("No rows.").tag(sync=True)
    """Shown in place of rows when the view is empty."""
    message = traitlets.Unicode("").tag(sync=True)
    """Outcome of the last export."""
    written = traitlets.Unicode("")
    """Path of the last export."""

    def __init__(
        self,
        frame: pl.DataFrame,
        /,
        *,
        key: str,
        columns: Sequence[str] | None = None,
        labels: Mapping[str, str] | None = None,
        title: str = "",
        page_size: int = 15,
        selectable: bool = False,
        out_dir: str | Path = "out",
        export_name: str = "table.csv",
        currency: str | None = None,
    ) -> None:
        super().__init__(title=title, page_size=page_size, selectable=selectable)
        self.key = key
        self.labels = dict(labels or {})
        self.currency = currency
        self.out_dir = Path(out_dir)
        self.export_name = export_name
        self._wanted = tuple(columns) if columns is not None else None
        self._frame = pl.DataFrame()
        self.on_msg(self._on_msg)
        self.observe(self._refresh, names=["search", "sort_by", "descending", "page", "page_size"])
        self.set_frame(frame)

    # -- data --------------------------------------------------------------------------------

    @property
    def frame(self) -> pl.DataFrame:
        """All rows of the grid (see :meth:`set_frame`)."""
        return self._frame

    def set_frame(self, frame: pl.DataFrame, /) -> None:
        """Show new rows, keeping search, sort, page and the selected keys still present."""
        if self.key not in frame.columns:
            raise ValueError(f"the key column {self.key!r} is not in the frame")
        self._frame = frame
        shown = [c for c in (self._wanted or frame.columns) if c in frame.columns]
        self._shown = shown
        self._money = {c for c in shown if _is_money(c, frame.schema[c])}
        currency = self.currency
        texts = [c for c in shown if frame.schema[c] == pl.String]
        longest = (
            frame.select(pl.col(c).str.len_chars().max() for c in texts).row(0) if texts else ()
        )
        wrap = {c for c, n in zip(texts, longest, strict=True) if (n or 0) > _WRAP_CHARS}
        self.columns = [
            {
                "name": c,
                "label": self.labels.get(c, c.replace("_", " "))
                + (f" ({currency})" if currency and c in self._money else ""),
                "numeric": frame.schema[c].is_numeric(),
                "wrap": c in wrap,
            }
            for c in shown
        ]
        keys = set(frame[self.key].cast(pl.String).to_list())
        self.selected = [k for k in self.selected if k in keys]
        self.total = frame.height
        self._refresh()

    @property
    def view(self) -> pl.DataFrame:
        """The rows matching :attr:`search`, sorted by :attr:`sort_by` (all pages)."""
        frame = self._frame
        term = self.search.strip().lower()
        if term:
            text = [
                c
                for c in dict.fromkeys([self.key, *self._shown])
                if frame.schema[c] in (pl.String, pl.Categorical) or c == self.key
            ]
            frame = frame.filter(
                pl.any_horizontal(
                    pl.col(c)
                    .cast(pl.String)
                    .str.to_lowercase()
                    .str.contains(term, literal=True)
                    .fill_null(value=False)
                    for c in text
                )
            )
        if self.sort_by and self.sort_by in frame.columns:
            frame = frame.sort(
                [self.sort_by, self.key],
                descending=[self.descending, False],
                nulls_last=True,
                maintain_order=True,
            )
        return frame

    @property
    def shown_columns(self) -> list[str]:
        """The columns shown, in order."""
        return list(self._shown)

    def selected_frame(self) -> pl.DataFrame:
        """Return the rows whose key is in :attr:`selected`, in the frame's order."""
        return self._frame.filter(pl.col(self.key).cast(pl.String).is_in(list(self.selected)))

    def export_view(self, path: str | Path | None = None) -> Path:
        """Write the current view (every page, the shown columns) and return its path."""
        target = Path(path) if path is not None else self.out_dir / self.export_name
        target.parent.mkdir(parents=True, exist_ok=True)
        written = export_frame(self.view.select(self._shown), target)
        self.written = str(written)
        self.message = f"Exported {self.matched:,} rows to {written}."
        return written

    # -- sync ----------------------------------------------------------------------------------

    def _on_msg(self, _widget: object, content: Mapping[str, Any], _buffers: object) -> None:
        if content.get("kind") == "export":
            try:
                self.export_view()
            except (OSError, ValueError) as exc:
                self.message = f"Nothing exported: {exc}"

    def _refresh(self, _change: Mapping[str, Any] | None = None) -> None:
        view = self.view
        size = max(int(self.page_size), 1)
        pages = max(math.ceil(view.height / size), 1)
        page = min(max(int(self.page), 0), pages - 1)
        if page != self.page:
            self.page = page  # observed: refreshes again with the page corrected
            return
        part = view.slice(page * size, size)
        self.rows = [
            [
                formatting.money(record[c])
                if c in self._money
                else format_value(record[c], column=c)
                for c in self._shown
            ]
            for record in part.iter_rows(named=True)
        ]
        self.row_keys = [str(k) for k in part[self.key].to_list()]
        self.matched = view.height
        self.pages = pages
        if view.height == 0:
            self.status = f"No rows match “{self.search.strip()}”." if self.search else "No rows."
        else:
            first = page * size + 1
            last = page * size + part.height
            of = (
                f"{view.height:,} matching “{self.search.strip()}” of {self.total:,}"
                if self.search.strip()
                else f"{self.total:,}"
            )
            self.status = f"Rows {first:,}\u2013{last:,} of {of} · page {page + 1} of {pages}"


def with_partner_names(
    frame: pl.DataFrame, /, *, names: pl.DataFrame, columns: Sequence[str]
) -> pl.DataFrame:
    """Add ``<column>_name`` after each partner-id column of ``columns``.

    Requires columns: ``partner_id``, ``name`` in ``names``; each of ``columns`` (absent ones
    are skipped) in ``frame``. Ids without a name keep a null name; rows keep their order.

    Examples
    --------
    >>> pairs = pl.DataFrame({"partner_a": ["p1"], "partner_b": ["p9"]})
    >>> names = pl.DataFrame({"partner_id": ["p1", "p9"], "name": ["Acme", "Zeta"]})
    >>> with_partner_names(pairs, names=names, columns=["partner_a", "partner_b"]).columns
    ['partner_a', 'partner_a_name', 'partner_b', 'partner_b_name']
    """
    lookup = names.select(pl.col("partner_id").cast(pl.String), pl.col("name").cast(pl.String))
    out = frame
    order: list[str] = []
    for col in frame.columns:
        order.append(col)
        if col in columns:
            name = f"{col}_name"
            out = out.join(
                lookup.rename({"partner_id": col, "name": name}),
                on=col,
                how="left",
                maintain_order="left",
            )
            order.append(name)
    return out.select(order)
