"""`news check`: every problem of the archive, one per line, and whether any is an error.

The loader records what is wrong with each file (and the scan what is wrong with a
folder or a symlink), the index adds duplicate ids; all of them travel through the cache
as problem rows, so a check from the cache reports the same as a fresh parse.  Dangling
related links are found here, from the resolved links the index keeps.
"""

from __future__ import annotations

from newscli.index import Archive
from newscli.results import CheckReport


def check(archive: Archive, verbose: bool = False) -> CheckReport:
    """The archive's problems grouped by file (in the order each file's were found)."""
    problems = [*archive.problems, *archive.dangling_links()]
    problems.sort(key=lambda p: p.path)  # stable: a file's problems keep their order
    return CheckReport(problems, files_checked(archive), verbose)


def files_checked(archive: Archive) -> int:
    """Event files read: each gave an event, or was skipped (duplicates included)."""
    return len(archive) + archive.skipped
