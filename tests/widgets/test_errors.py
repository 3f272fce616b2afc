"""Loading problems in a notebook show as a problem list, not as a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import altair as alt
import polars as pl
import pytest
from IPython.core.interactiveshell import InteractiveShell

from partnerkit.load import RULES, PortfolioError, Problem
from partnerkit.load.read import SourceError
from partnerkit.widgets.display import FIXES, problem_list, setup_notebook

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def restore_altair() -> Iterator[None]:
    renderer, active_theme = alt.renderers.active, alt.theme.active
    options = dict(alt.renderers.options)
    with pl.Config():  # polars settings are restored on exit
        yield
    alt.renderers.enable(renderer, **options)
    alt.theme.enable(active_theme)


@pytest.fixture
def shell(restore_altair: None) -> Iterator[InteractiveShell]:
    shell = InteractiveShell.instance()
    setup_notebook(shell)  # prints the placeholder style's text form
    try:
        yield shell
    finally:
        shell.set_custom_exc((), None)
        InteractiveShell.clear_instance()


def run(shell: InteractiveShell, code: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()  # what the set-up printed
    result = shell.run_cell(code)
    assert result.error_in_exec is not None  # the cell still fails: Run All stops there
    out = capsys.readouterr()
    return out.out + out.err


def test_mistyped_folder_shows_a_problem_list_and_no_traceback(shell, capsys, tmp_path) -> None:
    (tmp_path / "samples").mkdir()
    code = (
        "from partnerkit.load.read import read_portfolio\n"
        f"read_portfolio({str(tmp_path / 'sampels')!r})\n"
    )
    text = run(shell, code, capsys)
    assert "Traceback" not in text
    assert "most recent call last" not in text
    assert "The data has 1 problem: nothing was loaded." in text
    assert "is not a folder" in text
    assert f"did you mean {str(tmp_path / 'samples')!r}?" in text
    assert len(text.splitlines()) < 12  # was a 40-line traceback


def test_validation_problems_list_table_column_rule_rows_and_fix(shell, capsys, tmp_path):
    (tmp_path / "partners.csv").write_text("partner_id,name\np1,Acme\np1,Again\n")
    (tmp_path / "deals.csv").write_text(
        "deal_id,partner_id,created_on,closed_on,outcome,amount\n"
        "d1,p1,2025-01-05,2025-02-01,won,100\n"
        "d2,p9,2025-01-05,2025-02-01,won,-5\n"
    )
    code = f"from partnerkit.load.read import read_portfolio\nread_portfolio({str(tmp_path)!r})\n"
    text = run(shell, code, capsys)
    assert "Traceback" not in text
    lines = text.splitlines()
    assert lines[0] == "The data has 3 problems: nothing was loaded."
    assert lines[1].split()[:6] == ["table", "column", "rule", "rows", "first", "rows"]
    body = "\n".join(lines)
    # the header is line 1, so the second partner is line 3 and the second deal line 3
    assert "partners  partner_id  duplicate" in body
    assert "line 3: 'p1 (first on line 2)'" in body
    assert "deals     partner_id  unknown_partner" in body
    assert "line 3: 'p9'" in body
    assert "deals     amount      negative" in body
    assert "quarantine=True" in body
    assert len(lines) == 5  # heading, header and one line per problem: nothing else


def test_other_errors_keep_their_traceback(shell, capsys) -> None:
    text = run(shell, "1 / 0", capsys)
    assert "ZeroDivisionError" in text
    assert "Traceback" in text or "----" in text


def test_html_form_is_a_table_with_escaped_values() -> None:
    err = PortfolioError(
        [Problem("partners", "name", "missing_value", 1, [(2, "<b>x</b>")], "name is null")]
    )
    shown = problem_list(err)._repr_html_()
    assert "<table" in shown
    assert "&lt;b&gt;x&lt;/b&gt;" in shown
    assert "<b>x</b>" not in shown


def test_missing_column_fix_names_the_table_and_column() -> None:
    err = PortfolioError([Problem("deals", "amount", "missing_column", 0, message="no amount")])
    fix = problem_list(err).frame["how to fix it"].item()
    assert fix.startswith("map your column to it: read_portfolio(source, mapping={'deals': ")
    assert "'amount'" in fix


def test_every_rule_has_a_fix() -> None:
    missing = [r for r, rule in RULES.items() if rule.scope != "note" and r not in FIXES]
    assert missing == [] or set(missing) <= {"needs_validation"}


def test_source_error_alone() -> None:
    shown = problem_list(SourceError("'x' is not a known preset"))
    assert shown.frame.row(0, named=True)["first rows"] == "'x' is not a known preset"


def test_crm_exports_without_their_preset_are_told_to_set_it_in_the_settings_cell():
    from partnerkit.load.read import load  # noqa: PLC0415
    from partnerkit.widgets.display import ProblemList  # noqa: PLC0415

    folder = Path(__file__).parents[1] / "fixtures" / "crm" / "hubspot"
    shown = ProblemList.of(PortfolioError(load(folder).report.problems)).frame
    fixes = shown.filter(shown["rule"] == "missing_table")["how to fix it"].to_list()
    assert (
        fixes == ["set preset = 'hubspot' in the settings cell: the folder holds its exports"] * 2
    )


def test_notes_are_listed_escaped_or_said_to_be_none():
    from partnerkit.widgets.display import Notes  # noqa: PLC0415

    assert "<li>a &lt;b&gt; note</li>" in Notes(["a <b> note"])._repr_html_()
    assert "No notes" in Notes([])._repr_html_()
