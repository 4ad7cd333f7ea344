import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from caserecord import (
    AdverseEvent,
    CaseRecord,
    CaseTime,
    Condition,
    Evidence,
    Finding,
    Intervention,
    Narrative,
    Patient,
    VisualAcuity,
    VisualAcuityMeasurement,
)


def va(time: str, acuity: str, eye: str = "OD") -> VisualAcuityMeasurement:
    return VisualAcuityMeasurement(time=CaseTime.parse(time), acuity=acuity, eye=eye)


def sample() -> CaseRecord:
    return CaseRecord(
        id="sample",
        patient=Patient(sex="female", age={"value": 16, "unit": "month"}),
        conditions=[
            Condition(
                name="optic nerve hypoplasia", laterality="OU", onset=CaseTime.at(-11, "month")
            )
        ],
        interventions=[
            Intervention(
                kind="cell_therapy",
                name="UC-MSC infusions",
                route="intravenous",
                sessions=8,
                time="day 0",
            )
        ],
        adverse_events=[
            AdverseEvent(description="low fever", severity="mild", onset=CaseTime.at(2, "day"))
        ],
        measurements=[
            va("baseline", "LP", "OU"),
            va("month 12", "20/400", "OU"),
            Finding(time=CaseTime.discharge(), name="eye_tracking", change="improved"),
        ],
    )


def test_json_round_trip_is_lossless() -> None:
    record = sample()
    again = CaseRecord.model_validate_json(record.model_dump_json())
    assert again == record
    assert again.measurements[1].acuity == VisualAcuity.parse("20/400")


def test_pickle_and_dict_round_trip() -> None:
    record = sample()
    assert pickle.loads(pickle.dumps(record)) == record
    assert CaseRecord.model_validate(record.model_dump()) == record


def test_json_schema_is_exportable() -> None:
    schema = CaseRecord.model_json_schema()
    assert schema["title"] == "CaseRecord"
    assert "measurements" in schema["properties"]


def test_timeline_orders_measurements() -> None:
    record = sample()
    order = [str(m.time) for m in record.timeline()]
    assert order == ["baseline", "discharge", "month 12"]


def test_onset_after_treatment_is_refused() -> None:
    with pytest.raises(
        ValidationError, match=r"conditions\[0\].onset must be before day 0.*got month 2"
    ):
        CaseRecord(conditions=[Condition(name="glaucoma", onset=CaseTime.at(2, "month"))])


def test_intervention_before_day0_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"interventions\[0\].time must not be before day 0"):
        CaseRecord(interventions=[Intervention(name="MSC", time=CaseTime.at(-1, "week"))])


def test_adverse_event_before_treatment_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"adverse_events\[0\].onset must be after"):
        CaseRecord(adverse_events=[AdverseEvent(description="rash", onset=CaseTime.at(-2, "day"))])


def test_duplicate_measurement_is_refused() -> None:
    with pytest.raises(
        ValidationError,
        match=r"measurements\[1\] repeats measurements\[0\] \(visual_acuity "
        r"right at month 3: 20/40\)",
    ):
        CaseRecord(measurements=[va("month 3", "20/40"), va("month 3", "20/40")])


def test_evidence_must_quote_the_source() -> None:
    text = "Vision was 20/40 OD."
    good = Evidence.of(text, 11, 16)
    record = CaseRecord(
        source=Narrative(text=text),
        measurements=[
            VisualAcuityMeasurement(time="baseline", acuity="20/40", evidence={"acuity": good})
        ],
    )
    assert record.measurements[0].evidence["acuity"].quote == "20/40"
    bad = Evidence(start=0, end=5, quote="20/40")
    with pytest.raises(ValidationError, match=r"measurements\[0\].acuity evidence 0..5"):
        CaseRecord(
            source=Narrative(text=text),
            measurements=[
                VisualAcuityMeasurement(time="baseline", acuity="20/40", evidence={"acuity": bad})
            ],
        )


def test_eye_inconsistent_with_laterality_is_a_warning_not_an_error() -> None:
    record = CaseRecord(
        conditions=[Condition(name="optic nerve injury", laterality="right")],
        measurements=[va("month 1", "20/60", "OS")],
    )
    warnings = record.consistency_warnings()
    assert len(warnings) == 1
    assert "measurements[0].eye is left" in warnings[0]
    assert sample().consistency_warnings() == []


def test_validate_assignment() -> None:
    record = sample()
    with pytest.raises(ValidationError, match="age"):
        record.patient.age = 400  # type: ignore[assignment]


# -- Hypothesis: any record we can build survives JSON ------------------------------
acuities = st.one_of(
    st.sampled_from(
        ["20/20", "20/40-2", "6/60", "1/60", "CF 30 cm", "HM", "LP", "NLP", "55 letters"]
    ),
    st.floats(0.01, 2.0).map(lambda v: f"{round(v, 3)} decimal"),
    st.floats(-0.3, 3.0).map(lambda v: f"{round(v, 2)} logMAR"),
)
times = st.one_of(
    st.sampled_from(["baseline", "discharge", "follow-up"]),
    st.tuples(st.integers(0, 60), st.sampled_from(["day", "week", "month", "year"])).map(
        lambda t: f"{t[1]} {t[0]}"
    ),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(times, acuities, st.sampled_from(["OD", "OS", "OU"])),
        max_size=6,
        unique_by=lambda t: (t[0], t[2]),
    ),
    st.one_of(st.none(), st.integers(0, 125)),
)
def test_generated_records_round_trip(items: list[tuple[str, str, str]], age: int | None) -> None:
    record = CaseRecord(patient=Patient(age=age), measurements=[va(t, a, e) for t, a, e in items])
    assert CaseRecord.model_validate_json(record.model_dump_json()) == record
