"""The `news` command line: the typer app and its group, which turns our exceptions, usage
errors, Ctrl-C, closed pipes and failed writes into exit codes in one place
(`NewsGroup.main`).  The commands are in cli/commands/, one module each; this module
parses nothing itself and does no file I/O."""

from __future__ import annotations

import functools
import importlib
import sys
import traceback
from collections.abc import Callable
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from newscli import __version__
from newscli.cli.completion import plain_text
from newscli.cli.root import ColorOption, DebugOption, NoCacheOption, NoPagerOption, State
from newscli.cli.streams import silence_stdout, writing_output
from newscli.errors import BadInput, CannotWrite, ExitStatus, NewsError
from newscli.output.terminal import Terminal

# the commands in the order --help lists them, each with its module in cli/commands/: a
# module is imported only when one of its commands runs (or --help lists them all), as
# importing every command, with its queries and output, was half of a run's start-up
COMMANDS = {"show": "show", "search": "search", "related": "related", "timeline": "explore",
            "entities": "names", "sources": "names", "stories": "names", "stats": "explore",
            "on-this-day": "explore", "check": "check", "index": "maintenance", "cache": "maintenance",
            "watch": "watch"}


class NewsGroup(TyperGroup):
    """Turns our exceptions, usage errors, Ctrl-C, closed pipes and failed writes into exit codes."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self._load(COMMANDS[cmd_name])
        return self.commands.get(cmd_name)

    def _load(self, module: str) -> None:
        """Import a module of cli/commands/ and build the commands it registers on `app`."""
        importlib.import_module(f"newscli.cli.commands.{module}")
        for info in app.registered_commands:
            command = typer.main.get_command_from_info(info, pretty_exceptions_short=True,
                                                       rich_markup_mode=None)
            if command.name and command.name not in self.commands:
                self.commands[command.name] = command

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
            silence_stdout()
            status = ExitStatus.BROKEN_PIPE
        except Exception as exc:
            if _debugging(argv) and not _is_exit(exc):
                traceback.print_exc()  # and then the usual line and exit status
            status = report(exc, terminal or Terminal.detect())
        # what is still buffered is written now, while a failure can still be reported
        sys.exit(write_stdout(sys.stdout.flush, terminal) or int(status or 0))

    def get_help_option(self, ctx: Any) -> Any:
        return _help_writes_output(super().get_help_option(ctx))

    def _main_shell_completion(self, ctx_args: Any, prog_name: str, complete_var: str | None = None) -> None:
        """A Tab (the completion protocol's variable is set): typer answers and exits."""
        import typer._completion_classes

        # typer passes the help of each command and option it offers zsh and fish through rich,
        # to drop markup ours never has (rich_markup_mode=None): importing rich would add half
        # the time of a Tab
        typer._completion_classes._sanitize_help_text = plain_text
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def get_params(self, ctx: Any) -> Any:
        params = super().get_params(ctx)
        for param in params:
            if param.name in ("show_completion", "install_completion"):
                completion_option(param)
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
        with writing_output():
            return show_help(*args)

    option.callback = callback
    return option


SHELLS = ("bash", "zsh", "fish")  # and typer's powershell and pwsh, whose scripts quote nothing


def completion_option(option: Any) -> Any:
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
        with writing_output():
            return act(ctx, param, value)

    callback.news_checked = True  # type: ignore[attr-defined]
    option.callback = callback
    return option


def write_stdout(write: Callable[[], object], terminal: Terminal | None) -> int | None:
    """Call `write`, which writes stdout: None if it could, else the exit status that calls for."""
    try:
        with writing_output():
            write()
    except BrokenPipeError:
        silence_stdout()
        return ExitStatus.BROKEN_PIPE
    except CannotWrite as exc:
        return report(exc, terminal or Terminal.detect())
    return None


def _debugging(argv: list[str]) -> bool:
    options = argv[: argv.index("--")] if "--" in argv else argv
    return "--debug" in options


def _is_exit(exc: Exception) -> bool:
    # typer vendors click, so its exceptions are recognised by shape, not by class
    return isinstance(exc, typer.Exit) or type(exc).__name__ == "Exit"


def report(exc: Exception, terminal: Terminal) -> int:
    """One line on stderr for what went wrong; the exit status it calls for."""
    from newscli.output.messages import error_line

    if _is_exit(exc):
        return int(getattr(exc, "exit_code", 0))
    if isinstance(exc, NewsError):
        if isinstance(exc, CannotWrite):
            silence_stdout()  # else what is still buffered fails once more as Python exits
        error_line(terminal, exc.message, exc.suggestions)
        return exc.exit_status
    if isinstance(exc, typer.Abort) or type(exc).__name__ == "Abort":
        return ExitStatus.INTERRUPTED
    if type(exc).__name__ == "NoArgsIsHelpError":  # a bare `news`: the help it asks for
        context = getattr(exc, "ctx", None)
        help_text = context.get_help() + "\n" if context else ""
        return write_stdout(lambda: terminal.stdout.write(help_text), terminal) or ExitStatus.OK
    if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):  # a usage error
        command = getattr(getattr(exc, "ctx", None), "command_path", None) or "news"
        error_line(terminal, f"{exc.format_message()} (see '{command} --help')")
        return ExitStatus.BAD_INPUT
    error_line(terminal, f"internal error: {type(exc).__name__}: {exc} "
               "(run again with --debug for the traceback)")
    return ExitStatus.INTERNAL_ERROR


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


def _version(value: bool) -> None:
    if value:
        with writing_output():
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


def main() -> NoReturn:
    """The `news` console script."""
    app(prog_name="news")
    raise AssertionError("unreachable: NewsGroup.main always exits")  # pragma: no cover
