"""The patient: sex, age at presentation, occupation, an optional label.

Ages are stored with their unit because paediatric stories give them in
months ("a 16-month-old girl"); the plausible range is 0 to 125 years
(the oldest verified human lifespan is 122 years).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from caserecord._base import FrozenValue
from caserecord.provenance import Evidenced
from caserecord.vocabulary import Sex

__all__ = ["Age", "AgeUnit", "Patient"]

MAX_AGE_YEARS = 125


class AgeUnit(StrEnum):
    YEAR = "year"
    MONTH = "month"
    WEEK = "week"
    DAY = "day"

    @classmethod
    def _missing_(cls, value: object) -> AgeUnit | None:
        if isinstance(value, str):
            key = value.strip().lower().rstrip("s").removesuffix(" old")
            aliases = {
                "yr": "year",
                "y": "year",
                "mo": "month",
                "m": "month",
                "wk": "week",
                "w": "week",
                "d": "day",
            }
            key = aliases.get(key, key)
            for member in cls:
                if member.value == key:
                    return member
        return None


_YEARS_PER = {
    AgeUnit.YEAR: 1.0,
    AgeUnit.MONTH: 1 / 12,
    AgeUnit.WEEK: 7 / 365.25,
    AgeUnit.DAY: 1 / 365.25,
}


class Age(FrozenValue):
    """An age: a non-negative number and its unit."""

    value: float = Field(ge=0)
    unit: AgeUnit = AgeUnit.YEAR

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, data: object) -> object:
        # A bare number is an age in years: the overwhelmingly common case.
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return {"value": data, "unit": AgeUnit.YEAR}
        return data

    @model_validator(mode="after")
    def _plausible(self) -> Self:
        if self.years > MAX_AGE_YEARS:
            raise PydanticCustomError(
                "age_range",
                "age must be between 0 and {limit} years (got {value} {unit})",
                {"limit": MAX_AGE_YEARS, "value": self.value, "unit": self.unit.value},
            )
        return self

    @property
    def years(self) -> float:
        return self.value * _YEARS_PER[self.unit]

    def __str__(self) -> str:
        number = f"{self.value:g}"
        return f"{number} {self.unit.value}{'' if self.value == 1 else 's'}"


class Patient(Evidenced):
    """Who the story is about. Every field is optional: stories omit them."""

    sex: Sex | None = None
    age: Age | None = None
    occupation: str | None = None
    nationality: str | None = None
    label: str | None = Field(
        default=None,
        description="A display label or pseudonym; never required, never a real identifier.",
    )

    def __str__(self) -> str:
        parts = [self.label] if self.label else []
        if self.age is not None:
            parts.append(f"{self.age} old")
        if self.sex is not None:
            parts.append(self.sex.value)
        if self.occupation:
            parts.append(self.occupation)
        if self.nationality:
            parts.append(self.nationality)
        return ", ".join(parts) if parts else "patient (details not stated)"
