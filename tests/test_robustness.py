"""Whatever comes in, `news` answers clearly, keeps every good event and shows no traceback.

Any text and any bytes through the loader; files that are huge, unreadable, looping or
oddly named; bad arguments; a closed pipe, a closed or full stdout; Ctrl-C at any moment;
--debug.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, SAMPLE, SEED_ID
from helpers import DAY, IS_ROOT, command_names, run, write_event
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscli.archive import frontmatter, loader
from newscli.archive.loader import LoadedFile, load_file, parse_day_page, parse_event
from newscli.archive.location import archive_root
from newscli.errors import BadInput
from newscli.index import database as db
from newscli.index import refresh, rows, store, writer
from newscli.output.fields import event_json


def needs_command(name: str) -> Any:
    return pytest.mark.skipif(name not in command_names(), reason=f"news {name} does not exist yet")


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Two days of the sample, to spoil."""
    root = tmp_path / "archive"
    for day in ("2011/06/6", "2011/06/5"):
        shutil.copytree(SAMPLE / "news" / day, root / "news" / day)
    return root


def ids_on(root: Path, day: str) -> set[str]:
    status, out, err = run("-d", str(root), "show", day, "--json")
    assert status == 0, err
    return {item["id"] for item in json.loads(out)}


# -- the loader never raises --


def _assert_sound(loaded: LoadedFile) -> None:
    """An event or a recorded problem, and whatever it holds can be printed as UTF-8."""
    assert loaded.event is not None or loaded.problems
    for problem in loaded.problems:
        assert problem.severity in {"error", "warning"}
        f"{problem.path}: {problem.problem} ({problem.detail})".encode()
    if loaded.event is not None:
        # strict JSON (no NaN), printable, and rows the database takes
        json.dumps(event_json(loaded.event), ensure_ascii=False, allow_nan=False).encode()
        stored = rows.event_rows(1, loaded.event)
        json.dumps(stored, ensure_ascii=False, allow_nan=False).encode()


FIELD_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from([
        "2011-06-06", "2011-02-30", "2011-13-01", "2011-06-06 25:00", "banana", "7", "-1.5", "null",
        "[a, b]", "{name: Reuters, url: 'not a url'}", "[{name: '', url: 'http://x.org'}]", "[7, true]",
        '"\\ud800 lone"', "&a [1]", "*a", "!!binary aGk=", "!!python/object:os.system x", "'unclosed",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "|\n  block", ">-\n  folded",
        "0x1F", "1e400", ".nan", "~", "yes", "2011-06-06T10:00:00Z",
        ".inf", "-.inf", "!!set {a, b}", "9" * 400, "-" + "9" * 5000, "{[a, b]: l, {k: v}: m}",
        "{2011-06-05: x, 7: y, true: z, null: n}", "[" * 1000 + "]" * 1000,
    ]),
)
FRONTMATTER = st.lists(
    st.tuples(st.sampled_from(["title", "date", "sources", "entities", "category", "story", "extra", ""]),
              FIELD_VALUES),
    max_size=6,
).map(lambda pairs: "".join(f"{key}: {value}\n" for key, value in pairs))
BODY_LINES = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from([
            "# A title", "#", "### [2011-06-6](/news/2011/06/6/index.md)", "### [2011-02-30]",
            "### Source:", "### Related:", "1. [Reuters](http://reuters.com/x)", "1. [](www.x.org)",
            "2. [a [b] c](/news/2011/06/5/x-y.md) _Context: A, B_", "- [x](/news/9999/99/99/z.md)",
            "- [unclosed](", "1. [t](http://x.org/a_(b)) tail", "---",
        ]),
    ),
    max_size=12,
).map("\n".join)

# -- the shapes that once stopped every command (issue 8): values that are not plain JSON --

# scalars YAML reads as something other than text: not-a-numbers and infinities, numbers
# too large for a float or for str(), dates and times, binary, sets, tags, escapes
ODD_SCALARS = [
    ".nan", ".NaN", ".inf", "-.inf", "+.INF", "1e400", "-1e400", "!!float nan", "9" * 400, "-" + "9" * 5000,
    "0x" + "f" * 40, "0b" + "1" * 80, "2011-06-05", "2011-06-06T10:00:00Z", "2001-12-14 21:59:43.10 -5",
    "10:00:00", "!!binary aGk=", "!!set {a, b}", "!!str 7", "~", "true", "No", "7", "-1.5", "Plain words",
    '"\\e]52;c;aGVsbG8=\\a clip"', '"\\x9b31m c1"', "*a", "*c",
]
# mapping keys: dates, numbers, booleans, null, sequences and mappings (an implicit key is
# at most 1,024 characters: a longer one is written `? key`)
ODD_KEYS = [
    "2011-06-05", "2011-06-06T10:00:00Z", "7", "-1.5", ".nan", ".inf", "9" * 30, "9" * 1000, "true", "null",
    "~", "[a, b]", "[[1], {k: v}]", "{k: v}", '"\\e[2J"', "name", "url", "title",
]
# anchors the values name (`*a`, a mapping, and `*c`); the last is an alias bomb (10^10
# nodes), refused unexpanded
ANCHORS = [
    "base: &a {k: [1, 2], 2011-06-05: d}\nlist: &c [x, .nan, 2011-06-05]\n",
    "a: &a {k: [x, x, x]}\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\n",
    "a: &a {k: " + "[" * 200 + "]" * 200 + "}\nc: &c"
    + "".join(f"\n{'  ' * n}-" for n in range(1, 1_001)) + " x\n",
    "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 10)) + "a: &a {k: *a9}\n",
]
FLOW = st.recursive(
    st.sampled_from(ODD_SCALARS),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(st.sampled_from(ODD_KEYS) | inner, inner), max_size=3).map(
            lambda pairs: "{" + ", ".join(f"{key}: {value}" for key, value in pairs) + "}"),
        inner.map(lambda value: f"{{<<: *a, merged: {value}}}"),
    ),
    max_leaves=8,
)
# around the cut, and up to a thousand levels (yaml-rs itself refuses flow nesting past 255)
AROUND_THE_CUT = st.sampled_from([frontmatter.MAX_DEPTH + step for step in (-1, 0, 1)])
FLOW_DEPTHS = st.one_of(st.integers(0, 300), AROUND_THE_CUT, st.sampled_from([255, 256]))
BLOCK_DEPTHS = st.one_of(st.integers(0, 1_000), AROUND_THE_CUT, st.just(1_000))


def flow_nested(depth: int, leaf: str, mapping: bool) -> str:
    """`leaf` in `depth` flow lists or mappings (yaml-rs refuses a few hundred levels)."""
    return ("{k: " * depth + leaf + "}" * depth) if mapping else ("[" * depth + leaf + "]" * depth)


def block_nested(depth: int, leaf: str, mapping: bool) -> str:
    """`leaf` in `depth` block lists or mappings, from the next line on (no limit in yaml-rs)."""
    step = "k:" if mapping else "-"
    return "".join(f"\n{'  ' * level}{step}" for level in range(1, depth + 1)) + " " + leaf


DEEP_FLOW = st.builds(flow_nested, FLOW_DEPTHS, FLOW, st.booleans())
DEEP_BLOCK = st.builds(block_nested, BLOCK_DEPTHS, FLOW, st.booleans())
HOSTILE_VALUES = st.one_of(
    FLOW, DEEP_FLOW, DEEP_BLOCK,
    st.tuples(FLOW | DEEP_FLOW, FLOW).map(lambda pair: f"[{{name: {pair[0]}, url: {pair[1]}}}, Reuters]"),
    st.tuples(FLOW, DEEP_FLOW).map(lambda pair: f"[{pair[0]}, Good Name, {pair[1]}]"),
)


def field_text(key: str, value: str) -> str:
    """One frontmatter entry; a key that is a sequence, a mapping or long is written `? key`."""
    if key[0] in "[{" or len(key) > 1_000:
        key = f"? {key}\n"
    return f"{key}:{value if value.startswith(chr(10)) else ' ' + value}\n"


HOSTILE_FIELDS = st.builds(
    field_text,
    st.sampled_from(["title", "date", "sources", "entities", "category", "story", "history", "extra"])
    | st.sampled_from([*ODD_KEYS, "9" * 5_000]),
    HOSTILE_VALUES,
)
HOSTILE_FRONTMATTER = st.builds(lambda anchors, fields: anchors + "".join(fields),
                                st.sampled_from(ANCHORS), st.lists(HOSTILE_FIELDS, min_size=1, max_size=4))
HOSTILE_BODY = "### [2011-06-6](/news/2011/06/6/index.md)\n\n# The hostile event keeps its title\n"


def strict_json(text: str) -> Any:
    """`text` parsed as strict JSON: NaN and Infinity are no JSON."""
    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


@settings(max_examples=150, deadline=None)
@given(meta=HOSTILE_FRONTMATTER)
def test_hostile_frontmatter_gives_plain_json_and_keeps_the_event(meta: str) -> None:
    loaded = parse_event(f"---\n{meta}---\n{HOSTILE_BODY}", f"{DAY}/hostile.md")
    _assert_sound(loaded)
    assert loaded.event is not None  # the body gives a title and a date, whatever the frontmatter holds
    strict_json(json.dumps(event_json(loaded.event), allow_nan=False))


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-input")
    write_event(root, "2011-06-06/a-good-event", "A good event stays", meta={"entities": ["Good Name"]})
    return root


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(meta=HOSTILE_FRONTMATTER)
def test_hostile_frontmatter_through_the_command_line(hostile_archive: Path, meta: str) -> None:
    """Cached, shown, checked: strict JSON, exit 0 or 1, the file named, no escape of its own."""
    name = f"{DAY}/zz-hostile-frontmatter.md"
    (hostile_archive / name).write_text(f"---\n{meta}---\n{HOSTILE_BODY}", encoding="utf-8")
    data = ("-d", str(hostile_archive))
    status, out, err = run(*data, "show", "zz-hostile-frontmatter", "--json")
    assert status == 0, err
    event = strict_json(out)
    assert event["path"] == name and event["title"]
    shown = out + err
    status, out, err = run(*data, "show", "2011-06-06")
    assert status == 0, err
    assert "2011-06-06/a-good-event" in out
    shown += out + err
    status, out, err = run(*data, "check")
    assert status in (0, 1), err
    assert all(line.startswith(f"{name}: ") for line in out.splitlines()), out
    assert (status == 1) == (": error: " in out)
    shown += out + err
    status, out, err = run(*data, "check", "--json")
    assert status in (0, 1), err
    assert {p["path"] for p in strict_json(out)} <= {name}
    shown += err
    assert "Traceback" not in shown
    assert "\x1b" not in shown and "\x9b" not in shown


@settings(max_examples=150, deadline=None)
@given(text=st.text())
def test_any_text_gives_an_event_or_a_problem(text: str) -> None:
    _assert_sound(parse_event(text, f"{DAY}/any-text.md"))
    _assert_sound(parse_event(text, "undated.md"))


@settings(max_examples=150, deadline=None)
@given(meta=FRONTMATTER, body=BODY_LINES, closed=st.booleans())
def test_any_frontmatter_and_body_gives_an_event_or_a_problem(meta: str, body: str, closed: bool) -> None:
    text = f"---\n{meta}{'---' if closed else ''}\n{body}\n"
    _assert_sound(parse_event(text, f"{DAY}/shaped.md"))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bytes") / "news" / "2011" / "06" / "6"
    folder.mkdir(parents=True)
    return folder


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=600),
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    st.tuples(st.binary(max_size=40), st.text(max_size=100)).map(
        lambda parts: parts[0] + b"\n# " + parts[1].encode("utf-8", "surrogatepass")),
))
def test_any_bytes_in_a_file_give_an_event_or_a_problem(scratch: Path, data: bytes) -> None:
    path = scratch / "any-bytes.md"
    path.write_bytes(data)
    _assert_sound(load_file(str(path), f"{DAY}/any-bytes.md"))


@settings(max_examples=100, deadline=None)
@given(text=st.one_of(st.text(), BODY_LINES))
def test_any_day_page_gives_a_list_of_slugs(text: str) -> None:
    assert all(isinstance(slug, str) for slug in parse_day_page(text))


def test_a_lone_surrogate_escape_in_yaml_is_reported() -> None:
    loaded = parse_event('---\ntitle: "caf\\udce9 \\ud800"\n---\n# Body title\n', f"{DAY}/x.md")
    assert [p.problem for p in loaded.problems] == ["frontmatter is not valid YAML"]
    assert loaded.event is not None and loaded.event.title == "Body title"


def test_an_impossible_frontmatter_date_keeps_the_rest_of_the_frontmatter() -> None:
    loaded = parse_event("---\ntitle: Kept\ndate: 2011-02-30\ncategory: Sport\n---\n", f"{DAY}/x.md")
    assert [p.problem for p in loaded.problems] == ["impossible date"]
    assert loaded.event is not None
    assert (loaded.event.title, loaded.event.category) == ("Kept", "Sport")


def test_yaml_aliases_are_refused_not_expanded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    started = time.monotonic()
    loaded = parse_event("---\n" + "\n".join(lines) + "\ntitle: *a9\n---\n# Bomb\n", f"{DAY}/bomb.md")
    assert time.monotonic() - started < 1
    assert "frontmatter is not valid YAML" in [p.problem for p in loaded.problems]


# -- files that are huge, unreadable, looping, not files, oddly named --


def test_a_50_mb_file_is_loaded_like_any_other(archive: Path) -> None:
    body = ("The committee heard evidence all afternoon. " * 40 + "\n") * 30_000
    (archive / DAY / "a-very-large-event.md").write_text(f"# A very large event\n\n{body}", encoding="utf-8")
    assert (archive / DAY / "a-very-large-event.md").stat().st_size > 50 * 1024 * 1024
    assert "2011-06-06/a-very-large-event" in ids_on(archive, "2011-06-06")
    status, out, _ = run("-d", str(archive), "check", "--json")
    assert status == 0
    assert not [p for p in json.loads(out) if p["path"] == f"{DAY}/a-very-large-event.md"]


def skipped_then_checked(archive: Path, before: set[str]) -> tuple[int, str]:
    """`show` still gives the ids `before` and says one file was skipped; then `check`: (status, stdout)."""
    status, out, err = run("--no-cache", "-d", str(archive), "show", "2011-06-06", "--json")
    assert status == 0
    assert "1 file skipped; run news check" in err
    assert {item["id"] for item in json.loads(out)} == before
    status, out, _ = run("--no-cache", "-d", str(archive), "check")
    return status, out


def test_a_file_past_the_size_limit_is_skipped_and_reported(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = ids_on(archive, "2011-06-06")
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 10_000)
    (archive / DAY / "too-large.md").write_text("# Too large\n\n" + "x " * 10_000, encoding="utf-8")
    status, out = skipped_then_checked(archive, before)
    assert status == 1
    assert f"{DAY}/too-large.md: error: file too large" in out


@pytest.mark.skipif(IS_ROOT, reason="root reads a chmod 000 file; the simulated test covers it")
def test_a_file_without_read_permission_is_skipped_and_reported(archive: Path) -> None:
    before = ids_on(archive, "2011-06-06")
    locked = archive / DAY / "locked.md"
    locked.write_text("# Locked\n", encoding="utf-8")
    locked.chmod(0)
    _, out = skipped_then_checked(archive, before)
    assert f"{DAY}/locked.md: error: cannot read file (Permission denied)" in out


def test_a_file_that_cannot_be_read_is_skipped_and_reported_simulated(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = ids_on(archive, "2011-06-06")
    locked = archive / DAY / "locked.md"
    locked.write_text("# Locked\n", encoding="utf-8")
    real_open = os.open

    def os_open(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith("locked.md"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    status, out = skipped_then_checked(archive, before)
    assert status == 1
    assert f"{DAY}/locked.md: error: cannot read file (Permission denied)" in out


def test_a_folder_that_cannot_be_read_is_reported_simulated(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = ids_on(archive, "2011-06-06")
    (archive / "news" / "2011" / "07").mkdir()
    real_open = os.open

    def os_open(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith("2011/07"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    assert ids_on(archive, "2011-06-06") == before
    status, out, _ = run("--no-cache", "-d", str(archive), "check")
    assert status == 1
    assert "news/2011/07: error: cannot read folder (Permission denied)" in out


def test_symlink_loops_are_not_followed_round(archive: Path) -> None:
    before = ids_on(archive, "2011-06-06")
    (archive / DAY / "self.md").symlink_to("self.md")
    (archive / DAY / "ping.md").symlink_to("pong.md")
    (archive / DAY / "pong.md").symlink_to("ping.md")
    (archive / DAY / "parent").symlink_to("..")
    (archive / "news" / "root").symlink_to(archive)
    assert ids_on(archive, "2011-06-06") == before
    status, out, _ = run("-d", str(archive), "check")
    assert status == 0, out  # loops are warnings
    for name in (f"{DAY}/self.md", f"{DAY}/ping.md", f"{DAY}/pong.md"):
        assert f"{name}: warning: symlink loop not followed" in out
    for name in (f"{DAY}/parent", "news/root"):
        assert f"{name}: warning: folder symlink not followed" in out


def test_a_named_pipe_or_device_is_not_read(archive: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    before = ids_on(archive, "2011-06-06")
    os.mkfifo(archive / DAY / "pipe.md")
    os.mkfifo(archive / DAY / "index.md.tmp")
    (archive / DAY / "zero.md").symlink_to(os.devnull)
    (archive / "news" / "2011" / "06" / "7").mkdir()
    os.mkfifo(archive / "news" / "2011" / "06" / "7" / "index.md")  # a day page that would block
    assert ids_on(archive, "2011-06-06") == before
    status, out, _ = run("-d", str(archive), "check")
    assert status == 1
    assert f"{DAY}/pipe.md: error: not a regular file (a named pipe)" in out
    # a device is outside the archive: the symlink to it is not followed
    assert f"{DAY}/zero.md: warning: symlink out of the archive not followed ({os.devnull})" in out


def test_a_directory_named_like_an_event_file_is_a_directory(archive: Path) -> None:
    (archive / DAY / "folder.md").mkdir()
    (archive / DAY / "folder.md" / "index.md").mkdir()
    status, out, err = run("-d", str(archive), "check")
    assert status == 0, out
    assert "folder.md" not in out + err


@pytest.mark.parametrize("name", [
    "café-ñ-日本-🙂 עברית.md",
    "e\u0301te\u0301-nfd.md",
    "tab\tand newline\n.md",
    "-starts-with-a-dash.md",
    "zero\u200bwidth.md",
])
def test_a_file_with_an_odd_unicode_name_works_like_any_other(archive: Path, name: str) -> None:
    (archive / DAY / name).write_text(f"# The event named {name}\n", encoding="utf-8")
    event_id = f"2011-06-06/{name[:-3]}"
    assert event_id in ids_on(archive, "2011-06-06")
    status, out, err = run("-d", str(archive), "show", event_id, "--json")
    assert status == 0, err
    assert json.loads(out)["id"] == event_id
    status, out, _ = run("-d", str(archive), "check")
    assert status == 0
    assert out == ""


def test_a_file_name_that_is_not_utf8_is_shown_with_a_replacement(archive: Path) -> None:
    with open(os.path.join(os.fsencode(archive / DAY), b"caf\xe9-latin1.md"), "wb") as handle:
        handle.write(b"# A Latin-1 file name\n")
    event_id = "2011-06-06/caf\ufffd-latin1"
    assert event_id in ids_on(archive, "2011-06-06")
    status, out, _ = run("-d", str(archive), "show", event_id)
    assert status == 0
    out.encode()  # printable on a strict UTF-8 stdout
    status, out, _ = run("-d", str(archive), "check")
    assert status == 0
    assert f"{DAY}/caf\ufffd-latin1.md: warning: name is not UTF-8" in out


def test_a_data_dir_with_odd_unicode_works(tmp_path: Path) -> None:
    root = tmp_path / "архив ü 日本 🙂"
    shutil.copytree(SAMPLE / "news" / "2011" / "06" / "6", root / "news" / "2011" / "06" / "6")
    assert SEED_ID in ids_on(root, "2011-06-06")
    odd = os.path.join(os.fsencode(tmp_path), b"latin\xe9")
    shutil.copytree(root, os.fsdecode(odd))
    assert SEED_ID in ids_on(Path(os.fsdecode(odd)), "2011-06-06")
    status, _, err = run("-d", os.fsdecode(odd), "show", "2011-06-07")  # the message names the folder
    assert status == 1
    assert len(err.splitlines()) == 1


# -- bad arguments: exit 2, one line on stderr, no traceback --


def _bad_arguments(tmp: Path) -> list[list[str]]:
    a_file = tmp / "a-file.md"
    a_file.write_text("# not a folder\n", encoding="utf-8")
    cases = [
        ["show", "2011-02-30"],
        ["show", "2011-13"],
        ["show", "2011-6-31"],
        ["show", ""],
        ["show", "   "],
        ["show"],
        ["show", "2011", "--bogus"],
        ["show", "2011", "--json", "--jsonl"],
        ["show", "2011", "--format", "yaml"],
        ["-d", str(tmp / "missing"), "show", "2011"],
        ["-d", str(a_file), "show", "2011"],
        ["-d", str(tmp / "missing"), "check"],
        ["-d", str(a_file), "check"],
        ["nonsense-command"],
    ]
    if "search" in command_names():
        cases += [
            ["search", ""],
            ["search", "  "],
            ["search", "peru", "--from", "banana"],
            ["search", "peru", "--from", "2011-02-30"],
            ["search", "peru", "--on", "2011-6-31"],
            ["search", "peru", "--from", "2012", "--to", "2011"],
            ["-d", str(tmp / "missing"), "search", "peru"],
        ]
    if "related" in command_names():
        cases += [["related", ""], ["related", "Humala", "--from", "2011-99"]]
    return cases


def test_bad_arguments_exit_2_with_one_line(tmp_path: Path) -> None:
    for args in _bad_arguments(tmp_path):
        status, out, err = run(*args)
        assert status == 2, (args, err)
        assert out == "", args
        assert len(err.splitlines()) == 1, (args, err)
        assert err.startswith("news: "), (args, err)
        assert "Traceback" not in err


def test_a_data_dir_from_the_environment_that_is_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    monkeypatch.setenv("NEWS_DATA_DIR", str(tmp_path / "file"))
    status, _, err = run("show", "2011")
    assert status == 2
    assert err == f"news: data directory is not a directory: {tmp_path / 'file'}\n"


@pytest.mark.skipif(IS_ROOT, reason="root can read a chmod 000 folder; the simulated test covers it")
def test_an_unreadable_data_dir_exits_2(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        status, _, err = run("-d", str(locked), "show", "2011")
    finally:
        locked.chmod(0o755)
    assert status == 2
    assert len(err.splitlines()) == 1


def test_an_unreadable_data_dir_exits_2_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    status, _, err = run("-d", str(tmp_path), "show", "2011")
    assert status == 2
    assert len(err.splitlines()) == 1
    assert "not readable" in err or "cannot read" in err
    with pytest.raises(BadInput, match="cannot read data directory"):
        archive_root(tmp_path)


def test_an_id_that_matches_nothing_exits_1_with_the_nearest_ids() -> None:
    status, out, err = run("show", "ollanta-humala-is-elected-presidnt-of-peru")
    assert (status, out) == (1, "")
    lines = err.splitlines()
    assert lines[0] == "news: no event with id 'ollanta-humala-is-elected-presidnt-of-peru'"
    assert lines[1] == "did you mean:"
    assert f"  {SEED_ID}" in lines[2:]
    assert "Traceback" not in err


def test_a_day_with_no_events_exits_1() -> None:
    status, out, err = run("show", "2011-06-07")
    assert (status, out) == (1, "")
    assert len(err.splitlines()) == 1


@needs_command("related")
def test_a_name_that_matches_nothing_exits_1() -> None:
    status, out, err = run("related", "Zzyzx Qwvk")
    assert (status, out) == (1, "")
    assert err.startswith("news: ")
    assert "Traceback" not in err


@needs_command("search")
def test_a_search_that_finds_nothing_exits_1() -> None:
    status, out, err = run("search", "zzyzxqwvk")
    assert (status, out) == (1, "")
    assert "Traceback" not in err


# -- pipes, Ctrl-C, --debug --


def _shell(command: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["/bin/sh", "-c", command], cwd=REPO, capture_output=True, text=True,
                          timeout=60, check=False, **kwargs)


@pytest.mark.parametrize("command", [
    "show 2011 --jsonl",
    "show 2011 --json",
    "show 2011",
])
def test_a_closed_pipe_prints_nothing_on_stderr(command: str) -> None:
    done = _shell(f"'{sys.executable}' -m newscli {command} | head -1")
    assert done.stderr == ""
    assert len(done.stdout.splitlines()) == 1


@pytest.mark.parametrize("form", ["", "--jsonl", "--json"])
def test_a_closed_pipe_after_check_prints_nothing_on_stderr(tmp_path: Path, form: str) -> None:
    day = tmp_path / DAY
    day.mkdir(parents=True)
    for n in range(1500):  # far more problems than a pipe holds
        (day / f"bad-{n:04}.md").write_text("---\ndate: banana\n---\n# Bad\n", encoding="utf-8")
    done = _shell(f"'{sys.executable}' -m newscli -d '{tmp_path}' check {form} | head -1")
    # nothing but the count, and that only when head read all before it quit (as GNU head may)
    assert done.stderr in ("", "news: 1500 files checked, 1500 errors, 0 warnings\n")
    assert len(done.stdout.splitlines()) == 1


@needs_command("search")
def test_a_closed_pipe_after_search_prints_nothing_on_stderr() -> None:
    done = _shell(f"'{sys.executable}' -m newscli search president --limit 0 --jsonl | head -1")
    assert done.stderr == ""
    assert len(done.stdout.splitlines()) == 1


def _many_files(root: Path, count: int) -> Path:
    day = root / "news" / "2011" / "06" / "6"
    day.mkdir(parents=True)
    for n in range(count):
        (day / f"event-{n:04}.md").write_text(f"# Event number {n}\n", encoding="utf-8")
    return root


def _events_in_cache(root: Path) -> int:
    """How many events the archive's database holds, read past news itself."""
    path = db.database_path(archive_root(root)[1])
    with contextlib.closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return int(connection.execute("SELECT count(*) FROM events").fetchone()[0])


def _stop(done: int, total: int) -> None:
    raise KeyboardInterrupt


def test_ctrl_c_during_a_first_index_leaves_nothing(tmp_path: Path) -> None:
    root = _many_files(tmp_path / "archive", 520)  # progress is reported every 400 files
    with pytest.raises(KeyboardInterrupt):
        store.open_index(root, progress=_stop)
    assert not list(db.cache_dir().glob(db.database_path(archive_root(root)[1]).name + "*"))
    assert len(store.open_index(root)) == 520


def test_ctrl_c_while_indexing_keeps_the_old_index_whole(tmp_path: Path) -> None:
    root = _many_files(tmp_path / "archive", 520)
    store.open_index(root).close()
    for n in range(9990, 9999):  # enough to parse to report progress
        (root / DAY / f"event-{n}.md").write_text("# One more\n", encoding="utf-8")
    (root / DAY / "event-0001.md").unlink()
    refresh.CHUNK, chunk = 4, refresh.CHUNK
    try:
        with pytest.raises(KeyboardInterrupt):
            store.open_index(root, progress=_stop)
    finally:
        refresh.CHUNK = chunk
    assert _events_in_cache(root) == 520
    assert len(store.open_index(root)) == 528


@pytest.mark.parametrize("interrupted_call", [1, 2, 3])
def test_ctrl_c_while_writing_leaves_the_index_whole(tmp_path: Path, interrupted_call: int) -> None:
    root = _many_files(tmp_path / "archive", 30)
    store.open_index(root).close()
    for n in range(3):
        (root / DAY / f"event-99{n}.md").write_text("# One more\n", encoding="utf-8")
    real_insert = writer.Writer.insert
    calls = []

    def insert(self: Any, chunk: Any) -> None:
        calls.append(1)
        real_insert(self, chunk)
        if len(calls) == interrupted_call:
            raise KeyboardInterrupt

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writer.Writer, "insert", insert)
        patch.setattr(refresh, "CHUNK", 1)
        with contextlib.suppress(KeyboardInterrupt):
            store.open_index(root)
    assert _events_in_cache(root) == 30  # the old index, whole
    assert len(store.open_index(root)) == 33
    assert len(store.open_index(root, use_cache=False)) == 33


def test_sigint_during_indexing_exits_130_quietly(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    shutil.copytree(SAMPLE, root)
    cache = tmp_path / "cache"
    ready = tmp_path / "indexing-started"
    slow = tmp_path / "slow_news.py"
    slow.write_text(
        "import sys, time\n"
        "from pathlib import Path\n"
        "import newscli.archive.loader as loader\n"
        "real = loader.load_file\n"
        "def load_file(path, relpath):\n"
        f"    Path({str(ready)!r}).touch()\n"
        "    time.sleep(0.05)\n"
        "    return real(path, relpath)\n"
        "loader.load_file = load_file\n"
        "from newscli.cli import main\n"
        "sys.argv = ['news', *sys.argv[1:]]\n"
        "main()\n",
        encoding="utf-8",
    )
    env = {**os.environ, "NEWS_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}
    with subprocess.Popen([sys.executable, str(slow), "-d", str(root), "show", "2011"], cwd=REPO,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        deadline = time.monotonic() + 30
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert ready.exists(), "indexing never started"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert err == ""
    assert out == ""
    # a first index is built in a file of its own: nothing is left behind
    assert sorted(cache.iterdir()) == []


# the real entry point (`python -m newscli`), paused at a chosen moment until Ctrl-C comes
_PAUSED_NEWS = """\
import atexit, importlib.abc, runpy, sys, time
from pathlib import Path

ready, moment, args = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]


def pause(*_):
    ready.touch()
    time.sleep(30)  # Ctrl-C comes now


class SlowImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "typer":
            pause()


if moment == "start-up":  # while the command line's modules import
    sys.meta_path.insert(0, SlowImport())
elif moment == "work":  # while the archive is read
    import newscli.archive.loader as loader

    real = loader.load_file
    loader.load_file = lambda *given: pause() or real(*given)
elif moment == "exit":  # as the interpreter shuts down, the answer printed
    atexit.register(pause)
sys.argv = ["news", *args]
runpy.run_module("newscli", run_name="__main__", alter_sys=True)
"""


@pytest.mark.parametrize("moment", ["start-up", "work", "exit"])
def test_ctrl_c_at_any_moment_exits_130_quietly(tmp_path: Path, moment: str) -> None:
    script, ready = tmp_path / "paused_news.py", tmp_path / "paused"
    script.write_text(_PAUSED_NEWS, encoding="utf-8")
    env = {**os.environ, "NEWS_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(REPO)}
    with subprocess.Popen([sys.executable, str(script), str(ready), moment, "show", "2011-06-06"],
                          cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as proc:
        deadline = time.monotonic() + 30
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert ready.exists(), proc.communicate()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert (proc.returncode, err) == (130, "")


def test_the_entry_point_exits_with_the_status_errors_py_names() -> None:
    from newscli import entry
    from newscli.errors import ExitStatus

    assert entry.INTERRUPTED == ExitStatus.INTERRUPTED  # spelt twice, so as to import nothing first


def test_ctrl_c_while_writing_output_exits_130_quietly() -> None:
    with subprocess.Popen([sys.executable, "-m", "newscli", "show", "2011", "--json"], cwd=REPO,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        proc.stdout.read(1)  # output has begun, and stops when the pipe is full: nobody reads it
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert (proc.returncode, err) == (130, b"")


# -- stdout closed or full: the user's environment, exit 74 --


CLOSED, FULL = ">&-", ">/dev/full"
REASONS = {CLOSED: "Bad file descriptor", FULL: "No space left on device"}


# a small output fails as it is flushed at the end, a large one as it is written; click
# writes --help itself; a bare `news` prints the help too
@pytest.mark.parametrize(("args", "redirect"), [
    ("show 2011-06-06", CLOSED), ("show 2011-06-06", FULL), ("show 2011 --json", CLOSED),
    ("show 2011 --json", FULL), ("--help", CLOSED), ("show --help", FULL), ("--version", FULL), ("", CLOSED),
])
def test_output_that_cannot_be_written_exits_74_with_one_line(args: str, redirect: str) -> None:
    if redirect == FULL and not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    done = _shell(f"'{sys.executable}' -m newscli {args} {redirect}")
    assert (done.returncode, done.stderr) == (74, f"news: cannot write output: {REASONS[redirect]}\n")


def test_nothing_to_write_on_a_closed_stdout_is_no_error() -> None:
    done = _shell(f"'{sys.executable}' -m newscli show 1999-01-01 >&-")
    assert (done.returncode, done.stderr) == (1, f"news: no events on 1999-01-01 in {SAMPLE}\n")


def test_a_reader_that_goes_away_is_exit_141_in_silence() -> None:
    with subprocess.Popen([sys.executable, "-m", "newscli", "show", "2011", "--json"], cwd=REPO,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        proc.stdout.read(1)  # then the reader goes, with more than a pipe holds still to come
        proc.stdout.close()
        _, err = proc.communicate(timeout=30)
    assert (proc.returncode, err) == (141, b"")


def test_an_internal_error_is_one_line_and_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    import newscli.query.show

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(newscli.query.show, "show", broken)
    status, out, err = run("show", "2011")
    assert (status, out) == (70, "")
    assert err == "news: internal error: RuntimeError: boom (run again with --debug for the traceback)\n"
    capsys.readouterr()
    for argv in (["--debug", "show", "2011"], ["show", "2011", "--debug"]):
        status, out, err = run(*argv)
        assert (status, out) == (70, "")  # the same status, with the traceback before the line
        assert err.startswith("news: internal error: RuntimeError: boom")
        traceback_text = capsys.readouterr().err
        assert "Traceback (most recent call last)" in traceback_text
        assert "RuntimeError: boom" in traceback_text


def test_debug_shows_the_traceback_of_bad_input() -> None:
    done = _shell(f"'{sys.executable}' -m newscli --debug show 2011-02-30")
    assert done.returncode == 2
    assert "Traceback (most recent call last)" in done.stderr
    assert "impossible date" in done.stderr
    plain = _shell(f"'{sys.executable}' -m newscli show 2011-02-30")
    assert (plain.returncode, plain.stderr) == (2, "news: impossible date: '2011-02-30'\n")
