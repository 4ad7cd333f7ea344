"""Patient demographics from narratives written for these tests (never corpus text)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caserecord.extraction._document import Document
from caserecord.extraction._mentions import PatientMention
from caserecord.extraction.demographics import _validated, extract_patient


def patient(text: str) -> PatientMention:
    return extract_patient(Document.parse(text))


def age_of(found: PatientMention) -> tuple[float, str] | None:
    if found.age_value is None:
        return None
    return found.age_value, found.age_unit or ""


@pytest.mark.parametrize(
    ("text", "sex", "age"),
    [
        # header lines
        (
            "Patient: Mrs. Okoro\nGender: Female\nAge: 52\n\nShe came to us in May.",
            "female",
            (52, "year"),
        ),
        ("Sex: M\nAge: 16 months\n\nThe child could not sit.", "male", (16, "month")),
        # case-sheet rows, spaced or run together
        ("Diagnosis Sex Age Nationality\nAutism Male 6 years Peru", "male", (6, "year")),
        ("Optic Nerve Hypoplasia (ONH)Female 9 monthsChilean", "female", (9, "month")),
        ("Cerebral PalsyFemale4Canada", "female", (4, "year")),
        # the age phrase of the prose and the sex word beside it
        ("Mr. Haddad, aged 61, is a retired engineer.", "male", (61, "year")),
        ("We first met a 3-year-old boy with a squint.", "male", (3, "year")),
        ("Ana, female, 33 years old, came from Lisbon.", "female", (33, "year")),
        ("Mr. Ito - Stroke (Male,45 years old) - 2015", "male", (45, "year")),
        ("Mrs. Dube (Kenya) - Glaucoma (Female, 70-year-old)", "female", (70, "year")),
        ("A 14-month-old girl was brought in by her parents.", "female", (14, "month")),
        ("A 58-year-old woman reported blurred vision.", "female", (58, "year")),
        ("This 39-year-old male presented after a fall.", "male", (39, "year")),
        ("An 20-year-old male student noticed a blind spot.", "male", (20, "year")),
        ("'I can read again,' says the 83-year-old.", None, (83, "year")),
        ("Patient K. L., 36 years old, was referred to us.", None, (36, "year")),
        ("He is a 28 year old young man with poor vision.", "male", (28, "year")),
        ("Tomas is a Czech 19 years old male patient with paraplegia.", "male", (19, "year")),
        ("The patient, 64 years of age, had dry eyes.", None, (64, "year")),
        ("Ms. Rossi, 47, is a pharmacist from Turin.", "female", (47, "year")),
        ("Our 20 month old has been blind since birth.", None, (20, "month")),
        ("My daughter, a five-year-old girl, loves music.", "female", (5, "year")),
    ],
)
def test_sex_and_age(text: str, sex: str | None, age: tuple[float, str] | None) -> None:
    found = patient(text)
    assert found.sex == sex
    assert age_of(found) == age


@pytest.mark.parametrize(
    ("text", "age"),
    [
        # the age at presentation is the first one stated, not a later one
        ("A 50-year-old man lost his sight. At the age of 57 he came back.", (50, "year")),
        (
            "A 71-year-old woman was seen in 2010; when she was 74 years old she returned.",
            (71, "year"),
        ),
        # an onset age is no age at presentation ...
        ("She has had nystagmus since she was 3 months old.", None),
        (
            "He went blind when he was 6 years old; the boy, now 9 years old, reads braille.",
            (9, "year"),
        ),
        # ... nor is a relative's
        ("She brought her 6-year-old son to every visit.", None),
        ("He and his 40-year-old wife live in Leeds.", None),
    ],
)
def test_which_age(text: str, age: tuple[float, str] | None) -> None:
    assert age_of(patient(text)) == age


@pytest.mark.parametrize(
    ("text", "occupation"),
    [
        ("Mr. Lee, aged 47, is a dedicated engineer.", "engineer"),
        ("Ms. Rivera works as a nurse in a city hospital.", "nurse"),
        ("An 18-year-old male student came to the clinic.", "student"),
        ("A 45-year-old bus driver lost vision in one eye.", "bus driver"),
        ("He was a farmer by profession until the accident.", "farmer"),
        ("Patient: Mr. Sato\nOccupation: Accountant\n\nHe is 50.", "accountant"),
        ("She was treated by a nurse at home.", None),
        ("The doctor is a surgeon at our clinic.", None),
        ("His wife is a teacher.", None),
    ],
)
def test_occupation(text: str, occupation: str | None) -> None:
    assert patient(text).occupation == occupation


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("The patient came in May. He could not read. His vision was poor.", "male"),
        ("She had surgery. Her sight got worse, and she stopped driving.", "female"),
        ("He said she should come back.", None),  # no clear majority
        ("The patient's vision improved.", None),
        ("Latency was 120 ms in the right eye.", None),  # "ms" is no title
        ("MSCs, then UC-MSCs, were given to Ms. Okafor.", "female"),  # a title after "MSCs"
        ("Mrs Lin had MSC injections.", "female"),  # a title without its full stop
        ("The MSc students grew MSCs and hMSCs.", None),  # no title inside a word
        ("Dear Mrs. Jones, thank you for referring this patient.", None),
        ("My son was born blind. He smiled at our daughter yesterday.", "male"),
    ],
)
def test_sex_from_titles_nouns_and_pronouns(text: str, sex: str | None) -> None:
    assert patient(text).sex == sex


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Patient: Mr. Zhou\nAge: 33", "Mr. Zhou"),
        ("Mrs. Ahmed's Story. Mrs. Ahmed is 60.", "Mrs. Ahmed"),
        ("Patient I. K., 42 years old, was seen.", "Patient I. K."),
        ("Lucas, male, 4 years old, was diagnosed with autism.", "Lucas"),
        ("Xiaoming is a 21 years old male patient.", "Xiaoming"),
        ("The patient is 30 years old.", None),
    ],
)
def test_label(text: str, label: str | None) -> None:
    assert patient(text).label == label


def test_case_series_reads_the_first_patient() -> None:
    text = (
        "Patient 1: a 40-year-old man with glaucoma had vision 20/200 OD.\n"
        "Patient 2: a 25-year-old woman with optic neuritis had vision 20/50 OS."
    )
    found = patient(text)
    assert (found.sex, age_of(found)) == ("male", (40, "year"))
    assert [text[s:e] for s, e in found.others_skipped] == ["Patient 2"]


def test_a_numbered_title_is_no_case_series() -> None:
    found = patient("Stem Cells for Autism - Case 17\n\nLeo, male, 6 years old.")
    assert (found.sex, age_of(found), found.others_skipped) == ("male", (6, "year"), [])


def test_group_report_lists_the_others_and_guesses_no_sex() -> None:
    text = "We evaluated three patients who lost vision. He and he and he improved."
    found = patient(text)
    assert found.others_skipped
    assert found.sex is None


def test_spans_quote_the_text() -> None:
    text = "Gender: Female\n\nMs. Park, a 52-year-old teacher, has glaucoma."
    found = patient(text)
    quotes = {field: text[start:end] for field, (start, end) in found.spans.items()}
    assert quotes["sex"] == "Female"
    assert quotes["age"].startswith("52")
    assert quotes["occupation"] == "teacher"
    assert quotes["label"] == "Ms. Park"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"titles": ["mr"]}, "'titles' must be a str map"),
        ({"titles": {"mr": "male"}, "extra": 1}, "unknown keys ['extra']"),
    ],
)
def test_rule_file_is_checked(data: dict[str, object], fragment: str) -> None:
    with pytest.raises(RuntimeError, match=r"data/demo\.json") as info:
        _validated(data, "demo.json", {"titles": "str_map"})
    assert fragment in str(info.value)


def test_missing_key_is_named() -> None:
    with pytest.raises(RuntimeError, match="missing key 'titles'"):
        _validated({}, "demo.json", {"titles": "str_map"})


@pytest.mark.parametrize(
    "text", ["", "   \n\n", "\x00\x01\x02", "(" * 5000, "Male" * 500, "Возраст: 47", "a " * 3000]
)
def test_odd_text(text: str) -> None:
    assert isinstance(patient(text), PatientMention)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_never_raises(text: str) -> None:
    found = patient(text)
    for start, end in [*found.spans.values(), *found.others_skipped]:
        assert 0 <= start < end <= len(text)
