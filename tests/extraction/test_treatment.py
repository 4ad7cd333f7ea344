"""Treatment extraction: interventions, their slots, day 0 and prior treatments.

Every narrative here is written for the test, in the phrasing families of
clinic testimonials and case reports (not copied from the corpus).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caserecord.extraction._data import load_json
from caserecord.extraction._document import Document
from caserecord.extraction._mentions import (
    InterventionMention,
    PriorTreatmentMention,
    TreatmentMentions,
)
from caserecord.extraction.treatment import extract_treatments, validate_treatment_vocabulary


def treat(text: str) -> TreatmentMentions:
    return extract_treatments(Document.parse(text))


def only(text: str) -> InterventionMention:
    found = treat(text).interventions
    assert len(found) == 1, [i.name for i in found]
    return found[0]


# -- one intervention, its slots ---------------------------------------------------------

SLOTS: list[tuple[str, dict[str, Any]]] = [
    # verbs of administration
    (
        "The boy received umbilical cord-derived mesenchymal stem cell therapy in our clinic.",
        {
            "name": "umbilical cord-derived mesenchymal stem cell therapy",
            "kind": "cell_therapy",
            "cell_type": "umbilical cord-derived mesenchymal stem cells",
            "cell_source": "umbilical cord",
        },
    ),
    (
        "In 2016 she underwent adult stem cell therapy.",
        {"name": "adult stem cell therapy", "cell_type": "adult stem cells"},
    ),
    (
        "He was started on neural stem cell treatment last spring.",
        {"cell_type": "neural stem cells", "name": "neural stem cell treatment"},
    ),
    (
        "Two weeks ago, 40 million cells were administered intrathecally to the patient as "
        "stem cell therapy.",
        {
            "dose_text": "40 million cells",
            "dose_value": 4e7,
            "dose_unit": "cells",
            "route": "intrathecal",
        },
    ),
    (
        "After we gave our daughter MSC stem cells through IV, we flew home.",
        {"cell_type": "mesenchymal stem cells", "route": "intravenous"},
    ),
    (
        "The surgeon implanted a stem cell patch under her macula.",
        {"route": "surgical implantation", "name": "stem cell patch"},
    ),
    # cell types, abbreviations and sources
    (
        "She was given 5 infusions of allogeneic umbilical cord blood stem cells.",
        {
            "cell_type": "umbilical cord blood-derived stem cells",
            "cell_source": "allogeneic umbilical cord blood",
            "sessions": 5,
        },
    ),
    (
        "The man received bone marrow-derived stem cells (BMSCs) by lumbar puncture; BMSCs were "
        "harvested the same morning.",
        {
            "cell_type": "bone marrow-derived stem cells",
            "cell_source": "bone marrow",
            "route": "lumbar puncture",
        },
    ),
    (
        "Our patient was injected with ADSCs into both knees.",
        {
            "cell_type": "adipose tissue-derived stem cells",
            "cell_source": "adipose tissue",
            "laterality": "both",
        },
    ),
    (
        "The cells were prepared from her own bone marrow. Four days later the stem cells were "
        "injected into the vitreous cavity of the left eye.",
        {
            "cell_source": "bone marrow",
            "route": "intravitreal injection",
            "laterality": "left",
            "name": "stem cell injection",
        },
    ),
    (
        "He received autologous bone marrow mononuclear cells intravenously.",
        {
            "cell_source": "autologous bone marrow",
            "route": "intravenous",
            "cell_type": "bone marrow-derived mononuclear cells",
        },
    ),
    # routes, kept as written
    (
        "Delivered via intrathecal injection into the optic nerve sheath, the stem cells reached "
        "his right eye.",
        {"route": "intrathecal injection into optic nerve sheath", "laterality": "right"},
    ),
    (
        "Mesenchymal stem cells were administered by subtenon injection OU.",
        {"route": "subtenon injection", "laterality": "both"},
    ),
    (
        "She underwent retrobulbar stem cell injections in the right eye.",
        {"route": "retrobulbar", "laterality": "right"},
    ),
    (
        "The girl received 9 umbilical cord mesenchymal stem cell (UC-MSC) packets by "
        "intravenous (IV) and intrathecal injections.",
        {
            "route": "intravenous and intrathecal injections",
            "sessions": 9,
            "dose_text": "9 uc-msc packets",
        },
    ),
    # sessions
    ("He underwent four implantations of neural stem cells.", {"sessions": 4}),
    ("She received a total of six stem cell injections.", {"sessions": 6}),
    (
        "In March, 2014, the child received the first course of stem cell transplantation, and "
        "he received the second course and the third course the following years.",
        {"sessions": 3, "name": "stem cell transplantation"},
    ),
    ("She received the 1st round stem cell treatment in our hospital.", {"sessions": None}),
    # doses
    (
        "He was given MSCs at 1x10^6 cells/kg intravenously.",
        {"dose_text": "1x10^6 cells/kg", "dose_value": 1e6, "dose_unit": "cells/kg"},
    ),
    (
        "Each injection of stem cells contained 2.5 million cells and was given intrathecally.",
        {"dose_value": 2.5e6},
    ),
]


@pytest.mark.parametrize(("text", "expected"), SLOTS)
def test_intervention_slots(text: str, expected: dict[str, Any]) -> None:
    mention = only(text)
    for slot, value in expected.items():
        assert getattr(mention, slot) == value, (slot, mention)


def test_every_span_quotes_the_text() -> None:
    text = (
        "Before treatment she saw hand motions only.\n\nThe patient received 4 intravenous "
        "and 3 intrathecal infusions of umbilical cord blood stem cells (UCBSCs) in June "
        "2019, with 30 million cells per infusion, in both eyes."
    )
    result = treat(text)
    assert result.interventions
    for mention in result.interventions:
        for key, (start, end) in mention.spans.items():
            assert 0 <= start < end <= len(text), key
            assert text[start:end].strip() == text[start:end], (key, text[start:end])


# -- one intervention per distinct treatment ---------------------------------------------

SPLITS: list[tuple[str, list[tuple[str, int | None]]]] = [
    (
        "Three months after onset he received 3 intravenous and 2 intrathecal infusions of "
        "cord blood stem cells.",
        [("intravenous", 3), ("intrathecal", 2)],
    ),
    (
        "The child received 6 injections of umbilical cord MSCs: 5 intravenous and 1 intrathecal.",
        [("intravenous", 5), ("intrathecal", 1)],
    ),
    (
        "During his first stay he received 2 stem cell transplantations via CT-guided intraspinal "
        "injection, 1 stem cell transplantation via stereotactic brain surgery, 3 stem cell "
        "injections via lumbar puncture in 2012.",
        [
            ("ct-guided intraspinal injection", 2),
            ("stereotactic brain surgery", 1),
            ("lumbar puncture", 3),
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SPLITS)
def test_routes_with_their_own_counts_split(
    text: str, expected: list[tuple[str, int | None]]
) -> None:
    found = treat(text).interventions
    assert [(m.route, m.sessions) for m in found] == expected
    assert len({m.name for m in found}) == len(found)  # names tell them apart


def test_doses_per_route_split_and_keep_the_side() -> None:
    text = (
        "A total of 600 million autologous bone marrow-derived stem cells were isolated. "
        "Of these, 400 million cells were administered intrathecally, 20 million cells "
        "were injected into each vitreous cavity, and 80 million cells were injected into "
        "each retrobulbar space."
    )
    found = treat(text).interventions
    assert [(m.route, m.dose_value, m.laterality) for m in found] == [
        ("intrathecal", 4e8, None),
        ("intravitreal injection", 2e7, "both"),
        ("retrobulbar injection", 8e7, "both"),
    ]
    assert all(m.cell_source == "autologous bone marrow" for m in found)


def test_a_passing_mention_merges_with_the_detailed_telling() -> None:
    text = (
        "She was told she received cord blood stem cells at a clinic abroad. Later it "
        "emerged she received 2 intravenous and 2 intrathecal infusions of them."
    )
    found = treat(text).interventions
    assert [m.route for m in found] == ["intravenous", "intrathecal"]
    assert treat(text).day0_sentence == 1


def test_rehabilitation_alongside_is_its_own_intervention() -> None:
    text = (
        "During a 3-week stay he received 4 stem cell injections together with daily "
        "physiotherapy and acupuncture."
    )
    kinds = [(m.kind, m.name) for m in treat(text).interventions]
    assert kinds == [
        ("cell_therapy", "stem cell injections"),
        ("rehabilitation", "daily physiotherapy"),
        ("rehabilitation", "acupuncture"),
    ]


# -- drugs -------------------------------------------------------------------------------

DRUGS: list[tuple[str, list[dict[str, Any]]]] = [
    (
        "On presentation she was treated with intravenous methylprednisolone (1 g daily for "
        "three days), followed by an oral prednisone taper.",
        [
            {
                "name": "intravenous methylprednisolone",
                "route": "intravenous",
                "sessions": 3,
                "dose_text": "1 g daily for three days",
                "dose_value": 1.0,
                "dose_unit": "g",
            },
            {"route": "oral", "name": "oral prednisone taper"},
        ],
    ),
    (
        "He received dexamethasone 8 mg q8h intravenously for 2 days.",
        [
            {
                "name": "intravenous dexamethasone",
                "dose_text": "8 mg q8h for 2 days",
                "sessions": None,
            }
        ],
    ),
    (
        "Seven peribulbar injections of triamcinolone were given in an amount of 0.5 ml.",
        [{"route": "peribulbar", "sessions": 7, "dose_text": "0.5 ml", "dose_unit": "mL"}],
    ),
    (
        "She was admitted for methylprednisolone intravenous pulse therapy. A week later her "
        "vision fell again and she was admitted for steroid therapy again.",
        [{"name": "methylprednisolone intravenous pulse therapy", "sessions": 2}],
    ),
]


@pytest.mark.parametrize(("text", "expected"), DRUGS)
def test_drug_interventions(text: str, expected: list[dict[str, Any]]) -> None:
    found = treat(text).interventions
    assert len(found) == len(expected), [m.name for m in found]
    for mention, slots in zip(found, expected, strict=True):
        assert mention.kind == "drug"
        for slot, value in slots.items():
            assert getattr(mention, slot) == value, (slot, mention)


def test_cell_therapy_outranks_drugs_given_before() -> None:
    text = (
        "He was put on oral prednisone for two months without benefit. In 2019 he "
        "underwent stem cell transplantation at our center."
    )
    result = treat(text)
    assert [m.name for m in result.interventions] == ["stem cell transplantation"]
    assert [p.name for p in result.prior] == ["oral prednisone"]
    assert result.day0_sentence == 1


# -- nothing the patient was given -------------------------------------------------------

NOTHING = [
    "Mesenchymal stem cells have been shown to protect retinal ganglion cells in rats.",
    "Stem cell injections may help children like him, the doctor said.",
    "Transplanted neural stem cells have shown promise in animal models.",
    "He did not receive any stem cells because his insurance refused.",
    "She learned about stem cell therapy online and wanted to try it.",
    "Medications: None. Past ocular history: unremarkable.",
    "",
]


@pytest.mark.parametrize("text", NOTHING)
def test_no_intervention_is_invented(text: str) -> None:
    result = treat(text)
    assert result.interventions == []
    assert result.day0_sentence is None


# -- day 0 -------------------------------------------------------------------------------


def test_day0_is_the_sentence_of_the_first_treatment_with_its_date() -> None:
    text = (
        "The girl was born with optic nerve hypoplasia. Her parents took her abroad. "
        "In September, 2015, she received her first course of stem cell therapy there. "
        "She received a second course in May, 2016."
    )
    result = treat(text)
    assert result.day0_sentence == 2
    assert result.day0_date is not None
    assert str(result.day0_date.date) == "2015-09"
    assert text[result.day0_date.start : result.day0_date.end].endswith("2015")


def test_day0_date_from_the_first_row_of_a_schedule_table() -> None:
    text = (
        "Treatment Schedule\n\nThe patient received 5 UCMSC packets by intravenous "
        "injection as listed below:\n\nNumber Date Cell Type Delivery Method Side Effects\n"
        "1 2018-06-11 UCMSC Intravenous Injection none reported\n"
        "2 2018-06-14 UCMSC Intravenous Injection none reported\n"
    )
    result = treat(text)
    assert result.day0_date is not None
    assert str(result.day0_date.date) == "2018-06-11"
    assert text[result.day0_date.start : result.day0_date.end] == "2018-06-11"


def test_day0_date_from_the_admission_date_when_nothing_closer() -> None:
    text = "Admission date: 2017-02-20\n\nThe boy received 6 stem cell injections during his stay."
    result = treat(text)
    assert result.day0_date is not None
    assert str(result.day0_date.date) == "2017-02-20"


def test_day0_date_from_the_sentence_before_when_it_frames_the_treatment() -> None:
    text = (
        "In April 2018, she joined a clinical trial at a university hospital. A surgeon "
        "implanted a stem cell patch beneath her retina."
    )
    result = treat(text)
    assert result.day0_sentence == 1
    assert result.day0_date is not None
    assert str(result.day0_date.date) == "2018-04"


def test_now_is_placed_by_a_treatment_told_relative_to_the_present() -> None:
    text = (
        "They brought their daughter to us for stem cell therapy. She underwent the "
        "procedure two months ago, and she already babbles."
    )
    result = treat(text)
    assert result.day0_sentence == 1
    assert result.now is not None
    assert (result.now.value, result.now.relation) == (2.0, "before_now")
    assert [m.name for m in result.interventions] == ["stem cell therapy"]


def test_a_story_that_only_times_its_treatment_still_has_one() -> None:
    text = (
        "A Case of Stem Cell Transplant for Diabetes\n\nHis fasting glucose was high. "
        "After 20 days' treatment by stem cell transplant, his glucose was normal."
    )
    result = treat(text)
    assert [m.name for m in result.interventions] == ["stem cell transplant"]
    assert result.day0_sentence == 2


# -- prior treatments --------------------------------------------------------------------

PRIOR: list[tuple[str, list[str]]] = [
    (
        "Despite receiving standard therapy with corticosteroids, vitamins and acupuncture, her "
        "sight kept failing. She then received stem cell treatment.",
        ["corticosteroids", "vitamins", "acupuncture"],
    ),
    (
        "After conventional medication her pain was still severe. She underwent stem cell "
        "injections into the knee.",
        ["conventional medication"],
    ),
    (
        "He had been treated in several hospitals with no result. In 2010 he received stem cell "
        "therapy.",
        ["treatment in several hospitals"],
    ),
    (
        "Before admission she was taking insulin twice a day. After the stem cell infusions "
        "she stopped insulin.",
        ["insulin"],
    ),
    (
        "He was treated for glaucoma for years. He then received bone marrow stem cells "
        "intravenously.",
        ["treatment for glaucoma"],
    ),
    (
        "The numbness resembled what he usually feels during intensive physiotherapy. He "
        "received stem cell treatment intravenously.",
        ["intensive physiotherapy"],
    ),
    (
        "A 70-year-old woman underwent vitrectomy of her right eye under general anesthesia. "
        "Two days later she received intravenous dexamethasone.",
        ["vitrectomy under general anesthesia"],
    ),
    ("She received umbilical cord stem cells in 2015.", []),
]


@pytest.mark.parametrize(("text", "expected"), PRIOR)
def test_prior_treatments(text: str, expected: list[str]) -> None:
    result = treat(text)
    assert [p.name for p in result.prior] == expected
    for prior in result.prior:
        start, end = prior.spans["name"]
        assert 0 <= start < end <= len(text)


# -- the vocabulary file -----------------------------------------------------------------

BROKEN: list[tuple[str, Any, str]] = [
    ("routes", "intravenous", "routes must be a non-empty list"),
    ("drugs", ["steroid"], "drugs must be an object"),
    ("count_nouns", [1, 2], "count_nouns must be a list of non-empty strings"),
    ("laterality", {"right": {"phrases": ["right eye"]}}, "exactly the keys right, left, both"),
    (
        "cell_abbreviations",
        {"XSC": {"source": "moon rock", "kind": None}},
        "must name a cell_sources entry",
    ),
    ("surgical_route", "", "surgical_route must be a non-empty string"),
]


@pytest.mark.parametrize(("key", "value", "message"), BROKEN)
def test_a_broken_vocabulary_fails_naming_the_file_and_key(
    key: str, value: Any, message: str
) -> None:
    data = copy.deepcopy(load_json("treatments.json"))
    data[key] = value
    with pytest.raises(RuntimeError, match=r"data/treatments\.json") as error:
        validate_treatment_vocabulary(data)
    assert message in str(error.value)


def test_a_missing_section_is_named() -> None:
    data = copy.deepcopy(load_json("treatments.json"))
    del data["drugs"]
    with pytest.raises(RuntimeError, match="missing key 'drugs'"):
        validate_treatment_vocabulary(data)


def test_the_shipped_vocabulary_is_valid() -> None:
    vocabulary = validate_treatment_vocabulary(load_json("treatments.json"))
    assert {r.name for r in vocabulary.routes} >= {"intravenous", "intrathecal", "retrobulbar"}


# -- never raises ------------------------------------------------------------------------

PIECES = [
    "He received 4 intravenous and 2 intrathecal infusions of MSCs.",
    "In June, 2011, she underwent stem cell transplantation",
    "1 2012-03-05 UCBSC Intravenous Injection none reported",
    "Despite steroids, , and , vision fell.",
    "was given (UCMSC) packets by IV (IV) and",
    "72.5 million cells were injected into each",
    "three months earlier ago",
    "x10^",
    "1x10^99 cells/kg",
    "(((",
    "MSCs MSCs MSCs",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_never_raises_on_any_text(text: str) -> None:
    _check(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(PIECES), max_size=8),
    st.sampled_from([" ", "\n", ". ", ", "]),
    st.text(max_size=10),
)
def test_never_raises_on_treatment_like_text(pieces: list[str], joiner: str, noise: str) -> None:
    _check(joiner.join(pieces) + noise)
    _check(noise.join(pieces))


def _check(text: str) -> None:
    result = treat(text)
    sentences = len(Document.parse(text).sentences)
    if result.day0_sentence is not None:
        assert 0 <= result.day0_sentence < sentences
    mentions: list[InterventionMention | PriorTreatmentMention] = [
        *result.interventions,
        *result.prior,
    ]
    for mention in mentions:
        assert mention.name
        for start, end in mention.spans.values():
            assert 0 <= start < end <= len(text)


# -- phrasing families beyond the usual verbs ------------------------------------------------
# Written for these tests: passive chains, nouns that do the giving, products given as they
# are, source and type from modifiers, counts told as repeats.

GENERAL: list[tuple[str, dict[str, Any]]] = [
    (
        "Autologous bone marrow mesenchymal stem cells were expanded and delivered by lumbar "
        "puncture in four monthly doses of 1x10^6 cells/kg.",
        {
            "cell_type": "mesenchymal stem cells",
            "cell_source": "autologous bone marrow",
            "route": "lumbar puncture",
            "sessions": 4,
            "dose_text": "1x10^6 cells/kg",
        },
    ),
    (
        "When she was three, she was given her own umbilical cord blood, stored at birth, "
        "through an IV infusion.",
        {
            "name": "umbilical cord blood",
            "cell_type": None,
            "cell_source": "autologous umbilical cord blood",
            "route": "intravenous",
        },
    ),
    (
        "She paid a private clinic for bilateral intravitreal injections of autologous "
        'adipose-derived "stem cells".',
        {
            "name": "intravitreal injections of autologous adipose-derived stem cells",
            "cell_source": "autologous adipose tissue",
            "laterality": "both",
        },
    ),
    (
        "Wharton's jelly mesenchymal stem cells were injected into the subtenon space of the "
        "left eye. The injections were repeated three times at monthly intervals.",
        {
            "cell_type": "mesenchymal stem cells",
            "cell_source": "Wharton's jelly",
            "route": "subtenon injection",
            "laterality": "left",
            "sessions": 3,
        },
    ),
    (
        "Treatment consisted of two intravenous infusions of placental mesenchymal stem cells, "
        "50 million cells each.",
        {
            "name": "intravenous infusions of placental mesenchymal stem cells",
            "cell_source": "placenta",
            "sessions": 2,
            "dose_text": "50 million cells",
        },
    ),
    (
        "In March 2015 we administered autologous olfactory ensheathing cells by direct "
        "injection into the spinal cord.",
        {"cell_type": "olfactory ensheathing cells", "route": "intraspinal injection"},
    ),
    (
        "She had bone marrow CD34+ cells injected into the vitreous of her right eye.",
        {"cell_source": "bone marrow", "route": "intravitreal injection", "laterality": "right"},
    ),
    (
        "Allogeneic neural progenitor cells were infused intrathecally in May 2016.",
        {"cell_type": "neural progenitor cells", "route": "intrathecal"},
    ),
    (
        "Infusion of umbilical cord mesenchymal stem cells, 100 million cells in total, was "
        "followed by fewer flares.",
        {
            "name": "infusion of umbilical cord mesenchymal stem cells",
            "cell_source": "umbilical cord",
            "dose_text": "100 million cells",
        },
    ),
    (
        "Subretinal implantation of a retinal pigment epithelium (RPE) patch in her left eye "
        "followed in June 2019.",
        {
            "cell_type": "retinal pigment epithelium",
            "route": "subretinal implantation",
            "laterality": "left",
        },
    ),
    (
        "Stem cells were given by lumbar puncture three times in 2011.",
        {"route": "lumbar puncture", "sessions": 3},
    ),
    (
        "In 2016 a 72-year-old woman received intravitreal injections of stem cells.",
        {"sessions": None},
    ),
]


@pytest.mark.parametrize(("text", "expected"), GENERAL)
def test_treatments_told_without_the_usual_verbs(text: str, expected: dict[str, Any]) -> None:
    mention = only(text)
    for slot, value in expected.items():
        assert getattr(mention, slot) == value, (slot, mention)


NOT_GIVEN = [
    # a title names the treatment, it does not tell it
    "A Case of Stem Cell Transplant for Diabetes",
    # what she read about, not what she had
    "She read information on intravitreal injections of adipose stem cells.",
    # a denial
    "He had no stem cell injections.",
]


@pytest.mark.parametrize("text", NOT_GIVEN)
def test_a_noun_of_giving_alone_does_not_invent_a_treatment(text: str) -> None:
    assert treat(text).interventions == []


PRIOR_GENERAL: list[tuple[str, list[str]]] = [
    (
        "Patching and vitamins had not helped her. In 2012 she received umbilical cord blood "
        "stem cells intravenously.",
        ["patching", "vitamins"],
    ),
    (
        "Physiotherapy did not help my son. In 2013 he received cord blood stem cells "
        "intravenously.",
        ["physiotherapy"],
    ),
    (
        "Despite 18 months of intensive physiotherapy, he could not stand. In 2019 he "
        "received bone marrow stem cells by lumbar puncture.",
        ["intensive physiotherapy"],
    ),
    (
        "The patient failed two courses of intravenous methylprednisolone. In 2018 he received "
        "autologous bone marrow stem cells intrathecally.",
        ["intravenous methylprednisolone"],
    ),
    (
        "Despite cataract surgery, her vision stayed poor for years. In 2015 she received "
        "retrobulbar injections of stem cells.",
        ["cataract surgery"],
    ),
    # a rescue after the story's treatment is not a prior treatment
    (
        "In 2016 she received intravitreal injections of adipose-derived stem cells. A week "
        "later she developed retinal detachment. Despite vitrectomy surgery, at 1 year her "
        "vision was hand motions.",
        [],
    ),
    (
        "He received an intravitreal injection of stem cells in 2014. Two days later he was "
        "treated with intravitreal antibiotics, which did not help.",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), PRIOR_GENERAL)
def test_prior_treatments_told_as_failures(text: str, expected: list[str]) -> None:
    result = treat(text)
    assert [p.name for p in result.prior] == expected
    assert len(result.interventions) == 1  # the rescue is not an intervention either


def test_cell_products_must_name_a_source() -> None:
    data = copy.deepcopy(load_json("treatments.json"))
    data["cell_products"] = [{"name": "moon dust", "phrases": ["moon dust"]}]
    with pytest.raises(RuntimeError, match="cell_products names must name a cell_sources"):
        validate_treatment_vocabulary(data)
