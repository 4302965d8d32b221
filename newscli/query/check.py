"""`news check`: every problem of the archive, one per line, and whether any is an error.

The listing reports what is wrong with a folder or a symlink, the parser what is wrong
with each file (kept in the index with the file), the index the files whose id another
file gives already; dangling related links are found here, by resolving every link.
"""

from __future__ import annotations

from newscli.index.reader import Index
from newscli.model.results import CheckReport


def check(index: Index, verbose: bool = False) -> CheckReport:
    """The archive's problems grouped by file (in the order each file's were found)."""
    problems = [*index.problems(), *index.dangling_links()]
    problems.sort(key=lambda p: p.path)  # stable: a file's problems keep their order
    return CheckReport(problems, files_checked(index), verbose)


def files_checked(index: Index) -> int:
    """Event files read: each gave an event, or was skipped (duplicates included)."""
    return len(index) + index.skipped
