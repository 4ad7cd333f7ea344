"""Codes from clinical terminologies attached to a diagnosis.

ICD-10 (WHO), ICD-11 (WHO MMS) and SNOMED CT identifiers are checked for
shape only -- caserecord ships no terminology server -- so ``H47.0`` and
``415176004`` pass while ``optic`` or ``H47-0`` are refused.
SNOMED CT identifiers also carry a Verhoeff check digit (SNOMED CT
Technical Implementation Guide, 6.1), which is verified.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Self

from pydantic import model_validator
from pydantic_core import PydanticCustomError

from caserecord._base import FrozenValue

__all__ = ["Code", "CodeSystem"]


class CodeSystem(StrEnum):
    ICD10 = "ICD-10"
    ICD11 = "ICD-11"
    SNOMED_CT = "SNOMED CT"

    @property
    def uri(self) -> str:
        """The canonical FHIR system URI."""
        return {
            "ICD-10": "http://hl7.org/fhir/sid/icd-10",
            "ICD-11": "http://id.who.int/icd/release/11/mms",
            "SNOMED CT": "http://snomed.info/sct",
        }[self.value]


_SHAPES: dict[CodeSystem, tuple[re.Pattern[str], str]] = {
    CodeSystem.ICD10: (re.compile(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?"), "like H47.0"),
    CodeSystem.ICD11: (re.compile(r"[0-9A-HJ-NP-Z]{2}[0-9A-HJ-NP-Z.]{1,8}"), "like 9C40.0"),
    CodeSystem.SNOMED_CT: (re.compile(r"[1-9][0-9]{5,17}"), "6 to 18 digits"),
}

# Verhoeff dihedral-group tables (Verhoeff 1969), as used by SNOMED CT.
_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]


def verhoeff_valid(digits: str) -> bool:
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _D[check][_P[position % 8][int(digit)]]
    return check == 0


class Code(FrozenValue):
    """One coded concept: system, code and an optional display text."""

    system: CodeSystem
    code: str
    display: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> Self:
        pattern, expected = _SHAPES[self.system]
        if not pattern.fullmatch(self.code):
            raise PydanticCustomError(
                "code_format",
                "{system} code must be {expected} (got '{code}')",
                {"system": self.system.value, "expected": expected, "code": self.code},
            )
        if self.system is CodeSystem.SNOMED_CT and not verhoeff_valid(self.code):
            raise PydanticCustomError(
                "code_check_digit",
                "SNOMED CT code fails its Verhoeff check digit (got '{code}')",
                {"code": self.code},
            )
        return self

    def __str__(self) -> str:
        return f"{self.system.value} {self.code}" + (f" {self.display}" if self.display else "")
