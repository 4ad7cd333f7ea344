"""Patient, conditions, prior treatments and interventions of narratives told in varied
ways: parents' stories, clinic letters, case reports, bulleted summaries, news style.

Every narrative is written for these tests; none is taken from a corpus.  Each test asserts
the facts of one area only.
"""

from __future__ import annotations

import pytest

from caserecord import extract
from caserecord.record import CaseRecord

PARENT_ONH = (
    "My name is Karen and I am writing about my son, Oliver. I was 34 when Oliver was"
    " born, and at eight months old he was diagnosed with bilateral optic nerve "
    "hypoplasia. The paediatric ophthalmologist told us there was nothing to be done."
    " We tried patching and vision therapy for almost a year without much change.\n"
    "\n"
    "When Oliver was 22 months old we travelled to a clinic in Panama, where he "
    "received umbilical cord mesenchymal stem cells. Over two weeks he had four "
    "intravenous infusions and two intrathecal injections, each containing about 30 "
    "million cells. The nurses were wonderful and he tolerated everything well.\n"
    "\n"
    "Three months after we came home, Oliver began tracking toys across the room. His"
    " nystagmus is much calmer now and he reaches for objects he could never see "
    "before.\n"
)

LETTER_AMD = (
    "Patient: Mrs. L.\n"
    "Sex: Female\n"
    "Age: 63 years\n"
    "Occupation: retired schoolteacher\n"
    "Diagnosis: Dry age-related macular degeneration (AMD), both eyes\n"
    "\n"
    "History: Mrs. L. noticed blurred central vision in her right eye in 2017, and "
    "the left eye followed a year later. She had been taking AREDS2 supplements and "
    "had undergone low-vision rehabilitation.\n"
    "\n"
    "Treatment: In March 2020 she underwent retrobulbar and sub-Tenon injection of "
    "autologous bone marrow-derived stem cells into both eyes. A total of 3 x 10^6 "
    "cells was given per eye in a single session.\n"
    "\n"
    "Follow-up: At six months her reading speed had improved and she reported "
    "brighter colours.\n"
)

REPORT_LHON = (
    "A 31-year-old man presented with painless, sequential loss of vision in both "
    "eyes over three months. Genetic testing confirmed Leber hereditary optic "
    "neuropathy (LHON) with the m.11778G>A mutation. His mother, aged 58, carries the"
    " same mutation but is unaffected. He works as a software developer.\n"
    "\n"
    "He had previously been treated with idebenone 900 mg/day for six months without "
    "benefit. He then received intravitreal injections of autologous bone marrow-"
    "derived mononuclear cells in the right eye, followed four weeks later by the "
    "left eye. Each eye received 1 x 10^6 cells in 0.1 mL.\n"
    "\n"
    "At 12 months, best-corrected visual acuity improved from 20/400 to 20/200 in the"
    " right eye.\n"
)

NEWS_SCI = (
    "Stem cell therapy gives hope to a young father paralysed in a motorbike crash\n"
    "\n"
    "Daniel Reyes, 26, a mechanic from Cebu, suffered a complete spinal cord injury "
    "(SCI) at the T8 level when his motorbike skidded on a wet road in 2019. After "
    "the accident he spent eighteen months in intensive physiotherapy and was given "
    "high-dose methylprednisolone in the emergency room.\n"
    "\n"
    "Last spring Daniel flew to Bangkok, where doctors gave him five courses of "
    "adipose-derived stem cells by lumbar puncture, alongside daily rehabilitation. "
    '"I started to feel my toes again after the third course," he says. His doctors '
    "report that his ASIA grade moved from A to B.\n"
)

PARENT_CP = (
    "Our daughter Mia was born prematurely at 28 weeks and was diagnosed with spastic"
    " diplegic cerebral palsy (CP) at the age of 14 months. Her father and I are both"
    " nurses. Mia is now four years old.\n"
    "\n"
    "Before the stem cell treatment she had botox injections in her calves twice and "
    "wore ankle-foot orthoses, and she had weekly occupational therapy.\n"
    "\n"
    "In January she received allogeneic umbilical cord blood stem cells "
    "intravenously, 2 infusions in total, given two days apart. Dose: 50 million "
    "cells per infusion.\n"
    "\n"
    "Within six weeks she was sitting unsupported and her speech had improved.\n"
)

REPORT_NAION = (
    "Case report. A 55-year-old woman, a bank clerk, presented with sudden painless "
    "loss of vision in the left eye on waking. She was diagnosed with non-arteritic "
    "anterior ischaemic optic neuropathy (NAION) of the left eye. She has type 2 "
    "diabetes and hypertension.\n"
    "\n"
    "Oral prednisolone was started at presentation but was stopped after two weeks "
    "because of poor glycaemic control. Two months after onset she received a single "
    "sub-Tenon injection of umbilical cord-derived mesenchymal stem cells in the left"
    " eye.\n"
    "\n"
    "The left eye improved from counting fingers to 6/36 at three months.\n"
)

FIRST_PERSON_MS = (
    "I'm a 47 year old female and I have had multiple sclerosis (MS) for 15 years. "
    "Over the years I tried interferon beta, glatiramer acetate and then natalizumab,"
    " but my walking kept getting worse. Two years ago I also developed optic "
    "neuritis in my right eye.\n"
    "\n"
    "In 2022 I went to Mexico for stem cell therapy. I had three rounds of "
    "intravenous mesenchymal stem cells from umbilical cord tissue, 100 million cells"
    " each round, six months apart.\n"
    "\n"
    "After the second round my balance improved and I could walk my dog again.\n"
)

CLINIC_LETTER_RP = (
    "Dear Dr Patel,\n"
    "\n"
    "Re: Mr. Ahmed Khan, aged forty-two\n"
    "\n"
    "Thank you for referring this gentleman, who is a taxi driver, with retinitis "
    "pigmentosa (RP) affecting both eyes. He was first diagnosed at the age of 19. He"
    " has previously tried vitamin A palmitate and omega-3 supplements.\n"
    "\n"
    "He underwent subretinal transplantation of human embryonic stem cell-derived "
    "retinal pigment epithelium in his right eye on 12 May 2021. His vision in the "
    "right eye has remained stable at 6/60 since.\n"
    "\n"
    "Yours sincerely,\n"
    "Dr S. Morgan\n"
)

BULLETS_ASD = (
    "Follow-up summary for patient B.K. (male, 9 years old), autism spectrum "
    "disorder.\n"
    "\n"
    "- Diagnosed at age 3 with autism spectrum disorder (ASD).\n"
    "- Prior therapy: applied behaviour analysis, speech therapy, and a gluten-free "
    "diet.\n"
    "- Treatment: 4 intrathecal injections of autologous bone marrow mononuclear "
    "cells, plus 4 intravenous infusions, over 5 days.\n"
    "- 1 month: better eye contact.\n"
    "- 6 months: speaks in short sentences.\n"
)

INFANT_HIE = (
    "A 6-month-old girl was brought in by her parents with hypoxic-ischemic "
    "encephalopathy following birth asphyxia. She had been treated with therapeutic "
    "hypothermia in the neonatal unit. At seven months of age she received an "
    "intravenous infusion of autologous umbilical cord blood cells, 2 x 10^7 "
    "cells/kg. Her father, 39, is an engineer.\n"
    "\n"
    "At her 12-month review her muscle tone had improved.\n"
)

STORY_GLAUCOMA = (
    "Glaucoma is a thief of sight. Mr. Osei, a 68-year-old retired farmer, had "
    "advanced primary open-angle glaucoma in both eyes for twenty years despite "
    "timolol and latanoprost drops and a trabeculectomy on the right eye in 2015.\n"
    "\n"
    "In 2021 he underwent intravitreal injections of autologous bone marrow-derived "
    "CD34+ cells in both eyes. He had two injections in each eye, three months apart."
    "\n"
    "\n"
    "His visual field remained unchanged at one year.\n"
)

STORY_WET_AMD = (
    "Mrs. Grace Obi is a seventy-one-year-old housewife with wet AMD in her left eye,"
    " diagnosed in 2018. She had received eleven anti-VEGF injections (ranibizumab) "
    "and photodynamic therapy before she came to us. In September 2020 she received a"
    " patch of stem cell-derived retinal pigment epithelial cells, implanted "
    "surgically under the macula of the left eye.\n"
    "\n"
    "Her vision improved by 15 letters by month six.\n"
)

HEADERS_CP = (
    "Name: Ravi\n"
    "Gender: male\n"
    "Age: 14 months\n"
    "Diagnosis: Cerebral palsy due to kernicterus\n"
    "\n"
    "Ravi's mother, 29, first noticed at four months that he could not hold his head "
    "up. He had been receiving physiotherapy three times a week and hippotherapy. In "
    "August 2018 he underwent two courses of stem cell therapy with bone marrow-"
    "derived mononuclear cells, given intrathecally; each course delivered 60 million"
    " cells. After the second course his head control was much better.\n"
)

FIRST_PERSON_GLAUCOMA = (
    "I am a 58-year-old retired police officer. In 2016 I was diagnosed with glaucoma"
    " in both eyes and, despite eye drops and laser treatment, my sight kept failing."
    " Last year a clinic in Florida injected stem cells taken from my own fat behind "
    "both eyes (retrobulbar). Within a week I lost most of the vision in my left eye."
    " My doctors now say I have optic neuropathy in the left eye caused by the "
    "injections.\n"
)

REPORT_NMOSD = (
    "CASE PRESENTATION\n"
    "A 24-year-old female graduate student with neuromyelitis optica spectrum "
    "disorder (NMOSD) presented with bilateral optic atrophy. She had previously "
    "received azathioprine and rituximab, as well as plasma exchange during relapses."
    " She was enrolled in a compassionate-use protocol and received intravenous "
    "Wharton's jelly mesenchymal stem cells at a dose of 1 x 10^6 cells/kg, repeated "
    "monthly for three months.\n"
)

SPOUSE_STROKE = (
    "My husband Tom, who is 61, had a stroke in March 2021 that left him with "
    "weakness on his right side and trouble speaking. He had speech therapy and "
    "physiotherapy for a year with little improvement. In 2022 he had intranasal and "
    "intravenous stem cell treatment at a clinic in Kazakhstan: three intravenous "
    "infusions and six intranasal applications of umbilical cord MSCs. Six months "
    "later he can walk with a cane.\n"
)


def record(text: str) -> CaseRecord:
    return extract(text)


def prior_names(text: str) -> list[str]:
    return [p.name for p in record(text).prior_treatments]


# -- prior treatments ---------------------------------------------------------------------

PRIOR: list[tuple[str, str, list[str]]] = [
    # "tried" with no failure told: the list names a treatment
    ("tried, no failure cue", PARENT_ONH, ["patching", "vision therapy"]),
    # perfect tense before the treatment, two verbs in one sentence
    (
        "had been taking, had undergone",
        LETTER_AMD,
        ["areds2 supplements", "low-vision rehabilitation"],
    ),
    # a dose after the drug is not part of its name, and the drug is told once
    ("dose not in the name", REPORT_LHON, ["idebenone"]),
    # "Before the stem cell treatment ...": a sentence framed as before it
    ("before frame", PARENT_CP, ["botox injection", "occupational therapy"]),
    # a drug stopped in the passive voice
    ("stopped, passive", REPORT_NAION, ["prednisolone"]),
    # drug names not in any list, told together with one that is
    (
        "unknown drug names",
        FIRST_PERSON_MS,
        ["interferon beta", "glatiramer acetate", "natalizumab"],
    ),
    ("has previously tried", CLINIC_LETTER_RP, ["vitamin a palmitate", "omega-3 supplements"]),
    # a bullet whose own heading names the list
    (
        "heading of a list",
        BULLETS_ASD,
        ["applied behaviour analysis", "speech therapy", "gluten-free diet"],
    ),
    # "despite" with eye drops and a surgery; its eye and year are not its name
    (
        "despite, drops and surgery",
        STORY_GLAUCOMA,
        ["timolol", "latanoprost drops", "trabeculectomy"],
    ),
    # the drug in brackets is the injections' own name, not a second treatment
    (
        "bracketed drug",
        STORY_WET_AMD,
        ["anti-vegf injections (ranibizumab)", "photodynamic therapy"],
    ),
    # its frequency is not its name
    ("frequency not in the name", HEADERS_CP, ["physiotherapy", "hippotherapy"]),
    ("despite eye drops and laser", FIRST_PERSON_GLAUCOMA, ["eye drops", "laser treatment"]),
    ("as well as", REPORT_NMOSD, ["azathioprine", "rituximab", "plasma exchange"]),
    # rehabilitation told with a verb before the story's treatment
    ("rehabilitation before", SPOUSE_STROKE, ["speech therapy", "physiotherapy"]),
]


@pytest.mark.parametrize(("text", "expected"), [p[1:] for p in PRIOR], ids=[p[0] for p in PRIOR])
def test_prior_treatments(text: str, expected: list[str]) -> None:
    assert prior_names(text) == expected


def test_prior_rehabilitation_and_emergency_treatment() -> None:
    assert prior_names(NEWS_SCI) == ["high-dose methylprednisolone", "intensive physiotherapy"]


# -- interventions: dose and count told apart from the cells ------------------------------

DOSES: list[tuple[str, str, float, str]] = [
    ("each containing", PARENT_ONH, 30e6, "cells"),
    ("x 10^6 in its own sentence", LETTER_AMD, 3e6, "cells"),
    ("each eye received", REPORT_LHON, 1e6, "cells"),
    ("Dose: line", PARENT_CP, 50e6, "cells"),
    ("cells/kg of cord blood cells", INFANT_HIE, 2e7, "cells/kg"),
    ("each course delivered", HEADERS_CP, 60e6, "cells"),
    ("at a dose of", REPORT_NMOSD, 1e6, "cells/kg"),
]


@pytest.mark.parametrize(
    ("text", "value", "unit"), [d[1:] for d in DOSES], ids=[d[0] for d in DOSES]
)
def test_cell_dose(text: str, value: float, unit: str) -> None:
    interventions = [i for i in record(text).interventions if i.cell_source or i.cell_type]
    assert interventions
    for intervention in interventions:
        assert intervention.dose is not None
        assert intervention.dose.amount.value == pytest.approx(value)
        assert str(intervention.dose.amount.unit) == unit


def test_one_dose_for_two_routes() -> None:
    routes = {i.route: i.sessions for i in record(PARENT_ONH).interventions}
    assert routes == {"intravenous": 4, "intrathecal": 2}


@pytest.mark.parametrize(
    ("text", "sessions"),
    [(LETTER_AMD, 1), (STORY_GLAUCOMA, 2), (REPORT_NAION, 1), (FIRST_PERSON_MS, 3)],
    ids=["single session", "later sentence", "single injection", "rounds"],
)
def test_session_count(text: str, sessions: int) -> None:
    (intervention,) = record(text).interventions
    assert intervention.sessions == sessions


def test_cord_blood_cells_are_a_cell_treatment() -> None:
    (intervention,) = record(INFANT_HIE).interventions
    assert intervention.cell_source == "autologous umbilical cord blood"
    assert intervention.route is not None
    assert "intravenous" in intervention.route


def test_source_from_my_own_fat() -> None:
    (intervention,) = record(FIRST_PERSON_GLAUCOMA).interventions
    assert intervention.cell_source == "adipose tissue"
    assert intervention.route == "retrobulbar"


def test_rehabilitation_alongside_is_its_own_intervention() -> None:
    names = [i.name for i in record(NEWS_SCI).interventions]
    assert names[-1] == "daily rehabilitation"
    assert record(NEWS_SCI).interventions[0].route == "lumbar puncture"


# -- patient ------------------------------------------------------------------------------

PATIENTS: list[tuple[str, str, str | None, tuple[float, str] | None, str | None]] = [
    # the age told with the treatment ("When Oliver was 22 months old we travelled to a
    # clinic ... where he received") is the age at presentation; his mother's is not
    ("age at the treatment, not the mother's", PARENT_ONH, "male", (22, "month"), None),
    ("works as", REPORT_LHON, "male", (31, "year"), "software developer"),
    ("appositive after the age", REPORT_NAION, "female", (55, "year"), "bank clerk"),
    ("father's age and job are not hers", INFANT_HIE, "female", (6, "month"), None),
    ("parents are nurses", PARENT_CP, "female", (4, "year"), None),
    ("header occupation", LETTER_AMD, "female", (63, "year"), "retired schoolteacher"),
    ("letter, age in words", CLINIC_LETTER_RP, "male", (42, "year"), "taxi driver"),
    ("header age in months", HEADERS_CP, "male", (14, "month"), None),
    ("two-word occupation", FIRST_PERSON_GLAUCOMA, None, (58, "year"), "police officer"),
    ("student with a qualifier", REPORT_NMOSD, "female", (24, "year"), "graduate student"),
]


@pytest.mark.parametrize(
    ("text", "sex", "age", "occupation"),
    [p[1:] for p in PATIENTS],
    ids=[p[0] for p in PATIENTS],
)
def test_patient(
    text: str, sex: str | None, age: tuple[float, str] | None, occupation: str | None
) -> None:
    patient = record(text).patient
    assert (patient.sex.value if patient.sex else None) == sex
    assert ((patient.age.value, patient.age.unit.value) if patient.age else None) == age
    assert patient.occupation == occupation


# -- conditions ---------------------------------------------------------------------------


def conditions(text: str) -> dict[str, tuple[str | None, str | None]]:
    return {
        c.name: (c.laterality.value if c.laterality else None, c.cause)
        for c in record(text).conditions
    }


def test_mutation_after_its_link_word_is_the_cause() -> None:
    found = conditions(REPORT_LHON)
    assert found["leber hereditary optic neuropathy"] == ("both", "m.11778g>a mutation")


def test_parents_who_bring_the_child_do_not_own_her_condition() -> None:
    assert conditions(INFANT_HIE)["hypoxic ischemic encephalopathy"] == (None, "birth asphyxia")


def test_spectrum_disorder_abbreviation_stays_whole() -> None:
    found = conditions(REPORT_NMOSD)
    assert "neuromyelitis optica spectrum disorder" in found
    assert "spectrum disorder" not in found


@pytest.mark.parametrize(
    ("text", "name", "side"),
    [
        (REPORT_NAION, "non-arteritic anterior ischaemic optic neuropathy", "left"),
        (CLINIC_LETTER_RP, "retinitis pigmentosa", "both"),
        (STORY_WET_AMD, "wet age-related macular degeneration", "left"),
        (FIRST_PERSON_MS, "optic neuritis", "right"),
        (BULLETS_ASD, "autism spectrum disorder", None),
        (PARENT_CP, "spastic diplegic cerebral palsy", None),
        (HEADERS_CP, "cerebral palsy", None),
    ],
)
def test_condition_and_side(text: str, name: str, side: str | None) -> None:
    assert conditions(text)[name][0] == side
