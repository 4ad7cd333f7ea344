"""Patient, conditions, prior treatments and time as other writers tell them: ages set apart
after a name or told with the treatment ("Rosa Lindqvist, 61,", "I was 44 when I had the
transplant", "Twenty years on, at 40,"), occupations after "works as" or as an epithet
("the retired farmer"), onsets from a date or an age ("was told in May 2020", "was 12
when ... diagnosed"), the kind of a disease as its cause ("an inherited condition"),
"born at 30 weeks", prior treatments under a heading line, done as an operation or named
by brand, and the time of a letter's sections ("Seen: 2 May 2024" is "today"; a dated
heading; "Discharged: 9 June 2023" for "at discharge").

Every narrative is written for these tests; none is taken from a corpus.
"""

from __future__ import annotations

import pytest

from caserecord import extract
from caserecord.extraction._document import Document
from caserecord.record import CaseRecord
from caserecord.timeline import CaseTime


def when(time: CaseTime | None) -> str:
    if time is None:
        return "?"
    if time.value is not None and time.unit is not None:
        return f"{time.value:g} {time.unit.value}"
    return time.phase.value if time.phase is not None else "?"


def patient(record: CaseRecord) -> tuple[float | None, str | None]:
    age = record.patient.age.value if record.patient.age else None
    return age, record.patient.occupation


# -- the patient -------------------------------------------------------------------------------

PATIENTS: list[tuple[str, str, float | None, str | None]] = [
    (
        "age after a name in a when-clause",
        "When Rosa Lindqvist, 61, heard that her optic nerves were failing, she looked abroad. "
        "In June 2021 she received stem cell injections behind both eyes.",
        61.0,
        None,
    ),
    (
        "age told with the treatment, works as",
        "I was 44 when I had the transplant. I work as a dog groomer in Leeds. My MS "
        "started in 2012.",
        44.0,
        "dog groomer",
    ),
    (
        "a relative works as",
        "My husband works as a crane operator. I am 39 and had stem cell therapy in 2020 "
        "for my optic atrophy.",
        39.0,
        None,
    ),
    (
        "years on, at N, the occupation",
        "Tomas was 12 when a doctor found his retinitis pigmentosa. Twenty years on, at 32, "
        "the high school teacher could no longer read the board. He received stem cells in "
        "2023.",
        32.0,
        "high school teacher",
    ),
    (
        "retired epithet",
        "The retired farmer, who had glaucoma for a decade, paid for stem cell injections in "
        "2022.",
        None,
        "farmer",
    ),
    (
        "school student after the age",
        "A 15-year-old secondary school student hurt his right eye playing football in 2021 "
        "and received stem cells in 2022.",
        15.0,
        "secondary school student",
    ),
]


@pytest.mark.parametrize(
    ("text", "age", "occupation"), [p[1:] for p in PATIENTS], ids=[p[0] for p in PATIENTS]
)
def test_patient(text: str, age: float | None, occupation: str | None) -> None:
    assert patient(extract(text)) == (age, occupation)


def test_onset_age_is_not_the_age_now() -> None:
    text = "He was 12 when he lost his sight. He received stem cells in 2023."
    assert extract(text).patient.age is None


# -- conditions --------------------------------------------------------------------------------

CONDITIONS: list[tuple[str, str, str, str | None, str | None, str]] = [
    (
        "onset from the date the patient was told",
        "Ken Oduya was told in May 2020 that the stiffness in his legs was multiple sclerosis. "
        "In November 2021 he received a stem cell transplant in Moscow.",
        "multiple sclerosis",
        None,
        None,
        "-18 month",
    ),
    (
        "onset from an age and the age now; kind of disease as cause; worse of two eyes",
        "Lena was 12 when she was diagnosed with retinitis pigmentosa, an inherited disease of "
        "the retina. Now, at 30, the nurse has little sight left. Surgeons placed cells under "
        "her right eye, the worse of the two, in 2023.",
        "retinitis pigmentosa",
        "both",
        "inherited",
        "-18 year",
    ),
]


@pytest.mark.parametrize(
    ("text", "name", "side", "cause", "onset"),
    [c[1:] for c in CONDITIONS],
    ids=[c[0] for c in CONDITIONS],
)
def test_condition(text: str, name: str, side: str | None, cause: str | None, onset: str) -> None:
    found = {c.name: c for c in extract(text).conditions}
    assert name in found
    condition = found[name]
    assert condition.laterality == side if side is None else condition.laterality.value == side
    assert condition.cause == cause
    assert when(condition.onset) == onset


def test_born_early_is_a_birth_condition() -> None:
    text = (
        "Sex: Male\nAge: 3 years\nDiagnosis: cerebral palsy; born at 30 weeks\n\n"
        "He received umbilical cord stem cells by lumbar puncture on 2 March 2022."
    )
    found = {c.name: c for c in extract(text).conditions}
    assert when(found["premature birth at 30 weeks"].onset) == "-3 year"
    assert not any(c.name.startswith("premature") for c in extract("Born at 39 weeks.").conditions)


def test_injuries_of_one_accident_share_its_date() -> None:
    text = (
        "The boy fell from a horse on 3 May 2021 and injured his right optic nerve. CT showed "
        "a fracture of the right optic canal. On 1 June 2021 he received stem cells behind "
        "the eye."
    )
    onsets = {c.name: when(c.onset) for c in extract(text).conditions}
    dated = [v for v in onsets.values() if v != "?"]
    assert len(dated) == len(onsets) >= 2
    assert len(set(dated)) == 1


# -- prior treatments --------------------------------------------------------------------------

PRIOR: list[tuple[str, str, list[str]]] = [
    (
        "list under a heading line",
        "Diagnosis: spastic quadriplegia\n\nEarlier treatments:\nSerial casting (twice), "
        "hip braces, speech therapy since 2 years of age.\n\nTreatment given:\n"
        "Cord blood cells were infused on 5 May 2023.",
        ["serial casting", "hip braces", "speech therapy"],
    ),
    (
        "an operation done before",
        "In 2019 the surgeons performed a left trabeculectomy. In 2022 she received stem cell "
        "injections into both eyes.",
        ["left trabeculectomy"],
    ),
    (
        "brand names in a sequence",
        "I took Copaxone for two years, then had Gilenya until it stopped working. In 2020 I "
        "had an autologous haematopoietic stem cell transplant in Mexico.",
        ["copaxone", "gilenya"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [p[1:] for p in PRIOR], ids=[p[0] for p in PRIOR])
def test_prior(text: str, expected: list[str]) -> None:
    names = [t.name for t in extract(text).prior_treatments]
    assert all(any(e in n for n in names) for e in expected), names
    assert not any("(" in n or " since " in n for n in names)


# -- time ----------------------------------------------------------------------------------------

LETTER = """Eye Clinic letter
Patient: Mr T. Berg
Seen: 2 May 2024

In November 2023 he had stem cell injections into the right eye at a clinic abroad.

Findings before the injections (our clinic, October 2023, last visit):
Acuity: right 6/24

Findings today:
Acuity: right 6/36
"""

DISCHARGE = """DISCHARGE SUMMARY
Admitted: 1 June 2023
Discharged: 9 June 2023

Treatment given:
She received umbilical cord stem cells by intravenous infusion on 2 June 2023.

Condition at discharge:
- Walks 20 m with a frame

Home visit by the nurse, 2 September 2023 (three months after discharge):
- Walks 50 m with a frame
"""


def test_heading_lines_with_commas_are_sections() -> None:
    doc = Document.parse(LETTER)
    headings = [s.heading for s in doc.sections]
    assert "Findings before the injections (our clinic, October 2023, last visit):" in headings
    prose = Document.parse("He was tired. Then he said:\nI can see.")
    assert not prose.sections or prose.sections[0].heading == "Then he said:"
    fused = Document.parse("He is 21 years old. Before the stem cell treatment:\nHe walked.")
    assert not fused.sections


def test_letter_today_is_its_date() -> None:
    times = {
        str(m.acuity): when(m.time)
        for m in extract(LETTER).measurements
        if m.kind == "visual_acuity" and m.acuity is not None
    }
    assert times == {"6/24": "baseline", "6/36": "6 month"}


def test_discharge_and_dated_headings() -> None:
    walking = sorted(
        when(m.time) for m in extract(DISCHARGE).measurements if "walk" in (m.measure or "")
    )
    assert walking == ["3 month", "7 day"]
