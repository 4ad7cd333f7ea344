"""Dated outcome measurements: acuity, electrophysiology, imaging, pressure, findings.

Every measurement has a time on the case timeline, an optional eye or side,
an optional subject (``"left leg"``, ``"average RNFL"``) and per-field
evidence.  The kinds are a discriminated union on ``kind`` so a JSON record
says which model each entry is:

- ``visual_acuity``  -- a :class:`VisualAcuity` in any notation, or a
  direction/state word when the story gives no value ("vision improved").
- ``vep``            -- visual evoked potential: finding word and/or P100
  latency (ms) and amplitude (uV) (ISCEV VEP standard, Odom et al. 2016).
- ``erg``            -- electroretinogram: finding and/or amplitude (uV).
- ``oct``            -- optical coherence tomography: layer thickness (um).
- ``visual_field``   -- perimetry: finding and/or mean deviation (dB).
- ``intraocular_pressure`` -- IOP in mmHg.
- ``finding``        -- anything else, named in snake_case (``walking``,
  ``hba1c``, ``muscle_strength``) with a number+unit, a grade, or words.
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar, Literal, Self

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from caserecord.outcomes.acuity import VisualAcuity
from caserecord.provenance import Evidence, Evidenced
from caserecord.quantity import Quantity
from caserecord.timeline import CaseTime
from caserecord.vocabulary import Change, Laterality, Status

__all__ = [
    "ERGMeasurement",
    "Finding",
    "IntraocularPressure",
    "Measurement",
    "OCTMeasurement",
    "VEPMeasurement",
    "VisualAcuityMeasurement",
    "VisualFieldMeasurement",
]

_SNAKE = re.compile(r"[a-z][a-z0-9_]*")


def _require_unit(quantity: Quantity | None, units: tuple[str, ...], field: str) -> None:
    if quantity is not None and quantity.unit not in units:
        raise PydanticCustomError(
            "measurement_unit",
            "{field} must be in {expected} (got {value} {unit})",
            {
                "field": field,
                "expected": " or ".join(units),
                "value": quantity.value,
                "unit": quantity.unit,
            },
        )


class _MeasurementBase(Evidenced):
    time: CaseTime
    eye: Laterality | None = None
    subject: str | None = Field(default=None, description="Body part or sub-measure.")
    change: Change | None = None
    status: Status | None = None
    detail: str | None = Field(default=None, description="The phrase it was read from.")

    @property
    def measure(self) -> str:
        """The canonical snake_case name of what was measured."""
        raise NotImplementedError

    def value_evidence(self) -> Evidence | None:
        """The evidence of the value itself (not of its time, eye or subject), if any."""
        values = [e for key, e in self.evidence.items() if key not in ("time", "eye", "subject")]
        return min(values, key=lambda e: e.start) if values else None

    #: The fields that hold the measured quantity, in the order a reader names them.
    quantity_fields: ClassVar[tuple[str, ...]] = ()

    def measured_quantity(self) -> Quantity | None:
        """The measured quantity (a VEP's latency before its amplitude), if any."""
        for name in self.quantity_fields:
            value: Quantity | None = getattr(self, name)
            if value is not None:
                return value
        return None

    def value_text(self) -> str:
        """The value as a reader would say it."""
        words = [w.value for w in (self.status, self.change) if w is not None]
        return ", ".join(words) if words else "-"

    def _require_something(self, *values: object) -> None:
        # Runs for every measurement built: plain tests, the words first (most have one).
        if self.status is not None or self.change is not None:
            return
        for value in values:
            if value is not None:
                return
        raise PydanticCustomError(
            "measurement_empty",
            "{measure} measurement needs a value, a status or a change (got none)",
            {"measure": self.measure},
        )


class VisualAcuityMeasurement(_MeasurementBase):
    kind: Literal["visual_acuity"] = "visual_acuity"
    acuity: VisualAcuity | None = None
    correction: Literal["uncorrected", "best_corrected", "pinhole"] | None = None
    near: bool = Field(default=False, description="Near acuity rather than distance.")

    @model_validator(mode="after")
    def _has_value(self) -> Self:
        self._require_something(self.acuity)
        return self

    @property
    def measure(self) -> str:
        return "visual_acuity"

    def value_text(self) -> str:
        if self.acuity is None:
            return super().value_text()
        if self.acuity.notation.value == "decimal" and self.acuity.value is not None:
            return f"{self.acuity.value:g}"  # "0.15": decimal is how narratives write it
        return str(self.acuity)


class VEPMeasurement(_MeasurementBase):
    kind: Literal["vep"] = "vep"
    quantity_fields = ("p100_latency", "amplitude")
    p100_latency: Quantity | None = None
    amplitude: Quantity | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        _require_unit(self.p100_latency, ("ms",), "p100_latency")
        _require_unit(self.amplitude, ("uV",), "amplitude")
        self._require_something(self.p100_latency, self.amplitude)
        return self

    @property
    def measure(self) -> str:
        return "vep"

    def value_text(self) -> str:
        parts = [
            f"P100 {self.p100_latency}" if self.p100_latency else None,
            f"amplitude {self.amplitude}" if self.amplitude else None,
        ]
        numbers = [p for p in parts if p]
        return "; ".join(numbers) if numbers else super().value_text()


class ERGMeasurement(_MeasurementBase):
    kind: Literal["erg"] = "erg"
    quantity_fields = ("amplitude",)
    amplitude: Quantity | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        _require_unit(self.amplitude, ("uV",), "amplitude")
        self._require_something(self.amplitude)
        return self

    @property
    def measure(self) -> str:
        return "erg"

    def value_text(self) -> str:
        return str(self.amplitude) if self.amplitude else super().value_text()


class OCTMeasurement(_MeasurementBase):
    kind: Literal["oct"] = "oct"
    layer: str | None = Field(default=None, description="RNFL, GCL-IPL, central macula...")
    quantity_fields = ("thickness",)
    thickness: Quantity | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        _require_unit(self.thickness, ("um",), "thickness")
        if self.thickness is not None and self.thickness.value <= 0:
            raise PydanticCustomError(
                "oct_thickness",
                "thickness must be positive (got {value} um)",
                {"value": self.thickness.value},
            )
        self._require_something(self.thickness)
        return self

    @property
    def measure(self) -> str:
        return "oct"

    def value_text(self) -> str:
        if self.thickness is not None:
            return f"{self.layer + ' ' if self.layer else ''}{self.thickness}"
        return super().value_text()


class VisualFieldMeasurement(_MeasurementBase):
    kind: Literal["visual_field"] = "visual_field"
    quantity_fields = ("mean_deviation",)
    mean_deviation: Quantity | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        _require_unit(self.mean_deviation, ("dB",), "mean_deviation")
        self._require_something(self.mean_deviation)
        return self

    @property
    def measure(self) -> str:
        return "visual_field"

    def value_text(self) -> str:
        return f"MD {self.mean_deviation}" if self.mean_deviation else super().value_text()


class IntraocularPressure(_MeasurementBase):
    kind: Literal["intraocular_pressure"] = "intraocular_pressure"
    quantity_fields = ("pressure",)
    pressure: Quantity | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        _require_unit(self.pressure, ("mmHg",), "pressure")
        # Physiological IOP is 10-21 mmHg; above 80 is not a reading but a typo.
        if self.pressure is not None and not 0 <= self.pressure.value <= 80:
            raise PydanticCustomError(
                "iop_range",
                "pressure must be between 0 and 80 mmHg (got {value})",
                {"value": self.pressure.value},
            )
        self._require_something(self.pressure)
        return self

    @property
    def measure(self) -> str:
        return "intraocular_pressure"

    def value_text(self) -> str:
        return str(self.pressure) if self.pressure else super().value_text()


class Finding(_MeasurementBase):
    """Any other assessed quantity or state, named in snake_case."""

    kind: Literal["finding"] = "finding"
    name: str
    quantity_fields = ("quantity",)
    quantity: Quantity | None = None
    grade: str | None = Field(default=None, description="A grade as written: 'ASIA B', '4/5'.")

    @field_validator("name")
    @classmethod
    def _snake_case(cls, name: str) -> str:
        if not _SNAKE.fullmatch(name):
            raise PydanticCustomError(
                "finding_name",
                "name must be snake_case like 'muscle_strength' (got '{name}')",
                {"name": name},
            )
        return name

    @model_validator(mode="after")
    def _check(self) -> Self:
        self._require_something(self.quantity, self.grade)
        return self

    @property
    def measure(self) -> str:
        return self.name

    def value_text(self) -> str:
        if self.quantity is not None:
            return str(self.quantity)
        if self.grade is not None:
            return self.grade
        return super().value_text()


Measurement = Annotated[
    VisualAcuityMeasurement
    | VEPMeasurement
    | ERGMeasurement
    | OCTMeasurement
    | VisualFieldMeasurement
    | IntraocularPressure
    | Finding,
    Field(discriminator="kind"),
]
