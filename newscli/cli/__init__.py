"""The command line: the typer app and its options (declared once), then one module per
command group in commands/.  It parses arguments and delegates: no file I/O, no tables."""

from newscli.cli.app import app, main
from newscli.cli.commands import check, explore, maintenance, names, related, search, show  # noqa: F401  registers them

__all__ = ["app", "main"]
