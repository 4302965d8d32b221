"""Event files into events: one file gives one event or the problems that kept it out.

Nothing here raises for a bad file; what is wrong is recorded as a `Problem` so that
the rest of the archive keeps working and `news check` can report it.  The file is read
here; its frontmatter (frontmatter.py) and its body (body.py) are parsed apart, and the
date and title chosen from both.  Day pages (`index.md`) give only the order of a day.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from dataclasses import dataclass

from newscli.archive.body import LIST_ITEM, choose_date, date_from_path, parse_body, split_link
from newscli.archive.frontmatter import extra_fields, meta_fields, split_frontmatter
from newscli.archive.listing import link_target
from newscli.archive.parts import Collector, normalise_space
from newscli.model.event import Event, Problem, make_id

# Past this size a file is reported and skipped rather than read into memory.
MAX_FILE_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class LoadedFile:
    """What one file gave: an event (possibly with problems noted) or only problems."""

    path: str
    event: Event | None
    problems: tuple[Problem, ...] = ()


def load_file(path: str, relpath: str) -> LoadedFile:
    """Read and parse one event file; never raises for what the file holds."""
    problems = Collector(relpath)
    text = read_text(path, problems)
    if text is None:
        return LoadedFile(relpath, None, tuple(problems.problems))
    return parse_event(text, relpath, problems)


_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


def read_text(path: str, problems: Collector) -> str | None:
    """The file's text, or None with the reason noted.  A symlink is not followed here (the
    listing hands over a symlink's target only when it lies inside the archive), and a
    named pipe is not waited on.  Plain os calls: a buffered file object cost as much as
    the read itself."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            problems.warning("symlink loop not followed", link_target(path))
        else:
            problems.error("cannot read file", exc.strerror or str(exc))
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block, /dev/zero never end
            problems.error("not a regular file", _file_kind(info.st_mode))
            return None
        if info.st_size > MAX_FILE_BYTES:
            problems.error("file too large", f"{info.st_size} bytes; the limit is {MAX_FILE_BYTES}")
            return None
        data = _read_all(fd, info.st_size)
    except OSError as exc:
        problems.error("cannot read file", exc.strerror or str(exc))
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        problems.error("file too large", f"over {MAX_FILE_BYTES} bytes")
        return None
    return decode(data, problems)


def _read_all(fd: int, size: int) -> bytes:
    """Everything up to the end (a file may grow while it is read), or a little past the limit."""
    data = os.read(fd, size + 1)
    if len(data) <= size:
        return data
    chunks = [data]
    total = len(data)
    while total <= MAX_FILE_BYTES:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def decode(data: bytes, problems: Collector) -> str | None:
    if not data.strip():
        problems.error("empty file")
        return None
    if b"\x00" in data:
        problems.error("not a text file", "it holds NUL bytes")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.error("not UTF-8", f"byte {exc.start}: {data[exc.start:exc.start + 1]!r}")
        return None


def _file_kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "not a file")


def parse_event(text: str, relpath: str, problems: Collector | None = None) -> LoadedFile:
    """Parse the text of one event file found at `relpath` (relative to the archive root)."""
    problems = problems or Collector(relpath)
    meta, body = split_frontmatter(text, problems)
    parsed = parse_body(body, problems)
    fields = meta_fields(meta, problems)

    title = fields.get("title") or parsed.title
    date = choose_date(fields.get("date"), parsed.date, date_from_path(relpath), problems)
    if not title:
        problems.error("no title", "no '# title' line and no title in the frontmatter")
    if date is None and not any(p.problem.endswith("date") for p in problems.problems):
        problems.error("no date", "no frontmatter date, heading date or YYYY/MM/D folder")
    if not title or date is None:
        return LoadedFile(relpath, None, tuple(problems.problems))

    event = Event(
        id=make_id(date, slug_of(relpath)),
        date=date,
        title=normalise_space(title),
        path=relpath,
        category=fields.get("category"),
        story=fields.get("story"),
        entities=tuple(_unique([*fields.get("entities", ()), *parsed.context_names])),
        sources=tuple(fields["sources"] if fields.get("sources") else parsed.sources),
        related=tuple(parsed.related),
        extra=extra_fields(meta, problems),
    )
    return LoadedFile(relpath, event, tuple(problems.problems))


def slug_of(relpath: str) -> str:
    name = relpath.rpartition("/")[2]
    return name[:-3] if name[-3:].lower() == ".md" else name


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for name in names:
        key = name.casefold()
        if name and key not in seen:
            seen.add(key)
            kept.append(name)
    return kept


# -- day pages --


def parse_day_page(text: str) -> list[str]:
    """The slugs a day page (`index.md`) lists, in its order."""
    slugs = []
    for line in text.splitlines():
        item = LIST_ITEM.match(line)
        link = split_link(item.group(1).rstrip()) if item else None
        if link:
            slugs.append(slug_of(link[1].partition("#")[0]))
    return slugs


def load_day_page(path: str, relpath: str) -> list[str]:
    """The slugs of a day page on disk; none when it cannot be read (it only orders events)."""
    problems = Collector(relpath)
    text = read_text(path, problems)
    return parse_day_page(text) if text is not None else []


if __name__ == "__main__":  # pragma: no cover - a quick look at one file
    for name in sys.argv[1:]:
        print(load_file(name, name))
