"""Shared options mean the same to every command, and one exit-code scheme holds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from partnerkit.cli import cli, main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "samples"
CANONICAL = ROOT / "tests" / "fixtures" / "crm" / "canonical"

# Every command that takes --as-of and --policy, with the arguments it needs besides.
ANALYSING = {
    "analyze": ["analyze", str(CANONICAL)],
    "report": ["report", str(CANONICAL), "--out", "{tmp}/r"],
    "facts": ["facts", str(CANONICAL), "--out", "{tmp}/f"],
    "decisions record": [
        "decisions", "record", "--ledger", "{tmp}/l.sqlite", "--partner", "P1",
        "--decision", "keep", "--rationale", "r", "--who", "w", str(CANONICAL),
    ],
}  # fmt: skip
READING = ("validate", "analyze", "report", "facts")
SHARED_SOURCE = (
    "--preset", "--mapping", "--currency", "--credit", "--sheet", "--day-first", "--decimal",
    "--rates", "--quarantine",
)  # fmt: skip


def _argv(name: str, tmp_path: Path) -> list[str]:
    return [a.replace("{tmp}", str(tmp_path)) for a in ANALYSING[name]]


@pytest.mark.parametrize("name", sorted(ANALYSING))
def test_a_bad_as_of_is_the_same_usage_error_everywhere(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*_argv(name, tmp_path), "--as-of", "2026-02-30"]) == 2
    err = capsys.readouterr().err
    assert "Invalid value for '--as-of': must be a date like 2026-06-30, not '2026-02-30'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "l.sqlite").exists()


@pytest.mark.parametrize("name", sorted(ANALYSING))
def test_an_unreadable_policy_is_the_same_usage_error_everywhere(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "policy.toml"
    bad.write_text("[pareto]\nvital_threshold = 7\n", encoding="utf-8")
    assert main([*_argv(name, tmp_path), "--policy", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Invalid value for '--policy': cannot read policy file:" in err
    assert main([*_argv(name, tmp_path), "--policy", str(tmp_path / "none.toml")]) == 2
    assert "cannot read policy file" in capsys.readouterr().err


def test_a_policy_file_reaches_every_analysing_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("[pareto]\nvital_threshold = 0.95\n", encoding="utf-8")
    assert main(["analyze", str(CANONICAL), "--policy", str(policy)]) == 0
    assert "(threshold 95%)" in capsys.readouterr().out


@pytest.mark.parametrize("command", READING)
def test_reading_commands_share_the_source_options(command: str) -> None:
    options = {opt for p in cli.commands[command].params for opt in p.opts}
    assert set(SHARED_SOURCE) <= options, command


def test_shared_options_are_defined_once() -> None:
    # the same Option objects' settings: one definition, not copies that drift apart
    def option(command: str, name: str) -> tuple[object, ...]:
        found = next(p for p in cli.commands[command].params if name in p.opts)
        return (found.type.name, found.help, found.default, found.multiple)

    for name in SHARED_SOURCE:
        assert len({option(c, name) for c in READING}) == 1, name
    group = cli.commands["decisions"]
    record = group.commands["record"]  # type: ignore[attr-defined]
    for name in ("--as-of", "--policy"):
        found = next(p for p in record.params if name in p.opts)
        shown = (found.type.name, found.help, found.default, found.multiple)
        assert shown == option("analyze", name) == option("report", name) == option("facts", name)


@pytest.mark.parametrize(
    "argv",
    [[], ["nope"], ["analyze"], ["analyze", str(SAMPLE), "--frobnicate"], ["decisions"],
     ["decisions", "record", "--partner", "p", str(SAMPLE)], ["sample", "x", "--partners", "many"]],
)  # fmt: skip
def test_usage_errors_exit_two_without_a_traceback(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Usage: partnerkit" in err
    assert "Traceback" not in err


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    listed = capsys.readouterr().out
    for name, command in cli.commands.items():
        assert name in listed
        assert main([name, "--help"]) == 0, name
        assert f"Usage: partnerkit {name}" in capsys.readouterr().out
        for action in getattr(command, "commands", {}):
            assert main([name, action, "-h"]) == 0, action
            assert f"Usage: partnerkit {name} {action}" in capsys.readouterr().out


@pytest.mark.slow
def test_the_installed_script_follows_the_scheme(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "partnerkit"
    bad = subprocess.run(
        [str(script), "analyze", str(tmp_path / "missing")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.startswith("partnerkit analyze: ")
    assert "Traceback" not in bad.stderr
    usage = subprocess.run(
        [str(script), "analyze", str(SAMPLE), "--as-of", "soon"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert usage.returncode == 2
    assert "must be a date like 2026-06-30, not 'soon'" in usage.stderr


def test_report_partner_choices_exclude_each_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["report", str(CANONICAL), "--out", str(tmp_path / "r"), "--partners", "P1"]
    assert main([*argv, "--all-partners"]) == 2
    assert "--partners and --all-partners exclude each other" in capsys.readouterr().err
    assert main([*argv[:-2], "--partners", " , "]) == 2
    assert "give at least one partner id" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
