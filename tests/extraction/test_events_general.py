"""Interventions, prior treatments, adverse events and denials of narratives told in
varied ways: testimonials, parents' stories, case reports, clinic letters with headers,
bulleted follow-up diaries and news items.

Every narrative is written for these tests; none is taken from a corpus.  Each test
asserts the facts of one area only (times of events belong to the time rules and are
asserted only where the event's own rule places them).
"""

from __future__ import annotations

import pytest

from caserecord import extract
from caserecord.record import CaseRecord

# -- narratives ---------------------------------------------------------------------------------

TESTIMONIAL_LHON = (
    "I'm 34 and was diagnosed with Leber's hereditary optic neuropathy in 2019. My "
    "neuro-ophthalmologist put me on idebenone for a year, but nothing changed.\n"
    "\n"
    "In March 2021 I flew to a clinic in Bogota, where they took stem cells from my own fat"
    " and gave them back to me through a drip and as a shot behind each eye. Over five days"
    " I had two IV infusions and two retrobulbar injections, about 50 million cells in "
    "total.\n"
    "\n"
    "The night after the first infusion I felt dizzy and a bit nauseous. The next morning "
    "my right eye was red and sore, and it stayed that way for two days. Apart from that, "
    "there were no other problems.\n"
)

PARENT_CP = (
    "Our son Leo has spastic diplegic cerebral palsy; he was born at 27 weeks. Before we "
    "found the clinic we had tried Botox injections in his calves and years of "
    "physiotherapy.\n"
    "\n"
    "In August 2018, when he was four, Leo received umbilical cord blood stem cells in "
    "Kunming: three IV and six intrathecal injections by lumbar puncture over a month, each"
    " dose roughly 1 x 10^6 cells/kg.\n"
    "\n"
    "He ran a temperature the evening after the second lumbar puncture, and on day 3 he had"
    " a headache, both of which settled with paracetamol. He had no seizures or infections"
    " during the stay.\n"
)

REPORT_AMD = (
    "A 72-year-old woman with bilateral geographic atrophy secondary to dry age-related "
    "macular degeneration was enrolled. She had previously been treated with AREDS "
    "supplements and low-vision aids.\n"
    "\n"
    "She underwent intravitreal injection of autologous bone marrow-derived CD34+ cells "
    "(3.4 x 10^6 cells in 0.1 mL) in the right eye. The procedure was well tolerated. On "
    "day 1, a transient rise in intraocular pressure (IOP 28 mmHg) was managed with topical"
    " timolol and resolved within 48 hours. There was a small subconjunctival haemorrhage "
    "at the injection site, which cleared by one week.\n"
    "\n"
    "No intraocular inflammation, endophthalmitis or retinal detachment was observed during"
    " 6 months of follow-up.\n"
)

LETTER_MS = (
    "Re: Mr T. H.\n"
    "Diagnosis: Relapsing-remitting multiple sclerosis\n"
    "Previous treatment: interferon beta-1a, then fingolimod (stopped 2019)\n"
    "Procedure: autologous haematopoietic stem cell transplantation (aHSCT), March 2020\n"
    "Complications: mild mucositis\n"
    "\n"
    "Dear Dr Patel,\n"
    "\n"
    "I reviewed Mr H. today, eighteen months after his transplant. On day 8 he became "
    "feverish and was treated with intravenous antibiotics; blood cultures were negative. "
    "He also lost his hair, which has since regrown.\n"
    "\n"
    "He has had no relapses since the transplant. He denies any bladder problems.\n"
)

NEWS_SCI = (
    "Paralysed teacher takes first steps after stem cell treatment abroad\n"
    "\n"
    "Sarah Mills, 41, a primary school teacher from Leeds, broke her back in a riding "
    "accident in 2017. After two years of rehabilitation she could still not stand.\n"
    "\n"
    "In 2020 she paid GBP 30,000 for treatment at a clinic in Mexico, where doctors injected"
    " mesenchymal stem cells from donated umbilical cords into her spinal fluid four times "
    "and into a vein twice.\n"
    "\n"
    '"The only side effect was a pounding headache after the lumbar punctures," she said. '
    "As a rare complication, she developed a spinal fluid leak after the fourth puncture "
    "and spent a week lying flat.\n"
    "\n"
    "Experts warn that such treatments may cause tumours or infections and are not "
    "approved in the UK.\n"
)

BULLETS_OPTIC = (
    "Optic neuropathy, right eye: follow-up after sub-Tenon injection of Wharton's jelly "
    "MSCs\n"
    "\n"
    "Treatment: two sub-Tenon injections into the right eye, four weeks apart, five million"
    " cells each (first injection 12 January 2022).\n"
    "\n"
    "- Day 1: mild conjunctival redness and a foreign body sensation; IOP 16 mmHg.\n"
    "- Week 1: redness resolved. No pain.\n"
    "- Month 1: VA 6/36 OD, no inflammation.\n"
    "- Month 3: complained of floaters in the right eye; fundus unremarkable.\n"
    "- Month 6: VA 6/24 OD. No adverse events were reported.\n"
)

PARENT_AUTISM = (
    "Our daughter Ava was diagnosed with autism at two and a half. Speech therapy and ABA "
    "helped a little, but she still had no words at five.\n"
    "\n"
    "Last year we took her to Panama for stem cell treatment. She had four infusions of "
    "umbilical cord mesenchymal cells through a drip, one every other day.\n"
    "\n"
    "She was a bit cranky after the first infusion and had a low-grade fever for a day. We"
    " noticed some redness where the IV went in, and she threw up in the car on the way "
    "back to the hotel.\n"
)

REPORT_DIABETES = (
    "A 48-year-old man with type 2 diabetes of twelve years' duration, poorly controlled "
    "on metformin and insulin glargine (HbA1c 9.1%), received autologous bone marrow "
    "mononuclear cells delivered through the pancreatic artery by catheter, a total of "
    "2.1 x 10^8 cells.\n"
    "\n"
    "A small haematoma formed at the femoral puncture site and was treated with "
    "compression. During the first month he had three episodes of mild hypoglycaemia, "
    "which resolved after his insulin dose was lowered. No other adverse events occurred.\n"
)

LETTER_STROKE = (
    "Patient: Mrs A. K., 66\n"
    "Diagnosis: ischaemic stroke (left MCA), 2021\n"
    "Prior therapy: thrombolysis; physiotherapy and speech therapy\n"
    "Intervention: intrathecal autologous bone marrow MSCs via lumbar puncture x3, 40 "
    "million cells each (May-July 2022)\n"
    "Side effects: transient low back pain after each puncture (2 days); mild headache\n"
    "\n"
    "Mrs K. was seen six months after her last injection. She experienced moderate fatigue"
    " after the second injection but no other symptoms. There has been no further stroke.\n"
)

REPORT_DENIALS = (
    "A 29-year-old man presented with bilateral optic nerve atrophy after methanol "
    "poisoning in 2020. Treatment with intravenous methylprednisolone and vitamin B12 had "
    "brought no improvement.\n"
    "\n"
    "In 2022 he received bone marrow-derived mesenchymal stem cells by retrobulbar injection"
    " in both eyes (two sessions, one month apart; 10 million cells per eye per session) "
    "combined with intravenous infusion of 50 million cells.\n"
    "\n"
    "He tolerated both sessions without complications. He had no fever or infection. No "
    "adverse events were reported during the 12-month follow-up.\n"
)

GRANDMOTHER_AMD = (
    "My grandmother is 81 and has wet macular degeneration in her left eye. She'd had more"
    " than twenty Lucentis shots over the years and her sight kept slipping.\n"
    "\n"
    'Last spring my aunt found a clinic in Florida that offered "stem cell eye treatment".'
    " They liposuctioned fat from her tummy and injected the cells into both eyes the same"
    " afternoon. That night both eyes were very painful and she couldn't sleep. By the "
    "next morning she could barely see, and her eyes looked swollen and bloodshot.\n"
)

REPORT_SCI = (
    "A 33-year-old man with a chronic complete spinal cord injury at C6 was enrolled. "
    "Previous management included surgical stabilisation, intensive inpatient "
    "rehabilitation and oral baclofen for spasticity.\n"
    "\n"
    "He received umbilical cord-derived mesenchymal stromal cells: 1 x 10^6 cells/kg "
    "intravenously on day 0, followed by four intrathecal administrations of 2 x 10^7 cells"
    " at weekly intervals.\n"
    "\n"
    "Adverse events were limited to a transient headache after the second lumbar puncture "
    "and a self-limiting fever (38.2 C) on day 1 that responded to paracetamol. No "
    "neurological deterioration, meningitis or allergic reaction was observed.\n"
)

DIARY_MS = (
    "My stem cell diary - relapsing MS, treated in Cancun, June 2021\n"
    "\n"
    "What I had: six infusions of umbilical cord MSCs (120 million cells in total) through"
    " an IV, over six days.\n"
    "\n"
    "- Day 1: slight headache in the evening, otherwise fine.\n"
    "- Day 3: felt shivery and achy, like the start of flu. Temp 37.9.\n"
    "- Week 2: energy noticeably better.\n"
    "\n"
    "Before all this I had been on Tecfidera for three years and then Ocrevus.\n"
)

LETTER_GLAUCOMA = (
    "Re: Mr P. Okafor, 62, advanced primary open-angle glaucoma OU\n"
    "\n"
    "Mr Okafor attended our clinic on 4 March 2023 for a subtenon injection of autologous "
    "bone marrow-derived mononuclear cells in the left eye (approximately 8 million cells)."
    " He had previously undergone trabeculectomy in the right eye (2016).\n"
    "\n"
    "The injection was uneventful. He complained of a gritty left eye and mild ocular ache"
    " for 48 hours, which settled with lubricants. There was a small subconjunctival bleed"
    " at the injection site. He had no visual loss and no signs of infection.\n"
)

PARENT_ONH = (
    "When our son Mateo was three months old he was diagnosed with optic nerve hypoplasia."
    "\n\n"
    "At 20 months he received a course of eight cord blood stem cell treatments in "
    "Shenzhen - four by IV and four by lumbar puncture, one every three days. After the "
    "second lumbar puncture he had a high temperature for two days, and he was very sleepy"
    " after each puncture because of the sedation.\n"
)

NEWS_STROKE = (
    "Frank Delaney, 70, suffered a stroke in 2019 that left him unable to say more than a "
    "few words. Two years of speech therapy brought little progress.\n"
    "\n"
    "In 2022 he travelled to a clinic in Kazakhstan where doctors took marrow from his hip"
    " and, after processing it, injected the cells into his spinal fluid on three "
    'occasions. "I had a bit of a sore back afterwards and a headache that lasted a day,"'
    " he said.\n"
)


def record(text: str) -> CaseRecord:
    return extract(text)


Event = tuple[str, str | None]


def events(text: str) -> list[Event]:
    return [
        (e.description, e.severity.value if e.severity else None)
        for e in record(text).adverse_events
    ]


def denied(text: str) -> list[str]:
    return [f.description for f in record(text).absent_findings]


def prior_names(text: str) -> list[str]:
    return [p.name for p in record(text).prior_treatments]


# -- adverse events ------------------------------------------------------------------------------

EVENTS: list[tuple[str, str, list[Event]]] = [
    # adjectives of harm named by their nouns; a body part as subject stays with them
    (
        "felt dizzy, a bit nauseous, eye red and sore",
        TESTIMONIAL_LHON,
        [("dizziness", None), ("nausea", "mild"), ("redness and soreness of right eye", None)],
    ),
    # an idiom ("ran a temperature") and a harm told with its day
    ("ran a temperature", PARENT_CP, [("fever", None), ("headache", None)]),
    # a transient rise told by how it was managed; a haematoma told by "there was"
    (
        "managed, there was",
        REPORT_AMD,
        [
            ("transient rise in intraocular pressure", "mild"),
            ("small subconjunctival haemorrhage at injection site", None),
        ],
    ),
    # a header list, "became feverish", and "lost his hair"
    (
        "header, feverish, hair",
        LETTER_MS,
        [("mild mucositis", "mild"), ("fever", None), ("hair loss", None)],
    ),
    # "the only side effect was", and "as a rare complication she developed"
    (
        "only side effect, rare complication",
        NEWS_SCI,
        [("pounding headache", None), ("spinal fluid leak", None)],
    ),
    # verbless items of a follow-up list headed by a time after the treatment
    (
        "follow-up bullets",
        BULLETS_OPTIC,
        [
            ("mild conjunctival redness", "mild"),
            ("foreign body sensation", None),
            ("floaters in right eye", None),
        ],
    ),
    # a paragraph that goes on telling what followed: "cranky", "we noticed", "threw up"
    (
        "paragraph goes on",
        PARENT_AUTISM,
        [
            ("irritability", "mild"),
            ("low-grade fever", "mild"),
            ("redness where iv went in", None),
            ("vomiting", None),
        ],
    ),
    # "formed at the puncture site"; "three episodes of" is no part of the name
    (
        "formed at, episodes of",
        REPORT_DIABETES,
        [("small haematoma at femoral puncture site", None), ("mild hypoglycaemia", "mild")],
    ),
    # a header list after a semicolon, past a parenthesis
    (
        "header list with semicolons",
        LETTER_STROKE,
        [
            ("transient low back pain", "mild"),
            ("mild headache", "mild"),
            ("moderate fatigue", "moderate"),
        ],
    ),
    # adjectives after "were", "looked"; "couldn't sleep", "could barely see"
    (
        "painful, couldn't sleep, barely see",
        GRANDMOTHER_AMD,
        [
            ("pain of both eyes", None),
            ("insomnia", None),
            ("vision loss", None),
            ("swelling and redness of eyes", None),
        ],
    ),
    # "limited to" trimmed; the list goes on after a time: "... and a self-limiting fever"
    (
        "limited to, self-limiting",
        REPORT_SCI,
        [("transient headache", "mild"), ("self-limiting fever", "mild")],
    ),
    # a diary's bullets: adjectives after "felt", without a subject
    (
        "diary bullets",
        DIARY_MS,
        [("slight headache in evening", "mild"), ("shivering", None), ("aching", None)],
    ),
    # two harms joined by "and", one an adjective with its body part; "bleed"
    (
        "gritty eye and ache",
        LETTER_GLAUCOMA,
        [
            ("gritty left eye", None),
            ("mild ocular ache", "mild"),
            ("small subconjunctival bleed at injection site", None),
        ],
    ),
    # "a high temperature" is a high fever; "very sleepy"
    ("high temperature, sleepy", PARENT_ONH, [("fever", "severe"), ("sleepiness", None)]),
    # "a bit of a sore back afterwards and a headache"
    ("a bit of a, afterwards", NEWS_STROKE, [("sore back", "mild"), ("headache", None)]),
]


@pytest.mark.parametrize(("text", "expected"), [e[1:] for e in EVENTS], ids=[e[0] for e in EVENTS])
def test_adverse_events_of_narratives(text: str, expected: list[Event]) -> None:
    assert events(text) == expected


def test_a_rise_managed_on_day_1_is_placed_on_day_1() -> None:
    rise = record(REPORT_AMD).adverse_events[0]
    assert rise.onset is not None
    assert rise.onset.unit is not None
    assert (rise.onset.value, rise.onset.unit.value) == (1, "day")


def test_a_bullet_event_takes_the_time_of_its_label() -> None:
    when = [
        (e.onset.value, e.onset.unit.value)
        for e in record(BULLETS_OPTIC).adverse_events
        if e.onset is not None and e.onset.unit is not None
    ]
    assert when == [(1, "day"), (1, "day"), (3, "month")]


PRE = "In May 2021 she received an intravenous infusion of umbilical cord stem cells. "

TOLD: list[tuple[str, list[Event]]] = [
    ("She felt dizzy afterwards.", [("dizziness", None)]),
    ("Afterwards he was nauseous and threw up twice.", [("nausea", None), ("vomiting", None)]),
    ("The next day she became feverish.", [("fever", None)]),
    ("His eye was red and sore after the injection.", [("redness and soreness of eye", None)]),
    ("The only side effect was a mild headache the next morning.", [("mild headache", "mild")]),
    ("Apart from a headache the day after, she was fine.", [("headache", None)]),
    (
        "We noticed some redness around the injection site the following day.",
        [("redness around injection site", None)],
    ),
    ("He ran a temperature on the night of the infusion.", [("fever", None)]),
    (
        "There was a small haematoma at the puncture site.",
        [("small haematoma at puncture site", None)],
    ),
    (
        "A transient rise in eye pressure (IOP 28) settled with drops.",
        [("transient rise in eye pressure", "mild")],
    ),
    ("As a rare complication she developed aseptic meningitis.", [("aseptic meningitis", None)]),
    (
        "She suffered a serious allergic reaction during the second infusion.",
        [("serious allergic reaction", "severe")],
    ),
    ("She was a little drowsy after the sedation.", [("drowsiness", "mild")]),
    (
        "The injection site became swollen and tender.",
        [("swelling and tenderness of injection site", None)],
    ),
    ("She felt sick after each infusion.", [("nausea", None)]),
    ("A few days later his back started to ache.", [("aching of back", None)]),
    (
        "Her vision got blurry for a couple of hours after the injection.",
        [("blurring of vision", None)],
    ),
    ("She had a temperature of 38.9 C the day after the infusion.", [("fever", None)]),
]


@pytest.mark.parametrize(("sentence", "expected"), TOLD)
def test_harms_told_in_many_shapes(sentence: str, expected: list[Event]) -> None:
    assert events(PRE + sentence) == expected


NOT_EVENTS = [
    # risks stay risks, "rare" or not
    "The patient was warned that infection may occur.",
    "Possible side effects include headache and fever.",
    "Rare complications can include meningitis.",
    # a measured normal temperature, an improvement, a denial
    "She had a temperature of 36.8 C the day after the infusion.",
    "Her longstanding headaches resolved after the infusion.",
    "She was not dizzy after the infusion.",
    # a follow-up bullet that lists improvement, a denial and a measurement
    "- Month 1: less pain, no redness, IOP 15 mmHg.",
]


@pytest.mark.parametrize("sentence", NOT_EVENTS)
def test_no_event_from_risks_measurements_or_improvement(sentence: str) -> None:
    assert events(PRE + sentence) == []


def test_an_adjective_before_the_treatment_is_no_event() -> None:
    text = "She was tired and dizzy for years. " + PRE
    assert events(text) == []


# -- denials -------------------------------------------------------------------------------------

DENIALS: list[tuple[str, str, list[str]]] = [
    (
        "without complications, no X or Y",
        REPORT_DENIALS,
        ["improvement", "complications", "fever", "infection", "adverse events"],
    ),
    ("no X or Y during the stay", PARENT_CP, ["seizures", "infections"]),
    (
        "no X, Y or Z was observed",
        REPORT_AMD,
        ["intraocular inflammation", "endophthalmitis", "retinal detachment"],
    ),
    ("bullets", BULLETS_OPTIC, ["pain", "inflammation", "adverse events"]),
    ("other symptoms, no further stroke", LETTER_STROKE, ["other symptoms", "stroke"]),
    # a part's own "no" is no part of its name
    ("no X and no signs of Y", LETTER_GLAUCOMA, ["visual loss", "infection"]),
    ("apart from that", TESTIMONIAL_LHON, ["other problems"]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [d[1:] for d in DENIALS], ids=[d[0] for d in DENIALS]
)
def test_denied_findings(text: str, expected: list[str]) -> None:
    assert denied(text) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("She experienced no adverse reactions whatsoever.", ["adverse reactions"]),
        ("Side effects: none reported.", ["side effects"]),
        ("The procedure was completed without complications.", ["complications"]),
    ],
)
def test_denials_told_in_short(sentence: str, expected: list[str]) -> None:
    assert denied(PRE + sentence) == expected
    assert events(PRE + sentence) == []


def test_apart_from_that_names_no_event() -> None:
    assert "that" not in [d for d, _ in events(TESTIMONIAL_LHON)]


# -- interventions -------------------------------------------------------------------------------

Slots = tuple[str | None, str | None, int | None, str | None]  # route, laterality, count, dose


def slots(text: str) -> list[Slots]:
    return [
        (
            i.route,
            i.laterality.value if i.laterality else None,
            i.sessions,
            i.dose.text if i.dose else None,
        )
        for i in record(text).interventions
    ]


INTERVENTIONS: list[tuple[str, str, list[Slots]]] = [
    # a telling of both routes in lay words adds its side to the counted tellings
    (
        "drip and a shot behind each eye",
        TESTIMONIAL_LHON,
        [
            ("intravenous", None, 2, "50 million cells"),
            ("retrobulbar", "both", 2, "50 million cells"),
        ],
    ),
    # counts after lay routes: "into her spinal fluid four times and into a vein twice"
    (
        "four times and twice",
        NEWS_SCI,
        [("intrathecal", None, 4, None), ("intravenous", None, 2, None)],
    ),
    # counts before routes: "four by IV and four by lumbar puncture"
    (
        "four by IV and four by LP",
        PARENT_ONH,
        [("intravenous", None, 4, None), ("lumbar puncture", None, 4, None)],
    ),
    # two routes each with its own dose, told in one sentence
    (
        "combined with",
        REPORT_DENIALS,
        [
            ("retrobulbar injection", "both", 2, "10 million cells"),
            ("intravenous infusion", None, None, "50 million cells"),
        ],
    ),
    (
        "followed by",
        REPORT_SCI,
        [
            ("intravenous", None, None, "1 x 10^6 cells/kg"),
            ("intrathecal", None, 4, "2 x 10^7 cells"),
        ],
    ),
    # a treatment heading that names no cells: the story's cells were given
    ("heading without cells", BULLETS_OPTIC, [("sub tenon", "right", 2, "five million cells")]),
    # "x3" counts the punctures
    ("x3", LETTER_STROKE, [("intrathecal and lumbar puncture", None, 3, "40 million cells")]),
    # "through the pancreatic artery" is intra-arterial
    ("pancreatic artery", REPORT_DIABETES, [("intra-arterial", None, None, "2.1 x 10^8 cells")]),
    # "injected the cells into his spinal fluid on three occasions"
    ("the cells, on three occasions", NEWS_STROKE, [("intrathecal injection", None, 3, None)]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [i[1:] for i in INTERVENTIONS], ids=[i[0] for i in INTERVENTIONS]
)
def test_intervention_routes_counts_and_doses(text: str, expected: list[Slots]) -> None:
    assert slots(text) == expected


@pytest.mark.parametrize(
    ("text", "cell_type", "source"),
    [
        (PARENT_AUTISM, "umbilical cord-derived mesenchymal cells", "umbilical cord"),
        (NEWS_SCI, "mesenchymal stem cells", "umbilical cord"),  # "donated umbilical cords"
        (NEWS_STROKE, "stem cells", "bone marrow"),  # "took marrow from his hip"
        (GRANDMOTHER_AMD, "stem cells", "adipose tissue"),  # "liposuctioned fat from her tummy"
        (TESTIMONIAL_LHON, "stem cells", "adipose tissue"),
    ],
)
def test_cells_and_their_source_in_lay_words(text: str, cell_type: str, source: str) -> None:
    (first, *_) = record(text).interventions
    assert (first.cell_type, first.cell_source) == (cell_type, source)


def test_a_procedure_had_again_counts_a_second_session() -> None:
    text = (
        "In 2018 she underwent stem cell therapy with a shot behind the eye. She had the "
        "procedure repeated in 2019."
    )
    (intervention,) = record(text).interventions
    assert (intervention.route, intervention.sessions) == ("retrobulbar", 2)


def test_a_second_round_counts_when_the_first_had_no_count() -> None:
    text = (
        "In March 2019 he received intravenous infusions of umbilical cord MSCs. A second "
        "round six months later was given the same way."
    )
    (intervention,) = record(text).interventions
    assert intervention.sessions == 2


def test_repeated_four_times_is_not_a_second_session() -> None:
    text = (
        "On 14 March 2021 he received umbilical cord stem cells by retrobulbar injection. The"
        " treatment was repeated four times over two weeks."
    )
    (intervention,) = record(text).interventions
    assert intervention.sessions != 2


# -- prior treatments ----------------------------------------------------------------------------

PRIOR: list[tuple[str, str, list[str]]] = [
    (
        "heading with semicolons",
        LETTER_STROKE,
        ["thrombolysis", "physiotherapy", "speech therapy"],
    ),
    ("a date aside is no part of the name", LETTER_MS, ["interferon beta-1a", "fingolimod"]),
    ("helped a little", PARENT_AUTISM, ["speech therapy", "aba"]),
    ("controlled on X and Y", REPORT_DIABETES, ["metformin", "insulin"]),
    ("years of rehabilitation", NEWS_SCI, ["rehabilitation"]),
    ("plural told twice", PARENT_CP, ["botox injections in his calves", "years of physiotherapy"]),
    ("'d had", GRANDMOTHER_AMD, ["lucentis shots"]),
    (
        "management included",
        REPORT_SCI,
        [
            "surgical stabilisation",
            "intensive inpatient rehabilitation",
            "oral baclofen for spasticity",
        ],
    ),
    ("before all this", DIARY_MS, ["tecfidera"]),
    ("had previously undergone, after the treatment", LETTER_GLAUCOMA, ["trabeculectomy"]),
    ("brought little progress", NEWS_STROKE, ["speech therapy"]),
]


@pytest.mark.parametrize(("text", "expected"), [p[1:] for p in PRIOR], ids=[p[0] for p in PRIOR])
def test_prior_treatments(text: str, expected: list[str]) -> None:
    assert prior_names(text) == expected


def test_rehabilitation_by_its_length_after_the_treatment_is_no_intervention() -> None:
    text = (
        "In 2019 he received stem cells intravenously. After two years of rehabilitation "
        "he walks with a frame."
    )
    assert [
        i.kind.value if hasattr(i.kind, "value") else i.kind for i in record(text).interventions
    ] == ["cell_therapy"]
    assert prior_names(text) == []
