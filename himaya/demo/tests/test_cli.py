"""The `himaya` console command maps words onto management commands."""

from __future__ import annotations

from himaya.cli import prepare_environment, resolve

COMMANDS = {"check", "himaya_check", "audit_verify", "audit_public_key", "keys_rotate", "seed", "demo", "token_issue"}


def test_himaya_check_runs_the_deployment_checks_not_djangos_plain_check():
    assert resolve(["check"], COMMANDS) == ["himaya_check"]


def test_two_words_name_one_command_and_the_rest_are_its_arguments():
    assert resolve(["audit", "verify", "--workers", "2"], COMMANDS) == ["audit_verify", "--workers", "2"]
    assert resolve(["token", "issue", "a@b.example"], COMMANDS) == ["token_issue", "a@b.example"]
    assert resolve(["seed", "--seed", "4"], COMMANDS) == ["seed", "--seed", "4"]


def test_three_words_and_dashes_name_a_command_too():
    assert resolve(["audit", "public-key"], COMMANDS) == ["audit_public_key"]
    assert resolve(["audit", "public", "key"], COMMANDS) == ["audit_public_key"]
    assert resolve(["keys", "rotate", "--retire", "k1"], COMMANDS) == ["keys_rotate", "--retire", "k1"]


def test_the_demo_runs_in_the_demo_environment_with_debug_on():
    environ: dict[str, str] = {}
    prepare_environment(["demo"], environ)
    assert environ == {"HIMAYA_ENV": "demo", "DEBUG": "true"}


def test_other_commands_keep_the_secure_defaults():
    environ: dict[str, str] = {}
    prepare_environment(["check"], environ)
    prepare_environment(["seed"], environ)
    assert environ == {}
