"""`news check` on a mangled archive: every planted problem is named, and nothing else.

The archive is built in the test run: a few days of good events (from sample_data, or
from ../shared/corpus when it is there) with one bad file per case of the issue mixed
in.  The same archive then shows that `news show` and `news search` still answer with
every good event.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import SAMPLE, SEED_ID, build_corpus, needs_shared
from helpers import DANGLING, DAY, IS_ROOT, command_names, run

from newscli.archive.loader import MAX_FILE_BYTES
from newscli.cli import app
from newscli.index.store import open_index
from newscli.model.event import Problem
from newscli.output.terminal import Terminal
from newscli.query.check import check

# -- the mangled archive --


@dataclass
class Mangled:
    root: Path
    good_ids: set[str]  # every event of the clean archive, and the good files planted
    errors: dict[str, list[str]] = field(default_factory=dict)  # path -> problems expected
    warnings: dict[str, list[str]] = field(default_factory=dict)
    clean_problems: list[Problem] = field(default_factory=list)  # before the mangling


TEXT_FILES = {
    "bad-not-utf8.md": b"# Caf\xe9 au lait is served in Paris.\n",
    "bad-binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    "bad-binary-no-nul.md": bytes(range(128, 256)) * 8,
    "bad-empty.md": b"",
    "bad-blank.md": b"  \n\n\t\n",
}
TEXTS = {  # name -> (text, problems expected); every one of them is an error
    "bad-yaml.md": ("---\ntitle: [unclosed\ndate: 2011-06-06\n---\n# A title\n",
                    ["frontmatter is not valid YAML"]),
    "bad-yaml-not-closed.md": ("---\ntitle: Never closed\n\n# A title\n", ["frontmatter is not closed"]),
    "bad-date-banana.md": ("---\ndate: banana\n---\n# Bananas are sold in Lima.\n",
                           ["frontmatter date is not a date"]),
    "bad-sources-seven.md": ("---\nsources: 7\n---\n# Seven sources are given.\n",
                             ["frontmatter sources has the wrong type"]),
    "bad-title-list.md": ("---\ntitle: [a, b]\n---\nNo heading here.\n",
                          ["frontmatter title has the wrong type", "no title"]),
    "bad-no-title.md": ("### [2011-06-6](/news/2011/06/6/index.md)\n\nJust a sentence.\n", ["no title"]),
    "bad-impossible-frontmatter.md": ("---\ndate: 2011-02-30\n---\n# A leap that is not.\n",
                                      ["impossible date"]),
    "bad-impossible-heading.md": ("### [2011-02-30](/news/2011/02/30/index.md)\n\n# February 30th.\n",
                                  ["impossible date"]),
    "bad-dates-disagree.md": ("---\ndate: 2011-06-05\n---\n### [2011-06-6](/news/2011/06/6/index.md)\n\n"
                              "# The day before.\n", ["dates disagree"]),
    "bad-source-no-name.md": ("# A source with no name.\n\n### Source:\n\n1. [](http://example.com/a)\n",
                              ["source has no name"]),
    "bad-source-url.md": ("# A source with a bad URL.\n\n### Source:\n\n1. [Reuters](www.reuters.com/x)\n",
                          ["source URL is not a URL"]),
    # aliases are expanded up to a limit (a real bomb is refused: test_robustness); this one
    # makes the title a list
    "bad-alias-bomb.md": ("---\na: &a [x, x, x]\nb: &b [*a, *a, *a]\ntitle: *b\n---\n# Aliases.\n",
                          ["frontmatter title has the wrong type"]),
}
GOOD_DANGLING = (
    "# A good event whose related link goes nowhere.\n\n### Related:\n\n"
    "1. [Nothing](/news/2011/06/6/no-such-event-anywhere.md) _Context: Nobody_\n"
)
ODD_NAMES = ["café-ñ-日本-🙂 עברית.md", unicodedata.normalize("NFD", "résumé-à-la-carte.md")]


def mangle(root: Path, good_ids: set[str]) -> Mangled:
    """Plant one bad file per case beside the good ones; note what check must say."""
    day = root / DAY
    m = Mangled(root, set(good_ids))

    def error(rel: str, *problems: str) -> None:
        m.errors.setdefault(rel, []).extend(problems)

    def warning(rel: str, *problems: str) -> None:
        m.warnings.setdefault(rel, []).extend(problems)

    for name, data in TEXT_FILES.items():
        (day / name).write_bytes(data)
    error(f"{DAY}/bad-not-utf8.md", "not UTF-8")
    error(f"{DAY}/bad-binary.md", "not a text file")
    error(f"{DAY}/bad-binary-no-nul.md", "not UTF-8")
    error(f"{DAY}/bad-empty.md", "empty file")
    error(f"{DAY}/bad-blank.md", "empty file")
    for name, (text, problems) in TEXTS.items():
        (day / name).write_text(text, encoding="utf-8")
        error(f"{DAY}/{name}", *problems)

    undated = root / "news" / "undated"
    undated.mkdir()
    (undated / "bad-no-date.md").write_text("# A title and nothing else.\n", encoding="utf-8")
    error("news/undated/bad-no-date.md", "no date")

    # the same id twice: 2011/6/6 sorts after 2011/06/6, so the copy is the one reported
    original = sorted(p for p in day.glob("*.md") if p.name != "index.md" and not p.name.startswith("bad"))[0]
    copy_dir = root / "news" / "2011" / "6" / "6"
    copy_dir.mkdir(parents=True)
    shutil.copy(original, copy_dir / original.name)
    error(f"news/2011/6/6/{original.name}", "duplicate id")

    (day / "bad-dangling-symlink.md").symlink_to("no-such-file.md")
    error(f"{DAY}/bad-dangling-symlink.md", "cannot read file")
    if hasattr(os, "mkfifo"):
        os.mkfifo(day / "bad-pipe.md")
        error(f"{DAY}/bad-pipe.md", "not a regular file")
    if not IS_ROOT:  # root reads a chmod 000 file: test_robustness simulates it instead
        locked = day / "bad-unreadable.md"
        locked.write_text("# Locked away.\n", encoding="utf-8")
        locked.chmod(0)
        error(f"{DAY}/bad-unreadable.md", "cannot read file")

    # warnings: symlink loops are not followed round, a dangling link is normal
    (day / "loop.md").symlink_to("loop.md")
    warning(f"{DAY}/loop.md", "symlink loop not followed")
    (day / "up").symlink_to("..")
    warning(f"{DAY}/up", "folder symlink not followed")
    (day / "good-dangling-link.md").write_text(GOOD_DANGLING, encoding="utf-8")
    warning(f"{DAY}/good-dangling-link.md", DANGLING)
    m.good_ids.add("2011-06-06/good-dangling-link")

    # good events in odd places: a folder named x.md, odd Unicode, a name that is not UTF-8
    folder_md = day / "folder.md"
    folder_md.mkdir()
    (folder_md / "inside-a-folder-named-md.md").write_text(
        "---\ndate: 2011-06-06\n---\n# Inside a folder.\n", encoding="utf-8")
    m.good_ids.add("2011-06-06/inside-a-folder-named-md")
    for name in ODD_NAMES:
        (day / name).write_text(f"# An event named {name}\n", encoding="utf-8")
        m.good_ids.add(f"2011-06-06/{name[:-3]}")
    with open(os.path.join(os.fsencode(day), b"odd-\xff-name.md"), "wb") as handle:
        handle.write(b"# A file name that is not UTF-8.\n")
    warning(f"{DAY}/odd-\ufffd-name.md", "name is not UTF-8")
    m.good_ids.add("2011-06-06/odd-\ufffd-name")
    return m


def _copy_sample(out: Path) -> Path:
    for day in ("2011/06/6", "2011/06/5"):
        shutil.copytree(SAMPLE / "news" / day, out / "news" / day)
    return out


@pytest.fixture(scope="module", params=["sample", pytest.param("corpus", marks=needs_shared)])
def mangled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Mangled:
    out = tmp_path_factory.mktemp(f"mangled-{request.param}") / "archive"
    if request.param == "sample":
        _copy_sample(out)
    else:
        build_corpus(out, "--dates", *(f"2011-06-{day:02}" for day in range(1, 11)))
    clean = open_index(out, use_cache=False)
    m = mangle(out, set(clean.ids(clean.numbers_between(None)).values()))
    m.clean_problems = [*check(clean).problems]
    return m


# -- news check --


def _problems(mangled: Mangled, *extra: str) -> list[dict[str, str]]:
    status, out, err = run("-d", str(mangled.root), "check", "--json", *extra)
    assert status == 1, err
    assert "Traceback" not in err
    found: list[dict[str, str]] = json.loads(out)
    return found


def test_check_names_every_bad_file_and_only_those(mangled: Mangled) -> None:
    found = _problems(mangled)
    errors = {p["path"] for p in found if p["severity"] == "error"}
    assert errors == set(mangled.errors)
    for path, expected in mangled.errors.items():
        named = [p["problem"] for p in found if p["path"] == path]
        for problem in expected:
            assert problem in named, (path, named)


def test_check_warnings_are_the_planted_ones_and_dangling_links(mangled: Mangled) -> None:
    found = _problems(mangled)
    warnings = {p["path"] for p in found if p["severity"] == "warning" and p["problem"] != DANGLING}
    assert warnings == {path for path, problems in mangled.warnings.items() if problems != [DANGLING]}
    for path, expected in mangled.warnings.items():
        named = [p["problem"] for p in found if p["path"] == path]
        assert set(expected) <= set(named), (path, named)
    dangling = [p for p in found if p["problem"] == DANGLING and p["path"].endswith("good-dangling-link.md")]
    assert [p["detail"] for p in dangling] == ["2011-06-06/no-such-event-anywhere"]


def test_check_json_shape(mangled: Mangled) -> None:
    for item in _problems(mangled):
        assert set(item) == {"path", "severity", "problem", "detail"}
        assert item["severity"] in {"error", "warning"}
        assert all(isinstance(value, str) for value in item.values())
        item["path"].encode("utf-8")  # printable: no lone surrogates from odd file names


def test_check_plain_lines_and_count(mangled: Mangled) -> None:
    status, out, err = run("-d", str(mangled.root), "check")
    assert status == 1
    lines = out.splitlines()
    found = _problems(mangled)
    listed = [p for p in found if p["problem"] != DANGLING]
    assert len(lines) == len(listed)
    for line, problem in zip(lines, listed, strict=True):
        assert line.startswith(f"{problem['path']}: {problem['severity']}: {problem['problem']}")
    summary = err.strip().splitlines()
    assert len(summary) == 1, err  # check names the skipped files itself: no "run news check" note
    errors = sum(1 for p in found if p["severity"] == "error")
    assert f"{errors} errors" in summary[0]
    assert "files checked" in summary[0]
    assert re.search(r"\b\d+ dangling related links? not listed", summary[0])


def test_check_on_a_terminal(mangled: Mangled) -> None:
    out, err = io.StringIO(), io.StringIO()
    terminal = Terminal(out, err, stdout_is_tty=True, stderr_is_tty=True, width=1000, color=True)
    with pytest.raises(SystemExit) as stop:
        app(["-d", str(mangled.root), "check"], obj=terminal, prog_name="news")
    assert stop.value.code == 1
    assert "\x1b[" in out.getvalue()  # coloured
    for path in mangled.errors:
        assert path in out.getvalue()
    assert "files checked" in err.getvalue()


def test_check_verbose_lists_each_dangling_link(mangled: Mangled) -> None:
    _, out, err = run("-d", str(mangled.root), "check", "--verbose")
    dangling = [line for line in out.splitlines() if DANGLING in line]
    assert len(dangling) == sum(1 for p in _problems(mangled) if p["problem"] == DANGLING)
    assert "not listed" not in err


def test_check_from_the_cache_says_the_same(mangled: Mangled) -> None:
    fresh = run("--no-cache", "-d", str(mangled.root), "check", "--json")
    first = run("-d", str(mangled.root), "check", "--json")  # writes the cache
    cached = run("-d", str(mangled.root), "check", "--json")  # reads it
    assert fresh == first == cached


def test_files_checked_counts_every_event_file(mangled: Mangled) -> None:
    archive = open_index(mangled.root, use_cache=False)
    report = check(archive)
    assert report.files == len(_event_files(mangled.root))
    assert report.files == len(archive) + archive.skipped


def _event_files(root: Path) -> list[str]:
    """Every *.md file a scan would read: real folders only, index.md and dot files left out."""
    found = []
    for here, folders, files in os.walk(root / "news"):
        folders[:] = [f for f in folders if not os.path.islink(os.path.join(here, f))]
        found += [f for f in files if f.endswith(".md") and f != "index.md"
                  and not os.path.isdir(os.path.join(here, f))]
    return found


# -- every good event still answers --


def test_show_still_returns_every_good_event(mangled: Mangled) -> None:
    days = sorted({event_id.split("/")[0] for event_id in mangled.good_ids})
    shown: set[str] = set()
    for day in days:
        status, out, err = run("-d", str(mangled.root), "show", day, "--json")
        assert status == 0, err
        assert "Traceback" not in err
        assert "skipped; run news check" in err
        shown |= {item["id"] for item in json.loads(out)}
    assert mangled.good_ids <= shown


@pytest.mark.parametrize("event_id", [
    "2011-06-06/good-dangling-link",
    "2011-06-06/inside-a-folder-named-md",
    "2011-06-06/odd-\ufffd-name",
    *(f"2011-06-06/{name[:-3]}" for name in ODD_NAMES),
])
def test_show_finds_good_events_in_odd_places(mangled: Mangled, event_id: str) -> None:
    status, out, err = run("-d", str(mangled.root), "show", event_id, "--json")
    assert status == 0, err
    assert json.loads(out)["id"] == event_id


def test_the_seed_event_survives_the_mangling(mangled: Mangled) -> None:
    status, out, _ = run("-d", str(mangled.root), "show", SEED_ID, "--json")
    assert status == 0
    assert json.loads(out)["id"] == SEED_ID


def test_search_still_returns_every_good_event(mangled: Mangled) -> None:
    if "search" not in command_names():
        pytest.skip("news search does not exist yet")
    shown: set[str] = set()
    for day in sorted({event_id.split("/")[0] for event_id in mangled.good_ids}):
        status, out, err = run("-d", str(mangled.root), "search", "--on", day, "--limit", "0", "--json")
        assert status == 0, err
        shown |= {item["id"] for item in json.loads(out)}
    assert mangled.good_ids <= shown


def test_search_finds_a_good_event_by_its_words(mangled: Mangled) -> None:
    if "search" not in command_names():
        pytest.skip("news search does not exist yet")
    status, out, err = run("-d", str(mangled.root), "search", "inside folder", "--json")
    assert status == 0, err
    assert "2011-06-06/inside-a-folder-named-md" in {item["id"] for item in json.loads(out)}


# -- real archives: no false alarms beyond dangling links --


def test_check_on_the_bundled_sample_finds_no_errors() -> None:
    status, out, err = run("check", "--json")
    assert status == 0, err
    found = json.loads(out)
    assert found, "the sample has dangling related links"
    assert {p["problem"] for p in found} == {DANGLING}
    status, out, err = run("check")
    assert status == 0
    assert out == ""  # dangling links are counted, not listed
    assert "0 errors" in err


def test_check_on_a_clean_copy_of_the_sample_exits_0(tmp_path: Path) -> None:
    root = _copy_sample(tmp_path / "archive")
    status, _, err = run("-d", str(root), "check")
    assert status == 0
    assert "0 errors" in err


def test_warnings_alone_exit_0(tmp_path: Path) -> None:
    root = _copy_sample(tmp_path / "archive")
    (root / DAY / "loop.md").symlink_to("loop.md")
    (root / DAY / "up").symlink_to("..")
    status, out, err = run("-d", str(root), "check")
    assert status == 0, err
    assert f"{DAY}/loop.md: warning: symlink loop not followed" in out
    assert f"{DAY}/up: warning: folder symlink not followed" in out


def test_one_error_exits_1(tmp_path: Path) -> None:
    root = _copy_sample(tmp_path / "archive")
    (root / DAY / "x.md").write_text("---\ndate: banana\n---\n# x\n", encoding="utf-8")
    status, out, _ = run("-d", str(root), "check")
    assert status == 1
    assert out.startswith(f"{DAY}/x.md: error: frontmatter date is not a date")


def test_the_size_limit_the_help_states_is_the_loaders(capsys: pytest.CaptureFixture[str]) -> None:
    assert MAX_FILE_BYTES == 100 * 1024 * 1024
    status, _, _ = run("check", "--help")  # click writes help to sys.stdout itself
    assert status == 0
    assert "100 MB" in " ".join(capsys.readouterr().out.split())


def test_check_on_a_missing_data_dir_is_bad_input(tmp_path: Path) -> None:
    status, out, err = run("-d", str(tmp_path / "nowhere"), "check")
    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1


def test_no_false_alarms_on_the_archive_before_the_mangling(mangled: Mangled) -> None:
    # the corpus variant is ten real days (a whole year and the full archive, checked by
    # hand, give no problems at all; too slow for every test run)
    assert {p.problem for p in mangled.clean_problems} <= {DANGLING}
