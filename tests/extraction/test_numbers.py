"""Tests for caserecord.extraction._numbers: numbers in digits and in words."""

from __future__ import annotations

import copy
import math
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caserecord.extraction._data import load_json
from caserecord.extraction._numbers import (
    NUMBER_WORD_PATTERN,
    is_vague,
    parse_number,
    validate_number_words,
)

NUMBER = re.compile(NUMBER_WORD_PATTERN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # digits
        ("3", 3.0),
        ("  42 ", 42.0),
        ("1,000", 1000.0),
        ("12,500,000", 12_500_000.0),
        ("2.5", 2.5),
        (".5", 0.5),
        ("-3", -3.0),
        ("3rd", 3.0),
        ("1st", 1.0),
        ("22nd", 22.0),
        ("4th", 4.0),
        # words
        ("zero", 0.0),
        ("four", 4.0),
        ("Four", 4.0),
        ("eleven", 11.0),
        ("twenty", 20.0),
        ("twenty-one", 21.0),
        ("twenty one", 21.0),
        ("twenty\u2011one", 21.0),  # non-breaking hyphen
        ("ninety-nine", 99.0),
        ("a hundred", 100.0),
        ("two hundred", 200.0),
        ("two hundred and five", 205.0),
        ("one hundred twenty one", 121.0),
        ("twelve hundred", 1200.0),
        ("two thousand three hundred", 2300.0),
        ("forty million", 40_000_000.0),
        ("1.5 million", 1_500_000.0),
        ("a dozen", 12.0),
        ("two dozen", 24.0),
        # ordinals
        ("first", 1.0),
        ("third", 3.0),
        ("sixth", 6.0),
        ("twelfth", 12.0),
        ("twentieth", 20.0),
        ("twenty-first", 21.0),
        ("thirty second", 32.0),
        # fractions and quantities
        ("half", 0.5),
        ("half a", 0.5),
        ("half an", 0.5),
        ("a half", 0.5),
        ("a quarter", 0.25),
        ("one and a half", 1.5),
        ("two and a quarter", 2.25),
        ("twenty-one and a half", 21.5),
        ("half a dozen", 6.0),
        ("a", 1.0),
        ("an", 1.0),
        ("a couple of", 2.0),
        ("a pair of", 2.0),
        # vague or not a number
        ("a few", None),
        ("several", None),
        ("", None),
        ("   ", None),
        ("-", None),
        ("dozens", None),
        ("one one", None),
        ("twenty zero", None),
        ("thirteen four", None),
        ("two hundred hundred", None),
        ("thousand thousand", None),
        ("third hundred", None),
        ("one and a half and a half", None),
        ("and a half", None),
        ("hundred and", None),
        ("three quarters", None),
        ("1,00", None),
        ("1e5", None),
        ("inf", None),
        ("nan", None),
        ("20/40", None),
        ("9" * 400, None),  # too large to be finite
        ("someone", None),
    ],
)
def test_parse_number(text: str, expected: float | None):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "vague"),
    [
        ("a few", True),
        ("Several", True),
        ("a couple of", False),
        ("three", False),
        ("whatever", False),
    ],
)
def test_is_vague(text: str, vague: bool):
    assert is_vague(text) is vague


@given(st.text(max_size=60))
def test_parse_number_never_raises(text: str):
    value = parse_number(text)
    assert value is None or (isinstance(value, float) and math.isfinite(value))


@given(st.integers(min_value=0, max_value=10**12))
def test_digits_with_and_without_separators(number: int):
    assert parse_number(str(number)) == number
    assert parse_number(f"{number:,}") == number


_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _below_thousand(number: int) -> str:
    # Written independently of numbers.json, so the data and the parser are
    # both under test.
    hundreds, rest = divmod(number, 100)
    words = [f"{_UNITS[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        tens, unit = divmod(rest, 10)
        words.append(_TENS[tens - 2] + (f"-{_UNITS[unit]}" if unit else ""))
    elif rest >= 10:
        words.append(_TEENS[rest - 10])
    elif rest or not hundreds:
        words.append(_UNITS[rest])
    return " and ".join(words) if hundreds and rest else " ".join(words)


def _in_words(number: int) -> str:
    thousands, rest = divmod(number, 1000)
    if not thousands:
        return _below_thousand(rest)
    head = f"{_below_thousand(thousands)} thousand"
    return head if not rest else f"{head} {_below_thousand(rest)}"


@given(st.integers(min_value=0, max_value=999_999))
def test_numbers_written_in_words(number: int):
    words = _in_words(number)
    assert parse_number(words) == number, words
    assert parse_number(words.upper()) == number


# -- the pattern --------------------------------------------------------------------------


def test_pattern_is_safe_to_embed():
    assert NUMBER.groups == 0  # no capturing groups to shift the embedder's numbering
    # No repeated group: "(...)+", "(...)*" or "(...){n,m}" could backtrack
    # exponentially on adversarial text; optional groups "(...)?" cannot.
    assert re.search(r"\)(?:[*+]|\{)", NUMBER_WORD_PATTERN) is None
    embedded = re.compile(r"(?P<num>" + NUMBER_WORD_PATTERN + r")[- ](?P<unit>weeks?|months?)")
    match = embedded.search("After Twenty-One weeks")
    assert match is not None
    assert match["num"] == "Twenty-One"
    assert match["unit"] == "weeks"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("after twenty-one days", ["twenty-one"]),
        ("the Twenty-First session", ["Twenty-First"]),
        ("3 months later", ["3"]),
        ("a 3-month course", ["a", "3"]),
        ("one and a half years", ["one and a half"]),
        ("half a year", ["half a"]),
        ("a half", ["a half"]),
        ("the third injection and the 4th", ["third", "4th"]),
        ("1,000 cells and 2.5 mg", ["1,000", "2.5"]),
        ("two hundred patients", ["two hundred"]),
        ("a dozen eyes", ["a dozen"]),
        ("a few weeks", ["a few"]),
        ("sixteen and sixty", ["sixteen", "sixty"]),
        ("someone often wondered", []),
        ("day5", []),
    ],
)
def test_pattern_finds_numbers(text: str, found: list[str]):
    assert [m.group() for m in NUMBER.finditer(text)] == found


@given(st.text(alphabet=" -,.0123456789abcdefhilnortuvwxyz", max_size=60))
def test_every_match_reads(text: str):
    for match in NUMBER.finditer(text):
        phrase = match.group()
        assert parse_number(phrase) is not None or is_vague(phrase), phrase


@pytest.mark.parametrize(
    "phrase",
    [
        "twenty-first",
        "ninety nine",
        "one and a half",
        "half an",
        "a couple of",
        "7th",
        "a dozen",
        "forty thousand",
        "12,500",
    ],
)
def test_whole_phrases_match(phrase: str):
    assert NUMBER.fullmatch(phrase) is not None
    assert parse_number(phrase) is not None


# -- the data file ---------------------------------------------------------------------


def _shipped() -> dict[str, Any]:
    data = load_json("numbers.json")
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def test_shipped_data_is_valid():
    words = validate_number_words(_shipped())
    assert words.cardinals["nineteen"] == 19
    assert words.ordinals["third"] == 3
    assert words.fractions["half"] == 0.5
    assert words.quantities["several"] is None


def _with(section: str, word: str, value: object) -> dict[str, Any]:
    data = _shipped()
    data[section][word] = value
    return data


def _without(section: str) -> dict[str, Any]:
    data = _shipped()
    del data[section]
    return data


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ([], "must hold a JSON object"),
        ({**_shipped(), "decimals": {}}, "unknown sections ['decimals']"),
        (_without("ordinals"), "section 'ordinals'"),
        (_with("cardinals", "Four", 4), "'Four' must be lower case"),
        (_with("cardinals", "four ", 4), "'four ' must be lower case"),
        (_with("tens", "twenty-two", 22), "'twenty-two' must be one word"),
        (_with("cardinals", "fore", "4"), "'fore' must map to a number"),
        (_with("cardinals", "yes", True), "'yes' must map to a number"),
        (_with("cardinals", "fifty", 50), "'fifty' must map to a whole number from 0 to 19"),
        (_with("tens", "twentyish", 25), "one of 20, 30"),
        (_with("multipliers", "pair", 2), "at least 12"),
        (_with("ordinals", "twenty-fifth", 25), "must be one word"),
        (_with("ordinals", "twentyfifth", 25), "1-19, a ten or a multiplier"),
        (_with("fractions", "whole", 1), "between 0 and 1"),
        (_with("quantities", "no", 0), "positive number or null"),
        (_with("ordinals", "half", 2), "'half' appears in both ordinals and fractions"),
    ],
)
def test_malformed_data_is_refused_on_load(data: object, fragment: str):
    with pytest.raises(RuntimeError, match=r"numbers\.json") as info:
        validate_number_words(data)
    assert fragment in str(info.value)
