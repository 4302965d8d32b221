"""Helpers the test files share: running `news`, reading its output, writing event files.

tests/ has no __init__.py: pytest's default (prepend) import mode puts this folder on
sys.path, so the test modules import these with `from helpers import ...`.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from newscli.cli import app
from newscli.output.terminal import Terminal

EVENT_KEYS = {"id", "date", "title", "category", "story", "entities", "sources", "related", "path",
              "extra"}
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
DANGLING = "related link to no file in the archive"
DAY = "news/2011/06/6"
RUNNER = CliRunner()

# -- running news --


def news(*args: str, data: Path | None = None, **kwargs: Any) -> Result:
    """`news [--data-dir DATA] ARGS` through CliRunner; `kwargs` go to `CliRunner.invoke`."""
    argv = ["--data-dir", str(data), *args] if data is not None else list(args)
    return RUNNER.invoke(app, argv, **kwargs)


def run(*args: str) -> tuple[int, str, str]:
    """`news ARGS` in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    terminal = Terminal(out, err, stdout_is_tty=False, stderr_is_tty=False, width=100, color=False)
    with pytest.raises(SystemExit) as stop:
        app(list(args), obj=terminal, prog_name="news")
    return int(stop.value.code or 0), out.getvalue(), err.getvalue()


def command_names() -> set[str]:
    from newscli.cli.app import COMMANDS

    return set(COMMANDS)


# -- reading its output --


def as_json(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.stderr
    items = json.loads(result.stdout)
    assert isinstance(items, list)
    return items


def ids(result: Result) -> list[str]:
    return [item["id"] for item in as_json(result)]


def one_error_line(result: Result) -> str:
    """The whole of stderr, which must be a single `news: ...` line (and stdout empty)."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("news: ")
    assert result.stdout == ""
    return lines[0]


# -- reading an archive on disk --


def index_slugs(day_folder: Path) -> list[str]:
    """The slugs a day page lists, read here with a regex of our own."""
    text = (day_folder / "index.md").read_text(encoding="utf-8")
    return re.findall(r"^\d+\.\s+\[.*\]\(/news/[\d/]+/([^/)]+)\.md\)\s*$", text, re.MULTILINE)


def event_files(folder: Path) -> list[Path]:
    """The event files of a day, month or year folder (every .md file below it but day pages)."""
    return [p for p in folder.rglob("*.md") if p.name != "index.md"]


# -- writing an archive --

Link = tuple[str, str, Sequence[str]]  # (target id, link text, context names)


def write_event(
    root: Path, event_id: str, title: str, *, meta: Mapping[str, Any] | None = None,
    sources: Sequence[str] = (), links: Sequence[Link] = (),
) -> str:
    """One event file; `meta` (even empty) gives it frontmatter, else it is body-only."""
    day, slug = event_id.split("/")
    year, month, mday = (int(p) for p in day.split("-"))
    folder = root / "news" / f"{year:04d}" / f"{month:02d}" / str(mday)
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    if meta is not None:
        front = {"title": title, "date": day, **meta}
        lines += ["---", yaml.safe_dump(front, allow_unicode=True, sort_keys=False).strip(), "---"]
    lines += [f"### [{year}-{month:02d}-{mday}](/news/{year:04d}/{month:02d}/{mday}/index.md)", "",
              f"# {title} ", "", "", "### Source:", ""]
    lines += [f"{i}. {source}" for i, source in enumerate(sources, 1)]
    lines += ["", "### Related:", ""]
    for i, (target, text, context) in enumerate(links, 1):
        tday, tslug = target.split("/")
        ty, tm, td = (int(p) for p in tday.split("-"))
        tail = f" _Context: {', '.join(context)}_" if context else ""
        lines.append(f"{i}. [{text} ](/news/{ty:04d}/{tm:02d}/{td}/{tslug}.md){tail}")
    (folder / f"{slug}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return event_id
