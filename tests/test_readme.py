"""The README is the front door: keep it true as the code moves."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from partnerkit.cli import cli, main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_generated_sections_are_current():
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "readme.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_the_two_commands_come_first_and_exist_in_the_makefile():
    first_block = README.split("```console", 1)[1].split("```", 1)[0]
    assert re.search(r"^make lab\b", first_block, flags=re.MULTILINE)
    assert re.search(r"^make test\b", first_block, flags=re.MULTILINE)
    makefile = (ROOT / "Makefile").read_text()
    for target in re.findall(r"`make (\w+)`", README):
        assert re.search(rf"^{target}:", makefile, flags=re.MULTILINE), target


def test_every_cli_command_is_documented():
    assert len(cli.commands) >= 6
    for name in cli.commands:
        assert f"partnerkit {name}" in README, name


def test_every_option_in_the_command_table_is_an_option_of_its_command():
    import click  # noqa: PLC0415

    rows = re.findall(r"^\| `partnerkit ([^`]+)` \|", README, flags=re.MULTILINE)
    assert len(rows) >= 10
    for row in rows:
        words = row.split()
        command: click.Command = cli
        while isinstance(command, click.Group) and words and words[0] in command.commands:
            command = command.commands[words.pop(0)]
        known = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
        for option in re.findall(r"--[a-z][a-z-]*", row):
            assert option in known, f"{option} is no option of 'partnerkit {row}'"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_analyze_example_matches_what_the_command_prints(capsys):
    block = README.split("$ .venv/bin/partnerkit analyze data/samples\n", 1)[1].split("```")[0]
    assert main(["analyze", str(ROOT / "data" / "samples")]) == 0
    assert capsys.readouterr().out == block
