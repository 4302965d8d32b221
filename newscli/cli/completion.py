"""What a shell completes on Tab: the parameter type whose values come from the archive's
index (query/complete.py), quoted for bash, and the archive of the line being completed."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from typer._click.shell_completion import CompletionItem
from typer._click.types import StringParamType

if TYPE_CHECKING:
    from newscli.query.complete import Kind


class Completed(StringParamType):
    """Text that a shell completes from the archive's index (complete.py): entity names,
    event ids, dates.  A parameter type rather than typer's `autocompletion`, which keeps
    only the values that open with the text exactly as typed: `olla` would not complete to
    `Ollanta Humala`, nor a value escaped for bash ever be given."""

    def __init__(self, kind: Kind) -> None:
        self.kind: Kind = kind

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
        from newscli.query.complete import candidates

        root = ctx.find_root()
        shell = os.environ.get(f"_{(root.info_name or 'news').replace('-', '_').upper()}_COMPLETE", "")
        values = candidates(self.kind, completion_data_dir(ctx), incomplete)
        return [CompletionItem(bash_word(v) if shell.endswith("_bash") else v) for v in values]


def plain_text(text: str) -> str:
    return text


def completion_data_dir(ctx: Any) -> Path:
    """The archive of the command line being completed: its -d (after the command name or
    before it), else NEWS_DATA_DIR, else the bundled sample."""
    from newscli.archive.location import default_data_dir

    while ctx is not None:
        value = ctx.params.get("data_dir")
        if value and value.strip():
            return Path(value).expanduser()
        ctx = ctx.parent
    return default_data_dir()


# bash inserts a completion as it is given (zsh and fish quote it themselves)
_BASH_SPECIAL = re.compile(r"""([\s'"\\$`!&;|<>()\[\]{}*?#~])""")


def bash_word(value: str) -> str:
    return _BASH_SPECIAL.sub(r"\\\1", value)
