"""What users see: exports that fail or take time, a mistyped partner setting, a prospect's
one-pager, the overlap table beside its chart and the board's selection from a chart."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import altair as alt
import nbformat
import polars as pl
import pytest
from IPython.core.interactiveshell import InteractiveShell

from partnerkit.analysis import analyze
from partnerkit.charts.onepager import key_figures, partner_onepager
from partnerkit.charts.overlap import overlap_chart
from partnerkit.decisions import Ledger
from partnerkit.load import from_frames
from partnerkit.policy import Policy
from partnerkit.portfolio import Portfolio
from partnerkit.widgets.board import DecisionBoard
from partnerkit.widgets.display import figures, overlap_table, setup_notebook
from partnerkit.widgets.drill import PartnerDrill
from partnerkit.widgets.errors import ExportError, SettingError
from partnerkit.widgets.exports import ExportPanel

from . import decided

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2025, 6, 30)


def _portfolio() -> Portfolio:
    return from_frames(
        partners=pl.DataFrame(
            {
                "partner_id": ["a", "b", "c"],
                "name": ["Acme Ltd", "Bolt", "Comet Networks"],
                "status": ["active", "active", "prospect"],
            }
        ),
        deals=pl.DataFrame(
            {
                "deal_id": ["d1", "d2", "d3"],
                "partner_id": ["a", "b", "a"],
                "created_on": ["2025-01-05", "2025-01-09", "2025-02-01"],
                "closed_on": ["2025-03-01", "2025-02-01", "2025-04-01"],
                "outcome": ["won", "won", "won"],
                "amount": [900.0, 100.0, 50.0],
            }
        ),
    )


@pytest.fixture(scope="module")
def portfolio() -> Portfolio:
    return _portfolio()


@pytest.fixture(scope="module")
def analysis(portfolio: Portfolio):
    return analyze(portfolio, as_of=AS_OF, policy=Policy())


def _unwritable(tmp_path: Path) -> Path:
    (tmp_path / "a-file").write_text("not a folder")
    return tmp_path / "a-file" / "out"  # its parent is a file: no folder can be made there


def _fake_export(written: list[str]):
    def export(chart: object, path: Path) -> Path:
        written.append(Path(path).name)
        return Path(path)

    return export


# -- the one-pager export of notebook 05 -------------------------------------------------------


def _cell(notebook: str, cell_id: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / notebook, as_version=nbformat.NO_CONVERT)
    return next(c.source for c in nb.cells if c.get("id") == cell_id)


def test_notebook_05_export_cell_exports_the_partner_on_screen(
    portfolio, analysis, tmp_path, monkeypatch, capsys
) -> None:
    written: list[str] = []
    monkeypatch.setattr("partnerkit.widgets.drill.export_chart", _fake_export(written))
    partner = "a"  # what the settings cell chose: the partner shown first
    drill = PartnerDrill(analysis, portfolio, partner_id=partner, onepager=True, out_dir=tmp_path)
    drill.query = "Bolt"  # the user picks another partner in the search box
    assert drill.partner_id == "b"
    exec(_cell("05-partner-review.ipynb", "d68844d3"), {"drill": drill, "partner": partner})
    assert written == ["review-b.html"]  # was review-a.html: the cell went back to the first
    assert drill.partner_id == "b"  # the drill stays on the partner on screen
    assert "review-b.html" in capsys.readouterr().out


# -- exports that cannot be written ------------------------------------------------------------


def test_chart_export_button_says_the_folder_and_the_reason(tmp_path: Path) -> None:
    folder = _unwritable(tmp_path)
    panel = ExportPanel(object(), out_dir=folder)  # type: ignore[arg-type]
    panel.charts_button.click()  # raised out of the click before: only the log console saw it
    assert panel.message.startswith("Chart export failed: cannot write to ")
    assert str(tmp_path / "a-file") in panel.message
    assert "Not a directory" in panel.message
    assert not panel.charts_button.disabled
    assert panel.progress.layout.display == "none"
    with pytest.raises(ExportError, match="cannot write to"):  # called in code: the cell fails
        panel.export_charts()


def test_decision_export_button_says_the_folder_and_the_reason(tmp_path: Path) -> None:
    folder = _unwritable(tmp_path)
    with Ledger(tmp_path / "decisions.sqlite") as ledger:
        panel = ExportPanel(object(), ledger=ledger, out_dir=folder)  # type: ignore[arg-type]
        panel.decisions_button.click()
        assert panel.message.startswith("Decision export failed: cannot write to ")
        assert "Not a directory" in panel.message
        assert panel.written == []


def test_onepager_export_button_says_the_folder_and_the_reason(
    portfolio, analysis, tmp_path
) -> None:
    drill = PartnerDrill(
        analysis, portfolio, partner_id="a", onepager=True, out_dir=_unwritable(tmp_path)
    )
    drill.export_button.click()
    assert drill.message.startswith("One-pager export failed: cannot write to ")
    assert "Not a directory" in drill._header.value
    assert not drill.export_button.disabled
    with pytest.raises(ExportError):
        drill.export_onepager(formats=("html",))


def test_onepager_export_disables_its_button_and_counts_the_files(
    portfolio, analysis, tmp_path, monkeypatch
) -> None:
    seen: list[tuple[bool, int, int, str | None, list[Path]]] = []
    drill: PartnerDrill

    def export(chart: object, path: Path) -> Path:
        bar = drill.busy.bar
        again = drill.export_onepager()  # a second click meanwhile does nothing
        seen.append((drill.export_button.disabled, bar.value, bar.max, bar.layout.display, again))
        return Path(path)

    monkeypatch.setattr("partnerkit.widgets.drill.export_chart", export)
    drill = PartnerDrill(analysis, portfolio, partner_id="a", onepager=True, out_dir=tmp_path)
    assert drill.busy.bar in drill.children[-2].children  # beside the button
    paths = drill.export_onepager()
    assert [p.name for p in paths] == ["review-a.png", "review-a.html"]
    assert seen == [(True, 0, 1, None, []), (True, 1, 2, None, [])]
    assert not drill.export_button.disabled
    assert drill.busy.bar.layout.display == "none"
    assert drill.message == f"Exported: review-a.png, review-a.html in {tmp_path}."
    drill.query = "bolt"  # another partner: the export's message no longer applies
    assert drill.message == ""


# -- a mistyped partner_id setting -------------------------------------------------------------


def test_mistyped_partner_id_names_the_id_the_nearest_and_the_fix(portfolio, analysis) -> None:
    with pytest.raises(SettingError) as caught:
        PartnerDrill(analysis, portfolio, partner_id="bb")
    text = str(caught.value)
    assert "No partner 'bb' in this portfolio (3 partners)" in text
    assert "Bolt (b)" in text  # the nearest known ids and names
    assert "Set partner_id in the settings cell" in text
    with pytest.raises(SettingError, match="It is the name of b: use that id"):
        PartnerDrill(analysis, portfolio, partner_id="bolt")


@pytest.fixture
def shell() -> Iterator[InteractiveShell]:
    renderer, active_theme = alt.renderers.active, alt.theme.active
    options = dict(alt.renderers.options)
    with pl.Config():
        shell = InteractiveShell.instance()
        setup_notebook(shell)
        try:
            yield shell
        finally:
            shell.set_custom_exc((), None)
            InteractiveShell.clear_instance()
    alt.renderers.enable(renderer, **options)
    alt.theme.enable(active_theme)


def test_mistyped_partner_id_in_a_notebook_is_one_sentence_and_stops_run_all(
    shell, capsys, portfolio, analysis
) -> None:
    shell.user_ns.update(portfolio=portfolio, analysis=analysis, PartnerDrill=PartnerDrill)
    capsys.readouterr()
    result = shell.run_cell('PartnerDrill(analysis, portfolio, partner_id="P99999")')
    assert result.error_in_exec is not None  # the cell fails: Run All stops there
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    assert "OutOfBounds" not in text
    assert "No partner 'P99999' in this portfolio" in text
    assert len(text.strip().splitlines()) == 1


def test_an_export_error_in_a_notebook_is_one_sentence(shell, capsys, tmp_path) -> None:
    shell.user_ns.update(
        panel=ExportPanel(object(), out_dir=_unwritable(tmp_path))  # type: ignore[arg-type]
    )
    capsys.readouterr()
    result = shell.run_cell("panel.export_charts()")
    assert result.error_in_exec is not None
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    assert text.strip().startswith("Chart export failed: cannot write to ")


# -- a partner that is not counted -------------------------------------------------------------


def test_a_prospect_is_shown_as_not_rated_in_words(analysis) -> None:
    row = analysis.scorecard.filter(pl.col("partner_id") == "c").row(0, named=True)
    assert row["counted"] is False
    shown = dict(key_figures(row).select("label", "shown").iter_rows())
    assert shown["State"] == "prospect, not rated"  # was the state of its rows: active/dormant
    assert shown["Stage"] == "n/a"  # was "mature" (no signing date)
    written = dict(figures(row, keys=["state", "stage"]).frame.iter_rows())
    assert written == {"State": "prospect, not rated", "Stage": "n/a"}
    spec = json.dumps(partner_onepager(analysis.scorecard, "c").to_dict())
    assert "include_statuses" not in spec  # no policy field names
    assert "Not rated: a prospect is not counted" in spec  # its words, wrapped in lines
    counted = analysis.scorecard.filter(pl.col("partner_id") == "a").row(0, named=True)
    assert (
        dict(key_figures(counted).select("label", "shown").iter_rows())["State"]
        == (counted["state"])
    )


# -- the overlap table beside its chart --------------------------------------------------------


def test_overlap_table_shows_the_charts_partners_and_figures() -> None:
    card = pl.DataFrame(
        {
            "partner_id": ["v", "h", "r", "q"],
            "name": ["Vale Data", "Hawk Networks", "Ridge Edge", "Quiet"],
            "overlap_accounts": [9, 5, 4, 4],
            "cosell_potential": [7, 5, 4, 1],
            "realized_overlap": [3, 1, 2, 0],  # counts deals outside the potential too
            "untapped_overlap": [5, 5, 4, 1],
        }
    )
    table = overlap_table(card).frame
    chart = overlap_chart(card)
    parts = chart.layer[1].data
    worked = dict(parts.filter(pl.col("part") == "worked").select("partner", "accounts").rows())
    untapped = dict(parts.filter(pl.col("part") == "untapped").select("partner", "accounts").rows())
    assert table["name"].to_list() == chart.layer[0].data["partner"].to_list()  # same order
    assert dict(zip(table["name"], table["worked"], strict=True)) == worked
    assert dict(zip(table["name"], table["untapped"], strict=True)) == untapped
    assert (table["worked"] + table["untapped"]).to_list() == table["co-sell_potential"].to_list()
    # realized overlap is named for what it is, not as a part of the potential
    assert table["any_overlap_account_with_a_deal"].to_list() == [3, 1, 2, 0]
    shown = repr(overlap_table(card))
    assert "realized" not in shown
    assert "any overlap account with a deal" in shown


def test_notebook_04_shows_the_overlap_table_beside_the_chart() -> None:
    source = _cell("04-account-mapping-and-cosell.ipynb", "021ec3c3")
    assert source.startswith("overlap_table(analysis.scorecard")


# -- the board and chart picks -----------------------------------------------------------------


@pytest.fixture
def board_analysis(small, make_analysis):
    return make_analysis(decided.with_recommendations(small.scorecard))


def test_board_invites_chart_picks_only_once_a_chart_reaches_it(board_analysis, tmp_path) -> None:
    from partnerkit.widgets.explorer import PortfolioExplorer  # noqa: PLC0415

    with Ledger(tmp_path / "d.sqlite") as ledger:
        board = DecisionBoard(board_analysis, ledger, out_dir=tmp_path)
        assert "chart" not in board._whatif.value  # it said "(or on a chart)" with no chart
        assert "Tick partners in the table" in board._whatif.value
        board.follow_picks(PortfolioExplorer(board_analysis))
        assert "click bars of the chart" in board._whatif.value


def test_a_chart_pick_names_the_ticked_rows_it_drops(board_analysis, tmp_path) -> None:
    from partnerkit.widgets.explorer import PortfolioExplorer  # noqa: PLC0415

    with Ledger(tmp_path / "d.sqlite") as ledger:
        board = DecisionBoard(board_analysis, ledger, out_dir=tmp_path, limit=2)
        explorer = PortfolioExplorer(board_analysis)
        board.follow_picks(explorer)
        board.queue.selected = ["p4"]  # ticked in the queue
        explorer.selected = ["p1"]  # a bar clicked
        assert board.selected == ["p1"]
        assert board.message == (
            "The chart pick replaced the selection: 1 ticked partner no longer selected: "
            "Dune (p4). Tick them again to add them."
        )
        assert "1 picked on the chart" in board._bulk_note.value
        explorer.selected = ["p2", "p1"]  # a new pick replaces the chart's own: nothing dropped
        assert board.message == ""  # the earlier note no longer applies
        on_page = set(board.queue.row_keys)
        away = len({"p1", "p2"} - on_page)
        # whichever rows the page holds, the note says how many picks it does not show
        if away:
            assert f"{away} not on this page of the queue" in board._bulk_note.value
        else:
            assert "not on this page" not in board._bulk_note.value


def test_a_search_message_goes_when_the_list_changes(board_analysis, tmp_path) -> None:
    with Ledger(tmp_path / "d.sqlite") as ledger:
        board = DecisionBoard(board_analysis, ledger, out_dir=tmp_path)
        board.search = "zzz"
        assert board.message == "No partner matches \u201czzz\u201d."
        board.show = "exit" if board.show != "exit" else "all"
        assert board.message == ""
        board.decide_selected("exit")
        assert board.message.startswith("Nothing recorded: select partners")
        board.queue.selected = [board.frame["partner_id"][0]]
        assert board.message == ""
