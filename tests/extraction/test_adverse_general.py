"""Adverse events told in the genre's many ways: named complications, lists, subjects
that "developed" or "were noted", severities from wording, and what is NOT an event
(risks, denials, complaints from before the treatment).

Every narrative is written for these tests; none is taken from a corpus.
"""

from __future__ import annotations

import pytest

from caserecord import Severity, extract
from caserecord.extraction._document import Document
from caserecord.extraction.adverse import extract_adverse

EYE = "In May 2020 the patient received an intravitreal injection of stem cells in the left eye. "
LETTER = "Dear colleague, Mr B. had an intrathecal injection of autologous stem cells in 2021. "
STORY = "I had my first stem cell treatment in Panama in 2018. "

Event = tuple[str, str | None]


def events(text: str) -> list[Event]:
    found, _ = extract_adverse(Document.parse(text))
    return [(a.description, a.severity) for a in found]


TOLD: list[tuple[str, list[Event]]] = [
    # case report: a complication as the subject of an onset verb
    (
        EYE + "Proliferative vitreoretinopathy developed in the left eye.",
        [("proliferative vitreoretinopathy", None)],
    ),
    # "complicated by" lists complications whatever their names
    (
        EYE + "Her recovery was complicated by a vitreous hemorrhage and raised intraocular "
        "pressure.",
        [("vitreous hemorrhage", None), ("raised intraocular pressure", None)],
    ),
    # a list without a comma before its last item
    (
        EYE + "Post-operatively, the patient experienced nausea, vomiting and a headache.",
        [("nausea", None), ("vomiting", None), ("headache", None)],
    ),
    # a finding verb with a time after the treatment
    (
        EYE + "At one month, a posterior subcapsular cataract was observed.",
        [("posterior subcapsular cataract", None)],
    ),
    # testimonial: a colon list of side effects, each with its own article
    (
        STORY + "Side effects: a low fever and some back pain at the puncture site.",
        [("low fever", "mild"), ("back pain at puncture site", None)],
    ),
    # pain at the injection site is tied to the treatment by its place
    (
        STORY + "I had some pain at the injection site, but it went away quickly.",
        [("pain at injection site", None)],
    ),
    # clinic letter: admitted with, a graded fever, two harms joined by "and"
    (
        LETTER + "He was admitted with a high fever and vomiting the following day.",
        [("high fever", "severe"), ("vomiting", None)],
    ),
    # the measured value is no part of the event
    (
        EYE + "The patient developed a high fever of 39.5 C on the second day.",
        [("high fever", "severe")],
    ),
    # a duration ends the description
    (STORY + "The only side effect was insomnia for a few nights.", [("insomnia", None)]),
    # transient -> mild; the place shared by both harms keeps them one event
    (
        LETTER + "He mentioned transient swelling and discomfort at the puncture site.",
        [("transient swelling and discomfort at puncture site", "mild")],
    ),
    # a diagnosis told with a time after the treatment
    (
        EYE + "Two weeks later she was diagnosed with endophthalmitis.",
        [("endophthalmitis", None)],
    ),
    # a denial in the same sentence does not hide the event after "but"
    (
        LETTER + "He had no headache, but he developed a rash on his chest three days later.",
        [("rash on chest", None)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), TOLD)
def test_named_complications_after_treatment(text: str, expected: list[Event]) -> None:
    assert events(text) == expected


NOT_TOLD = [
    # hypothetical: risks, warnings, conditionals
    EYE + "Possible risks include infection, bleeding, and retinal detachment.",
    EYE + "The patient was warned that endophthalmitis could occur.",
    LETTER + "If he develops a fever or severe headache he should contact us.",
    LETTER + "Possible side effects include headache and nausea.",
    # denied
    EYE + "No adverse events such as infection or retinal detachment occurred.",
    EYE + "There were no complications.",
    # before the treatment, or told as history
    "She had a retinal detachment in 2015 and glaucoma. " + EYE,
    LETTER + "Before the injection he had frequent headaches and poor sleep.",
    LETTER + "His headaches, which started after his accident in 2015, are unchanged.",
    # improvements are not side effects
    EYE + "She developed better color vision after the injection.",
    LETTER + "His longstanding insomnia has improved since the treatment.",
    # "Side effects: none"
    STORY + "Side effects: none.",
]


@pytest.mark.parametrize("text", NOT_TOLD)
def test_no_event_from_risks_denials_or_history(text: str) -> None:
    assert events(text) == []


SEVERITY: list[tuple[str, str | None]] = [
    ("She experienced a slight headache after the injection.", "mild"),
    ("She experienced minor bruising after the injection.", "mild"),
    ("She had a low-grade fever after the injection.", "mild"),
    ("She had a low fever after the injection.", "mild"),
    ("She experienced transient dizziness after the injection.", "mild"),
    ("She experienced moderate nausea after the injection.", "moderate"),
    ("She experienced serious vomiting after the injection.", "severe"),
    ("She developed a major infection after the injection.", "severe"),
    ("She had a high fever after the injection.", "severe"),
    ("She experienced dizziness after the injection.", None),
    # "high" grades a fever only, not a pressure
    ("She developed high intraocular pressure after the injection.", None),
]


@pytest.mark.parametrize(("sentence", "severity"), SEVERITY)
def test_severity_from_wording(sentence: str, severity: str | None) -> None:
    ((_, found),) = events(EYE + sentence)
    assert found == severity


TIMED: list[tuple[str, tuple[float, str] | None]] = [
    (EYE + "Five days after the injection, a vitreous haemorrhage was noted.", (5, "day")),
    (EYE + "Elevated intraocular pressure was noted at the 1-week visit.", (1, "week")),
    (STORY + "On the same day I experienced dizziness.", (0, "day")),
    (EYE + "She developed a cataract 3 months after the procedure.", (3, "month")),
    (EYE + "Seizures were observed during the first week.", (1, "week")),
]


@pytest.mark.parametrize(("text", "when"), TIMED)
def test_an_event_takes_the_time_told_with_it(text: str, when: tuple[float, str]) -> None:
    (event,) = extract(text).adverse_events
    assert event.onset is not None
    assert event.onset.unit is not None
    assert (event.onset.value, event.onset.unit.value) == when


def test_the_description_is_the_harm_not_its_outcome() -> None:
    text = EYE + "She developed urinary retention requiring catheterisation."
    assert events(text) == [("urinary retention", None)]


def test_a_modal_in_an_earlier_clause_does_not_make_the_harm_a_risk() -> None:
    # "can" belongs to the outcome clause; "but" opens the clause that tells the event.
    text = (
        "He had two injections of stem cells in May. "
        "He can now walk unaided but experienced a mild fever after the second injection."
    )
    events = extract(text).adverse_events
    assert [(e.description, e.severity) for e in events] == [("mild fever", Severity.MILD)]
