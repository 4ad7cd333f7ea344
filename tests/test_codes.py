import re

import pytest
from pydantic import ValidationError

from caserecord import Code, CodeSystem


@pytest.mark.parametrize(
    ("system", "code"),
    [
        ("ICD-10", "H47.0"),
        ("ICD-10", "G80"),
        ("ICD-10", "E11.9"),
        ("ICD-11", "9C40.0"),
        ("SNOMED CT", "22298006"),
        ("SNOMED CT", "415176004"),
    ],
)
def test_valid_codes(system: str, code: str) -> None:
    assert Code(system=system, code=code).code == code


@pytest.mark.parametrize(
    ("system", "code", "fragment"),
    [
        ("ICD-10", "optic", "ICD-10 code must be like H47.0 (got 'optic')"),
        ("ICD-10", "H47-0", "got 'H47-0'"),
        ("SNOMED CT", "22298007", "fails its Verhoeff check digit"),
        ("SNOMED CT", "12ab", "6 to 18 digits"),
        ("LOINC", "1234-5", "system"),
    ],
)
def test_invalid_codes(system: str, code: str, fragment: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(fragment)):
        Code(system=system, code=code)


def test_system_uri() -> None:
    assert CodeSystem.SNOMED_CT.uri == "http://snomed.info/sct"
