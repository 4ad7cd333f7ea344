import pytest
from pydantic import TypeAdapter, ValidationError

from caserecord import (
    CaseTime,
    Finding,
    IntraocularPressure,
    Measurement,
    OCTMeasurement,
    VEPMeasurement,
    VisualAcuity,
    VisualAcuityMeasurement,
)

MONTH_3 = CaseTime.at(3, "month")


def test_discriminated_union_picks_the_model() -> None:
    adapter: TypeAdapter[object] = TypeAdapter(Measurement)
    vep = adapter.validate_python({"kind": "vep", "time": "month 3", "change": "improved"})
    assert isinstance(vep, VEPMeasurement)
    acuity = adapter.validate_python(
        {"kind": "visual_acuity", "time": "baseline", "acuity": "20/200", "eye": "OD"}
    )
    assert isinstance(acuity, VisualAcuityMeasurement)
    assert acuity.acuity == VisualAcuity.parse("20/200")


@pytest.mark.parametrize(
    ("factory", "fragment"),
    [
        (lambda: VisualAcuityMeasurement(time=MONTH_3), "needs a value, a status or a change"),
        (
            lambda: VEPMeasurement(time=MONTH_3, p100_latency="120 mmHg"),
            "p100_latency must be in ms (got 120.0 mmHg)",
        ),
        (lambda: OCTMeasurement(time=MONTH_3, thickness="-5 um"), "thickness must be positive"),
        (
            lambda: IntraocularPressure(time=MONTH_3, pressure="140 mmHg"),
            "pressure must be between 0 and 80 mmHg (got 140.0)",
        ),
        (
            lambda: Finding(time=MONTH_3, name="Walking Speed", change="improved"),
            "name must be snake_case like 'muscle_strength' (got 'Walking Speed')",
        ),
        (lambda: Finding(time=MONTH_3, name="walking"), "walking measurement needs a value"),
        (lambda: VisualAcuityMeasurement(time=MONTH_3, acuity="20/0"), "20/0"),
    ],
)
def test_measurement_validation_messages(factory: object, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        factory()  # type: ignore[operator]
    assert fragment in str(info.value)


def test_value_text() -> None:
    assert (
        VisualAcuityMeasurement(time=MONTH_3, acuity=VisualAcuity.decimal(0.15)).value_text()
        == "0.15"
    )
    assert VisualAcuityMeasurement(time=MONTH_3, change="improved").value_text() == "improved"
    assert Finding(time=MONTH_3, name="sitting", quantity="10 min").value_text() == "10 min"
    assert Finding(time=MONTH_3, name="asia_grade", grade="ASIA B").value_text() == "ASIA B"
    assert (
        OCTMeasurement(time=MONTH_3, layer="RNFL", thickness="98 um").value_text() == "RNFL 98 um"
    )
    assert Finding(time=MONTH_3, name="walking", change="improved").measure == "walking"


def test_measured_quantity_is_the_field_a_reader_names_first() -> None:
    def measured(m: object) -> tuple[float, str] | None:
        quantity = m.measured_quantity()  # type: ignore[attr-defined]
        return None if quantity is None else (quantity.value, quantity.unit)

    time = CaseTime.at(3, "month")
    assert measured(VEPMeasurement(time=time, p100_latency="118 ms", amplitude="6 uV")) == (
        118,
        "ms",
    )
    assert measured(VEPMeasurement(time=time, amplitude="6 uV")) == (6, "uV")
    assert measured(IntraocularPressure(time=time, pressure="16 mmHg")) == (16, "mmHg")
    assert measured(VisualAcuityMeasurement(time=time, acuity="20/40")) is None
