"""`newscli.dates`: every shape a person may type a day, month or year in, and the impossible ones."""

from __future__ import annotations

import datetime as dt

import pytest

from newscli.errors import BadInput, ExitStatus
from newscli.model import dates
from newscli.model.dates import between, in_words, looks_like_date, parse_date_range, parse_month_day

D = dt.date


@pytest.mark.parametrize(
    "text",
    ["2011-06-06", "2011-06-6", "2011-6-6", "2011-6-06", "2011/06/06", "2011/6/6", " 2011-06-06 "],
)
def test_every_day_shape_is_the_same_single_day(text: str) -> None:
    span = parse_date_range(text)
    assert (span.start, span.end) == (D(2011, 6, 6), D(2011, 6, 6))
    assert span.is_day
    assert span.label() == "2011-06-06"
    assert looks_like_date(text)


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2011-06", D(2011, 6, 1), D(2011, 6, 30), "2011-06"),
        ("2011-6", D(2011, 6, 1), D(2011, 6, 30), "2011-06"),
        ("2011/06", D(2011, 6, 1), D(2011, 6, 30), "2011-06"),
        ("2011-02", D(2011, 2, 1), D(2011, 2, 28), "2011-02"),
        ("2012-02", D(2012, 2, 1), D(2012, 2, 29), "2012-02"),  # leap year
        ("2011-12", D(2011, 12, 1), D(2011, 12, 31), "2011-12"),
        ("2011", D(2011, 1, 1), D(2011, 12, 31), "2011"),
    ],
)
def test_months_and_years_are_inclusive_ranges(text: str, start: dt.date, end: dt.date, label: str) -> None:
    span = parse_date_range(text)
    assert (span.start, span.end) == (start, end)
    assert not span.is_day
    assert span.label() == label
    assert start in span and end in span
    assert start - dt.timedelta(days=1) not in span
    assert end + dt.timedelta(days=1) not in span


def test_the_text_is_kept_for_messages() -> None:
    assert parse_date_range("2011-6-6").text == "2011-6-6"


@pytest.mark.parametrize(
    "text",
    ["2011-13-45", "2011-13-01", "2011-00-10", "2011-06-00", "2011-06-31", "2011-02-29", "2100-02-29",
     "2019-20", "2019-0", "2011-13", "0000", "0000-01-01"],
)
def test_impossible_dates_are_bad_input(text: str) -> None:
    assert looks_like_date(text)  # date-shaped, so `show` must not treat it as an id
    with pytest.raises(BadInput, match="impossible date") as caught:
        parse_date_range(text)
    assert caught.value.exit_status is ExitStatus.BAD_INPUT
    assert int(caught.value.exit_status) == 2
    assert text in caught.value.message
    assert "\n" not in caught.value.message


def test_leap_day_exists_in_leap_years() -> None:
    assert parse_date_range("2012-02-29").start == D(2012, 2, 29)
    assert parse_date_range("2000-2-29").start == D(2000, 2, 29)


@pytest.mark.parametrize(
    "text",
    ["", "june", "11-06-06", "2011-06-06-01", "20110606", "2011.06.06", "2011-06-06T12:00",
     "ollanta-humala", "2011-", "2011-06-", "2011-123-1", "2011-06-123", "06/06/2011"],
)
def test_other_text_is_not_a_date(text: str) -> None:
    assert not looks_like_date(text)
    with pytest.raises(BadInput, match="not a date"):
        parse_date_range(text)


def test_between_spans_from_the_start_of_one_to_the_end_of_the_other() -> None:
    span = between(parse_date_range("2011-06"), parse_date_range("2012"))
    assert span is not None
    assert (span.start, span.end) == (D(2011, 6, 1), D(2012, 12, 31))
    open_end = between(parse_date_range("2016-06-05"), None)
    assert open_end is not None and open_end.start == D(2016, 6, 5) and D(9999, 1, 1) in open_end
    assert between(None, None) is None


def test_between_rejects_a_start_after_the_end() -> None:
    with pytest.raises(BadInput, match="after"):
        between(parse_date_range("2012"), parse_date_range("2011-06"))


# -- today, yesterday, ranges, days of the year --


@pytest.fixture
def june_6(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dates, "today", lambda: D(2011, 6, 6))


@pytest.mark.parametrize(("text", "day"), [("today", D(2011, 6, 6)), ("TODAY", D(2011, 6, 6)),
                                           (" yesterday ", D(2011, 6, 5)), ("Yesterday", D(2011, 6, 5))])
def test_today_and_yesterday_are_days(june_6: None, text: str, day: dt.date) -> None:
    assert looks_like_date(text)
    span = parse_date_range(text)
    assert (span.start, span.end) == (day, day)
    assert span.text == text


def test_yesterday_crosses_months_and_years(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dates, "today", lambda: D(2012, 1, 1))
    assert parse_date_range("yesterday").start == D(2011, 12, 31)


@pytest.mark.parametrize("text", ["today-show", "todays", "to day", "tomorrow", "yesterday/x"])
def test_words_near_today_are_not_dates(text: str) -> None:
    assert not looks_like_date(text)


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("2011-06-01..2011-06-15", D(2011, 6, 1), D(2011, 6, 15), "2011-06-01 to 2011-06-15"),
    ("2011-06..2011-08", D(2011, 6, 1), D(2011, 8, 31), "2011-06-01 to 2011-08-31"),
    ("2011..2012", D(2011, 1, 1), D(2012, 12, 31), "2011-01-01 to 2012-12-31"),
    ("2011-06-01..2011-06-30", D(2011, 6, 1), D(2011, 6, 30), "2011-06"),
    ("2011-06-06..2011-06-06", D(2011, 6, 6), D(2011, 6, 6), "2011-06-06"),
    (" 2011-6-1 .. 2011/06/15 ", D(2011, 6, 1), D(2011, 6, 15), "2011-06-01 to 2011-06-15"),
    ("yesterday..today", D(2011, 6, 5), D(2011, 6, 6), "2011-06-05 to 2011-06-06"),
])
def test_ranges(june_6: None, text: str, start: dt.date, end: dt.date, label: str) -> None:
    assert looks_like_date(text)
    span = parse_date_range(text)
    assert (span.start, span.end, span.label()) == (start, end, label)


@pytest.mark.parametrize(("text", "message"), [
    ("2011-06-15..2011-06-01", "ends before it starts"),
    ("2011-06-01..", "needs both ends"),
    ("..2011-06-01", "needs both ends"),
    ("2011-02-30..2011-03-01", "impossible date"),
])
def test_bad_ranges_are_bad_input(text: str, message: str) -> None:
    assert looks_like_date(text)
    with pytest.raises(BadInput, match=message):
        parse_date_range(text)


def test_a_range_is_refused_where_one_date_is_wanted() -> None:
    with pytest.raises(BadInput, match="not a single date"):
        parse_date_range("2011..2012", ranges=False)
    assert parse_date_range("2011", ranges=False).end == D(2011, 12, 31)


@pytest.mark.parametrize(("text", "month_day"), [
    ("06-06", (6, 6)), ("6-6", (6, 6)), ("06/06", (6, 6)), ("12-31", (12, 31)), ("02-29", (2, 29)),
    ("2011-06-06", (6, 6)), ("today", (6, 6)), ("yesterday", (6, 5)),
])
def test_days_of_the_year(june_6: None, text: str, month_day: tuple[int, int]) -> None:
    assert parse_month_day(text) == month_day


@pytest.mark.parametrize("text", ["02-30", "13-01", "00-01", "04-31", "06-00"])
def test_impossible_days_of_the_year(text: str) -> None:
    with pytest.raises(BadInput, match="impossible month and day"):
        parse_month_day(text)


@pytest.mark.parametrize("text", ["", "june", "2011", "2011-06", "6", "06-06-06", "06.06", "06-6/1"])
def test_other_text_is_not_a_day_of_the_year(text: str) -> None:
    with pytest.raises(BadInput, match="not a month and day"):
        parse_month_day(text)


@pytest.mark.parametrize(("span", "words"), [
    (parse_date_range("2011"), "in 2011"),
    (parse_date_range("2011-06-06"), "on 2011-06-06"),
    (parse_date_range("2011-06-01..2011-06-15"), "from 2011-06-01 to 2011-06-15"),
    (between(parse_date_range("2011"), None), "from 2011-01-01"),
    (between(None, parse_date_range("2011-06")), "up to 2011-06-30"),
])
def test_spans_in_words(span: dates.DateRange, words: str) -> None:
    assert in_words(span) == words
