"""The import rules that keep the layers apart.

The pure domain imports neither Telegram nor SQLite, directly or through another bot module,
so its rules are tested with plain values (DESIGN decision 5). Handlers never import the app
that wires them (decision 8): no import cycle between the app and the handlers. The emulator
knows nothing of the bot, and only the demo uses it; conftest.py holds fixtures only."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"

# The pure modules, also checked by mypy in strict mode (pyproject.toml).
PURE = [
    "bot.buttons",
    "bot.checkin_rules",
    "bot.clock",
    "bot.config",
    "bot.content",
    "bot.delivery_policy",
    "bot.errors",
    "bot.insights",
    "bot.markdown_html",
    "bot.models",
    "bot.program",
    "bot.ratings",
    "bot.safety",
    "bot.schedule",
    "bot.sendwindow",
    "bot.session_rules",
    "bot.subscription",
    "bot.texts",
    "bot.timeparse",
    "bot.typed",
    "bot.zones",
]
FORBIDDEN_IN_PURE = {"telegram", "sqlite3", "sqlite_utils"}


def module_path(name: str) -> Path:
    path = ROOT.joinpath(*name.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path) -> set[str]:
    """Every module a file imports when it runs, functions' lazy imports included; imports
    only for the type checker (`if TYPE_CHECKING:`) are left out."""
    inside = path.is_relative_to(ROOT)
    name = module_name(path) if inside else path.stem
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def reachable(start: str) -> dict[str, set[str]]:
    """The bot modules `start` pulls in, each with what it imports itself."""
    seen: dict[str, set[str]] = {}
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen or not module_path(name).exists():
            continue
        seen[name] = imports_of(module_path(name))
        parents = [".".join(name.split(".")[:i]) for i in range(2, name.count(".") + 1)]
        todo += [n for n in seen[name] | set(parents) if n.startswith("bot.") or n == "bot"]
    return seen


def test_the_rule_reader_sees_a_forbidden_import(tmp_path):
    """The reader must catch plain, from-, relative and lazy imports, or the rules can't fail."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import sqlite3\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import telegram.ext\n"
        "def later():\n    from telegram import Update\n",
        encoding="utf-8",
    )
    assert {"sqlite3", "telegram", "telegram.Update"} <= imports_of(sample)
    assert "telegram.ext" not in imports_of(sample)
    assert "bot.app" in imports_of(BOT / "runner.py")


@pytest.mark.parametrize("name", PURE)
def test_pure_modules_import_neither_telegram_nor_sqlite(name):
    broken = {
        module: sorted(i for i in imported if i.split(".")[0] in FORBIDDEN_IN_PURE)
        for module, imported in reachable(name).items()
    }
    assert {module: found for module, found in broken.items() if found} == {}


def test_importing_every_pure_module_loads_neither_telegram_nor_sqlite():
    """The same rule at run time, in a fresh interpreter: nothing a third-party import drags
    in either."""
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in PURE)
        + f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN_IN_PURE!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


HANDLERS = sorted((BOT / "flows").glob("*.py"))


@pytest.mark.parametrize("path", HANDLERS, ids=[path.stem for path in HANDLERS])
def test_handlers_never_import_the_app(path):
    """bot/app.py wires the handlers; a handler importing it back makes a cycle."""
    imported = imports_of(path)
    assert not {"bot.app", "bot.__main__"} & imported
    assert "app" not in {i.rsplit(".", 1)[-1] for i in imported if i.startswith("bot.")}


def test_every_module_named_pure_exists():
    assert [name for name in PURE if not module_path(name).exists()] == []


# Decorators that wrap a function and register it nowhere.
CACHES = {"functools.cache", "functools.lru_cache", "cache", "lru_cache"}


def registrations_at_import(path: Path) -> list[str]:
    """What a module does to other objects when it is imported: module-level calls made as
    statements (`HOOKS.append(f)`, `register(f)`) and decorators on module-level functions.
    Wiring belongs in build_application (DESIGN decision 8), so a flow must have none."""
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            found.append(f"{path.name}:{node.lineno} {ast.unparse(node.value)}")
        elif isinstance(node, ast.For):
            found.append(f"{path.name}:{node.lineno} a loop at import")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found += [
                f"{path.name}:{d.lineno} @{ast.unparse(d)}"
                for d in node.decorator_list
                if ast.unparse(d.func if isinstance(d, ast.Call) else d) not in CACHES
            ]
    return found


def test_the_registration_reader_sees_a_hook_and_a_decorator(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "HOOKS = []\nHOOKS.append(print)\n@sender.composer('x')\nasync def f(): ...\n",
        encoding="utf-8",
    )
    assert registrations_at_import(sample) == [
        "sample.py:2 HOOKS.append(print)",
        "sample.py:3 @sender.composer('x')",
    ]


@pytest.mark.parametrize(
    "path", [*HANDLERS, BOT / "sender.py"], ids=[*(p.stem for p in HANDLERS), "sender"]
)
def test_nothing_registers_itself_by_being_imported(path):
    assert registrations_at_import(path) == []


EMULATOR = sorted((ROOT / "emulator").glob("*.py"))


@pytest.mark.parametrize("path", EMULATOR, ids=[path.stem for path in EMULATOR])
def test_the_emulator_knows_nothing_of_the_bot(path):
    """The emulator plays Telegram: it answers any bot the same way, so it imports none."""
    assert sorted(i for i in imports_of(path) if i.split(".")[0] == "bot") == []


def test_only_the_demo_uses_the_emulator_at_run_time():
    """The running bot never depends on the test server; the demo ships it (pyproject)."""
    users = {
        module_name(path)
        for path in BOT.rglob("*.py")
        if any(i.split(".")[0] == "emulator" for i in imports_of(path))
    }
    assert users == {"bot.demo"}


def test_conftest_holds_fixtures_only():
    """What tests import by name lives in tests/harness.py, not in conftest.py."""
    tree = ast.parse((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    defined = [
        node for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    others = [
        ast.unparse(node).splitlines()[0]
        for node in tree.body
        if isinstance(node, ast.ClassDef | ast.Assign | ast.AnnAssign)
    ]
    not_fixtures = [
        node.name
        for node in defined
        if not any("pytest.fixture" in ast.unparse(d) for d in node.decorator_list)
    ]
    assert defined and not_fixtures == [] and others == []
