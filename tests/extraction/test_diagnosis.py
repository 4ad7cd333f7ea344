"""Diagnoses from narratives written for these tests (never corpus text)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caserecord.extraction._document import Document
from caserecord.extraction._mentions import ConditionMention
from caserecord.extraction.diagnosis import _check_conditions, extract_conditions


def conditions(text: str) -> list[ConditionMention]:
    return extract_conditions(Document.parse(text))


def triples(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(c.name, c.laterality, c.cause) for c in conditions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the vocabulary, its synonyms and abbreviations, side from the words around
        (
            "He was diagnosed with traumatic optic neuropathy OD after a bicycle accident.",
            [("traumatic optic neuropathy", "right", "bicycle accident")],
        ),
        (
            "In this 30-year-old woman MRI showed atrophy of the optic nerve in both eyes.",
            [("optic nerve atrophy", "both", None)],
        ),
        (
            "A 62-year-old man with wet AMD in his left eye asked about stem cells.",
            [("wet age-related macular degeneration", "left", None)],
        ),
        (
            "Our son has Leber's hereditary optic neuropathy.",
            [("leber's hereditary optic neuropathy", None, None)],
        ),
        ("The diagnosis is Type2 Diabetes.", [("type 2 diabetes", None, None)]),
        ("Diagnosis: Optic Atrophy-03\nShe is 40.", [("optic atrophy", None, None)]),
        (
            "The patient was affected by spastic and dystonic quadriplegia.",
            [("spastic and dystonic quadriplegia", None, None)],
        ),
        (
            "Sadly she was born with septooptic dysplasia.",
            [("septo-optic dysplasia", None, None)],
        ),
        # general head nouns with their modifiers, for conditions nobody listed
        (
            "He has a left medial orbital wall fracture and a partial, nondisplaced "
            "zygomatic (ZA) fracture.",
            [
                ("medial orbital wall fracture", "left", None),
                ("nondisplaced zygomatic fracture", None, None),
            ],
        ),
        (
            "A CT scan showed a fracture of the right orbital floor.",
            [("orbital floor fracture", "right", None)],
        ),
        ("The boy has Bell's palsy on the right side.", [("bell's palsy", "right", None)]),
        ("She also has adrenal insufficiency.", [("adrenal insufficiency", None, None)]),
        (
            "X-rays showed osteoarthritis of both knees in this 66-year-old man.",
            [("knee osteoarthritis", "both", None)],
        ),
        # the phrase after "diagnosed with" when nothing else knows it
        (
            "She was diagnosed with glioblastoma multiforme last year.",
            [("glioblastoma multiforme", None, None)],
        ),
        # injured organs: "damaged his right optic nerve"
        (
            "The blast damaged her left optic nerve.",
            [("optic nerve injury", "left", "blast")],
        ),
    ],
)
def test_names_and_sides(text: str, expected: list[tuple[str, str | None, str | None]]) -> None:
    assert triples(text) == expected


@pytest.mark.parametrize(
    ("text", "name", "cause"),
    [
        (
            "Her optic neuropathy was caused by methanol poisoning.",
            "optic neuropathy",
            "methanol poisoning",
        ),
        (
            "He had a cataract secondary to long-term steroid use.",
            "cataract",
            "long-term steroid use",
        ),
        (
            "She has optic neuritis related to her multiple sclerosis.",
            "optic neuritis",
            "multiple sclerosis",
        ),
        (
            "He has toxic optic neuropathy due to ethambutol therapy for tuberculosis.",
            "toxic optic neuropathy",
            "ethambutol therapy for tuberculosis",
        ),
        (
            "Since then a stroke in March 2019 left him with left-sided hemiparesis.",
            "left-sided hemiparesis",
            "stroke",
        ),
        (
            "A spinal cord injury from a diving accident 2 years ago left him in a chair.",
            "spinal cord injury",
            "diving accident",
        ),
        (
            "He lost his sight after methanol poisoning and was found to have optic atrophy.",
            "optic atrophy",
            "methanol poisoning",
        ),
        (
            "He fell down from a ladder, which led to a spinal cord injury.",
            "spinal cord injury",
            "fell down from ladder",
        ),
        (
            "She was hit by a truck in 2018, which caused a traumatic brain injury.",
            "traumatic brain injury",
            "hit by a truck",
        ),
        ("He had a stroke in 2015 and developed hemiplegia as a result.", "hemiplegia", "stroke"),
        (
            "Joseph has optic atrophy, secondary to swelling of the optic nerve (optic neuritis).",
            "optic atrophy",
            "optic neuritis",
        ),
        (
            "Recovery from optic atrophy (multiple sclerosis)",
            "optic atrophy",
            "multiple sclerosis",
        ),
        (
            "She suffers from retinitis pigmentosa. Genetic testing identified a USH2A mutation.",
            "retinitis pigmentosa",
            "ush2a mutation",
        ),
        # causes told in another sentence of the story
        (
            "Three months ago he was injured in a car crash.\nDiagnosis: optic nerve injury",
            "optic nerve injury",
            "car crash",
        ),
        (
            "He is suffering from spinal cord injury. He fell from a roof while working.",
            "spinal cord injury",
            "fell from roof",
        ),
    ],
)
def test_causes(text: str, name: str, cause: str) -> None:
    found = {c.name: c.cause for c in conditions(text)}
    assert found[name] == cause


@pytest.mark.parametrize(
    ("text", "relation", "value", "unit"),
    [
        (
            "A 40-year-old man lost vision to optic neuritis two years ago.",
            "before_now",
            2,
            "year",
        ),
        ("He had a spinal cord injury 18 months prior to treatment.", "before_now", 18, "month"),
        ("She has had autism symptoms for over 6 years.", "duration", 6, "year"),
        ("Eight years of polyuria. The diagnosis was type 1 diabetes.", "duration", 8, "year"),
        (
            "The 16-month-old had a developmental delay since she was 4 months old.",
            "before_now",
            12,
            "month",
        ),
        ("He is 40 years old and has had diabetes since the age of 12.", "before_now", 28, "year"),
        (
            "Five weeks ago she noticed a shadow. She has a retinal detachment.",
            "before_now",
            5,
            "week",
        ),
    ],
)
def test_onset(text: str, relation: str, value: float, unit: str) -> None:
    onset = conditions(text)[0].onset
    assert onset is not None
    assert (onset.relation, onset.value, onset.unit) == (relation, value, unit)


def test_onset_as_a_date_right_after_the_condition() -> None:
    [found] = conditions("My husband had a stroke in March 2019. He is 58 years old.")
    assert found.onset is not None
    assert str(found.onset.date) == "2019-03"


def test_a_numbered_title_is_no_case_series() -> None:
    text = "Stem Cells for Autism - Case 17\n\nLeo, male, 6 years old, has epilepsy."
    assert [c.name for c in conditions(text)] == ["autism", "epilepsy"]


def test_onset_as_a_date() -> None:
    [found] = conditions("In 2009, he was diagnosed with relapsing-remitting MS.")
    assert found.onset is not None
    assert found.onset.relation == "date"
    assert str(found.onset.date) == "2009"


@pytest.mark.parametrize(
    "text",
    [
        "The patient was born with hydrocephalus.",
        "Our daughter was born blind in 2015 with optic nerve hypoplasia.",
        "He has had cerebral palsy since birth.",
        "The baby has congenital cataract.",
        "She was born prematurely at 29 weeks gestation.",
    ],
)
def test_onset_at_birth(text: str) -> None:
    [found] = conditions(text)
    assert found.onset_at_birth
    assert found.onset is None


@pytest.mark.parametrize(
    "text",
    [
        # a time that is not the onset
        "Seven years ago we were visited by a man with glaucoma.",
        "Case study: cerebral palsy, male, 4 years old, June 2014.",
        "He had cerebral palsy and received stem cells in 2016.",
        "She is a 45-year-old woman with glaucoma and was treated for 3 weeks.",
        # further back than a human life
        "He has had glaucoma for 100000000000000000000000 years.",
        "Optic neuritis began 999 years ago.",
    ],
)
def test_no_onset(text: str) -> None:
    assert all(c.onset is None for c in conditions(text))


@pytest.mark.parametrize(
    "text",
    [
        # negated, a list of negated ones, a relative's
        "There was no evidence of glaucoma.",
        "He had no history of diabetes, hypertension or stroke.",
        "Ruled out: multiple sclerosis.",
        "His mother had glaucoma and his father had cataracts.",
        # general talk, not about this patient
        "Glaucoma is a leading cause of blindness.",
        "We treat autism, cerebral palsy, spinal cord injury and stroke at our center.",
        "Many children with cerebral palsy can benefit from therapy.",
        # part of a name, a risk, a biomarker
        "Acuity was 55 Early Treatment Diabetic Retinopathy Study letters.",
        "Smoking increases the risk of stroke.",
        "Neurofilament, a biomarker of axonal injury, was raised.",
        "Levels of superoxide dismutase (SOD) were low.",
        # complications after the treatment are adverse events
        "Two weeks after the injection she developed a retinal detachment.",
        # signs are diagnoses only when the text makes them so
        "Nystagmus was present.",
        # a bare head noun says nothing
        "The disease got worse.",
    ],
)
def test_not_a_diagnosis(text: str) -> None:
    assert conditions(text) == []


def test_treatment_indication_is_kept() -> None:
    text = "Vision loss after intravitreal injection of fat cells for AMD."
    assert [c.name for c in conditions(text)] == ["age-related macular degeneration"]


def test_repeats_merge_into_the_most_specific_name() -> None:
    text = (
        "Optic atrophy. The 30-year-old woman had atrophy of the optic nerve. "
        "She was told her optic atrophy was incurable."
    )
    assert [c.name for c in conditions(text)] == ["optic nerve atrophy"]
    text = (
        "She was diagnosed with age-related macular degeneration. There is no cure "
        "for the type she has, called dry macular degeneration."
    )
    assert [c.name for c in conditions(text)] == ["dry age-related macular degeneration"]


def test_a_sign_with_a_kind_word_is_a_diagnosis() -> None:
    text = "The exam shows pendular nystagmus. His nystagmus is acquired nystagmus."
    assert [c.name for c in conditions(text)] == ["acquired pendular nystagmus"]


@pytest.mark.parametrize(
    ("text", "side"),
    [
        (
            "Her right eye could only count fingers. She was diagnosed with optic neuritis.",
            "right",
        ),
        ("Acuity was 20/400 OD and 20/800 OS. He has optic atrophy.", "both"),
        ("Cells were injected into each vitreous cavity of a man with optic atrophy.", "both"),
        ("He has multiple sclerosis. His left eye is blind.", None),  # not an eye disease
    ],
)
def test_eye_disease_takes_the_story_eye(text: str, side: str | None) -> None:
    assert conditions(text)[0].laterality == side


def test_main_condition_takes_the_story_onset() -> None:
    text = (
        "Half a year ago her knees began to swell.\n"
        "The diagnosis is osteoarthritis for both knees."
    )
    [found] = conditions(text)
    assert (found.name, found.laterality) == ("knee osteoarthritis", "both")
    assert found.onset is not None
    assert (found.onset.relation, found.onset.value, found.onset.unit) == (
        "before_now",
        0.5,
        "year",
    )


def test_only_the_first_patient_of_a_series() -> None:
    text = "Case 1: a man with glaucoma improved.\nCase 2: a woman with cataract did not."
    assert [c.name for c in conditions(text)] == ["glaucoma"]


def test_spans_quote_the_text() -> None:
    text = (
        "Mr. Ruiz, 52, injured his spine in a motorcycle crash four months ago. "
        "He has a T12 fracture and a spinal cord injury OS."
    )
    found = conditions(text)
    assert [c.name for c in found] == ["t12 fracture", "spinal cord injury"]
    for condition in found:
        quotes = {key: text[start:end] for key, (start, end) in condition.spans.items()}
        assert condition.name.split()[-1] in quotes["name"].lower()
        assert "motorcycle crash" in quotes["cause"]
    assert text[slice(*found[1].spans["laterality"])].strip() == "OS"


@pytest.mark.parametrize(
    ("entries", "fragment"),
    [
        ([], "'conditions' must be a non-empty list"),
        ([{"variants": ["x"]}], "conditions[0] must be an object with a 'name'"),
        ([{"name": "Glaucoma"}], "must be lower case"),
        ([{"name": "glaucoma", "tags": ["eyes"]}], "tags must be among"),
        ([{"name": "glaucoma", "synonyms": ["x"]}], "'synonyms' must map a phrase to a name"),
        ([{"name": "glaucoma", "colour": "red"}], "unknown keys ['colour']"),
    ],
)
def test_vocabulary_is_checked(entries: object, fragment: str) -> None:
    with pytest.raises(RuntimeError, match=r"data/conditions\.json") as info:
        _check_conditions(entries)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        "\x00\x01\x02",
        "(" * 5000,
        "injury " * 2000,
        "spinal cord injury from a fall due to " * 300,
        "optic atrophy (" * 500,
        "Лечение стволовыми клетками улучшило зрение.",
        "diagnosed with " * 500,
    ],
)
def test_odd_text(text: str) -> None:
    for condition in conditions(text):
        assert condition.name


STORY = [
    "A 52-year-old woman lost vision in her left eye two years ago due to optic neuritis.",
    "She was diagnosed with multiple sclerosis in 2015.",
    "He fell from a roof, which caused a T12 fracture and paraplegia.",
    "There is no family history of glaucoma.",
    "Diagnosis: Optic Nerve Injury-02",
    "Cerebral palsy is a group of disorders.",
    "Since birth she has had nystagmus (acquired).",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_never_raises(text: str) -> None:
    for condition in conditions(text):
        for start, end in condition.spans.values():
            assert 0 <= start < end <= len(text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(STORY), max_size=8),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
)
def test_mutated_stories_never_raise(sentences: list[str], noise: str) -> None:
    text = noise.join(sentences)
    for condition in conditions(text):
        assert condition.name == condition.name.lower()
        for start, end in condition.spans.values():
            assert 0 <= start < end <= len(text)
