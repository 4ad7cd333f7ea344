"""Visual acuity: one clinical value, written in many notations.

Case reports give acuity as Snellen fractions in feet (``20/40-2``) or
metres (``6/60``), decimal acuity (``0.15``), logMAR (``0.30 logMAR``),
ETDRS letter scores (``55 letters``) or, off the chart, as a qualitative
level (``CF at 30 cm``, ``HM``, ``LP``, ``NLP``).  :class:`VisualAcuity`
keeps the notation it was written in and converts between them:

- logMAR = -log10(decimal); a Snellen fraction is a decimal acuity, and each
  letter of a ``+n``/``-n`` modifier is 0.02 logMAR (Holladay JT, J Cataract
  Refract Surg 2004;30:287-290).
- ETDRS letters = 85 - 50 * logMAR (Beck RW et al., Am J Ophthalmol
  2003;135:194-205; Gregori NZ et al., Retina 2010;30:1046-1050).
- CF/HM/LP/NLP use logMAR substitutes 1.9/2.3/2.7/3.0 (Schulze-Bonsel K et
  al., IOVS 2006;47:1236-1240; Lange C et al., Graefes Arch 2009;247:137-142;
  Bach, FrACT), overridable per call.
- :meth:`VisualAcuity.who_category` grades distance vision impairment by the
  ICD-11 9D90 categories 0-6 (WHO, World report on vision, 2019).

The numbers behind these rules live in ``_acuity_data.py``.  A bare number
is never guessed: ``0.15`` could be decimal or logMAR, so it needs a
notation.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from enum import IntEnum, StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final, Literal, NamedTuple, NoReturn, Self

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from caserecord.errors import (
    AmbiguousNotationError,
    CaseRecordError,
    ConversionError,
    ImplausibleValueError,
    NotationError,
)
from caserecord.outcomes import _acuity_data as data

__all__ = [
    "DEFAULT_QUALITATIVE_LOGMAR",
    "AcuityNotation",
    "QualitativeAcuity",
    "VisualAcuity",
    "VisualImpairment",
]


class AcuityNotation(StrEnum):
    """The notation an acuity was written in."""

    DECIMAL = "decimal"
    SNELLEN_FT = "snellen_ft"
    SNELLEN_M = "snellen_m"
    LOGMAR = "logmar"
    ETDRS_LETTERS = "etdrs_letters"
    QUALITATIVE = "qualitative"


class QualitativeAcuity(StrEnum):
    """Off-chart acuity levels, from worst to best."""

    NLP = "NLP"  # no light perception
    LP = "LP"  # light perception
    HM = "HM"  # hand motion
    CF = "CF"  # counting fingers


class VisualImpairment(IntEnum):
    """ICD-11 9D90 distance vision impairment category (WHO, World report on vision, 2019)."""

    NONE = 0  # 6/12 or better
    MILD = 1  # worse than 6/12, 6/18 or better
    MODERATE = 2  # worse than 6/18, 6/60 or better
    SEVERE = 3  # worse than 6/60, 3/60 or better
    BLINDNESS = 4  # worse than 3/60, 1/60 (or counting fingers at 1 m) or better
    NEAR_TOTAL_BLINDNESS = 5  # worse than 1/60, light perception or better
    TOTAL_BLINDNESS = 6  # no light perception

    @property
    def label(self) -> str:
        """The category name, e.g. ``"moderate visual impairment"``."""
        return data.WHO_CATEGORY_LABELS[self.value]


DEFAULT_QUALITATIVE_LOGMAR: Final[Mapping[QualitativeAcuity, float]] = MappingProxyType(
    {QualitativeAcuity(code): logmar for code, logmar in data.QUALITATIVE_LOGMAR.items()}
)

_NOTATION_ALIASES: Final[Mapping[str, AcuityNotation]] = MappingProxyType(
    {
        **{notation.value: notation for notation in AcuityNotation},
        "letters": AcuityNotation.ETDRS_LETTERS,
        "etdrs": AcuityNotation.ETDRS_LETTERS,
    }
)
_SNELLEN: Final = frozenset({AcuityNotation.SNELLEN_FT, AcuityNotation.SNELLEN_M})
_SNELLEN_NUMERATOR: Final[Mapping[AcuityNotation, float]] = MappingProxyType(
    {AcuityNotation.SNELLEN_FT: 20.0, AcuityNotation.SNELLEN_M: 6.0}
)
_SNELLEN_LINES: Final[Mapping[AcuityNotation, tuple[float, ...]]] = MappingProxyType(
    {
        AcuityNotation.SNELLEN_FT: tuple(float(d) for d in data.SNELLEN_FT_LINES),
        AcuityNotation.SNELLEN_M: tuple(float(d) for d in data.SNELLEN_M_LINES),
    }
)
_UNIT_NOTATION: Final[Mapping[str, AcuityNotation]] = MappingProxyType(
    {"ft": AcuityNotation.SNELLEN_FT, "m": AcuityNotation.SNELLEN_M}
)

# --- Refusals ----------------------------------------------------------------


class _RefusalError(Exception):
    """Why a value was refused, before it becomes a public error or a pydantic one.

    The same check serves ``parse()`` (which raises the :mod:`caserecord.errors`
    class) and pydantic validation (which needs a ``PydanticCustomError`` naming
    the value), so the reason is kept apart from the value it is about.
    """

    def __init__(self, error: type[CaseRecordError], reason: str, got: object) -> None:
        super().__init__(reason)
        self.error = error
        self.reason = reason
        self.got = got

    def public(self) -> CaseRecordError:
        return self.error(f"{self.reason} (got {self.got!r})")

    def pydantic(self) -> PydanticCustomError:
        kind = (
            "acuity_range" if issubclass(self.error, ImplausibleValueError) else "acuity_notation"
        )
        return PydanticCustomError(
            kind, "{reason} (got {value})", {"reason": self.reason, "value": repr(self.got)}
        )


@contextmanager
def _public_errors() -> Iterator[None]:
    try:
        yield
    except _RefusalError as refusal:
        raise refusal.public() from None


def _unreadable(reason: str, got: object) -> NoReturn:
    raise _RefusalError(NotationError, reason, got)


def _implausible(reason: str, got: object) -> NoReturn:
    raise _RefusalError(ImplausibleValueError, reason, got)


# --- Number formatting ---------------------------------------------------------


def _plain(number: float) -> str:
    """Shortest exact text of a float, without exponent or trailing zeros."""
    if float(number).is_integer():
        return str(int(number))
    # repr() is the shortest text that reads back to the same float; Decimal
    # spells it without an exponent so the text stays parseable.
    text = format(Decimal(repr(float(number))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fixed(number: float, decimals: int = 2) -> str:
    """At least ``decimals`` places ("0.30"), more when needed to stay exact."""
    whole, _, fraction = _plain(number).partition(".")
    return f"{whole}.{fraction.ljust(decimals, '0')}"


def _clean(number: float) -> float:
    # Round away float noise (log10(200) - log10(20) = 1.0000000000000002) so
    # 20/200 is exactly logMAR 1.0; adding 0.0 turns -0.0 into 0.0.
    return round(number, 10) + 0.0


def _compare(logmar: float) -> float:
    return round(logmar, data.LOGMAR_COMPARE_DECIMALS)


# --- Stored state ----------------------------------------------------------------


class _State(NamedTuple):
    """What a VisualAcuity holds; equality and hashing use all of it."""

    notation: AcuityNotation
    value: float | None = None  # decimal, logMAR or ETDRS letter count
    numerator: float | None = None
    denominator: float | None = None
    letters: int | None = None  # Snellen +n / -n modifier
    bare_sign: str = ""  # "20/40+" written without a letter count
    level: QualitativeAcuity | None = None
    distance: float | None = None
    distance_unit: str | None = None


def _check_finite(number: float, got: object) -> None:
    if not math.isfinite(number):
        _implausible("visual acuity must be a finite number", got)


def _check_logmar_range(logmar: float, what: str, got: object) -> None:
    if not data.LOGMAR_MIN <= _compare(logmar) <= data.LOGMAR_MAX:
        _implausible(
            f"{what} is logMAR {logmar:.2f}; visual acuity must lie between logMAR "
            f"{data.LOGMAR_MIN} and {data.LOGMAR_MAX}",
            got,
        )


def _decimal_state(number: float, got: object) -> _State:
    _check_finite(number, got)
    if not 0 < number <= data.DECIMAL_MAX:
        _implausible(f"decimal acuity must be > 0 and <= {data.DECIMAL_MAX}", got)
    _check_logmar_range(-math.log10(number), f"decimal {_plain(number)}", got)
    return _State(AcuityNotation.DECIMAL, value=number + 0.0)


def _logmar_state(number: float, got: object) -> _State:
    _check_finite(number, got)
    if not data.LOGMAR_MIN <= _compare(number) <= data.LOGMAR_MAX:
        _implausible(f"logMAR must be between {data.LOGMAR_MIN} and {data.LOGMAR_MAX}", got)
    return _State(AcuityNotation.LOGMAR, value=number + 0.0)


def _letters_state(number: float, got: object) -> _State:
    _check_finite(number, got)
    if not float(number).is_integer() or not data.LETTERS_MIN <= number <= data.LETTERS_MAX:
        _implausible(
            f"an ETDRS letter score must be a whole number from {data.LETTERS_MIN} "
            f"to {data.LETTERS_MAX}",
            got,
        )
    return _State(AcuityNotation.ETDRS_LETTERS, value=int(number))


def _snellen_logmar(numerator: float, denominator: float, letters: int) -> float:
    return _clean(
        math.log10(denominator) - math.log10(numerator) - data.LOGMAR_PER_LETTER * letters
    )


def _auto_snellen_unit(numerator: float) -> AcuityNotation | None:
    if numerator >= data.FEET_NUMERATOR_MIN:
        return AcuityNotation.SNELLEN_FT
    if numerator <= data.METRE_NUMERATOR_MAX:
        return AcuityNotation.SNELLEN_M
    return None


def _snellen_state(
    numerator: float,
    denominator: float,
    letters: int,
    *,
    notation: AcuityNotation | None,
    got: object,
    bare_sign: str = "",
) -> _State:
    _check_finite(numerator, got)
    _check_finite(denominator, got)
    if numerator <= 0 or denominator <= 0:
        _implausible("a Snellen numerator and denominator must both be > 0", got)
    if abs(letters) > data.MAX_LETTER_MODIFIER:
        _implausible(
            f"a Snellen letter modifier must be within +/-{data.MAX_LETTER_MODIFIER}", got
        )
    if notation is None:
        notation = _auto_snellen_unit(numerator)
        if notation is None:
            raise _RefusalError(
                AmbiguousNotationError,
                f"a Snellen numerator of {_plain(numerator)} is neither a metre "
                f"(<= {data.METRE_NUMERATOR_MAX}) nor a feet (>= {data.FEET_NUMERATOR_MIN}) "
                "test distance: pass notation='snellen_ft' or notation='snellen_m'",
                got,
            )
    fraction = f"Snellen {_plain(numerator)}/{_plain(denominator)}"
    _check_logmar_range(_snellen_logmar(numerator, denominator, letters), fraction, got)
    return _State(
        notation,
        numerator=float(numerator),
        denominator=float(denominator),
        letters=letters,
        bare_sign=bare_sign if letters == 0 else "",
    )


def _qualitative_state(
    level: QualitativeAcuity, distance: tuple[float, str] | None, got: object
) -> _State:
    if distance is None:
        return _State(AcuityNotation.QUALITATIVE, level=level)
    if level not in data.LEVELS_WITH_DISTANCE:
        _unreadable(f"{level} takes no test distance; only CF and HM do", got)
    number, unit = distance
    metres = number * data.METRES_PER_UNIT[unit]
    if not 0 < metres <= data.MAX_QUALITATIVE_DISTANCE_M:
        _implausible(
            f"a {level} test distance must be > 0 and <= {data.MAX_QUALITATIVE_DISTANCE_M} m "
            f"(read {_plain(number)} {unit})",
            got,
        )
    return _State(
        AcuityNotation.QUALITATIVE, level=level, distance=float(number), distance_unit=unit
    )


# --- Parsing -------------------------------------------------------------------

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_BARE_NUMBER = re.compile(rf"(?P<n>{_NUMBER})")
_LOGMAR_TEXT = re.compile(rf"logmar\s*[:=]?\s*(?P<n>{_NUMBER})|(?P<m>{_NUMBER})\s*logmar")
_DECIMAL_TEXT = re.compile(rf"decimal\s*[:=]?\s*(?P<n>{_NUMBER})|(?P<m>{_NUMBER})\s*decimal")
_LETTERS_TEXT = re.compile(
    rf"etdrs\s*(?:letters?)?\s*[:=]?\s*(?P<n>{_NUMBER})"
    rf"|(?P<m>{_NUMBER})\s*(?:etdrs\s*letters?|etdrs|letters?)"
)
_SNELLEN_TEXT = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)\s*/\s*(?P<den>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"\s*(?:(?P<sign>[+-])\s*(?P<count>\d+)?)?"
    r"\s*(?P<unit>ft|feet|foot|metres?|meters?|m)?"
)


def _alternatives(words: Iterable[str]) -> str:
    # Longest first, so "counting fingers" wins over a shorter prefix.
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_DISTANCE = (
    rf"(?P<distance>\d+(?:\.\d+)?|{_alternatives(data.NUMBER_WORDS)})"
    rf"\s*(?P<unit>{_alternatives(data.DISTANCE_UNITS)})"
)
_QUALITATIVE_TEXT = re.compile(
    rf"(?P<level>{_alternatives(data.QUALITATIVE_SPELLINGS)})(?:\s*(?:at\s*)?{_DISTANCE})?"
)
_DISTANCE_TEXT = re.compile(rf"(?:at\s*)?{_DISTANCE}")


def _normalise(text: str) -> str:
    text = text.strip().lower().replace("\u2212", "-")  # typographic minus sign
    text = re.sub(r"\s+", " ", text)
    # "hand-motion", "counting-fingers": a hyphen between words reads as a space.
    return re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)


def _notation_of(notation: AcuityNotation | str | None) -> AcuityNotation | None:
    if notation is None or isinstance(notation, AcuityNotation):
        return notation
    if isinstance(notation, str):
        key = re.sub(r"[\s-]+", "_", notation.strip().lower())
        if key in _NOTATION_ALIASES:
            return _NOTATION_ALIASES[key]
    names = ", ".join(repr(n.value) for n in AcuityNotation)
    _unreadable(f"notation must be one of {names}", notation)


def _level_of(level: QualitativeAcuity | str, got: object) -> QualitativeAcuity:
    if isinstance(level, QualitativeAcuity):
        return level
    if isinstance(level, str):
        code = data.QUALITATIVE_SPELLINGS.get(_normalise(level))
        if code is not None:
            return QualitativeAcuity(code)
    _unreadable("a qualitative acuity must be CF, HM, LP or NLP (or a spelling of one)", got)


def _distance_of(match: re.Match[str]) -> tuple[float, str] | None:
    number = match.group("distance")
    if number is None:
        return None
    spelled = data.NUMBER_WORDS.get(number)
    amount = float(spelled) if spelled is not None else float(number)
    return amount, data.DISTANCE_UNITS[match.group("unit")]


def _ambiguous(number: float, got: object) -> NoReturn:
    shown = _plain(number) if math.isfinite(number) else str(number)
    readings: list[str] = []
    names: list[AcuityNotation] = []
    if math.isfinite(number):
        if 0 < number <= data.DECIMAL_MAX and _compare(-math.log10(number)) <= data.LOGMAR_MAX:
            readings.append(f"decimal {shown} (logMAR {-math.log10(number) + 0.0:.2f})")
            names.append(AcuityNotation.DECIMAL)
        if data.LOGMAR_MIN <= _compare(number) <= data.LOGMAR_MAX:
            readings.append(f"logMAR {shown} (decimal {10**-number:.2f})")
            names.append(AcuityNotation.LOGMAR)
        if number.is_integer() and data.LETTERS_MIN <= number <= data.LETTERS_MAX:
            logmar = (data.LETTERS_AT_LOGMAR_ZERO - number) / data.LETTERS_PER_LOGMAR
            readings.append(f"{shown} ETDRS letters (logMAR {logmar:.2f})")
            names.append(AcuityNotation.ETDRS_LETTERS)
    if not readings:
        reason = (
            f"{shown} has no notation and is not a plausible decimal, logMAR or ETDRS letter score"
        )
    else:
        joined = readings[0] if len(readings) == 1 else ", ".join(readings[:-1])
        if len(readings) > 1:
            joined += f" or {readings[-1]}"
        options = " or ".join(f"notation={n.value!r}" for n in names)
        reason = f"{shown} is {joined}: pass {options}"
    raise _RefusalError(AmbiguousNotationError, reason, got)


def _from_number(number: float, notation: AcuityNotation | None, got: object) -> _State:
    if notation is None:
        _ambiguous(number, got)
    if notation is AcuityNotation.DECIMAL:
        return _decimal_state(number, got)
    if notation is AcuityNotation.LOGMAR:
        return _logmar_state(number, got)
    if notation is AcuityNotation.ETDRS_LETTERS:
        return _letters_state(number, got)
    if notation in _SNELLEN:
        _unreadable("a Snellen acuity needs a fraction such as '20/40' or '6/12'", got)
    _unreadable("a qualitative acuity needs a level such as 'CF' or 'HM'", got)


def _conflict(found: AcuityNotation, wanted: AcuityNotation, got: object) -> NoReturn:
    _unreadable(f"the text is {found.value} notation but notation={wanted.value!r} was given", got)


def _from_text(text: str, notation: AcuityNotation | None) -> _State:
    normal = _normalise(text)
    if not normal:
        _unreadable("visual acuity text is empty", text)

    if match := _BARE_NUMBER.fullmatch(normal):
        return _from_number(float(match.group("n")), notation, text)

    labelled = (
        (_LOGMAR_TEXT, AcuityNotation.LOGMAR),
        (_DECIMAL_TEXT, AcuityNotation.DECIMAL),
        (_LETTERS_TEXT, AcuityNotation.ETDRS_LETTERS),
    )
    for pattern, found in labelled:
        if match := pattern.fullmatch(normal):
            if notation is not None and notation is not found:
                _conflict(found, notation, text)
            return _from_number(float(match.group("n") or match.group("m")), found, text)

    if match := _SNELLEN_TEXT.fullmatch(normal):
        written_unit = match.group("unit")
        unit = None if written_unit is None else _UNIT_NOTATION[data.DISTANCE_UNITS[written_unit]]
        if notation is not None and notation not in _SNELLEN:
            _conflict(unit or AcuityNotation.SNELLEN_FT, notation, text)
        if unit is not None and notation is not None and unit is not notation:
            _conflict(unit, notation, text)
        sign, count = match.group("sign"), match.group("count")
        letters = 0 if count is None else int(count) * (-1 if sign == "-" else 1)
        return _snellen_state(
            float(match.group("num")),
            float(match.group("den").replace(",", "")),
            letters,
            notation=notation or unit,
            got=text,
            bare_sign=sign if sign is not None and count is None else "",
        )

    if match := _QUALITATIVE_TEXT.fullmatch(normal):
        if notation is not None and notation is not AcuityNotation.QUALITATIVE:
            _conflict(AcuityNotation.QUALITATIVE, notation, text)
        level = QualitativeAcuity(data.QUALITATIVE_SPELLINGS[match.group("level")])
        return _qualitative_state(level, _distance_of(match), text)

    _unreadable(
        "visual acuity must read like '20/40', '6/12', '0.30 logMAR', '0.50 decimal', "
        "'70 letters' or CF/HM/LP/NLP",
        text,
    )


@lru_cache(maxsize=4096)
def _from_text_cached(text: str, wanted: AcuityNotation | None) -> _State:
    # A state is an immutable NamedTuple, so one read serves every caller;
    # a case series repeats the same few values ("20/200", "HM") many times.
    # Refusals raise and are not cached.
    return _from_text(text, wanted)


def _read(source: str | float | VisualAcuity, notation: AcuityNotation | str | None) -> _State:
    wanted = _notation_of(notation)
    if isinstance(source, VisualAcuity):
        if wanted is not None and wanted is not source.notation:
            _conflict(source.notation, wanted, source)
        return source._state
    if isinstance(source, bool) or not isinstance(source, str | int | float):
        _unreadable(
            "visual acuity must be text, a number with a notation, or a VisualAcuity", source
        )
    if isinstance(source, str):
        return _from_text_cached(source, wanted)
    try:
        number = float(source)
    except OverflowError:  # an int too large for a float
        _implausible("visual acuity must be a finite number", source)
    return _from_number(number, wanted, source)


def _substitutes(
    overrides: Mapping[QualitativeAcuity | str, float] | None,
) -> Mapping[QualitativeAcuity, float]:
    if not overrides:
        return DEFAULT_QUALITATIVE_LOGMAR
    table = dict(DEFAULT_QUALITATIVE_LOGMAR)
    for key, logmar in overrides.items():
        level = _level_of(key, key)
        if isinstance(logmar, bool) or not isinstance(logmar, int | float):
            _unreadable(f"the logMAR substitute for {level} must be a number", logmar)
        _check_finite(logmar, logmar)
        table[level] = float(logmar)
    return table


def _sensible_denominator(exact: float, notation: AcuityNotation) -> float:
    for line in _SNELLEN_LINES[notation]:
        if abs(math.log10(exact / line)) <= data.SNELLEN_LINE_SNAP_LOGMAR:
            return line
    return float(f"{exact:.{data.SNELLEN_SIGNIFICANT_FIGURES}g}")


# --- The value type ------------------------------------------------------------


class VisualAcuity:
    """A visual acuity in the notation it was recorded in.

    Build one with :meth:`parse` (or ``VisualAcuity("20/40")``, which is the
    same) or with :meth:`decimal`, :meth:`logmar`, :meth:`snellen`,
    :meth:`etdrs_letters` and :meth:`qualitative`.  Values are immutable and
    hashable; two acuities are equal when they were written in the same
    notation with the same values (``20/200`` is not ``6/60``: compare
    :meth:`as_logmar` to compare vision).
    """

    __slots__ = ("_state",)
    _state: _State

    def __init__(
        self, text: str | float | VisualAcuity, notation: AcuityNotation | str | None = None
    ) -> None:
        with _public_errors():
            state = _read(text, notation)
        object.__setattr__(self, "_state", state)

    # -- construction

    @classmethod
    def _from_state(cls, state: _State) -> Self:
        acuity = cls.__new__(cls)
        object.__setattr__(acuity, "_state", state)
        return acuity

    @classmethod
    def parse(
        cls, text: str | float | VisualAcuity, notation: AcuityNotation | str | None = None
    ) -> Self:
        """Read an acuity from text, a number with its notation, or an acuity.

        Raises :class:`~caserecord.errors.AmbiguousNotationError` for a bare
        number without ``notation``, :class:`~caserecord.errors.NotationError`
        for text that is not an acuity, and
        :class:`~caserecord.errors.ImplausibleValueError` for a value outside
        what an eye can have.
        """
        with _public_errors():
            return cls._from_state(_read(text, notation))

    @classmethod
    def decimal(cls, value: float) -> Self:
        """A decimal acuity, 0 < value <= 2.0 (1.0 is 20/20)."""
        with _public_errors():
            return cls._from_state(_decimal_state(value, value))

    @classmethod
    def logmar(cls, value: float) -> Self:
        """A logMAR acuity, -0.3 to 3.0 (0.0 is 20/20)."""
        with _public_errors():
            return cls._from_state(_logmar_state(value, value))

    @classmethod
    def snellen(
        cls,
        numerator: float,
        denominator: float,
        letters: int = 0,
        *,
        unit: Literal["ft", "m"] | None = None,
    ) -> Self:
        """A Snellen fraction; ``unit`` defaults to feet for 20 (or >= 10), metres for <= 6."""
        got = f"{_plain(numerator)}/{_plain(denominator)}"
        with _public_errors():
            notation = None if unit is None else _UNIT_NOTATION.get(unit)
            if unit is not None and notation is None:
                _unreadable("a Snellen unit must be 'ft' or 'm'", unit)
            state = _snellen_state(numerator, denominator, letters, notation=notation, got=got)
            return cls._from_state(state)

    @classmethod
    def etdrs_letters(cls, n: int) -> Self:
        """An ETDRS letter score, 0..100 (85 is logMAR 0.0)."""
        with _public_errors():
            return cls._from_state(_letters_state(n, n))

    @classmethod
    def qualitative(cls, level: QualitativeAcuity | str, distance: str | None = None) -> Self:
        """An off-chart level (``"CF"``, ``"hand motion"``...) and, for CF/HM, a distance."""
        with _public_errors():
            resolved = _level_of(level, level)
            where = None
            if distance is not None:
                match = _DISTANCE_TEXT.fullmatch(_normalise(distance))
                if match is None:
                    _unreadable(
                        "a test distance must read like '30 cm', '1 m' or '3 ft'", distance
                    )
                where = _distance_of(match)
            return cls._from_state(_qualitative_state(resolved, where, (level, distance)))

    # -- what it holds

    @property
    def notation(self) -> AcuityNotation:
        """The notation the acuity was written in."""
        return self._state.notation

    @property
    def value(self) -> float | None:
        """The number of a decimal, logMAR or ETDRS-letter acuity; else None."""
        return self._state.value

    @property
    def numerator(self) -> float | None:
        """Snellen test distance (20, 6...); None for other notations."""
        return self._state.numerator

    @property
    def denominator(self) -> float | None:
        """Snellen letter size distance (40, 60...); None for other notations."""
        return self._state.denominator

    @property
    def letters(self) -> int | None:
        """Snellen letter modifier (+2 for ``20/30+2``); None for other notations."""
        return self._state.letters

    @property
    def level(self) -> QualitativeAcuity | None:
        """CF, HM, LP or NLP for a qualitative acuity; else None."""
        return self._state.level

    @property
    def distance(self) -> str | None:
        """Test distance of a CF/HM acuity as written, normalised: ``"30 cm"``."""
        state = self._state
        if state.distance is None:
            return None
        return f"{_plain(state.distance)} {state.distance_unit}"

    @property
    def distance_m(self) -> float | None:
        """Test distance of a CF/HM acuity in metres."""
        state = self._state
        if state.distance is None or state.distance_unit is None:
            return None
        return _clean(state.distance * data.METRES_PER_UNIT[state.distance_unit])

    @property
    def is_qualitative(self) -> bool:
        """True for CF, HM, LP and NLP."""
        return self._state.notation is AcuityNotation.QUALITATIVE

    # -- conversions

    def as_logmar(
        self, *, substitutes: Mapping[QualitativeAcuity | str, float] | None = None
    ) -> float:
        """logMAR; CF/HM/LP/NLP use ``substitutes`` over :data:`DEFAULT_QUALITATIVE_LOGMAR`."""
        state = self._state
        match state.notation:
            case AcuityNotation.LOGMAR:
                assert state.value is not None
                return state.value
            case AcuityNotation.DECIMAL:
                assert state.value is not None
                return _clean(-math.log10(state.value))
            case AcuityNotation.ETDRS_LETTERS:
                assert state.value is not None
                return _clean(
                    (data.LETTERS_AT_LOGMAR_ZERO - state.value) / data.LETTERS_PER_LOGMAR
                )
            case AcuityNotation.SNELLEN_FT | AcuityNotation.SNELLEN_M:
                assert state.numerator is not None
                assert state.denominator is not None
                assert state.letters is not None
                return _snellen_logmar(state.numerator, state.denominator, state.letters)
        assert state.level is not None
        with _public_errors():
            return _substitutes(substitutes)[state.level]

    def as_decimal(
        self, *, substitutes: Mapping[QualitativeAcuity | str, float] | None = None
    ) -> float:
        """Decimal acuity (1.0 is 20/20)."""
        state = self._state
        if state.notation is AcuityNotation.DECIMAL and state.value is not None:
            return state.value
        if state.notation in _SNELLEN and not state.letters:
            assert state.numerator is not None
            assert state.denominator is not None
            return _clean(state.numerator / state.denominator)
        return _clean(10 ** -self.as_logmar(substitutes=substitutes))

    def as_snellen(
        self,
        unit: Literal["ft", "m"] = "ft",
        *,
        substitutes: Mapping[QualitativeAcuity | str, float] | None = None,
    ) -> str:
        """Snellen text at 20 ft or 6 m: ``"20/200"``, ``"6/60"``.

        An acuity already written as 20/... (6/...) is returned as written,
        letter modifier included.  Otherwise the denominator is the nearest
        chart line (within half a letter) or two significant figures.
        """
        notation = _UNIT_NOTATION.get(unit)
        if notation is None:
            raise ConversionError(f"a Snellen unit must be 'ft' or 'm' (got {unit!r})")
        numerator = _SNELLEN_NUMERATOR[notation]
        state = self._state
        if state.notation is notation and state.numerator == numerator:
            return self._snellen_text(with_unit=False)
        exact = numerator * 10 ** self.as_logmar(substitutes=substitutes)
        return f"{_plain(numerator)}/{_plain(_sensible_denominator(exact, notation))}"

    def as_etdrs_letters(
        self, *, substitutes: Mapping[QualitativeAcuity | str, float] | None = None
    ) -> int:
        """ETDRS letter score, 85 - 50 * logMAR, clamped to 0..100."""
        state = self._state
        if state.notation is AcuityNotation.ETDRS_LETTERS and state.value is not None:
            return int(state.value)
        letters = data.LETTERS_AT_LOGMAR_ZERO - data.LETTERS_PER_LOGMAR * self.as_logmar(
            substitutes=substitutes
        )
        # Half up, not banker's rounding: 67.5 letters is 68, as on a score sheet.
        return min(data.LETTERS_MAX, max(data.LETTERS_MIN, math.floor(letters + 0.5)))

    def who_category(self) -> VisualImpairment:
        """ICD-11 9D90 distance vision impairment category of this acuity.

        Grade best-corrected (or presenting) distance acuity; the category of
        a near acuity means nothing.  Counting fingers at 1 m or farther is
        category 4, as ICD-11 states; nearer or without a distance it is
        category 5 like HM and LP.  Only NLP is category 6.
        """
        state = self._state
        if state.level is QualitativeAcuity.NLP:
            return VisualImpairment(data.WHO_CATEGORY_NLP)
        if state.level is not None:
            metres = self.distance_m
            if (
                state.level is QualitativeAcuity.CF
                and metres is not None
                and metres >= data.CF_CATEGORY_4_MIN_DISTANCE_M
            ):
                return VisualImpairment.BLINDNESS
            return VisualImpairment(data.WHO_CATEGORY_WORSE_THAN_1_60)
        logmar = _compare(self.as_logmar())
        for category, worst in data.WHO_CATEGORY_WORST_LOGMAR:
            if logmar <= worst:
                return VisualImpairment(category)
        return VisualImpairment(data.WHO_CATEGORY_WORSE_THAN_1_60)

    # -- text

    def _snellen_text(self, *, with_unit: bool) -> str:
        state = self._state
        assert state.numerator is not None
        assert state.denominator is not None
        modifier = f"{state.letters:+d}" if state.letters else state.bare_sign
        text = f"{_plain(state.numerator)}/{_plain(state.denominator)}{modifier}"
        # Name the unit only when the numerator alone would be read otherwise.
        if with_unit and _auto_snellen_unit(state.numerator) is not state.notation:
            text += " ft" if state.notation is AcuityNotation.SNELLEN_FT else " m"
        return text

    def __str__(self) -> str:
        state = self._state
        match state.notation:
            case AcuityNotation.DECIMAL:
                assert state.value is not None
                return f"{_fixed(state.value)} decimal"
            case AcuityNotation.LOGMAR:
                assert state.value is not None
                return f"{_fixed(state.value)} logMAR"
            case AcuityNotation.ETDRS_LETTERS:
                return f"{state.value} letters"
            case AcuityNotation.SNELLEN_FT | AcuityNotation.SNELLEN_M:
                return self._snellen_text(with_unit=True)
        assert state.level is not None
        distance = self.distance
        return state.level.value if distance is None else f"{state.level.value} {distance}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __format__(self, spec: str) -> str:
        """Specs ``logmar``, ``decimal``, ``snellen_ft``, ``snellen_m``, ``letters``; else str."""
        match spec.strip().lower():
            case "":
                return str(self)
            case "logmar":
                return f"{self.as_logmar():.2f} logMAR"
            case "decimal":
                decimal = self.as_decimal()
                # Off-chart levels are thousandths; two places would print 0.00.
                return f"{decimal:.2f} decimal" if decimal >= 0.1 else f"{decimal:.3f} decimal"
            case "snellen_ft" | "snellen":
                return self.as_snellen("ft")
            case "snellen_m":
                return self.as_snellen("m")
            case "letters" | "etdrs_letters":
                return f"{self.as_etdrs_letters()} letters"
        try:
            # Anything else is a str spec (alignment, width) applied to str(self).
            return format(str(self), spec)
        except ValueError:
            raise ValueError(
                "format spec must be 'logmar', 'decimal', 'snellen_ft', 'snellen_m', "
                f"'letters' or a string format spec (got {spec!r})"
            ) from None

    def _repr_html_(self) -> str:
        # Substitute logMAR for CF/HM/LP/NLP is a convention, not a measurement.
        approx = "\u2248" if self.is_qualitative else ""
        parts = {
            "notation": html.escape(self.notation.value),
            "text": html.escape(str(self)),
            "logmar": html.escape(approx + format(self, "logmar")),
            "snellen": html.escape(approx + self.as_snellen("ft")),
        }
        return (
            f'<span class="caserecord-acuity" title="visual acuity, {parts["notation"]}">'
            f"<strong>{parts['text']}</strong> "
            f"<small>({parts['logmar']}, {parts['snellen']})</small></span>"
        )

    # -- identity

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, VisualAcuity):
            return NotImplemented
        return self._state == other._state

    def __hash__(self) -> int:
        return hash(self._state)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        # __setattr__ refuses writes, so pickle must rebuild through _from_state.
        return (type(self)._from_state, (self._state,))

    # -- pydantic

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._pydantic_validate,
            serialization=core_schema.to_string_ser_schema(when_used="always"),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "description": (
                "Visual acuity: Snellen in feet or metres with optional letter modifier, "
                "'<n> decimal', '<n> logMAR', '<n> letters' (ETDRS), or CF/HM/LP/NLP "
                "with an optional test distance."
            ),
            "examples": [
                "20/40-2",
                "6/60",
                "0.15 decimal",
                "0.30 logMAR",
                "55 letters",
                "CF 30 cm",
                "LP",
            ],
        }

    @classmethod
    def _pydantic_validate(cls, value: object) -> Self:
        if isinstance(value, cls):
            return value
        source: object = value
        notation: object = None
        if isinstance(value, Mapping):
            if "value" not in value or set(value) - {"value", "notation"}:
                raise PydanticCustomError(
                    "acuity_notation",
                    "a visual acuity mapping must have 'value' and may have 'notation' "
                    "(got {value})",
                    {"value": repr(dict(value))},
                )
            source, notation = value["value"], value.get("notation")
        if (
            isinstance(source, bool)
            or not isinstance(source, str | int | float | VisualAcuity)
            or not (notation is None or isinstance(notation, str))
        ):
            raise PydanticCustomError(
                "acuity_type",
                "visual acuity must be text such as '20/40', a mapping with 'value' and "
                "'notation', or a VisualAcuity (got {value})",
                {"value": repr(value)},
            )
        try:
            return cls._from_state(_read(source, notation))
        except _RefusalError as refusal:
            raise refusal.pydantic() from None
