"""`arena <command> --help`: every default shown, the same argument names everywhere, a description per command."""

from __future__ import annotations

import argparse

import pytest

from arena.cli import build_parser


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


COMMANDS = sorted(_subparsers())


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_with_a_default_shows_it_in_help(command):
    sub = _subparsers()[command]
    text = " ".join(sub.format_help().split())
    for action in sub._actions:
        if action.help in (None, argparse.SUPPRESS) or not action.option_strings:
            continue
        if action.default is None or action.default is False or action.default in ([], argparse.SUPPRESS):
            continue
        shown = " ".join(sub._get_formatter()._expand_help(action).split())
        assert "default" in shown, f"arena {command} {action.option_strings[0]}: default {action.default!r} not shown"
        assert shown in text


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_its_own_description(command):
    sub = _subparsers()[command]
    assert sub.description and len(sub.description) > 40, f"arena {command} --help has no description"


def test_the_same_argument_has_the_same_name_in_every_command():
    subs = _subparsers()
    names = {}
    for sub in subs.values():
        for action in sub._actions:
            if action.dest in ("config", "results_dir"):
                names.setdefault(action.dest, set()).add(action.metavar or action.dest)
    assert names["config"] == {"CONFIG"}
    assert names["results_dir"] == {"RESULTS_DIR"}


def test_override_examples_are_written_for_each_command():
    """The example in --override's help fits the command (arena play's overrides change the --config file)."""
    subs = _subparsers()
    helps = {c: next(a.help for a in s._actions if a.dest == "override") for c, s in subs.items()
             if any(a.dest == "override" for a in s._actions)}
    assert "--config" in helps["play"]
    assert len(set(helps.values())) == len(helps), helps


def test_output_cut_short_by_its_reader_is_not_an_error():
    """`arena games | head -1`: no BrokenPipeError traceback. The reader here closes before anything is written."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-m", "arena.cli", "games", "--all"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    child.stdout.close()
    stderr = child.stderr.read()
    assert child.wait(timeout=120) == 0 and "Traceback" not in stderr, stderr


def test_version_and_help_do_not_import_the_results_package():
    import subprocess
    import sys

    script = "import sys, arena.cli; arena.cli.build_parser(); print('pandas' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False"
