import pytest

from caserecord.extraction._document import Document, split_clauses

LETTER = """Name: Ms. Rivera
Age: 31

Dr. Quinn saw her today. Her vision was 0.4 in the right eye, e.g. on the chart. She is well!

Before treatment:
- She could not read;
- She needed help to walk.
The injection was given in May.
Condition 3 months after treatment
She reads large print."""


def test_every_sentence_is_a_span_of_the_text() -> None:
    doc = Document.parse(LETTER)
    assert all(LETTER[s.start : s.end] == s.text for s in doc.sentences)


def test_header_fields() -> None:
    doc = Document.parse(LETTER)
    name = doc.header("name")
    assert name is not None
    assert name.value == "Ms. Rivera"
    assert LETTER[name.value_start : name.value_end] == "Ms. Rivera"
    assert doc.header("Age") is not None
    assert doc.header("weight") is None


def test_abbreviations_and_decimals_do_not_split() -> None:
    texts = [s.text for s in Document.parse(LETTER).sentences]
    assert "Dr. Quinn saw her today." in texts
    assert "Her vision was 0.4 in the right eye, e.g. on the chart." in texts
    assert "She is well!" in texts


def test_sections_cover_their_bullets_and_end_at_prose() -> None:
    doc = Document.parse(LETTER)
    by_text = {s.text: s for s in doc.sentences}
    before = by_text["She could not read;"].section
    assert before is not None
    assert doc.sections[before].heading == "Before treatment:"
    assert by_text["She needed help to walk."].section == before
    assert by_text["The injection was given in May."].section is None
    later = by_text["She reads large print."].section
    assert later is not None
    assert doc.sections[later].heading == "Condition 3 months after treatment"


def test_split_clauses() -> None:
    text = "He can sit; he can stand, and he walks but slowly"
    spans = split_clauses(text, 10)
    assert [text[s - 10 : e - 10] for s, e in spans] == [
        "He can sit",
        "he can stand",
        "he walks",
        "slowly",
    ]


def test_empty_and_whitespace() -> None:
    assert Document.parse("").sentences == []
    assert Document.parse("   \n\n\t").sentences == []


def test_overlong_sentences_are_cut_at_blanks() -> None:
    from caserecord.extraction._document import MAX_SENTENCE

    text = "word " * 2000
    sentences = Document.parse(text).sentences
    assert len(sentences) > 1
    assert all(len(s.text) <= MAX_SENTENCE for s in sentences)
    assert all(text[s.start : s.end] == s.text for s in sentences)
    assert all(not s.text.startswith(" ") and not s.text.endswith(" ") for s in sentences)


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Latency was 121 ms. At one year it was 110ms. Ms. Smith agreed.", 3),
        ("She met Ms. Jones. Dr. Lee agreed.", 2),
    ],
)
def test_ms_after_a_number_is_a_unit_that_ends_a_sentence(text: str, pieces: int) -> None:
    assert len(Document.parse(text).sentences) == pieces
