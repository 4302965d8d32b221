"""Dates as people type them: a day, a month or a year, `today`, `yesterday`, or a range of
them (`2011-06-01..2011-06-15`), into an inclusive range; and a day of the year (`06-06`)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from newscli.errors import BadInput

# Digits in these shapes are a date (and an impossible one is an error, not an id):
# 2011, 2011-06, 2011-6, 2011-06-06, 2011-06-6, 2011-6-6, 2011/06/06.  ASCII digits and one
# kind of separator: "٢٠١١" or "2011-06/06" is not a date.
_DATE = re.compile(r"([0-9]{4})(?:([-/])([0-9]{1,2})(?:\2([0-9]{1,2}))?)?")
# Days said in words, in local time: how many days before today each is.
RELATIVE_DAYS = {"today": 0, "yesterday": 1}
RANGE = ".."
# A day of the year, for `on-this-day`: 06-06, 6-6, 06/06.
_MONTH_DAY = re.compile(r"([0-9]{1,2})([-/])([0-9]{1,2})")


def today() -> dt.date:
    """The local date: the one clock of the tool (tests replace it)."""
    return dt.date.today()


@dataclass(frozen=True)
class DateRange:
    start: dt.date
    end: dt.date  # inclusive
    text: str  # as the user wrote it, for messages

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @property
    def is_day(self) -> bool:
        return self.start == self.end

    def label(self) -> str:
        if self.is_day:
            return self.start.isoformat()
        same_year = self.start.year == self.end.year
        whole_month = self.start.day == 1 and self.end.day == calendar.monthrange(
            self.end.year, self.end.month)[1]
        if same_year and self.start.month == self.end.month and whole_month:
            return self.start.strftime("%Y-%m")
        if same_year and (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31):
            return str(self.start.year)
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def looks_like_date(text: str) -> bool:
    """Whether `text` is meant as a date (an impossible one included), not an id or a word:
    a day, month or year, `today` or `yesterday`, or two of them joined by `..`."""
    start, dots, end = text.strip().partition(RANGE)
    if dots:  # a range with an end left out is still date-shaped: parsing says what is missing
        ends = [part for part in (start, end) if part.strip()]
        return bool(ends) and all(_one_date(part) for part in ends)
    return _one_date(start)


def _one_date(text: str) -> bool:
    text = text.strip()
    return _DATE.fullmatch(text) is not None or text.lower() in RELATIVE_DAYS


def parse_date_range(text: str, ranges: bool = True) -> DateRange:
    """Parse a day, month or year, `today` or `yesterday`, or (when `ranges`) a range
    `FROM..TO` of them; raise BadInput for anything else or an impossible date."""
    start, dots, end = text.strip().partition(RANGE)
    if not dots:
        return _parse_one(text)
    if not ranges:
        raise BadInput(f"not a single date: {text!r} (a range FROM..TO is not taken here)")
    if not (start.strip() and end.strip()):
        raise BadInput(f"a range needs both ends: {text!r} (such as 2011-06-01..2011-06-15)")
    low, high = _parse_one(start), _parse_one(end)
    if low.start > high.end:
        raise BadInput(f"the range {text!r} ends before it starts")
    return DateRange(low.start, high.end, text)


def _parse_one(text: str) -> DateRange:
    said = text.strip().lower()
    if said in RELATIVE_DAYS:
        date = today() - dt.timedelta(days=RELATIVE_DAYS[said])
        return DateRange(date, date, text)
    match = _DATE.fullmatch(text.strip())
    if match is None:
        raise BadInput(f"not a date: {text!r} (use YYYY, YYYY-MM, YYYY-MM-DD, today, yesterday "
                       "or FROM..TO)")
    year, month, day = (int(part) if part else None for part in match.group(1, 3, 4))
    assert year is not None
    try:
        if month is None:
            return DateRange(dt.date(year, 1, 1), dt.date(year, 12, 31), text)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return DateRange(dt.date(year, month, 1), dt.date(year, month, last), text)
        single = dt.date(year, month, day)
    except (ValueError, calendar.IllegalMonthError):
        raise BadInput(f"impossible date: {text!r}") from None
    return DateRange(single, single, text)


def between(start: DateRange | None, end: DateRange | None) -> DateRange | None:
    """The inclusive span from the start of `start` to the end of `end` (either may be open)."""
    if start is None and end is None:
        return None
    low = start.start if start else dt.date.min
    high = end.end if end else dt.date.max
    if low > high:
        raise BadInput(f"--from {start.text if start else ''} is after --to {end.text if end else ''}")
    return DateRange(low, high, f"{start.text if start else ''}..{end.text if end else ''}")


def parse_month_day(text: str) -> tuple[int, int]:
    """A day of the year: MM-DD (06-06, 6-6, 06/06), `today`, `yesterday`, or a full date
    whose month and day are taken; BadInput for anything else or a day no year has."""
    said = text.strip()
    full = _DATE.fullmatch(said)
    if said.lower() in RELATIVE_DAYS or (full and full.group(4)):
        date = _parse_one(said).start
        return date.month, date.day
    match = _MONTH_DAY.fullmatch(said)
    if match is None:
        raise BadInput(f"not a month and day: {text!r} (use MM-DD, such as 06-06, or today)")
    month, day = int(match.group(1)), int(match.group(3))
    try:
        dt.date(2000, month, day)  # a leap year: 02-29 is a day of the year
    except ValueError:
        raise BadInput(f"impossible month and day: {text!r}") from None
    return month, day


def in_words(span: DateRange) -> str:
    """The span for a message: "in 2011", "on 2011-06-06", "from 2011-06-01 to 2011-06-15",
    "from 2011-06-01" or "up to 2011-06-15" (for a span open at one end)."""
    if span.start == dt.date.min and span.end == dt.date.max:
        return "at any date"
    if span.end == dt.date.max:
        return f"from {span.start.isoformat()}"
    if span.start == dt.date.min:
        return f"up to {span.end.isoformat()}"
    label = span.label()
    if " to " in label:
        return f"from {label}"
    return f"on {label}" if span.is_day else f"in {label}"
