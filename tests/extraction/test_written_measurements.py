"""Outcome measurements in layouts and phrasings of narratives written by others:
clinic-letter rows whose values carry a bare side ("IOP: right 18 mmHg, left 21
mmHg"), a side before a measure's name ("left mean RNFL 61 um"), a clause naming its
eye before a mark ("...; the other eye..."), ETDRS letters read off a chart and told
on with "it", scores of the neurology genre (ALSFRS-R, FVC % predicted, EDSS told on
with "it"), relapses and MRI activity, notes with no subject ("- reaches for toys"),
"still ... but less", and symptoms under a "Complications" heading.

Every narrative is written for these tests; none is taken from a corpus.
"""

from __future__ import annotations

import pytest

from caserecord.extraction.eyes import find_eyes
from measured_facts import Fact, facts, timed

# -- a bare side labelling the value after it ------------------------------------------

SIDE_ROWS = [
    (
        "Findings at review:\nVision: right 6/18, left 6/12\n"
        "Intraocular pressure: right 19 mmHg, left 22 mmHg",
        {
            ("visual_acuity", "right", "6/18"),
            ("visual_acuity", "left", "6/12"),
            ("intraocular_pressure", "right", "19 mmHg"),
            ("intraocular_pressure", "left", "22 mmHg"),
        },
    ),
    (
        "Humphrey mean deviation: left -11.4 dB, right -3.0 dB.",
        {("visual_field", "left", "-11.4 dB"), ("visual_field", "right", "-3 dB")},
    ),
    (
        "Nerve fibre layer on OCT: right 88 microns and left 71 microns.",
        {("oct", "right", "88 um"), ("oct", "left", "71 um")},
    ),
    (
        "Her acuity was 20/50 (right) and 20/200 (left); today: right 20/40, left 20/160.",
        {
            ("visual_acuity", "right", "20/50"),
            ("visual_acuity", "left", "20/200"),
            ("visual_acuity", "right", "20/40"),
            ("visual_acuity", "left", "20/160"),
        },
    ),
]


@pytest.mark.parametrize(("text", "expected"), SIDE_ROWS)
def test_bare_side_labels_its_value(text: str, expected: set[Fact]) -> None:
    assert expected <= facts(text)


@pytest.mark.parametrize(
    "text",
    [
        "He left 3 weeks later for home.",
        "She was discharged, left 2 days after surgery and came back in June.",
        "The right 4 fingers were numb.",
    ],
)
def test_side_words_that_label_no_value(text: str) -> None:
    assert not find_eyes(text)


def test_side_before_a_measure_name_is_its_eye() -> None:
    text = (
        "Stem cells were injected on 3 March 2021.\n"
        "OCT at presentation: left mean RNFL 61 um, right 97 um. "
        "At four months the right IOP was 15 mmHg."
    )
    assert {
        ("oct", "left", "61 um"),
        ("oct", "right", "97 um"),
        ("intraocular_pressure", "right", "15 mmHg"),
    } <= facts(text)


def test_a_clause_keeps_the_eye_it_named_before_a_mark() -> None:
    got = facts("After a year, vision in his right eye was 0.1; the left eye stayed at 0.6.")
    assert {
        ("visual_acuity", "right", "0.10 decimal"),
        ("visual_acuity", "left", "0.60 decimal"),
    } <= got
    got = facts("The left eye improved from 20/400 to 20/100, the right eye from 20/60 to 20/30.")
    assert ("visual_acuity", "left", "20/100") in got
    assert ("visual_acuity", "right", "20/60") in got


def test_a_clause_naming_no_eye_takes_the_one_its_sentence_names() -> None:
    text = (
        "Cells were injected into the right eye on 5 May 2020.\n"
        "Both eyes were examined at the first visit.\n"
        "At two months the right eye saw hand movements, and the pattern VEP showed a "
        "P100 amplitude of 2.4 uV."
    )
    assert ("vep", "right", "2.4 uV") in facts(text)


# -- ETDRS letters ----------------------------------------------------------------------


def test_letters_read_off_a_chart_and_told_on_with_it() -> None:
    text = (
        "He received a retinal implant in June 2021.\n"
        "On the ETDRS chart his right eye read 41 letters before surgery. "
        "Six months later it read 46 letters, and at the two-year visit 50. "
        "The left eye went from 58 letters to 55 in the same time."
    )
    got = facts(text)
    assert {
        ("visual_acuity", "right", "41 letters"),
        ("visual_acuity", "right", "46 letters"),
        ("visual_acuity", "right", "50 letters"),
        ("visual_acuity", "left", "58 letters"),
        ("visual_acuity", "left", "55 letters"),
    } <= got


def test_a_visit_number_is_still_no_letter_count() -> None:
    got = facts("ETDRS letter score: 35 at visit 3, and 39 at visit 4.")
    assert ("visual_acuity", None, "3 letters") not in got
    assert ("visual_acuity", None, "35 letters") in got


# -- scores of the neurology genre --------------------------------------------------------


def test_alsfrs_and_fvc() -> None:
    text = (
        "She had the first intrathecal injection in May 2020.\n"
        "Her ALSFRS-R, scored out of 48, was 40 at the start. Four months after the "
        "first injection it was 38, and at ten months it had fallen to 33. Her forced "
        "vital capacity was 91% of predicted before treatment and 84% at ten months."
    )
    got = timed(text)
    assert {
        ("alsfrs_r", None, "40", "baseline"),
        ("alsfrs_r", None, "38", "4 month"),
        ("alsfrs_r", None, "33", "10 month"),
        ("fvc", None, "91 %", "baseline"),
        ("fvc", None, "84 %", "10 month"),
    } <= got
    assert not any(f[0] == "alsfrs_r" and f[2] == "48" for f in got)


def test_the_size_of_a_scale_is_no_score() -> None:
    got = facts("His score on the 48-point ALS functional rating scale was 29 in March.")
    assert ("alsfrs_r", None, "29") in got
    assert ("alsfrs_r", None, "48") not in got


def test_edss_told_on_with_it() -> None:
    text = (
        "I had my transplant in 2017. My EDSS was 5.0 before the transplant. "
        "Two years after the transplant it was 3.5."
    )
    assert {("edss", None, "5"), ("edss", None, "3.5")} <= facts(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I had HSCT in 2016. Since then, no relapses.", ("relapses", None, "absent")),
        (
            "He had the transplant in 2015. His MRI two years later showed no new lesions.",
            ("mri", None, "unchanged"),
        ),
        (
            "She had stem cells in 2018. A year later the brain MRI was normal.",
            ("mri", None, "normal"),
        ),
    ],
)
def test_relapses_and_mri(text: str, expected: Fact) -> None:
    assert expected in facts(text)


def test_mri_of_a_diagnosis_without_a_value_gives_nothing() -> None:
    text = "He fell from a roof; the MRI showed a fracture at T12 and cord compression."
    assert not any(f[0] == "mri" for f in facts(text))


# -- qualitative outcomes ----------------------------------------------------------------


def test_notes_with_no_subject_state_the_ability() -> None:
    text = (
        "Injections were given in April 2021.\n"
        "Follow-up:\n"
        "- 2 months: reaches for a cup on the table\n"
        "- 4 months: follows a brightly coloured toy across the room\n"
    )
    got = timed(text)
    assert ("reaching", None, "present", "2 month") in got
    assert ("eye_tracking", None, "present", "4 month") in got


def test_still_there_but_less() -> None:
    text = "He had stem cells in 2019. Two years on, the fatigue is still there but less."
    assert ("fatigue", None, "improved") in facts(text)


def test_age_appropriate_is_normal() -> None:
    assert ("speech", None, "normal") in facts(
        "Treated in 2020.\nOn admission:\n- Speech age-appropriate\n"
    )


def test_symptoms_under_a_complications_heading_are_no_findings() -> None:
    text = (
        "Stem cells were given on 2 June 2022.\n\n"
        "Complications:\nMild pain at the harvest site on the hip.\n\n"
        "At discharge:\n- Less leg pain\n"
    )
    got = facts(text)
    assert ("pain", None, "present") not in got
    assert ("pain", None, "improved") in got
