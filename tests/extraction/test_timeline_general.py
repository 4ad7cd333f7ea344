"""When things happened and who the patient is, told in varied ways: follow-up times
("at the 6-week mark", "a year and a half on", "by month 6", "at her latest visit",
"Now, one year later"), baselines stated in the treatment's own paragraph, onsets given
as an age ("at eight months old he was diagnosed", "since I was 12") or as being born
with the condition, and ages in the forms letters and stories use ("who is 61", "a 61 y/o
male", "Age: 2y 4m", "baby girl, 16 months", "now 8 years old" beside the age at the
treatment).

Every narrative is written for these tests; none is taken from a corpus.  Each test
asserts the facts of time and of the patient (ages, sex, occupation, onsets, the time a
finding is placed at), not every field of the record.
"""

from __future__ import annotations

from typing import Any

import pytest

from caserecord import extract
from caserecord.extraction.time import find_times
from caserecord.record import CaseRecord
from caserecord.timeline import CaseTime


def when(time: CaseTime | None) -> str:
    """ "6 month", "-22 month", "baseline", "follow_up" (or "?" for no time)."""
    if time is None:
        return "?"
    if time.value is not None and time.unit is not None:
        return f"{time.value:g} {time.unit.value}"
    return time.phase.value if time.phase is not None else "?"


def acuity_times(record: CaseRecord) -> set[tuple[str, str | None, str]]:
    """(acuity, eye, time) of every visual acuity of the record."""
    return {
        (str(m.acuity), m.eye.value if m.eye else None, when(m.time))
        for m in record.measurements
        if m.kind == "visual_acuity" and m.acuity is not None
    }


def measure_times(record: CaseRecord) -> set[tuple[str, str]]:
    return {(m.measure, when(m.time)) for m in record.measurements}


def onsets(record: CaseRecord) -> dict[str, str]:
    return {c.name: when(c.onset) for c in record.conditions}


def patient(record: CaseRecord) -> tuple[str | None, tuple[float, str] | None, str | None]:
    p = record.patient
    age = (p.age.value, p.age.unit.value) if p.age is not None else None
    return (p.sex.value if p.sex else None, age, p.occupation)


GLAUCOMA_TESTIMONIAL = (
    "My name is Helen and I am a retired nurse who is 61. I was diagnosed with glaucoma "
    "in 2012, and despite eye drops and a trabeculectomy on my left eye in 2015, my sight "
    "kept slipping away. By 2019 I could barely read the newspaper.\n\n"
    "I was treated in January 2020 at a clinic in Florida, where they gave me retrobulbar "
    "injections of my own bone marrow stem cells in both eyes. Before the injection my "
    "vision was 20/200 in the right eye and count fingers in the left.\n\n"
    "Two weeks post-op I had some mild soreness around the eyes, nothing more. In March "
    "2020 my doctor said my right eye had improved to 20/100. At the 6-week mark I was "
    "already noticing brighter colours.\n\n"
    "Now, one year later, I can read large print again and my right eye is 20/70.\n"
)

PARENT_ONH = (
    "Our son Leo is now 4 years old. At eight months old he was diagnosed with optic "
    "nerve hypoplasia in both eyes, and the doctors told us there was no treatment.\n\n"
    "When he was two and a half, in June 2021, we took him to Bangkok where he received "
    "umbilical cord stem cells by intravenous infusion and intrathecal injection over ten"
    " days. He had a slight fever the day after the first infusion.\n\n"
    "At the 6-week mark he started following lights with his eyes. Eighteen months "
    "post-treatment his VEP was markedly improved and he is now picking up small toys.\n"
)

REPORT_NAION = (
    "A 61 y/o male farmer presented with non-arteritic anterior ischaemic optic "
    "neuropathy (NAION) of the right eye. He had noticed sudden painless loss of vision in"
    " that eye two years before the injections. He was treated with oral prednisolone "
    "without benefit.\n\n"
    "He underwent sub-Tenon injection of autologous adipose-derived stem cells in the "
    "right eye on 4 May 2018. Before the injection his vision was CF at 1 metre in the "
    "right eye.\n\n"
    "At the 3-month follow-up visual acuity was 6/36. At his latest visit his acuity "
    "remained 6/36 and the visual field was unchanged.\n"
)

LETTER_MS = (
    "Patient: Ms. R.\n"
    "Sex: F\n"
    "Age: 45 yrs\n"
    "Occupation: accountant\n"
    "Diagnosis: relapsing-remitting multiple sclerosis\n\n"
    "Dear colleague,\n\n"
    "Ms. R. was diagnosed with multiple sclerosis at the age of 30, after an episode of "
    "optic neuritis in her left eye. She has tried interferon beta and natalizumab.\n\n"
    "She received autologous hematopoietic stem cell transplantation in March 2019. "
    "Eighteen months on from the transplant, her EDSS was 3.0, down from 5.5 at "
    "baseline.\n"
)

PARENT_CP = (
    "Our daughter Amira was born with cerebral palsy after a difficult birth with lack of "
    "oxygen. She is now 8 years old. When she was 6, we decided to try stem cell "
    "treatment.\n\n"
    "She received three intrathecal injections of umbilical cord mesenchymal stem cells "
    "over a week, together with daily physiotherapy. She had a mild fever after the "
    "second injection.\n\n"
    "Two months after the treatment her spasticity had decreased.\n"
)

REPORT_LHON = (
    "Case report\n"
    "A 19-yr-old male student presented with bilateral painless visual loss that had "
    "begun 6 months earlier. Genetic testing confirmed Leber's hereditary optic neuropathy"
    " with the m.11778G>A mutation. He had taken idebenone for four months.\n\n"
    "He received intravitreal injections of bone marrow-derived mononuclear cells in both "
    "eyes. Pre-treatment visual acuity was 1.30 logMAR in both eyes.\n\n"
    "At the one-month review the VEP amplitude was improved. By month 6 acuity was 1.0 "
    "logMAR OD and 1.1 logMAR OS.\n"
)

DAUGHTER_AMD = (
    "My father, who is 78, has had wet macular degeneration in his right eye for five "
    "years. He had 20 anti-VEGF injections but his vision kept getting worse, and two "
    "years ago the left eye was affected too.\n\n"
    "In September 2017 he had an intravitreal injection of adipose stem cells in both eyes"
    " at a clinic in Florida. A week later he had severe pain and lost all vision in the "
    "left eye due to a retinal detachment.\n\n"
    "Three months post-injection his right eye was hand motions only.\n"
)

DIABETES = (
    "Mrs. K., a 57-year-old housewife, had type 2 diabetes for 12 years and had been on "
    "insulin since 2014. Her HbA1c was 9.1% before the treatment.\n\n"
    "She received two intravenous infusions of umbilical cord mesenchymal stem cells in "
    "2017, one month apart. At the 6-month mark her HbA1c was 6.8% and her insulin dose "
    "had been halved.\n"
)

INFANT_ONH = (
    "Diagnosis: optic nerve hypoplasia with septo-optic dysplasia\n"
    "Patient: baby girl, 16 months\n\n"
    "Born with optic nerve hypoplasia, she did not fix or follow at six months of age.\n\n"
    "She received cord blood stem cells intravenously in May 2011.\n"
)

LETTER_LCA = (
    "Re: Master J.P.\n"
    "DOB: 12/04/2016\n"
    "Sex: M\n"
    "Age: 2y 4m\n"
    "Diagnosis: Leber congenital amaurosis\n\n"
    "Dear Dr Hill,\n\n"
    "Thank you for referring this little boy, who has had poor vision from birth.\n\n"
    "He received subretinal gene-modified cell therapy to the right eye on 3 August 2018."
    " At 1-yr f/u he was fixing and following with the right eye, and his nystagmus had "
    "lessened.\n"
)

FORUM_SCI = (
    "hi all, long time reader. my husband is 52 and had a bad fall from a ladder in the "
    "summer of 2014 which broke his neck. he spent 5 months in rehab.\n\n"
    "we went to panama for stem cells in feb 2017 - 6 IV infusions over 2 weeks. 3 days "
    "post-infusion he had a headache, thats all.\n"
)

REPORT_STARGARDT = (
    "A 23-year-old female graduate student presented with bilateral central vision loss "
    "that had started at the age of 14. Stargardt disease was confirmed by ABCA4 "
    "testing.\n\n"
    "Prior to the stem cell transplant her best-corrected visual acuity was 20/200 OU. She"
    " received a subretinal injection of embryonic stem cell-derived RPE cells in the left"
    " eye.\n\n"
    "Visual acuity in the left eye was 20/125 at week 12 and 20/100 by the end of the "
    "first year.\n"
)

PARENT_CP_INFANT = (
    "Our little boy Noah was born at 26 weeks and had a brain bleed in his first week of "
    "life. At 14 months he was diagnosed with cerebral palsy.\n\n"
    "We took him to Germany when he was 22 months old for an intrathecal stem cell "
    "treatment. He had two sessions, six weeks apart.\n\n"
    "Three months after the second session he started crawling.\n"
)

NEWS_MS = (
    "Former soldier walks again after stem cell transplant\n\n"
    "David Morgan was 38 when he was told he had multiple sclerosis. The former soldier, "
    "now 47, had been using a wheelchair since 2017.\n\n"
    "In the spring of 2019 he travelled to Mexico for a haematopoietic stem cell "
    "transplant. He spent four weeks in hospital and lost his hair after the "
    "chemotherapy.\n\n"
    "Eighteen months on, he can walk 200 metres with a stick.\n"
)

FIRST_PERSON_RP = (
    "I'm 44 and I've had retinitis pigmentosa since I was 12. I work as a software "
    "engineer, so losing my sight was terrifying.\n\n"
    "In 2020 I had umbilical cord stem cells injected behind both eyes (retrobulbar) at a "
    "clinic abroad.\n"
)

SHORTHAND_REPORT = (
    "CASE REPORT\n"
    "Patient: 27 yo M, construction worker\n"
    "History: traumatic optic neuropathy of the left eye after a motorcycle accident eight"
    " weeks before presentation.\n"
    "Intervention: sub-Tenon injection of umbilical cord MSCs (left eye).\n"
    "Pre-op BCVA: HM OS.\n"
    "Post-op course: at 1 week BCVA was CF 2 m; at 4 weeks 0.1.\n"
)

PARENT_AUTISM = (
    "My daughter Sophie is 7 now. She was diagnosed with autism at the age of 3, after "
    "she stopped talking around her second birthday.\n\n"
    "When she was five we took her to a clinic in Panama for umbilical cord stem cells: "
    "four IV infusions over a week.\n"
)


# -- time expressions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quote", "relation", "value", "unit"),
    [
        ("At the 6-week mark he started.", "At the 6-week mark", "after_day0", 6, "week"),
        (
            "at the three-month time point",
            "at the three-month time point",
            "after_day0",
            3,
            "month",
        ),
        ("At 1-yr f/u he was fixing", "At 1-yr f/u", "after_day0", 1, "year"),
        ("By month 6 acuity was 1.0", "By month 6", "after_day0", 6, "month"),
        ("in week 3 she walked", "in week 3", "after_day0", 3, "week"),
        ("Now, one year later, I can read", "Now, one year later", "after_day0", 1, "year"),
        (
            "Today, two and a half years later, he",
            "Today, two and a half years later",
            "after_day0",
            2.5,
            "year",
        ),
        ("A year and a half on, her EDSS", "A year and a half on", "after_previous", 1.5, "year"),
        ("Three months on, he walks", "Three months on", "after_previous", 3, "month"),
        ("1 month on he could feel", "1 month on", "after_previous", 1, "month"),
        (
            "six months on from the injection",
            "six months on from the injection",
            "after_day0",
            6,
            "month",
        ),
        ("a fortnight later he stood", "a fortnight later", "after_previous", 2, "week"),
        ("for a year and a half", "for a year and a half", "duration", 1.5, "year"),
        ("a year and a half ago", "a year and a half ago", "before_now", 1.5, "year"),
        ("I'm now three years out", "three years out", "after_day0", 3, "year"),
        (
            "the day after the first infusion",
            "the day after the first infusion",
            "after_day0",
            1,
            "day",
        ),
        (
            "the night after her first stem cell infusion",
            "the night after her first stem cell infusion",
            "after_day0",
            1,
            "day",
        ),
        (
            "He vomited the night after the lumbar puncture.",
            "the night after the lumbar puncture",
            "after_day0",
            1,
            "day",
        ),
    ],
)
def test_time_expression(text: str, quote: str, relation: str, value: float, unit: str) -> None:
    mentions = find_times(text)
    found = [m for m in mentions if text[m.start : m.end] == quote]
    assert found, [text[m.start : m.end] for m in mentions]
    assert (found[0].relation, found[0].value, found[0].unit) == (relation, value, unit)


@pytest.mark.parametrize(
    "text",
    [
        "two weeks on steroids",  # "on" a medication, not a time "on" from something
        "in year 2019 he moved",  # a year, not the 2019th year of follow-up
        "two weeks out of hospital",
    ],
)
def test_not_a_follow_up_time(text: str) -> None:
    assert [m for m in find_times(text) if m.relation == "after_day0"] == []


def test_the_day_after_a_later_dose_is_not_day_one() -> None:
    assert find_times("a fever the day after the second infusion") == []


@pytest.mark.parametrize(
    "text",
    ["At his latest visit it was 6/36", "at the most recent follow up", "at her last review"],
)
def test_latest_visit_is_the_last_follow_up(text: str) -> None:
    phases = [m.phase for m in find_times(text) if m.relation == "phase"]
    assert [p.value for p in phases if p is not None] == ["follow_up"]


@pytest.mark.parametrize("cue", ["Pre-op", "Preop", "Pre-injection", "Pre-transplant"])
def test_pre_op_is_baseline(cue: str) -> None:
    phases = [m.phase for m in find_times(f"{cue} BCVA: HM OS.") if m.relation == "phase"]
    assert [p.value for p in phases if p is not None] == ["baseline"]


# -- times of findings -------------------------------------------------------------------------


def test_now_one_year_later_counts_from_the_treatment() -> None:
    # not a year after "In March 2020" (day 426): the story's now, a year after day 0
    assert ("20/70", "right", "1 year") in acuity_times(extract(GLAUCOMA_TESTIMONIAL))


def test_baseline_in_the_treatment_paragraph_and_a_dated_follow_up() -> None:
    found = acuity_times(extract(GLAUCOMA_TESTIMONIAL))
    assert {("20/200", "right", "baseline"), ("20/100", "right", "2 month")} <= found


def test_latest_visit_is_follow_up_not_the_last_stated_time() -> None:
    record = extract(REPORT_NAION)
    assert {("6/36", "right", "3 month"), ("6/36", "right", "follow_up")} <= acuity_times(record)
    assert ("visual_field", "follow_up") in measure_times(record)


def test_month_n_places_the_values_after_it() -> None:
    assert acuity_times(extract(REPORT_LHON)) == {
        ("1.30 logMAR", "both", "baseline"),
        ("1.00 logMAR", "right", "6 month"),
        ("1.10 logMAR", "left", "6 month"),
    }


def test_a_time_right_after_the_value_is_its_own() -> None:
    # "20/125 at week 12 and 20/100 by the end of the first year": not both at week 12
    assert acuity_times(extract(REPORT_STARGARDT)) == {
        ("20/200", "both", "baseline"),
        ("20/125", "left", "12 week"),
        ("20/100", "left", "1 year"),
    }


def test_baseline_after_the_value_in_a_later_sentence() -> None:
    record = extract(LETTER_MS)
    times = {(m.measure, when(m.time)) for m in record.measurements if m.measure == "edss"}
    assert times == {("edss", "18 month"), ("edss", "baseline")}


def test_six_month_mark() -> None:
    record = extract(DIABETES)
    assert {("hba1c", "baseline"), ("hba1c", "6 month")} <= measure_times(record)


def test_one_year_follow_up_abbreviated() -> None:
    record = extract(LETTER_LCA)
    assert ("nystagmus", "1 year") in measure_times(record)


def test_pre_op_header_line_is_baseline() -> None:
    assert acuity_times(extract(SHORTHAND_REPORT)) == {
        ("HM", "left", "baseline"),
        ("CF 2 m", "left", "1 week"),
        ("0.10 decimal", "left", "4 week"),
    }


# -- onsets and causes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "onset"),
    [
        # "at eight months old", with the age at treatment (two and a half), not "now 4"
        (PARENT_ONH, "optic nerve hypoplasia", "-22 month"),
        (PARENT_CP, "cerebral palsy", "-6 year"),  # born with it, treated at 6
        (INFANT_ONH, "optic nerve hypoplasia", "-16 month"),  # born with it, 16 months
        (LETTER_LCA, "leber congenital amaurosis", "-28 month"),  # from birth, 2y 4m
        (LETTER_MS, "relapsing-remitting multiple sclerosis", "-15 year"),
        (REPORT_NAION, "non-arteritic anterior ischaemic optic neuropathy", "-2 year"),
        (REPORT_LHON, "leber's hereditary optic neuropathy", "-6 month"),
        (REPORT_STARGARDT, "stargardt disease", "-9 year"),  # "started at the age of 14"
        (PARENT_CP_INFANT, "cerebral palsy", "-8 month"),  # "At 14 months ... diagnosed"
        (FIRST_PERSON_RP, "retinitis pigmentosa", "-32 year"),  # "since I was 12"
        (PARENT_AUTISM, "autism", "-2 year"),  # at the age of 3, treated at five
        (GLAUCOMA_TESTIMONIAL, "glaucoma", "-8 year"),
        (DAUGHTER_AMD, "wet macular degeneration", "-5 year"),
    ],
)
def test_onset(text: str, name: str, onset: str) -> None:
    assert onsets(extract(text)).get(name) == onset


def test_born_prematurely_at_weeks_is_gestation_not_an_onset_age() -> None:
    text = (
        "Our daughter Mia was born prematurely at 28 weeks and was diagnosed with spastic "
        "cerebral palsy at 14 months. She is now 3. In 2019 she received cord blood cells."
    )
    record = extract(text)
    assert all(c.onset is None or c.onset.value != -15.56 for c in record.conditions)


def test_from_birth_is_a_time_not_a_cause() -> None:
    record = extract(LETTER_LCA)
    assert [c.cause for c in record.conditions] == [None]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (DAUGHTER_AMD, "wet macular degeneration"),  # "a week later ... retinal detachment"
        (NEWS_MS, "multiple sclerosis"),  # "lost his hair after the chemotherapy"
    ],
)
def test_what_follows_the_treatment_is_no_cause_of_the_disease(text: str, name: str) -> None:
    causes = {c.name: c.cause for c in extract(text).conditions}
    assert causes[name] is None


def test_history_told_after_the_treatment_still_gives_the_cause() -> None:
    text = (
        "Doctors in Chennai restored sight to a blind man. The stem cells were injected "
        "behind the eye. The patient was blinded due to accidental consumption of methanol"
        " three years ago and suffered optic atrophy."
    )
    causes = {c.name: c.cause for c in extract(text).conditions}
    assert causes.get("optic atrophy") == "accidental consumption of methanol"


# -- the patient ---------------------------------------------------------------------------------

PATIENTS: list[tuple[str, str, str | None, tuple[float, str] | None, str | None]] = [
    ("who is 61", GLAUCOMA_TESTIMONIAL, None, (61.0, "year"), "nurse"),
    ("age at treatment, not now", PARENT_ONH, "male", (2.5, "year"), None),
    ("y/o with sex and occupation", REPORT_NAION, "male", (61.0, "year"), "farmer"),
    ("header", LETTER_MS, "female", (45.0, "year"), "accountant"),
    ("now 8, treated at 6", PARENT_CP, "female", (6.0, "year"), None),
    ("yr-old", REPORT_LHON, "male", (19.0, "year"), "student"),
    ("my father, who is 78", DAUGHTER_AMD, "male", (78.0, "year"), None),
    ("noun and age in a label", INFANT_ONH, "female", (16.0, "month"), None),
    ("years and months", LETTER_LCA, "male", (28.0, "month"), None),
    ("my husband is 52", FORUM_SCI, "male", (52.0, "year"), None),
    ("age told with the treatment only", PARENT_CP_INFANT, "male", (22.0, "month"), None),
    ("now 47 between commas; a former job is the job", NEWS_MS, "male", (47.0, "year"), "soldier"),
    ("I'm 44, work as", FIRST_PERSON_RP, None, (44.0, "year"), "software engineer"),
    ("yo M", SHORTHAND_REPORT, "male", (27.0, "year"), "construction worker"),
    ("is 7 now, treated at five", PARENT_AUTISM, "female", (5.0, "year"), None),
]


@pytest.mark.parametrize(
    ("text", "sex", "age", "occupation"),
    [p[1:] for p in PATIENTS],
    ids=[p[0] for p in PATIENTS],
)
def test_patient(
    text: str, sex: str | None, age: tuple[float, str] | None, occupation: str | None
) -> None:
    assert patient(extract(text)) == (sex, age, occupation)


@pytest.mark.parametrize(
    "text",
    [
        "His mother, who is 58, carries the mutation. He presented with LHON.",
        "Her husband, aged 64, drove her to the clinic. She has glaucoma.",
        "She lost her sight when she was 12. Her vision is poor.",
        "His IOP was 21. He has glaucoma.",
    ],
)
def test_no_patient_age(text: str) -> None:
    assert extract(text).patient.age is None


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("A 45 y.o. woman with AMD.", (45.0, "year")),
        ("An 18 m/o girl with ONH.", (18.0, "month")),
        ("The boy, 2 years and 4 months old, has ONH.", (28.0, "month")),
        ("Boy, 5 years, cerebral palsy.", (5.0, "year")),
    ],
)
def test_age_forms(text: str, age: tuple[float, str]) -> None:
    record: Any = extract(text)
    assert (record.patient.age.value, record.patient.age.unit.value) == age
