"""The options every command spells the same way, declared once as `Annotated` aliases (as
sqlite-utils' `output_options`), and turning what they say into query values: the output
format, the filters, the fields.  Nothing here reads the archive."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from newscli.cli.completion import Completed
from newscli.cli.root import ColorOption, DebugOption, NoCacheOption, NoPagerOption
from newscli.errors import BadInput
from newscli.output.terminal import ColorChoice, Format
from newscli.query.filters import Filters, NameSort, Sort

if TYPE_CHECKING:
    from newscli.model.dates import DateRange

F = TypeVar("F", bound=Callable[..., Any])


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
def output_format(fmt: Format | None, as_json: bool, as_jsonl: bool) -> Format:
    chosen = {f for f, on in ((Format.json, as_json), (Format.jsonl, as_jsonl)) if on}
    if fmt is not None:
        chosen.add(fmt)
    if len(chosen) > 1:
        names = ", ".join(sorted(f.value for f in chosen))
        raise BadInput(f"conflicting output formats: {names}; choose one")
    return chosen.pop() if chosen else Format.table


def checked_fields(text: str | None, valid: Sequence[str], command: str) -> tuple[str, ...] | None:
    """--fields, checked against what the command's rows can hold before anything is read."""
    from newscli.output.fields import parse_fields

    return None if text is None else parse_fields(text, valid, f"news {command}")


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


def examples(*lines: str, after: str = "") -> str:
    """An epilog of examples, one a line and never re-wrapped (click's \\b paragraph)."""
    text = "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
    return f"{text}\n\n{after}" if after else text


def filters_from(date_from: str | None, date_to: str | None, on: str | None, category: str | None,
             source: str | None, entity: str | None) -> Filters:
    from newscli.model.dates import between, parse_date_range

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


def span_from(date_from: str | None, date_to: str | None) -> DateRange | None:
    return filters_from(date_from, date_to, None, None, None, None).span


PatternArgument = Annotated[str | None, typer.Argument(
    help="Only names holding this (case, accents and small typos aside).", metavar="[PATTERN]",
    show_default=False)]
NameSortOption = Annotated[NameSort, typer.Option(
    "--sort", help="count (most events first), name, first (first to appear first) or last "
    "(last seen first).")]


# -- the options every command shares, added to each command's own --


@dataclass(frozen=True)
class Shared:
    """What the shared options said, handed to a command as one value (`shared`)."""

    fields: str | None = None
    data_dir: str | None = None
    fmt: Format | None = None
    as_json: bool = False
    as_jsonl: bool = False
    color: ColorChoice | None = None
    no_pager: bool = False
    no_cache: bool = False
    debug: bool = False  # read from the command line by NewsGroup.main; declared so every command takes it

    @property
    def output(self) -> Format:
        return output_format(self.fmt, self.as_json, self.as_jsonl)


# each shared option as it comes after a command's own, in this order
_SHARED_OPTIONS = {"fields": FieldsOption, "data_dir": DataDirOption, "fmt": FormatOption,
                   "as_json": JsonOption, "as_jsonl": JsonlOption, "color": ColorOption,
                   "no_pager": NoPagerOption, "no_cache": NoCacheOption, "debug": DebugOption}
_ARCHIVE_OPTIONS = ("data_dir", "no_cache")


def shared_options(*, with_fields: bool = True, reads_archive: bool = True) -> Callable[[F], F]:
    """Give a command the shared options after its own (`--fields` unless `with_fields` is
    false, `-d` and `--no-cache` unless it reads no archive), and hand it what they said as
    its keyword argument `shared`.  typer reads a command's options off its signature, so
    the signature typer sees is the command's own with these added."""
    left_out = {*(() if with_fields else ("fields",)), *(() if reads_archive else _ARCHIVE_OPTIONS)}
    names = [name for name in _SHARED_OPTIONS if name not in left_out]
    defaults = {f.name: f.default for f in fields(Shared)}

    def decorate(command: F) -> F:
        own = inspect.signature(command, eval_str=True)
        kept = [p for p in own.parameters.values() if p.name != "shared"]
        added = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                   default=defaults[name], annotation=_SHARED_OPTIONS[name])
                 for name in names]

        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            said = Shared(**{name: kwargs.pop(name) for name in names})
            return command(*args, shared=said, **kwargs)

        parameters = [*kept, *added]
        run.__signature__ = own.replace(parameters=parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": own.return_annotation}
        return run  # type: ignore[return-value]

    return decorate
