"""Where the archive is: the folder a user names, the root that holds `news/`, and the
bundled sample when none is named.

Refuses the root of the file system and the home directory (walking either would read the
whole machine) unless they hold `news/`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from newscli.errors import BadInput
from newscli.model.words import no_surrogates


def archive_root(data_dir: Path) -> tuple[Path, Path]:
    """(root, folder to walk): the root is the folder that holds `news/` when there is one.

    The root of the file system and the home directory are refused unless they hold a
    `news/` folder: walking either would read the whole machine.
    """
    shown = no_surrogates(str(data_dir))
    try:
        info = data_dir.stat()
    except FileNotFoundError:
        raise BadInput(f"data directory not found: {shown}") from None
    except OSError as exc:
        raise BadInput(f"cannot open data directory {shown}: {exc.strerror}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise BadInput(f"data directory is not a directory: {shown}")
    if not os.access(data_dir, os.R_OK | os.X_OK):
        raise BadInput(f"cannot read data directory: {shown}")
    if (data_dir / "news").is_dir():
        return data_dir, data_dir / "news"
    if data_dir.name == "news":
        return data_dir.parent, data_dir
    if _is_too_wide(data_dir):
        raise BadInput(f"refusing to read all of {shown} as an archive: give the "
                       "folder that holds news/ (or put the archive in a news/ folder there)")
    return data_dir, data_dir


def _is_too_wide(folder: Path) -> bool:
    resolved = folder.resolve()
    return resolved == Path(resolved.anchor) or resolved == Path.home().resolve()


def default_data_dir() -> Path:
    """The bundled sample: inside the installed package, or beside it in a source checkout."""
    package = Path(__file__).resolve().parent.parent  # newscli/, above archive/
    bundled = package / "sample_data"
    return bundled if bundled.is_dir() else package.parent / "sample_data"

