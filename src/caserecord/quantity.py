"""Quantities with units, and doses of a treatment.

A :class:`Quantity` is a number with a known unit (see ``_units.py``); a
:class:`Dose` adds what the amount is counted per (``1x10^6 cells/kg``,
``15 million cells into each eye``) and the schedule words
(``daily for five days``).  Amounts may be negative only where the
measurement allows it (a visual-field mean deviation of -2.31 dB); doses
never are.  A dose the story gives only in words ("two units of stem cells")
keeps its text with no amount.
"""

from __future__ import annotations

import math
from typing import Any, Self

from pydantic import field_validator, model_validator
from pydantic_core import PydanticCustomError

from caserecord._base import FrozenValue
from caserecord._units import UNITS, canonical_unit

__all__ = ["Dose", "Quantity"]


class Quantity(FrozenValue):
    """A finite number with a unit from caserecord's unit table."""

    value: float
    unit: str

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            number, _, unit = data.strip().partition(" ")
            try:
                return {"value": float(number), "unit": unit}
            except ValueError:
                raise PydanticCustomError(
                    "quantity_text",
                    "quantity must read 'NUMBER UNIT' (got '{text}')",
                    {"text": data},
                ) from None
        return data

    @field_validator("value")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise PydanticCustomError(
                "quantity_value", "value must be a finite number (got {value})", {"value": value}
            )
        return value

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        canonical = canonical_unit(unit)
        if canonical is None:
            raise PydanticCustomError(
                "quantity_unit",
                "unit must be a known unit such as {examples} (got '{unit}')",
                {"unit": unit, "examples": ", ".join(list(UNITS)[:8]) + ", ..."},
            )
        return canonical

    def __str__(self) -> str:
        number = f"{self.value:g}"
        return f"{number}{self.unit}" if self.unit in ("%", "deg") else f"{number} {self.unit}"


class Dose(FrozenValue):
    """How much of a treatment was given: an amount, what it is per, a schedule."""

    amount: Quantity | None = None
    per: str | None = None
    schedule: str | None = None
    text: str | None = None

    @model_validator(mode="after")
    def _non_negative(self) -> Self:
        if self.amount is None:
            if not self.text:
                raise PydanticCustomError(
                    "dose_empty", "dose needs an amount or its text (got neither)", {}
                )
            return self
        if self.amount.value < 0:
            raise PydanticCustomError(
                "dose_negative",
                "dose must not be negative (got {value} {unit})",
                {"value": self.amount.value, "unit": self.amount.unit},
            )
        return self

    @classmethod
    def of(
        cls,
        value: float,
        unit: str,
        *,
        per: str | None = None,
        schedule: str | None = None,
        text: str | None = None,
    ) -> Dose:
        return cls(amount=Quantity(value=value, unit=unit), per=per, schedule=schedule, text=text)

    def __str__(self) -> str:
        if self.amount is None:
            return self.text or ""
        value = self.amount.value
        if self.amount.unit == "cells" and value >= 1e5:
            amount = f"{value / 1e6:g} million cells"
        else:
            amount = str(self.amount)
        parts = [amount + (f"/{self.per}" if self.per else "")]
        if self.schedule:
            parts.append(self.schedule)
        return " ".join(parts)
