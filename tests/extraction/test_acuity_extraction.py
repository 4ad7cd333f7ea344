import pytest

import caserecord
from caserecord import VisualAcuity
from caserecord.extraction._document import Document
from caserecord.extraction.acuity import extract_acuity


def found(text: str) -> list[tuple[str, str | None]]:
    return [(m.acuity or "", m.eye) for m in extract_acuity(Document.parse(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Her best corrected acuity was 20/70 OD and 20/25-2 OS.",
            [("20/70", "right"), ("20/25-2", "left")],
        ),
        ("Vision measured 6/36 in the left eye.", [("6/36", "left")]),
        ("Her vision was 3/60 in each eye.", [("3/60", "both")]),
        ("The BCVA was 0.4 logMAR.", [("0.4 logMAR", None)]),
        ("She read 62 ETDRS letters with the right eye.", [("62 letters", "right")]),
        ("Visual acuity in his left eye reached 0.25.", [("0.25 decimal", "left")]),
        ("At first he could only perceive light.", [("LP", None)]),
        ("He had no light perception in the right eye.", [("NLP", "right")]),
        ("By week 2 she saw hand movements.", [("HM", None)]),
        ("He could count fingers at two metres with the left eye.", [("CF 2 m", "left")]),
        ("Acuity was CF at 50 cm OD.", [("CF 50 cm", "right")]),
        ("Vision was 20/4,000 in the left eye.", [("20/4000", "left")]),
    ],
)
def test_acuity_phrasings(text: str, expected: list[tuple[str, str | None]]) -> None:
    result = found(text)
    assert result == expected
    for acuity, _ in result:
        VisualAcuity.parse(acuity)  # every extracted value is readable by the value type


@pytest.mark.parametrize(
    "text",
    [
        "He takes 0.5 mg of the drug.",
        "She walked 2-3 times/day.",
        "The score was 0/17.",
        "The meeting is on 6/12.",
        "The injection volume was 0.1 ml.",
        "Confrontation visual field: unable to count fingers OS",
    ],
)
def test_not_acuity(text: str) -> None:
    assert found(text) == []


def test_from_to_marks_the_first_value_as_before() -> None:
    mentions = extract_acuity(Document.parse("Vision improved from 0.2 to 0.5 by month 3."))
    assert [(m.acuity, m.time_hint) for m in mentions] == [
        ("0.2 decimal", "baseline"),
        ("0.5 decimal", None),
    ]
    assert mentions[0].acuity_assumed is not None


def test_range_keeps_its_first_value() -> None:
    mentions = extract_acuity(Document.parse("Acuity ranged from 20/40 to 20/100 before surgery."))
    assert [m.acuity for m in mentions] == ["20/40"]


def test_restated_abbreviation_is_one_value() -> None:
    assert found("Acuity: hand motion (HM) OS") == [("HM", "left")]


def test_spans_quote_the_text() -> None:
    text = "Her acuity was 20/200 OD."
    mention = extract_acuity(Document.parse(text))[0]
    start, end = mention.spans["acuity"]
    assert text[start:end] == "20/200"


def test_acuity_reading_stops_at_the_limit_and_says_where() -> None:
    from caserecord.extraction.acuity import MAX_VALUES

    text = "Vision today: " + "20/40 OD, 20/60 OS; " * (MAX_VALUES // 2 + 50) + "Later 20/20 OU."
    record = caserecord.extract(text)
    assert record.report is not None
    notes = [n for n in record.report.notes if "visual acuity values" in n.message]
    assert len(notes) == 1
    assert str(MAX_VALUES) in notes[0].message
    assert notes[0].evidence is not None
    assert notes[0].evidence.end < len(text)
    # what came before the limit is kept; the sentence after it was not read
    values = {str(m.acuity) for m in record.measurements if m.kind == "visual_acuity"}
    assert {"20/40", "20/60"} <= values
    assert "20/20" not in values


def test_a_few_acuity_values_get_no_limit_note() -> None:
    record = caserecord.extract("Acuity was 20/40 OD and 20/60 OS.")
    assert record.report is not None
    assert not [n for n in record.report.notes if "visual acuity values" in n.message]
