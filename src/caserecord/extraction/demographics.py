"""The patient of a narrative: sex, age at presentation, occupation, label.

Where each comes from, most trusted first:

- ``Key: value`` header lines ("Gender: Male", "Age: 47", "Patient: Mr.
  Zhang") and the rows of a clinic case sheet ("Cerebral Palsy Female 2
  years Argentinia", even run together as "Cerebral PalsyMale3USA");
- the age phrase of the prose ("a 55-year-old woman", "male, 28 years old",
  "aged 47", "our 18 month old", "42 years of age") with the sex noun
  beside it;
- titles (Mr./Mrs./Ms.) and nouns ("a young man", "our daughter");
- and, only when nothing says it outright, a clear majority of he/his over
  she/her pronouns (or the reverse).

The age is the *first* age stated for the patient -- the age at
presentation, as case reports give it in their opening line -- never an
onset age ("since she was 5 months old") or a later one ("at the age of
49"), nor a relative's ("her 6-year-old son").  When the text tells of
several patients ("Patient 2", "three patients"), the first is read and
the spans naming the others go to ``others_skipped``.

Cue words live in ``data/demographics.json``; the patterns here only say
how the words combine.  Every pattern is bounded (no nested quantifiers),
so each pass is linear in the length of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from caserecord.extraction._data import load_json
from caserecord.extraction._document import Document
from caserecord.extraction._mentions import PatientMention, Span
from caserecord.extraction._numbers import NUMBER_WORD_PATTERN, parse_number
from caserecord.extraction._patterns import alternation

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
    "occupations": "str_list",
    "occupation_verbs": "str_list",
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
_OCC_AFTER_VERB = re.compile(
    r"\b(?P<verb>" + _words(_DATA["occupation_verbs"]) + r")\s{1,3}(?:an?\s{1,3})?"
    r"(?:[A-Za-z0-9][\w\-]{0,20}\s{1,3}){0,3}?" + _OCCUPATION + r"\b(?!\s{0,2}['’]s\b)",
    _I,
)
_OCC_AFTER_AGE = re.compile(
    r"[\s,]{0,3}(?:[A-Za-z][\w\-]{0,20}\s{1,3}){0,2}?" + _OCCUPATION + r"\b", _I
)
_BY_PROFESSION = re.compile(r"\bby\s{1,3}(?:profession|trade)\b", _I)
_OCC_BEFORE = re.compile(r"\b" + _OCCUPATION + r"\s{1,3}$", _I)
_NOT_PATIENT = re.compile(r"\b(?:" + _words(_DATA["not_patient_subjects"]) + r")\b", _I)
_PATIENT_SUBJECT = re.compile(r"\b(?:he|she|i|patient|mr|mrs|ms|miss)\b", _I)
_NAME_START = re.compile(r"\s{0,3}(?P<name>[A-Z][a-z]{1,20})\b")
# Words that may stand between "is a" and the occupation ("is a dedicated
# engineer") must not start a new phrase ("was treated by a nurse").
_OCC_FILLER_STOP = re.compile(
    r"\b(?:by|with|to|for|of|from|in|at|on|and|or|the|his|her|their|its|treated|seen|examined|"
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


def extract_patient(doc: Document) -> PatientMention:
    """Sex, age, occupation and label of the (first) patient of ``doc``."""
    found = PatientMention()
    others, first_end = _other_patients(doc)
    scope = doc.text[:first_end]
    phrases = _age_phrases(scope)

    # A header wins; otherwise the first cue of the text speaks for the patient.
    ages = sorted(_age_cues(doc, scope, phrases), key=lambda c: (c.rank > 0, c.position))
    if ages:
        value, unit = ages[0].value.split(" ", 1)
        found.age_value, found.age_unit = float(value), unit
        found.spans["age"] = ages[0].span

    sexes = sorted(_sex_cues(doc, scope, phrases), key=lambda c: (c.rank > 0, c.position))
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

    label = _label(doc, scope, phrases)
    if label is not None:
        found.label = label.value
        found.spans["label"] = label.span

    nationality = _header(doc, "nationality")
    if nationality is not None and nationality.value_end - nationality.value_start <= 40:
        found.nationality = nationality.value.strip()
        found.spans["nationality"] = (nationality.value_start, nationality.value_end)
    found.others_skipped = others
    return found


# -- headers -----------------------------------------------------------------------------


def _header(doc: Document, role: str) -> Any:
    return doc.header(*_DATA["header_keys"].get(role, []))


# -- age -----------------------------------------------------------------------------------


def _unit(word: str | None) -> str:
    return _UNIT_NAMES.get((word or "y")[:1].lower(), "year")


def _age_value(number: str, unit: str | None) -> str | None:
    value = parse_number(number)
    if value is None or not 0 <= value <= 130 * (12 if _unit(unit) == "month" else 1):
        return None
    return f"{value:g} {_unit(unit)}"


def _age_phrases(scope: str) -> list[_AgePhrase]:
    """Every age phrase that speaks of the patient now, in text order."""
    matches: list[re.Match[str]] = []
    for anchor, pattern in ((_OLD, _AGE_OLD), (_OF_AGE, _AGE_OF)):
        for end in anchor.finditer(scope):
            match = pattern.search(scope, max(0, end.start() - 48), end.end())
            if match is not None:
                matches.append(match)
    matches += list(_AGED.finditer(scope))
    matches += list(_NAME_AGE.finditer(scope))
    phrases = []
    for match in matches:
        if _blocked(scope, match.start(), match.end()):
            continue
        value = _age_value(match.group("num"), match.group("unit") or None)
        if value is not None:
            phrases.append(_AgePhrase(match.start(), match.end(), match.start("num"), value))
    return sorted(phrases, key=lambda p: p.start)


def _age_cues(doc: Document, scope: str, phrases: list[_AgePhrase]) -> Iterator[_Cue]:
    header = _header(doc, "age")
    if header is not None:
        match = re.match(r"\s*(\d{1,3}(?:\.\d)?)\s*" + _UNIT + r"?", header.value, _I)
        if match and (age := _age_value(match.group(1), match.group("unit"))):
            span = (header.value_start + match.start(1), header.value_start + match.end())
            yield _Cue(header.value_start, 0, age, span)
    for match in _SEX_AGE.finditer(scope):
        if age := _age_value(match.group("num"), match.group("unit")):
            yield _Cue(match.start(), 1, age, (match.start("num"), match.end()))
    for phrase in phrases:
        yield _Cue(phrase.start, 1, phrase.value, (phrase.number_start, phrase.end))


def _blocked(text: str, start: int, end: int) -> bool:
    """An onset age, a later age, or a relative's age -- not the patient's now."""
    before = text[max(0, start - 40) : start]
    if _AGE_BLOCK.search(before):
        return True
    relative = _RELATIVE_AFTER.match(text, end, min(len(text), end + 40))
    if relative is None:
        return False
    owner = _POSSESSIVE_BEFORE.search(text, max(0, start - 12), start)
    parent_speaks = owner is not None and owner.group("who").lower() in _DATA["parent_possessives"]
    return not (parent_speaks and relative.group("rel").lower() in _DATA["child_words"])


# -- sex -------------------------------------------------------------------------------------


def _sex_cues(doc: Document, scope: str, phrases: list[_AgePhrase]) -> Iterator[_Cue]:
    header = _header(doc, "sex")
    if header is not None:
        value = _sex_of(header.value.strip().rstrip("."))
        if value is not None:
            yield _Cue(header.value_start, 0, value, (header.value_start, header.value_end))
    sex_words = _DATA["sex_words"]
    for match in _SEX_AGE.finditer(scope):
        yield _Cue(match.start(), 1, sex_words[match.group("sex").lower()], match.span("sex"))
    for phrase in phrases:  # "a 55-year-old woman", "male, 28 years old"
        after = _SEX_AFTER.match(scope, phrase.end, min(len(scope), phrase.end + 60))
        before = _SEX_BEFORE.search(scope, max(0, phrase.start - 30), phrase.start)
        for near in (after, before):
            if near is not None:
                word = sex_words[_key(near.group("word"))]
                yield _Cue(phrase.start, 1, word, near.span("word"))
    for match in _TITLE.finditer(scope):
        yield _Cue(
            match.start(), 2, _DATA["titles"][match.group("title").lower()], match.span("title")
        )
    for match in _SEX_NOUN.finditer(scope):
        group = "word" if match.group("word") else "word2"
        yield _Cue(match.start(), 2, sex_words[match.group(group).lower()], match.span(group))
    for match in _CHILD.finditer(scope):
        word = _DATA["child_words"][match.group("word").lower()]
        yield _Cue(match.start(), 2, word, match.span("word"))


def _key(word: str) -> str:
    return " ".join(word.lower().split())


def _sex_of(value: str) -> str | None:
    key = _key(value)
    if key in _DATA["sex_words"]:
        return str(_DATA["sex_words"][key])
    return {"m": "male", "f": "female"}.get(key)


def _pronoun_majority(scope: str) -> tuple[str, Span] | None:
    """he/his against she/her: a clear majority only (data: minimum count and ratio)."""
    found = {sex: list(pattern.finditer(scope)) for sex, pattern in _PRONOUN.items()}
    male, female = len(found.get("male", [])), len(found.get("female", []))
    minimum, ratio = _DATA["pronoun_minimum"], _DATA["pronoun_ratio"]
    for sex, mine, theirs in (("male", male, female), ("female", female, male)):
        if mine >= minimum and mine >= ratio * theirs:
            return sex, found[sex][0].span()
    return None


# -- occupation, label -------------------------------------------------------------------------


def _occupation(doc: Document, scope: str, phrases: list[_AgePhrase]) -> _Cue | None:
    header = _header(doc, "occupation")
    if header is not None and len(header.value.split()) <= 4:
        return _Cue(0, 0, header.value.strip().lower(), (header.value_start, header.value_end))
    cues: list[_Cue] = []
    for sentence in doc.sentences:
        if sentence.start >= len(scope):
            break
        body = sentence.text
        for match in _OCC_AFTER_VERB.finditer(body):  # "is a dedicated engineer"
            subject = body[max(0, match.start() - 120) : match.start()]
            filler = body[match.end("verb") : match.start("occ")]
            whole = match.start() <= 120  # the subject is the sentence's opening words
            if _patient_subject(subject, whole=whole) and not _OCC_FILLER_STOP.search(filler):
                cues.append(_occupation_cue(sentence.start, match))
        for anchor in _BY_PROFESSION.finditer(body):  # "a farmer by profession"
            before = _OCC_BEFORE.search(body, max(0, anchor.start() - 40), anchor.start())
            if before is not None:
                cues.append(_occupation_cue(sentence.start, before))
    for phrase in phrases:  # "an 18-year-old male student"
        near = _OCC_AFTER_AGE.match(scope, phrase.end, min(len(scope), phrase.end + 60))
        if near is not None:
            cues.append(_occupation_cue(0, near))
    return min(cues, key=lambda c: c.position) if cues else None


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
    return _Cue(offset + start, 1, _key(match.group("occ")), (offset + start, offset + end))


def _label(doc: Document, scope: str, phrases: list[_AgePhrase]) -> _Cue | None:
    header = _header(doc, "label")
    if header is not None and 0 < len(header.value.split()) <= 5:
        return _Cue(0, 0, header.value.strip(), (header.value_start, header.value_end))
    cues: list[_Cue] = []
    for pattern in (_TITLE, _PATIENT_INITIALS):
        match = pattern.search(scope)
        if match is not None:
            label = match.group().strip()
            cues.append(_Cue(match.start(), 1, label, (match.start(), match.start() + len(label))))
    starts = [p.start for p in phrases]
    for sentence in doc.sentences:
        if sentence.start >= len(scope):
            break
        for pattern in (_NAME_SEX_AGE, _NAME_IS):
            match = pattern.match(sentence.text)
            if match is None or match.group("label").split()[0].lower() in _NOT_NAMES:
                continue
            # "Xiaogang is a Chinese 21 years old male": a name only with an age.
            index = bisect_left(starts, sentence.start)
            has_age = index < len(starts) and starts[index] < sentence.end
            if pattern is _NAME_IS and not has_age:
                continue
            start, end = match.span("label")
            span = (sentence.start + start, sentence.start + end)
            cues.append(_Cue(span[0], 1, match.group("label"), span))
    return min(cues, key=lambda c: c.position) if cues else None


# -- other patients --------------------------------------------------------------------------


def first_patient_end(doc: Document) -> int:
    """Where the first patient's part of a labelled series ends ("Patient 2:" starts)."""
    return _other_patients(doc)[1]


def _other_patients(doc: Document) -> tuple[list[Span], int]:
    """Spans naming other patients, and where the first patient's text ends."""
    text = doc.text
    spans: list[Span] = []
    first_end = len(text)
    # "Patient 1 ... Patient 2": a series only when its first member is labelled
    # too -- a lone "Case 17" in a title is a page's number, not a second patient.
    labels = list(_SERIES_LABEL.finditer(text))
    first = next((m for m in labels if int(m.group("n")) == 1), None)
    seen: set[str] = set()
    for match in labels:
        number = match.group("n")
        if first is None or match.start() < first.start() or number == "1" or number in seen:
            continue
        seen.add(number)
        spans.append(match.span())
        first_end = min(first_end, match.start())
    for match in _SERIES_ORDINAL.finditer(text):
        spans.append(match.span())
    for sentence in doc.sentences:
        for match in _SERIES_COUNT.finditer(sentence.text):
            count = parse_number(match.group("n"))
            if count is not None and count >= 2 and _SERIES_CONTEXT.search(sentence.text):
                spans.append((sentence.start + match.start(), sentence.start + match.end()))
    return sorted(set(spans)), first_end
