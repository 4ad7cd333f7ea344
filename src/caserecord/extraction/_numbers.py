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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from caserecord.extraction._data import load_json
from caserecord.extraction._patterns import alternation, letter_tree

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


def _whole(low: float, high: float = math.inf) -> Callable[[float | None], bool]:
    return lambda value: value is not None and value.is_integer() and low <= value <= high


# section -> (test of a value, what the test expects); ordinals are checked
# against the other sections below.
_VALUE_RULES: dict[str, tuple[Callable[[float | None], bool], str]] = {
    "cardinals": (_whole(0, 19), "a whole number from 0 to 19"),
    "tens": (
        lambda value: value in {20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0},
        "one of 20, 30, ... 90",
    ),
    "multipliers": (_whole(12), "a whole number of at least 12"),
    "ordinals": (_whole(1), "a whole number"),
    "fractions": (lambda value: value is not None and 0 < value < 1, "between 0 and 1"),
    "quantities": (
        lambda value: value is None or (math.isfinite(value) and value > 0),
        "a positive number or null (vague)",
    ),
}


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
    unknown = sorted(str(key) for key in data if not str(key).startswith("_"))
    unknown = [key for key in unknown if key not in _SECTIONS]
    if unknown:
        raise fail(f"unknown sections {unknown}; expected {list(_SECTIONS)}")
    tables = {section: _read_section(data.get(section), section, fail) for section in _SECTIONS}

    seen: dict[str, str] = {}
    for section, table in tables.items():
        accepts, expected = _VALUE_RULES[section]
        for word, value in table.items():
            if not accepts(value):
                raise fail(f"{section}: {word!r} must map to {expected} (got {value!r})")
            if word in seen:
                raise fail(f"{word!r} appears in both {seen[word]} and {section}")
            seen[word] = section
    # An ordinal must say which kind of word it ends ("twenty-first", "hundredth").
    kinds = {*range(1, 20), *tables["tens"].values(), *tables["multipliers"].values()}
    for word, value in tables["ordinals"].items():
        if value not in kinds:
            raise fail(f"ordinals: {word!r} must be 1-19, a ten or a multiplier (got {value})")

    def integers(section: str) -> MappingProxyType[str, int]:
        return MappingProxyType({w: int(v or 0) for w, v in tables[section].items()})

    return NumberWords(
        cardinals=integers("cardinals"),
        tens=integers("tens"),
        multipliers=integers("multipliers"),
        ordinals=integers("ordinals"),
        fractions=MappingProxyType({w: v or 0.0 for w, v in tables["fractions"].items()}),
        quantities=MappingProxyType(tables["quantities"]),
    )


def _read_section(
    table: object, section: str, fail: Callable[[str], RuntimeError]
) -> dict[str, float | None]:
    if not isinstance(table, Mapping) or not table:
        raise fail(f"section {section!r} must be a non-empty object of word: number")
    words: dict[str, float | None] = {}
    for word, value in table.items():
        if not isinstance(word, str) or not word or word != " ".join(word.lower().split()):
            raise fail(f"{section}: {word!r} must be lower case with single spaces")
        if "-" in word or (" " in word and section != "quantities"):
            raise fail(f"{section}: {word!r} must be one word without hyphens")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise fail(f"{section}: {word!r} must map to a number (got {value!r})")
        words[word] = None if value is None else float(value)
    return words


_WORDS = validate_number_words(load_json(_SOURCE))


# -- reading a phrase ------------------------------------------------------------------

# Thousands separators must come in threes ("1,000", not "1,00").
_DIGITS = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
_DIGIT_ORDINAL = re.compile(r"(?<!\d)(\d+)(?:st|nd|rd|th)")  # fullmatch; linear anyway
_HYPHENS = re.compile(r"[-\u2010\u2011\u2012\u2013]")


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
    if len(text) <= _CACHED_LENGTH:
        return _parse_cached(text)
    return _parse(text)


# Phrases up to this long are remembered: extractors read the same few often.
_CACHED_LENGTH = 64


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> float | None:
    return _parse(text)


def _parse(text: str) -> float | None:
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
    whole_words, joined, fraction_words = phrase.rpartition(" and ")
    article, _, fraction = fraction_words.partition(" ")
    if joined and article in ("a", "an", "one") and fraction in fractions:
        whole = _compose(whole_words.split())  # "one and a half", "two and a quarter"
        return None if whole is None else whole + fractions[fraction]
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


def _kind(number: int, *, multiplier: bool = False) -> str:
    if multiplier:
        return "group" if number >= _GROUP_SCALE else "scale"
    if number == 0:
        return "zero"
    if number < 10:
        return "unit"
    if number < 20:
        return "teen"
    if number in _WORDS.tens.values():
        return "tens"
    return _kind(number, multiplier=True)


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
            kind = _kind(words.multipliers[token], multiplier=True)
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


def _alternation(words: Iterable[str]) -> str:
    """Words as a regex alternation, longest first, spaces matching any one space."""
    return alternation(words)


def _number_word_pattern(words: NumberWords) -> str:
    # Only single-character separators and optional groups: no group is
    # repeated, so no input can make the pattern backtrack exponentially.
    # Regex alternation takes the first branch that matches, not the
    # longest, so ordinals come before cardinals ("twenty-first" must not
    # stop at "twenty").  The one-word lists are letter trees (see
    # ``letter_tree``); their words are validated as single lower-case words.
    sep = r"[\s\-\u2010\u2011\u2012\u2013]"
    units = letter_tree([w for w, n in words.cardinals.items() if 1 <= n <= 9])
    unit_ordinals = letter_tree([w for w, n in words.ordinals.items() if 1 <= n <= 9])
    cardinals = letter_tree(words.cardinals)
    tens = letter_tree(words.tens)
    multipliers = letter_tree(words.multipliers)
    ordinals = letter_tree(words.ordinals)
    fractions = letter_tree(words.fractions)
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
    return rf"(?i:\b(?:{digits}|{ordinal_word}|{number_word}|{fraction}|{counted}|{quantities})\b)"


NUMBER_WORD_PATTERN: str = _number_word_pattern(_WORDS)
"""A regex (no capturing groups, case-insensitive by an inline ``(?i:...)``
and bounded by word boundaries) matching one number in digits or words:
"4", "1,000", "2.5", "3rd", "four", "twenty-one", "twenty-first", "two
hundred", "one and a half", "half a", "a dozen", "a few".  Every match
reads with :func:`parse_number` (None for the vague quantities).  Longer
compounds ("two hundred and five") match in part; read them with
:func:`parse_number` when the whole phrase is known."""
