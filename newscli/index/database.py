"""The index's SQLite database: where it lives, and opening it safely.

One database per archive in the user cache directory (`NEWS_CACHE_DIR` overrides it), in
WAL mode: a refresh is one write transaction, so a reader always sees a whole index and
a run killed while writing leaves the previous one.  A database that cannot be opened,
has another schema version or belongs to another archive is replaced, with one line on
stderr; anything that is not a plain file where the database should be is never opened.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from newscli import stopping
from newscli.archive.location import archive_root
from newscli.errors import BadInput
from newscli.index import schema

# How long a run waits for another run's write before answering from what it parses itself.
BUSY_SECONDS = 3.0

Notify = Callable[[str], None]
T = TypeVar("T")


def cache_dir() -> Path:
    override = os.environ.get("NEWS_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("news", appauthor=False))


def database_path(folder: Path) -> Path:
    """Where the index of the archive in `folder` lives: one file per archive folder."""
    key = hashlib.blake2b(os.fsencode(folder.resolve()), digest_size=10).hexdigest()
    return cache_dir() / f"{key}.db"


class Damaged(Exception):
    """The database cannot be used as it is; it is replaced."""


@dataclass
class Database:
    connection: sqlite3.Connection
    path: Path | None  # None: in memory (--no-cache, or no usable cache directory)
    # a first index is built in this file, with no journal, and put in place when whole
    building: Path | None = None

    def meta(self, key: str) -> Any:
        row = self.connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, **values: object) -> None:
        self.connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    def begin(self, immediate: bool = False) -> None:
        self.connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")

    def end(self) -> None:
        if self.connection.in_transaction:
            self.connection.execute("COMMIT")

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.connection.close()


def open_database(folder: Path, use_cache: bool, notify: Notify) -> Database:
    """The archive's database, made ready; an in-memory one when there is no usable cache."""
    if not use_cache:
        return _memory()
    path = database_path(folder)
    if not _prepare_place(path, notify):
        return _memory()
    if not path.exists():
        try:
            return _first_build(path, folder)
        except (OSError, sqlite3.Error) as exc:
            raise_if_interrupted(exc)  # else a folder we may not write in: the usual way says so
    for attempt in (1, 2):
        try:
            database = _connect(path)
            _check(database, folder)
            return database
        except (sqlite3.DatabaseError, Damaged) as exc:
            raise_if_interrupted(exc)
            if is_busy(exc) or _is_read_only(exc):
                return _memory()  # another run holds it, or we may not write: answer anyway
            if attempt == 2:
                notify(f"cannot use the index at {path} ({exc}); working without it")
                return _memory()
            notify(f"the index at {path} could not be used ({exc}); rebuilding it")
            remove_database(path)
    raise AssertionError("unreachable")  # pragma: no cover


def open_read_only(folder: Path) -> sqlite3.Connection | None:
    """The archive's index as it stands, for a quick look (shell completion): never created,
    refreshed or written, and None when there is none yet or it cannot be opened now.  Its
    schema version is not read: a lookup in `meta` reads the whole listing kept there (17 MB
    on the public archive, 10-20 ms), and a question an older schema cannot answer fails as
    one the index is too busy for.

    A database the last run closed has no -wal or -shm file beside it: it is opened
    `immutable`, which creates neither (a plain read-only opening of a WAL database would).
    While a run has it open, both are there and it is read through them, as any reader does;
    one without the other is left alone.
    """
    path = database_path(folder).absolute()
    try:
        if not only_files(path):  # none yet, or a named pipe that would block
            return None
        wal, shm = (os.path.lexists(place) for place in companions(path)[:2])
    except (OSError, ValueError):
        return None
    if wal != shm:
        return None
    options = "mode=ro" if wal else "mode=ro&immutable=1"
    try:
        return sqlite3.connect(f"{path.as_uri()}?{options}", uri=True, timeout=0.2,
                               check_same_thread=False)
    except (sqlite3.Error, ValueError):
        return None


def peek(data_dir: Path, question: Callable[[sqlite3.Connection], T]) -> T | None:
    """Ask the archive's index as it stands, without listing the archive or refreshing the
    index, and without creating or writing anything (shell completion, on every Tab): None
    when there is no index to ask yet, or it cannot be read now."""
    try:
        folder = archive_root(data_dir)[1]
    except BadInput:
        return None
    connection = open_read_only(folder)
    if connection is None:
        return None
    try:
        return question(connection)
    except sqlite3.Error:  # busy, or damaged: the next command that reads it repairs it
        return None
    finally:
        connection.close()


def _first_build(path: Path, folder: Path) -> Database:
    """A database for the first index of an archive, in a file of its own: written with no
    journal (the WAL doubled the writes of a first build) and put in place by `publish`."""
    building = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    remove_database(building)
    connection = sqlite3.connect(building, isolation_level=None, check_same_thread=False)
    try:
        _tune(connection)
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA cache_size = -262144")  # 256 MB while the indexes are built
        connection.executescript(schema.TABLES)
        database = Database(connection, path, building)
        database.set_meta(schema=schema.SCHEMA_VERSION, archive=archive_text(folder))
    except BaseException:
        connection.close()
        remove_database(building)
        raise
    return database


def publish(database: Database, folder: Path, notify: Notify) -> Database:
    """Put a first build in place, unless another run put one there first, and open it."""
    assert database.building is not None and database.path is not None
    connection = database.connection
    connection.execute("PRAGMA journal_mode = WAL")  # kept in the file: every later opening uses it
    connection.close()
    try:
        os.link(database.building, database.path)  # only where there is none yet
    except FileExistsError:
        pass  # another run finished first: its index is used (and refreshed if need be)
    except OSError:
        if not database.path.exists():
            os.replace(database.building, database.path)
    remove_database(database.building)
    return open_database(folder, True, notify)


def discard(database: Database) -> None:
    database.close()
    if database.building is not None:
        remove_database(database.building)


def _memory() -> Database:
    connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    _tune(connection)
    connection.executescript(schema.TABLES)
    return Database(connection, None)


def _connect(path: Path) -> Database:
    connection = sqlite3.connect(path, isolation_level=None, timeout=BUSY_SECONDS,
                                 check_same_thread=False)
    try:
        _tune(connection)
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode = WAL")
        if not connection.execute("SELECT 1 FROM sqlite_schema WHERE name = 'meta'").fetchone():
            connection.executescript(schema.TABLES)
    except BaseException:
        connection.close()
        raise
    return Database(connection, path)


# SQLite statements are polled this often (in VM steps, about a millisecond's worth).
POLL_STEPS = 100_000


def _tune(connection: sqlite3.Connection) -> None:
    let_signals_in(connection)
    # NORMAL is durable enough for a cache in WAL mode: a crash loses at most the last
    # refresh, never the database
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA cache_size = -65536")  # 64 MB
    connection.execute("PRAGMA temp_store = MEMORY")


def _check(database: Database, folder: Path) -> None:
    """A cheap sanity check: our schema version, the same archive, the tables in place."""
    version = database.meta("schema")
    if version is None:
        if database.connection.execute("SELECT count(*) FROM files").fetchone()[0]:
            raise Damaged("it has no schema version")
        with _write(database):
            database.set_meta(schema=schema.SCHEMA_VERSION, archive=archive_text(folder))
        return
    if version != schema.SCHEMA_VERSION:
        raise Damaged(f"it has schema version {version}, not {schema.SCHEMA_VERSION}")
    archive = database.meta("archive")
    if archive != archive_text(folder):
        raise Damaged(f"it belongs to another archive ({archive})")


def archive_text(folder: Path) -> str:
    """The archive's folder as the database keeps it (undecodable bytes escaped)."""
    return os.fsencode(folder.resolve()).decode("utf-8", "backslashreplace")


@contextlib.contextmanager
def _write(database: Database) -> Iterator[None]:
    database.begin(immediate=True)
    try:
        yield
    except BaseException:
        database.connection.execute("ROLLBACK")
        raise
    database.end()


def let_signals_in(connection: sqlite3.Connection) -> None:
    """Let Ctrl-C and SIGTERM stop a long statement (deleting a 1.2 s FTS table, building
    an index): Python runs a signal's handler only between its own instructions, so a
    statement is made to call back into Python every POLL_STEPS.  The handler raises
    KeyboardInterrupt there (or in one of our SQL functions); sqlite3 swallows it and fails
    the statement, which `raise_if_interrupted` turns back into KeyboardInterrupt."""
    connection.set_progress_handler(_poll, POLL_STEPS)


def _poll() -> bool:
    return False  # the pending signal's handler runs as this is called, and raises


def raise_if_interrupted(exc: BaseException) -> None:
    """An SQLite error once a signal asked us to stop is that stop (see `let_signals_in`),
    not a damaged database: it stops the work as KeyboardInterrupt."""
    if isinstance(exc, sqlite3.Error) and stopping.requested_by is not None:
        raise KeyboardInterrupt from None


def is_busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


def _is_read_only(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and (
        "readonly" in str(exc) or "unable to open" in str(exc))


def _prepare_place(path: Path, notify: Notify) -> bool:
    """Whether the database may be opened at `path`: the folder exists, and nothing there
    (the database or its -wal, -shm and -journal files) is anything but a plain file.
    Something else in its place (a named pipe would block forever) is removed when it can be."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    for place in (path, *companions(path)):
        try:
            info = place.lstat()
        except FileNotFoundError:
            continue
        except OSError:
            return False
        if stat.S_ISREG(info.st_mode):
            continue
        try:
            place.unlink()
            notify(f"removed {place}: it was not a database file")
        except OSError:
            notify(f"cannot use the index at {path}: {place} is not a file; working without it")
            return False
    _remove_leftovers(path.parent)
    return True


def companions(path: Path) -> tuple[Path, ...]:
    """The files SQLite keeps beside the database.  A -journal is never written in WAL mode,
    but SQLite reads one it finds before it knows the mode: a named pipe there would block."""
    return tuple(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))


def remove_database(path: Path) -> bool:
    """Remove the database and its companions; whether none is left (a folder is not removed)."""
    removed = True
    for place in (path, *companions(path)):
        try:
            place.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            removed = False
    return removed


# The cache of versions before the database: marshal files, and their temporary files.
_OLD_CACHE = re.compile(r"[0-9a-f]{20}\.(?:idx|words)|\.tmp-.*\.idx")
# A first build in progress: the database's name, the pid of its run, .tmp
_BUILDING = re.compile(r"[0-9a-f]{20}\.db\.(\d+)\.tmp(?:-wal|-shm|-journal)?")


def _remove_leftovers(folder: Path) -> None:
    """Cache files of earlier versions of news, and temporary files a killed run left."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        building = _BUILDING.fullmatch(name)
        if _OLD_CACHE.fullmatch(name) or (building and not _alive(int(building.group(1)))):
            with contextlib.suppress(OSError):
                (folder / name).unlink()


def _alive(pid: int) -> bool:
    """Whether a run with this pid may still be building (a killed one left its file)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process, or no way to tell: leave its file
    return True


def only_files(path: Path) -> bool:
    """Whether the database is a plain file, and its -wal, -shm and -journal are too or absent."""
    for place in (path, *companions(path)):
        try:
            info = place.lstat()
        except FileNotFoundError:
            if place == path:
                return False
            continue
        if not stat.S_ISREG(info.st_mode):
            return False
    return True
