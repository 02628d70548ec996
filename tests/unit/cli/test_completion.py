"""`--version`, and `completion`: shell completion scripts made from the parsers, naming every subcommand."""

from __future__ import annotations

import subprocess

import pytest

from tui_reader.cli import main
from tui_reader.cli.registry import SUBCOMMANDS


@pytest.mark.parametrize("argv", [["--version"], ["--data-dir", "x", "--version"]])
def test_version_is_the_installed_packages(argv, capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"tui-reader {version('tui-reader')}\n"


def complete_in_bash(script: str, *words: str) -> list[str]:
    """What bash offers after `tui-reader WORDS` (the last word is the one being completed), with the script
    loaded the way a user's bashrc loads it."""
    line = " ".join(("tui-reader", *words))
    probe = (
        f"source {script}; COMP_WORDS=(tui-reader {' '.join(repr(w) for w in words)}); "
        f"COMP_CWORD={len(words)}; COMP_LINE={line!r}; COMP_POINT=${{#COMP_LINE}}; "
        'complete -p tui-reader >/dev/null && _shtab_tui_reader && printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_bash_completion_loads_and_completes_subcommands_and_options(capsys, tmp_path):
    assert main(["completion", "bash"]) == 0
    script = tmp_path / "tui-reader.bash"
    script.write_text(capsys.readouterr().out)
    assert complete_in_bash(str(script), "") == list(SUBCOMMANDS)
    assert complete_in_bash(str(script), "ma") == ["mark", "marks"]
    assert complete_in_bash(str(script), "--") == ["--help", "--version", "--data-dir"]
    assert complete_in_bash(str(script), "marks", "") == ["export", "import"]
    assert set(complete_in_bash(str(script), "fetch", "--")) >= {"--date", "--week", "--refresh", "--data-dir"}
    assert complete_in_bash(str(script), "list", "--format", "") == ["text", "json"]
    assert complete_in_bash(str(script), "completion", "") == ["bash", "zsh", "tcsh"]
    registered = subprocess.run(
        ["bash", "-c", f"source {script}; complete -p tui-reader"], capture_output=True, text=True, check=True
    ).stdout
    assert "-o default" in registered  # the reader's PATHs: bash completes file names where the script has none


@pytest.mark.parametrize("shell", ["zsh", "tcsh"])
def test_zsh_and_tcsh_completion_scripts_name_every_subcommand(shell, capsys):
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    assert all(command in script for command in ("list", "mark", "marks", "fetch", "--data-dir"))


def test_an_unknown_shell_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["completion", "powershell"])
    assert stop.value.code == 2
    assert "invalid choice: 'powershell'" in capsys.readouterr().err
