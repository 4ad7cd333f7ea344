"""Dated outcome measurements told in the genre's many ways: per-eye lists that name
the eye before or after each value, values restated in brackets in another notation,
one unit for two values, clinic-letter headers, bulleted follow-ups, and the outcomes
of cerebral palsy, spinal cord injury, diabetes and multiple sclerosis.

Every narrative is written for these tests; none is taken from a corpus.  Each test
asserts the facts of the measurements (what, which eye, which value and, where the
time is the point, when), not every field of the record.
"""

from __future__ import annotations

import pytest

from caserecord.extraction._document import Document
from caserecord.extraction.acuity import extract_acuity
from caserecord.extraction.eyes import eye_leads, eye_near, find_eyes
from measured_facts import Fact, facts, timed


def acuities(text: str) -> list[tuple[str, str | None]]:
    return [(m.acuity or "", m.eye) for m in extract_acuity(Document.parse(text))]


CLINIC_SHEET = """Patient: female, 58 years
Diagnosis: primary open-angle glaucoma, both eyes
Treatment: intravitreal bone marrow derived stem cells, right eye, 12/01/2021

Baseline examination:
BCVA: OD 6/60, OS 6/18
IOP: OD 14 mmHg, OS 16 mmHg
Visual field mean deviation: OD -24.5 dB, OS -12.3 dB
RNFL thickness: OD 52 µm, OS 71 µm

Follow-up at 3 months:
BCVA: OD 6/36, OS 6/18
IOP: OD 32 mmHg, OS 15 mmHg

Follow-up at 12 months:
BCVA: OD hand movements, OS 6/24
"""


def test_clinic_sheet_names_each_eye_before_its_value() -> None:
    found = timed(CLINIC_SHEET)
    expected = {
        ("visual_acuity", "right", "6/60", "baseline"),
        ("visual_acuity", "left", "6/18", "baseline"),
        ("intraocular_pressure", "right", "14 mmHg", "baseline"),
        ("intraocular_pressure", "left", "16 mmHg", "baseline"),
        ("visual_field", "right", "-24.5 dB", "baseline"),
        ("visual_field", "left", "-12.3 dB", "baseline"),
        ("oct", "right", "52 um", "baseline"),
        ("oct", "left", "71 um", "baseline"),
        ("visual_acuity", "right", "6/36", "3 month"),
        ("visual_acuity", "left", "6/18", "3 month"),
        ("intraocular_pressure", "right", "32 mmHg", "3 month"),
        ("intraocular_pressure", "left", "15 mmHg", "3 month"),
        ("visual_acuity", "right", "HM", "12 month"),
        ("visual_acuity", "left", "6/24", "12 month"),
    }
    assert expected <= found
    # no value is given to the eye of its neighbour
    assert not {f for f in found if f[0] == "visual_acuity" and f[1:3] == ("left", "6/60")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # eye first, comma between the pairs
        ("BCVA OD 0.1, OS 0.3.", [("0.1 decimal", "right"), ("0.3 decimal", "left")]),
        (
            "Visual acuity: right eye 0.1, left eye 0.08.",
            [("0.1 decimal", "right"), ("0.08 decimal", "left")],
        ),
        ("VA RE 0.15; LE 0.1", [("0.15 decimal", "right"), ("0.1 decimal", "left")]),
        # eye first, no comma: the eye after a value labels the next one
        ("Vision OD 20/200 OS 20/400.", [("20/200", "right"), ("20/400", "left")]),
        # eye after the value keeps working, with or without commas
        ("Vision was 20/200 OD, 20/400 OS.", [("20/200", "right"), ("20/400", "left")]),
        ("Vision was 20/200 OD 20/400 OS.", [("20/200", "right"), ("20/400", "left")]),
        (
            "Acuity was 1.0 in the right eye and light perception in the left eye.",
            [("1.0 decimal", "right"), ("LP", "left")],
        ),
        # a level written as words after its eye
        ("BCVA: OD hand movements, OS 6/24", [("HM", "right"), ("6/24", "left")]),
    ],
)
def test_per_eye_lists(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert acuities(text) == expected


def test_eye_leads_needs_a_tight_label() -> None:
    text = "OD was 0.1, OS 0.3"
    eyes = find_eyes(text)
    value = text.index("0.1")
    # "OD was 0.1": a verb between eye and value, so the eye is not a label
    assert not eye_leads(text, eyes[0].end, (value, value + 3), (eyes[1].start, eyes[1].end))
    near = eye_near(text, eyes, value, value + 3, clause=(0, len(text)))
    assert near is not None
    # the clause named OD before its value and a comma ends what it says of it
    assert near.laterality == "right"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # another notation in brackets restates the value
        ("Visual acuity in the left eye was 0.05 (logMAR 1.3).", [("0.05 decimal", "left")]),
        ("Visual acuity was 6/60 (20/200) in the right eye.", [("6/60", "right")]),
        ("Visual acuity was 20/400 (0.05) OS.", [("20/400", "left")]),
        # a different value in brackets is a value of its own
        (
            "Vision improved from 20/400 (at baseline) to 20/200 (0.1).",
            [("20/400", None), ("20/200", None)],
        ),
        ("Vision was 6/60 (6/24 with pinhole).", [("6/60", None), ("6/24", None)]),
    ],
)
def test_values_restated_in_brackets(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert acuities(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acuity was 45 and 62 letters.", ["45 letters", "62 letters"]),
        ("BCVA improved from 35 to 50 ETDRS letters.", ["35 letters", "50 letters"]),
        (
            "She read 40, 55 letters on the chart at visual acuity testing.",
            ["40 letters", "55 letters"],
        ),
    ],
)
def test_one_letter_unit_for_two_values(text: str, expected: list[str]) -> None:
    assert [a for a, _ in acuities(text)] == expected


def test_letters_need_an_acuity_context() -> None:
    assert acuities("He wrote 45 and 62 letters to the clinic.") == []


LETTER = (
    "Re: Mr Tomasz K.\n\n"
    "Dear Dr Evans,\n\n"
    "I reviewed Mr K. today, six months after his subretinal stem cell implant to the "
    "right eye for dry age-related macular degeneration. His best-corrected acuity "
    "measured 42 ETDRS letters in the right eye and 61 letters in the left, compared with"
    " 45 and 62 letters before the procedure. Central macular thickness on OCT was 210 "
    "microns in the right eye.\n"
)


def test_clinic_letter_letters_and_thickness() -> None:
    found = facts(LETTER)
    assert {
        ("visual_acuity", "right", "42 letters"),
        ("visual_acuity", "left", "61 letters"),
        ("visual_acuity", "left", "62 letters"),
        ("oct", "right", "210 um"),
    } <= found
    assert any(f[:3] == ("visual_acuity", f[1], "45 letters") for f in found)


TESTIMONIAL = (
    "I was diagnosed with Leber's hereditary optic neuropathy when I was 24.\n\n"
    "In March 2019 I travelled to a clinic in Mexico and had umbilical cord stem cells "
    "injected behind each eye. Before the injections my right eye could count fingers at "
    "1 metre and my left eye only saw hand movements.\n\n"
    "By six months the right eye had improved to 20/200. My visual field also got better.\n"
)


def test_testimonial_levels_in_words() -> None:
    found = timed(TESTIMONIAL)
    assert {
        ("visual_acuity", "right", "CF 1 m", "baseline"),
        ("visual_acuity", "left", "HM", "baseline"),
        ("visual_acuity", "right", "20/200", "6 month"),
        ("visual_field", "both", "improved", "6 month"),
    } <= {(a, b, c.replace("CF at 1 m", "CF 1 m"), d) for a, b, c, d in found}


CASE_REPORT = (
    "A 34-year-old man presented with painless loss of vision in his left eye following a"
    " motorcycle accident two months earlier. On examination, visual acuity was 1.0 in "
    "the right eye and light perception in the left eye. There was a left relative "
    "afferent pupillary defect. Pattern VEP showed a P100 latency of 138 ms in the left "
    "eye with markedly reduced amplitude.\n\n"
    "He underwent retrobulbar injection of autologous bone marrow mononuclear cells into "
    "the left eye. One month later, the left eye could detect hand motion. At three "
    "months his best corrected visual acuity in the left eye was 0.05 (logMAR 1.3).\n"
)


def test_case_report_acuity_and_vep() -> None:
    found = timed(CASE_REPORT)
    assert {
        ("visual_acuity", "right", "1.00 decimal", "baseline"),
        ("visual_acuity", "left", "LP", "baseline"),
        ("pupil_reflex", "left", "abnormal", "baseline"),
        ("vep", "left", "138 ms", "baseline"),
        ("visual_acuity", "left", "HM", "1 month"),
        ("visual_acuity", "left", "0.05 decimal", "3 month"),
    } <= found
    # the bracketed logMAR is the same measurement, not a second one
    assert not any(f[0] == "visual_acuity" and "1.3" in f[2] for f in found)


PARENT = (
    "Our daughter Lily was born with optic nerve hypoplasia. When she was 2, she could "
    "not fix or follow objects and had constant nystagmus.\n\n"
    "In June 2015, we took her to Bangkok for four intrathecal injections of cord blood "
    "stem cells. At three months, her eye tracking was much better and her nystagmus had "
    "decreased. Her VEP test at six months showed improved responses in both eyes.\n\n"
    "Now, one year later, she can see small objects across the room and her vision is "
    "still improving.\n"
)


def test_parent_story_eye_findings() -> None:
    found = timed(PARENT)
    assert {
        ("nystagmus", "both", "present", "baseline"),
        ("eye_tracking", None, "improved", "3 month"),
        ("nystagmus", "both", "improved", "3 month"),
        ("vep", "both", "improved", "6 month"),
    } <= found
    # "still improving" is a change for the better, not "unchanged"
    vision = {f[2] for f in found if f[0] in ("vision", "visual_acuity")}
    assert vision == {"improved"}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The pressure in both eyes was normal, at 15 mmHg.",
            ("intraocular_pressure", "both", "15 mmHg"),
        ),
        ("Pressure in the right eye was 28 mmHg.", ("intraocular_pressure", "right", "28 mmHg")),
        ("Applanation tonometry read 21 mmHg OD.", ("intraocular_pressure", "right", "21 mmHg")),
        ("Her vision is still improving.", ("vision", None, "improved")),
        ("His walking continues to improve.", ("walking", None, "improved")),
        ("Her balance is still getting worse.", ("balance", None, "worsened")),
    ],
)
def test_phrasings_of_outcomes(sentence: str, expected: Fact) -> None:
    text = (
        "In May 2020 she received an intravenous infusion of stem cells. Six months later: "
        + sentence
    )
    found = {f if f[0] != "visual_acuity" else ("vision", *f[1:]) for f in facts(text)}
    assert expected in {(m, e if m != "vision" else None, v) for m, e, v in found}


CEREBRAL_PALSY = (
    "Ahmed, a 7-year-old boy with spastic quadriplegic cerebral palsy, received two "
    "infusions of umbilical cord mesenchymal stem cells in 2020. Before treatment he "
    "could not sit without support, could not hold his head up for long, and spoke only a"
    " few words.\n\n"
    "Three months after the first infusion, his mother noticed he could sit on his own "
    "for about ten minutes. His spasticity decreased to Ashworth 2. By six months his "
    "head control had improved a lot. At the one-year assessment, his GMFCS level was "
    "III.\n"
)


def test_cerebral_palsy_outcomes() -> None:
    found = timed(CEREBRAL_PALSY)
    assert {
        ("sitting", None, "abnormal", "baseline"),
        ("head_control", None, "abnormal", "baseline"),
        ("speech", None, "abnormal", "baseline"),
        ("sitting", None, "10 min", "3 month"),
        ("spasticity", None, "2", "3 month"),
        ("head_control", None, "improved", "6 month"),
        ("gmfcs_level", None, "3", "1 year"),
    } <= found


SPINAL = (
    "A 41-year-old woman with a complete T10 spinal cord injury from a fall received "
    "intrathecal autologous mesenchymal stem cells in April 2018. At baseline she had no "
    "sensation below the umbilicus and no bladder control.\n\n"
    "At three months sensation had returned down to the knees. At six months she was "
    "reclassified as ASIA C. At 12 months she could stand with braces for 20 minutes, but"
    " was still unable to walk.\n"
)


def test_spinal_cord_injury_outcomes() -> None:
    found = timed(SPINAL)
    assert {
        ("sensation", None, "absent", "baseline"),
        ("bladder_control", None, "abnormal", "baseline"),
        ("sensation", None, "improved", "3 month"),
        ("asia_grade", None, "ASIA C", "6 month"),
        ("standing", None, "20 min", "12 month"),
    } <= found
    # (its time is that of the clause before: time.py places "but was still unable")
    assert any(f[:3] == ("walking", None, "absent") for f in found)


DIABETES = (
    "Mr Li, 52, had type 2 diabetes for 11 years. He received a stem cell infusion in "
    "January 2017.\n\n"
    "Three months after the infusion his HbA1c had fallen to 7.4% and he needed 20 units "
    "of insulin daily. At six months his fasting glucose was 6.8 mmol/L and his HbA1c "
    "6.9%. By the end of the first year he had stopped insulin altogether.\n"
)


def test_diabetes_outcomes() -> None:
    found = timed(DIABETES)
    assert {
        ("hba1c", None, "7.4 %", "3 month"),
        ("insulin_dose", None, "20 U", "3 month"),
        ("fasting_blood_glucose", None, "6.8 mmol/L", "6 month"),
        ("hba1c", None, "6.9 %", "6 month"),
        ("insulin_dose", None, "absent", "1 year"),
    } <= found


MS = (
    "Case report: a 29-year-old woman with relapsing-remitting multiple sclerosis and a "
    "history of left optic neuritis underwent autologous haematopoietic stem cell "
    "transplantation in 2016. At baseline her EDSS was 6.0, she walked 100 metres with a "
    "cane, and her left eye visual acuity was 6/12.\n\n"
    "At 12 months her EDSS had improved to 3.5 and she could walk unaided. Visual acuity "
    "in the left eye improved to 6/6.\n"
)


def test_multiple_sclerosis_outcomes() -> None:
    found = timed(MS)
    assert {
        ("edss", None, "6", "baseline"),
        ("visual_acuity", "left", "6/12", "baseline"),
        ("edss", None, "3.5", "12 month"),
        ("walking", None, "improved", "12 month"),
        ("visual_acuity", "left", "6/6", "12 month"),
    } <= found


NEWS = (
    "My husband lost vision in both eyes from methanol poisoning. He could see hand "
    "movements only. After three injections of stem cells in the summer of 2018, his "
    "vision improved. At 3 months he could count fingers at two feet with both eyes. At "
    "one year his vision was 6/60 in the right eye and 3/60 in the left eye.\n"
)


def test_spouse_story_levels_and_snellen_metres() -> None:
    found = timed(NEWS)
    assert {
        ("visual_acuity", "both", "CF 2 ft", "3 month"),
        ("visual_acuity", "right", "6/60", "1 year"),
        ("visual_acuity", "left", "3/60", "1 year"),
    } <= {(a, b, c.replace("CF at 2 ft", "CF 2 ft"), d) for a, b, c, d in found}
