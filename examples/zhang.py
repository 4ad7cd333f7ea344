"""Mr. Zhang's case, built by hand with the public API and pretty-printed.

Run:  python examples/zhang.py
"""

from rich import print as rprint

from caserecord import (
    AbsentFinding,
    AdverseEvent,
    CaseRecord,
    CaseTime,
    Condition,
    Intervention,
    Patient,
    PriorTreatment,
    VEPMeasurement,
    VisualAcuity,
    VisualAcuityMeasurement,
)

record = CaseRecord(
    id="zhang",
    patient=Patient(sex="male", age=47, occupation="engineer", label="Mr. Zhang"),
    conditions=[
        Condition(
            name="optic nerve injury",
            laterality="right",
            cause="car accident",
            onset=CaseTime.at(-4, "month"),
        ),
    ],
    prior_treatments=[
        PriorTreatment(name="steroids"),
        PriorTreatment(name="neurotrophic medications"),
    ],
    interventions=[
        Intervention(
            kind="cell_therapy",
            name="mesenchymal stem cell therapy",
            cell_type="mesenchymal stem cells",
            cell_source="umbilical cord blood",
            route="injection into the optic nerve sheath",
            laterality="OD",
            time=CaseTime.at(0, "day"),
        ),
    ],
    adverse_events=[
        AdverseEvent(
            description="swelling and discomfort at the injection site",
            severity="mild",
            onset=CaseTime.parse("week 1"),
        ),
    ],
    absent_findings=[AbsentFinding(description="other adverse symptoms")],
    measurements=[
        VisualAcuityMeasurement(
            time=CaseTime.baseline(), eye="right", acuity=VisualAcuity.parse("light perception")
        ),
        VisualAcuityMeasurement(
            time=CaseTime.at(1, "month", qualifier="by_end_of"), eye="OD", acuity="LP"
        ),
        VisualAcuityMeasurement(
            time=CaseTime.at(3, "month", qualifier="by"), eye="OD", acuity="HM"
        ),
        VEPMeasurement(time=CaseTime.at(3, "month"), eye="OD", change="improved"),
        VisualAcuityMeasurement(
            time=CaseTime.at(6, "month", qualifier="by"),
            eye="OD",
            acuity=VisualAcuity.decimal(0.15),
        ),
    ],
)

if __name__ == "__main__":
    rprint(record)
    rprint(
        f"Acuity at month 6: {record.measurements[-1].acuity:snellen_ft} "
        f"({record.measurements[-1].acuity:logmar}); "
        f"WHO category: {record.measurements[-1].acuity.who_category().label}"
    )
