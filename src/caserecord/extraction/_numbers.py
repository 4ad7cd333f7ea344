"""Numbers written in digits or in English words, for the extractors.

Case narratives write counts both ways: "4 months", "four months",
"twenty-one days", "the third injection", "one and a half years", "a few
weeks".  :func:`parse_number` reads such a phrase into a float, and
:data:`NUMBER_WORD_PATTERN` finds one inside a longer text so that other
extractors can embed it in their own patterns.

The words are data (``data/numbers.json``), checked when the module is
imported: a malformed file fails at once, naming the file and the entry.
Vague quantities ("a few", "several") are known words whose value is None,
so an extractor can tell "vague" from "not a number" with
:func:`is_vague`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from caserecord.extraction._data import load_json

__all__ = ["NUMBER_WORD_PATTERN", "NumberWords", "is_vague", "parse_number"]

_SOURCE = "numbers.json"
_SECTIONS = ("cardinals", "tens", "multipliers", "ordinals", "fractions", "quantities")

# Multipliers below this scale the word before them ("two hundred", "a
# dozen"); from it on they close a group ("two thousand three hundred").
_GROUP_SCALE = 1000


@dataclass(frozen=True)
class NumberWords:
    """The validated content of ``numbers.json``: word -> value, per section."""

    cardinals: Mapping[str, int]
    tens: Mapping[str, int]
    multipliers: Mapping[str, int]
    ordinals: Mapping[str, int]
    fractions: Mapping[str, float]
    quantities: Mapping[str, float | None]


def validate_number_words(data: object, *, source: str = _SOURCE) -> NumberWords:
    """Check the number-word tables and return them read-only.

    Raises :class:`RuntimeError` naming ``source`` and the bad entry: a
    malformed data file is a packaging bug, not a user error (as in
    ``_data.load_json``).
    """

    def fail(problem: str) -> RuntimeError:
        return RuntimeError(f"caserecord rule file data/{source}: {problem}")

    if not isinstance(data, Mapping):
        raise fail(f"must hold a JSON object (got {type(data).__name__})")
    unknown = sorted(key for key in data if not str(key).startswith("_") and key not in _SECTIONS)
    if unknown:
        raise fail(f"unknown sections {unknown}; expected {list(_SECTIONS)}")
    tables: dict[str, dict[str, float | None]] = {}
    for section in _SECTIONS:
        table = data.get(section)
        if not isinstance(table, Mapping) or not table:
            raise fail(f"section {section!r} must be a non-empty object of word: number")
        tables[section] = {}
        for word, value in table.items():
            if not isinstance(word, str) or word != " ".join(word.lower().split()) or not word:
                raise fail(f"{section}: {word!r} must be lower case with single spaces")
            if section != "quantities" and " " in word:
                raise fail(f"{section}: {word!r} must be a single word")
            if "-" in word:
                raise fail(f"{section}: {word!r} must not contain a hyphen (read as a space)")
            if value is None and section == "quantities":
                tables[section][word] = None
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise fail(f"{section}: {word!r} must map to a number (got {value!r})")
            tables[section][word] = float(value)

    def integers(section: str, allowed: Mapping[str, bool] | None = None) -> dict[str, int]:
        result: dict[str, int] = {}
        for word, value in tables[section].items():
            if value is None or not value.is_integer():
                raise fail(f"{section}: {word!r} must map to a whole number (got {value!r})")
            result[word] = int(value)
        return result

    cardinals = integers("cardinals")
    for word, number in cardinals.items():
        if not 0 <= number <= 19:
            raise fail(f"cardinals: {word!r} must be between 0 and 19 (got {number})")
    tens = integers("tens")
    for word, number in tens.items():
        if number not in range(20, 100, 10):
            raise fail(f"tens: {word!r} must be one of 20, 30, ... 90 (got {number})")
    multipliers = integers("multipliers")
    for word, number in multipliers.items():
        if number < 12:
            raise fail(f"multipliers: {word!r} must be at least 12 (got {number})")
    ordinals = integers("ordinals")
    kinds = {*range(1, 20), *tens.values(), *multipliers.values()}
    for word, number in ordinals.items():
        if number not in kinds:
            raise fail(
                f"ordinals: {word!r} must be 1-19, a ten or a multiplier's value (got {number})"
            )
    fractions: dict[str, float] = {}
    for word, fraction in tables["fractions"].items():
        if fraction is None or not 0 < fraction < 1:
            raise fail(f"fractions: {word!r} must be between 0 and 1 (got {fraction!r})")
        fractions[word] = fraction
    quantities = tables["quantities"]
    for word, amount in quantities.items():
        if amount is not None and not (math.isfinite(amount) and amount > 0):
            raise fail(f"quantities: {word!r} must be positive or null (got {amount!r})")

    seen: dict[str, str] = {}
    for section in _SECTIONS:
        for word in tables[section]:
            if word in seen:
                raise fail(f"{word!r} appears in both {seen[word]} and {section}")
            seen[word] = section

    return NumberWords(
        cardinals=MappingProxyType(cardinals),
        tens=MappingProxyType(tens),
        multipliers=MappingProxyType(multipliers),
        ordinals=MappingProxyType(ordinals),
        fractions=MappingProxyType(fractions),
        quantities=MappingProxyType(quantities),
    )


_WORDS = validate_number_words(load_json(_SOURCE))


# -- reading a phrase ------------------------------------------------------------------

# Thousands separators must come in threes ("1,000", not "1,00").
_DIGITS = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
_DIGIT_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")
_HYPHENS = re.compile(r"[-\u2010\u2011\u2012\u2013]")
_WITH_FRACTION = re.compile(r"(.+) and (?:a|an|one) (\S+)")


def parse_number(text: str) -> float | None:
    """The number a phrase writes, or None when it is not one (or is vague).

    Reads digits ("3", "1,000", "2.5"), ordinals ("3rd", "third"), words
    and compounds ("four", "twenty-one", "two hundred and five"),
    fractions ("half a", "one and a half") and quantities ("a" -> 1,
    "a couple of" -> 2; "a few" -> None, see :func:`is_vague`).  Never
    raises on a string.
    """
    if not isinstance(text, str):
        return None
    phrase = " ".join(text.lower().split()).rstrip(".")
    if _DIGITS.fullmatch(phrase):
        return _finite(float(phrase.replace(",", "")))
    if match := _DIGIT_ORDINAL.fullmatch(phrase):
        return _finite(float(match[1]))
    return _parse_words(" ".join(_HYPHENS.sub(" ", phrase).split()))


def is_vague(text: str) -> bool:
    """Whether the phrase is a known quantity without a value ("a few", "several")."""
    phrase = " ".join(text.lower().split())
    return phrase in _WORDS.quantities and _WORDS.quantities[phrase] is None


def _finite(value: float) -> float | None:
    # A run of hundreds of digits reads as inf: not a count in a case report.
    return value if math.isfinite(value) else None


def _parse_words(phrase: str) -> float | None:
    if not phrase:
        return None
    if phrase in _WORDS.quantities:
        return _WORDS.quantities[phrase]
    fractions = _WORDS.fractions
    if (match := _WITH_FRACTION.fullmatch(phrase)) and match[2] in fractions:
        whole = _compose(match[1].split())
        return None if whole is None else whole + fractions[match[2]]
    tokens = phrase.split()
    if len(tokens) == 2 and tokens[0] in ("a", "an") and tokens[1] in fractions:
        return fractions[tokens[1]]
    if tokens[0] in fractions:
        # "half", "half a(n)", "half a dozen", "half a million"
        if len(tokens) == 1 or tokens[1:] in (["a"], ["an"]):
            return fractions[tokens[0]]
        if tokens[1] not in ("a", "an"):
            return None
        rest = _compose(tokens[1:])
        return None if rest is None else fractions[tokens[0]] * rest
    return _compose(tokens)


def _kind(number: int) -> str:
    if number == 0:
        return "zero"
    if number < 10:
        return "unit"
    if number < 20:
        return "teen"
    if number in _WORDS.tens.values():
        return "tens"
    return "group" if number >= _GROUP_SCALE else "scale"


# Which kind of word may follow which (None = start of the phrase).
_MAY_FOLLOW: dict[str, frozenset[str | None]] = {
    "unit": frozenset({None, "tens", "scale", "group"}),
    "teen": frozenset({None, "scale", "group"}),
    "tens": frozenset({None, "scale", "group"}),
    "scale": frozenset({None, "unit", "teen", "tens", "number"}),
    "group": frozenset({None, "unit", "teen", "tens", "number", "scale"}),
}


def _compose(tokens: list[str]) -> float | None:
    """A whole number from its words: ["two", "hundred", "and", "five"] -> 205."""
    words = _WORDS
    total = 0.0
    current = 0.0
    last: str | None = None
    last_group = math.inf
    for index, token in enumerate(tokens):
        if last is not None and last.startswith("ordinal"):
            return None  # an ordinal ends the number: "third hundred" is not one
        if token == "and":
            if last not in ("scale", "group") or index == len(tokens) - 1:
                return None
            continue
        ordinal = False
        if token in ("a", "an") and index == 0 and len(tokens) > 1:
            number: float = 1
            kind = "unit" if tokens[1] in words.multipliers else "none"
        elif token in words.cardinals:
            number = words.cardinals[token]
            kind = _kind(words.cardinals[token])
        elif token in words.tens:
            number, kind = words.tens[token], "tens"
        elif token in words.multipliers:
            number = words.multipliers[token]
            kind = _kind(words.multipliers[token])
        elif token in words.ordinals:
            number, ordinal = words.ordinals[token], True
            kind = _kind(words.ordinals[token])
        elif index == 0 and _DIGITS.fullmatch(token):
            number, kind = float(token.replace(",", "")), "number"
        else:
            return None

        if kind == "zero":
            if len(tokens) != 1:
                return None
        elif kind == "number":
            current = number
        elif kind in _MAY_FOLLOW:
            if last not in _MAY_FOLLOW[kind]:
                return None
            if kind == "scale":
                if current >= 100:  # "two hundred hundred"
                    return None
                current = (current or 1) * number
            elif kind == "group":
                if number >= last_group:  # "a thousand million" is read elsewhere as 1e9
                    return None
                total += (current or 1) * number
                current, last_group = 0.0, number
            else:
                current += number
        else:
            return None
        last = f"ordinal {kind}" if ordinal else kind
    if last is None:
        return None
    return _finite(total + current)


# -- the pattern for other extractors -------------------------------------------------


def _alternation(words: object) -> str:
    """Words as a regex alternation, longest first, spaces matching any one space."""
    assert isinstance(words, Mapping | list | tuple | set | frozenset)
    ordered = sorted({str(word) for word in words}, key=len, reverse=True)
    return "|".join(re.escape(word).replace(r"\ ", r"\s") for word in ordered)


def _number_word_pattern(words: NumberWords) -> str:
    # Only single-character separators and optional groups: no group is
    # repeated, so no input can make the pattern backtrack exponentially.
    sep = r"[\s\-\u2010\u2011\u2012\u2013]"
    units = _alternation([w for w, n in words.cardinals.items() if 1 <= n <= 9])
    unit_ordinals = _alternation([w for w, n in words.ordinals.items() if 1 <= n <= 9])
    cardinals = _alternation(words.cardinals)
    tens = _alternation(words.tens)
    multipliers = _alternation(words.multipliers)
    ordinals = _alternation(words.ordinals)
    fractions = _alternation(words.fractions)
    quantities = _alternation(words.quantities)
    digits = (
        r"\d{1,3},\d\d\d(?:,\d\d\d)?(?:,\d\d\d)?(?:\.\d+)?"  # 1,000 / 12,500,000
        r"|\d+(?:\.\d+)?(?:st|nd|rd|th)?"  # 4 / 2.5 / 3rd
    )
    cardinal_word = rf"(?:{tens})(?:{sep}(?:{units}))?|(?:{cardinals})"
    ordinal_word = rf"(?:{tens}){sep}(?:{unit_ordinals})|(?:{ordinals})"
    and_fraction = rf"\sand\s(?:an|a|one)\s(?:{fractions})"
    number_word = rf"(?:{cardinal_word})(?:{sep}(?:{multipliers}))?(?:{and_fraction})?"
    fraction = rf"(?:an?\s)?(?:{fractions})(?:\s(?:an|a))?"
    counted = rf"an?\s(?:{multipliers})"
    return (
        rf"(?i:\b(?:{digits}|{number_word}|{ordinal_word}|{fraction}|{counted}|{quantities})\b)"
    )


NUMBER_WORD_PATTERN: str = _number_word_pattern(_WORDS)
"""A regex (no capturing groups, case-insensitive by an inline ``(?i:...)``
and bounded by word boundaries) matching one number in digits or words:
"4", "1,000", "2.5", "3rd", "four", "twenty-one", "twenty-first", "two
hundred", "one and a half", "half a", "a dozen", "a few".  Every match
reads with :func:`parse_number` (None for the vague quantities).  Longer
compounds ("two hundred and five") match in part; read them with
:func:`parse_number` when the whole phrase is known."""
