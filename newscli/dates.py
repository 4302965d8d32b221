"""Dates as people type them: a day, a month or a year, into an inclusive range."""

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
        if self.start.month == self.end.month and self.start.year == self.end.year:
            return self.start.strftime("%Y-%m")
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31):
            return str(self.start.year)
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def looks_like_date(text: str) -> bool:
    return _DATE.fullmatch(text.strip()) is not None


def parse_date_range(text: str) -> DateRange:
    """Parse a day, month or year; raise BadInput for anything else or an impossible date."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        raise BadInput(f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
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
