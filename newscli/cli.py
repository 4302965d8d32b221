"""The command line: parse arguments, call the core, hand the result to render.py.

No file I/O and no tables here.  Exit codes are decided in one place, `NewsGroup.main`.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from typer._click.shell_completion import CompletionItem
from typer._click.types import StringParamType
from typer.core import TyperCommand, TyperGroup

from newscli import __version__
from newscli.errors import BadInput, CannotWrite, ExitStatus, NewsError, NothingFound
from newscli.filters import Filters, NameSort, Period, Sort
from newscli.render import (
    EVENT_FIELDS,
    NAME_FIELDS,
    PROBLEM_FIELDS,
    RELATED_FIELDS,
    SEARCH_FIELDS,
    STATS_FIELDS,
    TIMELINE_FIELDS,
    Format,
    error_line,
    ids_shown,
    indexing_progress,
    note_line,
    parse_fields,
    render,
    web_address,
)
from newscli.results import Explored, Result
from newscli.terminal import ColorChoice, Terminal

if TYPE_CHECKING:
    from newscli.complete import Kind
    from newscli.dates import DateRange
    from newscli.index import Index
    from newscli.models import Event

T = TypeVar("T")

# -- shell completion --


class Completed(StringParamType):
    """Text that a shell completes from the archive's index (complete.py): entity names,
    event ids, dates.  A parameter type rather than typer's `autocompletion`, which keeps
    only the values that open with the text exactly as typed: `olla` would not complete to
    `Ollanta Humala`, nor a value escaped for bash ever be given."""

    def __init__(self, kind: Kind) -> None:
        self.kind: Kind = kind

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
        from newscli.complete import candidates

        root = ctx.find_root()
        shell = os.environ.get(f"_{(root.info_name or 'news').replace('-', '_').upper()}_COMPLETE", "")
        values = candidates(self.kind, _completion_data_dir(ctx), incomplete)
        return [CompletionItem(_bash_word(v) if shell.endswith("_bash") else v) for v in values]


def _plain_text(text: str) -> str:
    return text


def _completion_data_dir(ctx: Any) -> Path:
    """The archive of the command line being completed: its -d (after the command name or
    before it), else NEWS_DATA_DIR, else the bundled sample."""
    from newscli.files import default_data_dir

    while ctx is not None:
        value = ctx.params.get("data_dir")
        if value and value.strip():
            return Path(value).expanduser()
        ctx = ctx.parent
    return default_data_dir()


# bash inserts a completion as it is given (zsh and fish quote it themselves)
_BASH_SPECIAL = re.compile(r"""([\s'"\\$`!&;|<>()\[\]{}*?#~])""")


def _bash_word(value: str) -> str:
    return _BASH_SPECIAL.sub(r"\\\1", value)


# -- options every command spells the same way --

DataDirOption = Annotated[
    str | None,
    typer.Option("--data-dir", "-d", help="Archive folder (holds news/). [env: NEWS_DATA_DIR; "
                 "default: the bundled sample]", show_default=False, file_okay=True,
                 dir_okay=True, resolve_path=False, metavar="PATH"),
]
FormatOption = Annotated[
    Format | None, typer.Option("--format", "-f", help="Output format.", show_default=False)
]
JsonOption = Annotated[bool, typer.Option("--json", help="Same as --format json.")]
JsonlOption = Annotated[bool, typer.Option("--jsonl", help="Same as --format jsonl.")]
FieldsOption = Annotated[
    str | None,
    typer.Option("--fields", help="The fields to print, comma-separated and in that order: for JSON, "
                 "JSONL, CSV and rows (also on a terminal).  A wrong one lists those there are.",
                 show_default=False, metavar="A,B,C"),
]
ColorOption = Annotated[
    ColorChoice | None,
    typer.Option("--color", help="Colour: auto (a terminal without NO_COLOR), always, never.",
                 show_default=False),
]
NoPagerOption = Annotated[
    bool, typer.Option("--no-pager", help="Never page output longer than the screen. [pager: "
                       "NEWS_PAGER, else PAGER, else less -FRX]")
]
# read from the command line by NewsGroup.main; declared so that every command accepts it
DebugOption = Annotated[bool, typer.Option("--debug", help="Show the traceback of any error.")]
NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="Parse every file again; neither read nor write the index.")
]


class NewsGroup(TyperGroup):
    """Turns our exceptions, usage errors, Ctrl-C, closed pipes and failed writes into exit codes."""

    def main(self, *args: Any, **kwargs: Any) -> NoReturn:
        kwargs["standalone_mode"] = False
        argv = kwargs.get("args") or (args[0] if args else None) or sys.argv[1:]
        given = kwargs.get("obj")
        terminal = given if isinstance(given, Terminal) else None
        try:
            status = super().main(*args, **kwargs)
        except KeyboardInterrupt:
            status = ExitStatus.INTERRUPTED
        except BrokenPipeError:
            _silence_stdout()
            status = ExitStatus.BROKEN_PIPE
        except Exception as exc:
            if _debugging(argv) and not _is_exit(exc):
                traceback.print_exc()  # and then the usual line and exit status
            status = _report(exc, terminal or Terminal.detect())
        # what is still buffered is written now, while a failure can still be reported
        sys.exit(_write_stdout(sys.stdout.flush, terminal) or int(status or 0))

    def get_help_option(self, ctx: Any) -> Any:
        return _help_writes_output(super().get_help_option(ctx))

    def _main_shell_completion(self, ctx_args: Any, prog_name: str, complete_var: str | None = None) -> None:
        """A Tab (the completion protocol's variable is set): typer answers and exits."""
        import typer._completion_classes

        # typer passes the help of each command and option it offers zsh and fish through rich,
        # to drop markup ours never has (rich_markup_mode=None): importing rich would add half
        # the time of a Tab
        typer._completion_classes._sanitize_help_text = _plain_text
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def get_params(self, ctx: Any) -> Any:
        params = super().get_params(ctx)
        for param in params:
            if param.name in ("show_completion", "install_completion"):
                _completion_option(param)
        return params


class NewsCommand(TyperCommand):
    """A command whose --help output is reported like ours when it cannot be written."""

    def get_help_option(self, ctx: Any) -> Any:
        return _help_writes_output(super().get_help_option(ctx))


def _help_writes_output(option: Any) -> Any:
    """click writes --help itself: a failed write there is reported as ours are (exit 74)."""
    show_help = getattr(option, "callback", None)
    if show_help is None or hasattr(show_help, "__wrapped__"):  # none, or wrapped already
        return option

    @functools.wraps(show_help)
    def callback(*args: Any) -> Any:
        with _writing_output():
            return show_help(*args)

    option.callback = callback
    return option


SHELLS = ("bash", "zsh", "fish")  # and typer's powershell and pwsh, whose scripts quote nothing


def _completion_option(option: Any) -> Any:
    """typer's --show-completion and --install-completion, which detect the shell they run in:
    a shell they have no script for, a failed write and a file they cannot write are
    reported as ours are."""
    act = getattr(option, "callback", None)
    if act is None or getattr(act, "news_checked", False):  # none, or wrapped already
        return option

    @functools.wraps(act)
    def callback(ctx: Any, param: Any, value: Any) -> Any:
        if value and not ctx.resilient_parsing:
            from typer._completion_shared import Shells, _get_shell_name

            shell = value if isinstance(value, str) else _get_shell_name()
            if shell not in {s.value for s in Shells}:
                raise BadInput(f"no completion for {'the shell ' + repr(shell) if shell else 'this shell'}: "
                               f"run it from {', '.join(SHELLS[:-1])} or {SHELLS[-1]}, or print one's script "
                               "with _NEWS_COMPLETE=source_SHELL news")
        with _writing_output():
            return act(ctx, param, value)

    callback.news_checked = True  # type: ignore[attr-defined]
    option.callback = callback
    return option


def _write_stdout(write: Callable[[], object], terminal: Terminal | None) -> int | None:
    """Call `write`, which writes stdout: None if it could, else the exit status that calls for."""
    try:
        with _writing_output():
            write()
    except BrokenPipeError:
        _silence_stdout()
        return ExitStatus.BROKEN_PIPE
    except CannotWrite as exc:
        return _report(exc, terminal or Terminal.detect())
    return None


@contextmanager
def _writing_output() -> Iterator[None]:
    """Around writes to stdout: an OSError there (stdout closed, a full disk) is the user's
    environment, not a bug of ours, so it becomes `CannotWrite` (exit 74).  Elsewhere an
    OSError stays an internal error: the core turns every file it cannot read into a problem."""
    try:
        yield
    except BrokenPipeError:
        raise  # the reader went away (`| head -1`): exit 141, in silence
    except OSError as exc:
        raise CannotWrite(exc) from exc


def _debugging(argv: list[str]) -> bool:
    options = argv[: argv.index("--")] if "--" in argv else argv
    return "--debug" in options


def _is_exit(exc: Exception) -> bool:
    # typer vendors click, so its exceptions are recognised by shape, not by class
    return isinstance(exc, typer.Exit) or type(exc).__name__ == "Exit"


def _report(exc: Exception, terminal: Terminal) -> int:
    """One line on stderr for what went wrong; the exit status it calls for."""
    if _is_exit(exc):
        return int(getattr(exc, "exit_code", 0))
    if isinstance(exc, NewsError):
        if isinstance(exc, CannotWrite):
            _silence_stdout()  # else what is still buffered fails once more as Python exits
        error_line(terminal, exc.message, exc.suggestions)
        return exc.exit_status
    if isinstance(exc, typer.Abort) or type(exc).__name__ == "Abort":
        return ExitStatus.INTERRUPTED
    if type(exc).__name__ == "NoArgsIsHelpError":  # a bare `news`: the help it asks for
        context = getattr(exc, "ctx", None)
        help_text = context.get_help() + "\n" if context else ""
        return _write_stdout(lambda: terminal.stdout.write(help_text), terminal) or ExitStatus.OK
    if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):  # a usage error
        command = getattr(getattr(exc, "ctx", None), "command_path", None) or "news"
        error_line(terminal, f"{exc.format_message()} (see '{command} --help')")
        return ExitStatus.BAD_INPUT
    error_line(terminal, f"internal error: {type(exc).__name__}: {exc} "
               "(run again with --debug for the traceback)")
    return ExitStatus.INTERNAL_ERROR


def _silence_stdout() -> None:
    """After the reader of a pipe has gone (`| head -1`), drop what is still buffered."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


app = typer.Typer(
    cls=NewsGroup,
    name="news",
    help="Answer questions about a local archive of news events.\n\n"
    "Example: news show 2011-06-06",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class State:
    """What the top-level options said, for the commands to combine with their own."""

    def __init__(self, terminal: Terminal, data_dir: str | None, no_cache: bool) -> None:
        self.terminal = terminal
        self.data_dir = data_dir
        self.no_cache = no_cache


def _version(value: bool) -> None:
    if value:
        with _writing_output():
            typer.echo(f"news {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    data_dir: Annotated[
        str | None,  # text, not Path: Path("") would quietly be the current folder
        typer.Option("--data-dir", "-d", envvar="NEWS_DATA_DIR", show_default=False, metavar="PATH",
                     help="Archive folder (holds news/). [default: the bundled sample]"),
    ] = None,
    color: ColorOption = None,
    no_cache: NoCacheOption = False,
    no_pager: NoPagerOption = False,
    debug: DebugOption = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True,
                           help="Print the version and exit.")
    ] = False,
) -> None:
    terminal = ctx.obj if isinstance(ctx.obj, Terminal) else Terminal.detect()
    ctx.obj = State(terminal.with_color(color).without_pager(no_pager), data_dir, no_cache)


# -- helpers the commands share --


def _output_format(fmt: Format | None, as_json: bool, as_jsonl: bool) -> Format:
    chosen = {f for f, on in ((Format.json, as_json), (Format.jsonl, as_jsonl)) if on}
    if fmt is not None:
        chosen.add(fmt)
    if len(chosen) > 1:
        names = ", ".join(sorted(f.value for f in chosen))
        raise BadInput(f"conflicting output formats: {names}; choose one")
    return chosen.pop() if chosen else Format.table


def _answer(
    ctx: typer.Context,
    query: Callable[[Index], Result | Explored],
    data_dir: str | None,
    fmt: Format | None,
    as_json: bool,
    as_jsonl: bool,
    color: ColorChoice | None,
    no_cache: bool = False,
    *,
    fields: Sequence[str] | None = None,
    no_pager: bool = False,
    note_skipped: bool = True,
    rebuild: bool = False,
) -> int:
    """Open the archive's index, run `query` on it and print the result: every command's last
    step."""
    state: State = ctx.find_root().obj
    output = _output_format(fmt, as_json, as_jsonl)  # bad arguments fail before any reading
    terminal = state.terminal.with_color(color).without_pager(no_pager)
    wants_short_ids = output is Format.table and terminal.stdout_is_tty and fields is None

    def ask(index: Index) -> tuple[Result | Explored, dict[str, str]]:
        result = query(index)
        return result, index.short_ids(ids_shown(result)) if wants_short_ids else {}

    result, short_ids = _ask(ctx, ask, data_dir, no_cache, note_skipped=note_skipped, rebuild=rebuild)
    return _render(result, output, terminal, fields, short_ids)


def _ask(ctx: typer.Context, question: Callable[[Index], T], data_dir: str | None, no_cache: bool,
         *, note_skipped: bool = True, rebuild: bool = False) -> T:
    """Open the archive's index (a progress bar on stderr while it is brought up to date)
    and ask it `question`."""
    from newscli.files import default_data_dir
    from newscli.store import answer

    state: State = ctx.find_root().obj
    folder = data_dir if data_dir is not None else state.data_dir
    if folder is not None and not folder.strip():
        raise BadInput("the data directory is empty (see --data-dir and NEWS_DATA_DIR)")

    def ask(index: Index) -> tuple[T, int]:
        return question(index), index.skipped

    with indexing_progress(state.terminal) as progress:
        found, skipped = answer(Path(folder) if folder else default_data_dir(), ask, progress=progress,
                                use_cache=not (state.no_cache or no_cache), rebuild=rebuild,
                                notify=lambda message: note_line(state.terminal, message))
    if skipped and note_skipped:
        note_line(state.terminal, f"{skipped} file{'s' if skipped != 1 else ''} skipped; run news check")
    return found


def _render(result: Result | Explored, output: Format, terminal: Terminal,
            fields: Sequence[str] | None = None, short_ids: Mapping[str, str] | None = None) -> int:
    try:
        with _writing_output():
            return render(result, output, terminal, fields=fields, short_ids=short_ids)
    except BrokenPipeError:  # `news ... | head -1`: the reader has all it wanted
        _silence_stdout()
        return ExitStatus.BROKEN_PIPE


def _fields(text: str | None, valid: Sequence[str], command: str) -> tuple[str, ...] | None:
    """--fields, checked against what the command's rows can hold before anything is read."""
    return None if text is None else parse_fields(text, valid, f"news {command}")


# -- commands --

# shared by the commands that list events
FromOption = Annotated[str | None, typer.Option(
    "--from", help="From this day, month or year (inclusive); today and yesterday are days.",
    show_default=False, metavar="DATE", click_type=Completed("date"))]
ToOption = Annotated[str | None, typer.Option(
    "--to", help="To this day, month or year (inclusive); today and yesterday are days.",
    show_default=False, metavar="DATE", click_type=Completed("date"))]
OnOption = Annotated[str | None, typer.Option(
    "--on", help="Only this day, month or year, or FROM..TO.", show_default=False, metavar="DATE",
    click_type=Completed("date"))]
CategoryOption = Annotated[str | None, typer.Option("--category", help="Category containing TEXT.",
                                                   show_default=False, metavar="TEXT")]
SourceOption = Annotated[str | None, typer.Option("--source", help="Source name or domain containing NAME.",
                                                 show_default=False, metavar="NAME")]
EntityOption = Annotated[str | None, typer.Option("--entity", help="About this entity (fuzzy-matched).",
                                                 show_default=False, metavar="NAME",
                                                 click_type=Completed("name"))]
LimitOption = Annotated[int, typer.Option("--limit", "-n", min=0, metavar="N",
                                          help="Most rows to show; 0 for all.")]


class DateSort(str, Enum):
    """The orders of a listing by date alone."""

    date = "date"
    newest = "-date"


# one order option per command: each has its own choices and its own default
ShowSortOption = Annotated[DateSort | None, typer.Option(
    "--sort", help="date (oldest first, then the day's own order) or -date (its exact reverse). "
    "[default: date]", show_default=False)]
SearchSortOption = Annotated[Sort | None, typer.Option(
    "--sort", help="relevance, date (oldest first) or -date (newest first). [default: relevance]",
    show_default=False)]
RelatedSortOption = Annotated[DateSort | None, typer.Option(
    "--sort", help="date (oldest first) or -date (newest first). [default: date for a name's "
    "timeline; for an event, its own links, then events sharing its entities, rarest first]",
    show_default=False)]


def _examples(*lines: str, after: str = "") -> str:
    """An epilog of examples, one a line and never re-wrapped (click's \\b paragraph)."""
    text = "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
    return f"{text}\n\n{after}" if after else text


@app.command(
    cls=NewsCommand,
    epilog=_examples("news show 2011-06-06", "news show 2011 -n 10 --sort -date",
                     "news show 2011-06 --json | jq length", "news show 2011-06-06/ollanta-humala",
                     "news show ollanta-humala-is-elected --web",
                     "news show 2011-06-06 --fields id,title,entities --format csv"),
)
def show(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(
        help="A day (2011-06-06, 2011-6-6, 2011/06/06), a month (2011-06), a year (2011), "
        "or an event: its id, short id (as a terminal shows it), slug or unambiguous slug prefix.",
        metavar="DATE|ID", click_type=Completed("date-or-event"))],
    limit: LimitOption = 0,
    sort: ShowSortOption = None,
    web: Annotated[bool, typer.Option("--web", help="Open the event's first source in the web "
                                      "browser (BROWSER is honoured).")] = False,
    edit: Annotated[bool, typer.Option("--edit", help="Edit the event's file with VISUAL, else "
                                       "EDITOR.")] = False,
    fields: FieldsOption = None,
    data_dir: DataDirOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_jsonl: JsonlOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    no_cache: NoCacheOption = False,
    debug: DebugOption = False,
) -> int:
    """Show the events of a day, month or year (all, unless --limit), or one event in full."""
    from newscli.dates import looks_like_date, parse_date_range
    from newscli.show import show as show_query

    if not what.strip():
        raise BadInput("give a date or an event id")
    chosen = _fields(fields, EVENT_FIELDS, "show")
    if web and edit:
        raise BadInput("--web and --edit: choose one")
    if looks_like_date(what):
        parse_date_range(what)  # an impossible date is bad input before any loading
        if web or edit:
            raise BadInput(f"{'--web' if web else '--edit'} takes an event id, not a date")
    newest = sort is DateSort.newest
    if web or edit:
        return _open_event(ctx, what, data_dir, no_cache, web=web, edit=edit)
    return _answer(ctx, lambda index: show_query(index, what, limit, newest), data_dir, fmt, as_json,
                   as_jsonl, color, no_cache, fields=chosen, no_pager=no_pager)


def _open_event(ctx: typer.Context, what: str, data_dir: str | None, no_cache: bool, *, web: bool,
                edit: bool) -> int:
    """`show ID --web` and `--edit`: hand the event's first web address to the browser, or its
    file to the editor."""
    from newscli.show import show_event
    from newscli.terminal import editor_command

    state: State = ctx.find_root().obj
    terminal = state.terminal
    editor = editor_command(os.environ) if edit else None
    if edit and editor is None:
        raise BadInput("set VISUAL or EDITOR to the editor to use")
    detail, root = _ask(ctx, lambda index: (show_event(index, what), index.root), data_dir, no_cache)
    if detail.event is None:
        return _render(detail, Format.table, terminal)  # why nothing was found: exit 1
    if editor is not None:
        return _edit(terminal, editor, detail.event, root)
    url = next((web_address(s.url) for s in detail.event.sources if web_address(s.url)), None)
    if url is None:
        raise NothingFound(f"{detail.event.id} has no source with a web address")
    note_line(terminal, f"opening {url}")
    if not terminal.launcher.browse(url):
        raise NothingFound(f"no web browser could be started for {url} (see BROWSER)")
    return ExitStatus.OK


def _edit(terminal: Terminal, editor: list[str], event: Event, root: str) -> int:
    path = str(Path(root) / event.path)
    try:
        status = terminal.launcher.edit([*editor, path])
    except OSError as exc:
        raise BadInput(f"cannot run the editor {editor[0]!r}: {exc.strerror or exc}") from None
    if status:
        raise NothingFound(f"the editor {editor[0]!r} exited with status {status}")
    return ExitStatus.OK


def _filters(date_from: str | None, date_to: str | None, on: str | None, category: str | None,
             source: str | None, entity: str | None) -> Filters:
    from newscli.dates import between, parse_date_range

    if on and (date_from or date_to):
        raise BadInput("--on cannot be combined with --from or --to")
    span = parse_date_range(on) if on else between(
        parse_date_range(date_from, ranges=False) if date_from else None,
        parse_date_range(date_to, ranges=False) if date_to else None,
    )
    for flag, value in (("--category", category), ("--source", source), ("--entity", entity)):
        if value is not None and not value.strip():
            raise BadInput(f"{flag} needs a value")
    category, source, entity = (v.strip() if v else None for v in (category, source, entity))
    return Filters(span, category, source, entity)


@app.command(
    cls=NewsCommand,
    epilog=_examples('news search "peru runoff"', "news search fujimoro --from 2011 --to 2016-06",
                     "news search '\"state of emergency\"' --sort -date --limit 5",
                     "news search --entity \"Keiko Fujimori\" --json | jq -r '.[].title'",
                     "news search humala --fields id,score | sort -t$'\\t' -k2 -rn"),
)
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to look for; \"quoted words\" must appear together.",
                                         show_default=False, metavar="QUERY")] = "",
    date_from: FromOption = None,
    date_to: ToOption = None,
    on: OnOption = None,
    category: CategoryOption = None,
    source: SourceOption = None,
    entity: EntityOption = None,
    sort: SearchSortOption = None,
    limit: LimitOption = 20,
    fields: FieldsOption = None,
    data_dir: DataDirOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_jsonl: JsonlOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    no_cache: NoCacheOption = False,
    debug: DebugOption = False,
) -> int:
    """Search the archive: ranked, typo-tolerant, with date and other filters."""
    from newscli.search import SearchQuery
    from newscli.search import search as run_search

    chosen = _fields(fields, SEARCH_FIELDS, "search")
    filters = _filters(date_from, date_to, on, category, source, entity)
    if not query.strip() and not filters.any():
        raise BadInput("empty query: give words to search for, or a filter such as --on 2011-06-06")
    wanted = SearchQuery(query, filters, sort or Sort.relevance, limit)
    return _answer(ctx, lambda index: run_search(index, wanted), data_dir, fmt, as_json,
                   as_jsonl, color, no_cache, fields=chosen, no_pager=no_pager)


@app.command(
    cls=NewsCommand,
    epilog=_examples('news related "Ollanta Humala"', "news related humala --from 2011 --sort -date",
                     "news related 2011-06-06/ollanta-humala",
                     "news related 2011-06-06/ollanta-humala --fields via,title --limit 0"),
)
def related(
    ctx: typer.Context,
    name_or_id: Annotated[str, typer.Argument(
        help="An entity name (fuzzy-matched), or an event id, short id or whole slug.",
        metavar="NAME|ID", show_default=False, click_type=Completed("name-or-event"))],
    date_from: FromOption = None,
    date_to: ToOption = None,
    on: OnOption = None,
    category: CategoryOption = None,
    source: SourceOption = None,
    entity: EntityOption = None,
    sort: RelatedSortOption = None,
    limit: LimitOption = 20,
    fields: FieldsOption = None,
    data_dir: DataDirOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_jsonl: JsonlOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    no_cache: NoCacheOption = False,
    debug: DebugOption = False,
) -> int:
    """Events about an entity (oldest first), or the events related to one event."""
    from newscli.related import related as run_related
    from newscli.search import SearchQuery

    if not name_or_id.strip():
        raise BadInput("give an entity name or an event id")
    # a name gives events, an event its related rows: either's fields, checked again once known
    chosen = _fields(fields, tuple(dict.fromkeys((*EVENT_FIELDS, *RELATED_FIELDS))), "related")
    order = Sort(sort.value) if sort else None
    wanted = SearchQuery("", _filters(date_from, date_to, on, category, source, entity), order, limit)
    return _answer(ctx, lambda index: run_related(index, name_or_id, wanted), data_dir, fmt,
                   as_json, as_jsonl, color, no_cache, fields=chosen, no_pager=no_pager)


# -- exploring: timeline, entities, sources, stories, stats, on this day --


def _span(date_from: str | None, date_to: str | None) -> DateRange | None:
    return _filters(date_from, date_to, None, None, None, None).span


@app.command(
    "timeline",
    cls=NewsCommand,
    epilog="Examples:\n\n  news timeline \"Ollanta Humala\"\n\n"
    "  news timeline humala --by month --from 2011 --to 2011\n\n"
    "  news timeline --query \"state of emergency\" --json | jq -r '.[] | [.period, .count] | @tsv'\n\n"
    "A name is matched as `news related NAME` matches it; text that names no entity (or any "
    "text, with --query) counts the events `news search TEXT --limit 0` finds.",
)
def timeline_command(
    ctx: typer.Context,
    name_or_query: Annotated[str, typer.Argument(
        help="An entity name (fuzzy-matched), or words to search for.", metavar="NAME|QUERY",
        show_default=False)],
    by: Annotated[Period, typer.Option("--by", help="Count per year, month, week (ISO) or day.")
                  ] = Period.year,
    as_search: Annotated[bool, typer.Option(
        "--query", help="Read the argument as a search, never as a name.")] = False,
    date_from: FromOption = None,
    date_to: ToOption = None,
    fields: FieldsOption = None,
    data_dir: DataDirOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_jsonl: JsonlOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    no_cache: NoCacheOption = False,
    debug: DebugOption = False,
) -> int:
    """How many events per year (month, week, day) mention a name or match a search."""
    from newscli.explore import TimelineQuery, timeline

    if not name_or_query.strip():
        raise BadInput("give a name or words to search for")
    chosen = _fields(fields, TIMELINE_FIELDS, "timeline")
    wanted = TimelineQuery(name_or_query, by, _span(date_from, date_to), as_search)
    return _answer(ctx, lambda index: timeline(index, wanted), data_dir, fmt, as_json, as_jsonl,
                   color, no_cache, fields=chosen, no_pager=no_pager)


PatternArgument = Annotated[str | None, typer.Argument(
    help="Only names holding this (case, accents and small typos aside).", metavar="[PATTERN]",
    show_default=False)]
NameSortOption = Annotated[NameSort, typer.Option(
    "--sort", help="count (most events first), name, first (first to appear first) or last "
    "(last seen first).")]


def _names(ctx: typer.Context, kind: str, pattern: str | None, sort: NameSort, limit: int,
           date_from: str | None, date_to: str | None, fields: str | None, data_dir: str | None,
           fmt: Format | None, as_json: bool, as_jsonl: bool, color: ColorChoice | None,
           no_pager: bool, no_cache: bool) -> int:
    from newscli.names import NamesQuery, names

    if pattern is not None and not pattern.strip():
        raise BadInput("the pattern is empty: give some of a name, or none for all")
    chosen = _fields(fields, NAME_FIELDS, kind)
    wanted = NamesQuery(kind, pattern.strip() if pattern else None, sort, limit,
                        _span(date_from, date_to))
    return _answer(ctx, lambda index: names(index, wanted), data_dir, fmt, as_json, as_jsonl, color,
                   no_cache, fields=chosen, no_pager=no_pager)


@app.command(
    cls=NewsCommand,
    epilog="Examples:\n\n  news entities\n\n  news entities fujimori\n\n"
    "  news entities --from 2011 --to 2011 --limit 5\n\n"
    "  news entities --sort first --json | jq -r '.[0].name'\n\n"
    "count is the number of events that list the name.",
)
def entities(
    ctx: typer.Context,
    pattern: PatternArgument = None,
    sort: NameSortOption = NameSort.by_count,
    limit: LimitOption = 20,
    date_from: FromOption = None,
    date_to: ToOption = None,
    fields: FieldsOption = None,
    data_dir: DataDirOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_jsonl: JsonlOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    no_cache: NoCacheOption = False,
    debug: DebugOption = False,
) -> int:
    """The archive's entities with their number of events, first and last dates."""
    return _names(ctx, "entities", pattern, sort, limit, date_from, date_to, fields, data_dir, fmt,
                  as_json, as_jsonl, color, no_pager, no_cache)


@app.command(
    cls=NewsCommand,
    epilog="Examples:\n\n  news sources\n\n  news sources reuters\n\n"
    "  news sources --sort last --limit 0 | cut -f1,4",
)
def sources(
    ctx: typer.Context,
    pattern: PatternArgument = None,
    sort: NameSortOption = NameSort.by_count,
    limit: LimitOption = 20,
    date_from: FromOption = None,
    date_to: ToOption = None,
    fields: FieldsOption = None,
    data_dir: DataDirOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_jsonl: JsonlOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    no_cache: NoCacheOption = False,
    debug: DebugOption = False,
) -> int:
    """The sources events cite, with their number of events, first and last dates."""
    return _names(ctx, "sources", pattern, sort, limit, date_from, date_to, fields, data_dir, fmt,
                  as_json, as_jsonl, color, no_pager, no_cache)


@app.command(
    cls=NewsCommand,
    epilog="Examples:\n\n  news stories\n\n  news stories \"civil war\" --sort first\n\n"
    "  news stories libya --json | jq -r '.[] | \"\\(.count) \\(.name)\"'\n\n"
    "A story is the frontmatter's story field, which only part of an archive may carry.",
)
def stories(
    ctx: typer.Context,
    pattern: PatternArgument = None,
    sort: NameSortOption = NameSort.by_count,
    limit: LimitOption = 20,
    date_from: FromOption = None,
    date_to: ToOption = None,
    fields: FieldsOption = None,
    data_dir: DataDirOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_jsonl: JsonlOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    no_cache: NoCacheOption = False,
    debug: DebugOption = False,
) -> int:
    """The stories events belong to, with their number of events, first and last dates."""
    return _names(ctx, "stories", pattern, sort, limit, date_from, date_to, fields, data_dir, fmt,
                  as_json, as_jsonl, color, no_pager, no_cache)


@app.command(
    cls=NewsCommand,
    epilog="Examples:\n\n  news stats\n\n  news stats --from 2011 --to 2011\n\n"
    "  news stats --json | jq '.per_year[] | select(.count > 5000)'\n\n"
    "  news stats | grep ^top_sources",
)
def stats(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0,
                                       help="Names in each top list; 0 for all.")] = 10,
    date_from: FromOption = None,
    date_to: ToOption = None,
    fields: FieldsOption = None,
    data_dir: DataDirOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_jsonl: JsonlOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    no_cache: NoCacheOption = False,
    debug: DebugOption = False,
) -> int:
    """The archive at a glance: events, days, dates, events per year, top names, categories."""
    from newscli.explore import stats as archive_stats

    chosen = _fields(fields, STATS_FIELDS, "stats")
    span = _span(date_from, date_to)
    return _answer(ctx, lambda index: archive_stats(index, span, limit), data_dir, fmt, as_json,
                   as_jsonl, color, no_cache, fields=chosen, no_pager=no_pager)


@app.command(
    "on-this-day",
    cls=NewsCommand,
    epilog="Examples:\n\n  news on-this-day\n\n  news on-this-day 06-06 --limit 0\n\n"
    "  news on-this-day yesterday --from 2010 --json | jq -r '.[].title'",
)
def on_this_day_command(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(
        help="A day of the year: MM-DD (06-06, 6-6), today or yesterday. [default: today]",
        metavar="[MM-DD]", show_default=False)] = "today",
    limit: LimitOption = 20,
    date_from: FromOption = None,
    date_to: ToOption = None,
    fields: FieldsOption = None,
    data_dir: DataDirOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_jsonl: JsonlOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    no_cache: NoCacheOption = False,
    debug: DebugOption = False,
) -> int:
    """The events of one calendar day in every year, newest first."""
    from newscli.dates import parse_month_day
    from newscli.explore import on_this_day

    chosen = _fields(fields, EVENT_FIELDS, "on-this-day")
    month, mday = parse_month_day(day)  # bad input before any reading
    span = _span(date_from, date_to)
    return _answer(ctx, lambda index: on_this_day(index, month, mday, limit, span), data_dir, fmt,
                   as_json, as_jsonl, color, no_cache, fields=chosen, no_pager=no_pager)


@app.command(
    cls=NewsCommand,
    epilog=_examples("news check", "news check --verbose",
                     "news check --json | jq -r '.[] | select(.severity == \"error\") | .path' | sort -u",
                     after="Exit status: 0 when there is no error (warnings alone, such as related "
                     "links to files the archive lacks, exit 0), 1 when there is any.  Files over "
                     "100 MB are reported, not read."),
)
def check(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="List each dangling related link instead of counting them.")] = False,
    fields: FieldsOption = None,
    data_dir: DataDirOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_jsonl: JsonlOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    no_cache: NoCacheOption = False,
    debug: DebugOption = False,
) -> int:
    """Report every problem in the archive, one line each, then a count."""
    from newscli.check import check as check_archive

    chosen = _fields(fields, PROBLEM_FIELDS, "check")
    return _answer(ctx, lambda index: check_archive(index, verbose), data_dir, fmt, as_json,
                   as_jsonl, color, no_cache, fields=chosen, no_pager=no_pager,
                   note_skipped=False)  # the report names the skipped files


@app.command(
    "index",
    cls=NewsCommand,
    epilog=_examples("news index", "news -d ~/archive index --rebuild",
                     "sqlite3 \"$(news index --json | jq -r .database)\" 'SELECT count(*) FROM events'",
                     after="Every command brings the index up to date by itself; this one says what "
                     "it did and where the database is."),
)
def index_command(
    ctx: typer.Context,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Make the index again from nothing.")] = False,
    data_dir: DataDirOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_jsonl: JsonlOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    no_cache: NoCacheOption = False,
    debug: DebugOption = False,
) -> int:
    """Bring the index up to date now and report files, events, changes, time and its path."""
    from newscli.store import index_report

    return _answer(ctx, index_report, data_dir, fmt, as_json, as_jsonl, color, no_cache,
                   no_pager=no_pager, note_skipped=False, rebuild=rebuild)


@app.command(
    "cache",
    cls=NewsCommand,
    epilog=_examples("news cache", "news cache --prune", "news cache --json | jq -r '.[].archive'"),
)
def cache_command(
    ctx: typer.Context,
    clear: Annotated[bool, typer.Option("--clear", help="Remove every index.")] = False,
    prune: Annotated[bool, typer.Option("--prune", help="Remove the indexes of archives that are gone.")
                     ] = False,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_jsonl: JsonlOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    debug: DebugOption = False,
) -> int:
    """List the indexes in the cache folder (archive, size, last refreshed, whether it exists)."""
    from newscli.store import cache_report

    state: State = ctx.find_root().obj
    output = _output_format(fmt, as_json, as_jsonl)
    if clear and prune:
        raise BadInput("--clear already removes what --prune would; give one of them")
    return _render(cache_report(clear, prune), output,
                   state.terminal.with_color(color).without_pager(no_pager))


def main() -> NoReturn:
    """The `news` console script."""
    app(prog_name="news")
    raise AssertionError("unreachable: NewsGroup.main always exits")  # pragma: no cover
