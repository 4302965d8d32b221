"""The persistent index: an `Archive` saved in the user's cache directory.

A cache file is trusted only while every file of the archive has the size and mtime it
had when the cache was written (one `stat` per file, far cheaper than parsing them).
When some differ, only those files are parsed again: the others' events come from the
old cache, whose manifest lists every file with its size, mtime and problems.  A cache
file is written to a temporary file and renamed into place, so an interrupted run
(Ctrl-C while indexing) leaves the old cache or none, never a damaged one.  The archive
itself is only ever read.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import tempfile
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_cache_dir

from newscli import __version__
from newscli.files import FileEntry, ProgressCallback, archive_root, scan
from newscli.index import Archive, Strings, build_archive
from newscli.models import Problem
from newscli.textindex import TextIndex

if TYPE_CHECKING:
    from newscli.loader import LoadedFile

# Bump when the record layout changes; the package version is part of the key as well.
FORMAT = 6


def cache_dir() -> Path:
    override = os.environ.get("NEWS_CACHE_DIR")
    return Path(override) if override else Path(user_cache_dir("news", appauthor=False))


def open_archive(
    data_dir: Path, progress: ProgressCallback | None = None, use_cache: bool = True,
    rebuild: bool = False,
) -> Archive:
    """Load `data_dir` from the cache when it is current, else parse it and cache it.

    `rebuild` writes the cache again even when it is current (reusing every event).
    """
    root, folder = archive_root(data_dir)
    scan_problems: list[Problem] = []
    entries = list(scan(root, folder, scan_problems))
    fingerprint = _fingerprint(entries)
    cache_file = cache_dir() / f"{_key(folder)}.idx"
    words_file = cache_file.with_suffix(".words")
    reuse = None
    if use_cache:
        columns = None if rebuild else _read(cache_file, fingerprint)
        if columns is not None:
            archive = Archive.from_columns(columns)
            archive.text_index_loader = lambda: _read_text_index(words_file, fingerprint, data_dir)
            return archive
        reuse = _previous_files(cache_file, entries)
    from newscli.loader import load_entries  # parsing: not imported when the cache is current

    files = load_entries(root, entries, progress, reuse)
    manifest = _manifest(entries, files.problems)
    files.problems[:0] = scan_problems
    archive = build_archive(files)
    if use_cache:
        # the words first: an archive file in place promises its words file is current
        _write(words_file, fingerprint, archive.text_index.columns())
        _write(cache_file, fingerprint, archive.columns(), manifest)
    return archive


# -- what the last index knew of each file, so that an edit re-parses only what changed --

Manifest = tuple[str, tuple[bytes, bytes], bytes, bytes, tuple[bytes, bytes]]


def _manifest(entries: list[FileEntry], problems: list[Problem]) -> Manifest:
    """Every file's relpath, mtime, size and (as JSON) the loader's problems with it."""
    by_path: dict[str, list[list[str]]] = {}
    for problem in problems:
        by_path.setdefault(problem.path, []).append(
            [problem.severity, problem.problem, problem.detail])
    return (
        f"{FORMAT}|{__version__}",
        Strings.of(e.relpath for e in entries).packed(),
        array("q", [e.mtime_ns for e in entries]).tobytes(),
        array("q", [e.size for e in entries]).tobytes(),
        Strings.of(json.dumps(by_path[e.relpath]) if e.relpath in by_path else None
                   for e in entries).packed(),
    )


def _previous_files(
    cache_file: Path, entries: list[FileEntry]
) -> Callable[[FileEntry], LoadedFile | None] | None:
    """Answers, from the last cache of this archive, for the files unchanged since.

    A file whose links pointed at a file that has gone is parsed again too: a link's own
    text is kept only in the file (the cache holds the title of the file it found), and a
    link to nothing shows its own text.
    """
    try:
        with cache_file.open("rb") as handle:
            marshal.load(handle)  # the fingerprint, which no longer matches
            columns = marshal.load(handle)
            version, relpaths, mtimes, sizes, problems = marshal.load(handle)
        if version != f"{FORMAT}|{__version__}":
            return None
        previous = Archive.from_columns(columns)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    for column in (previous.ids, previous.titles, previous.entity_names):
        column.decoded()  # most events will be made again: decode each column once, not per use
    known = {relpath: i for i, relpath in enumerate(Strings(*relpaths))}
    stamps = array("q")
    stamps.frombytes(mtimes)
    lengths = array("q")
    lengths.frombytes(sizes)
    file_problems = Strings(*problems)
    numbers = {path: n for n, path in enumerate(previous.paths)}

    def unchanged(entry: FileEntry) -> bool:
        i = known.get(entry.relpath)
        return i is not None and entry.mtime_ns >= 0 and (stamps[i], lengths[i]) == (
            entry.mtime_ns, entry.size)

    kept = {entry.relpath for entry in entries if unchanged(entry)}
    present = {entry.relpath for entry in entries}
    gone_ids = {previous.ids[n] for path, n in numbers.items() if path not in present}
    from newscli.loader import LoadedFile

    def reuse(entry: FileEntry) -> LoadedFile | None:
        n = numbers.get(entry.relpath)
        if n is None or entry.relpath not in kept:
            return None  # new, changed, or gave no event (or a duplicate) last time: parse it
        event = previous.event(n)
        if any(link.found and link.id in gone_ids for link in event.related):
            return None
        i = known[entry.relpath]
        rows = json.loads(file_problems[i]) if file_problems[i] else []
        return LoadedFile(entry.relpath, event, tuple(Problem(entry.relpath, *row) for row in rows))

    return reuse


def _read_text_index(words_file: Path, fingerprint: str, data_dir: Path) -> TextIndex:
    """The word index that goes with a cached archive (read only by search and related)."""
    columns = _read(words_file, fingerprint)
    if columns is None:  # lost or unreadable since the archive was read: write both again
        return open_archive(data_dir, rebuild=True).text_index
    return TextIndex(*columns)


def _key(folder: Path) -> str:
    return hashlib.blake2b(os.fsencode(folder.resolve()), digest_size=10).hexdigest()


def _fingerprint(entries: list[FileEntry]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT}|{__version__}\n".encode())
    digest.update(
        "\n".join(f"{e.relpath}\0{e.mtime_ns}\0{e.size}" for e in entries).encode(
            "utf-8", "surrogatepass"
        )
    )
    return digest.hexdigest()


def _read(cache_file: Path, fingerprint: str) -> tuple[Any, ...] | None:
    try:
        with cache_file.open("rb") as handle:
            stored_fingerprint = marshal.load(handle)
            if stored_fingerprint != fingerprint:
                return None
            columns = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return None  # no cache yet, or one we cannot use: index again
    return columns if isinstance(columns, tuple) else None


def _write(cache_file: Path, fingerprint: str, *payloads: tuple[Any, ...]) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=cache_file.parent, prefix=".tmp-", suffix=".idx")
        try:
            with os.fdopen(fd, "wb") as handle:
                marshal.dump(fingerprint, handle)
                for payload in payloads:
                    marshal.dump(payload, handle)
            os.replace(temp, cache_file)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError:
        pass  # a read-only cache directory only costs speed
