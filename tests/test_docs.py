"""Every command the bot answers is documented where people look: /help, the menu, README."""

from __future__ import annotations

import re

import pytest
from telegram.ext import CommandHandler

from bot import texts
from bot.app import build_application
from bot.texts.menus import ADMIN_COMMANDS
from tests.harness import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.fixture
def registered(settings) -> dict[str, set[str]]:
    """Command names the built Application answers, split by the flow that registered them."""
    application = build_application(settings)
    found: dict[str, set[str]] = {"user": set(), "admin": set()}
    for handlers in application.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler):
                admin = handler.callback.__module__.startswith("bot.flows.admin")
                side = "admin" if admin else "user"
                found[side] |= set(handler.commands)
    return found


def readme_commands(heading: str) -> set[str]:
    """The commands in the first column of the table under `heading` in README.md."""
    section = README.split(heading, 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"^\| `/(\w+)", section, re.MULTILINE))


def test_every_user_command_is_in_help_and_the_menu(registered):
    assert {name for name, _ in texts.COMMANDS} == registered["user"]


def test_every_user_command_is_in_the_readme(registered):
    assert readme_commands("## Commands the bot understands") == registered["user"]


def test_admin_commands_are_in_the_readme_and_the_admin_menu_only(registered):
    admin = registered["admin"] - {"help"}  # an admin's /help also lists the admin commands
    assert readme_commands("### Admin commands in Telegram") == admin
    assert {name for name, _ in ADMIN_COMMANDS} == admin
    assert not admin & {name for name, _ in texts.COMMANDS}


def test_menu_descriptions_fit_telegrams_limits():
    """setMyCommands: names of 1-32 lower-case letters, digits or _, descriptions 1-256 chars."""
    for name, about in (*texts.COMMANDS, *ADMIN_COMMANDS):
        assert re.fullmatch(r"[a-z0-9_]{1,32}", name)
        assert 1 <= len(about) <= 256


def languages_section() -> str:
    return README.split("## Languages", 1)[1].split("\n## ", 1)[0]


def test_the_third_language_recipe_names_real_commands_and_options(capsys):
    """Each `python -m bot ...` in README's recipe is a subcommand with those options."""
    from bot.__main__ import main

    used = re.findall(r"`python -m bot ([a-z-]+)((?: --[a-z-]+)*)", languages_section())
    assert {command for command, _ in used} >= {"messages", "check-content", "demo"}
    for command, options in used:
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0
        shown = capsys.readouterr().out
        for option in options.split():
            assert option in shown, (command, option)


def test_the_third_language_recipe_names_what_it_edits():
    """The names the recipe says to edit are where it says, and content/ru/ shows the layout."""
    from bot import i18n

    section = languages_section()
    for name in ("LANGUAGES", "LANGUAGE_NAMES", "_FIRST_LANGUAGE"):
        assert f"`{name}`" in section and hasattr(i18n, name), name
    assert (REPO / "bot" / "locale" / "ru" / "LC_MESSAGES" / "common.po").exists()
    content = REPO / "content"
    english = {p.name for p in content.glob("practices/*.md")}
    russian = {p.name for p in (content / "ru").glob("practices/*.md")}
    assert russian and russian <= english  # mirrored, each named as its English file
    assert "tests/test_flow_russian.py" in section
    assert (REPO / "tests" / "test_flow_russian.py").exists()
