"""The README's map of the code ("How it works") is the code: every module it names exists,
every module that exists is named, and the packages it layers are those `lint-imports`
holds in pyproject.toml."""

from __future__ import annotations

import re

import tomllib
from conftest import REPO

README = REPO / "README.md"
INDENT = 2  # spaces per level of the map


def the_map() -> list[str]:
    """The ```text block under "## How it works", a line per package and module."""
    section = README.read_text(encoding="utf-8").split("## How it works\n", 1)[1]
    block = re.search(r"```text\n(.*?)```", section, re.S)
    assert block, "README 'How it works' has no ```text map of the code"
    return block.group(1).splitlines()


def mapped_paths() -> set[str]:
    """Each line of the map as a path: its depth is its indent, its name the first word."""
    parents: list[str] = []
    paths = set()
    for line in the_map():
        depth = (len(line) - len(line.lstrip(" "))) // INDENT
        name = line.split()[0]
        parents[depth:] = [name.rstrip("/")]
        paths.add("/".join(parents) + ("/" if name.endswith("/") else ""))
    return paths


def modules_on_disk() -> set[str]:
    package = REPO / "newscli"
    found = set()
    for path in package.rglob("*.py"):
        relative = path.relative_to(REPO).as_posix()
        if "sample_data" in relative:
            continue
        found.add(relative if path.name != "__init__.py" else relative.removesuffix("__init__.py"))
    return found


def test_the_readme_map_names_every_module_and_only_those() -> None:
    mapped, on_disk = mapped_paths(), modules_on_disk()
    assert sorted(on_disk - mapped) == [], "modules the README's map leaves out"
    assert sorted(mapped - on_disk) == [], "modules the README's map names that do not exist"


def test_the_layers_lint_imports_holds_are_the_packages_of_the_map() -> None:
    with (REPO / "pyproject.toml").open("rb") as handle:
        contracts = tomllib.load(handle)["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers")
    layered = {name.strip() for layer in layers for name in layer.split("|")}
    children = {path.rstrip("/") for path in mapped_paths() if path.rstrip("/").count("/") == 1}
    top = {path.removesuffix(".py").replace("/", ".") for path in children}
    assert layered == top - {"newscli.__main__"}  # which only calls entry.main


def test_every_command_is_loaded_from_the_module_app_names() -> None:
    """Commands are imported lazily (app.py's COMMANDS): each name there must come from its
    module, and every command a module registers must be named there (or --help hides it)."""
    import importlib

    import typer

    from newscli.cli.app import COMMANDS, app

    group = typer.main.get_group(app)
    for name in COMMANDS:
        command = group.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.name == name, name
    for module in set(COMMANDS.values()):
        importlib.import_module(f"newscli.cli.commands.{module}")
    registered = {typer.main.get_command_from_info(info, pretty_exceptions_short=True,
                                                   rich_markup_mode=None).name
                  for info in app.registered_commands}
    assert registered == set(COMMANDS)
