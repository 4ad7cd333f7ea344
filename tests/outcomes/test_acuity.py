"""Tests for caserecord.outcomes.acuity: parsing, conversions, categories, pydantic."""

from __future__ import annotations

import copy
import html
import math
import pickle
from html.parser import HTMLParser
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from caserecord import outcomes
from caserecord.errors import (
    AmbiguousNotationError,
    CaseRecordError,
    ConversionError,
    ImplausibleValueError,
    NotationError,
)
from caserecord.outcomes.acuity import (
    DEFAULT_QUALITATIVE_LOGMAR,
    AcuityNotation,
    QualitativeAcuity,
    VisualAcuity,
    VisualImpairment,
)

# Hypothesis keeps no example database: the tests must not write into the tree.
hypothesis_settings = settings(database=None, max_examples=200, deadline=None)

FT = AcuityNotation.SNELLEN_FT
M = AcuityNotation.SNELLEN_M
DEC = AcuityNotation.DECIMAL
LOGMAR = AcuityNotation.LOGMAR
LETTERS = AcuityNotation.ETDRS_LETTERS
QUAL = AcuityNotation.QUALITATIVE


class Exam(BaseModel):
    acuity: VisualAcuity
    fellow_eye: VisualAcuity | None = None


# --- parsing and conversions ----------------------------------------------------

# (input, notation, read as, logMAR, decimal, Snellen at 20 ft, ETDRS letters)
CONVERSIONS: list[tuple[Any, str | None, AcuityNotation, float, float, str, int]] = [
    ("20/200", None, FT, 1.0, 0.1, "20/200", 35),
    ("20/20", None, FT, 0.0, 1.0, "20/20", 85),
    ("20 / 200", None, FT, 1.0, 0.1, "20/200", 35),
    ("20/40-2", None, FT, 0.34103, 0.45601, "20/40-2", 68),
    ("20/40 - 2", None, FT, 0.34103, 0.45601, "20/40-2", 68),
    ("20/30+2", None, FT, 0.13609, 0.73099, "20/30+2", 78),
    ("20/40+", None, FT, 0.30103, 0.5, "20/40+", 70),
    ("20/40-", None, FT, 0.30103, 0.5, "20/40-", 70),
    ("20/4,000", None, FT, 2.30103, 0.005, "20/4000", 0),
    ("10/100", None, FT, 1.0, 0.1, "20/200", 35),
    ("6/60", None, M, 1.0, 0.1, "20/200", 35),
    ("6/9", None, M, 0.17609, 0.66667, "20/30", 76),
    ("6/7.5", None, M, 0.09691, 0.8, "20/25", 80),
    ("1/60", None, M, 1.77815, 0.016667, "20/1200", 0),
    ("3/60", None, M, 1.30103, 0.05, "20/400", 20),
    ("6/60", "snellen_ft", FT, 1.0, 0.1, "20/200", 35),
    ("20/200", "snellen_m", M, 1.0, 0.1, "20/200", 35),
    ("20/200 m", None, M, 1.0, 0.1, "20/200", 35),
    ("0.15", "decimal", DEC, 0.82391, 0.15, "20/130", 44),
    (0.15, "decimal", DEC, 0.82391, 0.15, "20/130", 44),
    ("0.15 decimal", None, DEC, 0.82391, 0.15, "20/130", 44),
    ("decimal 0.15", None, DEC, 0.82391, 0.15, "20/130", 44),
    ("  Decimal   0.5 ", None, DEC, 0.30103, 0.5, "20/40", 70),
    ("1.0 decimal", None, DEC, 0.0, 1.0, "20/20", 85),
    ("0.3 logMAR", None, LOGMAR, 0.3, 0.50119, "20/40", 70),
    ("logMAR 0.3", None, LOGMAR, 0.3, 0.50119, "20/40", 70),
    ("LOGMAR 0.3", None, LOGMAR, 0.3, 0.50119, "20/40", 70),
    ("1.0 logmar", None, LOGMAR, 1.0, 0.1, "20/200", 35),
    ("-0.1 logMAR", None, LOGMAR, -0.1, 1.25893, "20/16", 90),
    ("\u22120.1 logMAR", None, LOGMAR, -0.1, 1.25893, "20/16", 90),
    ("0.8 logMAR", None, LOGMAR, 0.8, 0.15849, "20/125", 45),
    # 68.5 letters: a score sheet rounds half up, not to the even 68.
    ("0.33 logMAR", None, LOGMAR, 0.33, 0.46774, "20/43", 69),
    ("0.3", "logmar", LOGMAR, 0.3, 0.50119, "20/40", 70),
    (0.3, AcuityNotation.LOGMAR, LOGMAR, 0.3, 0.50119, "20/40", 70),
    ("55 letters", None, LETTERS, 0.6, 0.25119, "20/80", 55),
    ("55 ETDRS letters", None, LETTERS, 0.6, 0.25119, "20/80", 55),
    ("71 ETDRS", None, LETTERS, 0.28, 0.52481, "20/38", 71),
    ("ETDRS 85", None, LETTERS, 0.0, 1.0, "20/20", 85),
    ("55", "etdrs_letters", LETTERS, 0.6, 0.25119, "20/80", 55),
    (55, "letters", LETTERS, 0.6, 0.25119, "20/80", 55),
    ("NLP", None, QUAL, 3.0, 0.001, "20/20000", 0),
    ("NPL", None, QUAL, 3.0, 0.001, "20/20000", 0),
    ("LP", None, QUAL, 2.7, 0.0019953, "20/10000", 0),
    ("PL", None, QUAL, 2.7, 0.0019953, "20/10000", 0),
    ("HM", None, QUAL, 2.3, 0.0050119, "20/4000", 0),
    ("CF", None, QUAL, 1.9, 0.012589, "20/1600", 0),
    ("FC", None, QUAL, 1.9, 0.012589, "20/1600", 0),
    ("cf", "qualitative", QUAL, 1.9, 0.012589, "20/1600", 0),
]


@pytest.mark.parametrize(
    ("text", "notation", "read_as", "logmar", "decimal", "snellen_ft", "letters"), CONVERSIONS
)
def test_parse_and_convert(
    *,
    text: Any,
    notation: str | None,
    read_as: AcuityNotation,
    logmar: float,
    decimal: float,
    snellen_ft: str,
    letters: int,
) -> None:
    acuity = VisualAcuity.parse(text, notation)
    assert acuity.notation is read_as
    assert acuity.as_logmar() == pytest.approx(logmar, abs=1e-5)
    assert acuity.as_decimal() == pytest.approx(decimal, rel=1e-4)
    assert acuity.as_snellen("ft") == snellen_ft
    assert acuity.as_etdrs_letters() == letters


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("NLP", QualitativeAcuity.NLP),
        ("no light perception", QualitativeAcuity.NLP),
        ("No Perception of Light", QualitativeAcuity.NLP),
        ("light perception", QualitativeAcuity.LP),
        ("perception of light", QualitativeAcuity.LP),
        ("hand motion", QualitativeAcuity.HM),
        ("hand motions", QualitativeAcuity.HM),
        ("Hand-Movement", QualitativeAcuity.HM),
        ("hand movements", QualitativeAcuity.HM),
        ("counting fingers", QualitativeAcuity.CF),
        ("count fingers", QualitativeAcuity.CF),
        ("counts fingers", QualitativeAcuity.CF),
        ("finger counting", QualitativeAcuity.CF),
        ("count finger", QualitativeAcuity.CF),
    ],
)
def test_qualitative_words(text: str, level: QualitativeAcuity) -> None:
    acuity = VisualAcuity.parse(text)
    assert acuity.is_qualitative
    assert acuity.level is level
    assert acuity.distance is None
    assert acuity.as_logmar() == DEFAULT_QUALITATIVE_LOGMAR[level]


@pytest.mark.parametrize(
    ("text", "level", "distance", "metres"),
    [
        ("CF at 30 cm", QualitativeAcuity.CF, "30 cm", 0.3),
        ("  cf   AT 30 CM ", QualitativeAcuity.CF, "30 cm", 0.3),
        ("count fingers at 1 m", QualitativeAcuity.CF, "1 m", 1.0),
        ("counting fingers at one metre", QualitativeAcuity.CF, "1 m", 1.0),
        ("count finger at three feet", QualitativeAcuity.CF, "3 ft", 0.9144),
        ("HM at 15cm", QualitativeAcuity.HM, "15 cm", 0.15),
        ("CF 2 ft", QualitativeAcuity.CF, "2 ft", 0.6096),
        ("CF at 0.5 m", QualitativeAcuity.CF, "0.5 m", 0.5),
        ("hand motion at 12 inches", QualitativeAcuity.HM, "12 in", 0.3048),
    ],
)
def test_qualitative_distance(
    text: str, level: QualitativeAcuity, distance: str, metres: float
) -> None:
    acuity = VisualAcuity.parse(text)
    assert acuity.level is level
    assert acuity.distance == distance
    assert acuity.distance_m == pytest.approx(metres)


@pytest.mark.parametrize(
    ("text", "numerator", "denominator", "letters"),
    [
        ("20/40-2", 20, 40, -2),
        ("20/30+2", 20, 30, 2),
        ("20/40+", 20, 40, 0),
        ("20/4,000", 20, 4000, 0),
        ("6/7.5", 6, 7.5, 0),
        ("1/60", 1, 60, 0),
    ],
)
def test_snellen_parts(text: str, numerator: float, denominator: float, letters: int) -> None:
    acuity = VisualAcuity.parse(text)
    assert (acuity.numerator, acuity.denominator, acuity.letters) == (
        numerator,
        denominator,
        letters,
    )
    assert acuity.value is None
    assert acuity.level is None


def test_stored_values_of_numeric_notations() -> None:
    assert VisualAcuity.parse("0.15 decimal").value == 0.15
    assert VisualAcuity.parse("0.3 logMAR").value == 0.3
    assert VisualAcuity.parse("55 letters").value == 55
    assert VisualAcuity.parse("55 letters").numerator is None


def test_twenty_two_hundred_is_exactly_logmar_one() -> None:
    assert VisualAcuity.parse("20/200").as_logmar() == 1.0
    assert VisualAcuity.parse("6/60").as_logmar() == 1.0
    assert VisualAcuity.parse("20/20").as_logmar() == 0.0


def test_each_letter_is_two_hundredths_logmar() -> None:
    base = VisualAcuity.parse("20/40").as_logmar()
    assert VisualAcuity.parse("20/40-2").as_logmar() == pytest.approx(base + 0.04)
    assert VisualAcuity.parse("20/40+1").as_logmar() == pytest.approx(base - 0.02)


@pytest.mark.parametrize(
    ("text", "metres"),
    [
        ("20/200", "6/60"),
        ("6/60", "6/60"),
        ("20/40", "6/12"),
        ("0.1 logMAR", "6/7.5"),
        ("0.2 logMAR", "6/9.5"),
        ("1/60", "6/360"),
        ("20/40-2", "6/13"),
    ],
)
def test_as_snellen_metres(text: str, metres: str) -> None:
    assert VisualAcuity.parse(text).as_snellen("m") == metres


def test_as_snellen_refuses_unknown_unit() -> None:
    with pytest.raises(ConversionError, match="'yd'"):
        VisualAcuity.parse("20/40").as_snellen("yd")  # type: ignore[arg-type]


def test_letters_are_clamped_to_the_score_range() -> None:
    assert VisualAcuity.parse("20/10").as_etdrs_letters() == 100
    assert VisualAcuity.parse("2.0 logMAR").as_etdrs_letters() == 0


# --- errors -----------------------------------------------------------------------

BAD_INPUTS: list[tuple[Any, str | None, type[Exception], str]] = [
    (
        "0.15",
        None,
        AmbiguousNotationError,
        "decimal 0.15 (logMAR 0.82) or logMAR 0.15 (decimal 0.71)",
    ),
    (0.15, None, AmbiguousNotationError, "pass notation='decimal' or notation='logmar'"),
    (55, None, AmbiguousNotationError, "55 ETDRS letters"),
    (250, None, AmbiguousNotationError, "not a plausible"),
    ("8/80", None, AmbiguousNotationError, "snellen_m"),
    ("20/0", None, ImplausibleValueError, "'20/0'"),
    ("0/20", None, ImplausibleValueError, "'0/20'"),
    ("20/5", None, ImplausibleValueError, "logMAR -0.60"),
    ("20/40-12", None, ImplausibleValueError, "'20/40-12'"),
    ("4.0 logMAR", None, ImplausibleValueError, "'4.0 logMAR'"),
    ("-0.5 logMAR", None, ImplausibleValueError, "'-0.5 logMAR'"),
    ("0", "decimal", ImplausibleValueError, "(got '0')"),
    (2.5, "decimal", ImplausibleValueError, "(got 2.5)"),
    ("0.0005 decimal", None, ImplausibleValueError, "logMAR 3.30"),
    ("101 letters", None, ImplausibleValueError, "'101 letters'"),
    ("-1 letters", None, ImplausibleValueError, "'-1 letters'"),
    ("55.5 letters", None, ImplausibleValueError, "whole number"),
    (math.nan, "logmar", ImplausibleValueError, "finite"),
    (10**400, "logmar", ImplausibleValueError, "finite"),
    ("20/" + "9" * 400, None, ImplausibleValueError, "finite"),
    ("CF at 30 m", None, ImplausibleValueError, "30 m"),
    ("HM at 0 cm", None, ImplausibleValueError, "'HM at 0 cm'"),
    ("blurry", None, NotationError, "'blurry'"),
    ("", None, NotationError, "empty"),
    ("20/40 OD", None, NotationError, "'20/40 OD'"),
    ("LP at 1 m", None, NotationError, "no test distance"),
    ("CF", "decimal", NotationError, "notation='decimal'"),
    ("20/40", "logmar", NotationError, "notation='logmar'"),
    ("20/40 m", "snellen_ft", NotationError, "'20/40 m'"),
    ("0.5", "snellen_ft", NotationError, "fraction"),
    ("0.5", "qualitative", NotationError, "level"),
    ("20/40", "bogus", NotationError, "'bogus'"),
    (True, None, NotationError, "True"),
]


@pytest.mark.parametrize(("text", "notation", "error", "fragment"), BAD_INPUTS)
def test_bad_input(text: Any, notation: str | None, error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as caught:
        VisualAcuity.parse(text, notation)
    assert fragment in str(caught.value)
    # Callers that only know the builtins still catch every refusal.
    assert isinstance(caught.value, CaseRecordError)
    assert isinstance(caught.value, ValueError)


def test_ambiguous_is_not_mistaken_for_implausible() -> None:
    # Both readings of 0.15 are plausible, so the only problem is the notation.
    with pytest.raises(AmbiguousNotationError) as caught:
        VisualAcuity.parse("0.15")
    assert not isinstance(caught.value, ImplausibleValueError)


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda: VisualAcuity.decimal(0), ImplausibleValueError),
        (lambda: VisualAcuity.logmar(3.5), ImplausibleValueError),
        (lambda: VisualAcuity.snellen(20, 0), ImplausibleValueError),
        (lambda: VisualAcuity.snellen(20, 40, unit="yd"), NotationError),  # type: ignore[arg-type]
        (lambda: VisualAcuity.etdrs_letters(120), ImplausibleValueError),
        (lambda: VisualAcuity.qualitative("blurry"), NotationError),
        (lambda: VisualAcuity.qualitative("CF", "far away"), NotationError),
        (lambda: VisualAcuity.qualitative("NLP", "1 m"), NotationError),
    ],
)
def test_constructors_refuse(build: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        build()


# --- constructors, identity, text ---------------------------------------------------


@pytest.mark.parametrize(
    ("built", "text"),
    [
        (VisualAcuity.decimal(0.15), "0.15 decimal"),
        (VisualAcuity.logmar(0.3), "0.3 logMAR"),
        (VisualAcuity.snellen(20, 40, -2), "20/40-2"),
        (VisualAcuity.snellen(6, 60), "6/60"),
        (VisualAcuity.snellen(6, 60, unit="ft"), "6/60 ft"),
        (VisualAcuity.etdrs_letters(55), "55 letters"),
        (VisualAcuity.qualitative(QualitativeAcuity.CF, "30 cm"), "CF at 30 cm"),
        (VisualAcuity.qualitative("hand motion"), "HM"),
        (VisualAcuity("20/200"), "20/200"),
    ],
)
def test_constructors_match_parse(built: VisualAcuity, text: str) -> None:
    assert built == VisualAcuity.parse(text)
    assert hash(built) == hash(VisualAcuity.parse(text))


def test_parse_accepts_an_acuity() -> None:
    acuity = VisualAcuity.parse("20/40")
    assert VisualAcuity.parse(acuity) == acuity
    assert VisualAcuity.parse(acuity, "snellen_ft") == acuity
    with pytest.raises(NotationError, match="notation='logmar'"):
        VisualAcuity.parse(acuity, "logmar")


def test_equality_is_by_notation_and_stored_values() -> None:
    assert VisualAcuity.parse("20/200") != VisualAcuity.parse("6/60")
    assert VisualAcuity.parse("20/40+") != VisualAcuity.parse("20/40")
    assert VisualAcuity.parse("20/40-0") == VisualAcuity.parse("20/40")
    assert VisualAcuity.parse("1.0 logMAR") != VisualAcuity.parse("0.1 decimal")
    assert VisualAcuity.parse("20/200") != "20/200"
    assert len({VisualAcuity.parse("CF"), VisualAcuity.parse("counting fingers")}) == 1


def test_immutable() -> None:
    acuity = VisualAcuity.parse("20/40")
    with pytest.raises(AttributeError):
        acuity.notation = AcuityNotation.LOGMAR  # type: ignore[misc]
    with pytest.raises(AttributeError):
        acuity._state = acuity._state
    with pytest.raises(AttributeError):
        del acuity._state
    assert not hasattr(acuity, "__dict__")


@pytest.mark.parametrize(
    ("text", "notation", "canonical"),
    [
        ("20/40-2", None, "20/40-2"),
        ("20/40 - 2", None, "20/40-2"),
        ("20/40+", None, "20/40+"),
        ("20/4,000", None, "20/4000"),
        ("6/60", None, "6/60"),
        ("6/60", "snellen_ft", "6/60 ft"),
        ("20/200", "snellen_m", "20/200 m"),
        ("8/80", "snellen_m", "8/80 m"),
        ("0.15", "decimal", "0.15 decimal"),
        ("logMAR 0.3", None, "0.30 logMAR"),
        ("0.123 logMAR", None, "0.123 logMAR"),
        ("-0 logMAR", None, "0.00 logMAR"),
        ("55 ETDRS letters", None, "55 letters"),
        ("count fingers at 30 cm", None, "CF 30 cm"),
        ("perception of light", None, "LP"),
    ],
)
def test_str_is_canonical(text: str, notation: str | None, canonical: str) -> None:
    acuity = VisualAcuity.parse(text, notation)
    assert str(acuity) == canonical
    assert VisualAcuity.parse(canonical) == acuity


def test_repr() -> None:
    assert repr(VisualAcuity.parse("20/200")) == "VisualAcuity('20/200')"
    assert repr(VisualAcuity.parse("0.15", "decimal")) == "VisualAcuity('0.15 decimal')"


@pytest.mark.parametrize(
    ("text", "spec", "formatted"),
    [
        ("20/40-2", "", "20/40-2"),
        ("20/200", "logmar", "1.00 logMAR"),
        ("6/60", "decimal", "0.10 decimal"),
        ("CF", "decimal", "0.013 decimal"),
        ("0.3 logMAR", "snellen_ft", "20/40"),
        ("0.3 logMAR", "snellen_m", "6/12"),
        ("20/40", "letters", "70 letters"),
        ("20/40", ">8", "   20/40"),
        ("HM", "<4", "HM  "),
    ],
)
def test_format(text: str, spec: str, formatted: str) -> None:
    assert f"{VisualAcuity.parse(text):{spec}}" == formatted


def test_format_refuses_unknown_spec() -> None:
    with pytest.raises(ValueError, match="'furlongs'"):
        format(VisualAcuity.parse("20/40"), "furlongs")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.titles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.titles += [value or "" for name, value in attrs if name == "title"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("20/200", ["20/200", "1.00 logMAR", "20/200"]),
        ("0.3 logMAR", ["0.30 logMAR", "0.30 logMAR", "20/40"]),
        ("CF at 30 cm", ["CF 30 cm", "\u22481.90 logMAR", "\u224820/1600"]),
    ],
)
def test_repr_html(text: str, shown: list[str]) -> None:
    acuity = VisualAcuity.parse(text)
    snippet = acuity._repr_html_()
    parsed = _Collector()
    parsed.feed(snippet)
    rendered = "".join(parsed.text)
    for part in shown:
        assert part in rendered
    assert parsed.titles == [f"visual acuity, {acuity.notation.value}"]


def test_repr_html_escapes_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(VisualAcuity, "__str__", lambda self: '<b>&"x"')
    snippet = VisualAcuity.parse("20/40")._repr_html_()
    assert html.escape('<b>&"x"') in snippet
    assert "<b>" not in snippet


# --- substitutes and categories ---------------------------------------------------------


def test_default_substitutes_are_read_only() -> None:
    assert dict(DEFAULT_QUALITATIVE_LOGMAR) == {
        QualitativeAcuity.CF: 1.9,
        QualitativeAcuity.HM: 2.3,
        QualitativeAcuity.LP: 2.7,
        QualitativeAcuity.NLP: 3.0,
    }
    with pytest.raises(TypeError):
        DEFAULT_QUALITATIVE_LOGMAR[QualitativeAcuity.CF] = 2.0  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "substitutes", "logmar"),
    [
        ("CF", {"CF": 2.0}, 2.0),
        ("CF", {QualitativeAcuity.CF: 1.85}, 1.85),
        ("CF", {"counting fingers": 1.7}, 1.7),
        ("HM", {"CF": 2.0}, 2.3),
        ("LP", {"lp": 2.9}, 2.9),
        ("20/200", {"CF": 2.0}, 1.0),
    ],
)
def test_substitutes_override(text: str, substitutes: dict[Any, float], logmar: float) -> None:
    acuity = VisualAcuity.parse(text)
    assert acuity.as_logmar(substitutes=substitutes) == logmar
    assert acuity.as_decimal(substitutes=substitutes) == pytest.approx(10**-logmar)
    assert acuity.as_logmar() == VisualAcuity.parse(text).as_logmar()


def test_substitutes_change_every_conversion() -> None:
    acuity = VisualAcuity.parse("CF")
    assert acuity.as_snellen(substitutes={"CF": 1.0}) == "20/200"
    assert acuity.as_etdrs_letters(substitutes={"CF": 1.0}) == 35


@pytest.mark.parametrize(
    ("substitutes", "error"),
    [({"blurry": 2.0}, NotationError), ({"CF": math.inf}, ImplausibleValueError)],
)
def test_bad_substitutes(substitutes: dict[str, float], error: type[Exception]) -> None:
    with pytest.raises(error):
        VisualAcuity.parse("CF").as_logmar(substitutes=substitutes)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("20/20", VisualImpairment.NONE),
        ("20/40", VisualImpairment.NONE),
        ("6/12", VisualImpairment.NONE),
        ("0.5 decimal", VisualImpairment.NONE),
        ("20/40-1", VisualImpairment.MILD),
        ("20/50", VisualImpairment.MILD),
        ("6/18", VisualImpairment.MILD),
        ("20/60", VisualImpairment.MILD),
        ("6/19", VisualImpairment.MODERATE),
        ("6/60", VisualImpairment.MODERATE),
        ("20/200", VisualImpairment.MODERATE),
        ("20/250", VisualImpairment.SEVERE),
        ("3/60", VisualImpairment.SEVERE),
        ("20/400", VisualImpairment.SEVERE),
        ("2/60", VisualImpairment.BLINDNESS),
        ("1/60", VisualImpairment.BLINDNESS),
        ("CF at 1 m", VisualImpairment.BLINDNESS),
        ("CF at 2 m", VisualImpairment.BLINDNESS),
        ("1/61", VisualImpairment.NEAR_TOTAL_BLINDNESS),
        ("CF at 30 cm", VisualImpairment.NEAR_TOTAL_BLINDNESS),
        ("CF", VisualImpairment.NEAR_TOTAL_BLINDNESS),
        ("HM", VisualImpairment.NEAR_TOTAL_BLINDNESS),
        ("LP", VisualImpairment.NEAR_TOTAL_BLINDNESS),
        ("3.0 logMAR", VisualImpairment.NEAR_TOTAL_BLINDNESS),
        ("NLP", VisualImpairment.TOTAL_BLINDNESS),
    ],
)
def test_who_category(text: str, category: VisualImpairment) -> None:
    assert VisualAcuity.parse(text).who_category() is category


@pytest.mark.parametrize(
    ("category", "label"),
    [
        (VisualImpairment.NONE, "no visual impairment"),
        (VisualImpairment.MILD, "mild visual impairment"),
        (VisualImpairment.MODERATE, "moderate visual impairment"),
        (VisualImpairment.SEVERE, "severe visual impairment"),
        (VisualImpairment.BLINDNESS, "blindness"),
        (VisualImpairment.NEAR_TOTAL_BLINDNESS, "blindness, worse than 1/60"),
        (VisualImpairment.TOTAL_BLINDNESS, "blindness, no light perception"),
    ],
)
def test_impairment_labels(category: VisualImpairment, label: str) -> None:
    assert category.label == label


def test_impairment_categories_are_numbered_zero_to_six() -> None:
    assert [int(category) for category in VisualImpairment] == list(range(7))


def test_outcomes_package_exports() -> None:
    assert sorted(outcomes.__all__) == outcomes.__all__
    assert set(outcomes.__all__) >= {
        "AcuityNotation",
        "QualitativeAcuity",
        "VisualAcuity",
        "VisualImpairment",
    }
    assert outcomes.VisualAcuity is VisualAcuity


# --- pydantic ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [
        ("20/40-2", VisualAcuity.parse("20/40-2")),
        (VisualAcuity.parse("6/60"), VisualAcuity.parse("6/60")),
        ({"value": 0.3, "notation": "logmar"}, VisualAcuity.logmar(0.3)),
        ({"value": "0.15", "notation": "decimal"}, VisualAcuity.decimal(0.15)),
        ({"value": "CF at 30 cm"}, VisualAcuity.parse("CF 30 cm")),
    ],
)
def test_pydantic_accepts(given_value: Any, expected: VisualAcuity) -> None:
    assert Exam.model_validate({"acuity": given_value}).acuity == expected


@pytest.mark.parametrize(
    ("given_value", "error_type", "fragment"),
    [
        ("20/0", "acuity_range", "20/0"),
        ("5.0 logMAR", "acuity_range", "5.0 logMAR"),
        (0.3, "acuity_notation", "pass notation="),
        (55, "acuity_notation", "55 ETDRS letters"),
        ({"value": 0.3}, "acuity_notation", "pass notation="),
        ({"value": "20/40", "eye": "OD"}, "acuity_notation", "'eye'"),
        ("blurry", "acuity_notation", "blurry"),
        (True, "acuity_type", "True"),
        ([20, 40], "acuity_type", "[20, 40]"),
    ],
)
def test_pydantic_refuses(given_value: Any, error_type: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Exam.model_validate({"acuity": given_value})
    (error,) = caught.value.errors()
    assert error["type"] == error_type
    assert error["loc"] == ("acuity",)
    assert fragment in str(caught.value)


def test_pydantic_error_names_field_and_value() -> None:
    with pytest.raises(ValidationError) as caught:
        Exam.model_validate({"acuity": "20/0"})
    message = str(caught.value)
    assert "acuity" in message
    assert "20/0" in message


def test_pydantic_serialises_to_canonical_text() -> None:
    exam = Exam.model_validate({"acuity": "count fingers at 1 m", "fellow_eye": "20/40-2"})
    assert exam.model_dump() == {"acuity": "CF 1 m", "fellow_eye": "20/40-2"}
    assert exam.model_dump_json() == '{"acuity":"CF 1 m","fellow_eye":"20/40-2"}'


def test_pydantic_json_schema() -> None:
    field = Exam.model_json_schema()["properties"]["acuity"]
    assert field["type"] == "string"
    assert "logMAR" in field["description"]
    for example in field["examples"]:
        VisualAcuity.parse(example)


# --- Hypothesis -----------------------------------------------------------------------------

decimals = st.floats(min_value=0.001, max_value=2.0).map(VisualAcuity.decimal)
logmars = st.floats(min_value=-0.3, max_value=3.0).map(VisualAcuity.logmar)
letter_scores = st.integers(min_value=0, max_value=100).map(VisualAcuity.etdrs_letters)


@st.composite
def snellens(draw: st.DrawFn) -> VisualAcuity:
    numerator = draw(st.sampled_from([20, 10, 6, 4, 3, 2, 1]))
    # Built from a logMAR inside the plausible range so no draw is refused;
    # the margin leaves room for the letter modifier.
    logmar = draw(st.floats(min_value=-0.19, max_value=2.89))
    denominator = round(numerator * 10**logmar, 2)
    letters = draw(st.integers(min_value=-4, max_value=4))
    units: list[Literal["ft", "m"] | None] = [None, "ft", "m"]
    unit = draw(st.sampled_from(units))
    return VisualAcuity.snellen(numerator, denominator, letters, unit=unit)


@st.composite
def qualitatives(draw: st.DrawFn) -> VisualAcuity:
    level = draw(st.sampled_from(list(QualitativeAcuity)))
    if level not in (QualitativeAcuity.CF, QualitativeAcuity.HM) or draw(st.booleans()):
        return VisualAcuity.qualitative(level)
    unit, most = draw(st.sampled_from([("cm", 600), ("m", 6), ("ft", 20), ("in", 240)]))
    number = draw(st.integers(min_value=1, max_value=most))
    return VisualAcuity.qualitative(level, f"{number} {unit}")


any_acuity = st.one_of(decimals, logmars, letter_scores, snellens(), qualitatives())


@hypothesis_settings
@given(st.floats(min_value=0.001, max_value=2.0))
def test_decimal_round_trips_through_logmar(value: float) -> None:
    logmar = VisualAcuity.decimal(value).as_logmar()
    assert VisualAcuity.logmar(logmar).as_decimal() == pytest.approx(value, rel=1e-7)


@hypothesis_settings
@given(st.floats(min_value=-0.3, max_value=3.0))
def test_logmar_round_trips_through_decimal(value: float) -> None:
    decimal = VisualAcuity.logmar(value).as_decimal()
    assert VisualAcuity.decimal(decimal).as_logmar() == pytest.approx(value, abs=1e-7)


@hypothesis_settings
@given(st.integers(min_value=0, max_value=100))
def test_letters_round_trip_through_logmar(value: int) -> None:
    logmar = VisualAcuity.etdrs_letters(value).as_logmar()
    assert VisualAcuity.logmar(logmar).as_etdrs_letters() == value


@hypothesis_settings
@given(snellens(), st.sampled_from(["ft", "m"]))
def test_snellen_round_trips_through_logmar(acuity: VisualAcuity, unit: Any) -> None:
    logmar = acuity.as_logmar()
    back = VisualAcuity.parse(VisualAcuity.logmar(logmar).as_snellen(unit))
    # Denominators are rounded to a chart line or two significant figures:
    # at most about one letter (0.02 logMAR) away.
    assert back.as_logmar() == pytest.approx(logmar, abs=0.025)


@hypothesis_settings
@given(any_acuity)
def test_str_round_trips(acuity: VisualAcuity) -> None:
    assert VisualAcuity.parse(str(acuity)) == acuity
    assert eval(repr(acuity), {"VisualAcuity": VisualAcuity}) == acuity


@hypothesis_settings
@given(any_acuity, any_acuity)
def test_pydantic_json_round_trips(acuity: VisualAcuity, fellow: VisualAcuity) -> None:
    exam = Exam(acuity=acuity, fellow_eye=fellow)
    assert Exam.model_validate_json(exam.model_dump_json()) == exam
    assert Exam.model_validate(exam.model_dump()) == exam


@hypothesis_settings
@given(any_acuity)
def test_pickle_and_copy_round_trip(acuity: VisualAcuity) -> None:
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(acuity, protocol)) == acuity
    assert copy.deepcopy(acuity) == acuity


@hypothesis_settings
@given(
    st.one_of(
        st.text(),
        st.from_regex(r"\A[0-9 ./,+\-]{1,12}\Z"),
        st.from_regex(r"\A(cf|hm|lp|nlp|count fingers) (at )?[0-9.]{1,4} ?(cm|m|ft|in)\Z"),
    ),
    st.sampled_from([None, *AcuityNotation]),
)
def test_parse_never_raises_anything_else(text: str, notation: AcuityNotation | None) -> None:
    try:
        acuity = VisualAcuity.parse(text, notation)
    except (NotationError, ImplausibleValueError):
        return
    assert VisualAcuity.parse(str(acuity)) == acuity
    assert -0.31 <= acuity.as_logmar() <= 3.0
