import re

import pytest
from pydantic import ValidationError

from caserecord import Evidence, Patient


def test_evidence_of_quotes_the_text() -> None:
    text = "She is 31 years old."
    evidence = Evidence.of(text, 7, 19)
    assert evidence.quote == "31 years old"
    assert text[evidence.start : evidence.end] == evidence.quote


@pytest.mark.parametrize(
    ("start", "end", "quote", "fragment"),
    [
        (5, 2, "", "end must not be before start"),
        (0, 3, "toolong", "quote must be as long as its span"),
        (-1, 2, "abc", "greater than or equal to 0"),
    ],
)
def test_bad_evidence_is_refused(start: int, end: int, quote: str, fragment: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(fragment)):
        Evidence(start=start, end=end, quote=quote)


def test_evidence_keys_must_name_fields() -> None:
    evidence = Evidence(start=0, end=3, quote="abc")
    assert Patient(evidence={"age": evidence}).evidence["age"] == evidence
    with pytest.raises(ValidationError, match="evidence key must name a field of Patient"):
        Patient(evidence={"shoe_size": evidence})


def test_overlap_and_order() -> None:
    a, b = Evidence(start=0, end=5, quote="abcde"), Evidence(start=4, end=6, quote="ef")
    assert a.overlaps(b)
    assert not a.overlaps(Evidence(start=5, end=6, quote="f"))
    assert Patient(evidence={"sex": b, "age": a}).spans() == [a, b]
