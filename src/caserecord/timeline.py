"""The case timeline: when each event of a case happened.

Case reports date their events relative to the treatment the story is
about, and caserecord follows the same convention (see the corpus
``FORMAT.md``): a time is an *offset from an anchor*, and the default anchor
is the first intervention, **day 0**.  "Four months before treatment" is
``-4 months``; "at the sixth month" is ``month 6``.  Other anchors (onset,
admission, presentation) are available for stories that count from them.

Three *phases* place an event when the story gives no count:

- ``baseline``  -- the pre-treatment assessment, whenever it was made;
- ``discharge`` -- the end of the treating stay;
- ``follow-up`` -- after treatment, time not stated ("at the last follow-up").

A phase may also carry an offset ("discharge at day 10").  A *qualifier*
keeps the hedge of the text ("~month 6", "by end of month 1", "within
week 2"), and a :class:`PartialDate` keeps the calendar date when the story
gave one, at the precision it was given ("2019", "2019-03", "2011-01-16").

Calendar arithmetic is :class:`dateutil.relativedelta.relativedelta`, so
month offsets follow the calendar (31 January + 1 month = 28/29 February),
and day counts use the mean Julian year (365.25 days, IAU) and its twelfth
(30.4375 days) only where a single number of days is needed (ordering,
:attr:`CaseTime.approx_days`).

The canonical text form, printed by ``str()`` and read back by
:meth:`CaseTime.parse`, is::

    [PHASE " at "] [QUALIFIER] OFFSET [" from " ANCHOR] [" (" DATE ")"]
    OFFSET := UNIT " " N (N >= 0, e.g. "day 5")  |  "-" N " " UNITS ("-4 months")

or a phase (``baseline``, ``before discharge``) or a bare date
(``2019-03``) in place of the offset.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Callable
from enum import StrEnum
from typing import Any, Self, TypeVar

from dateutil import parser as date_parser
from dateutil import relativedelta as _relativedelta
from pydantic import (
    GetJsonSchemaHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from caserecord._base import FrozenValue
from caserecord.errors import ImplausibleValueError, TimelineError

__all__ = [
    "Anchor",
    "CaseTime",
    "PartialDate",
    "Phase",
    "Qualifier",
    "TimeUnit",
]

# Mean Julian year, the IAU definition of the year for time spans; a month
# is its twelfth.  Only used where one number of days must stand for a
# calendar span (ordering, approx_days, fractional months in relativedelta).
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12  # 30.4375

# The longest documented human life is 122 years (Jeanne Calment); an offset
# beyond 150 years from the anchor cannot belong to one patient's story.
MAX_OFFSET_YEARS = 150

# Calendar years a case record can plausibly mention.
MIN_YEAR = 1800
MAX_YEAR = 2200


def _squash(text: str) -> str:
    """Lower case with spaces, hyphens and underscores removed: 'Follow-up' -> 'followup'."""
    return re.sub(r"[\s_\-\u2010\u2011\u2012\u2013]+", "", text.strip().lower()).rstrip(".")


def _spaced(text: str) -> str:
    """Lower case with runs of whitespace (and underscores) collapsed to one space."""
    return " ".join(text.replace("_", " ").lower().split())


_Member = TypeVar("_Member", bound=StrEnum)


def _spelling_table(
    spellings: dict[_Member, str], *, key: Callable[[str], str]
) -> dict[str, _Member]:
    """Spelling -> member, from ``{member: "spelling | spelling | ..."}`` tables."""
    return {
        key(spelling.strip()): member
        for member, alternatives in spellings.items()
        for spelling in alternatives.split("|")
    }


# -- the vocabulary ------------------------------------------------------------------


class TimeUnit(StrEnum):
    """The unit of an offset on the timeline."""

    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"

    @classmethod
    def parse(cls, text: str) -> TimeUnit:
        """Read a unit name, plural or abbreviation ("months", "mo", "wks", "yrs", "d").

        A bare "m" is refused: it is a minute, a month or a metre.
        """
        unit = _UNIT_SPELLINGS.get(text.strip().lower().rstrip("."))
        if unit is None:
            raise TimelineError(
                f"time unit must be one of {', '.join(cls)} or a spelling of them "
                f"such as 'months' or 'wks' (got {text!r})"
            )
        return unit

    @property
    def approx_days(self) -> float:
        """Days in one unit (months and years as Julian means)."""
        return _UNIT_DAYS[self]

    def plural(self) -> str:
        return f"{self.value}s"


_UNIT_DAYS: dict[TimeUnit, float] = {
    TimeUnit.HOUR: 1 / 24,
    TimeUnit.DAY: 1.0,
    TimeUnit.WEEK: 7.0,
    TimeUnit.MONTH: DAYS_PER_MONTH,
    TimeUnit.YEAR: DAYS_PER_YEAR,
}

_UNIT_SPELLINGS: dict[str, TimeUnit] = _spelling_table(
    {
        TimeUnit.HOUR: "hour | hours | hr | hrs | h",
        TimeUnit.DAY: "day | days | d",
        TimeUnit.WEEK: "week | weeks | wk | wks | w",
        TimeUnit.MONTH: "month | months | mo | mos | mth | mths",
        TimeUnit.YEAR: "year | years | yr | yrs | y",
    },
    key=str.lower,
)


class Anchor(StrEnum):
    """The event an offset counts from (day 0)."""

    FIRST_INTERVENTION = "first_intervention"
    ONSET = "onset"
    ADMISSION = "admission"
    PRESENTATION = "presentation"

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """Read an anchor name ("first intervention", "treatment", "onset", ...)."""
        anchor = _ANCHOR_SPELLINGS.get(_squash(text))
        if anchor is None:
            raise TimelineError(f"anchor must be one of {', '.join(cls)} (got {text!r})")
        return anchor

    def label(self) -> str:
        """The anchor as printed in a time ("first intervention")."""
        return self.value.replace("_", " ")


_ANCHOR_SPELLINGS: dict[str, Anchor] = _spelling_table(
    {
        Anchor.FIRST_INTERVENTION: (
            "first_intervention | first intervention | intervention | treatment "
            "| first treatment | day 0"
        ),
        Anchor.ONSET: "onset | symptom onset | injury",
        Anchor.ADMISSION: "admission",
        Anchor.PRESENTATION: "presentation | first visit",
    },
    key=_squash,
)


class Phase(StrEnum):
    """A stage of the story that stands in for a time when no count is given."""

    BASELINE = "baseline"
    DISCHARGE = "discharge"
    FOLLOW_UP = "follow_up"

    @classmethod
    def parse(cls, text: str) -> Phase:
        """Read a phase: "baseline", "pre-treatment", "at discharge", "followup", ..."""
        phase = _PHASE_SPELLINGS.get(_squash(text))
        if phase is None:
            raise TimelineError(f"phase must be baseline, discharge or follow-up (got {text!r})")
        return phase

    def label(self) -> str:
        """The phase as printed ("follow-up")."""
        return self.value.replace("_", "-")


_PHASE_SPELLINGS: dict[str, Phase] = _spelling_table(
    {
        Phase.BASELINE: (
            "baseline | at baseline | pre-treatment | before treatment | before the treatment "
            "| prior to treatment | pre-operative | pre-operatively"
        ),
        Phase.DISCHARGE: (
            "discharge | at discharge | on discharge | upon discharge | at the time of discharge"
        ),
        Phase.FOLLOW_UP: (
            "follow_up | follow-up | at follow-up | on follow-up | last follow-up "
            "| at last follow-up | at the last follow-up | latest follow-up "
            "| at the latest follow-up | after treatment | post-treatment"
        ),
    },
    key=_squash,
)


class Qualifier(StrEnum):
    """The hedge a text puts on a time ("about", "by the end of", "within")."""

    APPROXIMATELY = "approximately"
    BY = "by"
    BY_END_OF = "by_end_of"
    WITHIN = "within"
    AFTER = "after"
    BEFORE = "before"

    @classmethod
    def parse(cls, text: str) -> Qualifier:
        """Read a qualifier: "around", "about", "~", "by the end of", "prior to", ..."""
        qualifier = _QUALIFIER_SPELLINGS.get(_spaced(text).rstrip())
        if qualifier is None:
            raise TimelineError(
                f"qualifier must be one of {', '.join(cls)} or a phrase such as "
                f"'about' or 'by the end of' (got {text!r})"
            )
        return qualifier

    @property
    def prefix(self) -> str:
        """How the qualifier is printed in front of a time ("~", "by end of ")."""
        return _QUALIFIER_PREFIXES[self]


_QUALIFIER_PREFIXES: dict[Qualifier, str] = {
    Qualifier.APPROXIMATELY: "~",
    Qualifier.BY: "by ",
    Qualifier.BY_END_OF: "by end of ",
    Qualifier.WITHIN: "within ",
    Qualifier.AFTER: "after ",
    Qualifier.BEFORE: "before ",
}

_QUALIFIER_SPELLINGS: dict[str, Qualifier] = _spelling_table(
    {
        Qualifier.APPROXIMATELY: (
            "approximately | approx. | approx | about | around | circa | ca. | roughly | ~ | ≈"
        ),
        Qualifier.BY: "by",
        Qualifier.BY_END_OF: "by_end_of | by the end of | by end of",
        Qualifier.WITHIN: "within | during",
        Qualifier.AFTER: "after | later than",
        Qualifier.BEFORE: "before | prior to | earlier than",
    },
    key=_spaced,
)

# Longest first, so "by the end of" wins over "by".
_QUALIFIER_PREFIX_ORDER = sorted(_QUALIFIER_SPELLINGS, key=len, reverse=True)


# -- calendar dates ------------------------------------------------------------------

_PRECISION_RANK = {TimeUnit.DAY: 0, TimeUnit.MONTH: 1, TimeUnit.YEAR: 2}

_ISO_YEAR = re.compile(r"(\d{4})")
_ISO_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{4})")
_ISO_DAY = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_NUMERIC_DAY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_FOUR_DIGIT_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")

# Two defaults that differ in year, month and day: a component that comes
# out the same under both was written in the text, one that differs was
# filled in by dateutil.  Day 28 exists in every month, and both default
# months (1, 12) have 31 days, so neither default can make a valid date fail.
_DEFAULT_A = dt.datetime(2000, 1, 1)  # calendar dates: no time zone
_DEFAULT_B = dt.datetime(2001, 12, 28)


def _read_date_fields(text: str) -> dict[str, int | None]:
    """Year, month and day written in ``text``; TimelineError when not readable.

    All-digit forms are read here, not by dateutil, so that nothing is
    guessed: "03/04/2019" could be 3 April or 4 March and is refused, and
    two-digit years are refused.  Dates with a month name go to dateutil.
    """
    cleaned = text.strip().rstrip(".").strip()
    if not cleaned:
        raise TimelineError("a calendar date cannot be empty (got '')")
    if match := _ISO_YEAR.fullmatch(cleaned):
        return {"year": int(match[1]), "month": None, "day": None}
    if match := _ISO_MONTH.fullmatch(cleaned):
        return {"year": int(match[1]), "month": int(match[2]), "day": None}
    if match := _MONTH_YEAR.fullmatch(cleaned):
        return {"year": int(match[2]), "month": int(match[1]), "day": None}
    if match := _ISO_DAY.fullmatch(cleaned):
        return {"year": int(match[1]), "month": int(match[2]), "day": int(match[3])}
    if match := _NUMERIC_DAY.fullmatch(cleaned):
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        if first != second and first <= 12 and second <= 12:
            raise TimelineError(
                f"calendar date {text!r} is ambiguous: day {first} of month {second} or "
                f"day {second} of month {first}; write it as YYYY-MM-DD"
            )
        day, month = (first, second) if first > 12 else (second, first)
        return {"year": year, "month": month, "day": day}
    if not re.search(r"[A-Za-z]", cleaned) or not _FOUR_DIGIT_YEAR.search(cleaned):
        raise TimelineError(
            f"could not read a calendar date from {text!r}: expected a year ('2019'), a "
            f"month and year ('March 2019', '2019-03') or a full date ('11 July 2009')"
        )
    try:
        first_reading = date_parser.parse(cleaned, default=_DEFAULT_A)
        second_reading = date_parser.parse(cleaned, default=_DEFAULT_B)
    except (ValueError, OverflowError) as exc:
        raise TimelineError(f"could not read a calendar date from {text!r} ({exc})") from None
    if first_reading.year != second_reading.year:
        raise TimelineError(f"calendar date {text!r} has no year")
    month_known = first_reading.month == second_reading.month
    day_known = first_reading.day == second_reading.day
    if day_known and not month_known:
        raise TimelineError(f"calendar date {text!r} has a day but no month")
    return {
        "year": first_reading.year,
        "month": first_reading.month if month_known else None,
        "day": first_reading.day if day_known else None,
    }


class PartialDate(FrozenValue):
    """A calendar date known to the year, the month or the day.

    Serialises to ISO 8601 at its own precision ("2019", "2019-03",
    "2011-01-16") and validates from that string, from a free-text date
    ("March 2019", "Aug. 12, 2019"), from a :class:`datetime.date`, or from
    its fields.  Ordering is chronological, a coarser date sorting before
    the finer dates inside it ("2019" < "2019-01" < "2019-01-01"), as ISO
    strings do.
    """

    year: int
    month: int | None = None
    day: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_other_shapes(cls, data: Any) -> Any:
        if isinstance(data, str):
            try:
                return _read_date_fields(data)
            except TimelineError as exc:
                raise PydanticCustomError(
                    "date_text", "{problem}", {"problem": str(exc), "text": data}
                ) from None
        if isinstance(data, dt.date):
            return {"year": data.year, "month": data.month, "day": data.day}
        return data

    @field_validator("year")
    @classmethod
    def _plausible_year(cls, year: int) -> int:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PydanticCustomError(
                "date_year",
                "year must be between {low} and {high} (got {year})",
                {"low": MIN_YEAR, "high": MAX_YEAR, "year": year},
            )
        return year

    @field_validator("month")
    @classmethod
    def _real_month(cls, month: int | None) -> int | None:
        if month is not None and not 1 <= month <= 12:
            raise PydanticCustomError(
                "date_month", "month must be between 1 and 12 (got {month})", {"month": month}
            )
        return month

    @model_validator(mode="after")
    def _real_day(self) -> Self:
        if self.day is None:
            return self
        if self.month is None:
            raise PydanticCustomError(
                "date_day",
                "a day needs a month (got day {day} without a month)",
                {"day": self.day},
            )
        last = calendar.monthrange(self.year, self.month)[1]
        if not 1 <= self.day <= last:
            raise PydanticCustomError(
                "date_day",
                "day must be between 1 and {last} in {month} (got {day})",
                {"last": last, "month": f"{self.year:04d}-{self.month:02d}", "day": self.day},
            )
        return self

    @model_serializer(mode="plain")
    def _as_iso(self) -> str:
        return self.isoformat()

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        iso: JsonSchemaValue = {
            "type": "string",
            "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
            "examples": ["2019", "2019-03", "2011-01-16"],
        }
        if handler.mode == "serialization":
            return iso
        return {"anyOf": [iso, handler(core_schema)]}

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read a date and its precision: "2019", "Mar. 2019", "11 July 2009", "2011-01-16".

        Missing parts stay missing (never filled from today's date).
        Unreadable text raises :class:`TimelineError`; a readable but
        impossible date ("2019-02-30", "1700") :class:`ImplausibleValueError`.
        """
        try:
            return cls.model_validate(text)
        except ValidationError as exc:
            raise _plain_error(exc, f"calendar date {text!r}") from None

    @classmethod
    def from_date(cls, value: dt.date) -> PartialDate:
        """The day-precision date of a :class:`datetime.date` (time of day dropped)."""
        return cls(year=value.year, month=value.month, day=value.day)

    @property
    def precision(self) -> TimeUnit:
        """``TimeUnit.YEAR``, ``MONTH`` or ``DAY``: how much of the date is known."""
        if self.month is None:
            return TimeUnit.YEAR
        return TimeUnit.MONTH if self.day is None else TimeUnit.DAY

    def isoformat(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def to_date(self) -> dt.date:
        """The first day of the period the date names."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        return self.isoformat()

    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() >= other._key()


def _as_partial_date(value: PartialDate | dt.date | str) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.date):
        return PartialDate.from_date(value)
    return PartialDate.parse(value)


# Validation error types that mean "read, but impossible" rather than "unreadable".
_IMPLAUSIBLE_TYPES = frozenset({"date_year", "date_month", "date_day", "time_range"})


# Validation error types raised when a whole text cannot be read.
_TEXT_TYPES = frozenset({"date_text", "time_text"})


def _plain_error(exc: ValidationError, what: str) -> TimelineError | ImplausibleValueError:
    """The caserecord error for a ValidationError raised while reading text."""
    errors = exc.errors(include_url=False)
    if len(errors) == 1 and errors[0]["type"] in _TEXT_TYPES and not errors[0]["loc"]:
        # The text itself was unreadable; its message already quotes it.
        return TimelineError(errors[0]["msg"])
    problems = "; ".join(
        (".".join(str(part) for part in error["loc"]) + ": " if error["loc"] else "")
        + error["msg"]
        for error in errors
    )
    if any(error["type"] in _IMPLAUSIBLE_TYPES for error in errors):
        return ImplausibleValueError(f"{what} is not possible: {problems}")
    return TimelineError(f"could not read {what}: {problems}")


# -- reading the canonical text form ---------------------------------------------

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?"
_UNIT_THEN_NUMBER = re.compile(rf"(?P<unit>[a-z]+)\.?\s?(?P<number>{_NUMBER})")
_NUMBER_THEN_UNIT = re.compile(rf"(?P<number>{_NUMBER})\s?(?P<unit>[a-z]+)\.?")
_DATE_SUFFIX = re.compile(r"\s?\(([^()]*)\)$")
_ANCHOR_SUFFIX = re.compile(r"\s(?:from|since) (?:the )?([a-z0-9_ ]+)$")
_AT = re.compile(r"(?:at|on) ")


def _phase_or_none(text: str) -> Phase | None:
    return _PHASE_SPELLINGS.get(_squash(text))


def _offset_or_none(text: str) -> tuple[float, TimeUnit] | None:
    for pattern in (_UNIT_THEN_NUMBER, _NUMBER_THEN_UNIT):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        unit = _UNIT_SPELLINGS.get(match["unit"])
        if unit is not None:
            return float(match["number"]), unit
    return None


def _read_case_time(text: str) -> dict[str, Any]:
    """The fields of a time written in the canonical form (see the module docstring)."""
    rest = _spaced(text)
    if not rest:
        raise TimelineError("a case time cannot be empty (got '')")
    fields: dict[str, Any] = {"text": text.strip()}

    if match := _DATE_SUFFIX.search(rest):
        fields["date"] = match[1].strip()
        rest = rest[: match.start()].rstrip()
    if (match := _ANCHOR_SUFFIX.search(rest)) and _squash(match[1]) in _ANCHOR_SPELLINGS:
        fields["anchor"] = Anchor.parse(match[1])
        rest = rest[: match.start()].rstrip()
    if not rest:
        if "date" in fields:
            return fields
        raise TimelineError(f"could not read a case time from {text!r}")

    if (phase := _phase_or_none(rest)) is not None:
        fields["phase"] = phase
        return fields
    head, at, tail = rest.partition(" at ")
    if at and (phase := _phase_or_none(head)) is not None:
        fields["phase"] = phase
        rest = tail
    rest = _AT.sub("", rest, count=1) if _AT.match(rest) else rest
    for spelling in _QUALIFIER_PREFIX_ORDER:
        if rest.startswith(spelling) and (
            not spelling[-1].isalpha() or rest[len(spelling) : len(spelling) + 1] == " "
        ):
            fields["qualifier"] = _QUALIFIER_SPELLINGS[spelling]
            rest = rest[len(spelling) :].lstrip()
            break

    if (offset := _offset_or_none(rest)) is not None:
        fields["value"], fields["unit"] = offset
        return fields
    if "phase" not in fields and (phase := _phase_or_none(rest)) is not None:
        fields["phase"] = phase
        return fields
    if "phase" not in fields and "date" not in fields:
        try:
            fields["date"] = _read_date_fields(rest)
        except TimelineError:
            pass
        else:
            return fields
    raise TimelineError(
        f"could not read a case time from {text!r}: expected e.g. 'baseline', 'day 5', "
        f"'month 3', '-4 months', '~month 6', 'by end of month 1' or "
        f"'month 7 (2009-07-11)'"
    )


def _format_number(value: float) -> str:
    # repr is the shortest text that reads back as the same float.
    return str(int(value)) if value.is_integer() else repr(value)


# -- the time itself -----------------------------------------------------------------


class CaseTime(FrozenValue):
    """A point on the case timeline: an offset from an anchor, a phase, and/or a date.

    ``value`` and ``unit`` go together; a time needs at least one of an
    offset, a phase or a date.  Negative offsets are before the anchor.
    """

    value: float | None = None
    unit: TimeUnit | None = None
    phase: Phase | None = None
    anchor: Anchor = Anchor.FIRST_INTERVENTION
    qualifier: Qualifier | None = None
    date: PartialDate | None = None
    text: str | None = None

    # -- validation ------------------------------------------------------------------
    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            try:
                return _read_case_time(data)
            except TimelineError as exc:
                raise PydanticCustomError(
                    "time_text", "{problem}", {"problem": str(exc), "text": data}
                ) from None
        return data

    @field_validator("unit", mode="before")
    @classmethod
    def _unit_spelling(cls, unit: Any) -> Any:
        return _enum_from_text(unit, TimeUnit, TimeUnit.parse, "time_unit", "unit")

    @field_validator("phase", mode="before")
    @classmethod
    def _phase_spelling(cls, phase: Any) -> Any:
        return _enum_from_text(phase, Phase, Phase.parse, "time_phase_name", "phase")

    @field_validator("anchor", mode="before")
    @classmethod
    def _anchor_spelling(cls, anchor: Any) -> Any:
        return _enum_from_text(anchor, Anchor, Anchor.parse, "time_anchor", "anchor")

    @field_validator("qualifier", mode="before")
    @classmethod
    def _qualifier_spelling(cls, qualifier: Any) -> Any:
        return _enum_from_text(
            qualifier, Qualifier, Qualifier.parse, "time_qualifier", "qualifier"
        )

    @field_validator("value")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise PydanticCustomError(
                "time_offset", "value must be a finite number (got {value})", {"value": value}
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        value, unit, phase = self.value, self.unit, self.phase
        if value is not None and unit is None:
            raise PydanticCustomError(
                "time_offset",
                "value {value} needs a unit (got unit=None)",
                {"value": _format_number(value)},
            )
        if unit is not None and value is None:
            raise PydanticCustomError(
                "time_offset",
                "unit {unit} needs a value (got value=None)",
                {"unit": unit.value},
            )
        if value is None and phase is None and self.date is None:
            raise PydanticCustomError(
                "time_empty",
                "a case time needs a value with a unit, a phase or a date (got none of them)",
            )
        if value is not None and unit is not None:
            if abs(value) * unit.approx_days > MAX_OFFSET_YEARS * DAYS_PER_YEAR:
                raise PydanticCustomError(
                    "time_range",
                    "value must be within {limit} years of the anchor (got {value} {unit})",
                    {
                        "limit": MAX_OFFSET_YEARS,
                        "value": _format_number(value),
                        "unit": unit.plural(),
                    },
                )
            if phase is Phase.BASELINE and value > 0:
                raise PydanticCustomError(
                    "phase_offset",
                    "baseline is before treatment, so its value must not be positive "
                    "(got phase=baseline with value {value} {unit})",
                    {"value": _format_number(value), "unit": unit.plural()},
                )
            if phase in (Phase.DISCHARGE, Phase.FOLLOW_UP) and value < 0:
                raise PydanticCustomError(
                    "phase_offset",
                    "{phase} comes after treatment, so its value must not be negative "
                    "(got phase={phase} with value {value} {unit})",
                    {
                        "phase": phase.label() if phase else "",
                        "value": _format_number(value),
                        "unit": unit.plural(),
                    },
                )
        return self

    # -- constructors ----------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> CaseTime:
        """Read a time in the canonical form printed by ``str()``.

        Also reads the usual variants: "followup", "+2 weeks", "3 months",
        "at month 3", "about month 6", "by the end of month 1".  ``text`` of
        the result is the input.  Unreadable text raises
        :class:`TimelineError`; an impossible offset ("day 100000")
        :class:`ImplausibleValueError`.
        """
        try:
            return cls.model_validate(text)
        except ValidationError as exc:
            raise _plain_error(exc, f"case time {text!r}") from None

    @classmethod
    def at(
        cls,
        value: float,
        unit: TimeUnit | str,
        *,
        qualifier: Qualifier | str | None = None,
        anchor: Anchor | str = Anchor.FIRST_INTERVENTION,
    ) -> CaseTime:
        """An offset from the anchor: ``CaseTime.at(-4, "months")``."""
        return cls.model_validate(
            {"value": value, "unit": unit, "qualifier": qualifier, "anchor": anchor}
        )

    @classmethod
    def baseline(cls) -> CaseTime:
        """The pre-treatment state, whenever it was assessed."""
        return cls(phase=Phase.BASELINE)

    @classmethod
    def discharge(cls) -> CaseTime:
        """At discharge from the treating stay, day not stated."""
        return cls(phase=Phase.DISCHARGE)

    @classmethod
    def follow_up(cls) -> CaseTime:
        """After treatment, time not stated ("at the last follow-up")."""
        return cls(phase=Phase.FOLLOW_UP)

    @classmethod
    def from_dates(
        cls,
        event: PartialDate | dt.date | str,
        anchor_date: PartialDate | dt.date | str,
        *,
        unit: TimeUnit | str | None = None,
        anchor: Anchor = Anchor.FIRST_INTERVENTION,
    ) -> CaseTime:
        """The offset of ``event`` from ``anchor_date``, with ``date`` set to the event.

        The dates are compared at the coarser of their two precisions.
        Without ``unit``, the offset is exact and in the most natural unit:

        - a year-precise date: whole **years**;
        - month-precise: whole **months**;
        - day-precise: **days** under two weeks; else whole **months** (or
          **years**) when the day of the month matches (16 Jan -> 16 Jul is
          month 6); else whole **weeks** when the days divide by 7; else days.

        With ``unit``, the offset is expressed in it, rounded to two decimals
        where a calendar span must be counted in mean months or years.  A
        unit finer than the dates allow (days between two months) raises
        :class:`TimelineError`.
        """
        event_date, anchor_day = _as_partial_date(event), _as_partial_date(anchor_date)
        precision = max(
            event_date.precision, anchor_day.precision, key=_PRECISION_RANK.__getitem__
        )
        wanted = TimeUnit.parse(unit) if isinstance(unit, str) else unit
        if wanted is None:
            value, chosen = _natural_offset(event_date, anchor_day, precision)
        else:
            value, chosen = _offset_in(event_date, anchor_day, precision, wanted), wanted
        return cls(value=value, unit=chosen, anchor=anchor, date=event_date)

    # -- views -----------------------------------------------------------------------
    @property
    def approx_days(self) -> float | None:
        """The offset in days (months and years as Julian means), or None without one."""
        if self.value is None or self.unit is None:
            return None
        return self.value * self.unit.approx_days

    @property
    def relativedelta(self) -> _relativedelta.relativedelta | None:
        """The offset as a calendar delta, or None without one.

        Weeks are 7 days; hours and fractional days become days and hours.
        A fractional month keeps its whole months and turns the fraction
        into days of a mean month (1.5 months -> 1 month 15 days); a
        fractional year keeps whole years and months, the rest as days.
        """
        value, unit = self.value, self.unit
        if value is None or unit is None:
            return None
        if unit is TimeUnit.YEAR:
            years = math.trunc(value)
            months_left = (value - years) * 12
            months = math.trunc(months_left)
            days = round((months_left - months) * DAYS_PER_MONTH)
            return _relativedelta.relativedelta(years=years, months=months, days=days)
        if unit is TimeUnit.MONTH:
            months = math.trunc(value)
            return _relativedelta.relativedelta(
                months=months, days=round((value - months) * DAYS_PER_MONTH)
            )
        # Whole seconds are far below what a case timeline can tell apart.
        seconds = round(value * unit.approx_days * 86_400)
        return _relativedelta.relativedelta(seconds=seconds).normalized()

    @property
    def is_before_anchor(self) -> bool:
        """Whether the time lies before the anchor (baseline counts as before day 0).

        Raises :class:`TimelineError` for a time known only by its date,
        which needs the anchor date to be placed.
        """
        days = self.approx_days
        if days is not None:
            return days < 0
        if self.phase is not None:
            return self.phase is Phase.BASELINE
        raise TimelineError(
            f"{self} is known only by its calendar date; compare it with the anchor date"
        )

    def sort_key(self) -> tuple[float, int]:
        """A key that puts times in story order: ``(days from the anchor, tie-break)``.

        - negative offsets (the history), by their days;
        - ``baseline`` without a count: the assessment just before treatment,
          so after all of the history and before day 0 -- ``(0, 0)``;
        - day 0 and every offset -- ``(days, 1)``;
        - ``discharge`` without a count: the treating stay ends after day 0,
          but it is reported before the follow-up visits -- ``(0, 2)``;
        - ``follow-up`` without a count: "at the last follow-up" ends the
          story -- ``(inf, 0)``;
        - a time known only by its calendar date cannot be placed without
          the anchor date; for a stable display it sorts after everything,
          by date -- ``(inf, 1 + proleptic ordinal)``.  The comparison
          operators refuse such times instead of guessing.

        Qualifiers do not move a time: "~month 6" sorts with "month 6".
        """
        days = self.approx_days
        if days is not None:
            return (days, 1)
        if self.phase is Phase.BASELINE:
            return (0.0, 0)
        if self.phase is Phase.DISCHARGE:
            return (0.0, 2)
        if self.phase is Phase.FOLLOW_UP:
            return (math.inf, 0)
        assert self.date is not None  # validation: a value, a phase or a date
        return (math.inf, 1 + self.date.to_date().toordinal())

    def resolve(self, anchor_date: dt.date | PartialDate | str) -> dt.date | None:
        """The calendar date of this time, given the date of its anchor.

        The time's own ``date`` wins when set (its first day if partial).
        A phase without an offset has no date: None.  A partial anchor date
        stands for its first day, and must be at least as precise as the
        offset needs ("2019-03" can place month 3 but not day 5:
        :class:`TimelineError`).
        """
        if self.date is not None:
            return self.date.to_date()
        delta = self.relativedelta
        if delta is None:
            return None
        anchor_day = _as_partial_date(anchor_date)
        if delta.days or delta.hours:
            needed = TimeUnit.DAY
        elif delta.months:
            needed = TimeUnit.MONTH
        else:
            needed = TimeUnit.YEAR
        if _PRECISION_RANK[anchor_day.precision] > _PRECISION_RANK[needed]:
            raise TimelineError(
                f"anchor date {anchor_day} is known only to the "
                f"{anchor_day.precision.value}; {self} needs it to the {needed.value}"
            )
        resolved = anchor_day.to_date() + delta
        return resolved.date() if isinstance(resolved, dt.datetime) else resolved

    # -- comparison: through sort_key, only on one anchor --------------------------
    def _comparable_key(self, other: CaseTime) -> tuple[tuple[float, int], tuple[float, int]]:
        if self.anchor is not other.anchor:
            raise TimelineError(
                f"cannot compare {self} (from {self.anchor.label()}) with {other} "
                f"(from {other.anchor.label()}): they count from different anchors"
            )
        for time in (self, other):
            if time.value is None and time.phase is None:
                raise TimelineError(
                    f"cannot compare {time}: it is known only by its calendar date"
                )
        return self.sort_key(), other.sort_key()

    # Equality stays field equality (pydantic): "week 1" and "day 7" sort
    # together but are different records of the story.
    def __lt__(self, other: object) -> bool:
        if not isinstance(other, CaseTime):
            return NotImplemented
        mine, theirs = self._comparable_key(other)
        return mine < theirs

    def __le__(self, other: object) -> bool:
        if not isinstance(other, CaseTime):
            return NotImplemented
        mine, theirs = self._comparable_key(other)
        return mine <= theirs

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, CaseTime):
            return NotImplemented
        mine, theirs = self._comparable_key(other)
        return mine > theirs

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, CaseTime):
            return NotImplemented
        mine, theirs = self._comparable_key(other)
        return mine >= theirs

    # -- display ---------------------------------------------------------------------
    def _offset_text(self) -> str:
        assert self.value is not None
        assert self.unit is not None
        if self.value < 0:
            unit = self.unit.value if self.value == -1 else self.unit.plural()
            return f"{_format_number(self.value)} {unit}"
        return f"{self.unit.value} {_format_number(self.value)}"

    def __str__(self) -> str:
        prefix = self.qualifier.prefix if self.qualifier is not None else ""
        if self.value is not None:
            text = prefix + self._offset_text()
            if self.phase is not None:
                text = f"{self.phase.label()} at {text}"
        elif self.phase is not None:
            text = prefix + self.phase.label()
        else:
            assert self.date is not None
            text = prefix + self.date.isoformat()
        if self.anchor is not Anchor.FIRST_INTERVENTION:
            text += f" from {self.anchor.label()}"
        if self.date is not None and (self.value is not None or self.phase is not None):
            text += f" ({self.date})"
        return text


def _enum_from_text(
    value: Any,
    enum: type[StrEnum],
    parse: Callable[[str], StrEnum],
    error_type: str,
    field: str,
) -> Any:
    """Let an enum field accept its spellings ("months", "followup")."""
    if isinstance(value, str) and not isinstance(value, StrEnum):
        # A member's own value, as every record read back from JSON has it,
        # is its member (``parse`` says the same, after normalising the text).
        member = enum._value2member_map_.get(value)
        if member is not None:
            return member
        try:
            return parse(value)
        except TimelineError as exc:
            raise PydanticCustomError(
                error_type, "{problem}", {"problem": str(exc), field: value}
            ) from None
    return value


def _natural_offset(
    event: PartialDate, anchor_day: PartialDate, precision: TimeUnit
) -> tuple[float, TimeUnit]:
    if precision is TimeUnit.YEAR:
        return float(event.year - anchor_day.year), TimeUnit.YEAR
    if precision is TimeUnit.MONTH:
        return float(_months_between(event, anchor_day)), TimeUnit.MONTH
    start, end = anchor_day.to_date(), event.to_date()
    days = (end - start).days
    if abs(days) < 14:
        return float(days), TimeUnit.DAY
    calendar_span = _relativedelta.relativedelta(end, start)
    if calendar_span.days == 0:
        months = calendar_span.years * 12 + calendar_span.months
        if months % 12 == 0:
            return float(months // 12), TimeUnit.YEAR
        return float(months), TimeUnit.MONTH
    if days % 7 == 0:
        return float(days // 7), TimeUnit.WEEK
    return float(days), TimeUnit.DAY


# The units a span between dates of a given precision can be counted in.
_UNITS_FOR_PRECISION: dict[TimeUnit, frozenset[TimeUnit]] = {
    TimeUnit.YEAR: frozenset({TimeUnit.YEAR}),
    TimeUnit.MONTH: frozenset({TimeUnit.MONTH, TimeUnit.YEAR}),
    TimeUnit.DAY: frozenset(TimeUnit),
}


def _offset_in(
    event: PartialDate, anchor_day: PartialDate, precision: TimeUnit, unit: TimeUnit
) -> float:
    if unit not in _UNITS_FOR_PRECISION[precision]:
        raise TimelineError(
            f"cannot count {unit.plural()} between {event} and {anchor_day}: one of them "
            f"is known only to the {precision.value}"
        )
    if precision is TimeUnit.YEAR:
        return float(event.year - anchor_day.year)
    if precision is TimeUnit.MONTH:
        months = _months_between(event, anchor_day)
        return float(months) if unit is TimeUnit.MONTH else round(months / 12, 2)
    start, end = anchor_day.to_date(), event.to_date()
    days = (end - start).days
    if unit in (TimeUnit.HOUR, TimeUnit.DAY, TimeUnit.WEEK):
        return days * 24.0 if unit is TimeUnit.HOUR else round(days / unit.approx_days, 2)
    span = _relativedelta.relativedelta(end, start)
    mean_months = span.years * 12 + span.months + span.days / DAYS_PER_MONTH
    return round(mean_months if unit is TimeUnit.MONTH else mean_months / 12, 2)


def _months_between(event: PartialDate, anchor_day: PartialDate) -> int:
    return (event.year - anchor_day.year) * 12 + (event.month or 1) - (anchor_day.month or 1)
