"""The persistent index: a changed archive answers as a fresh parse would, whichever files
changed, and only the changed files are parsed again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE, SEED_ID
from helpers import DAY, news

import newscli.store
from newscli import loader


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    copy = tmp_path / "archive"
    shutil.copytree(SAMPLE, copy)
    return copy


def answers(data: Path, *flags: str) -> list[str]:
    """What a user would compare: every event of the sample's years, the problems, a search."""
    results = [news(*flags, *args, data=data) for args in (
        ("show", "2006", "--json"), ("show", "2011", "--json"), ("show", "2015", "--json"),
        ("show", "2016", "--json"), ("show", "2017", "--json"), ("check", "--json"),
        ("search", "humala", "--json"), ("related", SEED_ID, "--json", "-n", "0"),
    )]
    return [r.stdout for r in results]


def fresh(data: Path) -> list[str]:
    return answers(data, "--no-cache")


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = loader.load_file

    def counting(path: Path, relpath: str) -> loader.LoadedFile:
        parsed.append(relpath)
        return real(path, relpath)

    monkeypatch.setattr(loader, "load_file", counting)
    return parsed


def test_a_current_cache_parses_nothing(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = answers(archive)
    parsed = count_parses(monkeypatch)
    assert answers(archive) == first
    assert parsed == []
    monkeypatch.undo()
    assert first == fresh(archive)


def test_an_edited_file_is_parsed_again_alone(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers(archive)
    seed = next((archive / DAY).glob("ollanta-humala-is-elected*.md"))
    seed.write_text(seed.read_text(encoding="utf-8").replace(
        "# Ollanta Humala is elected", "# Ollanta Humala wins and is elected"), encoding="utf-8")
    parsed = count_parses(monkeypatch)
    result = news("show", SEED_ID, "--json", data=archive)
    assert '"Ollanta Humala wins and is elected' in result.stdout
    assert parsed == [seed.relative_to(archive).as_posix()]
    monkeypatch.undo()
    assert answers(archive) == fresh(archive)


def test_added_removed_and_broken_files(archive: Path) -> None:
    answers(archive)
    day = archive / DAY
    (day / "zz-added.md").write_text(
        "### [2011-06-6](/news/2011/06/6/index.md)\n\n# Humala meets the press.\n", encoding="utf-8")
    (day / "zz-broken.md").write_bytes(b"\xff\xfe not text")
    removed = next((archive / "news/2011/06/5").glob("voters-in-peru*.md"))
    removed.unlink()  # the seed's first link now dangles
    incremental = answers(archive)
    assert incremental == fresh(archive)
    assert "zz-added" in incremental[1] and "zz-broken.md" in incremental[5]


def test_a_touched_file_keeps_its_problems(archive: Path) -> None:
    bad = archive / DAY / "bad-date.md"
    bad.write_text("---\ndate: banana\n---\n# A title\n", encoding="utf-8")
    answers(archive)
    other = next((archive / DAY).glob("ollanta-humala-is-elected*.md"))
    os.utime(other)  # changes the fingerprint, not the bad file
    check = news("check", data=archive)
    assert check.exit_code == 1
    assert "bad-date.md: error: frontmatter date is not a date" in check.stdout
    assert answers(archive) == fresh(archive)


def test_a_cache_of_another_format_is_not_reused(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers(archive)
    monkeypatch.setattr(newscli.store, "FORMAT", newscli.store.FORMAT + 1)
    parsed = count_parses(monkeypatch)
    news("show", "2011-06-06", data=archive)
    assert len(parsed) > 100  # everything parsed again


def test_a_link_to_a_removed_file_shows_its_own_text(archive: Path) -> None:
    target = next((archive / "news/2011/06/5").glob("voters-in-peru*.md"))
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("\ntitle: Voters in Peru", "\ntitle: EDITED Voters in Peru")
                      .replace("\n# Voters in Peru", "\n# EDITED Voters in Peru"), encoding="utf-8")
    linked = news("show", SEED_ID, "--json", data=archive).stdout
    assert '"EDITED Voters in Peru' in linked  # a found link shows the file's title
    target.unlink()
    after = news("show", SEED_ID, "--json", data=archive).stdout
    assert '"EDITED' not in after and '"Voters in Peru go to the polls' in after
    assert answers(archive) == fresh(archive)


def test_a_lost_word_index_is_written_again(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = news("search", "humala", "--json", data=archive).stdout
    words = list(newscli.store.cache_dir().glob("*.words"))
    assert words
    for path in words:
        path.unlink()
    assert news("search", "humala", "--json", data=archive).stdout == first
    parsed = count_parses(monkeypatch)
    assert news("search", "humala", "--json", data=archive).stdout == first
    assert parsed == []  # the second search found the word index in place
