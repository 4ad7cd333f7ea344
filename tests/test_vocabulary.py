import pytest
from pydantic import BaseModel, ValidationError

from caserecord import Change, Laterality, Severity, Sex, Status


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("OD", Laterality.RIGHT),
        ("od", Laterality.RIGHT),
        ("right eye", Laterality.RIGHT),
        ("Right", Laterality.RIGHT),
        ("OS", Laterality.LEFT),
        ("left-eye", Laterality.LEFT),
        ("OU", Laterality.BOTH),
        ("both eyes", Laterality.BOTH),
        ("bilateral", Laterality.BOTH),
        ("each eye", Laterality.BOTH),
    ],
)
def test_laterality_spellings(spelling: str, expected: Laterality) -> None:
    assert Laterality(spelling) is expected


@pytest.mark.parametrize(
    ("enum", "spelling", "expected"),
    [
        (Sex, "M", Sex.MALE),
        (Sex, "woman", Sex.FEMALE),
        (Sex, "Girl", Sex.FEMALE),
        (Severity, "slight", Severity.MILD),
        (Severity, "grade 3", Severity.SEVERE),
        (Severity, "life-threatening", Severity.LIFE_THREATENING),
        (Change, "better", Change.IMPROVED),
        (Change, "deteriorated", Change.WORSENED),
        (Change, "stable", Change.UNCHANGED),
        (Status, "unremarkable", Status.NORMAL),
        (Status, "flat", Status.ABSENT),
    ],
)
def test_other_enums_accept_spellings(enum: type, spelling: str, expected: object) -> None:
    assert enum(spelling) is expected


def test_parse_error_names_the_value_and_choices() -> None:
    expected = r"laterality must be one of right, left, both \(got 'up'\)"
    with pytest.raises(ValueError, match=expected):
        Laterality.parse("up")
    assert Laterality.lookup("up") is None


def test_pydantic_field_error_names_field_and_value() -> None:
    class Model(BaseModel):
        eye: Laterality

    assert Model(eye="OS").eye is Laterality.LEFT
    with pytest.raises(ValidationError) as info:
        Model(eye="upside")
    text = str(info.value)
    assert "eye" in text
    assert "upside" in text


def test_laterality_helpers() -> None:
    assert Laterality.BOTH.covers(Laterality.LEFT)
    assert not Laterality.RIGHT.covers(Laterality.LEFT)
    assert Laterality.LEFT.eye_abbreviation == "OS"
