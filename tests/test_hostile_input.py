"""Hostile and broken input (issue 8): one bad file never stops the rest.

Three families, each through the command line on a small archive:

- values that are not plain JSON (keys that are dates, numbers, booleans, null or lists;
  nesting a thousand deep in any field; NaN and infinities; sets, binary, timestamps;
  aliases and alias bombs; numbers too large for a float or for `str`): every command
  answers with a README exit code, the good events still answer, `check` names the file,
  and the bad event keeps what could be read;
- the archive is the boundary: a symlink out of it is not read, the file-system root and
  the home directory are refused as data directories unless they hold `news/`, and an
  unreadable folder counts as skipped;
- the cache's place: whatever sits where the database or its companions go (a named pipe,
  a folder, a link to /dev/zero, a dangling link) is replaced or avoided, never waited on.

The hypothesis strategies for the first family are in test_robustness.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from helpers import DAY, IS_ROOT, run, write_event

from newscli.archive import location
from newscli.index import database as db
from newscli.index import store

GOOD = ("2011-06-06/peru-holds-a-runoff", "2011-06-05/peru-goes-to-the-polls")
BAD_ID = "2011-06-06/bad-event"
BAD_TITLE = "The bad event keeps its title"
ESC = "\x1b"


def good_archive(root: Path) -> Path:
    write_event(root, GOOD[0], "Peru holds a runoff", meta={"entities": ["Peru", "Ollanta Humala"]})
    write_event(root, GOOD[1], "Peru goes to the polls", meta={"entities": ["Peru"]},
                links=[(GOOD[0], "Peru holds a runoff", ["Peru"])])
    return root


def strict_json(text: str) -> Any:
    """JSON as a strict parser reads it: NaN and Infinity are refused."""
    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def block(depth: int, leaf: str = "x", mapping: bool = False) -> str:
    """A block-style value `depth` levels deep, from the next line on."""
    step = "k:" if mapping else "-"
    return "".join(f"\n{'  ' * n}{step}" for n in range(1, depth + 1)) + f" {leaf}"


# -- values that are not plain JSON --

BIG = "9" * 5_000  # past float's range and past the 4,300 digits str() writes
# name -> (frontmatter, a problem `check` reports, whether the frontmatter was read at all)
SHAPES: dict[str, tuple[str, str, bool]] = {
    "keys-of-every-kind": (
        'history: {2011-06-05: x, 7: y, 1.5: f, true: z, null: n, .nan: m, [a, b]: l, {k: v}: o,'
        ' "\\e]52;c;aGVsbG8=\\a": clip}',
        "key '2011-06-05' is not text", True),
    "top-level-keys-of-every-kind": ("2011-06-05: x\n7: y\ntrue: z\n~: n\n? [a, [b]]\n: l",
                                     "key '7' is not text", True),
    "deep-title": ("title:" + block(1_000), "frontmatter title has the wrong type", True),
    "deep-entities": ("entities:" + block(1_000, mapping=True), "frontmatter entities has the wrong type",
                      True),
    "deep-entity": ("entities: [Peru, " + "[" * 200 + "x" + "]" * 200 + "]",
                    "frontmatter entity has the wrong type", True),
    "deep-sources": ("sources:" + block(1_000), "frontmatter source has the wrong type", True),
    "deep-source-name": ("sources:\n  - name:" + block(1_000).replace("\n", "\n    ") + "\n    url: http://x.org/",
                         "frontmatter source has the wrong type", True),
    "deep-extra": ("notes:" + block(1_000, mapping=True), "nested more than 20 levels deep", True),
    "deep-key": ("notes:\n  ? " + block(1_000).replace("\n", "\n  ").lstrip() + "\n  : v",
                 "is not text; kept as text", True),
    "deep-date": ("date:" + block(1_000), "frontmatter date is not a date", True),
    "deep-flow": ("notes: " + "[" * 1_000 + "]" * 1_000, "frontmatter is not valid YAML", False),
    "not-finite": ("score: .nan\nhigh: .inf\nlow: -.inf\nfar: 1e400\ncategory: .nan\nentities: [.inf, Peru]",
                   "nan is not a finite number", True),
    "huge-numbers": (f"big: {BIG}\nwide: {'9' * 400}\nhex: 0x{'f' * 40}\ncategory: {BIG}\nentities: [{BIG}]",
                     "too large a number", True),
    "alias-bomb": ("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
                   + "".join(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 10))
                   + "bomb: *a9", "frontmatter is not valid YAML", False),
}
COMMANDS = [
    ["show", "2011-06-06"], ["show", "2011-06-06", "--json"], ["show", "2011-06-06", "--jsonl"],
    ["show", "2011-06-06", "--format", "csv"], ["show", "2011", "--json"], ["show", BAD_ID],
    ["show", BAD_ID, "--json"], ["show", "bad-event", "--jsonl"], ["search", "keeps title"],
    ["search", "peru", "--json"], ["search", "--from", "2011-06-01", "--format", "csv"],
    ["related", "Peru"], ["related", "Peru", "--json"], ["related", GOOD[0]], ["related", GOOD[1], "--jsonl"],
    ["check"], ["check", "--json"], ["check", "--jsonl"], ["index"],
]


def every_command(root: Path, *flags: str) -> dict[str, tuple[int, str, str]]:
    """`news FLAGS -d ROOT COMMAND` for every command: each exits 0, 1 or 2 with no traceback
    and none of the archive's escapes; JSON is strict JSON."""
    answers = {}
    for command in COMMANDS:
        status, out, err = run(*flags, "-d", str(root), *command)
        assert status in (0, 1, 2), (command, status, err)
        assert "Traceback" not in out + err, command
        assert ESC not in out + err and "\x9b" not in out + err, command
        for line in err.splitlines():
            assert line.startswith(("news: ", "candidates:", "did you mean:", "  ")), (command, line)
        if "--json" in command and out:
            strict_json(out)
        if "--jsonl" in command:
            for line in out.splitlines():
                strict_json(line)
        answers[" ".join(command)] = (status, out, err)
    return answers


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_file_of_each_hostile_shape_stops_nothing(tmp_path: Path, shape: str) -> None:
    frontmatter, problem, read = SHAPES[shape]
    root = good_archive(tmp_path / "archive")
    bad = root / DAY / "bad-event.md"
    bad.write_text(f"---\nstory: The story is kept\n{frontmatter}\n---\n"
                   f"### [2011-06-6](/news/2011/06/6/index.md)\n\n# {BAD_TITLE}\n\n### Source:\n\n"
                   "1. [Reuters](http://reuters.com/a)\n", encoding="utf-8")
    answers = every_command(root)

    # every query answers, with the good events and what could be read of the bad one
    for command, (status, _, err) in answers.items():
        if not command.startswith("check"):
            assert status == 0, (command, err)
    day = [item["id"] for item in strict_json(answers["show 2011-06-06 --json"][1])]
    assert GOOD[0] in day and BAD_ID in day
    assert {item["id"] for item in strict_json(answers["search peru --json"][1])} >= set(GOOD)
    assert set(GOOD) <= {item["id"] for item in strict_json(answers["related Peru --json"][1])}
    event = strict_json(answers[f"show {BAD_ID} --json"][1])
    assert event["title"] == BAD_TITLE
    assert event["sources"] == [{"name": "Reuters", "url": "http://reuters.com/a", "domain": "reuters.com"}]
    assert event["story"] == ("The story is kept" if read else None)
    assert BAD_TITLE in answers["search keeps title"][1]
    status, out, _ = run("--no-cache", "-d", str(root), "show", BAD_ID, "--json")  # parsed, not cached
    assert status == 0 and strict_json(out) == event

    # check names the file, and only the file, with the problem; errors exit 1, warnings 0
    status, out, _ = answers["check"]
    assert out and all(line.startswith(f"{DAY}/bad-event.md: ") for line in out.splitlines()), out
    assert problem in out
    assert status == (1 if ": error: " in out else 0)
    problems = strict_json(answers["check --json"][1])
    assert {p["path"] for p in problems} == {f"{DAY}/bad-event.md"}


def test_sets_binary_times_and_aliases_become_plain_json(tmp_path: Path) -> None:
    """What converts without loss is kept, as JSON says it, and is no problem."""
    root = good_archive(tmp_path / "archive")
    (root / DAY / "bad-event.md").write_text(
        "---\ntags: !!set {b, a}\nblob: !!binary aGk=\nwhen: 2011-06-06T10:00:00Z\nday: 2011-06-07\n"
        "at: 10:00:00\nbase: &a {k: [1, 2]}\ncopy: *a\nmerged: {<<: *a, z: 1}\n---\n"
        f"# {BAD_TITLE}\n", encoding="utf-8")
    answers = every_command(root)
    event = strict_json(answers[f"show {BAD_ID} --json"][1])
    assert event["extra"] == {
        "tags": ["a", "b"], "blob": "aGk=", "when": "2011-06-06T10:00:00+00:00", "day": "2011-06-07",
        "at": "10:00:00", "base": {"k": [1, 2]}, "copy": {"k": [1, 2]},
        "merged": {"<<": {"k": [1, 2]}, "z": 1},  # yaml-rs keeps a merge key as a key
    }
    assert answers["check"][:2] == (0, "")


def test_a_number_in_a_text_field_is_text_unless_it_is_not_finite(tmp_path: Path) -> None:
    root = good_archive(tmp_path / "archive")
    (root / DAY / "bad-event.md").write_text(
        f"---\ncategory: {'9' * 400}\nstory: 1984\nentities: [7, .inf, {BIG}, Peru]\n---\n# {BAD_TITLE}\n",
        encoding="utf-8")
    answers = every_command(root)
    event = strict_json(answers[f"show {BAD_ID} --json"][1])
    assert (event["category"], event["story"]) == ("9" * 400, "1984")
    assert event["entities"] == ["7", "Peru"]
    status, out, _ = answers["check"]
    assert status == 1
    assert f"{DAY}/bad-event.md: error: frontmatter entity has the wrong type (inf)" in out
    assert f"{DAY}/bad-event.md: error: frontmatter entity has the wrong type (a number of 16610 bits)" in out


# -- the archive is the boundary --


def outside_file(tmp_path: Path) -> Path:
    secret = tmp_path / "elsewhere" / "secret.md"
    secret.parent.mkdir(parents=True)
    secret.write_text("---\nentities: [Peru]\n---\n# Outsidersecret words never shown\n", encoding="utf-8")
    return secret


@pytest.mark.parametrize("how", ["absolute", "relative", "chain", "sibling-with-the-same-prefix"])
def test_a_symlink_out_of_the_archive_is_not_read(tmp_path: Path, how: str) -> None:
    root = good_archive(tmp_path / "archive")
    secret = outside_file(tmp_path)
    leak = root / DAY / "leak.md"
    if how == "absolute":
        leak.symlink_to(secret)
    elif how == "relative":
        leak.symlink_to(os.path.relpath(secret, leak.parent))
    elif how == "chain":  # a link to a link inside the archive (not in news/), which leads out
        (root / "hop.md").symlink_to(secret)
        leak.symlink_to("../../../../hop.md")
    else:  # /tmp/x/archive-copy is not inside /tmp/x/archive
        sibling = tmp_path / "archive-copy" / "secret.md"
        sibling.parent.mkdir()
        sibling.write_text(secret.read_text(encoding="utf-8"), encoding="utf-8")
        leak.symlink_to(sibling)
    answers = every_command(root)
    assert run("-d", str(root), "show", "leak", "--json")[:2] == (1, "null\n")
    shown = "".join(out + err for _, out, err in answers.values())
    assert "Outsidersecret" not in shown and "outsidersecret" not in shown
    assert "2011-06-06/leak" not in answers["show 2011-06-06"][1]
    assert "1 file skipped; run news check" in answers["show 2011-06-06"][2]
    status, out, _ = answers["check"]
    assert status == 0  # a warning
    assert f"{DAY}/leak.md: warning: symlink out of the archive not followed (" in out
    # and the cache never kept it
    status, out, _ = run("-d", str(root), "search", "outsidersecret")
    assert (status, out) == (1, "")


def test_a_symlink_to_a_file_inside_the_archive_is_read(tmp_path: Path) -> None:
    root = good_archive(tmp_path / "archive")
    drafts = root / "drafts"  # inside the archive root, outside news/
    drafts.mkdir()
    (drafts / "draft.txt").write_text("# A linked draft is read\n", encoding="utf-8")
    (root / DAY / "linked.md").symlink_to("../../../../drafts/draft.txt")
    answers = every_command(root)
    day = [item["id"] for item in strict_json(answers["show 2011-06-06 --json"][1])]
    assert day.count("2011-06-06/linked") == 1
    status, out, _ = run("-d", str(root), "show", "2011-06-06/linked", "--json")
    assert status == 0
    assert strict_json(out)["title"] == "A linked draft is read"
    assert answers["check"][:2] == (0, "")
    assert "skipped" not in answers["show 2011-06-06"][2]


def refused(args: list[str], monkeypatch: pytest.MonkeyPatch) -> str:
    """`news ARGS` exits 2 with one line, before any folder is walked."""
    def no_walk(*given: object) -> None:
        raise AssertionError("the folder was walked")

    monkeypatch.setattr(store, "walk", no_walk)
    status, out, err = run(*args)
    assert (status, out) == (2, ""), err
    assert len(err.splitlines()) == 1 and err.startswith("news: refusing to read all of "), err
    return err


@pytest.mark.skipif(Path("/news").is_dir(), reason="this machine's root holds news/: it is an archive")
@pytest.mark.parametrize("command", [["show", "2011"], ["check"], ["search", "peru"], ["related", "Peru"],
                                     ["index"]])
def test_the_file_system_root_is_refused(monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    refused(["-d", "/", *command], monkeypatch)
    refused(["-d", "//.", *command], monkeypatch)
    monkeypatch.setenv("NEWS_DATA_DIR", "/")
    refused(command, monkeypatch)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home directory of the test's own, with events in a folder of it."""
    home = tmp_path / "home"
    write_event(home / "notes", "2011-06-06/a-note", "A note in the home directory")
    monkeypatch.setenv("HOME", str(home))
    assert Path.home() == home
    return home


def test_the_home_directory_is_refused(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refused(["-d", str(home), "show", "2011-06-06"], monkeypatch)
    refused(["-d", f"{home}/.", "check"], monkeypatch)
    (tmp_path / "link-to-home").symlink_to(home)
    refused(["-d", str(tmp_path / "link-to-home"), "show", "2011"], monkeypatch)
    monkeypatch.setenv("NEWS_DATA_DIR", str(home))
    refused(["show", "2011"], monkeypatch)


def test_the_home_directory_is_an_archive_when_it_holds_news(home: Path) -> None:
    # a folder below home is an archive like any other; home itself is one once it holds news/
    status, out, _ = run("-d", str(home / "notes"), "show", "2011-06-06")
    assert status == 0 and "a-note" in out
    write_event(home, "2011-06-06/in-home-news", "An event in home's news folder")
    status, out, err = run("-d", str(home), "show", "2011-06-06")
    assert status == 0, err
    assert "in-home-news" in out and "a-note" not in out  # only news/ is read


def unreadable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """As if `folder` could not be opened (root opens any folder: chmod proves nothing)."""
    real_open = os.open

    def os_open(path: Any, *args: Any, **kwargs: Any) -> int:
        if os.fspath(path) == str(folder):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)


@pytest.mark.parametrize("cached", [True, False], ids=["cached", "no-cache"])
def test_an_unreadable_folder_counts_as_skipped_simulated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    root = good_archive(tmp_path / "archive")
    flags = () if cached else ("--no-cache",)
    run(*flags, "-d", str(root), "show", "2011")  # the index knew the folder's events before
    unreadable(monkeypatch, root / DAY)
    assert_folder_skipped(root, flags)


@pytest.mark.skipif(IS_ROOT, reason="root reads a chmod 000 folder; the simulated test covers it")
def test_an_unreadable_folder_counts_as_skipped(tmp_path: Path) -> None:
    root = good_archive(tmp_path / "archive")
    (root / DAY).chmod(0)
    try:
        assert_folder_skipped(root, ())
    finally:
        (root / DAY).chmod(0o755)


def assert_folder_skipped(root: Path, flags: tuple[str, ...]) -> None:
    status, out, err = run(*flags, "-d", str(root), "show", "2011-06-06")
    assert (status, out) == (1, "")
    assert err.splitlines() == ["news: 1 file skipped; run news check",
                                f"news: no events on 2011-06-06 in {root}"]
    status, out, err = run(*flags, "-d", str(root), "show", "2011-06-05", "--json")
    assert status == 0
    assert [item["id"] for item in strict_json(out)] == [GOOD[1]]
    assert "1 file skipped; run news check" in err
    status, out, _ = run(*flags, "-d", str(root), "check")
    assert status == 1
    assert f"{DAY}: error: cannot read folder (Permission denied)" in out.splitlines()


# -- the cache's place --


def _news(root: Path, *args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    """`news -d ROOT ARGS` in a process of its own, which must not block."""
    env = {**os.environ, "NEWS_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}
    try:
        return subprocess.run([sys.executable, "-m", "newscli", "-d", str(root), *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"news {' '.join(args)} blocked")


def _fifo(place: Path) -> None:
    os.mkfifo(place)


def _folder(place: Path) -> None:
    (place / "inside").mkdir(parents=True)


def _dev_zero(place: Path) -> None:
    place.symlink_to("/dev/zero")


def _dangling(place: Path) -> None:
    place.symlink_to(place.parent / "no-such-file")


def _link_to_fifo(place: Path) -> None:
    os.mkfifo(place.parent / "a-fifo")
    place.symlink_to(place.parent / "a-fifo")


PLANTS: dict[str, Callable[[Path], None]] = {
    "fifo": _fifo, "folder": _folder, "dev-zero": _dev_zero, "dangling-link": _dangling,
    "link-to-fifo": _link_to_fifo,
}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"], ids=["db", "wal", "shm", "journal"])
@pytest.mark.parametrize("plant", list(PLANTS))
def test_whatever_is_where_the_database_goes_is_never_waited_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plant: str, suffix: str
) -> None:
    root = good_archive(tmp_path / "archive")
    cache = tmp_path / "cache"
    monkeypatch.setenv("NEWS_CACHE_DIR", str(cache))
    database = db.database_path(location.archive_root(root)[1])
    assert run("-d", str(root), "show", "2011-06-06")[0] == 0  # a database to plant beside
    assert database.is_file()
    place = Path(f"{database}{suffix}")
    if place.exists() or place.is_symlink():
        place.unlink()
    PLANTS[plant](place)
    for _ in range(2):  # the run that finds it, and the next
        done = _news(root, "show", "2011-06-06", "--json", cache=cache)
        assert done.returncode == 0, done.stderr
        assert [item["id"] for item in strict_json(done.stdout)] == [GOOD[0]]
        assert "Traceback" not in done.stderr
        assert all(line.startswith("news: ") for line in done.stderr.splitlines())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_odd_things_in_the_cache_folder_are_skipped_by_news_cache(tmp_path: Path) -> None:
    root = good_archive(tmp_path / "archive")
    cache = tmp_path / "cache"
    assert _news(root, "show", "2011-06-06", cache=cache).returncode == 0
    (database,) = cache.glob("*.db")
    os.mkfifo(f"{database}-journal")  # a read-only look would block on it
    os.mkfifo(cache / "0000000000.db")
    (cache / "1111111111.db").mkdir()
    (cache / "2222222222.db").symlink_to("/dev/zero")
    listed = _news(root, "cache", "--json", cache=cache)
    assert listed.returncode == 0, listed.stderr
    rows = {Path(row["database"]).name: row for row in strict_json(listed.stdout)}
    assert set(rows) == {database.name, "0000000000.db", "2222222222.db"}  # a folder is none of ours
    cleared = _news(root, "cache", "--clear", cache=cache)
    assert cleared.returncode == 0, cleared.stderr
    assert "Traceback" not in cleared.stderr
    assert sorted(p.name for p in cache.iterdir()) == ["1111111111.db"]
    done = _news(root, "show", "2011-06-06", cache=cache)
    assert done.returncode == 0 and GOOD[0] in done.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("plant", ["fifo", "dev-zero", "file"])
def test_a_cache_folder_that_is_no_folder_only_costs_speed(tmp_path: Path, plant: str) -> None:
    root = good_archive(tmp_path / "archive")
    cache = tmp_path / "cache"
    if plant == "file":
        cache.write_text("x", encoding="utf-8")
    else:
        PLANTS[plant](cache)
    for args in (["show", "2011-06-06", "--json"], ["cache"]):
        done = _news(root, *args, cache=cache)
        assert done.returncode in (0, 1), done.stderr
        assert "Traceback" not in done.stderr
    done = _news(root, "show", "2011-06-06", "--json", cache=cache)
    assert [item["id"] for item in strict_json(done.stdout)] == [GOOD[0]]
