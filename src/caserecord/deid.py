"""De-identification of case narratives and records, after the HIPAA Safe Harbor method.

The Safe Harbor method (45 CFR 164.514(b)(2)) lists eighteen kinds of
identifiers of a patient, their relatives, employers and household members
that must go before health information counts as de-identified.
:func:`deidentify_text` finds the ones a narrative can carry and replaces
them with readable placeholders; :func:`deidentify` does the same to a whole
:class:`~caserecord.CaseRecord` and keeps it valid.

What is replaced, and by what (:class:`IdentifierCategory`):

- **names** -- with or without a title ("Mr. Zhang", "Dr. Quinn Smith",
  "Anna Novak", "Patient I. I."), in greetings and signatures, beside
  relatives ("my husband, Hans"), before speech verbs and possessives; a
  name found once is replaced everywhere.  Titles stay: "Mr. [NAME]".
- **geographic units smaller than a state** -- towns, streets, ZIP codes,
  hospitals and clinics: "[PLACE]", "[ADDRESS]", "[ZIP]", and "[HOSPITAL]",
  "[CLINIC]", "[UNIVERSITY]" or "[INSTITUTION]" (the kind of place stays:
  "admitted to [HOSPITAL]").  Countries, US states and nationalities stay
  (Safe Harbor keeps them; the extractor reads the nationality).
- **dates** -- every calendar date, shifted by one number of days per case
  so intervals survive, and written back in the format it had ("Aug. 12,
  2019" stays a month-abbreviation date).  See *Date shift* below.
- **ages over 89** -- "92-year-old", "aged 95" become "90 or older".
- **phone and fax numbers, e-mail and web addresses, IP addresses, social
  security, record, plan, account, licence and device numbers**.

Clinical content is kept: Snellen fractions and ratios (20/40, 6/60, 1/60,
0/17), doses and times, eponyms and test names (Leber, Stargardt, Wharton's
jelly, Humphrey, Ishihara), drug names, acronyms, DOIs and trial registry
numbers (they identify a study, not a patient).

Date shift
    ``date_shift_days`` (N) moves a day-precise date by exactly N days; a
    month-precise date ("August 2009", "03/2019", a month alone) by
    M = round(N / 30.4375) whole months, at least one; a bare year by
    round(M / 12) whole years (possibly none: Safe Harbor permits years).
    Intervals between dates of the same precision are therefore exact;
    between precisions they can differ by one unit of the coarser date.
    Day-precise intervals stay exact in days, not in calendar months: 5 March
    to 5 June (month 3) may come back as 92 days that no longer start and end
    on the same day of the month, so the extractor can then say "day 92".
    Without ``date_shift_days``, N is derived from ``seed`` (a per-case key,
    kept secret like a password: whoever knows it can undo the shift), or
    from the text itself when no seed is given, and lies between 400 and
    1460 days either way, so every year moves too.  The same seed always
    gives the same shift, so all documents of one case shift together.
    Numeric dates whose day and month order cannot be told ("03/04/2019" in
    a text with no unambiguous numeric date) become "[DATE]", as do dates
    shifted outside 1800-2200 and birth dates of patients over 89.

What a rule-based pass cannot guarantee
    It finds identifiers by shape and context, so it misses names that look
    like ordinary words with no cue around them ("Hope", "Joy"), towns and
    companies named without a cue ("treated at Beike"), identifiers spelled
    out in words, identifiers inside images, and Safe Harbor's catch-all
    "any other unique identifying number, characteristic or code" (a rare
    occupation, a famous event).  Its report is for a human reviewer; it
    is not a certification that the text is de-identified.

The report (:attr:`DeidentifiedText.removed`) gives, for every replacement,
the category, the span in the output and in the source, and the
replacement.  The original words are kept only with ``keep_originals=True``
-- the report then holds PHI itself and must be protected like the source.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any, Self

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from caserecord import _deid_data as data
from caserecord._base import FrozenValue
from caserecord._calendar import MONTHS
from caserecord._units import UNITS
from caserecord.patient import Age, AgeUnit
from caserecord.provenance import Evidence
from caserecord.record import CaseRecord, Narrative
from caserecord.report import ExtractionReport, NoteKind
from caserecord.timeline import MAX_YEAR, MIN_YEAR, PartialDate, TimeUnit

__all__ = [
    "DeidentifiedText",
    "IdentifierCategory",
    "Removal",
    "date_shift_for",
    "deidentify",
    "deidentify_text",
    "shift_date",
]


class IdentifierCategory(StrEnum):
    """The Safe Harbor identifier kinds a narrative can carry (45 CFR 164.514(b)(2)(i))."""

    NAME = "name"  # (A) names
    GEOGRAPHIC = "geographic"  # (B) units smaller than a state, institutions, ZIP codes
    DATE = "date"  # (C) all elements of dates except the year
    AGE_OVER_89 = "age_over_89"  # (C) ages over 89, aggregated to "90 or older"
    PHONE = "phone"  # (D) telephone numbers
    FAX = "fax"  # (E) fax numbers
    EMAIL = "email"  # (F) e-mail addresses
    SSN = "ssn"  # (G) social security numbers
    ID_NUMBER = "id_number"  # (H)-(M) record, plan, account, licence, vehicle, device numbers
    URL = "url"  # (N) web addresses
    IP_ADDRESS = "ip_address"  # (O) IP addresses


class Removal(FrozenValue):
    """One replaced identifier: its category, where it was and what stands there now.

    ``start``/``end`` index the de-identified text (``text[start:end] ==
    replacement``); ``source_start``/``source_end`` index the original.
    ``original`` is None unless the caller asked to keep originals.
    """

    category: IdentifierCategory
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    source_start: int = Field(ge=0)
    source_end: int = Field(ge=0)
    replacement: str
    original: str | None = None

    model_config = FrozenValue.model_config | {"str_strip_whitespace": False}

    @model_validator(mode="after")
    def _span_fits_replacement(self) -> Self:
        if self.end - self.start != len(self.replacement):
            raise PydanticCustomError(
                "removal_span",
                "span {start}..{end} must be as long as the replacement (got '{replacement}')",
                {"start": self.start, "end": self.end, "replacement": self.replacement},
            )
        if self.source_end < self.source_start:
            raise PydanticCustomError(
                "removal_span",
                "source_end must not be before source_start (got {start}..{end})",
                {"start": self.source_start, "end": self.source_end},
            )
        return self

    def __str__(self) -> str:
        original = f" (was {self.original!r})" if self.original is not None else ""
        return f"{self.category.value} @{self.start}-{self.end}: {self.replacement!r}{original}"


class DeidentifiedText(FrozenValue):
    """A de-identified text and the report of what was replaced in it.

    ``date_shift_days`` is the shift that was applied; like the originals it
    undoes the de-identification of dates, so keep it from the recipients.
    """

    text: str
    removed: list[Removal] = Field(default_factory=list)
    date_shift_days: int

    model_config = FrozenValue.model_config | {"str_strip_whitespace": False}

    def __str__(self) -> str:
        return self.text

    def counts(self) -> dict[IdentifierCategory, int]:
        """How many identifiers of each category were replaced (categories in enum order)."""
        found = dict.fromkeys(IdentifierCategory, 0)
        for removal in self.removed:
            found[removal.category] += 1
        return {category: n for category, n in found.items() if n}

    def summary(self) -> str:
        """The counts in words: "3 name, 2 date" (or "nothing replaced")."""
        counts = self.counts()
        if not counts:
            return "nothing replaced"
        return ", ".join(f"{n} {category.value}" for category, n in counts.items())

    def map_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Where the source span ``[start, end)`` lies in the de-identified text.

        A span that contains whole removals grows or shrinks with them; one
        that cuts into a removal, or lies inside it, has no counterpart:
        None.
        """
        delta_start = delta_end = 0
        for removal in self.removed:  # in text order
            change = (removal.end - removal.start) - (removal.source_end - removal.source_start)
            if removal.source_end <= start:
                delta_start += change
                delta_end += change
            elif end <= removal.source_start:
                break
            elif start <= removal.source_start and removal.source_end <= end:
                delta_end += change
            else:
                return None
        return start + delta_start, end + delta_end


# -- the date shift ----------------------------------------------------------------------

# Derived shifts lie in 400..1460 days either way: over a year, so every
# bare year moves too, and under four, so seasons and ages stay plausible.
_MIN_DERIVED_SHIFT = 400
_MAX_DERIVED_SHIFT = 1460

# Mean Julian month (timeline.DAYS_PER_MONTH): how many whole months a day
# shift stands for.
_DAYS_PER_MONTH = 365.25 / 12


def date_shift_for(seed: str) -> int:
    """The date shift in days for a per-case key: stable, never 0, |shift| in 400..1460.

    BLAKE2b of the seed (personalised for caserecord), so nearby seeds give
    unrelated shifts.  Keep the seed secret: it undoes the shift.
    """
    digest = hashlib.blake2b(seed.encode("utf-8"), digest_size=8, person=b"caserecord-deid")
    number = int.from_bytes(digest.digest(), "big")
    span = _MAX_DERIVED_SHIFT - _MIN_DERIVED_SHIFT + 1
    magnitude = _MIN_DERIVED_SHIFT + number % span
    return magnitude if (number >> 32) % 2 else -magnitude


def _round_away(value: float) -> int:
    """Round half away from zero (Python's round() would round halves to even)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


@dataclass(frozen=True, slots=True)
class _Shift:
    """One case's shift at the three precisions (see the module docstring)."""

    days: int

    @property
    def months(self) -> int:
        months = _round_away(self.days / _DAYS_PER_MONTH)
        # A shift of a few days must still move a month-precise date: the
        # month is an element of a date that Safe Harbor removes.
        return months if months else (1 if self.days > 0 else -1)

    @property
    def years(self) -> int:
        return _round_away(self.months / 12)

    def day(self, year: int, month: int, day: int) -> dt.date | None:
        try:
            moved = dt.date(year, month, day) + dt.timedelta(days=self.days)
        except (ValueError, OverflowError):
            return None
        return moved if MIN_YEAR <= moved.year <= MAX_YEAR else None

    def month(self, year: int, month: int) -> tuple[int, int] | None:
        total = year * 12 + (month - 1) + self.months
        moved_year, moved_month = divmod(total, 12)
        return (moved_year, moved_month + 1) if MIN_YEAR <= moved_year <= MAX_YEAR else None

    def year(self, year: int) -> int | None:
        moved = year + self.years
        return moved if MIN_YEAR <= moved <= MAX_YEAR else None

    def month_alone(self, month: int) -> int:
        return (month - 1 + self.months) % 12 + 1


def shift_date(date: PartialDate, days: int) -> PartialDate | None:
    """``date`` moved by a case's shift of ``days``, at its own precision.

    Day-precise dates move by ``days``; month-precise ones by the whole
    months, year-only ones by the whole years it stands for (module
    docstring).  None when the result would leave the plausible years.
    """
    shift = _Shift(days)
    if date.precision is TimeUnit.DAY:
        assert date.month is not None
        assert date.day is not None
        moved = shift.day(date.year, date.month, date.day)
        return None if moved is None else PartialDate.from_date(moved)
    if date.precision is TimeUnit.MONTH:
        assert date.month is not None
        moved_month = shift.month(date.year, date.month)
        return (
            None if moved_month is None else PartialDate(year=moved_month[0], month=moved_month[1])
        )
    moved_year = shift.year(date.year)
    return None if moved_year is None else PartialDate(year=moved_year)


# -- vocabularies ----------------------------------------------------------------------


@cache
def _clinical_words() -> frozenset[str]:
    """Every word of the extractor's vocabularies: clinical, so never a name or place.

    Read from the extraction rule files, whatever their layout; a file that
    cannot be read is skipped (de-identification must not fail because a
    vocabulary is being edited).
    """
    import json

    words: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            words.update(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]+", value))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    folder = resources.files("caserecord.extraction") / "data"
    for entry in folder.iterdir():
        if not entry.name.endswith(".json"):
            continue
        try:
            walk(json.loads(entry.read_text(encoding="utf-8")))
        except (OSError, ValueError):  # pragma: no cover - a file mid-edit
            continue
    return frozenset(words)


def _unit_words() -> frozenset[str]:
    spellings = {canonical.lower() for canonical in UNITS}
    for _dimension, names in UNITS.values():
        spellings.update(name.lower() for name in names)
    return frozenset(spellings)


_NOT_A_YEAR_AFTER = data.COUNT_NOUNS | _unit_words() | {"%"}

_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zß-öø-ÿ"
# A capitalised word: "Zhang", "An-Guor", "O'Brien", "McDonald" (not "VEP").
_TOKEN = (
    rf"(?<![{_UP}{_LOW}])(?:[{_UP}]['’][{_UP}][{_LOW}]+|[{_UP}][{_LOW}]{{1,2}}[{_UP}][{_LOW}]+"
    rf"|[{_UP}][{_LOW}]+)(?:-[{_UP}]?[{_LOW}]+|['’][{_UP}][{_LOW}]+)*(?![\w])"
)
_INITIAL = rf"(?<![{_UP}{_LOW}])(?:[{_UP}]\.(?!\w)|[{_UP}](?=[ \t][{_UP}][{_LOW}]))"
_NAME_SEQ = rf"(?:{_TOKEN}|{_INITIAL})(?:[ \t]{{1,2}}(?:{_TOKEN}|{_INITIAL})){{0,3}}"
_SP = r"[ \t]{1,2}"
_PIECE = re.compile(rf"{_TOKEN}|{_INITIAL}")
_POSSESSIVE = r"['’]s?(?!\w)"


def _alternation(words: Iterable[str], *, title_case: bool = False) -> str:
    forms: set[str] = set()
    for word in words:
        if title_case:
            forms.add(" ".join(part[:1].upper() + part[1:] for part in word.split(" ")))
            forms.add(word.upper())
        else:
            forms.add(word)
    ordered = sorted(forms, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s{1,2}") for w in ordered)


_TITLE_WORDS = _alternation(data.TITLES, title_case=True)
_CREDENTIAL_WORDS = _alternation(data.CREDENTIALS, title_case=True)
_MONTH_INDEX = {name: i + 1 for i, name in enumerate(MONTHS)}
_MONTH_INDEX.update({name[:3]: i + 1 for i, name in enumerate(MONTHS)})
_MONTH_INDEX["sept"] = 9


# -- hits and their resolution ---------------------------------------------------------

# Lower numbers win an overlap; within a priority the longer span wins.
_P_ADDRESS = 1  # e-mail and web addresses hold names: first
_P_NUMBER = 2  # phone, fax, SSN, record numbers, IP addresses
_P_DATE = 3  # dates and ages
_P_NAME_CUE = 4  # names with a title, a greeting, a signature, a relative
_P_INSTITUTION = 5
_P_NAME_CONTEXT = 6  # names known from their shape and context
_P_PLACE = 7
_P_REPEAT = 8  # later mentions of names and places found earlier
_P_PLACE_WEAK = 9  # "in <Capitalised>"


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    category: IdentifierCategory
    replacement: str
    priority: int
    rule: str


class _Spans:
    """Non-overlapping spans in text order, with an overlap test in O(log n)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        # The last span starting before ``end`` is the only one that can reach past ``start``.
        index = bisect.bisect_left(self._starts, end) - 1
        return index >= 0 and self._ends[index] > start

    def add(self, start: int, end: int) -> None:
        index = bisect.bisect_left(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)


def _merged(spans: list[tuple[int, int]]) -> _Spans:
    merged = _Spans()
    current: list[int] | None = None
    for start, end in sorted(spans):
        if current is not None and start < current[1]:
            current[1] = max(current[1], end)
            continue
        if current is not None:
            merged.add(*current)
        current = [start, end]
    if current is not None:
        merged.add(*current)
    return merged


def _resolve(hits: list[_Hit], protected: list[tuple[int, int]]) -> list[_Hit]:
    """Non-overlapping hits, best first; none but an address may touch a protected span."""
    chosen: list[_Hit] = []
    taken = _Spans()
    shielded = _merged(protected)
    for hit in sorted(hits, key=lambda h: (h.priority, -(h.end - h.start), h.start)):
        if hit.end <= hit.start or taken.overlaps(hit.start, hit.end):
            continue
        if hit.priority > _P_ADDRESS and shielded.overlaps(hit.start, hit.end):
            continue
        chosen.append(hit)
        taken.add(hit.start, hit.end)
    return sorted(chosen, key=lambda h: h.start)


# -- protected clinical spans ------------------------------------------------------------

# Snellen fractions and ratios: 20/40, 6/60, 1/60, 0/17, 20/4,000.
_FRACTION = re.compile(r"(?<![\d/.,])\d{1,3}(?:\.\d{1,2})?/\d{1,4}(?:,\d{3})?(?![\d/])")
_STUDY_IDS = re.compile(
    r"\b(?:doi|DOI)\s?:?\s?10\.\d{4,9}/[^\s,;]+"
    r"|(?<![\w/])10\.\d{4,9}/[^\s,;]+"
    r"|\b(?:PMID|PMCID|NCT|ISRCTN|ChiCTR|ACTRN|DRKS|JPRN|IRCT|CTRI)[\s:/-]{0,3}[A-Z0-9][\w/-]{3,30}"
    r"|\bPMC\d{4,10}\b"
)


def _protected_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for match in _FRACTION.finditer(text):
        numerator, _, denominator = match.group().partition("/")
        # "3/2019" is March 2019; no Snellen chart has a year for a denominator.
        year_like = denominator.isdigit() and 1900 <= int(denominator) <= 2099
        if (
            year_like
            and denominator != "2000"
            and numerator.isdigit()
            and 1 <= int(numerator) <= 12
        ):
            continue
        spans.append(match.span())
    spans.extend(match.span() for match in _STUDY_IDS.finditer(text))
    return spans


# -- the rules ---------------------------------------------------------------------------

_I = re.IGNORECASE

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}"
)
_URL = re.compile(r"\b(?:https?://|ftp://|www\.)[^\s<>\"'\[\]{}|\\^`]{1,2000}", _I)
_BARE_DOMAIN = re.compile(
    r"(?<![\w@./-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,6}"
    rf"(?:{_alternation(data.TOP_LEVEL_DOMAINS)})(?![\w@-])(?:/[^\s<>\"']{{0,500}})?"
)
_TRAILING_PUNCTUATION = ".,;:!?)]}'\"’”"

_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
    r"(?!\d|\.\d)"
)
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?![\w:])")
_SSN = re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")
_SSN_CUED = re.compile(
    rf"\b(?:{_alternation(data.SSN_CUES)})\b[\s:#.]{{0,4}}(?:no\.?|number)?[\s:#]{{0,3}}"
    r"(?P<id>\d[\d -]{7,12}\d)",
    _I,
)
_ID_CUED = {
    kind: re.compile(
        rf"\b(?:{_alternation(words)})(?![\w])[\s:#.]{{0,4}}(?:(?:no\.?|number|is)[\s:#]{{0,3}})?"
        r"(?P<id>[A-Za-z0-9][A-Za-z0-9/-]{2,24})(?![\w])",
        _I,
    )
    for kind, words in data.ID_CUES.items()
}
_LONG_NUMBER = re.compile(r"(?<![\w.,/-])\d{9,20}(?![\w,/-]|\.\d)")
_PHONE_CUED = re.compile(
    rf"\b(?P<cue>{_alternation(data.PHONE_CUES | data.FAX_CUES)})(?![\w])\.?"
    r"(?:[ \t]?(?:no\.?|number|#))?[ \t]?[:.]?[ \t]{0,2}(?P<id>\+?\(?\d[\d() .-]{5,22}\d)",
    _I,
)
_PHONE_SHAPED = re.compile(
    r"(?<![\w+/.-])(?:"
    r"\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,4}){1,4}"
    r"|\(\d{2,4}\)[ .-]?\d{3,4}[ .-]\d{3,4}"
    r"|\d{2,4}(?P<sep>[.-])\d{3,4}(?P=sep)\d{3,5}"
    r")(?![\w/-]|\.\d)"
)

# Ages: the number group must read as 90 or more.
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_AGE_NUMBER = (
    r"(?P<num>\d{2,3}|ninety(?:[ -](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|one[ -]hundred(?:[ -](?:and[ -])?(?:one|two|three|four|five|six|seven|eight|nine))?)"
)
_AGE_UNIT = r"(?:years?|yrs?|y)"
_AGE_PATTERNS = (
    re.compile(rf"(?<![\w.]){_AGE_NUMBER}[ \t-]{{1,2}}{_AGE_UNIT}[ \t-]{{1,2}}old(?![\w])", _I),
    re.compile(
        rf"(?<![\w.]){_AGE_NUMBER}[ \t]{{1,2}}{_AGE_UNIT}[ \t]{{1,2}}of[ \t]age(?![\w])", _I
    ),
    re.compile(rf"(?<![\w.]){_AGE_NUMBER}[ \t]?(?:y/o|y\.o\.|yo)(?![\w])", _I),
    re.compile(
        rf"\b(?:aged?|age[ \t]of|age[ \t]?:)[ \t]{{0,2}}(?:about[ \t]|around[ \t])?"
        rf"(?P<span>{_AGE_NUMBER}(?:[ \t]{{1,2}}{_AGE_UNIT}(?:[ \t]old)?)?)(?![\w])",
        _I,
    ),
    # "Mr. Okafor, 92, is ...": a bare number right after a name.
    re.compile(
        r"(?<=[A-Za-z\]]),[ \t](?P<span>(?P<num>9\d|1[0-4]\d))"
        r"(?=,|[ \t](?:is|was|has|had|who|presented)\b)"
    ),
)

# Dates.
_MONTH_FULL = "|".join(m.capitalize() for m in MONTHS) + "|" + "|".join(m.upper() for m in MONTHS)
_MONTH_ABBR = "Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_MONTH = rf"(?P<month>(?:{_MONTH_FULL})(?![A-Za-z])|(?:{_MONTH_ABBR})(?:\.|(?![A-Za-z])))"
_MONTH_NAME_ANY = rf"(?:{_MONTH_FULL}|{_MONTH_ABBR})(?![A-Za-z])"
_DAY = r"(?P<day>[0-3]?\d)(?P<ord>st|nd|rd|th)?(?![\d])"
_YEAR_4 = r"(?P<year>(?:19|20)\d{2})(?!\d)"
_WEEKDAY_FULL = "|".join(d.capitalize() for d in data.WEEKDAYS)
_WEEKDAY_ABBR = "Mon|Tues|Tue|Wed|Thurs|Thur|Thu|Fri|Sat|Sun"
_WEEKDAY = rf"(?:(?P<weekday>(?:{_WEEKDAY_FULL})|(?:{_WEEKDAY_ABBR})\.?),?{_SP})?"
_DATE_CUE_WORDS = (
    r"in|since|from|until|till|to|by|during|early|mid|late|last|next|this|of|before|after"
    r"|between|through|throughout|end[ \t]of|beginning[ \t]of|start[ \t]of|middle[ \t]of"
)

_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "mdy",
        re.compile(
            rf"(?<![\w])(?P<date>{_WEEKDAY}{_MONTH}[ \t]{{0,2}}{_DAY},?[ \t]{{1,2}}{_YEAR_4})"
        ),
    ),
    (
        "dmy",
        re.compile(
            rf"(?<![\w./])(?P<date>{_WEEKDAY}(?:the[ \t])?{_DAY}(?:[ \t]{{1,2}}of)?[ \t]{{0,2}}"
            rf"{_MONTH},?[ \t]{{1,2}}{_YEAR_4})"
        ),
    ),
    ("my", re.compile(rf"(?<![\w])(?P<date>{_MONTH},?[ \t]{{1,2}}(?:of[ \t]{{1,2}})?{_YEAR_4})")),
    ("md", re.compile(rf"(?<![\w])(?P<date>{_MONTH}[ \t]{{1,2}}{_DAY})(?![:.,]?\d)")),
    (
        "dm",
        re.compile(
            rf"(?<![\w./])(?P<date>(?:the[ \t])?{_DAY}(?:[ \t]{{1,2}}of)?[ \t]{{1,2}}{_MONTH})"
        ),
    ),
    (
        "month",
        re.compile(
            rf"(?<![A-Za-z])(?i:{_DATE_CUE_WORDS})[ \t-]{{1,2}}(?P<date>{_MONTH})"
            r"(?![ \t]{0,2}\d)"
        ),
    ),
    (
        "month",
        re.compile(
            rf"(?<![\w])(?P<date>{_MONTH})"
            rf"(?=[ \t]{{0,2}}(?:–|—|-|to|until|through|and|&)[ \t]{{0,2}}{_MONTH_NAME_ANY})"
        ),
    ),
    (
        "iso_day",
        re.compile(
            r"(?P<date>(?P<year>(?:19|20)\d{2})(?P<sep>[-/.])(?P<mn>0?[1-9]|1[0-2])(?P=sep)"
            r"(?P<dn>0?[1-9]|[12]\d|3[01]))(?![\d])"
        ),
    ),
    (
        "num_day",
        re.compile(
            r"(?<![\d/.-])(?P<date>(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)"
            r"(?P<year>(?:19|20)\d{2}|\d{2}))(?![\d]|(?P=sep)\d)"
        ),
    ),
    (
        "iso_month",
        re.compile(
            r"(?<![\d/.-])(?P<date>(?P<year>(?:19|20)\d{2})[-/](?P<mn>0[1-9]|1[0-2]))(?![\d/-])"
        ),
    ),
    (
        "num_month",
        re.compile(
            r"(?<![\d/.-])(?P<date>(?P<mn>0[1-9]|1[0-2]|[1-9](?=[/.]))(?P<sep>[-/.])"
            r"(?P<year>(?:19|20)\d{2}))(?![\d]|(?P=sep)\d)"
        ),
    ),
)
_YEAR_ALONE = re.compile(r"(?<![\w.,/^×#])(?P<date>(?:19|20)\d{2})(?![\w]|[.,]\d|/\d)")
_YEAR_CUE = re.compile(r"(?P<word>[A-Za-z][A-Za-z.]{0,12})[ \t-]{1,2}(?:the[ \t]year[ \t])?$")
_NOT_YEAR_BEFORE = re.compile(
    r"(?:et[ \t]al\.?,?[ \t]?\(?|n[ \t]?=[ \t]?|no\.[ \t]?|[x×][ \t]?)$", _I
)
_YEAR_RANGE_AFTER = re.compile(r"[ \t]?[-–—][ \t]?(?:19|20)\d{2}(?!\d)")
_BIRTH_BEFORE = re.compile(r"(?:born|birth|DOB|D\.O\.B\.?)[\s:,]{0,3}(?:on|in)?[ \t]{0,2}$", _I)
_NEXT_WORD = re.compile(r"[ \t]{0,2}(?P<word>[^\W\d_][\w/]*|%|×|x)")

# Names.
_TITLED = re.compile(
    rf"(?<![A-Za-z])(?P<title>{_TITLE_WORDS})(?:\.[ \t]{{0,2}}|[ \t]{{1,2}})(?P<name>{_NAME_SEQ})"
)
_INITIALS_CUED = re.compile(
    r"(?<![A-Za-z])(?:[Pp]atient|[Pp]t\.?|[Cc]ase|[Ss]ubject|Mrs?\.?|Ms\.?)[ \t]{1,2}"
    rf"(?P<name>[{_UP}]\.(?:[ \t]?[{_UP}]\.){{0,3}}"
    rf"|[{_UP}]{{2,3}}(?=,|[ \t]\(|[ \t](?:is|was|had|has|presented)\b))"
)
_INITIALS_AGE = re.compile(
    rf"(?<![\w.])(?P<name>[{_UP}]\.[ \t]?[{_UP}]\.(?:[ \t]?[{_UP}]\.)?),[ \t]{{1,2}}"
    r"(?:an?[ \t]{1,2}\d|aged\b|\d)"
)
_GREETING = re.compile(
    rf"(?<![A-Za-z])(?:{_alternation(data.GREETINGS, title_case=True)}){_SP}"
    rf"(?P<name>{_NAME_SEQ})"
)
_CLOSING = re.compile(
    rf"[ \t]{{0,8}}(?:{_alternation(data.CLOSINGS, title_case=True)})"
    r"[ \t]{0,3}[,.!:-]?[ \t]{0,3}(?P<rest>[^\n]*)"
)
_SIGNATURE = re.compile(
    rf"(?:(?P<title>{_TITLE_WORDS})\.?[ \t]{{1,2}})?(?P<name>{_NAME_SEQ})"
    rf"(?:,?[ \t]{{0,2}}(?:{_CREDENTIAL_WORDS})\.?){{0,3}}[ \t]{{0,3}}[.,]?"
)
_HEADER = re.compile(
    r"^[ \t]{0,8}(?P<key>[A-Za-z][A-Za-z .'/()-]{0,40}?)[ \t]{0,3}:[ \t]{0,8}(?P<value>\S[^\n]*)",
    re.MULTILINE,
)
_RELATIVE = re.compile(
    rf"(?<![A-Za-z])(?:{_alternation(data.RELATIVES)})(?:[ \t]{{0,2}},[ \t]{{0,2}}|[ \t]{{1,2}})"
    rf"(?P<name>{_TOKEN}(?:[ \t]{{1,2}}{_TOKEN})?)"
)
_PARENTHETICAL_RELATIVE = re.compile(
    rf"(?<![\w])(?P<name>{_TOKEN})[ \t]{{0,2}}\((?i:(?:our|my|his|her|their|the)?[ \t]{{0,2}}"
    rf"(?:{_alternation(data.RELATIVES)}|patient))\b"
)
_NAMED = re.compile(
    r"(?<![A-Za-z])(?:named|called|nicknamed|[Nn]ame[ \t]is|[Nn]ame['’]s|I[ \t]am|I['’]m)"
    rf"[ \t]{{1,2}}(?P<name>{_TOKEN}(?:[ \t]{{1,2}}{_TOKEN}){{0,2}})"
)
_ROLE = re.compile(
    rf"(?<![A-Za-z])(?i:{_alternation(data.ROLES)})[ \t]{{1,2}}"
    rf"(?P<name>{_TOKEN}(?:[ \t]{{1,2}}(?:{_TOKEN}|{_INITIAL})){{1,3}})"
)
_CREDENTIALED = re.compile(
    rf"(?<![\w])(?P<name>{_TOKEN}(?:[ \t]{{1,2}}(?:{_TOKEN}|{_INITIAL})){{1,3}}),[ \t]{{0,2}}"
    rf"(?:{_CREDENTIAL_WORDS})(?![\w])"
)
_BY = re.compile(rf"(?<![A-Za-z])by[ \t]{{1,2}}(?P<name>{_TOKEN}(?:[ \t]{{1,2}}{_TOKEN}){{0,2}})")
_LINE_NAME = re.compile(
    rf"(?:[•*·▪-][ \t]{{0,3}})?(?:(?P<title>{_TITLE_WORDS})\.?[ \t]{{1,2}})?"
    rf"(?P<name>{_TOKEN}(?:[ \t]{{1,2}}(?:{_TOKEN}|{_INITIAL})){{1,3}})"
    rf"(?:,?[ \t]{{0,2}}(?:{_CREDENTIAL_WORDS})\.?){{0,3}}"
)
_WORD_TOKEN = re.compile(_TOKEN)
_PERSON_VERB = re.compile(rf",?[ \t]{{1,2}}(?:{_alternation(data.PERSON_VERBS)})(?![\w])")
_APPOSITION = re.compile(
    r",[ \t]{1,2}(?:who\b|aged\b|an?[ \t]{1,2}\d|(?:fe)?male\b"
    r"|\d{1,3}(?:,|[ \t-]{0,2}(?:years?|yrs?|months?|-year|y/o|yo)\b))"
    r"|[ \t]{1,2}\((?:\d{1,3}(?:\)|[ ,-]{0,2}(?:y|yo|y/o|yrs?|years?|[MF])\b)"
    r"|aged?\b|(?:fe)?male\b|[MF]\))",
    _I,
)
_IS_A = re.compile(r"[ \t]{1,2}(?:is|was)[ \t]{1,2}an?[ \t](?P<rest>[^\n.;]{0,60})")
_DEMOGRAPHIC = re.compile(
    r"\b(?:male|female|man|woman|boy|girl|patient|child|baby|infant|gentleman|lady|"
    rf"years?[ \t-]old|year-old|month-old|{_alternation(data.NATIONALITIES)})\b",
    _I,
)
_EPONYM_AFTER = re.compile(
    rf"(?:{_POSSESSIVE})?(?:[ \t]{{1,2}}[{_UP}][\w-]*){{0,2}}[ \t]{{1,2}}"
    rf"(?:{_alternation(data.EPONYM_NOUNS)})(?![\w])",
    _I,
)

# Places.
_CAPWORD = rf"(?:{_TOKEN}(?:['’]s)?|[{_UP}]{{2,6}}(?![\w]))"
# "and" is no connector: "... Medical Center and Johns Hopkins Hospital" are two.
_CONNECTOR = r"(?:[ \t]{1,2}(?:of|for|the|de|la|del|di|der|für))?"
_INSTITUTION = re.compile(
    rf"(?<![\w])(?P<inst>{_CAPWORD}(?:{_CONNECTOR}[ \t]{{1,2}}{_CAPWORD}){{0,6}}[ \t]{{1,2}}"
    rf"(?:{_alternation(data.INSTITUTION_SUFFIXES, title_case=True)})(?![\w])"
    rf"(?:{_SP}(?:of|for){_SP}(?:the{_SP})?{_CAPWORD}(?:{_SP}{_CAPWORD}){{0,3}})?)"
)
_INSTITUTION_PREFIXED = re.compile(
    rf"(?<![\w])(?P<inst>(?:{_alternation(data.INSTITUTION_PREFIXES, title_case=True)}){_SP}"
    rf"(?:of|for){_SP}(?:the{_SP})?{_CAPWORD}(?:{_CONNECTOR}{_SP}{_CAPWORD}){{0,5}})"
)
_PLACE_SUFFIXED = re.compile(
    rf"(?<![\w])(?P<place>{_TOKEN}(?:[ \t]{{1,2}}{_TOKEN}){{0,2}}[ \t]{{1,2}}"
    rf"(?:{_alternation(data.PLACE_SUFFIXES, title_case=True)})(?![\w]))"
)
# "12 Harbor Street, Springfield": the town after a street address goes with it.
_STREET_ADDRESS = re.compile(
    rf"(?<![\w.])(?P<place>\d{{1,5}}[A-Za-z]?[ \t]{{1,2}}(?:{_TOKEN}[ \t]{{1,2}}){{1,3}}"
    rf"(?:{_alternation(data.STREET_SUFFIXES, title_case=True)})\.?(?![\w])"
    rf"(?:,[ \t]{{1,2}}{_TOKEN}(?:[ \t]{_TOKEN})?(?![ \t]{{1,2}}[a-z]))?)"
)
_US_STATE_CODES = "|".join(sorted(data.US_STATE_CODES))
_ZIP = re.compile(
    rf"(?:(?<=[ ,])(?:{_US_STATE_CODES}){_SP}"
    r"|\b(?i:zip(?:[ \t]?code)?|post(?:al)?[ \t]?code)[\s:#]{0,3})"
    r"(?P<place>\d{5}(?:-\d{4})?)(?![\d-])"
)
_UK_POSTCODE = re.compile(r"(?<![\w])(?P<place>[A-Z]{1,2}\d[A-Z\d]?[ ]\d[A-Z]{2})(?![\w])")
_CITY = re.compile(rf"(?<![\w])(?P<place>{_alternation(data.CITIES, title_case=True)})(?![\w])")
_CITY_COUNTRY = re.compile(
    rf"(?<![\w])(?P<place>{_TOKEN}(?:[ \t-]{{1,2}}{_TOKEN}){{0,2}}),[ \t]{{1,2}}"
    rf"(?:{_alternation(data.COUNTRIES, title_case=True)}|{_US_STATE_CODES})(?![\w])"
)
_PLACE_AFTER_PREPOSITION = re.compile(
    rf"(?<![A-Za-z])(?:{_alternation(data.PLACE_PREPOSITIONS, title_case=True)}|"
    rf"{_alternation(data.PLACE_PREPOSITIONS)})[ \t]{{1,2}}(?:the[ \t]{{1,2}})?"
    rf"(?P<place>{_TOKEN}(?:[ \t]{{1,2}}{_TOKEN}){{0,2}}"
    rf"(?:(?:,{_SP}|{_SP}and{_SP}){_TOKEN}(?:{_SP}{_TOKEN}){{0,2}}){{0,3}})"
)
_PLACE_LIST_SEPARATOR = re.compile(r",[ \t]{1,2}|[ \t]{1,2}and[ \t]{1,2}")

_LOWER_WORD = re.compile(rf"(?<![\w'’-])[{_LOW}][\w'’-]*")
_STRUCTURAL = (
    data.FUNCTION_WORDS
    | data.TITLES
    | frozenset(MONTHS)
    | frozenset(data.WEEKDAYS)
    | data.COUNTRIES
    | data.NATIONALITIES
)


def _is_known_word(word: str, clinical: frozenset[str]) -> bool:
    return (
        word in clinical
        or word in data.COMMON_WORDS
        or word in data.SPECIALTIES
        or word in data.DRUG_BRANDS
    )


def _key(word: str) -> str:
    """A word as looked up in the lists: lower case, possessive dropped."""
    key = word.lower()
    for ending in ("'s", "’s", "'", "’"):
        if key.endswith(ending):
            return key[: -len(ending)]
    return key


@dataclass(frozen=True, slots=True)
class _Piece:
    start: int
    end: int
    text: str

    @property
    def is_initial(self) -> bool:
        return len(self.text.rstrip(".")) == 1


def _pieces(text: str, start: int, end: int) -> list[_Piece]:
    return [_Piece(m.start(), m.end(), m.group()) for m in _PIECE.finditer(text, start, end)]


class _Scan:
    """One text under de-identification: its words, filters and the hits found so far."""

    def __init__(
        self, text: str, shift: _Shift, names: tuple[str, ...], places: dict[str, str]
    ) -> None:
        self.text = text
        self.shift = shift
        self.names = names
        self.places = places
        self.found_names: set[str] = set()
        self.found_places: dict[str, str] = {}
        self.protected = _protected_spans(text)
        self.hits: list[_Hit] = list(self._addresses())
        masked = list(text)
        for hit in self.hits:
            masked[hit.start : hit.end] = " " * (hit.end - hit.start)
        self.lower_words = frozenset(
            m.group().lower() for m in _LOWER_WORD.finditer("".join(masked))
        )
        self.clinical = _clinical_words()
        self.numeric_order = self._numeric_date_order()
        years = [int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", text)]
        self.latest_year = max(years) if years else None
        self._headings: dict[int, bool] = {}

    # -- word filters --------------------------------------------------------------------
    def strong_ok(self, word: str) -> bool:
        """A word that can be a name after a strong cue (a title, "my husband")."""
        return len(word.rstrip(".")) >= 2 and _key(word) not in _STRUCTURAL

    def surname_ok(self, word: str) -> bool:
        """A word that can follow a given name: not a common, clinical or drug word."""
        if not self.strong_ok(word):
            return False
        key = _key(word)
        if key in data.COMMON_WORDS or key in data.EPONYMS or key in data.ROLES:
            return False
        return key not in data.DRUG_BRANDS and key not in data.SPECIALTIES

    def known(self, word: str) -> bool:
        """A common, clinical or drug word, or a compound of them ("Neuro-ophthalmology")."""
        key = _key(word)
        parts = key.split("-")
        if all(_is_known_word(part, self.clinical) for part in parts):
            return True
        return len(parts) > 1 and len(parts[-1]) >= 5 and _is_known_word(parts[-1], self.clinical)

    def cue_ok(self, word: str) -> bool:
        """A word that can be a name after a weaker cue: not common, clinical or a drug."""
        if not self.surname_ok(word):
            return False
        key = _key(word)
        if key in data.PLACE_SUFFIXES or key in data.INSTITUTION_SUFFIXES:
            return False
        parts = key.split("-")
        if any(part in data.EPONYMS for part in parts):
            return False
        # "MOG-Associated", "Neuro-ophthalmology": compounds of known words.
        if self.known(key):
            return False
        return not key.endswith(data.DRUG_SUFFIXES)

    def name_like(self, word: str) -> bool:
        """A word that reads as a name with no cue: also never written in lower case here."""
        if not self.cue_ok(word):
            return False
        key = _key(word)
        return key not in self.lower_words and not all(
            part in self.lower_words for part in key.split("-")
        )

    def in_heading(self, position: int) -> bool:
        """Whether ``position`` lies on a Title-Case line ("From Darkness to Sight").

        Headings capitalise common words, so the context rules that read a
        capital as a name or place stay quiet there.
        """
        start = self.text.rfind("\n", 0, position) + 1
        if start not in self._headings:
            end = self.text.find("\n", position)
            line = self.text[start : len(self.text) if end < 0 else end]
            words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if len(w) > 3]
            capitals = sum(w[0].isupper() for w in words)
            self._headings[start] = len(words) >= 4 and capitals >= 0.7 * len(words)
        return self._headings[start]

    def eponym_follows(self, end: int) -> bool:
        return _EPONYM_AFTER.match(self.text, end, min(len(self.text), end + 60)) is not None

    # -- collecting ----------------------------------------------------------------------
    def add(
        self,
        span: tuple[int, int],
        category: IdentifierCategory,
        replacement: str,
        priority: int,
        rule: str,
    ) -> None:
        self.hits.append(_Hit(span[0], span[1], category, replacement, priority, rule))

    def name(self, pieces: list[_Piece], priority: int, rule: str) -> None:
        if pieces:
            self.add(
                (pieces[0].start, pieces[-1].end),
                IdentifierCategory.NAME,
                "[NAME]",
                priority,
                rule,
            )

    def run(self) -> list[_Hit]:
        for rule in (
            self._numbers,
            self._dates,
            self._ages,
            self._cued_names,
            self._headers,
            self._signatures,
            self._institutions,
            self._context_names,
            self._places,
        ):
            rule()
        first = _resolve(self.hits, self.protected)
        self._repeats(first)
        return _resolve(self.hits, self.protected)

    # -- addresses and numbers -----------------------------------------------------------
    def _addresses(self) -> Iterator[_Hit]:
        text = self.text
        for match in _EMAIL.finditer(text):
            yield _Hit(*match.span(), IdentifierCategory.EMAIL, "[EMAIL]", _P_ADDRESS, "email")
        for pattern in (_URL, _BARE_DOMAIN):
            for match in pattern.finditer(text):
                start, end = match.span()
                while end > start and text[end - 1] in _TRAILING_PUNCTUATION:
                    end -= 1
                if any(c.isalpha() for c in text[start:end]):
                    yield _Hit(start, end, IdentifierCategory.URL, "[URL]", _P_ADDRESS, "url")

    def _numbers(self) -> None:
        text = self.text
        for pattern in (_IPV4, _IPV6):
            for match in pattern.finditer(text):
                self.add(match.span(), IdentifierCategory.IP_ADDRESS, "[IP]", _P_NUMBER, "ip")
        for match in _SSN.finditer(text):
            self.add(match.span(), IdentifierCategory.SSN, "[SSN]", _P_NUMBER, "ssn")
        for match in _SSN_CUED.finditer(text):
            self.add(match.span("id"), IdentifierCategory.SSN, "[SSN]", _P_NUMBER, "ssn")
        for kind, pattern in _ID_CUED.items():
            for match in pattern.finditer(text):
                value = match.group("id")
                if sum(c.isdigit() for c in value) >= 3:
                    self.add(
                        match.span("id"),
                        IdentifierCategory.ID_NUMBER,
                        f"[{kind}]",
                        _P_NUMBER,
                        "id",
                    )
        for match in _LONG_NUMBER.finditer(text):
            if not self._count_follows(match.end()):
                self.add(match.span(), IdentifierCategory.ID_NUMBER, "[ID]", _P_NUMBER, "id")
        for match in _PHONE_CUED.finditer(text):
            start, end = match.span("id")
            while end > start and not text[end - 1].isdigit():
                end -= 1
            digits = sum(c.isdigit() for c in text[start:end])
            if 7 <= digits <= 15:
                fax = _key(match.group("cue")).rstrip(".") in data.FAX_CUES
                self._phone(start, end, fax=fax)
        for match in _PHONE_SHAPED.finditer(text):
            digits = sum(c.isdigit() for c in match.group())
            if 7 <= digits <= 15:
                before = text[max(0, match.start() - 20) : match.start()].lower()
                self._phone(*match.span(), fax="fax" in before)

    def _phone(self, start: int, end: int, *, fax: bool) -> None:
        if fax:
            self.add((start, end), IdentifierCategory.FAX, "[FAX]", _P_NUMBER, "fax")
        else:
            self.add((start, end), IdentifierCategory.PHONE, "[PHONE]", _P_NUMBER, "phone")

    def _count_follows(self, end: int) -> bool:
        """Whether a unit or a counted noun follows a number ("2000 cells", "1500 IU")."""
        match = _NEXT_WORD.match(self.text, end)
        return match is not None and match.group("word").lower() in _NOT_A_YEAR_AFTER

    # -- dates and ages ------------------------------------------------------------------
    def _numeric_date_order(self) -> str | None:
        """'dmy' or 'mdy' when the text's unambiguous numeric dates agree on one."""
        votes: set[str] = set()
        for kind, pattern in _DATE_PATTERNS:
            if kind != "num_day":
                continue
            for match in pattern.finditer(self.text):
                first, second = int(match.group("a")), int(match.group("b"))
                if first > 12 >= second:
                    votes.add("dmy")
                elif second > 12 >= first:
                    votes.add("mdy")
        return votes.pop() if len(votes) == 1 else None

    def _dates(self) -> None:
        text = self.text
        for kind, pattern in _DATE_PATTERNS:
            for match in pattern.finditer(text):
                replacement = self._date_replacement(kind, match)
                if replacement is None:
                    continue
                start, end = match.span("date")
                if self._is_old_birth_date(start, match):
                    replacement = "[DATE]"
                self.add((start, end), IdentifierCategory.DATE, replacement, _P_DATE, kind)
        for match in _YEAR_ALONE.finditer(text):
            if self._year_in_context(match):
                start, end = match.span("date")
                moved = self.shift.year(int(match.group("date")))
                replacement = "[DATE]" if moved is None else f"{moved:04d}"
                if self._is_old_birth_date(start, match):
                    replacement = "[DATE]"
                self.add((start, end), IdentifierCategory.DATE, replacement, _P_DATE, "year")

    def _year_in_context(self, match: re.Match[str]) -> bool:
        """Whether a bare four-digit number is a year of the story, not a count.

        A year follows a date word ("in 2019", "born in", "early"), opens or
        closes a range ("2007–2011"), follows an opening bracket or a dash
        ("... (Male) - 2007"), or stands alone on its line; a unit or a
        counted noun after it ("2000 cells") makes it a number.
        """
        text = self.text
        start, end = match.span("date")
        before = text[max(0, start - 30) : start]
        if self._count_follows(end) or _NOT_YEAR_BEFORE.search(before):
            return False
        if _YEAR_RANGE_AFTER.match(text, end):
            return True
        cue = _YEAR_CUE.search(before)
        if cue is not None and _key(cue.group("word")) in data.DATE_CUES:
            return True
        if before.rstrip(" \t")[-1:] in ("(", "–", "—", "-", "/", ","):
            return True
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        return text[line_start : len(text) if line_end < 0 else line_end].strip() == match.group()

    def _is_old_birth_date(self, start: int, match: re.Match[str]) -> bool:
        """A birth date of someone over 89 at the latest date of the text (Safe Harbor (C))."""
        if not _BIRTH_BEFORE.search(self.text[max(0, start - 25) : start]):
            return False
        year_text = match.groupdict().get("year") or match.group("date")
        if not year_text or not year_text.isdigit() or len(year_text) != 4:
            return False
        return self.latest_year is not None and self.latest_year - int(year_text) >= 90

    def _date_replacement(self, kind: str, match: re.Match[str]) -> str | None:
        shift = self.shift
        groups = match.groupdict()
        new: dict[str, str] = {}
        if kind in ("mdy", "dmy", "md", "dm"):
            month = _MONTH_INDEX[_key(groups["month"]).rstrip(".")]
            day = int(groups["day"])
            if kind in ("mdy", "dmy"):
                year = int(groups["year"])
                moved = shift.day(year, month, day)
                if moved is None:
                    return "[DATE]"
                new["year"] = f"{moved.year:04d}"
                if groups.get("weekday"):
                    new["weekday"] = _weekday_word(moved.weekday(), groups["weekday"])
            else:
                if not 1 <= day <= 31:
                    return None
                reference = 2000 if (month, day) == (2, 29) else 2001
                moved = shift.day(reference, month, day)
                if moved is None:
                    return "[DATE]"
            new["month"] = _month_word(moved.month, groups["month"])
            new["day"] = _day_text(moved.day, groups["day"])
            if groups.get("ord"):
                new["ord"] = _ordinal_suffix(moved.day)
        elif kind == "my":
            moved_month = shift.month(
                int(groups["year"]), _MONTH_INDEX[_key(groups["month"]).rstrip(".")]
            )
            if moved_month is None:
                return "[DATE]"
            new["year"] = f"{moved_month[0]:04d}"
            new["month"] = _month_word(moved_month[1], groups["month"])
        elif kind == "month":
            month = _MONTH_INDEX[_key(groups["month"]).rstrip(".")]
            new["month"] = _month_word(shift.month_alone(month), groups["month"])
        elif kind == "iso_day":
            moved = shift.day(int(groups["year"]), int(groups["mn"]), int(groups["dn"]))
            if moved is None:
                return "[DATE]"
            new["year"] = f"{moved.year:04d}"
            new["mn"] = _day_text(moved.month, groups["mn"], numeric=True)
            new["dn"] = _day_text(moved.day, groups["dn"], numeric=True)
        elif kind == "num_day":
            return self._numeric_day(match)
        else:  # iso_month, num_month
            moved_month = shift.month(int(groups["year"]), int(groups["mn"]))
            if moved_month is None:
                return "[DATE]"
            new["year"] = f"{moved_month[0]:04d}"
            new["mn"] = _day_text(moved_month[1], groups["mn"], numeric=True)
        return _rewrite(match, "date", new)

    def _numeric_day(self, match: re.Match[str]) -> str | None:
        first, second = int(match.group("a")), int(match.group("b"))
        year_text = match.group("year")
        if len(year_text) == 2:
            if match.group("sep") != "/":
                return None
            # Two-digit years: 00-30 read as 20xx, the rest as 19xx (written back as two digits).
            year = int(year_text) + (2000 if int(year_text) <= 30 else 1900)
        else:
            year = int(year_text)
        if (
            first > 12
            or (first == second)
            or (first <= 12 and second <= 12 and self.numeric_order == "dmy")
        ):
            day, month, order = first, second, "dmy"
        elif second > 12 or self.numeric_order == "mdy":
            day, month, order = second, first, "mdy"
        else:
            return "[DATE]"
        if not 1 <= month <= 12:
            return None
        moved = self.shift.day(year, month, day)
        if moved is None:
            return "[DATE]"
        day_group, month_group = ("a", "b") if order == "dmy" else ("b", "a")
        year_out = f"{moved.year:04d}" if len(year_text) == 4 else f"{moved.year % 100:02d}"
        return _rewrite(
            match,
            "date",
            {
                day_group: _day_text(moved.day, match.group(day_group), numeric=True),
                month_group: _day_text(moved.month, match.group(month_group), numeric=True),
                "year": year_out,
            },
        )

    def _ages(self) -> None:
        for pattern in _AGE_PATTERNS:
            for match in pattern.finditer(self.text):
                value = _age_number(match.group("num"))
                if value is None or not 90 <= value <= 150:
                    continue
                group = "span" if "span" in match.groupdict() else 0
                start, end = match.span(group)
                self.add(
                    (start, end), IdentifierCategory.AGE_OVER_89, "90 or older", _P_DATE, "age"
                )

    # -- names -----------------------------------------------------------------------------
    def _cued_names(self) -> None:
        text = self.text
        for match in _TITLED.finditer(text):
            pieces = _pieces(text, *match.span("name"))
            noun_title = _key(match.group("title")) in data.NOUN_TITLES
            kept: list[_Piece] = []
            for piece in pieces:
                if not kept:
                    ok = (
                        self.cue_ok(piece.text)
                        if noun_title
                        else _key(piece.text) not in data.FUNCTION_WORDS | data.TITLES
                    )
                else:
                    ok = piece.is_initial or self.cue_ok(piece.text)
                if not ok:
                    break
                kept.append(piece)
            while (
                kept and kept[-1].is_initial and len(kept) > 1 and not kept[-1].text.endswith(".")
            ):
                kept.pop()
            self.name(kept, _P_NAME_CUE, "title")
        for match in _INITIALS_CUED.finditer(text):
            self.add(
                match.span("name"), IdentifierCategory.NAME, "[NAME]", _P_NAME_CUE, "initials"
            )
        for match in _INITIALS_AGE.finditer(text):
            letters = re.sub(r"[^A-Z]", "", match.group("name"))
            if letters not in data.NOT_INITIALS:
                self.add(
                    match.span("name"), IdentifierCategory.NAME, "[NAME]", _P_NAME_CUE, "initials"
                )
        for match in _GREETING.finditer(text):
            pieces = _pieces(text, *match.span("name"))
            if pieces and _key(pieces[0].text) not in data.GREETING_NOT_NAMES | data.TITLES:
                self.name(self._take(pieces, self.strong_ok), _P_NAME_CUE, "greeting")
        for match in _RELATIVE.finditer(text):
            pieces = self._take(_pieces(text, *match.span("name")), self._unwritten_lower)
            if pieces and not self.eponym_follows(pieces[-1].end):
                self.name(pieces, _P_NAME_CUE, "relative")
        for match in _PARENTHETICAL_RELATIVE.finditer(text):
            if match.group("name")[:1].isupper() and self._unwritten_lower(match.group("name")):
                self.add(
                    match.span("name"), IdentifierCategory.NAME, "[NAME]", _P_NAME_CUE, "relative"
                )
        for match in _NAMED.finditer(text):
            self.name(
                self._take(_pieces(text, *match.span("name")), self.cue_ok), _P_NAME_CUE, "named"
            )
        for pattern, rule in ((_ROLE, "role"), (_CREDENTIALED, "credentials")):
            for match in pattern.finditer(text):
                pieces = _pieces(text, *match.span("name"))
                if all(p.is_initial or self.cue_ok(p.text) for p in pieces) and len(pieces) >= 2:
                    self.name(pieces, _P_NAME_CUE, rule)

    def _unwritten_lower(self, word: str) -> bool:
        return self.strong_ok(word) and _key(word) not in self.lower_words

    @staticmethod
    def _take(pieces: list[_Piece], ok: Callable[[str], bool]) -> list[_Piece]:
        kept: list[_Piece] = []
        for piece in pieces:
            if not (piece.is_initial and kept) and not ok(piece.text):
                break
            kept.append(piece)
        while kept and kept[-1].is_initial:
            kept.pop()
        return kept

    def _headers(self) -> None:
        text = self.text
        for match in _HEADER.finditer(text):
            key = " ".join(match.group("key").lower().split())
            value = match.group("value").rstrip()
            value_start = match.start("value")
            value_end = value_start + len(value)
            if key in data.PERSON_HEADER_KEYS:
                found = _SIGNATURE.fullmatch(text, value_start, value_end)
                if found is None or found.group("title"):
                    continue  # a titled name is the title rule's
                pieces = _pieces(text, *found.span("name"))
                if pieces and all(
                    p.is_initial or self.cue_ok(p.text) or self._unwritten_lower(p.text)
                    for p in pieces
                ):
                    self.name(pieces, _P_NAME_CUE, "header")
            elif key in data.PLACE_HEADER_KEYS:
                if not value[:1].isupper() and not value[:1].isdigit():
                    continue
                words = re.findall(r"[^\W\d_][\w'’-]*", value)
                if _key(value.rstrip(".")) in data.COUNTRIES or all(map(self.known, words)):
                    continue  # a country stays; "Clinic: Outpatient" is no place
                replacement = (
                    _institution_placeholder([key])
                    if key in data.INSTITUTION_HEADER_KEYS
                    else "[PLACE]"
                )
                self.add(
                    (value_start, value_end),
                    IdentifierCategory.GEOGRAPHIC,
                    replacement,
                    _P_NAME_CUE,
                    "header",
                )
            elif key in data.BIRTH_HEADER_KEYS:
                # A birth date goes whole, not shifted: it is the most identifying date
                # and, for the old, also an age.
                self.add(
                    (value_start, value_end), IdentifierCategory.DATE, "[DATE]", _P_NUMBER, "birth"
                )

    def _signatures(self) -> None:
        text = self.text
        lines: list[tuple[int, int]] = []
        position = 0
        for raw in text.split("\n"):
            lines.append((position, position + len(raw)))
            position += len(raw) + 1
        for index, (start, end) in enumerate(lines):
            match = _CLOSING.match(text, start, end)
            if match is None:
                continue
            if match.group("rest").strip():
                self._signature_line(*match.span("rest"))
                continue
            taken = 0
            for next_start, next_end in lines[index + 1 : index + 6]:
                if not text[next_start:next_end].strip():
                    if taken:
                        break
                    continue
                if not self._signature_line(next_start, next_end) or taken >= 2:
                    break
                taken += 1

    def _signature_line(self, start: int, end: int) -> bool:
        text = self.text
        while start < end and text[start] in " \t":
            start += 1
        while end > start and text[end - 1] in " \t\r":
            end -= 1
        found = _SIGNATURE.fullmatch(text, start, end)
        if found is None:
            return False
        pieces = _pieces(text, *found.span("name"))
        if not pieces or not all(p.is_initial or self.cue_ok(p.text) for p in pieces):
            return False
        self.name(pieces, _P_NAME_CUE, "signature")
        return True

    def _context_names(self) -> None:
        tokens = [_Piece(m.start(), m.end(), m.group()) for m in _WORD_TOKEN.finditer(self.text)]
        for index, token in enumerate(tokens):
            if _key(token.text) in data.GIVEN_NAMES:
                self._given_name(token)
            if self.name_like(token.text):
                self._name_in_context(tokens, index)
        self._names_after_by()
        self._names_alone_on_a_line()

    def _given_name(self, token: _Piece) -> None:
        """A listed given name and the capitalised words after it ("Anna Novak")."""
        text = self.text
        if self.eponym_follows(token.end):
            return
        if (
            text[max(0, token.start - 6) : token.start]
            .rstrip()
            .endswith(("St.", "Saint", "San", "Santa", "Sao", "São"))
        ):
            return  # a place: "San Diego", "St. Paul"
        pieces = [token]
        for piece in _pieces(text, token.end, min(len(text), token.end + 60)):
            gap = text[pieces[-1].end : piece.start]
            if not re.fullmatch(r"[ \t]{1,2}", gap) or len(pieces) >= 3:
                break
            if not (piece.is_initial or self.surname_ok(piece.text)):
                break
            pieces.append(piece)
        while len(pieces) > 1 and pieces[-1].is_initial:
            pieces.pop()
        self.name(pieces, _P_NAME_CONTEXT, "given")

    def _name_in_context(self, tokens: list[_Piece], index: int) -> None:
        """Name-like words before a speech verb, a possessive or an age ("Anna Novak said")."""
        text = self.text
        run = [tokens[index]]
        cursor = index + 1
        while cursor < len(tokens) and len(run) < 3:
            gap = text[run[-1].end : tokens[cursor].start]
            if not re.fullmatch(r"[ \t]{1,2}(?:[A-Z]\.?[ \t]{1,2})?", gap):
                break
            if not self.name_like(tokens[cursor].text):
                break
            run.append(tokens[cursor])
            cursor += 1
        end = run[-1].end
        if self.eponym_follows(end):
            return
        after = text[end : end + 80]
        possessive = re.match(_POSSESSIVE, after) is not None
        if len(run) >= 2:
            if not self.in_heading(run[0].start) and (
                possessive or _PERSON_VERB.match(after) or _APPOSITION.match(after)
            ):
                self.name(run, _P_NAME_CONTEXT, "pair")
                return
        elif possessive or _APPOSITION.match(after):
            self.name(run, _P_NAME_CONTEXT, "possessive")
            return
        is_a = _IS_A.match(after)
        if is_a is not None and _DEMOGRAPHIC.search(is_a.group("rest")):
            self.name(run, _P_NAME_CONTEXT, "is_a")

    def _names_after_by(self) -> None:
        for match in _BY.finditer(self.text):
            if self.in_heading(match.start()):
                continue
            pieces = self._take(_pieces(self.text, *match.span("name")), self.name_like)
            if pieces and not self.eponym_follows(pieces[-1].end):
                self.name(pieces, _P_NAME_CONTEXT, "by")

    def _names_alone_on_a_line(self) -> None:
        """Bylines and signatures with no closing before them ("• An-Guor Wang")."""
        position = 0
        for raw in self.text.split("\n"):
            start = position + len(raw) - len(raw.lstrip())
            end = max(start, position + len(raw.rstrip()))
            found = _LINE_NAME.fullmatch(self.text, start, end)
            if found is not None:
                pieces = _pieces(self.text, *found.span("name"))
                if all(p.is_initial or self.name_like(p.text) for p in pieces):
                    self.name(pieces, _P_NAME_CONTEXT, "line")
            position += len(raw) + 1

    # -- places ----------------------------------------------------------------------------
    def _institutions(self) -> None:
        for pattern in (_INSTITUTION, _INSTITUTION_PREFIXED):
            prefixed = pattern is _INSTITUTION_PREFIXED
            for match in pattern.finditer(self.text):
                start, end = match.span("inst")
                pieces = list(re.finditer(r"\S+", self.text[start:end]))
                # Drop opening words that only start the sentence ("Then", "At").
                while (
                    not prefixed
                    and pieces
                    and (
                        _key(pieces[0].group()) in data.FUNCTION_WORDS
                        or (
                            _key(pieces[0].group()) in data.COMMON_WORDS
                            and _key(pieces[0].group()) not in data.INSTITUTION_OPENERS
                        )
                    )
                ):
                    pieces.pop(0)
                if len(pieces) < 2:
                    continue
                start += pieces[0].start()
                words = [_key(p.group()) for p in pieces]
                # The words that name it: before the suffix, or after "University of".
                own = words[1:] if prefixed else words[:-1]
                named = [w for w in own if w not in data.FUNCTION_WORDS]
                distinctive = [w for w in named if not self.known(w)]
                if distinctive or len(named) >= 2:
                    self.add(
                        (start, end),
                        IdentifierCategory.GEOGRAPHIC,
                        _institution_placeholder(words),
                        _P_INSTITUTION,
                        "institution",
                    )

    def _places(self) -> None:
        text = self.text
        for match in _PLACE_SUFFIXED.finditer(text):
            pieces = _pieces(text, *match.span("place"))
            while pieces and _key(pieces[0].text) in data.COMMON_WORDS:
                pieces.pop(0)
            if len(pieces) >= 2 and any(
                _key(p.text) not in data.COMMON_WORDS and _key(p.text) not in self.clinical
                for p in pieces[:-1]
            ):
                self.add(
                    (pieces[0].start, match.end("place")),
                    IdentifierCategory.GEOGRAPHIC,
                    "[PLACE]",
                    _P_PLACE,
                    "place",
                )
        for match in _STREET_ADDRESS.finditer(text):
            # A house number and a street word: surer than a listed city inside it.
            self.add(
                match.span("place"),
                IdentifierCategory.GEOGRAPHIC,
                "[ADDRESS]",
                _P_INSTITUTION,
                "address",
            )
        for pattern in (_ZIP, _UK_POSTCODE):
            for match in pattern.finditer(text):
                self.add(
                    match.span("place"), IdentifierCategory.GEOGRAPHIC, "[ZIP]", _P_PLACE, "zip"
                )
        for match in _CITY.finditer(text):
            # A listed city outranks a name read from context ("Los Angeles, implanted").
            self.add(
                match.span("place"),
                IdentifierCategory.GEOGRAPHIC,
                "[PLACE]",
                _P_INSTITUTION,
                "city",
            )
        for match in _CITY_COUNTRY.finditer(text):
            pieces = self._take_from_end(_pieces(text, *match.span("place")))
            if pieces:
                self.add(
                    (pieces[0].start, pieces[-1].end),
                    IdentifierCategory.GEOGRAPHIC,
                    "[PLACE]",
                    _P_PLACE,
                    "city",
                )
        for match in _PLACE_AFTER_PREPOSITION.finditer(text):
            if self.in_heading(match.start()):
                continue
            start, end = match.span("place")
            cursor = start
            for separator in [*_PLACE_LIST_SEPARATOR.finditer(text, start, end), None]:
                stop = end if separator is None else separator.start()
                pieces = _pieces(text, cursor, stop)
                cursor = end if separator is None else separator.end()
                if not pieces or not all(self.name_like(p.text) for p in pieces):
                    break
                if self.eponym_follows(pieces[-1].end):
                    break
                if any(_key(p.text) in data.GIVEN_NAMES for p in pieces):
                    self.name(pieces, _P_NAME_CONTEXT, "given")
                    continue
                self.add(
                    (pieces[0].start, pieces[-1].end),
                    IdentifierCategory.GEOGRAPHIC,
                    "[PLACE]",
                    _P_PLACE_WEAK,
                    "in_place",
                )

    def _take_from_end(self, pieces: list[_Piece]) -> list[_Piece]:
        """The trailing words of a run that can name a town (before ", China")."""
        kept: list[_Piece] = []
        for piece in reversed(pieces):
            if not self.cue_ok(piece.text):
                break
            kept.insert(0, piece)
        return kept

    # -- repeats ---------------------------------------------------------------------------
    def _repeats(self, found: list[_Hit]) -> None:
        """Every later mention of a name or place found once ("Kuehl's vision")."""
        text = self.text
        names: set[str] = set()
        places: dict[str, str] = dict(self.places)
        for hit in found:
            words = text[hit.start : hit.end]
            if hit.category is IdentifierCategory.NAME:
                names.update(self._name_terms(words))
            elif hit.category is IdentifierCategory.GEOGRAPHIC and hit.rule in (
                "institution",
                "place",
                "city",
                "in_place",
            ):
                places[words] = hit.replacement
        for name in self.names:
            names.update(self._name_terms(name, caller=True))
        self.found_names, self.found_places = names, places
        if names:
            forms = names | {n.upper() for n in names if len(n) > 2}
            pattern = re.compile(rf"(?<![\w])(?:{_alternation(forms)})(?![\w])")
            for match in pattern.finditer(text):
                self.add(match.span(), IdentifierCategory.NAME, "[NAME]", _P_REPEAT, "repeat")
        if places:
            pattern = re.compile(rf"(?<![\w])(?:{_alternation(places)})(?![\w])")
            for match in pattern.finditer(text):
                self.add(
                    match.span(),
                    IdentifierCategory.GEOGRAPHIC,
                    places[match.group()],
                    _P_REPEAT,
                    "repeat",
                )

    def _name_terms(self, words: str, *, caller: bool = False) -> set[str]:
        """The words of a found name worth looking for elsewhere (and the whole name)."""
        pieces = _pieces(words, 0, len(words))
        terms = {
            p.text
            for p in pieces
            if not p.is_initial
            and self.strong_ok(p.text)
            and _key(p.text) not in data.EPONYMS
            and _key(p.text) not in (data.COMMON_WORDS if caller else self.lower_words)
            and (caller or _key(p.text) not in self.clinical)
        }
        if len(pieces) > 1 and all(p.is_initial or p.text in terms for p in pieces):
            terms.add(words.strip())
        return terms


def _institution_placeholder(words: list[str]) -> str:
    """ "[HOSPITAL]", "[CLINIC]", "[UNIVERSITY]" or "[INSTITUTION]" for a name's words."""
    # The head word decides: "University of Rochester Medical Center" is a centre.
    for word in reversed(words):
        if word in data.INSTITUTION_KINDS:
            return f"[{data.INSTITUTION_KINDS[word].upper()}]"
    return "[INSTITUTION]"


def _age_number(text: str | None) -> int | None:
    if text is None:
        return None
    if text.isdigit():
        return int(text)
    words = re.split(r"[ -]+", text.lower())
    value = 0
    for word in words:
        if word == "ninety":
            value += 90
        elif word == "hundred":
            value = value * 100 if value else 100
        elif word in _NUMBER_WORDS:
            value += _NUMBER_WORDS[word]
    return value or None


# -- writing dates back in their own format -------------------------------------------------


def _rewrite(match: re.Match[str], span_group: str, new: dict[str, str]) -> str:
    """The text of ``span_group`` with the named sub-groups replaced by ``new``."""
    text = match.string
    start, end = match.span(span_group)
    parts: list[str] = []
    cursor = start
    spans = sorted(
        (match.span(group), value)
        for group, value in new.items()
        if match.group(group) is not None
    )
    for (group_start, group_end), value in spans:
        parts.append(text[cursor:group_start])
        parts.append(value)
        cursor = group_end
    parts.append(text[cursor:end])
    return "".join(parts)


def _styled(word: str, like: str) -> str:
    bare = like.rstrip(".")
    if bare.isupper() and len(bare) > 1:
        return word.upper()
    return word.capitalize()


def _month_word(month: int, like: str) -> str:
    """Month ``month`` written as ``like`` was: "August", "Aug.", "AUG", "Sept."."""
    full = MONTHS[month - 1]
    bare = like.rstrip(".").lower()
    if bare in MONTHS:
        return _styled(full, like)
    word = "sept" if bare == "sept" and month == 9 else full[:3]
    dotted = like.endswith(".") and word != full
    return _styled(word, like) + ("." if dotted else "")


def _weekday_word(weekday: int, like: str) -> str:
    full = data.WEEKDAYS[weekday]
    bare = like.rstrip(".").lower()
    if bare in data.WEEKDAYS:
        return _styled(full, like)
    return _styled(full[:3], like) + ("." if like.endswith(".") else "")


def _day_text(number: int, like: str, *, numeric: bool = False) -> str:
    """A day or month number padded as ``like`` was ("06" stays two digits).

    In an all-digit date a two-digit field stays two digits ("2012-03-21"
    -> "2013-08-03"); beside a month name only a written zero pads ("3 May").
    """
    pad = len(like) == 2 and (numeric or like.startswith("0"))
    return f"{number:02d}" if pad else str(number)


def _ordinal_suffix(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


# -- the public functions -----------------------------------------------------------------


def _choose_shift(date_shift_days: int | None, seed: str | None, fallback: str) -> int:
    if date_shift_days is not None and seed is not None:
        raise ValueError("give date_shift_days or seed, not both")
    if date_shift_days is not None:
        if isinstance(date_shift_days, bool) or not isinstance(date_shift_days, int):
            raise TypeError(
                f"date_shift_days must be an int (got {type(date_shift_days).__name__})"
            )
        if date_shift_days == 0:
            raise ValueError("date_shift_days must not be 0: a zero shift keeps every date")
        return date_shift_days
    return date_shift_for(seed if seed is not None else fallback)


@dataclass(frozen=True, slots=True)
class _Known:
    """Names and places known to belong to a case, to be removed wherever they appear."""

    names: tuple[str, ...] = ()
    places: tuple[tuple[str, str], ...] = ()  # (words, replacement)


def _deidentify(
    text: str, days: int, known: _Known, keep_originals: bool
) -> tuple[DeidentifiedText, _Known]:
    scan = _Scan(text, _Shift(days), known.names, dict(known.places))
    hits = scan.run()
    parts: list[str] = []
    removals: list[Removal] = []
    cursor = 0
    delta = 0
    for hit in hits:
        parts.append(text[cursor : hit.start])
        parts.append(hit.replacement)
        start = hit.start + delta
        removals.append(
            Removal(
                category=hit.category,
                start=start,
                end=start + len(hit.replacement),
                source_start=hit.start,
                source_end=hit.end,
                replacement=hit.replacement,
                original=text[hit.start : hit.end] if keep_originals else None,
            )
        )
        delta += len(hit.replacement) - (hit.end - hit.start)
        cursor = hit.end
    parts.append(text[cursor:])
    result = DeidentifiedText(text="".join(parts), removed=removals, date_shift_days=days)
    found = _Known(tuple(sorted(scan.found_names)), tuple(sorted(scan.found_places.items())))
    return result, found


def deidentify_text(
    text: str,
    *,
    date_shift_days: int | None = None,
    seed: str | None = None,
    names: Iterable[str] = (),
    keep_originals: bool = False,
) -> DeidentifiedText:
    """Replace the Safe Harbor identifiers of ``text`` and report each replacement.

    ``date_shift_days`` shifts every date by that many days (not 0); or
    ``seed``, a secret per-case key, derives the shift (:func:`date_shift_for`);
    with neither, the text itself is the seed.  ``names`` are names known
    to belong to the case (from a registry, or the record's label): they
    are removed wherever they appear, like names the rules find.
    ``keep_originals`` puts the removed words into the report -- which then
    holds PHI.  Deterministic; raises only on arguments of the wrong type
    or an impossible option.
    """
    if not isinstance(text, str):
        raise TypeError(f"deidentify_text() needs the text as str (got {type(text).__name__})")
    days = _choose_shift(date_shift_days, seed, text)
    result, _found = _deidentify(text, days, _Known(tuple(names)), keep_originals)
    return result


class _RecordScrubber:
    """Rewrites a record's values for its de-identified narrative (see :func:`deidentify`)."""

    def __init__(self, days: int, known: _Known, narrative: DeidentifiedText | None) -> None:
        self.days = days
        self.known = known
        self.narrative = narrative
        self.dropped: list[str] = []
        self.unshifted: list[str] = []
        self._texts: dict[str, str] = {}

    def text(self, value: str) -> str:
        if value not in self._texts:
            result, _found = _deidentify(value, self.days, self.known, False)
            self._texts[value] = result.text
        return self._texts[value]

    def evidence(self, evidence: Evidence, path: str) -> Evidence | None:
        if self.narrative is None:
            # No source to re-anchor on: keep only quotes that hold no identifier.
            if self.text(evidence.quote) == evidence.quote:
                return evidence
            self.dropped.append(path)
            return None
        mapped = self.narrative.map_span(evidence.start, evidence.end)
        if mapped is None:
            self.dropped.append(path)
            return None
        if mapped == (evidence.start, evidence.end) and not any(
            r.source_start < evidence.end and evidence.start < r.source_end
            for r in self.narrative.removed
        ):
            return evidence
        return Evidence.of(self.narrative.text, *mapped)

    def value(self, value: Any, path: str) -> Any:
        """``value`` rewritten (the same object when nothing changed; None to drop it)."""
        result: Any = value
        if isinstance(value, Evidence):
            result = self.evidence(value, path)
        elif isinstance(value, PartialDate):
            result = shift_date(value, self.days)
            if result is None:
                self.unshifted.append(path)
        elif isinstance(value, StrEnum):
            result = value
        elif isinstance(value, str):
            result = self.text(value)
            if result == value:
                result = value
        elif isinstance(value, BaseModel):
            result = self.model(value, path)
        elif isinstance(value, list):
            items = [self.value(item, f"{path}[{i}]") for i, item in enumerate(value)]
            changed = any(a is not b for a, b in zip(items, value, strict=True))
            result = [i for i in items if i is not None] if changed else value
        elif isinstance(value, dict):
            pairs = {k: self.value(v, f"{path}.{k}") for k, v in value.items()}
            changed = any(pairs[k] is not v for k, v in value.items())
            result = {k: v for k, v in pairs.items() if v is not None} if changed else value
        return result

    def model(
        self, model: BaseModel, path: str, *, skip: frozenset[str] = frozenset()
    ) -> BaseModel:
        updates: dict[str, Any] = {}
        for name in type(model).model_fields:
            if name in skip:
                continue
            current = getattr(model, name)
            new = self.value(current, f"{path}.{name}" if path else name)
            if new is not current:
                updates[name] = new
        return model.model_copy(update=updates) if updates else model


def deidentify(
    record: CaseRecord,
    *,
    date_shift_days: int | None = None,
    seed: str | None = None,
    names: Iterable[str] = (),
) -> CaseRecord:
    """A de-identified copy of ``record``; ``record`` itself is not changed.

    The source narrative is de-identified with :func:`deidentify_text` (the
    patient's label counts as a known name); every free-text value, the
    anchor date and every calendar date on the timeline are rewritten with
    the same shift and names; evidence spans are moved to the new text
    (spans that cut into a removed identifier are dropped, with a warning);
    an age over 89 becomes 90; and the report says what was replaced, by
    category and count -- never the removed words nor the shift.
    ``date_shift_days``, ``seed`` and ``names`` are those of
    :func:`deidentify_text`; without a shift or a seed the source text is
    the seed.  ``record.id`` is kept: it is the caller's key, so choose ids
    that name no one.
    """
    if not isinstance(record, CaseRecord):
        raise TypeError(f"deidentify() needs a CaseRecord (got {type(record).__name__})")
    source_text = record.source.text if record.source is not None else ""
    days = _choose_shift(date_shift_days, seed, source_text)
    label = (record.patient.label,) if record.patient.label else ()
    known = _Known(tuple(names) + label)
    narrative: DeidentifiedText | None = None
    if record.source is not None:
        narrative, found = _deidentify(record.source.text, days, known, False)
        known = _Known(tuple(sorted({*known.names, *found.names})), found.places)
    scrubber = _RecordScrubber(days, known, narrative)
    scrubbed = scrubber.model(record, "", skip=frozenset({"id", "source", "report"}))
    assert isinstance(scrubbed, CaseRecord)

    report = (
        record.report.model_copy(deep=True) if record.report is not None else ExtractionReport()
    )
    report_notes = scrubber.value(report.notes, "report.notes")
    report = report.model_copy(update={"notes": list(report_notes or [])})

    patient = scrubbed.patient
    if patient.age is not None and patient.age.years > 89:
        patient = patient.model_copy(update={"age": Age(value=90, unit=AgeUnit.YEAR)})
        report.add(
            NoteKind.ASSUMPTION,
            "patient age over 89 reported as 90 (Safe Harbor: ages over 89 are one category, "
            "'90 or older')",
            field="patient.age",
        )
    for path in scrubber.dropped:
        report.add(
            NoteKind.WARNING,
            "evidence dropped by de-identification: it quoted part of a removed identifier",
            field=path,
        )
    for path in scrubber.unshifted:
        report.add(
            NoteKind.WARNING,
            "calendar date removed by de-identification: the shifted date left 1800-2200",
            field=path,
        )
    summary = narrative.summary() if narrative is not None else "no source narrative"
    report.add(
        NoteKind.ASSUMPTION,
        "de-identified by caserecord rules after the HIPAA Safe Harbor categories "
        f"({summary}); calendar dates are shifted by a per-case offset, so only "
        "intervals between them are real",
    )

    source: Narrative | None = None
    if record.source is not None and narrative is not None:
        title = record.source.title
        source = Narrative(text=narrative.text, title=scrubber.text(title) if title else title)
    candidate = scrubbed.model_copy(
        update={"patient": patient, "source": source, "report": report}
    )
    return CaseRecord.model_validate(candidate.model_dump())
