"""The patient of a narrative: sex, age at presentation, occupation, label.

Where each comes from, most trusted first:

- ``Key: value`` header lines ("Gender: Male", "Age: 47", "Patient: Mr.
  Zhang") and the rows of a clinic case sheet ("Cerebral Palsy Female 2
  years Argentinia", even run together as "Cerebral PalsyMale3USA");
- the age phrase of the prose ("a 55-year-old woman", "male, 28 years old",
  "aged 47", "our 18 month old", "42 years of age", "who is 61", "a 61 y/o
  male", "27 yo M", "baby girl, 16 months", "2 years and 4 months old")
  with the sex noun beside it;
- titles (Mr./Mrs./Ms.) and nouns ("a young man", "our daughter");
- and, only when nothing says it outright, a clear majority of he/his over
  she/her pronouns (or the reverse).

The age is the *first* age stated for the patient -- the age at
presentation, as case reports give it in their opening line -- never an
onset age ("since she was 5 months old") or a later one ("at the age of
49"), nor a relative's ("her 6-year-old son", "his mother, who is 58").
When the age is told as now ("is now 8 years old") and a younger age is
told with the treatment ("when she was 6 we tried stem cells"), or the
latter is the only age told, the age at the treatment is the age at
presentation.  When the text tells of
several patients ("Patient 2", "three patients"), the first is read and
the spans naming the others go to ``others_skipped``.

Cue words live in ``data/demographics.json``; the patterns here only say
how the words combine.  Every pattern is bounded (no nested quantifiers),
so each pass is linear in the length of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from heapq import heappop, heappush, merge
from typing import Any, NamedTuple

from caserecord.extraction._data import load_json
from caserecord.extraction._document import Document
from caserecord.extraction._folded import (
    FoldedPattern,
    fast_pattern,
    fold,
    folded_text,
    matches_at,
    occurrences,
)
from caserecord.extraction._mentions import PatientMention, Span
from caserecord.extraction._numbers import NUMBER_WORD_PATTERN, parse_number
from caserecord.extraction._patterns import alternation, letter_tree

__all__ = ["extract_patient"]

_SOURCE = "demographics.json"

# key -> the shape the key must have: a list of words, a word -> word map,
# a map of word lists, or a number.
_SCHEMA = {
    "header_keys": "list_map",
    "titles": "str_map",
    "sex_words": "str_map",
    "child_words": "str_map",
    "parent_possessives": "str_list",
    "pronouns": "list_map",
    "pronoun_minimum": "number",
    "pronoun_ratio": "number",
    "relatives": "str_list",
    "age_blockers": "str_list",
    "treatment_words": "str_list",
    "occupations": "str_list",
    "occupation_verbs": "str_list",
    "occupation_epithets": "str_list",
    "occupation_prefixes": "str_list",
    "work_as_verbs": "str_list",
    "age_now_cues": "str_list",
    "treatment_pronoun_clauses": "str_list",
    "not_patient_subjects": "str_list",
    "series_nouns": "str_list",
    "series_context": "str_list",
}
_SEXES = frozenset({"male", "female"})


def _validated(data: dict[str, Any], source: str, schema: dict[str, str]) -> dict[str, Any]:
    """Check a rule file against ``schema``; RuntimeError names the file and the key."""

    def fail(problem: str) -> RuntimeError:
        return RuntimeError(f"caserecord rule file data/{source}: {problem}")

    def words(value: object) -> bool:
        return isinstance(value, list) and all(isinstance(w, str) and w.strip() for w in value)

    for key, shape in schema.items():
        if key not in data:
            raise fail(f"missing key {key!r}")
        value = data[key]
        ok = {
            "str_list": lambda v: words(v) and bool(v),
            "str_map": lambda v: (
                isinstance(v, dict)
                and all(isinstance(k, str) and isinstance(x, str) for k, x in v.items())
            ),
            "list_map": lambda v: (
                isinstance(v, dict) and all(isinstance(k, str) and words(x) for k, x in v.items())
            ),
            "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool) and v > 0,
        }[shape](value)
        if not ok:
            raise fail(f"{key!r} must be a {shape.replace('_', ' ')} (got {value!r:.60})")
    unknown = sorted(k for k in data if not k.startswith("_") and k not in schema)
    if unknown:
        raise fail(f"unknown keys {unknown}")
    return data


_DATA = _validated(load_json(_SOURCE), _SOURCE, _SCHEMA)
for _table in ("titles", "sex_words", "child_words"):
    if not set(_DATA[_table].values()) <= _SEXES:  # pragma: no cover - packaging bug
        raise RuntimeError(
            f"caserecord rule file data/{_SOURCE}: {_table} must map to 'male' or 'female'"
        )


def _words(words: list[str]) -> str:
    """An alternation of phrases, longest first, any run of spaces between words."""
    return alternation(words)


_I = re.IGNORECASE
_NUM = NUMBER_WORD_PATTERN
_UNIT = r"(?P<unit>years?|yrs?|months?|mos?|weeks?|wks?|days?)"
_DASH = r"[\s\-\u2010\u2011\u2013]{1,2}"
_UNIT_NAMES = {"y": "year", "m": "month", "w": "week", "d": "day"}

# "47-year-old", "28 years old", "18 month old", "42 years of age".  The
# number comes first but is costly to try at every position, so these are
# tried only just before the words that end them ("old", "of age").
_AGE_OLD = re.compile(rf"(?P<num>{_NUM}){_DASH}{_UNIT}{_DASH}old$", _I)
_OLD = re.compile(r"[\s\-\u2010\u2011\u2013]old\b", _I)
_AGE_OF = re.compile(rf"(?P<num>{_NUM})\s{{1,3}}{_UNIT}\s{{1,3}}of\s{{1,3}}age$", _I)
_OF_AGE = re.compile(r"\bof\s{1,3}age\b", _I)
# "aged 47", "aged 16 months"
_AGED = re.compile(
    rf"\baged\s{{1,3}}(?:about\s|around\s)?(?P<num>{_NUM})(?:\s{{0,2}}{_UNIT}\b)?", _I
)
# "who is 61", "she's 61 years", "I am 61": a bare number after a person and a verb
# of being, closing its clause ("his IOP was 21" has no such subject; "he was 12 when"
# is an onset).  Found at the verb; the subject is checked before it.
_AGE_IS = re.compile(
    r"(?:is|am|was|['’]s|['’]m|,)\s{1,3}(?:now\s{1,3})?(?P<num>\d{1,3})"
    r"(?:\s{1,3}(?P<unit>years?|yrs?|months?))?(?:\s{1,3}now)?"
    r"(?=\s{0,3}(?:[,.;:)!]|and\b|but\b|$))",
    _I,
)
# "I was 36 when I had the transplant", "she was 8 when we did it": an age told with
# its when-clause is the age at the treatment when that clause tells the treatment
# (else an onset: "he was 12 when he lost his sight").
_AGE_IS_WHEN = re.compile(
    r"(?:is|am|was|['’]s|['’]m)\s{1,3}(?P<num>\d{1,3})(?:\s{1,3}(?P<unit>years?|yrs?|months?))?"
    r"(?=\s{1,3}when\s(?P<clause>[^.;:!?]{1,80}))",
    _I,
)
_TREATMENT_CLAUSE = re.compile(
    r"\b(?:" + _words([*_DATA["treatment_words"], *_DATA["treatment_pronoun_clauses"]]) + r")\b",
    _I,
)
# "Fourteen years on, at 31, the teacher ...", "Now, at 45, she ...": an age "at N" set
# apart after a word that brings the story to its present.
_AT_AGE_NOW = re.compile(
    r"\b(?:" + _words(_DATA["age_now_cues"]) + r")\s{0,3},?\s{1,3}at\s{1,3}(?P<num>\d{1,3})"
    r"(?:\s{1,3}(?P<unit>years?|months?)(?:\s{1,3}old)?)?(?=\s{0,3},)",
    _I,
)
# The verbs that may stand before the number, one blank between (the usual case).
_AGE_IS_VERBS = ("is", "am", "was", "'s", "’s", "'m", "’m")
# A blank and a digit (perhaps "now" between): the pass that finds where to look.
_BLANK_DIGIT = re.compile(r" (now )?\d")
_AGE_IS_SUBJECT = re.compile(
    r"\b(?:who|he|she|i|(?:"
    + _words(_DATA["parent_possessives"])
    + r")\s{1,3}(?:(?:little|baby|young|eldest|youngest|oldest)\s{1,3})?(?:"
    + _words([*_DATA["relatives"], *_DATA["child_words"]])
    # "my daughter Sophie is 7 now"
    + r")(?:\s{1,3}[a-z]{2,20})?)\s{0,3}$",
    _I,
)
# "a 61 y/o man", "61yo", "18 m/o", "45 y.o.": clinical shorthand for "years old".
_AGE_YO = re.compile(
    r"(?<![\d.])(?P<num>\d{1,3})[\s\-]{0,2}(?:(?P<unit>[ym])\s?/\s?o|y\.\s?o\.?|yo)(?![a-z0-9/])",
    _I,
)
# "baby girl, 16 months", "boy, 5 years": a sex noun and an age with its unit.
_NOUN_AGE = re.compile(
    r"\b(?P<sex>boy|girl|man|woman|gentleman|lady)[ \t]{0,3}[,;:]?[ \t]{0,3}(?P<num>\d{1,3})"
    rf"[ \t]{{0,2}}{_UNIT}\b(?![ \t]{{0,3}}(?:ago|later|after|before|earlier|old|of)\b)",
    _I,
)
# The age told as now ("is now 8 years old", "who is 61"): when the story also tells
# a younger age at its treatment ("when she was 6 we tried stem cells"), that is the
# age at presentation.
_PRESENT_BEFORE = re.compile(
    r"\b(?:is|am|are|['’]s|now|today|currently|turns|turned)\s{1,3}(?:(?:now|currently|just|"
    r"almost|nearly)\s{1,3})?(?:an?\s{1,3})?$",
    _I,
)
_AGE_THEN = re.compile(
    r"\b(?:when\s{1,3}(?:he|she|they|i|we|the\s{1,3}\w{1,12}|[A-Z]\w{1,20})\s{1,3}"
    r"(?:was|were|turned)|at\s{1,3}(?:the\s{1,3}age\s{1,3}of|age)|aged)\s{1,3}"
    rf"(?:(?:about|around|only|just)\s{{1,3}})?(?!an?\s)(?P<num>{_NUM})(?:[\s\-]{{1,2}}{_UNIT}\b)?",
    _I,
)
_TREATMENT_WORDS = re.compile(r"\b(?:" + _words(_DATA["treatment_words"]) + r")\b", _I)
# "his mother, who is 58", "her husband, aged 64": a relative of the patient's.
_RELATIVE_BEFORE = re.compile(
    r"\b(?:his|her|their)\s{1,3}(?:" + _words(_DATA["relatives"]) + r")\s{0,3},?\s{0,3}"
    r"(?:who\s{1,3}|an?\s{1,3})?$",
    _I,
)
# a case-sheet row, possibly run together: "Female 2 years", "PalsyMale3USA"
_SEX_AGE = re.compile(
    rf"(?<![Ff][Ee])(?P<sex>(?:[Ff]e)?[Mm]ale|(?:FE)?MALE)[ \t]{{0,3}}[,;:]?"
    rf"[ \t]{{0,3}}(?P<num>\d{{1,3}})(?![\d.,/])"
    rf"(?:[ \t]{{0,2}}{_UNIT}(?![a-z]))?"
)
_AGE_BLOCK = re.compile(
    r"\b(?:the\s{1,3}age\s{1,3}of|(?:" + _words(_DATA["age_blockers"]) + r")(?:\s{1,3}(?:he|she|"
    r"they|i|we|the\s{1,3}\w{1,12}|\w{1,12}))?(?:\s{1,3}(?:was|were|is|turned|reached|became))?"
    r"(?:\s{1,3}(?:about|around|only|just|nearly|almost))?)\s{0,3}$",
    _I,
)

_SEX_WORD = r"(?P<word>" + _words(list(_DATA["sex_words"])) + r")"
_SEX_AFTER = re.compile(r"[\s,]{0,3}(?:[A-Za-z][\w-]{0,20}\s{1,3}){0,2}?" + _SEX_WORD + r"\b", _I)
# "27 yo M, construction worker": a capital M or F standing alone after the age.
_SEX_LETTER_AFTER = re.compile(r"[ \t]{0,2},?[ \t]{1,2}(?P<letter>[MF])(?![\w.'’])")
_SEX_BEFORE = re.compile(r"\b" + _SEX_WORD + r"[\s,;:(]{0,4}$", _I)
_SEX_NOUN = re.compile(
    r"\b(?:a|an|the|this|that|young|old|elderly|little)\s{1,3}(?:(?:young|old|elderly|little|"
    r"small|teenage|middle-aged)\s{1,3})?(?P<word>man|woman|boy|girl|gentleman|lady)\b"
    r"|\b(?P<word2>male|female)\s{1,3}(?:patient|child|infant|baby|student|subject)\b",
    _I,
)
_CHILD = re.compile(
    r"\b(?:" + _words(_DATA["parent_possessives"]) + r")\s{1,3}(?:(?:little|"
    r"baby|young|eldest|youngest|oldest)\s{1,3})?(?P<word>"
    + _words(list(_DATA["child_words"]))
    + r")\b",
    _I,
)
# Titles are capitalised ("Mr", "MRS"): lower-case "ms" is milliseconds.
_TITLE = re.compile(
    r"(?<!Dear\s)\b(?P<title>"
    + _words([form for t in _DATA["titles"] for form in (t.capitalize(), t.upper())])
    + r")\b\.?\s{1,3}(?P<name>[A-Z][a-z]{1,30}(?:-[A-Z][a-z]{1,30})?(?:\s[A-Z][a-z]{1,30})?)\b"
)
_PRONOUN = {
    sex: re.compile(r"\b(?:" + _words(words) + r")\b", _I)
    for sex, words in _DATA["pronouns"].items()
}
_RELATIVE_AFTER = re.compile(
    r"[\s,]{0,3}(?:[A-Za-z][\w-]{0,20}\s{1,3}){0,1}?(?P<rel>"
    + _words(_DATA["relatives"])
    + r")\b",
    _I,
)
_POSSESSIVE_BEFORE = re.compile(r"\b(?P<who>my|our|their|his|her|its)\s{1,3}$", _I)

_OCCUPATION = r"(?P<occ>" + _words(_DATA["occupations"]) + r")"
# "primary school teacher", "pharmacy assistant": a kind of workplace may stand before
# the occupation; read back from an occupation found (see _occupation_cue).
_OCC_PREFIX = re.compile(r"\b(?:" + _words(_DATA["occupation_prefixes"]) + r")\s{1,3}$", _I)
_OCC_PREFIX_REACH = max(map(len, _DATA["occupation_prefixes"])) + 4
_OCC_AFTER_VERB = re.compile(
    r"\b(?P<verb>" + _words(_DATA["occupation_verbs"]) + r")\s{1,3}(?:an?\s{1,3})?"
    r"(?:[A-Za-z0-9][\w\-]{0,20}\s{1,3}){0,3}?" + _OCCUPATION + r"\b(?!\s{0,2}['’]s\b)",
    _I,
)
# "a 55-year-old woman, a bank clerk": the words between may close with a comma.
_OCC_AFTER_AGE = re.compile(
    r"[\s,]{0,3}(?:[A-Za-z][\w\-]{0,20},?\s{1,3}){0,2}?" + _OCCUPATION + r"\b", _I
)
# "the former fire captain", "a retired teacher": a past occupation told as an epithet
# speaks of the patient unless a relative or a doctor stands just before it.
_OCC_EPITHET = re.compile(
    r"(?<![\w-])(?:"
    + _words(_DATA["occupation_epithets"])
    + r")\s{0,3}"
    + _OCCUPATION
    + r"\b(?!\s{0,2}['’]s\b)",
    _I,
)
# "I work as pharmacy assistant", "she worked as a crane operator": what follows these
# verbs is an occupation even when the list does not know it (up to three words).
_WORK_AS = re.compile(
    r"\b(?:" + _words(_DATA["work_as_verbs"]) + r")\s{1,3}(?:an?\s{1,3})?"
    r"(?P<occ>[a-z][a-z\-]{1,24}(?:\s[a-z][a-z\-]{1,24}){0,2}?)"
    r"(?=\s{0,3}(?:[,.;:()!]|$)|\s(?:and|but|in|at|for|with|since|until|from|on|now|"
    r"before|after|when)\b)",
    _I,
)
_WORK_AS_NEEDLES = tuple(verb.lower() for verb in _DATA["work_as_verbs"])
_WORK_AS_HEADS = tuple(verb.rsplit(" ", 1)[0] for verb in _WORK_AS_NEEDLES)


def _work_as_positions(low: str, end: int) -> list[int]:
    """Where a "works as" verb ends in ``low[:end]``: found from its rarer " as "."""
    found = []
    position = low.find(" as ", 0, end)
    while position >= 0:
        if low.endswith(_WORK_AS_HEADS, max(0, position - 8), position):
            found.append(position)
        position = low.find(" as ", position + 1, end)
    return found


_BY_PROFESSION = re.compile(r"\bby\s{1,3}(?:profession|trade)\b", _I)
_OCC_BEFORE = re.compile(r"\b" + _OCCUPATION + r"\s{1,3}$", _I)
_NOT_PATIENT = re.compile(r"\b(?:" + _words(_DATA["not_patient_subjects"]) + r")\b", _I)
_PATIENT_SUBJECT = re.compile(r"\b(?:he|she|i|patient|mr|mrs|ms|miss)\b", _I)
_NAME_START = re.compile(r"\s{0,3}(?P<name>[A-Z][a-z]{1,20})\b")
# Words that may stand between "is a" and the occupation ("is a dedicated
# engineer") must not start a new phrase ("was treated by a nurse").
_OCC_FILLER_STOP = re.compile(
    r"\b(?:by|with|to|for|of|from|in|at|on|and|or|the|his|her|their|its|treated|seen|examined|"
    r"when|while|where|who|that|because|"
    r"referred|told|visited|helped|cared|accompanied|married|son|daughter|wife|husband)\b",
    _I,
)

# "Mr. Okafor, 55, is ...", "Patient J.K., 23, ...": a bare number right after the name.
_NAME_AGE = re.compile(
    r"\b(?:(?:Mr|Mrs|Ms|Miss|Mister)\.?\s[A-Z][a-z]{1,30}|Patient\s"
    r"(?:[A-Z]\.\s?){1,3}|[A-Z][a-z]{1,20}\s[A-Z][a-z]{1,20}),\s(?:aged\s)?"
    r"(?P<num>\d{1,3})"
    r"(?P<unit>)(?=[,)]|\s(?:is|was|has|had|who|presented)\b)"
)
_PATIENT_INITIALS = re.compile(r"\b(?P<label>Patient\s(?:[A-Z]\.\s?){1,3}|Patient\s[A-Z]{1,3}\b)")
# "Lucas, male, 4 years old" -- lower-case "male": "Cerebral Palsy, Male, 3 years" is a title.
_NAME_SEX_AGE = re.compile(
    r"(?P<label>[A-Z][a-z]{1,20}(?:\s[A-Z][a-z]{1,20}){0,2}),\s{1,3}"
    r"(?:fe)?male,?\s{1,3}(?:aged\s)?\d"
)
_NAME_IS = re.compile(r"(?P<label>[A-Z][a-z]{1,20}(?:\s[A-Z][a-z]{1,20})?)\s{1,3}is\s{1,3}an?\s")
_NOT_NAMES = frozenset(
    {
        "the",
        "this",
        "that",
        "he",
        "she",
        "it",
        "patient",
        "case",
        "our",
        "my",
        "their",
        "there",
        "after",
        "before",
        "when",
        "then",
        "his",
        "her",
        "a",
        "an",
        "one",
        "we",
        "they",
        "in",
        "on",
        "at",
        "male",
        "female",
        "age",
        "diagnosis",
        "sex",
        "gender",
        "study",
        "report",
    }
)

_SERIES_LABEL = re.compile(r"\b(?:Patient|Case)\s{0,2}(?:#|No\.?\s?)?(?P<n>\d{1,2})\b")
_SERIES_ORDINAL = re.compile(
    r"\b(?:the\s)?(?:second|third|fourth|fifth|sixth)\s(?:patient|case)\b", _I
)
_SERIES_COUNT = re.compile(
    r"\b(?P<n>two|three|four|five|six|seven|eight|nine|ten|\d{1,3})\s{1,3}(?:[a-z\-]{2,20}\s{1,3})?"
    r"(?:" + _words(_DATA["series_nouns"]) + r")\b",
    _I,
)
_SERIES_CONTEXT = re.compile(r"\b(?:" + _words(_DATA["series_context"]) + r")\b", _I)


@dataclass(frozen=True, slots=True)
class _Cue:
    """One candidate value with where it was read and how much it is trusted."""

    position: int
    rank: int  # lower wins before position is considered
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class _AgePhrase:
    """An age phrase of the prose ("a 47-year-old", "aged 47", "Mr. Okafor, 55,")."""

    start: int
    end: int
    number_start: int
    value: str  # "47 year"


# -- fast paths: probes, candidates and the words of the text ----------------------------------
#
# Every pattern above is costly to try at every position of a document, and
# most documents hold none of its words.  So each runs only where it can match:
#
# - one pass over the folded text (see ``_folded``) lists every word
#   that starts with a word of the vocabulary below (pronouns, sex nouns,
#   occupations, ...), and a pattern needing such a word runs only when (or
#   only in the sentences where) one is there;
# - a *probe*, a part of a pattern that every match contains and that starts
#   with a literal (so the regex engine skips to it), does the same for the
#   rest;
# - where a pattern must still run, it is tried only at the positions a match
#   can start at, with ``pattern.match`` on the same string -- the matches
#   ``finditer`` would give.


def _probe(source: str) -> re.Pattern[str]:
    """A necessary part of a case-insensitive pattern, for folded text."""
    return fast_pattern(re.compile(source, _I))


_OF_AGE_PROBE = _probe(r"of\s{1,3}age\b")
_NAME_AGE_PROBE = re.compile(r",\s(?:aged\s)?\d")
_TITLE_PROBE = re.compile(
    _words([form for t in _DATA["titles"] for form in (t.capitalize(), t.upper())])
)
_TITLE_WORD = re.compile(r"(?<!\w)(?:" + _words(list(_DATA["titles"])) + r")(?!\w)")
# How far before its noun a _SEX_NOUN or _CHILD phrase can start ("elderly" or
# "their", up to three blanks, "middle-aged" or "youngest", three blanks), and
# the letters it can start with.
_SEX_NOUN_REACH = 7 + 3 + 11 + 3
_SEX_NOUN_FIRSTS = "atyoel"  # a, an, the, this, that, young, old, elderly, little
_CHILD_REACH = max(map(len, _DATA["parent_possessives"])) + 3 + 8 + 3
_CHILD_FIRSTS = "".join({word[0].lower() for word in _DATA["parent_possessives"]})
_SEX_WORD2_TAIL = _probe(r"\s{1,3}(?:patient|child|infant|baby|student|subject)\b")  # _SEX_NOUN
_ORDINAL_TAIL = _probe(r"\s(?:patient|case)\b")  # _SERIES_ORDINAL
_NAME_SEX_AGE_PROBE = re.compile(r"male,?\s{1,3}(?:aged\s)?\d")
_NAME_IS_PROBE = re.compile(r"is\s{1,3}an?\s")
_PROFESSION_WORDS = ("profession", "trade")
# The longest stretch from the start of a _NAME_AGE match to its comma
# ("Mister. " + a capitalised name of 31 letters), with room to spare.
_NAME_AGE_REACH = 48
_HEADER_AGE = re.compile(r"(?<!\s)\s*(\d{1,3}(?:\.\d)?)\s*" + _UNIT + r"?", _I)
# "2y 4m", "2 years and 4 months": an age in years and months, counted in months.
_YEARS_MONTHS = re.compile(
    r"\s{0,3}(?P<years>\d{1,2})\s{0,2}(?:y|yrs?|years?)\.?[\s,]{1,3}(?:and\s{1,3})?"
    r"(?P<months>\d{1,2})\s{0,2}(?:m|mos?|months?)\b",
    _I,
)
_YEARS_BEFORE = re.compile(
    r"(?P<years>\d{1,2})\s{0,2}(?:y|yrs?|years?)\.?[\s,]{1,3}(?:and\s{1,3})?$", _I
)

# category -> the words whose presence a pattern needs (as whole words, but
# for the first word of an occupation and a series noun: a sentence cut in
# the middle of a word may end with one).  The pronouns, frequent and needed
# only when nothing else tells the sex, are looked for apart.
_VOCABULARY: dict[str, list[str]] = {
    "occupation": sorted({phrase.split()[0].lower() for phrase in _DATA["occupations"]}),
    "series": [word.lower() for word in _DATA["series_nouns"]],
    "sex_noun": ["man", "woman", "boy", "girl", "gentleman", "lady"],  # as in _SEX_NOUN
    "sex_word2": ["male", "female"],
    "child": [word.lower() for word in _DATA["child_words"]],
    "ordinal": ["second", "third", "fourth", "fifth", "sixth"],  # as in _SERIES_ORDINAL
}
_PRONOUN_VOCABULARY: dict[str, list[str]] = {
    sex: [w.lower() for w in words] for sex, words in _DATA["pronouns"].items()
}


class _Word(NamedTuple):
    """A word of the text that starts with a vocabulary word."""

    start: int
    end: int  # of the whole word
    whole: bool  # the vocabulary word is the whole word


class _Vocabulary:
    """Finds, in one pass over a lower-cased text, the words that start with
    words of a vocabulary (category -> words)."""

    def __init__(self, categories: dict[str, list[str]]) -> None:
        self.categories = categories
        words = sorted({word for group in categories.values() for word in group})
        # Exact only for words of plain letters: a word found then cannot hide
        # the start of another inside it.
        self.plain = all(re.fullmatch(r"[a-z]+", word) for word in words)
        tree = letter_tree(words)
        # A word start: a character that is no word character (checked again for
        # the non-ASCII ones), the longest vocabulary word, the rest of the word.
        self.scan = re.compile(r"[^a-z0-9_](" + tree + r")(\w*)")
        self.at_start = re.compile(r"(" + tree + r")(\w*)")
        # word -> (length of each vocabulary word it starts with, its categories)
        self.prefixes = {
            word: [
                (len(shorter), [cat for cat, group in categories.items() if shorter in group])
                for shorter in words
                if word.startswith(shorter)
            ]
            for word in words
        }

    def find(self, low: str) -> dict[str, list[_Word]]:
        found: dict[str, list[_Word]] = {category: [] for category in self.categories}
        hits: list[tuple[int, str, int]] = []
        first = self.at_start.match(low)
        if first is not None:
            hits.append((0, first.group(1), first.end()))
        for match in self.scan.finditer(low):
            if not low[match.start()].isalnum():  # else a non-ASCII letter or digit
                hits.append((match.start(1), match.group(1), match.end()))
        for start, word, end in hits:
            for length, categories in self.prefixes[word]:
                entry = _Word(start, end, start + length == end)
                for category in categories:
                    found[category].append(entry)
        return found


_WORDS_OF = _Vocabulary(_VOCABULARY)
_PRONOUNS_OF = _Vocabulary(_PRONOUN_VOCABULARY)
_VOCABULARY_PLAIN = _WORDS_OF.plain and _PRONOUNS_OF.plain


def _vocabulary(low: str) -> dict[str, list[_Word]]:
    """Category -> the words of ``low`` (folded text) starting with one of its words."""
    return _WORDS_OF.find(low)


def _doc_vocabulary(doc: Document) -> dict[str, list[_Word]] | None:
    if not _VOCABULARY_PLAIN:
        return None
    return _vocabulary(doc.memo(folded_text))


@dataclass(frozen=True, slots=True)
class _Scope:
    """The first patient's part of the text, folded, and its words."""

    text: str
    low: str  # fold(text)
    words: dict[str, list[_Word]] | None  # None: read every pattern the slow way


def _after_blank(low: str, words: list[_Word]) -> list[_Word]:
    return [w for w in words if w.start > 0 and low[w.start - 1].isspace()]


def _sentences_hit(doc: Document, spans: list[tuple[int, int]]) -> list[int]:
    """Indexes of the sentences overlapping any of ``spans``, in order."""
    sentences = doc.sentences
    starts = doc.memo(_sentence_starts)
    marked: set[int] = set()
    for start, end in spans:
        index = max(0, bisect_right(starts, start) - 1)
        while index < len(sentences) and sentences[index].start < max(end, start + 1):
            if sentences[index].end > start:
                marked.add(index)
            index += 1
    return sorted(marked)


def _sentence_starts(doc: Document) -> list[int]:
    return [sentence.start for sentence in doc.sentences]


_HEADER_KEYS = {role: {k.lower() for k in keys} for role, keys in _DATA["header_keys"].items()}


def _headers(doc: Document) -> dict[str, Any]:
    """The header of each role (``doc.header`` for each role, in one pass)."""
    wanted = _HEADER_KEYS
    found: dict[str, Any] = {}
    seen: set[str] = set()  # a key read once has given its role (a case sheet repeats keys)
    for header in doc.headers:
        key = header.key.lower()
        if key in seen:
            continue
        seen.add(key)
        for role, keys in wanted.items():
            if key in keys and role not in found:
                found[role] = header
        if len(found) == len(wanted):
            break
    return found


def extract_patient(doc: Document) -> PatientMention:
    """Sex, age, occupation and label of the (first) patient of ``doc``."""
    found = PatientMention()
    others_found, first_end = doc.memo(_other_patients)
    others = list(others_found)
    scope = _scope(doc, first_end)
    # An "Age:" header is the age: the rarer prose forms are not looked for then.
    phrases = _AgePhrases(scope, rare=_header(doc, "age") is None)
    sex_ages = _sex_age_matches(scope.text)
    noun_ages = _noun_age_matches(scope)

    # A header wins; otherwise the first cue of the text speaks for the patient.
    # Each source gives its cues in text order, so only its first one can win:
    # the sources below give no other (a text repeating an age phrase a hundred
    # thousand times is read up to its first).
    ages = sorted(
        _age_cues(doc, scope.text, phrases, sex_ages, noun_ages),
        key=lambda c: (c.rank > 0, c.position),
    )
    if ages:
        value, unit = ages[0].value.split(" ", 1)
        found.age_value, found.age_unit = float(value), unit
        found.spans["age"] = ages[0].span

    titles = _title_matches(scope)
    sexes = sorted(
        _sex_cues(doc, scope, phrases, sex_ages, titles, noun_ages=noun_ages),
        key=lambda c: (c.rank > 0, c.position),
    )
    if sexes:
        found.sex = sexes[0].value
        found.spans["sex"] = sexes[0].span
    elif not others:
        pronoun_sex = _pronoun_majority(scope)
        if pronoun_sex is not None:
            found.sex, found.spans["sex"] = pronoun_sex

    occupation = _occupation(doc, scope, phrases)
    if occupation is not None:
        found.occupation = occupation.value
        found.spans["occupation"] = occupation.span

    label = _label(doc, scope.text, phrases, titles)
    if label is not None:
        found.label = label.value
        found.spans["label"] = label.span

    nationality = _header(doc, "nationality")
    if nationality is not None and nationality.value_end - nationality.value_start <= 40:
        found.nationality = nationality.value.strip()
        found.spans["nationality"] = (nationality.value_start, nationality.value_end)
    found.others_skipped = others
    return found


def _scope(doc: Document, first_end: int) -> _Scope:
    text = doc.text
    low = doc.memo(folded_text)
    if first_end == len(text):
        return _Scope(text, low, doc.memo(_doc_vocabulary))
    scope = text[:first_end]
    if not _VOCABULARY_PLAIN:
        return _Scope(scope, low[:first_end], None)
    return _Scope(scope, low[:first_end], _vocabulary(low[:first_end]))


# -- headers -----------------------------------------------------------------------------


def _header(doc: Document, role: str) -> Any:
    return doc.memo(_headers).get(role)


# -- age -----------------------------------------------------------------------------------


def _unit(word: str | None) -> str:
    return _UNIT_NAMES.get((word or "y")[:1].lower(), "year")


def _age_value(number: str, unit: str | None) -> str | None:
    value = parse_number(number)
    if value is None or not 0 <= value <= 130 * (12 if _unit(unit) == "month" else 1):
        return None
    return f"{value:g} {_unit(unit)}"


class _AgePhrases:
    """Every age phrase that speaks of the patient now, in text order, read only as
    far as a rule asks.

    Reading a candidate (the "old" or "of age" found, or an "aged 47") costs
    several searches: for its number, then whether an onset or a relative's age
    it is.  The rules want the first phrase, the first few, or those near some
    word, so a candidate is read when a rule reaches it, once.  The order is
    that of sorting all phrases by start, ties in the order of the sources
    ("old", "of age", "aged", "Name, 47") and of the text.
    """

    def __init__(self, scope: _Scope, *, rare: bool = True) -> None:
        text, low = scope.text, scope.low
        self._text, self._low = text, low
        # "old" is the word the anchor ends with; "of age" and "aged" start theirs.
        olds = matches_at(_OLD, text, [p - 1 for p in occurrences(low, ("old",)) if p > 0])
        of_ages = matches_at(_OF_AGE, text, [m.start() for m in _OF_AGE_PROBE.finditer(low)])
        ageds = matches_at(_AGED, text, occurrences(low, ("aged",)))
        # Per candidate: the least start its phrase can have (a number is looked
        # for at most 48 characters before "old"), its source, its number there,
        # the end of its phrase (an "old" phrase ends with the "old"), its match.
        candidates: list[tuple[int, int, int, int, re.Match[str]]] = []
        for source, anchors in enumerate((olds, of_ages)):
            candidates += (
                (max(0, m.start() - 48), source, n, m.end(), m) for n, m in enumerate(anchors)
            )
        # The rarer forms ("who is 61", "61 y/o") are looked for only before the
        # first of the usual ones: after it they could not be the patient's age.
        usual = [m.start() for found in (olds, of_ages, ageds) for m in found[:1]]
        head = min(usual, default=len(text)) if rare else 0
        sources = (
            (2, ageds),
            (3, _name_age_matches(text)),
            (4, _age_is_matches(text, low, head)),
            (5, _yo_matches(text, low, head)),
            (6, _at_now_matches(text, low, head)),
        )
        for source, matches in sources:
            candidates += ((m.start(), source, n, m.end(), m) for n, m in enumerate(matches))
        candidates.sort(key=lambda c: c[:3])
        self._candidates = candidates
        self._next = 0  # the first candidate not yet read in order
        self._ready: list[tuple[int, int, int, _AgePhrase]] = []  # read, not yet in order
        self._read: dict[int, _AgePhrase | None] = {}  # candidate index -> its phrase
        self._found: list[_AgePhrase] = []  # the phrases in order, as far as read
        self._starts: list[int] = []

    def _phrase(self, index: int) -> _AgePhrase | None:
        """The phrase of a candidate, or None when it holds none for the patient."""
        if index in self._read:
            return self._read[index]
        bound, source, _, end, match = self._candidates[index]
        text, low = self._text, self._low
        phrase = None
        found: re.Match[str] | None = match
        if source < 2:
            found = _search(_AGE_OLD if source == 0 else _AGE_OF, text, low, bound, end)
        # "When Mike Brennan, 52, was told ...": an age set apart after a name is his age
        # now, whatever clause the name opens; only the words right before it can block.
        first = found.start("num") if found is not None and source == 3 else None
        if found is not None and not _blocked(text, low, first or found.start(), found.end()):
            value = _age_value(found.group("num"), found.group("unit") or None)
            start, number = found.start(), found.start("num")
            years = None
            if value is not None and value.endswith("month") and source < 2:
                years = _YEARS_BEFORE.search(text, max(0, start - 16), start)
            if years is not None and value is not None:  # "2 years and 4 months old"
                months = int(years.group("years")) * 12 + float(value.split()[0])
                value, start = f"{months:g} month", years.start()
                number = start
            if value is not None:
                phrase = _AgePhrase(start, found.end(), number, value)
        self._read[index] = phrase
        return phrase

    def _more(self) -> bool:
        """Put the next phrase in order; False when there is none."""
        candidates, ready = self._candidates, self._ready
        while True:
            # A phrase read may go in order once no candidate left can start before it.
            if ready and (
                self._next == len(candidates) or ready[0][0] < candidates[self._next][0]
            ):
                first = heappop(ready)[3]
                self._found.append(first)
                self._starts.append(first.start)
                return True
            if self._next == len(candidates):
                return False
            index = self._next
            self._next += 1
            phrase = self._phrase(index)
            if phrase is not None:
                _, source, number, _, _ = candidates[index]
                heappush(ready, (phrase.start, source, number, phrase))

    def empty(self) -> bool:
        """Whether the text holds no age phrase at all."""
        return not self._found and not self._more()

    def __iter__(self) -> Iterator[_AgePhrase]:
        index = 0
        while index < len(self._found) or self._more():
            yield self._found[index]
            index += 1

    def starting_in(self, start: int, end: int) -> bool:
        """Whether a phrase starts in ``[start, end)``."""
        while (not self._starts or self._starts[-1] < end) and self._more():
            pass
        index = bisect_left(self._starts, start)
        return index < len(self._starts) and self._starts[index] < end

    def ending_where(self, may_end: Callable[[int], bool]) -> list[_AgePhrase]:
        """The phrases whose end passes ``may_end``, in order (others are not read)."""
        read = []
        for index, (_, source, number, end, _) in enumerate(self._candidates):
            if may_end(end) and (phrase := self._phrase(index)) is not None:
                read.append((phrase.start, source, number, phrase))
        return [r[3] for r in sorted(read, key=lambda r: r[:3])]


def _name_age_matches(scope: str) -> list[re.Match[str]]:
    # Every match has ", 47" (or ", aged 47") right after a capitalised name
    # ("Okafor": all the lower-case letters before the comma, after a capital)
    # or an initial ("J.", "J. ").
    starts: set[int] = set()
    for comma in _NAME_AGE_PROBE.finditer(scope):
        at = comma.start()
        letters = at
        while letters > 0 and "a" <= scope[letters - 1] <= "z":
            letters -= 1
        if letters < at:
            if not (letters > 0 and "A" <= scope[letters - 1] <= "Z"):
                continue
        elif not (
            (at >= 2 and scope[at - 1] == "." and "A" <= scope[at - 2] <= "Z")
            or (
                at >= 3
                and scope[at - 1].isspace()
                and scope[at - 2] == "."
                and "A" <= scope[at - 3] <= "Z"
            )
        ):
            continue
        for start in range(max(0, at - _NAME_AGE_REACH), at):
            if "A" <= scope[start] <= "Z":
                starts.add(start)
    return matches_at(_NAME_AGE, scope, sorted(starts))


def _age_is_matches(text: str, low: str, end: int) -> list[re.Match[str]]:
    # Found from a blank and a digit (one fast pass), then the verb right before
    # (lower-case: the folded text); the subject must stand right before the verb.
    found = []
    for hit in _BLANK_DIGIT.finditer(low, 0, end):
        blank = hit.start()
        last = low[blank - 1] if blank else ""
        if last == ",":  # only ", now 47" is an age ("20/40 OD, 20/40" is not)
            if hit.group(1) is None:
                continue
            start = blank - 1
        elif last in ("s", "m"):  # every verb but the comma ends in one of these
            start = next((blank - len(v) for v in _AGE_IS_VERBS if low.endswith(v, 0, blank)), -1)
        else:
            continue
        if start < 0 or (start and low[start].isalpha() and low[start - 1].isalnum()):
            continue  # no verb, or "this 5": the verb must start a word
        # "The former soldier, now 47, ..." needs no subject: the comma sets it apart.
        if low[start] != "," and _AGE_IS_SUBJECT.search(low, max(0, start - 40), start) is None:
            continue
        match = _AGE_IS.match(text, start)
        if match is None:
            when = _AGE_IS_WHEN.match(text, start)
            if when is not None and _TREATMENT_CLAUSE.search(when.group("clause")):
                match = when
        if match is not None:
            found.append(match)
            if len(found) == _RARE_FORMS_READ:
                break
    return found


# The rarer age forms are read up to this many: the first age told is the patient's,
# the next few are there for the sex or occupation beside them.
_RARE_FORMS_READ = 8


def _yo_matches(text: str, low: str, end: int) -> list[re.Match[str]]:
    # Found from the "/o", "yo" or "y." (plain search), then read with the number
    # before it, in a few characters around.
    found: list[re.Match[str]] = []
    for position in occurrences(low[:end], _YO_MARKS):
        before = low[max(0, position - 2) : position]
        if not any(c.isdigit() or c in " -ym" for c in before[-1:]):
            continue
        start = max(0, position - 7)
        if found and start < found[-1].end():
            start = found[-1].end()
        match = _AGE_YO_FOLDED.search(text, low, start, min(len(text), position + 6))
        if match is not None and match.start() <= position < match.end():
            found.append(match)
            if len(found) == _RARE_FORMS_READ:
                break
    return found


_YO_MARKS = ("/o", "yo", "y.o", "y. o")


def _at_now_matches(text: str, low: str, end: int) -> list[re.Match[str]]:
    # Found from the " at " before the number, then read from the cue just before it.
    found: list[re.Match[str]] = []
    for hit in _AT_DIGIT.finditer(low, 0, end):
        position = hit.start()
        start = max(0, position - _AT_NOW_REACH)
        match = _AT_AGE_NOW.search(text, start, min(len(text), position + 24))
        if match is not None and match.start("num") == position + 4:
            found.append(match)
            if len(found) == _RARE_FORMS_READ:
                break
    return found


_AT_NOW_REACH = max(map(len, _DATA["age_now_cues"])) + 6
_AT_DIGIT = re.compile(r" at \d")  # in the folded text: where _AT_AGE_NOW's number starts


def _noun_age_matches(scope: _Scope) -> list[re.Match[str]]:
    # A case-sheet or label form ("Patient: baby girl, 16 months"): read at the head
    # of the text only, where such forms stand.
    head = _LABEL_HEAD
    if scope.words is None:
        return list(_NOUN_AGE_FOLDED.finditer(scope.text, scope.low, 0, head))
    starts = [w.start for w in scope.words["sex_noun"] if w.whole and w.start < head]
    return matches_at(_NOUN_AGE, scope.text[: head + 40], starts)


_LABEL_HEAD = 3000


def _sex_age_matches(scope: str) -> list[re.Match[str]]:
    # "male"/"Male"/"MALE", perhaps after "Fe"/"fe"/"FE": the match starts at
    # the "M" or two letters before it.
    starts: set[int] = set()
    for position in occurrences(scope, ("ale", "ALE")):
        starts.update(p for p in (position - 1, position - 3) if p >= 0)
    return matches_at(_SEX_AGE, scope, sorted(starts))


def _age_cues(
    doc: Document,
    scope: str,
    phrases: _AgePhrases,
    sex_ages: list[re.Match[str]],
    noun_ages: list[re.Match[str]],
) -> Iterator[_Cue]:
    """The header's age, and the first age of each other source (see extract_patient)."""
    header = _header(doc, "age")
    both = _YEARS_MONTHS.match(doc.text, header.value_start) if header is not None else None
    if header is not None and both is not None:
        yield _Cue(header.value_start, 0, _in_months(both), (both.start("years"), both.end()))
    elif header is not None:
        match = _HEADER_AGE.match(header.value)
        if match and (age := _age_value(match.group(1), match.group("unit"))):
            span = (header.value_start + match.start(1), header.value_start + match.end())
            yield _Cue(header.value_start, 0, age, span)
    for match in sex_ages:
        if age := _age_value(match.group("num"), match.group("unit")):
            yield _Cue(match.start(), 1, age, (match.start("num"), match.end()))
            break
    for phrase in phrases:
        then = _age_at_treatment(doc, phrase) if _told_as_now(scope, phrase) else None
        if then is not None:
            yield then
        else:
            yield _Cue(phrase.start, 1, phrase.value, (phrase.number_start, phrase.end))
        break
    for match in noun_ages[:1]:
        both = _YEARS_MONTHS.match(scope, match.start("num"))  # "boy, 2 years and 4 months"
        if both is not None:
            yield _Cue(match.start(), 1, _in_months(both), (both.start("years"), both.end()))
        elif age := _age_value(match.group("num"), match.group("unit")):
            yield _Cue(match.start(), 1, age, (match.start("num"), match.end()))
    if header is None and not sex_ages and not noun_ages and phrases.empty():
        # No age told but the one at the treatment: "we took him to Germany when he
        # was 22 months old for stem cell treatment".
        then = _age_at_treatment(doc, None)
        if then is not None:
            yield then


def _in_months(both: re.Match[str]) -> str:
    """ "2y 4m" as an age value in months ("28 month")."""
    return f"{int(both.group('years')) * 12 + int(both.group('months'))} month"


def _told_as_now(scope: str, phrase: _AgePhrase) -> bool:
    """Whether the age is the patient's age now ("is now 8 years old", "who is 61")."""
    before = scope[max(0, phrase.number_start - 24) : phrase.number_start]
    return _PRESENT_BEFORE.search(before) is not None


def _age_at_treatment(doc: Document, now: _AgePhrase | None) -> _Cue | None:
    """A younger age told with the treatment ("when he was two and a half ... he received
    stem cells"): the age at presentation when the story gives the age now."""
    value, unit = now.value.split(" ", 1) if now is not None else ("inf", "year")
    now_months = float(value) * _MONTHS[unit]
    low, sentences = doc.memo(folded_text), doc.sentences
    starts = doc.memo(_sentence_starts)
    told: dict[int, bool] = {}  # sentence index -> whether it tells a treatment
    for position in occurrences(low, _AGE_THEN_WORDS) if sentences else ():
        match = _AGE_THEN.match(doc.text, position)
        if match is None:
            continue
        index = max(0, bisect_right(starts, position) - 1)
        if index not in told:
            told[index] = _TREATMENT_WORDS.search(sentences[index].text) is not None
        if not told[index]:
            continue
        age = _age_value(match.group("num"), match.group("unit") or unit)
        if age is None:
            continue
        then_value, then_unit = age.split(" ", 1)
        if 0 < float(then_value) * _MONTHS[then_unit] < now_months:
            return _Cue(match.start("num"), 1, age, (match.start("num"), match.end()))
    return None


# The words an age told with the treatment starts with (see _AGE_THEN).
_AGE_THEN_WORDS = ("when ", "at age", "at the age", "aged ")
_MONTHS = {"year": 12.0, "month": 1.0, "week": 12 / 52.18, "day": 12 / 365.25}


def _blocked(text: str, low: str, start: int, end: int) -> bool:
    """An onset age, a later age, or a relative's age -- not the patient's now."""
    first = max(0, start - 40)
    if _search(_AGE_BLOCK, text[first:start], low[first:start]):  # the slice, as ever
        return True
    before = low[first:start]
    if ("his" in before or "her" in before) and _search(
        _RELATIVE_BEFORE, text[first:start], before
    ):
        return True  # "his mother, who is 58" ("their" holds "her")
    relative = _search(_RELATIVE_AFTER, text, low, end, min(len(text), end + 40), anchored=True)
    if relative is None:
        return False
    owner = _search(_POSSESSIVE_BEFORE, text, low, max(0, start - 12), start)
    parent_speaks = owner is not None and owner.group("who").lower() in _DATA["parent_possessives"]
    return not (parent_speaks and relative.group("rel").lower() in _DATA["child_words"])


# -- sex -------------------------------------------------------------------------------------


def _title_matches(scope: _Scope) -> list[re.Match[str]]:
    # A title is a whole word, so it is looked for as one in the folded text, not
    # in the vocabulary pass: there "Ms" would be a hit in every "MSCs", and a text
    # of cell abbreviations would pay a Python step for each.
    if scope.words is None:
        starts = [m.start() for m in _TITLE_PROBE.finditer(scope.text)]
    else:
        starts = [m.start() for m in _TITLE_WORD.finditer(scope.low)]
    return matches_at(_TITLE, scope.text, starts)


def _starts_before(low: str, words: list[_Word], reach: int, firsts: str) -> Iterator[int]:
    """Where a phrase ending in one of ``words`` (in text order) can start, in order: a
    letter of ``firsts`` at most ``reach`` characters before the word."""
    done = 0  # the positions before this one have been given
    for word in words:
        for start in range(max(done, word.start - reach), word.start):
            if low[start] in firsts:
                yield start
        done = max(done, word.start)


def _first_at(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> re.Match[str] | None:
    """The first match of ``pattern`` in ``text``, when every match starts at one of
    ``starts`` (in order, repeats allowed): ``matches_at(...)[0]``, trying no more."""
    match = pattern.match
    for start in starts:
        hit = match(text, start)
        if hit is not None:
            return hit
    return None


def _first_sex_noun(scope: _Scope) -> re.Match[str] | None:
    low, words = scope.low, scope.words
    if words is None:
        return _SEX_NOUN_FOLDED.search(scope.text, low)
    # "a young man": the noun is a whole word after a blank, the phrase starts
    # with a determiner; "female patient": the match starts at "female".
    nouns = [w for w in _after_blank(low, words["sex_noun"]) if w.whole]
    before = _starts_before(low, nouns, _SEX_NOUN_REACH, _SEX_NOUN_FIRSTS)
    females = [w.start for w in words["sex_word2"] if _SEX_WORD2_TAIL.match(low, w.end)]
    return _first_at(_SEX_NOUN, scope.text, merge(before, females))


def _first_child(scope: _Scope) -> re.Match[str] | None:
    low, words = scope.low, scope.words
    if words is None:
        return _CHILD_FOLDED.search(scope.text, low)
    # "our little daughter": the child word is a whole word after a blank, the
    # phrase starts with the possessive.
    nouns = [w for w in _after_blank(low, words["child"]) if w.whole]
    starts = _starts_before(low, nouns, _CHILD_REACH, _CHILD_FIRSTS)
    return _first_at(_CHILD, scope.text, starts)


def _sex_cues(
    doc: Document,
    scope: _Scope,
    phrases: _AgePhrases,
    sex_ages: list[re.Match[str]],
    titles: list[re.Match[str]],
    *,
    noun_ages: list[re.Match[str]],
) -> Iterator[_Cue]:
    """The header's sex, and the first sex of each other source (see extract_patient)."""
    text = scope.text
    header = _header(doc, "sex")
    if header is not None:
        value = _sex_of(header.value.strip().rstrip("."))
        if value is not None:
            yield _Cue(header.value_start, 0, value, (header.value_start, header.value_end))
    sex_words = _DATA["sex_words"]
    if sex_ages:
        match = sex_ages[0]
        yield _Cue(match.start(), 1, sex_words[fold(match.group("sex"))], match.span("sex"))
    if noun_ages:  # "baby girl, 16 months"
        match = noun_ages[0]
        yield _Cue(match.start(), 1, sex_words[fold(match.group("sex"))], match.span("sex"))
    low = scope.low
    for phrase in phrases:  # "a 55-year-old woman", "male, 28 years old"
        letter = _SEX_LETTER_AFTER.match(text, phrase.end)  # "27 yo M"
        if letter is not None:
            yield _Cue(phrase.start, 1, _sex_of(letter.group("letter")) or "", letter.span(1))
            break
        near = _search(
            _SEX_AFTER, text, low, phrase.end, min(len(text), phrase.end + 60), anchored=True
        ) or _search(_SEX_BEFORE, text, low, max(0, phrase.start - 30), phrase.start)
        if near is not None:
            word = sex_words[_key(near.group("word"))]
            yield _Cue(phrase.start, 1, word, near.span("word"))
            break
    if titles:
        title = titles[0]
        yield _Cue(
            title.start(), 2, _DATA["titles"][fold(title.group("title"))], title.span("title")
        )
    if (noun := _first_sex_noun(scope)) is not None:
        group = "word" if noun.group("word") else "word2"
        yield _Cue(noun.start(), 2, sex_words[fold(noun.group(group))], noun.span(group))
    if (child := _first_child(scope)) is not None:
        word = _DATA["child_words"][fold(child.group("word"))]
        yield _Cue(child.start(), 2, word, child.span("word"))


def _key(word: str) -> str:
    return " ".join(word.lower().split())


def _sex_of(value: str) -> str | None:
    key = _key(value)
    if key in _DATA["sex_words"]:
        return str(_DATA["sex_words"][key])
    return {"m": "male", "f": "female"}.get(key)


def _pronoun_majority(scope: _Scope) -> tuple[str, Span] | None:
    """he/his against she/her: a clear majority only (data: minimum count and ratio)."""
    if scope.words is None:
        found = {
            sex: [m.span() for m in pattern.finditer(scope.text)]
            for sex, pattern in _PRONOUN.items()
        }
    else:
        # A pronoun is a whole word: exactly the whole words the pass finds.
        words = _PRONOUNS_OF.find(scope.low)
        found = {sex: [(w.start, w.end) for w in words[sex] if w.whole] for sex in _PRONOUN}
    male, female = len(found.get("male", [])), len(found.get("female", []))
    minimum, ratio = _DATA["pronoun_minimum"], _DATA["pronoun_ratio"]
    for sex, mine, theirs in (("male", male, female), ("female", female, male)):
        if mine >= minimum and mine >= ratio * theirs:
            return sex, found[sex][0]
    return None


# -- occupation, label -------------------------------------------------------------------------


def _occupation(doc: Document, scope: _Scope, phrases: _AgePhrases) -> _Cue | None:
    header = _header(doc, "occupation")
    if header is not None and len(header.value.split()) <= 4:
        return _Cue(0, 0, header.value.strip().lower(), (header.value_start, header.value_end))
    cues: list[_Cue] = []
    sentences = doc.sentences
    # Sentences may run past the scope: the whole text's words are asked.
    low, words = doc.memo(folded_text), doc.memo(_doc_vocabulary)
    # "works as" (one blank, as the verbs are written) may name an occupation the list
    # does not know; an epithet ("retired") needs one it knows.
    work_as = _work_as_positions(low, len(scope.text))
    epithets = any(word in low for word in _EPITHET_WORDS)
    if words is None:
        indexes: Iterable[int] = range(len(sentences))
        by_profession = True
    else:
        # Only sentences naming an occupation can tell one.
        spans = [(w.start, w.end) for w in words["occupation"]]
        spans += [(p, p + 1) for p in work_as]
        indexes = _sentences_hit(doc, sorted(spans)) if spans else []
        by_profession = any(word in low for word in _PROFESSION_WORDS)
    for index in indexes:
        sentence = sentences[index]
        if sentence.start >= len(scope.text):
            break
        body = sentence.text
        low_body = low[sentence.start : sentence.end]
        verbs = _FOLDED[_OCC_AFTER_VERB].finditer(body, low_body)
        for match in verbs:  # "is a dedicated engineer"
            subject = body[max(0, match.start() - 120) : match.start()]
            filler = body[match.end("verb") : match.start("occ")]
            whole = match.start() <= 120  # the subject is the sentence's opening words
            if _patient_subject(subject, whole=whole) and not _OCC_FILLER_STOP.search(filler):
                cues.append(_occupation_cue(sentence.start, match))
        if (epithets or work_as) and not any(c.position >= sentence.start for c in cues):
            cues.extend(_open_occupations(body, low_body, sentence.start, epithets=epithets))
        if not by_profession:
            continue
        for anchor in _BY_PROFESSION.finditer(body):  # "a farmer by profession"
            before = _OCC_BEFORE.search(body, max(0, anchor.start() - 40), anchor.start())
            if before is not None:
                cues.append(_occupation_cue(sentence.start, before))
    best = min(cues, key=lambda c: c.position) if cues else None
    text = scope.text
    for phrase in _occupation_phrases(scope, phrases):  # "an 18-year-old male student"
        if best is not None and phrase.start >= best.position:
            break  # its occupation would stand after the one found
        end = min(len(text), phrase.end + 60)
        near = _search(_OCC_AFTER_AGE, text, scope.low, phrase.end, end, anchored=True)
        if near is not None:
            cue = _occupation_cue(0, near)
            if best is None or cue.position < best.position:
                best = cue
    return best


def _open_occupations(body: str, low_body: str, offset: int, *, epithets: bool) -> list[_Cue]:
    """An occupation told by an epithet ("the retired farmer") or after "works as" (any
    words): the patient's unless a relative or a doctor is named just before."""
    found = []
    if epithets and any(word in low_body for word in _EPITHET_WORDS):
        for match in _OCC_EPITHET.finditer(body):
            if not _NOT_PATIENT.search(body, max(0, match.start() - 30), match.start()):
                found.append(_occupation_cue(offset, match))
                break
    if any(word in low_body for word in _WORK_AS_NEEDLES):
        for match in _WORK_AS.finditer(body):
            subject = body[max(0, match.start() - 120) : match.start()]
            if _patient_subject(subject, whole=match.start() <= 120):
                found.append(_occupation_cue(offset, match))
                break
    return found


_EPITHET_WORDS = tuple(word.lower() for word in _DATA["occupation_epithets"])


def _occupation_phrases(scope: _Scope, phrases: _AgePhrases) -> Iterable[_AgePhrase]:
    """The age phrases an occupation may follow (all of them, or fewer read)."""
    if scope.words is None:
        return phrases
    text = scope.text
    # The occupation (_OCC_AFTER_AGE) starts after a blank or comma, where the
    # pass finds its first word, or right after the phrase's last letter or digit.
    starts = [w.start for w in scope.words["occupation"]]

    def may_end(end: int) -> bool:
        index = bisect_left(starts, end)
        return (index < len(starts) and starts[index] < end + 60) or text[end : end + 1].isalpha()

    return phrases.ending_where(may_end)


def _patient_subject(subject: str, *, whole: bool) -> bool:
    """Whether the words before "is a" name the patient, not the doctor or a relative."""
    if _NOT_PATIENT.search(subject):
        return False
    if _PATIENT_SUBJECT.search(subject):
        return True
    name = _NAME_START.match(subject) if whole else None
    return name is not None and name.group("name").lower() not in _NOT_NAMES


def _occupation_cue(offset: int, match: re.Match[str]) -> _Cue:
    start, end = match.span("occ")
    text = match.string
    prefix = _OCC_PREFIX.search(text, max(0, start - _OCC_PREFIX_REACH), start)
    if prefix is not None:
        start = prefix.start()
    return _Cue(offset + start, 1, _key(text[start:end]), (offset + start, offset + end))


def _label(
    doc: Document, scope: str, phrases: _AgePhrases, titles: list[re.Match[str]]
) -> _Cue | None:
    header = _header(doc, "label")
    if header is not None and 0 < len(header.value.split()) <= 5:
        return _Cue(0, 0, header.value.strip(), (header.value_start, header.value_end))
    cues: list[_Cue] = []
    initials = matches_at(_PATIENT_INITIALS, scope, occurrences(scope, ("Patient",)))
    for match in (titles[0] if titles else None, initials[0] if initials else None):
        if match is not None:
            label = match.group().strip()
            cues.append(_Cue(match.start(), 1, label, (match.start(), match.start() + len(label))))
    sentences = doc.sentences
    # Only sentences with "male, 4" or "is a" can open with a name and those words
    # (probed in the whole text: the last sentence of the scope may run past it).
    spans = [m.span() for m in _NAME_SEX_AGE_PROBE.finditer(doc.text)]
    spans += [m.span() for m in _NAME_IS_PROBE.finditer(doc.text)]
    for number in _sentences_hit(doc, spans) if spans else []:
        sentence = sentences[number]
        if sentence.start >= len(scope):
            break
        for pattern in (_NAME_SEX_AGE, _NAME_IS):
            match = pattern.match(sentence.text)
            if match is None or match.group("label").split()[0].lower() in _NOT_NAMES:
                continue
            # "Xiaogang is a Chinese 21 years old male": a name only with an age.
            if pattern is _NAME_IS and not phrases.starting_in(sentence.start, sentence.end):
                continue
            start, end = match.span("label")
            span = (sentence.start + start, sentence.start + end)
            cues.append(_Cue(span[0], 1, match.group("label"), span))
    return min(cues, key=lambda c: c.position) if cues else None


# -- other patients --------------------------------------------------------------------------


def first_patient_end(doc: Document) -> int:
    """Where the first patient's part of a labelled series ends ("Patient 2:" starts)."""
    return doc.memo(_other_patients)[1]


def _other_patients(doc: Document) -> tuple[list[Span], int]:
    """Spans naming other patients, and where the first patient's text ends."""
    text = doc.text
    low, words = doc.memo(folded_text), doc.memo(_doc_vocabulary)
    spans: list[Span] = []
    first_end = len(text)
    # "Patient 1 ... Patient 2": a series only when its first member is labelled
    # too -- a lone "Case 17" in a title is a page's number, not a second patient.
    labels = matches_at(_SERIES_LABEL, text, occurrences(text, ("Patient", "Case")))
    first = next((m for m in labels if int(m.group("n")) == 1), None)
    seen: set[str] = set()
    for match in labels:
        number = match.group("n")
        if first is None or match.start() < first.start() or number == "1" or number in seen:
            continue
        seen.add(number)
        spans.append(match.span())
        first_end = min(first_end, match.start())
    # "the second patient": the ordinal, a blank, "patient" or "case".
    ordinals = [] if words is None else words["ordinal"]
    if words is None or any(_ORDINAL_TAIL.match(low, w.end) for w in ordinals):
        for match in _SERIES_ORDINAL_FOLDED.finditer(text, low):
            spans.append(match.span())
    sentences = doc.sentences
    if words is None:
        indexes: Iterable[int] = range(len(sentences))
    else:
        # "three patients": the noun after a blank, in the sentences that have one.
        hits = [(w.start, w.end) for w in _after_blank(low, words["series"])]
        indexes = _sentences_hit(doc, hits) if hits else []
    for index in indexes:
        sentence = sentences[index]
        body = sentence.text
        low_body = low[sentence.start : sentence.end]
        for match in _FOLDED[_SERIES_COUNT].finditer(body, low_body):
            count = parse_number(match.group("n"))
            if count is not None and count >= 2 and _search(_SERIES_CONTEXT, body, low_body):
                spans.append((sentence.start + match.start(), sentence.start + match.end()))
    return sorted(set(spans)), first_end


_SEX_NOUN_FOLDED = FoldedPattern(_SEX_NOUN)
_AGE_YO_FOLDED = FoldedPattern(_AGE_YO)
_NOUN_AGE_FOLDED = FoldedPattern(_NOUN_AGE)
_CHILD_FOLDED = FoldedPattern(_CHILD)
_SERIES_ORDINAL_FOLDED = FoldedPattern(_SERIES_ORDINAL)
# The case-insensitive patterns that ``_search`` runs on folded text.
_FOLDED: dict[re.Pattern[str], FoldedPattern] = {
    pattern: FoldedPattern(pattern)
    for pattern in (
        _AGE_OLD,
        _AGE_OF,
        _AGE_BLOCK,
        _RELATIVE_BEFORE,
        _RELATIVE_AFTER,
        _POSSESSIVE_BEFORE,
        _SEX_AFTER,
        _SEX_BEFORE,
        _OCC_AFTER_VERB,
        _OCC_AFTER_AGE,
        _SERIES_COUNT,
        _SERIES_CONTEXT,
    )
}


def _search(
    pattern: re.Pattern[str],
    text: str,
    low: str,
    pos: int = 0,
    endpos: int | None = None,
    *,
    anchored: bool = False,
) -> re.Match[str] | None:
    """``pattern.search(text, pos, endpos)`` (or ``.match``), run on ``low = fold(text)``."""
    folded = _FOLDED[pattern]
    return (folded.match if anchored else folded.search)(text, low, pos, endpos)
