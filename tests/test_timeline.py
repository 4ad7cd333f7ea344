"""Tests for caserecord.timeline: units, phases, partial dates and case times."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
import pickle
import random
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from caserecord.errors import CaseRecordError, ImplausibleValueError, TimelineError
from caserecord.timeline import (
    Anchor,
    CaseTime,
    PartialDate,
    Phase,
    Qualifier,
    TimeUnit,
)

# -- vocabulary -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "error"),
    [
        ("day", TimeUnit.DAY, None),
        ("d", TimeUnit.DAY, None),
        ("Days", TimeUnit.DAY, None),
        ("hrs", TimeUnit.HOUR, None),
        ("wks", TimeUnit.WEEK, None),
        ("week", TimeUnit.WEEK, None),
        ("months", TimeUnit.MONTH, None),
        ("mo", TimeUnit.MONTH, None),
        ("Mo.", TimeUnit.MONTH, None),
        ("yrs", TimeUnit.YEAR, None),
        (" year ", TimeUnit.YEAR, None),
        ("m", None, TimelineError),  # minute, month or metre: refused
        ("fortnight", None, TimelineError),
        ("minutes", None, TimelineError),
        ("", None, TimelineError),
    ],
)
def test_time_unit_parse(text: str, expected: TimeUnit | None, error: type[Exception] | None):
    if error is not None:
        with pytest.raises(error, match="time unit"):
            TimeUnit.parse(text)
    else:
        assert TimeUnit.parse(text) is expected


@pytest.mark.parametrize(
    ("text", "expected", "error"),
    [
        ("baseline", Phase.BASELINE, None),
        ("pre-treatment", Phase.BASELINE, None),
        ("Pretreatment", Phase.BASELINE, None),
        ("before treatment", Phase.BASELINE, None),
        ("discharge", Phase.DISCHARGE, None),
        ("at discharge", Phase.DISCHARGE, None),
        ("followup", Phase.FOLLOW_UP, None),
        ("follow-up", Phase.FOLLOW_UP, None),
        ("Follow up", Phase.FOLLOW_UP, None),
        ("follow_up", Phase.FOLLOW_UP, None),
        ("at the last follow-up", Phase.FOLLOW_UP, None),
        ("later", None, TimelineError),
        ("treatment", None, TimelineError),
        ("", None, TimelineError),
    ],
)
def test_phase_parse(text: str, expected: Phase | None, error: type[Exception] | None):
    if error is not None:
        with pytest.raises(error, match="phase must be"):
            Phase.parse(text)
    else:
        assert Phase.parse(text) is expected


@pytest.mark.parametrize(
    ("text", "expected", "error"),
    [
        ("approximately", Qualifier.APPROXIMATELY, None),
        ("around", Qualifier.APPROXIMATELY, None),
        ("About", Qualifier.APPROXIMATELY, None),
        ("~", Qualifier.APPROXIMATELY, None),
        ("by", Qualifier.BY, None),
        ("by the end of", Qualifier.BY_END_OF, None),
        ("by  end of", Qualifier.BY_END_OF, None),
        ("by_end_of", Qualifier.BY_END_OF, None),
        ("within", Qualifier.WITHIN, None),
        ("after", Qualifier.AFTER, None),
        ("prior to", Qualifier.BEFORE, None),
        ("before", Qualifier.BEFORE, None),
        ("nearly", None, TimelineError),
        ("at", None, TimelineError),
        ("", None, TimelineError),
    ],
)
def test_qualifier_parse(text: str, expected: Qualifier | None, error: type[Exception] | None):
    if error is not None:
        with pytest.raises(error, match="qualifier must be"):
            Qualifier.parse(text)
    else:
        assert Qualifier.parse(text) is expected


@pytest.mark.parametrize(
    ("text", "expected", "error"),
    [
        ("first intervention", Anchor.FIRST_INTERVENTION, None),
        ("treatment", Anchor.FIRST_INTERVENTION, None),
        ("Onset", Anchor.ONSET, None),
        ("admission", Anchor.ADMISSION, None),
        ("presentation", Anchor.PRESENTATION, None),
        ("birth", None, TimelineError),
    ],
)
def test_anchor_parse(text: str, expected: Anchor | None, error: type[Exception] | None):
    if error is not None:
        with pytest.raises(error, match="anchor must be"):
            Anchor.parse(text)
    else:
        assert Anchor.parse(text) is expected


@pytest.mark.parametrize(
    ("unit", "days"),
    [
        (TimeUnit.HOUR, 1 / 24),
        (TimeUnit.DAY, 1.0),
        (TimeUnit.WEEK, 7.0),
        (TimeUnit.MONTH, 30.4375),
        (TimeUnit.YEAR, 365.25),
    ],
)
def test_time_unit_days(unit: TimeUnit, days: float):
    assert unit.approx_days == days


# -- partial dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("2019", "2019", TimeUnit.YEAR),
        ("March 2019", "2019-03", TimeUnit.MONTH),
        ("Mar. 2019", "2019-03", TimeUnit.MONTH),
        ("Mar 2019", "2019-03", TimeUnit.MONTH),
        ("August, 2011", "2011-08", TimeUnit.MONTH),
        ("september 2011", "2011-09", TimeUnit.MONTH),
        ("2019-03", "2019-03", TimeUnit.MONTH),
        ("2019/3", "2019-03", TimeUnit.MONTH),
        ("3/2019", "2019-03", TimeUnit.MONTH),
        ("11 July 2009", "2009-07-11", TimeUnit.DAY),
        ("11th July 2009", "2009-07-11", TimeUnit.DAY),
        ("2011-01-16", "2011-01-16", TimeUnit.DAY),
        ("July 11, 2009", "2009-07-11", TimeUnit.DAY),
        ("Aug. 12, 2019", "2019-08-12", TimeUnit.DAY),
        ("February 29, 2020", "2020-02-29", TimeUnit.DAY),
        ("13/03/2019", "2019-03-13", TimeUnit.DAY),  # 13 cannot be a month
        ("03/13/2019", "2019-03-13", TimeUnit.DAY),
        ("  2008-03  ", "2008-03", TimeUnit.MONTH),
    ],
)
def test_partial_date_parse(text: str, iso: str, precision: TimeUnit):
    date = PartialDate.parse(text)
    assert date.isoformat() == iso
    assert str(date) == iso
    assert date.precision is precision


@pytest.mark.parametrize(
    ("text", "error", "fragment"),
    [
        ("", TimelineError, "empty"),
        ("Mar 16", TimelineError, "'Mar 16'"),  # day or two-digit year: no year either way
        ("March", TimelineError, "'March'"),  # no year: never filled from today
        ("July 11", TimelineError, "'July 11'"),
        ("03/04/2019", TimelineError, "ambiguous"),
        ("12/03/19", TimelineError, "'12/03/19'"),  # two-digit year
        ("yesterday", TimelineError, "'yesterday'"),
        ("spring 2019", TimelineError, "'spring 2019'"),
        ("February 30, 2019", TimelineError, "'February 30, 2019'"),
        ("2019-02-30", ImplausibleValueError, "between 1 and 28"),
        ("2019-13", ImplausibleValueError, "(got 13)"),
        ("1700", ImplausibleValueError, "(got 1700)"),
    ],
)
def test_partial_date_parse_errors(text: str, error: type[Exception], fragment: str):
    with pytest.raises(error) as info:
        PartialDate.parse(text)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("fields", "error_type", "fragment"),
    [
        ({"year": 1700}, "date_year", "(got 1700)"),
        ({"year": 2019, "month": 0}, "date_month", "(got 0)"),
        ({"year": 2019, "month": 4, "day": 31}, "date_day", "2019-04 (got 31)"),
        ({"year": 2019, "month": 2, "day": 29}, "date_day", "between 1 and 28"),
        ({"year": 2019, "day": 5}, "date_day", "day 5 without a month"),
        ({"year": 2019, "week": 5}, "extra_forbidden", "xtra"),
    ],
)
def test_partial_date_fields_are_validated(fields: dict[str, int], error_type: str, fragment: str):
    with pytest.raises(ValidationError) as info:
        PartialDate.model_validate(fields)
    (error,) = info.value.errors()
    assert error["type"] == error_type
    assert fragment in error["msg"]


def test_partial_date_accepts_its_shapes():
    expected = PartialDate(year=2011, month=1, day=16)
    assert PartialDate.model_validate("2011-01-16") == expected
    assert PartialDate.model_validate({"year": 2011, "month": 1, "day": 16}) == expected
    assert PartialDate.model_validate(expected) == expected
    assert PartialDate.model_validate(dt.date(2011, 1, 16)) == expected
    assert PartialDate.from_date(dt.datetime(2011, 1, 16, 15, 30)) == expected


def test_partial_date_serialises_to_iso():
    date = PartialDate(year=2019, month=3)
    assert date.model_dump() == "2019-03"
    assert date.model_dump_json() == '"2019-03"'
    assert PartialDate.model_validate_json('"2019-03"') == date
    assert pickle.loads(pickle.dumps(date)) == date
    schema = PartialDate.model_json_schema(mode="serialization")
    assert schema["type"] == "string"
    validation = PartialDate.model_json_schema(mode="validation")
    assert {"string", "object"} <= {branch.get("type") for branch in validation["anyOf"]}


@pytest.mark.parametrize(
    ("date", "first_day"),
    [
        (PartialDate(year=2019), dt.date(2019, 1, 1)),
        (PartialDate(year=2019, month=3), dt.date(2019, 3, 1)),
        (PartialDate(year=2019, month=3, day=17), dt.date(2019, 3, 17)),
    ],
)
def test_partial_date_to_date(date: PartialDate, first_day: dt.date):
    assert date.to_date() == first_day


def test_partial_date_order_is_chronological_coarse_first():
    texts = ["2020", "2019-03-02", "2019", "2019-03", "2019-12-31", "2019-03-01", "2018-12"]
    dates = [PartialDate.parse(text) for text in texts]
    ordered = sorted(dates)
    assert [str(d) for d in ordered] == sorted(texts)  # as ISO strings sort
    assert PartialDate.parse("2019") < PartialDate.parse("2019-01")
    assert PartialDate.parse("2019-03") >= PartialDate.parse("2019-03")
    assert PartialDate.parse("2020") > PartialDate.parse("2019-12-31")
    assert PartialDate.parse("2019-03") <= PartialDate.parse("2019-03-01")


# -- constructing case times ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error_type", "fragments"),
    [
        ({"value": 3}, "time_offset", ["value 3", "unit"]),
        ({"unit": "month"}, "time_offset", ["unit month", "value"]),
        ({}, "time_empty", ["value", "phase", "date"]),
        ({"qualifier": "about"}, "time_empty", ["got none"]),
        (
            {"phase": "baseline", "value": 2, "unit": "week"},
            "phase_offset",
            ["baseline", "2 weeks", "positive"],
        ),
        (
            {"phase": "discharge", "value": -1, "unit": "day"},
            "phase_offset",
            ["discharge", "-1 days", "negative"],
        ),
        (
            {"phase": "follow_up", "value": -3, "unit": "month"},
            "phase_offset",
            ["follow-up", "-3 months"],
        ),
        ({"value": 151, "unit": "year"}, "time_range", ["150 years", "151 years"]),
        ({"value": -60000, "unit": "day"}, "time_range", ["-60000 days"]),
        ({"value": math.nan, "unit": "day"}, "time_offset", ["finite", "nan"]),
        ({"value": math.inf, "unit": "day"}, "time_offset", ["finite", "inf"]),
        ({"value": 1, "unit": "fortnight"}, "time_unit", ["time unit", "'fortnight'"]),
        ({"phase": "later"}, "time_phase_name", ["phase", "'later'"]),
        ({"phase": "baseline", "qualifier": "nearly"}, "time_qualifier", ["'nearly'"]),
        ({"value": 1, "unit": "day", "anchor": "birth"}, "time_anchor", ["'birth'"]),
        ({"date": "2019-02-30"}, "date_day", ["between 1 and 28", "(got 30)"]),
        ({"date": "someday"}, "date_text", ["'someday'"]),
        ({"value": 1, "unit": "day", "when": "now"}, "extra_forbidden", ["xtra"]),
    ],
)
def test_case_time_errors_name_field_and_value(
    fields: dict[str, Any], error_type: str, fragments: list[str]
):
    with pytest.raises(ValidationError) as info:
        CaseTime.model_validate(fields)
    (error,) = info.value.errors()
    assert error["type"] == error_type
    for fragment in fragments:
        assert fragment in error["msg"]


def test_case_time_constructors():
    assert CaseTime.at(-4, "months") == CaseTime(value=-4, unit=TimeUnit.MONTH)
    assert CaseTime.at(6, TimeUnit.MONTH, qualifier="about").qualifier is Qualifier.APPROXIMATELY
    assert CaseTime.at(3, "d", anchor="admission").anchor is Anchor.ADMISSION
    assert CaseTime.baseline().phase is Phase.BASELINE
    assert CaseTime.discharge().phase is Phase.DISCHARGE
    assert CaseTime.follow_up().phase is Phase.FOLLOW_UP
    spelled = CaseTime.model_validate({"value": 2, "unit": "wks", "phase": "followup"})
    assert (spelled.unit, spelled.phase) == (TimeUnit.WEEK, Phase.FOLLOW_UP)
    with pytest.raises(ValidationError):
        CaseTime.at(1, "fortnight")


def test_case_time_is_frozen():
    time = CaseTime.at(5, "day")
    with pytest.raises(ValidationError):
        time.value = 6  # type: ignore[misc]


def test_repr_hides_defaults():
    assert repr(CaseTime.at(5, "day")) == "CaseTime(value=5.0, unit=<TimeUnit.DAY: 'day'>)"


# -- ordering ---------------------------------------------------------------------------

STORY_ORDER = [
    "-1 year",
    "-4 months",
    "-2 weeks",
    "-1 day",
    "baseline",
    "day 0",
    "discharge",
    "hour 5",
    "day 1",
    "week 1",
    "discharge at day 10",
    "by end of month 1",
    "~month 6",
    "year 1",
    "year 2",
    "follow-up",
]


@pytest.mark.parametrize("seed", range(5))
def test_sort_order_of_a_shuffled_timeline(seed: int):
    times = [CaseTime.parse(text) for text in STORY_ORDER]
    shuffled = times[:]
    random.Random(seed).shuffle(shuffled)
    assert [str(t) for t in sorted(shuffled, key=CaseTime.sort_key)] == STORY_ORDER
    assert [str(t) for t in sorted(shuffled)] == STORY_ORDER


def test_comparison_operators():
    baseline, day0, week1 = CaseTime.baseline(), CaseTime.at(0, "day"), CaseTime.at(1, "week")
    assert baseline < day0 <= week1
    assert week1 > day0 >= baseline
    assert CaseTime.at(7, "day") <= week1  # same place on the timeline...
    assert CaseTime.at(7, "day") >= week1
    assert CaseTime.at(7, "day") != week1  # ...but not the same record
    assert CaseTime.discharge() < CaseTime.at(1, "day")
    assert CaseTime.at(-2, "weeks") < baseline
    assert CaseTime.follow_up() > CaseTime.at(20, "years")


def test_comparison_refuses_different_anchors():
    with pytest.raises(TimelineError, match="different anchors"):
        _ = CaseTime.at(1, "day") < CaseTime.at(2, "day", anchor="onset")


def test_comparison_refuses_date_only_times():
    dated = CaseTime.parse("2019-03")
    with pytest.raises(TimelineError, match="calendar date"):
        _ = dated < CaseTime.at(1, "day")
    with pytest.raises(TimelineError, match="calendar date"):
        _ = dated.is_before_anchor
    # sort_key still orders them, last and by date, for display
    later = CaseTime.parse("2020")
    assert CaseTime.follow_up().sort_key() < dated.sort_key() < later.sort_key()


def test_comparison_with_other_types_is_not_implemented():
    with pytest.raises(TypeError):
        _ = CaseTime.at(1, "day") < 3  # type: ignore[operator]


@pytest.mark.parametrize(
    ("text", "before"),
    [
        ("-4 months", True),
        ("baseline", True),
        ("day 0", False),
        ("discharge", False),
        ("month 3", False),
        ("follow-up", False),
        ("baseline at -2 days", True),
    ],
)
def test_is_before_anchor(text: str, before: bool):
    assert CaseTime.parse(text).is_before_anchor is before


# -- calendar arithmetic ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("day 5", relativedelta(days=5)),
        ("week 1", relativedelta(days=7)),
        ("week 1.5", relativedelta(days=10, hours=12)),
        ("day 1.5", relativedelta(days=1, hours=12)),
        ("hour 36", relativedelta(days=1, hours=12)),
        ("month 3", relativedelta(months=3)),
        ("month 1.5", relativedelta(months=1, days=15)),
        ("-1.5 months", relativedelta(months=-1, days=-15)),
        ("year 2", relativedelta(years=2)),
        ("year 2.5", relativedelta(years=2, months=6)),
        ("-4 months", relativedelta(months=-4)),
        ("baseline", None),
        ("2019-03", None),
    ],
)
def test_relativedelta(text: str, delta: relativedelta | None):
    assert CaseTime.parse(text).relativedelta == delta


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("day 5", 5.0),
        ("week 7", 49.0),
        ("month 1", 30.4375),
        ("year 1", 365.25),
        ("hour 12", 0.5),
        ("-4 months", -121.75),
        ("follow-up", None),
    ],
)
def test_approx_days(text: str, days: float | None):
    assert CaseTime.parse(text).approx_days == days


@pytest.mark.parametrize(
    ("text", "anchor_date", "expected"),
    [
        ("day 5", "2019-03-01", dt.date(2019, 3, 6)),
        ("day 0", dt.date(2019, 3, 1), dt.date(2019, 3, 1)),
        ("month 1", "2020-01-31", dt.date(2020, 2, 29)),  # clipped to month end, leap year
        ("month 1", "2019-01-31", dt.date(2019, 2, 28)),
        ("-4 months", "2019-03-31", dt.date(2018, 11, 30)),
        ("year 1", "2020-02-29", dt.date(2021, 2, 28)),
        ("week 2", dt.date(2019, 12, 25), dt.date(2020, 1, 8)),
        ("month 1.5", "2019-01-01", dt.date(2019, 2, 16)),
        ("hour 30", "2019-01-01", dt.date(2019, 1, 2)),
        ("-1 day", "2019-01-01", dt.date(2018, 12, 31)),
        ("month 3", PartialDate(year=2019, month=3), dt.date(2019, 6, 1)),
        ("year 2", "2011", dt.date(2013, 1, 1)),
        ("month 7 (2009-07-11)", "2000-01-01", dt.date(2009, 7, 11)),  # its own date wins
        ("discharge (2009-08)", "2000-01-01", dt.date(2009, 8, 1)),
        ("baseline", "2019-03-01", None),
        ("follow-up", "2019-03-01", None),
    ],
)
def test_resolve(text: str, anchor_date: Any, expected: dt.date | None):
    assert CaseTime.parse(text).resolve(anchor_date) == expected


@pytest.mark.parametrize(
    ("text", "anchor_date", "fragment"),
    [
        ("day 5", "2019-03", "known only to the month"),
        ("month 1", "2019", "known only to the year"),
        ("month 1.5", "2019-03", "needs it to the day"),
        ("day 5", "someday", "'someday'"),
    ],
)
def test_resolve_refuses_imprecise_anchors(text: str, anchor_date: str, fragment: str):
    with pytest.raises(TimelineError) as info:
        CaseTime.parse(text).resolve(anchor_date)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("event", "anchor_date", "unit", "expected"),
    [
        ("2011-07-16", "2011-01-16", None, "month 6 (2011-07-16)"),
        ("2012-01-16", "2011-01-16", None, "year 1 (2012-01-16)"),
        ("2011-01-20", "2011-01-16", None, "day 4 (2011-01-20)"),
        ("2011-01-16", "2011-01-16", None, "day 0 (2011-01-16)"),
        ("2011-01-30", "2011-01-16", None, "week 2 (2011-01-30)"),
        ("2011-02-03", "2011-01-16", None, "day 18 (2011-02-03)"),
        ("2010-12-01", "2011-01-16", None, "-46 days (2010-12-01)"),
        ("2019-02-28", "2019-01-31", None, "month 1 (2019-02-28)"),  # month-end arithmetic
        ("March 2008", "2007-06", None, "month 9 (2008-03)"),
        ("2001", "2003-05-02", None, "-2 years (2001)"),  # compared at the coarser precision
        ("2013-08", "2011-08", "years", "year 2 (2013-08)"),
        ("2012-02", "2011-08", TimeUnit.YEAR, "year 0.5 (2012-02)"),
        ("2019-08-12", "2019-03-05", "months", "month 5.23 (2019-08-12)"),
        ("2019-01-15", "2019-01-01", "weeks", "week 2 (2019-01-15)"),
        ("2019-01-02", "2019-01-01", "hours", "hour 24 (2019-01-02)"),
        (dt.date(2020, 1, 1), dt.date(2019, 1, 1), None, "year 1 (2020-01-01)"),
    ],
)
def test_from_dates(event: Any, anchor_date: Any, unit: Any, expected: str):
    time = CaseTime.from_dates(event, anchor_date, unit=unit)
    assert str(time) == expected
    assert time.date == PartialDate.model_validate(event)


@pytest.mark.parametrize(
    ("event", "anchor_date", "unit"),
    [
        ("2019-08", "2019-03", "days"),
        ("2019", "2018-03-01", "months"),
        ("2019-08-12", "2019", TimeUnit.WEEK),
    ],
)
def test_from_dates_refuses_units_finer_than_the_dates(event: str, anchor_date: str, unit: Any):
    with pytest.raises(TimelineError, match="known only to the"):
        CaseTime.from_dates(event, anchor_date, unit=unit)


day_dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31))


@given(event=day_dates, anchor_date=day_dates)
def test_from_dates_resolves_back_to_the_event(event: dt.date, anchor_date: dt.date):
    offset = CaseTime.from_dates(event, anchor_date)
    assert offset.value is not None
    assert offset.unit is not None
    assert offset.value.is_integer()  # the natural unit is always exact
    undated = CaseTime(value=offset.value, unit=offset.unit)
    assert undated.resolve(anchor_date) == event


# -- text and JSON round trips ----------------------------------------------------------

CANONICAL = [
    "baseline",
    "discharge",
    "follow-up",
    "day 5",
    "day 0",
    "week 1",
    "month 3",
    "year 2",
    "hour 12",
    "-4 months",
    "-1 month",
    "-0.5 days",
    "month 1.5",
    "~month 6",
    "by month 2",
    "by end of month 1",
    "within week 2",
    "after month 3",
    "before discharge",
    "~baseline",
    "month 7 (2009-07-11)",
    "discharge at day 10",
    "follow-up at ~month 6 (2019-06)",
    "baseline at -2 weeks",
    "day 3 from admission",
    "-2 years from onset",
    "2019-03",
    "~2019",
    "discharge (2009-08-01)",
]


@pytest.mark.parametrize("text", CANONICAL)
def test_canonical_text_round_trips(text: str):
    time = CaseTime.parse(text)
    assert str(time) == text
    assert time.text == text
    assert CaseTime.parse(str(time)) == time


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("+2 weeks", "week 2"),
        ("3 months", "month 3"),
        ("3mo", "month 3"),
        ("Day 5", "day 5"),
        ("at month 3", "month 3"),
        ("on day 5", "day 5"),
        ("-1 months", "-1 month"),
        ("-4 mos", "-4 months"),
        ("followup", "follow-up"),
        ("at the last follow-up", "follow-up"),
        ("pre-treatment", "baseline"),
        ("about month 6", "~month 6"),
        ("around 6 months", "~month 6"),
        ("by the end of month 1", "by end of month 1"),
        ("within 2 wks", "within week 2"),
        ("day 3 since admission", "day 3 from admission"),
        ("day 3 from the first treatment", "day 3"),
        ("month 7 (11 July 2009)", "month 7 (2009-07-11)"),
        ("(2019-03)", "2019-03"),
        ("March 2019", "2019-03"),
        ("  day   5 ", "day 5"),
    ],
)
def test_parse_reads_variants(text: str, canonical: str):
    assert str(CaseTime.parse(text)) == canonical


@pytest.mark.parametrize(
    ("text", "error", "fragment"),
    [
        ("", TimelineError, "empty"),
        ("soon", TimelineError, "'soon'"),
        ("day", TimelineError, "'day'"),
        ("5", TimelineError, "'5'"),
        ("month 3-4", TimelineError, "'month 3-4'"),
        ("day five", TimelineError, "'day five'"),
        ("baseline at month 3", TimelineError, "positive"),
        ("discharge at -2 days", TimelineError, "negative"),
        ("month 7 (garbage)", TimelineError, "'garbage'"),
        ("day 999999", ImplausibleValueError, "150 years"),
        ("month 7 (2019-02-30)", ImplausibleValueError, "between 1 and 28"),
    ],
)
def test_parse_errors(text: str, error: type[Exception], fragment: str):
    with pytest.raises(error) as info:
        CaseTime.parse(text)
    assert fragment in str(info.value)


def test_json_round_trip():
    times = [CaseTime.parse(text) for text in CANONICAL] + [
        CaseTime.at(2.75, "years", qualifier="before", anchor="presentation"),
        CaseTime.from_dates("2019-08-12", "2019-03-05"),
        CaseTime(value=1, unit=TimeUnit.DAY, text="the next day"),
    ]
    for time in times:
        assert CaseTime.model_validate_json(time.model_dump_json()) == time
        assert CaseTime.model_validate(time.model_dump()) == time
        assert pickle.loads(pickle.dumps(time)) == time


def test_json_shape():
    data = json.loads(CaseTime.parse("month 7 (2009-07-11)").model_dump_json())
    assert data == {
        "value": 7.0,
        "unit": "month",
        "phase": None,
        "anchor": "first_intervention",
        "qualifier": None,
        "date": "2009-07-11",
        "text": "month 7 (2009-07-11)",
    }


def test_validates_from_text_inside_other_models():
    class Observation(BaseModel):
        time: CaseTime

    observation = Observation.model_validate({"time": "~month 6"})
    assert observation.time.value == 6
    assert observation.time.qualifier is Qualifier.APPROXIMATELY
    with pytest.raises(ValidationError) as info:
        Observation.model_validate({"time": "whenever"})
    (error,) = info.value.errors()
    assert error["type"] == "time_text"
    assert error["loc"] == ("time",)
    assert "'whenever'" in error["msg"]


# -- hypothesis -------------------------------------------------------------------------


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    year = draw(st.integers(1800, 2200))
    month = draw(st.none() | st.integers(1, 12))
    day = None
    if month is not None:
        day = draw(st.none() | st.integers(1, calendar.monthrange(year, month)[1]))
    return PartialDate(year=year, month=month, day=day)


@st.composite
def case_times(draw: st.DrawFn) -> CaseTime:
    unit = draw(st.none() | st.sampled_from(TimeUnit))
    value = None
    if unit is not None:
        limit = 150 * 365.25 / unit.approx_days
        value = draw(
            st.integers(-int(limit), int(limit)).map(float)
            | st.floats(-limit, limit, allow_nan=False, allow_infinity=False)
        )
    phase = draw(st.none() | st.sampled_from(Phase))
    if value is not None and phase is Phase.BASELINE:
        value = -abs(value)
    elif value is not None and phase is not None:
        value = abs(value)
    date = draw(st.none() | partial_dates())
    if value is None and phase is None and date is None:
        phase = draw(st.sampled_from(Phase))
    return CaseTime(
        value=value,
        unit=unit,
        phase=phase,
        date=date,
        anchor=draw(st.sampled_from(Anchor)),
        qualifier=draw(st.none() | st.sampled_from(Qualifier)),
    )


@given(case_times())
def test_text_round_trip_of_any_valid_time(time: CaseTime):
    text = str(time)
    assert CaseTime.parse(text) == time.model_copy(update={"text": text})


@given(case_times(), st.none() | st.text(max_size=30))
def test_json_round_trip_of_any_valid_time(time: CaseTime, text: str | None):
    time = CaseTime.model_validate({**dict(time), "text": text})
    assert CaseTime.model_validate_json(time.model_dump_json()) == time


@given(case_times())
def test_phases_without_a_count_sit_where_the_story_puts_them(time: CaseTime):
    days = time.approx_days
    if days is None:
        return
    key = time.sort_key()
    assert (key < CaseTime.baseline().sort_key()) == (days < 0)
    assert (key > CaseTime.discharge().sort_key()) == (days > 0)
    assert key < CaseTime.follow_up().sort_key()


@given(st.text(max_size=40))
def test_parse_raises_only_caserecord_errors(text: str):
    try:
        time = CaseTime.parse(text)
    except CaseRecordError:
        return
    assert isinstance(time, CaseTime)


@given(st.text(max_size=40))
def test_partial_date_parse_raises_only_caserecord_errors(text: str):
    try:
        date = PartialDate.parse(text)
    except CaseRecordError:
        return
    assert 1800 <= date.year <= 2200


@given(partial_dates())
def test_partial_date_text_round_trip(date: PartialDate):
    assert PartialDate.parse(date.isoformat()) == date
    assert PartialDate.model_validate_json(date.model_dump_json()) == date
