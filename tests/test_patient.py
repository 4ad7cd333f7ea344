import re

import pytest
from pydantic import ValidationError

from caserecord import Age, AgeUnit, Patient, Sex


@pytest.mark.parametrize(
    ("given", "value", "unit"),
    [
        (47, 47, AgeUnit.YEAR),
        ({"value": 16, "unit": "months"}, 16, AgeUnit.MONTH),
        ({"value": 3, "unit": "wks"}, 3, AgeUnit.WEEK),
        ({"value": 0, "unit": "day"}, 0, AgeUnit.DAY),
    ],
)
def test_age_inputs(given: object, value: float, unit: AgeUnit) -> None:
    age = Age.model_validate(given)
    assert (age.value, age.unit) == (value, unit)


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        (130, "age must be between 0 and 125 years (got 130"),
        ({"value": 1600, "unit": "month"}, "got 1600"),
        (-1, "greater than or equal to 0"),
        ({"value": 3, "unit": "fortnight"}, "unit"),
    ],
)
def test_impossible_ages(given: object, fragment: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(fragment)) as info:
        Patient(age=given)
    assert "age" in str(info.value)


def test_patient_text() -> None:
    patient = Patient(sex="M", age=47, occupation="engineer", label="Mr. Li")
    assert patient.sex is Sex.MALE
    assert str(patient) == "Mr. Li, 47 years old, male, engineer"
    assert str(Patient()) == "patient (details not stated)"
    assert Age(value=1, unit="year").years == 1
    assert str(Age(value=16, unit="month")) == "16 months"


def test_repr_hides_defaults() -> None:
    assert repr(Patient(age=30)) == "Patient(age=Age(value=30.0))"


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="shoe_size"):
        Patient.model_validate({"shoe_size": 44})
