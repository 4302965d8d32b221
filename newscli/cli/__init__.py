"""The command line: the typer app and its options (declared once), then one module per
command group in commands/, imported when its command runs.  It parses arguments and
delegates: no file I/O, no tables."""

from newscli.cli.app import app, main

__all__ = ["app", "main"]
