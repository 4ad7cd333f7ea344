"""Adverse events after treatment, and findings the narrative denies.

The narratives are written for these tests in the genre's phrasing
families (testimonials, case reports, clinic letters).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caserecord.extraction._data import load_json
from caserecord.extraction._document import Document
from caserecord.extraction._mentions import AbsentMention, AdverseMention
from caserecord.extraction.adverse import extract_adverse, validate_adverse_vocabulary

TREATED = "The woman received stem cell injections into her right eye. "


def adverse(text: str) -> tuple[list[AdverseMention], list[AbsentMention]]:
    return extract_adverse(Document.parse(text))


def events(text: str) -> list[tuple[str, str | None]]:
    return [(a.description, a.severity) for a in adverse(text)[0]]


def denied(text: str) -> list[str]:
    return [a.description for a in adverse(text)[1]]


# -- adverse events ----------------------------------------------------------------------

EVENTS: list[tuple[str, list[tuple[str, str | None]]]] = [
    (
        TREATED + "In the first days after the procedure she had only mild redness and itching "
        "around the injected eye, and nothing else.",
        [("mild redness and itching around injected eye", "mild")],
    ),
    (
        TREATED + "Three days later she developed a moderate headache that faded within a week.",
        [("moderate headache", "moderate")],
    ),
    (TREATED + "On the second day she experienced severe nausea.", [("severe nausea", "severe")]),
    (
        TREATED + "The injection was complicated by vitreous bleeding, a retinal tear, and "
        "endophthalmitis.",
        [("vitreous bleeding", None), ("retinal tear", None), ("endophthalmitis", None)],
    ),
    (
        "Two men lost sight after they received subretinal cell injections. Severe visual loss "
        "developed after the injections in both.",
        [("severe visual loss", "severe")],
    ),
    (
        TREATED + "The only side effect was a slight fever on the evening of the lumbar puncture.",
        [("slight fever", "mild")],
    ),
    (
        TREATED + "She reported a mild headache after the second injection.",
        [("mild headache", "mild")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), EVENTS)
def test_adverse_events(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert events(text) == expected


def test_an_event_points_at_its_words_for_the_time_resolver() -> None:
    text = TREATED + "A week after the injection she developed mild eyelid swelling."
    doc = Document.parse(text)
    (event,), _ = extract_adverse(doc)
    start, end = event.spans["description"]
    assert text[start:end] == "mild eyelid swelling"
    assert event.position == start
    assert doc.sentences[event.sentence].start <= start < doc.sentences[event.sentence].end


NOT_EVENTS = [
    # complaints before the treatment are the condition, not side effects
    "Before treatment she experienced severe headaches. She received stem cell injections.",
    # a denial is never an adverse event
    TREATED + "She had no fever or pain after the injection.",
    TREATED + "She did not experience any swelling after the procedure.",
    # improvements are not side effects
    TREATED + "Afterwards she experienced less pain and better sleep.",
    # a symptom told without any link to the treatment
    TREATED + "Because he had persistent dizziness, we referred him to a neurologist.",
    # no treatment and no link to one
    "He experienced severe pain in his back for years.",
]


@pytest.mark.parametrize("text", NOT_EVENTS)
def test_no_adverse_event_is_invented(text: str) -> None:
    assert events(text) == []


# -- denied findings ---------------------------------------------------------------------

DENIALS: list[tuple[str, list[str]]] = [
    (
        "The boy showed no fever, vomiting, or other side effects after the infusions.",
        ["fever", "vomiting", "other side effects"],
    ),
    (
        "All eight injections were given without any complications or adverse reactions.",
        ["complications", "adverse reactions"],
    ),
    ("There was no reported seizure during the stay.", ["seizure"]),
    (
        "She denied eye pain on blinking or flashing lights.",
        ["eye pain on blinking", "flashing lights"],
    ),
    ("At the two-year visit there was no recurrence to date.", ["recurrence"]),
    ("Family history: negative for glaucoma or blindness.", ["glaucoma", "blindness"]),
    (
        "The left pupil reacted briskly without obvious afferent defect.",
        ["obvious afferent defect"],
    ),
    (
        "He reported no changes in the vision of his left eye, but his right eye was worse.",
        ["changes in vision of left eye"],
    ),
    ("The patient was free of seizures for six months.", ["seizures"]),
    ("He did not experience any headache or nausea after the procedure.", ["headache", "nausea"]),
    ("Side effects were not observed in the follow-up period.", ["side effects"]),
    ("Sadly, her sight did not improve.", ["sight did not improve"]),
    ("He has not mastered climbing stairs.", ["mastered climbing stairs"]),
    ("Her MRI showed no new lesions.", ["lesions"]),
]


@pytest.mark.parametrize(("text", "expected"), DENIALS)
def test_denied_findings(text: str, expected: list[str]) -> None:
    assert denied(text) == expected


NOT_DENIALS = [
    "She could now squat without difficulty.",
    "He walked without help and without a cane.",
    "There is no effective treatment for this disease.",
    "She no longer needs glasses.",
    "He rode home without wearing his glasses.",
    "Vision at near without correction was J2.",
    "The doctor said there was nothing we could do.",
    "Her acuity was no light perception in the right eye.",
]


@pytest.mark.parametrize("text", NOT_DENIALS)
def test_no_denial_is_invented(text: str) -> None:
    assert denied(text) == []


def test_a_denial_points_at_its_words() -> None:
    text = "Tests were normal. The patient denied double vision."
    (absent,) = adverse(text)[1]
    start, end = absent.spans["description"]
    assert text[start:end] == "double vision"
    assert absent.sentence == 1


def test_a_side_effect_column_reading_none_is_one_denial() -> None:
    text = (
        "Number Date Cell Type Delivery Method Side Effects\n"
        "1 2019-04-02 UCMSC Intravenous Injection none reported\n"
        "2 2019-04-05 UCMSC Intravenous Injection none reported\n"
        "3 2019-04-09 UCMSC Intrathecal Injection none reported\n"
    )
    assert denied(text) == ["side effects"]


def test_the_column_is_not_repeated_when_the_text_denies_it_in_words() -> None:
    text = (
        "Number Date Cell Type Delivery Method Side Effects\n"
        "1 2019-04-02 UCMSC Intravenous Injection none reported\n\n"
        "The child had no rash or other side effects during the stay."
    )
    assert denied(text) == ["rash", "other side effects"]


def test_the_same_denial_is_reported_once() -> None:
    text = "No fever on day one. No fever on day two. No fever on day three."
    assert denied(text) == ["fever"]


# -- the vocabulary file -----------------------------------------------------------------

BROKEN: list[tuple[tuple[str, ...], Any, str]] = [
    (("negation", "weak_triggers"), [], "negation.weak_triggers must be a non-empty list"),
    (("adverse", "event_words"), "pain", "adverse.event_words must be a non-empty list"),
    (("adverse", "severity"), {"mild": ["mild"]}, "adverse.severity must have exactly the keys"),
    (("negation",), ["no"], "must have the objects 'negation' and 'adverse'"),
]


@pytest.mark.parametrize(("path", "value", "message"), BROKEN)
def test_a_broken_vocabulary_fails_naming_the_file_and_key(
    path: tuple[str, ...], value: Any, message: str
) -> None:
    data = copy.deepcopy(load_json("adverse.json"))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(RuntimeError, match=r"data/adverse\.json") as error:
        validate_adverse_vocabulary(data)
    assert message in str(error.value)


# -- never raises ------------------------------------------------------------------------

PIECES = [
    "She received stem cells.",
    "no fever, , or",
    "without any",
    "denied",
    "Negative for",
    "was associated with A, B, or",
    "developed after",
    "did not improve",
    "has not mastered",
    "Side Effects\n1 x none reported",
    "only mild",
    "(((",
    "experienced",
    ", and",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_never_raises_on_any_text(text: str) -> None:
    _check(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(PIECES), max_size=10),
    st.sampled_from([" ", "\n", ". ", " no "]),
    st.text(max_size=10),
)
def test_never_raises_on_adverse_like_text(pieces: list[str], joiner: str, noise: str) -> None:
    _check(joiner.join(pieces) + noise)
    _check(noise.join(pieces))


def _check(text: str) -> None:
    found, absent = adverse(text)
    sentences = len(Document.parse(text).sentences)
    mentions: list[AdverseMention | AbsentMention] = [*found, *absent]
    for mention in mentions:
        assert mention.description
        assert 0 <= mention.sentence < max(sentences, 1)
        for start, end in mention.spans.values():
            assert 0 <= start < end <= len(text)
    denied_spans = [a.spans["description"] for a in absent]
    for event in found:
        start, end = event.spans["description"]
        assert not any(s < end and start < e for s, e in denied_spans)


def test_a_list_after_the_treatment_keeps_only_harms() -> None:
    text = TREATED + "The treatment was associated with better mobility and clearer speech."
    assert events(text) == []


# -- side effects told softly ------------------------------------------------------------------

SOFT: list[tuple[str, list[tuple[str, str | None]]]] = [
    (
        TREATED + "Apart from slight redness of the eye that settled within two days, she had "
        "no problems.",
        [("slight redness of eye", "mild")],
    ),
    (
        "In 2017 he received four intravenous infusions of bone marrow stem cells and "
        "tolerated them well apart from insomnia.",
        [("insomnia", None)],
    ),
    (
        TREATED + "The procedure went smoothly except for a transient headache.",
        [("transient headache", "mild")],  # a transient harm is a mild one
    ),
    (
        TREATED + "Within one week she noticed a curtain over her vision.",
        [("curtain over vision", None)],
    ),
    (
        TREATED + "Within days she lost her vision, and examination showed retinal detachment.",
        [("lost vision", None), ("retinal detachment", None)],
    ),
    (
        TREATED + "A few hours after the injection she felt nauseous and vomited once.",
        [("nausea", None), ("vomited", None)],
    ),
    (
        TREATED + "He reported a moderate headache after the first puncture, which lasted one "
        "day.",
        [("moderate headache", "moderate")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SOFT)
def test_side_effects_told_softly(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert events(text) == expected


def test_the_exception_is_an_event_and_the_rest_a_denial() -> None:
    text = TREATED + "Apart from slight redness of the eye, she had no problems."
    assert events(text) == [("slight redness of eye", "mild")]
    assert denied(text) == ["problems"]


def test_an_exception_without_a_tolerance_is_not_an_event() -> None:
    assert events(TREATED + "Apart from her mother, nobody visited.") == []


def test_a_low_fever_points_into_the_clause_with_its_time() -> None:
    text = TREATED + "She developed a low fever the evening after the infusion."
    doc = Document.parse(text)
    (event,), _ = extract_adverse(doc)
    assert event.description == "low fever"
    sentence = doc.sentences[event.sentence]
    assert sentence.start <= event.position < text.index("the evening")


def test_a_loss_told_before_the_treatment_is_not_a_side_effect() -> None:
    text = "She lost her vision in 2010. In 2012 she received stem cell injections."
    assert events(text) == []
