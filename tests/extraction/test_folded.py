"""_folded: a pattern run fast on folded text finds what the plain pattern finds."""

from __future__ import annotations

import re

import pytest

from caserecord.extraction import acuity, demographics, findings, time, treatment
from caserecord.extraction._folded import FoldedPattern, fast_pattern, fold

# Patterns the extractors run folded: case-insensitive ones, one with a case-sensitive
# part and one with a candidates pattern (the eye phrases).
_PATTERNS = [
    time._DISCHARGE,
    time._FOLLOWUP,
    time._NOW,
    acuity._LOGMAR,
    acuity._LETTERS,
    acuity._DECIMAL,
    demographics._SEX_NOUN,
    demographics._AGE_BLOCK,
    demographics._SERIES_COUNT,
    findings._QUANTITY,
    treatment._ADMIN,
    treatment._DRUG,
    re.compile(r"\b(?P<dose>\d+)\s?(?:mg|(?-i:IU)|µg)\b", re.IGNORECASE),
    re.compile(r"\b(?P<kind>stem[\s-]cells?|msc)\b(?!\s+KIT)", re.IGNORECASE),
]

_TEXTS = [
    "Discharged on day 5; at the 6-month FOLLOW-UP visit she was well.",
    "VA 0.3 logMAR, 55 ETDRS letters; decimal 0.8 OD. Now stable.",
    "A 45-year-old woman, since the age of 12, was given 200 mg ıbuprofen and 5 IU.",
    "Dıscharged on day 5 (İ dotted); ſtem cells, MSC KIT and 3 µg / 3 μg, 40 Kg.",
    "THE PATİENT WAS DİSCHARGED. ıntravenous ınfusion of 2 g daily; ſalıne.",
    "three patients; Two PATIENTS in this series; a baby girl aged 3 months.",
    "Follow-up at 12 weeks ago; KELVIN K and the \u212aelvin sign; ß and SS.",
]


def _plain(
    pattern: re.Pattern[str], text: str
) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


@pytest.mark.parametrize("text", _TEXTS)
@pytest.mark.parametrize("pattern", _PATTERNS, ids=lambda p: p.pattern[:30])
def test_folded_pattern_matches_as_the_pattern(pattern: re.Pattern[str], text: str) -> None:
    folded = FoldedPattern(pattern)
    low = fold(text)
    assert len(low) == len(text)
    found = [(m.span(), m.groups()) for m in folded.finditer(text, low)]
    assert found == _plain(pattern, text)
    first = folded.search(text, low)
    plain = pattern.search(text)
    assert (first and (first.span(), first.groups())) == (plain and (plain.span(), plain.groups()))
    for pos in range(0, len(text), 7):
        hit, want = folded.match(text, low, pos), pattern.match(text, pos)
        assert (hit and hit.span()) == (want and want.span())
        hit, want = (
            folded.search(text, low, pos, len(text) - 3),
            pattern.search(text, pos, len(text) - 3),
        )
        assert (hit and hit.span()) == (want and want.span())


@pytest.mark.parametrize("text", _TEXTS)
def test_eye_phrase_finders_match_as_their_patterns(text: str) -> None:
    vocab = findings._VOCAB
    low = fold(text + " in the RİGHT eye, left ſide, both eyes")
    for finder, _ in vocab.eye_phrases:
        full = text + " in the RİGHT eye, left ſide, both eyes"
        assert [m.span() for m in finder.finditer(full, low)] == [
            m.span() for m in finder.pattern.finditer(full)
        ]


def test_fold_keeps_offsets_and_maps_the_lookalikes() -> None:
    assert fold("İı ſ \u212a Mıcro µ") == "ii s k micro µ"
    assert fold("Plain ASCII") == "plain ascii"


def test_fast_pattern_refuses_what_it_cannot_fold() -> None:
    with pytest.raises(ValueError, match="no fast pattern"):
        fast_pattern(re.compile(r"(a)\1", re.IGNORECASE))
    assert FoldedPattern(re.compile("µg", re.IGNORECASE)).fast is None  # micro: slow path
