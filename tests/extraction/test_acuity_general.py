"""Outcome measurements told in the genre's many ways, second round: eye labels with a
colon, single-letter and bracketed eyes, table rows, values and changes in every
acuity notation (Snellen, decimal, logMAR with the notation named once, ETDRS letter
scores, counts of lines and letters gained or lost, Jaeger and N-point near vision,
levels in words), eyes named by their part in the story ("the fellow eye"), and the
labelled grades and scores of the genre's other outcomes.

Every narrative is written for these tests; none is taken from a corpus.  Each test
asserts the facts of the measurements (what, which eye, which value and, where the
time is the point and the timeline reads it, when), not every field of the record.
"""

from __future__ import annotations

import pytest

from caserecord.extraction._document import Document
from caserecord.extraction.acuity import extract_acuity
from caserecord.extraction.eyes import find_eyes, relative_eyes, story_side
from measured_facts import Fact, facts, timed


def acuities(text: str) -> list[tuple[str, str | None]]:
    """(value, eye) of each acuity mention: the value, a near grade or a change."""
    return [
        (m.acuity or m.grade or m.change or "", m.eye)
        for m in extract_acuity(Document.parse(text))
    ]


# -- which eye ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a colon after the eye label ends no clause
        ("BCVA: OD: 6/60, OS: 6/18", [("6/60", "right"), ("6/18", "left")]),
        ("Right eye: 6/60, left eye: 6/18", [("6/60", "right"), ("6/18", "left")]),
        # single letters label the value right after them
        (
            "VA R 6/36 L 6/60 (was R 6/60 L CF before the procedure).",
            [("6/36", "right"), ("6/60", "left"), ("6/60", "right"), ("CF", "left")],
        ),
        # a side in brackets after its value
        ("Visual acuity: 6/60 (R), 6/36 (L).", [("6/60", "right"), ("6/36", "left")]),
        (
            "Acuity improved to 6/12 (right) and 6/18 (left).",
            [("6/12", "right"), ("6/18", "left")],
        ),
        (
            "ETDRS letter score: 70 (OD), 25 (OS).",
            [("70 letters", "right"), ("25 letters", "left")],
        ),
        # an eye after a semicolon labels the next value, not the one before it
        (
            "VA (Snellen): RE 6/60 -> 6/24; LE 6/36 (no change).",
            [("6/60", "right"), ("6/24", "right"), ("6/36", "left")],
        ),
        # the eye of a line's key is that of every value of the line
        (
            "BCVA OD: 20/200 (baseline); 20/160 (month 1); 20/125 (month 6)",
            [("20/200", "right"), ("20/160", "right"), ("20/125", "right")],
        ),
        # a table row written as a line
        (
            "Right eye | 6/60 | 6/24 | 6/18",
            [("6/60", "right"), ("6/24", "right"), ("6/18", "right")],
        ),
        # "nothing but" is "only": the eye before it stays in the clause
        (
            "His right eye could only count fingers at one metre and his left eye saw "
            "nothing but hand motion.",
            [("CF 1 m", "right"), ("HM", "left")],
        ),
        # a level's own words ("close to face") stand between it and its eye
        ("Vision was counting fingers close to face in the right eye.", [("CF", "right")]),
        # both values of "from ... to ... in the right eye" are that eye's
        (
            "His vision improved from 20/200 to 20/100 in the right eye.",
            [("20/200", "right"), ("20/100", "right")],
        ),
        (
            "In the treated (right) eye, BCVA rose from 0.05 to 0.2.",
            [("0.05 decimal", "right"), ("0.2 decimal", "right")],
        ),
    ],
)
def test_eye_of_each_value(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert acuities(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Mr R 45 years old", "L5 vertebra", "Reye syndrome", "T12 L1 fracture", "R/L 6/60"],
)
def test_single_letters_that_are_no_eye(text: str) -> None:
    assert [e for e in find_eyes(text) if text[e.start : e.end] in ("R", "L")] == []


def test_study_and_fellow_eye_in_a_one_eyed_story() -> None:
    text = (
        "A 67-year-old woman with neovascular AMD in the left eye received an RPE patch. "
        "At baseline, BCVA in the study eye was 34 ETDRS letters (approximately 20/200) "
        "and 79 letters in the fellow eye."
    )
    assert story_side(text) == "left"
    assert [e.laterality for e in relative_eyes("the study eye and the other eye", 0, "left")] == [
        "left",
        "right",
    ]
    # the bracketed Snellen value restates the letters: one measurement
    assert acuities(text) == [("34 letters", "left"), ("79 letters", "right")]


def test_relative_eyes_need_a_one_eyed_story() -> None:
    assert story_side("20/40 in the right eye and 20/60 in the left eye") is None
    assert relative_eyes("the fellow eye", 0, None) == []


# -- notations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "logMAR" named once, as a label, for the values after it
        (
            "Visual acuity (logMAR): OD 0.3, OS 1.2 at baseline.",
            [("0.3 logMAR", "right"), ("1.2 logMAR", "left")],
        ),
        ("BCVA in logMAR was 0.5 OD.", [("0.5 logMAR", "right")]),
        # ... or once for two values
        ("BCVA improved from 1.0 logMAR to 0.7.", [("1.0 logMAR", None), ("0.7 logMAR", None)]),
        (
            "BCVA improved from 1.0 to 0.7 logMAR in the right eye.",
            [("1.0 logMAR", "right"), ("0.7 logMAR", "right")],
        ),
        # a "logMAR" that names no notation of the values leaves them decimal
        ("We converted acuity to logMAR for analysis; vision was 0.1.", [("0.1 decimal", None)]),
        # a label naming the letter count makes the bare numbers after it letters
        ("The ETDRS score in that eye was 40.", [("40 letters", None)]),
        ("ETDRS letter score at month 3 was 45, improved by 12.", [("45 letters", None)]),
        # the other notations of the genre
        (
            "At 6 months acuity was CF at 2 m OD and 2/60 OS.",
            [("CF 2 m", "right"), ("2/60", "left")],
        ),
        ("Vision: perception of light OD, NPL OS.", [("LP", "right"), ("NLP", "left")]),
    ],
)
def test_notations(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert acuities(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "BCVA was 34 ETDRS letters (approximately 20/200) in the right eye.",
        "BCVA was 34 ETDRS letters (approx. 20/200) in the right eye.",
        "BCVA was 34 ETDRS letters (Snellen equivalent 20/200) in the right eye.",
    ],
)
def test_a_hedged_restatement_is_one_value(text: str) -> None:
    assert acuities(text) == [("34 letters", "right")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("At week 12 she had gained 15 letters in the study eye.", "improved"),
        ("At the one-year visit the right eye had gone up two more lines.", "improved"),
        ("BCVA improved by 2 Snellen lines.", "improved"),
        ("There was a three-line improvement in the left eye.", "improved"),
        ("At 3 months the left eye had improved by 0.3 logMAR.", "improved"),
        ("Within a week the left eye had lost three lines of vision.", "worsened"),
        ("Vision in the left eye dropped one line.", "worsened"),
        ("She had lost approximately fifteen ETDRS letters.", "worsened"),
    ],
)
def test_changes_told_in_lines_letters_or_logmar(text: str, expected: str) -> None:
    # a change, and no value: "gained 15 letters" is not an acuity of 15 letters
    assert [value for value, _ in acuities(text)] == [expected]


def test_lines_and_letters_elsewhere_are_no_change() -> None:
    assert acuities("He wrote two lines to the clinic and gained 15 letters of support.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Near vision J10 OD, J16 OS.", [("J10", "right"), ("J16", "left")]),
        (
            "Visual acuity at near without correction: J1 OD; Light perception (LP) OS",
            [("J1", "right"), ("LP", "left")],
        ),
        ("Near: N8 right eye, N12 left eye", [("N8", "right"), ("N12", "left")]),
        # a J or N number in a sentence about something else is no near value
        ("The J5 protocol was followed for N8 patients.", []),
    ],
)
def test_near_acuity(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert acuities(text) == expected


def test_near_acuity_is_a_finding_of_its_own() -> None:
    found = facts(
        "Examination before treatment: distance acuity 20/70 OD and 20/400 OS; near vision "
        "J10 OD, J16 OS."
    )
    assert {
        ("visual_acuity", "right", "20/70"),
        ("visual_acuity", "left", "20/400"),
        ("near_visual_acuity", "right", "J10"),
        ("near_visual_acuity", "left", "J16"),
    } <= found


# -- narratives ----------------------------------------------------------------------------


LETTER = (
    "Patient: Mrs Amina R., 61\n"
    "Diagnosis: non-arteritic anterior ischaemic optic neuropathy, right eye\n"
    "Procedure: retrobulbar injection of autologous bone marrow cells, right eye, "
    "04/02/2021\n"
    "\n"
    "Pre-treatment assessment\n"
    "BCVA: OD: 6/60, OS: 6/18\n"
    "IOP: OD: 15 mmHg, OS: 17 mmHg\n"
    "RNFL (OCT): OD: 58 µm, OS: 84 µm\n"
    "\n"
    "Review at 3 months\n"
    "BCVA: OD: 6/36, OS: 6/18\n"
    "IOP: OD: 16 mmHg, OS: 16 mmHg\n"
    "\n"
    "Review at 6 months\n"
    "BCVA: OD: 6/24, OS: 6/12\n"
    "Comment: Visual field in the right eye unchanged.\n"
)


def test_clinic_letter_with_colon_after_each_eye() -> None:
    found = timed(LETTER)
    assert {
        ("visual_acuity", "right", "6/36", "3 month"),
        ("visual_acuity", "left", "6/18", "3 month"),
        ("intraocular_pressure", "right", "16 mmHg", "3 month"),
        ("intraocular_pressure", "left", "16 mmHg", "3 month"),
        ("visual_acuity", "right", "6/24", "6 month"),
        ("visual_acuity", "left", "6/12", "6 month"),
        ("visual_field", "right", "unchanged", "6 month"),
    } <= found
    # (the time of the first section is the timeline's to read)
    assert {
        ("visual_acuity", "right", "6/60"),
        ("visual_acuity", "left", "6/18"),
        ("intraocular_pressure", "right", "15 mmHg"),
        ("intraocular_pressure", "left", "17 mmHg"),
        ("oct", "right", "58 um"),
        ("oct", "left", "84 um"),
    } <= {f[:3] for f in found}
    # no value is given to the eye of its neighbour
    assert not {f for f in found if f[:3] in {("oct", "left", "58 um"), ("oct", "both", "84 um")}}


BULLETS = (
    "Follow-up summary - patient 12 (optic nerve hypoplasia, treated 3 January 2019 "
    "with intrathecal and retrobulbar cord blood cells)\n"
    "\n"
    "- Baseline: VA 20/800 OD, 20/400 OS; nystagmus present; no VEP response OD.\n"
    "- 1 month: VA 20/400 OD, 20/400 OS; nystagmus less.\n"
    "- 3 months: VA 20/200 OD, 20/300 OS; VEP showed a response in the right eye.\n"
    "- 6 months: VA 20/200 OU. Parents report she now reaches for toys.\n"
)


def test_bulleted_follow_up() -> None:
    assert {
        ("visual_acuity", "right", "20/800", "baseline"),
        ("visual_acuity", "left", "20/400", "baseline"),
        ("vep", "right", "absent", "baseline"),
        ("visual_acuity", "right", "20/400", "1 month"),
        ("visual_acuity", "left", "20/400", "1 month"),
        ("visual_acuity", "right", "20/200", "3 month"),
        ("visual_acuity", "left", "20/300", "3 month"),
        ("vep", "right", "present", "3 month"),
        ("visual_acuity", "both", "20/200", "6 month"),
    } <= timed(BULLETS)


REPORT = (
    "Case presentation\n"
    "A 38-year-old woman developed bilateral optic neuritis associated with "
    "neuromyelitis optica spectrum disorder. Despite plasma exchange, best-corrected "
    "visual acuity remained logMAR 1.0 in the right eye and logMAR 1.3 in the left "
    "eye. She received an intravenous infusion of autologous mesenchymal stromal "
    "cells.\n"
    "Outcome\n"
    "Six weeks after the infusion, acuity had improved to 0.7 logMAR OD and 1.0 "
    "logMAR OS. The average RNFL thickness was 61 μm OD and 55 μm OS, and P100 "
    "latency was 132 ms OD. At 6 months visual acuity was unchanged.\n"
)


def test_case_report_in_logmar_keeps_the_unchanged_statement() -> None:
    found = timed(REPORT)
    assert {
        ("visual_acuity", "right", "1.00 logMAR", "baseline"),
        ("visual_acuity", "left", "1.30 logMAR", "baseline"),
        ("visual_acuity", "right", "0.70 logMAR", "6 week"),
        ("visual_acuity", "left", "1.00 logMAR", "6 week"),
        ("oct", "right", "61 um", "6 week"),
        ("oct", "left", "55 um", "6 week"),
        ("vep", "right", "132 ms", "6 week"),
    } <= found
    # a story with acuity values drops vague sight statements, but "unchanged"
    # tells what no value does
    assert any(f[0] == "visual_acuity" and f[2:] == ("unchanged", "6 month") for f in found)


NOTATIONS = (
    "Case 3 (glaucomatous optic neuropathy, 66 M). Intervention: intravitreal "
    "autologous bone marrow-derived cells, left eye, 11 January 2021.\n"
    "Visual acuity (logMAR): OD 0.3, OS 1.2 at baseline; OS 0.9 at 3 months.\n"
    "ETDRS letter score: 70 (OD), 25 (OS) at baseline.\n"
    "At 3 months the left eye had improved by 0.3 logMAR, and the ETDRS score in "
    "that eye was 40.\n"
)


def test_notations_named_once() -> None:
    found = timed(NOTATIONS)
    assert {
        ("visual_acuity", "right", "0.30 logMAR", "baseline"),
        ("visual_acuity", "left", "1.20 logMAR", "baseline"),
        ("visual_acuity", "left", "0.90 logMAR", "3 month"),
        ("visual_acuity", "right", "70 letters", "baseline"),
        ("visual_acuity", "left", "25 letters", "baseline"),
        ("visual_acuity", "left", "40 letters", "3 month"),
    } <= found
    # "improved by 0.3 logMAR" is a change, not a value of 0.3 logMAR
    assert not any(f[2] == "0.30 logMAR" and f[1] == "left" for f in found)


LEVELS = (
    "A 58-year-old man with methanol-induced optic neuropathy was referred to us. On "
    "admission his vision was perception of light in the right eye and counting "
    "fingers at 50 cm in the left eye; pupils were sluggish. He received four "
    "sub-Tenon injections of autologous bone marrow-derived MSCs, starting on 2 "
    "February 2019.\n"
    "At discharge the right eye could see hand movements. At 6 months acuity was CF "
    "at 2 m OD and 2/60 OS, and at 12 months 20/400 in each eye.\n"
)


def test_levels_in_words_and_abbreviations() -> None:
    assert {
        ("visual_acuity", "right", "LP", "baseline"),
        ("visual_acuity", "left", "CF 50 cm", "baseline"),
        ("visual_acuity", "right", "HM", "discharge"),
        ("visual_acuity", "right", "CF 2 m", "6 month"),
        ("visual_acuity", "left", "2/60", "6 month"),
        ("visual_acuity", "both", "20/400", "12 month"),
    } <= timed(LEVELS)


LINES_LOST = (
    "Mrs Okafor, 70, with wet AMD in her left eye, paid for an injection of 'stem "
    "cells' at a private clinic in March 2018. Within a week the left eye had lost "
    "three lines of vision and she noticed a dark curtain. Her retina had detached. "
    "Despite surgery, at six months she could only count fingers with that eye; the "
    "right eye remained 6/9.\n"
)


def test_lines_lost_and_the_fellow_eye_value() -> None:
    assert {
        ("visual_acuity", "left", "worsened", "1 week"),
        ("visual_acuity", "left", "CF", "6 month"),
        ("visual_acuity", "right", "6/9", "6 month"),
    } <= timed(LINES_LOST)


TESTIMONIAL = (
    "I'm writing this for anyone with retinitis pigmentosa who is thinking about "
    "stem cells. I'm 45 and was diagnosed at 20. Before the treatment I could see "
    "light and shapes but no detail.\n"
    "\n"
    "I had the stem cell injections (sub-tenon, both eyes) in August 2017. By the "
    "third month colours looked brighter. At my six month check my doctor said my "
    "visual field had widened slightly in both eyes, but the acuity in the right eye "
    "was the same as before.\n"
)


def test_testimonial_colour_field_and_unchanged_eye() -> None:
    found = facts(TESTIMONIAL)
    assert {
        ("color_vision", "both", "improved"),
        ("visual_field", "both", "improved"),
        ("visual_acuity", "right", "unchanged"),
    } <= found


PARENT = (
    "Three months after the infusions our son began following faces. At his 1-year "
    "check the ophthalmologist recorded vision of 20/800 in both eyes, and his "
    "nystagmus has settled. In July 2019 he had received umbilical cord stem cells "
    "in Panama.\n"
)


def test_parent_story_tracking_and_nystagmus() -> None:
    found = facts(PARENT)
    assert {
        ("eye_tracking", None, "improved"),
        ("visual_acuity", "both", "20/800"),
        ("nystagmus", "both", "absent"),
    } <= found


# -- the genre's other outcomes: labelled grades and scores ---------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("EDSS: 6.5", ("edss", None, "6.5")),
        ("GMFCS: IV.", ("gmfcs_level", None, "4")),
        ("ASIA: B", ("asia_grade", None, "ASIA B")),
        ("Ashworth: 2.", ("spasticity", None, "2")),
        ("His MAS was 2.", ("spasticity", None, "2")),
        ("Modified Ashworth 1+ in both legs.", ("spasticity", None, "1+")),
        ("Muscle strength: 4/5 in the legs", ("muscle_strength", None, "4/5")),
        ("GMFM-88 total 21%.", ("gmfm", None, "21 %")),
        ("Colour vision: RE 2/17, LE 9/17.", ("color_vision", "left", "9/17")),
        ("IOP: OD: 15 mmHg, OS: 17 mmHg", ("intraocular_pressure", "left", "17 mmHg")),
        ("IOP: R: 14 mmHg, L: 15 mmHg", ("intraocular_pressure", "right", "14 mmHg")),
        ("Pupils: RAPD left.", ("pupil_reflex", "left", "abnormal")),
        ("VEP showed a response in the right eye.", ("vep", "right", "present")),
        ("His vision did not change.", ("visual_acuity", None, "unchanged")),
        ("Head control was achieved.", ("head_control", None, "improved")),
        ("He sits independently now.", ("sitting", None, "improved")),
        ("My side vision was gone.", ("visual_field", None, "absent")),
    ],
)
def test_labelled_grades_and_outcome_words(sentence: str, expected: Fact) -> None:
    text = "In May 2020 she received an infusion of stem cells.\nSix months later:\n" + sentence
    assert expected in facts(text)


def test_arrow_pairs_give_the_earlier_value_first() -> None:
    text = (
        "Intervention: bone marrow cells, right eye, on 10 June 2020.\n"
        "Findings 3 months post-injection:\n"
        "VA (Snellen): RE 6/60 -> 6/24; LE 6/36 (no change).\n"
        "Colour vision (Ishihara): RE 2/17 -> 9/17.\n"
    )
    found = timed(text)
    assert {
        ("visual_acuity", "right", "6/60", "baseline"),
        ("visual_acuity", "right", "6/24", "3 month"),
        ("visual_acuity", "left", "6/36", "3 month"),
        ("color_vision", "right", "2/17", "baseline"),
        ("color_vision", "right", "9/17", "3 month"),
    } <= found


SCORES = (
    "Case summary: a 4-year-old girl with spastic quadriplegic cerebral palsy "
    "received intrathecal autologous bone marrow mononuclear cells on 5 May 2016 "
    "with six months of intensive rehabilitation.\n"
    "Baseline: GMFCS level V; GMFM-88 total 12%; modified Ashworth scale 3 in the "
    "upper limbs; no head control; could not sit.\n"
    "Six months: GMFM-88 total 21%; MAS 2; head control achieved; sits with support "
    "for 5 minutes.\n"
    "Twelve months: GMFCS level IV; sits independently.\n"
)


def test_cerebral_palsy_scores_in_a_case_summary() -> None:
    assert {
        ("gmfcs_level", None, "5", "baseline"),
        ("gmfm", None, "12 %", "baseline"),
        ("spasticity", None, "3", "baseline"),
        ("head_control", None, "abnormal", "baseline"),
        ("sitting", None, "absent", "baseline"),
        ("gmfm", None, "21 %", "6 month"),
        ("spasticity", None, "2", "6 month"),
        ("head_control", None, "improved", "6 month"),
        ("sitting", None, "5 min", "6 month"),
        ("gmfcs_level", None, "4", "12 month"),
        ("sitting", None, "improved", "12 month"),
    } <= timed(SCORES)


SPINAL = (
    "Spinal cord injury (C6, incomplete), 36-year-old woman. Umbilical cord MSCs "
    "given intrathecally in four sessions from 1 September 2019.\n"
    "At baseline: ASIA impairment scale B; upper limb motor score 18/50; modified "
    "Ashworth 1+ in both legs; bladder managed with intermittent catheterisation.\n"
    "At 6 months: the ASIA impairment scale improved from B to C; upper limb motor "
    "score 26/50; she now walks 10 metres with a frame; voluntary bladder control "
    "has returned.\n"
)


def test_spinal_cord_injury_grades() -> None:
    assert {
        ("asia_grade", None, "ASIA B", "baseline"),
        ("spasticity", None, "1+", "baseline"),
        ("bladder_control", None, "abnormal", "baseline"),
        ("asia_grade", None, "ASIA C", "6 month"),
        ("walking", None, "10 m", "6 month"),
        ("bladder_control", None, "improved", "6 month"),
    } <= timed(SPINAL)
