"""De-identification: planted identifiers go, clinical facts stay, the report indexes the text."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import caserecord
from caserecord import _deid_data as deid_data
from caserecord._calendar import MONTHS
from caserecord.deid import (
    DeidentifiedText,
    IdentifierCategory,
    Removal,
    date_shift_for,
    deidentify,
    deidentify_text,
    shift_date,
)
from caserecord.timeline import PartialDate

NAME = IdentifierCategory.NAME
PLACE = IdentifierCategory.GEOGRAPHIC
DATE = IdentifierCategory.DATE
AGE = IdentifierCategory.AGE_OVER_89

# -- narratives with planted identifiers ---------------------------------------------------
# Written for these tests in the genres of the corpus (a case report with a
# header block, a clinician's letter, a patient's testimonial); every
# person, place, number and address in them is invented.

CASE_REPORT = (
    "Patient: Anna Novak\n"
    "MRN: 48213377\n"
    "Date of birth: 14/03/1985\n"
    "Phone: (617) 555-0143\n"
    "E-mail: anna.novak@example.org\n"
    "Referring physician: Dr. Quinn Smith, Lakeside Eye Institute, 12 Harbor Street, "
    "Springfield\n"
    "\n"
    "Anna Novak, a 34-year-old teacher, noticed painless blurring in her right eye in "
    "March 2019. She was first examined at Riverside General Hospital on 21 March 2019. "
    "Visual acuity was 20/40 OD and 20/25 OS. Genetic testing confirmed Leber hereditary "
    "optic neuropathy (m.11778G>A). Novak's mother, Maria, had lost vision at a similar age. "
    "On 2019-04-02 she received an intravitreal injection of 1x10^6 autologous bone marrow "
    "cells in the right eye. Three months after treatment, visual acuity was 6/60 in the "
    "right eye. Contact the clinic at www.lakeside-eye.example.com (server 192.168.10.24).\n"
)
CASE_REPORT_PLANTED = (
    "Anna",
    "Novak",
    "Maria",
    "Quinn",
    "Smith",
    "48213377",
    "14/03/1985",
    "1985",
    "555-0143",
    "anna.novak@example.org",
    "Lakeside",
    "Harbor Street",
    "Springfield",
    "Riverside",
    "March 2019",
    "21 March 2019",
    "2019-04-02",
    "lakeside-eye",
    "192.168.10.24",
)

LETTER = (
    "Sunday, June 7, 2020\n"
    "\n"
    "Dear Dr. Okafor:\n"
    "\n"
    "Mr. Zhang returned for a follow up. As you know he is a 92-year-old retired engineer "
    "from Qingdao, China, with Stargardt disease diagnosed in 1975. His best corrected "
    "visual acuity is 20/200 OD and 20/100 OS. He received methylprednisolone 250 mg "
    "intravenously every 6 hours for 3 days in May 2020. Mr. Zhang's wife, aged 95, "
    "reports that he reads large print again. SSN 123-45-6789 and fax +1 312 555 0188 "
    "are on file.\n"
    "\n"
    "Sincerely,\n"
    "Dr. Helen Okafor, MD\n"
    "Mercy Vision Clinic\n"
    "Tel: 555-201-3344\n"
)
LETTER_PLANTED = (
    "June 7, 2020",
    "Sunday",
    "Okafor",
    "Helen",
    "Zhang",
    "92-year-old",
    "aged 95",
    "Qingdao",
    "1975",
    "May 2020",
    "123-45-6789",
    "555 0188",
    "Mercy Vision",
    "555-201-3344",
)

TESTIMONIAL = (
    "My name is Carlos Mendes and I live near Porto Alegre. In 2016 I was told I had optic "
    "atrophy after a car accident, and doctors at the Santa Luzia Eye Hospital said nothing "
    "could be done. On 23/09/2016 I received stem cells by lumbar puncture and a second "
    "injection on 05/10/2016. My vision went from 1/60 to 6/24 within 6 months. My daughter "
    "Lucia reads to me less now. Email me at carlos.mendes@mail.example.net or visit "
    "https://mendes-family.example.com/blog to read more.\n"
)
TESTIMONIAL_PLANTED = (
    "Carlos",
    "Mendes",
    "Porto Alegre",
    "2016",
    "Santa Luzia",
    "23/09/2016",
    "05/10/2016",
    "Lucia",
    "carlos.mendes",
    "mendes-family",
)

SERIES_NOTE = (
    "Patient I. K., 58 years old, was seen at the Kestrel Valley Medical Center, "
    "Brookfield County. Patient I. K. had a visual acuity of 0.1 in the right eye. "
    "Ward phone 020 7946 0321; hospital number H-2231907. "
    "Yours sincerely,\n"
    "Priya Raman\n"
)
SERIES_NOTE_PLANTED = (
    "I. K.",
    "Kestrel Valley",
    "Brookfield County",
    "7946 0321",
    "H-2231907",
    "Priya",
    "Raman",
)

NARRATIVES = [
    pytest.param(CASE_REPORT, CASE_REPORT_PLANTED, id="case-report"),
    pytest.param(LETTER, LETTER_PLANTED, id="letter"),
    pytest.param(TESTIMONIAL, TESTIMONIAL_PLANTED, id="testimonial"),
    pytest.param(SERIES_NOTE, SERIES_NOTE_PLANTED, id="series-note"),
]

# A shift of over a year, so that even bare years must change.
SHIFT = 400


@pytest.mark.parametrize(("text", "planted"), NARRATIVES)
def test_every_planted_identifier_is_gone(text: str, planted: tuple[str, ...]) -> None:
    out = deidentify_text(text, date_shift_days=SHIFT).text
    for identifier in planted:
        assert identifier in text  # the test plants what it checks
        assert identifier not in out, f"{identifier!r} survived:\n{out}"


@pytest.mark.parametrize(("text", "planted"), NARRATIVES)
def test_every_planted_identifier_is_gone_under_derived_shifts(
    text: str, planted: tuple[str, ...]
) -> None:
    for seed in ("case-1", "case-2", "another key"):
        out = deidentify_text(text, seed=seed).text
        for identifier in planted:
            assert identifier not in out, f"{identifier!r} survived with seed {seed!r}"


CLINICAL_WORDS = {
    "case-report": (
        "20/40",
        "20/25",
        "6/60",
        "Leber hereditary optic neuropathy",
        "m.11778G>A",
        "1x10^6",
        "intravitreal injection",
        "Three months after treatment",
        "34-year-old teacher",
    ),
    "letter": (
        "20/200",
        "20/100",
        "Stargardt disease",
        "methylprednisolone 250 mg",
        "intravenously every 6 hours for 3 days",
        "Mr. [NAME]",
        "China",
    ),
    "testimonial": ("1/60", "6/24", "within 6 months", "optic atrophy", "lumbar puncture"),
    "series-note": ("58 years old", "0.1 in the right eye"),
}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (CASE_REPORT, "case-report"),
        (LETTER, "letter"),
        (TESTIMONIAL, "testimonial"),
        (SERIES_NOTE, "series-note"),
    ],
)
def test_clinical_words_survive_verbatim(text: str, kind: str) -> None:
    out = deidentify_text(text, date_shift_days=SHIFT).text
    for words in CLINICAL_WORDS[kind]:
        assert words in out, f"{words!r} lost:\n{out}"


# -- the extractor reads the same clinical facts from the de-identified text -----------------


def _when(time: caserecord.CaseTime | None) -> tuple[str, str, float | None]:
    """A time as (phase, qualifier, days from its anchor).

    Dates move by whole days, so an interval the original dates made "month 3"
    can come out as "day 92": compare days, not units.
    """
    if time is None:
        return ("-", "-", None)
    return (str(time.phase), str(time.qualifier), time.approx_days)


def _facts(record: caserecord.CaseRecord) -> list[tuple[object, ...]]:
    facts: list[tuple[object, ...]] = []
    for m in record.measurements:
        facts.append(("measurement", m.measure, str(m.eye), m.value_text(), *_when(m.time)))
    facts.extend(("condition", c.name, str(c.laterality)) for c in record.conditions)
    facts.extend(
        ("intervention", i.name, str(i.route), str(i.dose), *_when(i.time))
        for i in record.interventions
    )
    return facts


def _same(original: tuple[object, ...], other: tuple[object, ...]) -> bool:
    if len(original) != len(other):
        return False
    for a, b in zip(original, other, strict=True):
        if isinstance(a, float) and isinstance(b, float):
            # A calendar month is 28-31 days, a mean month 30.44: allow that slack.
            if abs(a - b) > max(3.0, 0.04 * abs(a)):
                return False
        elif a != b:
            return False
    return True


def _lost(original: list[tuple[object, ...]], other: list[tuple[object, ...]]) -> list[object]:
    return [fact for fact in original if not any(_same(fact, o) for o in other)]


@pytest.mark.parametrize(("text", "planted"), NARRATIVES)
def test_extracted_clinical_facts_survive(text: str, planted: tuple[str, ...]) -> None:
    del planted
    original = _facts(caserecord.extract(text))
    if not original:
        pytest.skip("the extractor reads no clinical fact from the original narrative")
    deidentified = _facts(caserecord.extract(deidentify_text(text, date_shift_days=SHIFT).text))
    # Facts the extractor reads from the original must still be read; it may
    # read more from the cleaner text, never less.
    assert _lost(original, deidentified) == []


def test_extracted_dated_facts_keep_their_offsets() -> None:
    # Offsets computed from calendar dates survive because every date moves together.
    text = (
        "A 61-year-old man received an intravenous infusion of mesenchymal stem cells on "
        "5 March 2018. Visual acuity was 20/200 OD before treatment. On 5 June 2018 visual "
        "acuity was 20/80 OD. He lives in Harwick and his son Tomas drives him."
    )
    original = caserecord.extract(text)
    out = caserecord.extract(deidentify_text(text, date_shift_days=-777).text)
    assert _lost(_facts(original), _facts(out)) == []
    if original.anchor_date is not None:
        assert out.anchor_date == shift_date(original.anchor_date, -777)


# -- things that must never be touched ---------------------------------------------------------

CLINICAL_TEXTS = [
    "Visual acuity was 20/40 OD and 6/60 OS.",
    "Vision dropped to 1/60 in the right eye and 6/6 in the left.",
    "Best-corrected acuity was 20/4,000 OS and count fingers at 2 feet OD.",
    "Adverse events occurred in 0/17 eyes.",
    "He voided 2-3 times/day and walked for 15 minutes.",
    "A dose of 1x10^6 cells/kg was infused, then 2000 cells per microlitre were counted.",
    "At 3 months and again on day 5 the VEP latency was 118 ms.",
    "Leber's hereditary optic neuropathy (LHON) was confirmed by the m.11778G>A mutation.",
    "Leber hereditary optic neuropathy and Stargardt disease were considered.",
    "Best disease, Coats disease, Usher syndrome and Bardet-Biedl syndrome were excluded.",
    "Wharton's jelly mesenchymal stem cells (MSC) were injected.",
    "Dexamethasone 4 mg and methylprednisolone 250 mg q6h were given intravenously.",
    "During follow-up, OCT showed RNFL thinning and ONH pallor.",
    "Despite treatment, Humphrey 30-2 fields and Goldmann perimetry were unchanged.",
    "She read 14 of 15 Ishihara plates; Snellen and Jaeger charts were used.",
    "IOP was 14 mmHg by Tono-pen; ETDRS letters rose from 55 to 71.",
    "Parkinson's disease and Alzheimer's disease run in the family.",
    "A Marcus Gunn pupil and Bell's palsy were noted.",
    "Multiple Sclerosis was diagnosed; Optic Nerve Hypoplasia (ONH) was ruled out.",
    "doi: 10.4103/1673-5374.158365; PMID: 26199618; NCT 01920867.",
    "A 47-year-old man had an 89-year-old mother.",
    "IOP was 21 mmHg at 10:30, and the GCL-IPL measured 71 μm.",
    "Before treatment: HbA1c 8.2%, fasting glucose 9.1 mmol/L.",
    "The patient received 4 intravenous and 2 intrathecal infusions.",
    "Primary Progressive Multiple Sclerosis Patient Stem Cell Therapy",
    "Visual Evoked Potential was flat in the right eye.",
    "He was switched from Avastin to Lucentis after 3 injections.",
    "She was referred to the Neuro-ophthalmology Clinic in 3 weeks.",
    "From Darkness to Sight: Rapid Recovery in MOG-Associated Optic Neuritis",
    "The CD34+ cell 2 500 000 per kilogram dose was well tolerated.",
    "Best corrected visual acuity was 6/9 OU at the 12-month visit.",
]


@pytest.mark.parametrize("text", CLINICAL_TEXTS)
def test_clinical_text_is_left_alone(text: str) -> None:
    result = deidentify_text(text, date_shift_days=SHIFT)
    assert result.text == text
    assert result.removed == []


# -- identifiers, one shape at a time ------------------------------------------------------------

IDENTIFIERS = [
    # (text, the words that must go, category)
    ("Mr. Zhang was seen.", "Zhang", NAME),
    ("Mrs Jiang walked in.", "Jiang", NAME),
    ("A letter from Dr. Quinn Smith followed.", "Quinn Smith", NAME),
    ("Prof. Okoye-Bright examined him.", "Okoye-Bright", NAME),
    ("Anna Novak said her vision improved.", "Anna Novak", NAME),
    ("Then Kuehl's vision cleared.", "Kuehl", NAME),
    ("Patient I. I. presented with optic atrophy.", "I. I.", NAME),
    ("J.K., a 23-year-old man, noted blurred vision.", "J.K.", NAME),
    ("my husband, Hans, reads to me", "Hans", NAME),
    ("Our son Tobiah could see light.", "Tobiah", NAME),
    ("Xiaoming is a Chinese 21 years old male patient.", "Xiaoming", NAME),
    ("Dear Margit,\nThank you.", "Margit", NAME),
    ("Kind regards,\nElif Demir\n", "Elif Demir", NAME),
    ("The notes were written by Shaylee in the evening.", "Shaylee", NAME),
    ("Surgeon Amir H. Kashani, MD, operated.", "Kashani", NAME),
    ("Name: Tariq Haddad", "Tariq Haddad", NAME),
    ("He was treated at the Wilmerton Eye Institute.", "Wilmerton", PLACE),
    ("She was admitted to Chengyang People's Hospital.", "Chengyang", PLACE),
    ("She studied at the University of Eastbrook.", "Eastbrook", PLACE),
    ("He lives in Shandong Province.", "Shandong", PLACE),
    ("She flew to Qingdao, China, for treatment.", "Qingdao", PLACE),
    ("They live near Los Angeles.", "Los Angeles", PLACE),
    ("The family moved from Tarnowice to the coast.", "Tarnowice", PLACE),
    ("Send it to 221 Baker Street, London.", "221 Baker Street", PLACE),
    ("Address: 4 Elm Road, Oakham", "Elm Road", PLACE),
    ("Springfield, IL 62704", "62704", PLACE),
    ("Seen on 11 July 2009.", "11 July 2009", DATE),
    ("Seen on Aug. 12, 2019.", "Aug. 12, 2019", DATE),
    ("Seen on 2011-01-16.", "2011-01-16", DATE),
    ("Seen in March 2019 and again in May.", "March 2019", DATE),
    ("Vision loss began in 2009.", "2009", DATE),
    ("She was born in 2010 and treated in 2012.", "2010", DATE),
    ("From 2001 to 2008 it worsened.", "2001", DATE),
    ("He was seen on 3/2019 for review.", "3/2019", DATE),
    ("He was seen on 12/31/2019 for review.", "12/31/2019", DATE),
    ("A 92-year-old woman presented.", "92", AGE),
    ("The patient, aged 95, declined.", "95", AGE),
    ("Age: 101", "101", AGE),
    ("She is ninety-three years old.", "ninety-three", AGE),
    ("Call 555-201-3344 for results.", "555-201-3344", IdentifierCategory.PHONE),
    ("Tel: +44 20 7946 0958", "7946 0958", IdentifierCategory.PHONE),
    ("Fax: (312) 555-0199", "555-0199", IdentifierCategory.FAX),
    ("Write to a.novak@example.org today.", "a.novak@example.org", IdentifierCategory.EMAIL),
    ("See https://example.com/anna-story for more.", "anna-story", IdentifierCategory.URL),
    ("See www.novak-vision.example.net.", "novak-vision", IdentifierCategory.URL),
    ("Logged in from 10.0.12.7 at night.", "10.0.12.7", IdentifierCategory.IP_ADDRESS),
    ("SSN 078-05-1120 on file.", "078-05-1120", IdentifierCategory.SSN),
    ("MRN 123456 was used.", "123456", IdentifierCategory.ID_NUMBER),
    ("Medical record number: AB-778812.", "AB-778812", IdentifierCategory.ID_NUMBER),
    ("Insurance policy number 99812-3344 applies.", "99812-3344", IdentifierCategory.ID_NUMBER),
]


@pytest.mark.parametrize(("text", "identifier", "category"), IDENTIFIERS)
def test_identifier_is_replaced_and_reported(
    text: str, identifier: str, category: IdentifierCategory
) -> None:
    result = deidentify_text(text, date_shift_days=SHIFT, keep_originals=True)
    assert identifier not in result.text

    def reported(removal: Removal) -> bool:
        found = removal.original or ""
        return (
            removal.category is category
            and bool(found)
            and (identifier in found or found in identifier)
        )

    assert any(reported(r) for r in result.removed), [str(r) for r in result.removed]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Zhang's right eye", "Mr. [NAME]'s right eye"),
        ("Dear Dr. Cooke:", "Dear Dr. [NAME]:"),
        ("A 92-year-old man", "A 90 or older man"),
        ("aged 95 years", "aged 90 or older"),
        (
            "Anna Novak said so. Later Novak's sight returned.",
            "[NAME] said so. Later [NAME]'s sight returned.",
        ),
        ("Sincerely,\nDr. Quinn Smith\n", "Sincerely,\nDr. [NAME]\n"),
        ("Call (617) 555-0143.", "Call [PHONE]."),
        ("MRN: 48213377", "MRN: [MRN]"),
        ("admitted to Riverside General Hospital", "admitted to [HOSPITAL]"),
        ("seen at the Lakeview Eye Clinic", "seen at the [CLINIC]"),
        ("a student at Stanwick University", "a student at [UNIVERSITY]"),
        (
            "the University of Rochester Medical Center and Johns Hopkins Hospital",
            "the [INSTITUTION] and [HOSPITAL]",
        ),
        ("Ng et al. (2014) reported it.", "Ng et al. (2014) reported it."),
    ],
)
def test_replacements_read_naturally(text: str, expected: str) -> None:
    assert deidentify_text(text, date_shift_days=SHIFT).text == expected


# -- dates: shifted consistently, in the format they had --------------------------------------


@pytest.mark.parametrize(
    ("text", "days", "expected"),
    [
        ("on 11 July 2009", 10, "on 21 July 2009"),
        ("on 11th July 2009", 10, "on 21st July 2009"),
        ("on Aug. 12, 2019", 30, "on Sep. 11, 2019"),
        ("on August 12, 2019", -12, "on July 31, 2019"),
        ("on Sunday, March 6, 2011", 1, "on Monday, March 7, 2011"),
        ("on 2011-01-16", 14, "on 2011-01-30"),
        ("on 2012-03-21", 135, "on 2012-08-03"),
        ("in March 2019", 10, "in April 2019"),  # a month-precise date moves at least a month
        ("in March, 2019", 400, "in April, 2020"),
        ("in 2019", 400, "in 2020"),
        ("in 2019", 100, "in 2019"),  # under half a year the year stands (Safe Harbor keeps it)
        ("in May", 40, "in June"),
        ("on June 7", 1, "on June 8"),
        ("on 5 March", -5, "on 28 February"),
        ("January – July 2011", 31, "February – August 2011"),
        ("on 23/09/2016 and 05/10/2016", 1, "on 24/09/2016 and 06/10/2016"),
        ("on 12/31/2019 and 01/02/2020", 1, "on 01/01/2020 and 01/03/2020"),
        ("on 03/04/2019", 1, "on [DATE]"),  # day and month cannot be told apart
        ("on 2019-03", 40, "on 2019-04"),
        ("from 2007–2011", 400, "from 2008–2012"),
        ("on 31 December 2099", 40_000, "on [DATE]"),  # shifted past the plausible years
    ],
)
def test_dates_shift_in_their_own_format(text: str, days: int, expected: str) -> None:
    assert deidentify_text(text, date_shift_days=days).text == expected


def test_intervals_between_dates_survive() -> None:
    text = "Treated on 2019-03-05; reviewed on 2019-06-05 and 2020-03-05."
    out = deidentify_text(text, date_shift_days=-523).text
    dates = [PartialDate.parse(d).to_date() for d in re.findall(r"\d{4}-\d{2}-\d{2}", out)]
    assert [(b - a).days for a, b in itertools.pairwise(dates)] == [92, 274]


def test_birth_date_of_the_very_old_goes_whole() -> None:
    out = deidentify_text("She was born in 1921 and seen in 2015.", date_shift_days=SHIFT)
    assert out.text == "She was born in [DATE] and seen in 2016."


def test_date_shift_for_is_stable_and_in_range() -> None:
    shifts = {date_shift_for(f"case-{i}") for i in range(200)}
    assert date_shift_for("case-1") == date_shift_for("case-1")
    assert all(400 <= abs(s) <= 1460 for s in shifts)
    assert any(s < 0 for s in shifts)
    assert any(s > 0 for s in shifts)
    assert len(shifts) > 150


def test_same_seed_same_text() -> None:
    first = deidentify_text(CASE_REPORT, seed="case-17")
    again = deidentify_text(CASE_REPORT, seed="case-17")
    assert first == again
    assert first.date_shift_days == date_shift_for("case-17")
    # Without a seed the text is its own seed: still deterministic.
    assert deidentify_text(LETTER) == deidentify_text(LETTER)


@pytest.mark.parametrize(
    ("date", "days", "expected"),
    [
        ("2019-03-05", 10, "2019-03-15"),
        ("2019-03", 10, "2019-04"),
        ("2019-03", 400, "2020-04"),
        ("2019", 400, "2020"),
        ("2019", -40, "2019"),
    ],
)
def test_shift_date_keeps_precision(date: str, days: int, expected: str) -> None:
    assert shift_date(PartialDate.parse(date), days) == PartialDate.parse(expected)


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"date_shift_days": 0}, ValueError),
        ({"date_shift_days": 5, "seed": "x"}, ValueError),
        ({"date_shift_days": 1.5}, TypeError),
        ({"date_shift_days": True}, TypeError),
    ],
)
def test_bad_options_are_refused(options: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        deidentify_text("Mr. Zhang", **options)  # type: ignore[arg-type]


def test_text_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="str"):
        deidentify_text(b"Mr. Zhang")  # type: ignore[arg-type]


# -- the report ---------------------------------------------------------------------------------


def _check_report(source: str, result: DeidentifiedText, *, originals: bool) -> None:
    previous_end = 0
    previous_source_end = 0
    for removal in result.removed:
        assert result.text[removal.start : removal.end] == removal.replacement
        assert removal.start >= previous_end
        assert removal.source_start >= previous_source_end
        assert removal.source_end <= len(source)
        if originals:
            assert removal.original == source[removal.source_start : removal.source_end]
        else:
            assert removal.original is None
        previous_end, previous_source_end = removal.end, removal.source_end


@pytest.mark.parametrize(("text", "planted"), NARRATIVES)
def test_report_spans_index_both_texts(text: str, planted: tuple[str, ...]) -> None:
    del planted
    _check_report(text, deidentify_text(text, date_shift_days=SHIFT), originals=False)
    _check_report(
        text, deidentify_text(text, date_shift_days=SHIFT, keep_originals=True), originals=True
    )


def test_report_counts_and_summary() -> None:
    result = deidentify_text(LETTER, date_shift_days=SHIFT)
    counts = result.counts()
    assert counts[NAME] >= 4
    assert counts[AGE] == 2
    assert counts[IdentifierCategory.SSN] == 1
    assert counts[IdentifierCategory.FAX] == 1
    assert "2 age_over_89" in result.summary()
    assert deidentify_text("Nothing here.", date_shift_days=1).summary() == "nothing replaced"


def test_report_round_trips_through_json() -> None:
    result = deidentify_text(CASE_REPORT, date_shift_days=SHIFT, keep_originals=True)
    assert DeidentifiedText.model_validate_json(result.model_dump_json()) == result
    assert str(result) == result.text


def test_removal_span_must_fit_its_replacement() -> None:
    with pytest.raises(ValueError, match="as long as the replacement"):
        Removal(category=NAME, start=0, end=3, source_start=0, source_end=5, replacement="[NAME]")


def test_map_span_follows_the_replacements() -> None:
    source = "Mr. Zhang saw 20/40 on 2019-03-05."
    result = deidentify_text(source, date_shift_days=1)
    assert result.text == "Mr. [NAME] saw 20/40 on 2019-03-06."
    start = source.index("20/40")
    mapped = result.map_span(start, start + 5)
    assert mapped is not None
    assert result.text[mapped[0] : mapped[1]] == "20/40"
    whole = result.map_span(0, len(source))
    assert whole == (0, len(result.text))
    assert result.map_span(5, 7) is None  # inside the name
    assert result.map_span(0, 6) is None  # cuts into the name


def test_names_given_by_the_caller_are_removed_everywhere() -> None:
    text = "Vision in Okonkwo's right eye improved; OKONKWO thanked the team."
    out = deidentify_text(text, date_shift_days=SHIFT, names=["Chidi Okonkwo"]).text
    assert "Okonkwo" not in out
    assert "OKONKWO" not in out
    assert out.startswith("Vision in [NAME]'s right eye improved;")


# -- never raises, always indexes its own output -----------------------------------------------

FRAGMENTS = st.sampled_from(
    [
        "Mr. ",
        "Dr. ",
        "Anna ",
        "Novak",
        "'s ",
        "said ",
        "in ",
        "March ",
        "2019",
        "12 ",
        "/",
        "20/40",
        "6/60",
        "-",
        "–",
        ", ",
        ". ",
        "\n",
        "Sincerely,\n",
        "Hospital",
        " Clinic",
        "University of ",
        "aged ",
        "92",
        "-year-old",
        "555-201-3344",
        "@",
        "www.",
        ".com",
        "http://",
        "MRN ",
        "SSN ",
        "Tel: ",
        "(",
        ")",
        "Patient I. I.",
        " and ",
        "the ",
        "Leber",
        "Stargardt disease",
        "Qingdao, China",
        "near ",
        "Sunday, ",
        "Aug. ",
        "31",
        "0",
        "9",
        "ninety-",
        "two",
        "Dear ",
        "my husband, ",
        "St. ",
        "by ",
        "Ms ",
        "é",
        "Ö",
    ]
)
TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(FRAGMENTS, max_size=40).map("".join),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=5)), max_size=40).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, days=st.integers(-100_000, 100_000).filter(bool))
def test_never_raises_and_always_indexes_the_output(text: str, days: int) -> None:
    result = deidentify_text(text, date_shift_days=days, keep_originals=True)
    _check_report(text, result, originals=True)
    # Rebuilding the output from the source and the report gives the output.
    rebuilt: list[str] = []
    cursor = 0
    for removal in result.removed:
        rebuilt.append(text[cursor : removal.source_start])
        rebuilt.append(removal.replacement)
        cursor = removal.source_end
    rebuilt.append(text[cursor:])
    assert "".join(rebuilt) == result.text
    assert result.map_span(0, len(text)) == (0, len(result.text))


@settings(max_examples=100, deadline=None)
@given(seed=st.text(max_size=40))
def test_any_seed_gives_a_usable_shift(seed: str) -> None:
    days = date_shift_for(seed)
    assert 400 <= abs(days) <= 1460
    assert deidentify_text("Seen on 2019-03-05.", seed=seed).date_shift_days == days


# -- the word lists -------------------------------------------------------------------------


def test_word_lists_are_lower_case_and_trimmed() -> None:
    upper_case = {"US_STATE_CODES", "NOT_INITIALS"}
    for name, words in vars(deid_data).items():
        if isinstance(words, frozenset) and name not in upper_case:
            bad = sorted(w for w in words if w != w.strip().lower() or not w)
            assert bad == [], name


@pytest.mark.parametrize(
    "other",
    [
        "EPONYMS",
        "COMMON_WORDS",
        "COUNTRIES",
        "CITIES",
        "NATIONALITIES",
        "TITLES",
        "DRUG_BRANDS",
        "SPECIALTIES",
    ],
)
def test_given_names_are_never_clinical_or_places(other: str) -> None:
    # A given name is removed wherever it stands; one that is also a clinical
    # word, a place or a month would remove those too.
    assert deid_data.GIVEN_NAMES & frozenset(getattr(deid_data, other)) == set()


def test_given_names_are_never_months() -> None:
    # "May", "June", "April": a given name removed wherever it stands would take dates too
    assert deid_data.GIVEN_NAMES & frozenset(MONTHS) == set()


# -- whole records ------------------------------------------------------------------------------

RECORD_TEXT = (
    "Mr. Zhang, a 92-year-old engineer from Qingdao, China, had Leber hereditary optic "
    "neuropathy. Visual acuity was 20/200 OD on 2019-03-01. He received an intravenous "
    "infusion of stem cells on 2019-03-05. On 2019-06-05 visual acuity was 20/40 OD."
)


def _span(text: str, words: str) -> dict[str, int | str]:
    start = text.index(words)
    return {"start": start, "end": start + len(words), "quote": words}


def _record() -> caserecord.CaseRecord:
    text = RECORD_TEXT
    return caserecord.CaseRecord.model_validate(
        {
            "id": "case-7",
            "patient": {
                "sex": "male",
                "age": 92,
                "occupation": "engineer",
                "nationality": "Chinese",
                "label": "Mr. Zhang",
                "evidence": {
                    "label": _span(text, "Mr. Zhang"),
                    "age": _span(text, "92-year-old"),
                    "occupation": _span(text, "engineer"),
                },
            },
            "conditions": [
                {
                    "name": "leber hereditary optic neuropathy",
                    "evidence": {"name": _span(text, "Leber hereditary optic neuropathy")},
                }
            ],
            "interventions": [
                {
                    "name": "stem cell therapy",
                    "route": "intravenous",
                    "time": {
                        "value": 0,
                        "unit": "day",
                        "date": "2019-03-05",
                        "text": "on 2019-03-05",
                    },
                    "evidence": {
                        "route": _span(text, "intravenous"),
                        "time": _span(text, "on 2019-03-05"),
                    },
                }
            ],
            "measurements": [
                {
                    "kind": "visual_acuity",
                    "acuity": "20/200",
                    "eye": "OD",
                    "time": {
                        "value": -4,
                        "unit": "day",
                        "phase": "baseline",
                        "date": "2019-03-01",
                        "text": "on 2019-03-01",
                    },
                    "detail": "20/200 OD on 2019-03-01",
                    "evidence": {
                        "acuity": _span(text, "20/200"),
                        "time": _span(text, "on 2019-03-01"),
                    },
                },
                {
                    "kind": "visual_acuity",
                    "acuity": "20/40",
                    "eye": "OD",
                    "time": {"value": 3, "unit": "month", "date": "2019-06-05"},
                    "evidence": {"acuity": _span(text, "20/40")},
                },
            ],
            "anchor_date": "2019-03-05",
            "source": {"text": text, "title": "Mr. Zhang's second chance"},
        }
    )


def test_deidentify_record() -> None:
    record = _record()
    before = record.model_dump_json()
    out = deidentify(record, date_shift_days=10)
    assert record.model_dump_json() == before  # the input is untouched

    assert out.source is not None
    assert "Zhang" not in out.source.text
    assert "Qingdao" not in out.source.text
    assert "2019-03-05" not in out.source.text
    assert out.source.title == "Mr. [NAME]'s second chance"
    assert out.id == "case-7"

    assert out.patient.label == "Mr. [NAME]"
    assert out.patient.evidence["label"].quote == "Mr. [NAME]"
    assert out.patient.age == caserecord.Age(value=90)
    assert out.patient.evidence["age"].quote == "90 or older"
    assert out.patient.nationality == "Chinese"

    assert out.anchor_date == PartialDate.parse("2019-03-15")
    intervention = out.interventions[0]
    assert intervention.time is not None
    assert intervention.time.date == PartialDate.parse("2019-03-15")
    assert intervention.time.text == "on 2019-03-15"
    assert intervention.time.value == 0
    assert [str(m.time.date) for m in out.measurements] == ["2019-03-11", "2019-06-15"]
    assert out.measurements[0].detail == "20/200 OD on 2019-03-11"
    assert [m.value_text() for m in out.measurements] == ["20/200", "20/40"]
    assert out.conditions[0].evidence["name"].quote == "Leber hereditary optic neuropathy"

    # Every evidence span quotes the new text (the record validator checks it too).
    for _path, evidence in out.iter_evidence():
        assert out.source.text[evidence.start : evidence.end] == evidence.quote

    assert out.report is not None
    messages = [note.message for note in out.report.notes]
    assert any("age over 89" in m for m in messages)
    summary = [m for m in messages if m.startswith("de-identified")]
    assert len(summary) == 1
    assert "age_over_89" in summary[0]
    assert "10" not in summary[0]  # the shift itself is never written into the record


def test_deidentify_record_drops_evidence_inside_identifiers() -> None:
    record = _record()
    text = RECORD_TEXT
    # Evidence that quotes part of the name cannot be re-anchored.
    patient = record.patient.model_copy(
        update={"evidence": {**record.patient.evidence, "sex": _evidence(text, "Zh")}}
    )
    record = record.model_copy(update={"patient": patient})
    out = deidentify(record, date_shift_days=10)
    assert "sex" not in out.patient.evidence
    assert out.report is not None
    assert any(
        note.field == "patient.evidence.sex" and "dropped" in note.message
        for note in out.report.notes
    )


def _evidence(text: str, words: str) -> caserecord.Evidence:
    start = text.index(words)
    return caserecord.Evidence.of(text, start, start + len(words))


def test_deidentify_record_without_source() -> None:
    record = _record().model_copy(update={"source": None})
    out = deidentify(record, seed="case-7")
    assert out.source is None
    assert "label" not in out.patient.evidence  # its quote held the name
    assert out.patient.evidence["occupation"].quote == "engineer"
    assert out.anchor_date == shift_date(PartialDate.parse("2019-03-05"), date_shift_for("case-7"))


@pytest.mark.parametrize(("text", "planted"), NARRATIVES)
def test_deidentify_extracted_records(text: str, planted: tuple[str, ...]) -> None:
    out = deidentify(caserecord.extract(text), seed="k")
    assert out.source is not None
    for identifier in planted:
        assert identifier not in out.source.text
    for _path, evidence in out.iter_evidence():
        assert out.source.text[evidence.start : evidence.end] == evidence.quote


def test_deidentify_needs_a_record() -> None:
    with pytest.raises(TypeError, match="CaseRecord"):
        deidentify("Mr. Zhang")  # type: ignore[arg-type]
