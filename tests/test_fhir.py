"""FHIR R4B export and import: valid bundles, standard codes, lossless round-trips."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given, settings
from hypothesis import strategies as st

import caserecord
from caserecord import (
    AbsentFinding,
    AdverseEvent,
    CaseRecord,
    CaseTime,
    Condition,
    ConversionError,
    ERGMeasurement,
    Finding,
    Intervention,
    IntraocularPressure,
    MissingExtraError,
    Narrative,
    OCTMeasurement,
    Patient,
    PriorTreatment,
    VEPMeasurement,
    VisualAcuity,
    VisualAcuityMeasurement,
    VisualFieldMeasurement,
    fhir,
)
from caserecord.fhir import from_bundle, to_bundle

NARRATIVES = Path(__file__).resolve().parents[1] / "examples" / "narratives"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"

# Every notation VisualAcuity knows, with its logMAR (None: coded, not a quantity).
ACUITIES: list[tuple[str, float | None]] = [
    ("20/200", 1.0),
    ("20/40-2", 0.3410299957),
    ("20/40+", 0.3010299957),
    ("6/60", 1.0),
    ("0.15 decimal", 0.8239087409),
    ("0.30 logMAR", 0.3),
    ("55 letters", 0.6),
    ("CF 30 cm", None),
    ("CF 2 ft", None),
    ("HM 1 m", None),
    ("HM", None),
    ("LP", None),
    ("NLP", None),
]


def acuity_measurements() -> list[VisualAcuityMeasurement]:
    # One month each, so no two are the same measurement at the same time.
    return [
        VisualAcuityMeasurement(time=CaseTime.at(month, "month"), acuity=text, eye="OD")
        for month, (text, _) in enumerate(ACUITIES, start=1)
    ]


def other_measurements() -> list[Any]:
    return [
        VisualAcuityMeasurement(
            time=CaseTime.parse("3 months"),  # as written differs from "month 3"
            acuity="20/63",
            eye="left",
            correction="best_corrected",
            subject="distance",
            detail="BCVA OS 20/63 at three months",
        ),
        VisualAcuityMeasurement(
            time=CaseTime.baseline(),
            acuity="0.4 decimal",
            eye="OU",
            near=True,
            correction="pinhole",
        ),
        VisualAcuityMeasurement(time=CaseTime.parse("by end of month 1"), change="improved"),
        VEPMeasurement(
            time=CaseTime.baseline(), eye="OD", p100_latency="128 ms", amplitude="4.2 uV"
        ),
        VEPMeasurement(time=CaseTime.parse("~month 6"), eye="OD", p100_latency="112 ms"),
        VEPMeasurement(time=CaseTime.at(3, "month", qualifier="by"), status="abnormal"),
        ERGMeasurement(time=CaseTime.discharge(), amplitude="85 uV", eye="left"),
        OCTMeasurement(
            time=CaseTime.baseline(),
            eye="OS",
            layer="RNFL",
            thickness="68 um",
            subject="average RNFL thickness",
        ),
        IntraocularPressure(time=CaseTime.follow_up(), eye="OD", pressure="15 mmHg"),
        VisualFieldMeasurement(time=CaseTime.parse("week 2"), eye="OD", mean_deviation="-2.31 dB"),
        VisualFieldMeasurement(time=CaseTime.parse("month 6"), eye="both", change="unchanged"),
        Finding(time=CaseTime.parse("month 3"), name="sitting", quantity="20 min"),
        Finding(time=CaseTime.baseline(), name="asia_grade", grade="ASIA B"),
        Finding(
            time=CaseTime.parse("month 3"),
            name="muscle_strength",
            quantity="4 steps",
            grade="4/5",
            subject="left leg",
            eye="left",
            change="improved",
        ),
        Finding(time=CaseTime.baseline(), name="speech", status="absent", detail="no words"),
        Finding(
            time=CaseTime.parse("discharge at day 10"),
            name="eye_tracking",
            status="present",
            change="improved",
        ),
        Finding(time=CaseTime.parse("day 5 from onset"), name="headache", status="present"),
        Finding(time=CaseTime.parse("month 7 (2021-10-16)"), name="hba1c", quantity="6.1 %"),
    ]


def full_record(**changes: Any) -> CaseRecord:
    """A record that uses every field the bundle carries."""
    fields: dict[str, Any] = {
        "id": "case_001",
        "patient": Patient(
            sex="female",
            age={"value": 16, "unit": "month"},
            occupation="student",
            nationality="Chinese",
            label="Patient A",
        ),
        "conditions": [
            Condition(
                name="optic nerve injury",
                laterality="right",
                cause="car accident",
                onset=CaseTime.at(-4, "month"),
                codes=[
                    {"system": "ICD-10", "code": "S04.0", "display": "Injury of optic nerve"},
                    {"system": "SNOMED CT", "code": "415176004"},
                ],
            ),
            Condition(name="diabetes", onset=CaseTime.parse("-10 years")),
            Condition(name="amblyopia", laterality="OS"),
        ],
        "prior_treatments": [
            PriorTreatment(name="steroids", kind="drug", time=CaseTime.parse("-3 months")),
            PriorTreatment(name="neurotrophic medications"),
        ],
        "interventions": [
            Intervention(
                kind="cell_therapy",
                name="mesenchymal stem cell therapy",
                cell_type="mesenchymal stem cells",
                cell_source="umbilical cord blood",
                route="injection into the optic nerve sheath",
                target_site="optic nerve sheath",
                laterality="OD",
                sessions=4,
                dose={
                    "amount": "15000000 cells",
                    "per": "eye",
                    "schedule": "weekly",
                    "text": "15 million cells",
                },
                time=CaseTime.parse("day 0"),
            ),
            Intervention(kind="rehabilitation", name="visual training", time="week 1"),
            Intervention(name="vitamin B12", dose={"text": "two tablets"}),
        ],
        "adverse_events": [
            AdverseEvent(
                description="low fever",
                severity="mild",
                onset=CaseTime.parse("within day 1"),
                duration="2 days",
                resolved=True,
            ),
            AdverseEvent(description="swelling", severity="moderate", resolved=False),
            AdverseEvent(description="anaphylaxis", severity="life_threatening"),
            AdverseEvent(description="eye pain", severity="severe", onset="week 1"),
        ],
        "measurements": [*acuity_measurements(), *other_measurements()],
        "absent_findings": [
            AbsentFinding(description="headache"),
            AbsentFinding(description="other side effects", time=CaseTime.follow_up()),
        ],
        "source": Narrative(text="A 16-month-old girl.\n  Spaces kept.  ", title="Case A"),
    }
    fields.update(changes)
    return CaseRecord(**fields)


def resources(bundle: Bundle, kind: str) -> list[dict[str, Any]]:
    data = json.loads(bundle.model_dump_json())
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def observation_for(bundle: Bundle, index: int) -> dict[str, Any]:
    """The Observation of record.measurements[index] (measurements keep their order)."""
    observations = [o for o in resources(bundle, "Observation") if "coding" in o["code"]]
    return observations[index]


def extension(resource: dict[str, Any], name: str) -> Any:
    url = f"{fhir.BASE}/StructureDefinition/{name}"
    found = [e for e in resource.get("extension", []) if e["url"] == url]
    return found[0] if found else None


def without_evidence(record: CaseRecord) -> CaseRecord:
    def strip(data: Any) -> Any:
        if isinstance(data, dict):
            return {k: strip(v) for k, v in data.items() if k != "evidence"}
        if isinstance(data, list):
            return [strip(v) for v in data]
        return data

    return CaseRecord.model_validate(strip(record.model_dump(exclude={"report"})))


# -- the bundle is valid FHIR R4B -------------------------------------------------------


@pytest.mark.parametrize("anchor_date", [None, "2021-03-15", "2021-03", "2021"])
def test_bundle_validates_as_r4b(anchor_date: str | None) -> None:
    bundle = to_bundle(full_record(), anchor_date=anchor_date)
    assert isinstance(bundle, Bundle)
    again = Bundle.model_validate_json(bundle.model_dump_json())
    assert again.model_dump_json() == bundle.model_dump_json()
    assert bundle.type == "collection"


def test_bundle_holds_one_resource_per_item() -> None:
    record = full_record()
    bundle = to_bundle(record)
    counts = {
        kind: len(resources(bundle, kind))
        for kind in (
            "Patient",
            "DocumentReference",
            "Condition",
            "Procedure",
            "AdverseEvent",
            "Observation",
        )
    }
    assert counts == {
        "Patient": 1,
        "DocumentReference": 1,
        "Condition": 3,
        "Procedure": 5,
        "AdverseEvent": 4,
        "Observation": len(record.measurements) + len(record.absent_findings),
    }


def test_every_resource_refers_to_the_patient() -> None:
    data = json.loads(to_bundle(full_record()).model_dump_json())
    patient_url = data["entry"][0]["fullUrl"]
    assert data["entry"][0]["resource"]["resourceType"] == "Patient"
    others = [e["resource"] for e in data["entry"][1:]]
    assert all(r["subject"] == {"reference": patient_url} for r in others)
    urls = [e["fullUrl"] for e in data["entry"]]
    assert len(set(urls)) == len(urls)
    assert all(url.startswith("urn:uuid:") for url in urls)


def test_bundle_is_deterministic_and_ids_differ_between_records() -> None:
    first = to_bundle(full_record()).model_dump_json()
    assert to_bundle(full_record()).model_dump_json() == first
    other = json.loads(to_bundle(full_record(id="case_002")).model_dump_json())
    assert other["entry"][0]["fullUrl"] not in first
    nameless = to_bundle(full_record(id=None))
    assert "identifier" not in json.loads(nameless.model_dump_json())


def test_record_methods_delegate() -> None:
    record = full_record()
    bundle = record.to_fhir(anchor_date="2021-03-15")
    assert (
        bundle.model_dump_json() == to_bundle(record, anchor_date="2021-03-15").model_dump_json()
    )
    assert CaseRecord.from_fhir(bundle) == record


# -- codes, units and body sites ---------------------------------------------------------


@pytest.mark.parametrize(("index", "written", "logmar"), [(i, *a) for i, a in enumerate(ACUITIES)])
def test_acuity_observation(index: int, written: str, logmar: float | None) -> None:
    observation = observation_for(to_bundle(full_record()), index)
    assert {"system": SNOMED, "code": "363983007", "display": "Visual acuity"} in observation[
        "code"
    ]["coding"]
    assert {"system": fhir.CS_MEASURE, "code": "visual_acuity", "display": "Visual acuity"} in (
        observation["code"]["coding"]
    )
    assert observation["bodySite"]["coding"] == [
        {"system": SNOMED, "code": "18944008", "display": "Right eye structure"}
    ]
    assert extension(observation, "visual-acuity")["valueString"] == written
    if logmar is None:
        assert "valueQuantity" not in observation
        coded = observation["valueCodeableConcept"]
        assert coded["text"] == written
        assert coded["coding"][0]["system"] == fhir.CS_QUALITATIVE_ACUITY
        assert coded["coding"][0]["code"] == VisualAcuity.parse(written).level
    else:
        quantity = observation["valueQuantity"]
        assert quantity["value"] == pytest.approx(logmar)
        assert (quantity["unit"], quantity["system"], quantity["code"]) == (
            "logMAR",
            UCUM,
            "{logMAR}",
        )


@pytest.mark.parametrize(
    ("written", "distance"),
    [
        ("CF 30 cm", {"value": 30.0, "unit": "cm", "system": UCUM, "code": "cm"}),
        ("CF 2 ft", {"value": 2.0, "unit": "ft", "system": UCUM, "code": "[ft_i]"}),
        ("HM 1 m", {"value": 1.0, "unit": "m", "system": UCUM, "code": "m"}),
        ("HM", None),
    ],
)
def test_qualitative_acuity_keeps_its_test_distance(
    written: str, distance: dict[str, Any] | None
) -> None:
    index = [text for text, _ in ACUITIES].index(written)
    observation = observation_for(to_bundle(full_record()), index)
    components = observation.get("component", [])
    if distance is None:
        assert components == []
    else:
        assert components[0]["code"]["coding"][0]["code"] == "test_distance"
        assert components[0]["valueQuantity"] == distance


def test_acuity_method_holds_correction_and_near() -> None:
    bundle = to_bundle(full_record())
    base = len(ACUITIES)
    corrected = observation_for(bundle, base)
    assert [c["code"] for c in corrected["method"]["coding"]] == ["best_corrected"]
    near = observation_for(bundle, base + 1)
    assert [c["code"] for c in near["method"]["coding"]] == ["pinhole", "near"]
    assert near["bodySite"]["coding"][0]["code"] == "40638003"  # both eyes
    assert observation_for(bundle, base + 2).get("method") is None


@pytest.mark.parametrize(
    ("offset", "measure", "values"),
    [
        # VEP: latency and amplitude as components, no single value.
        (3, "vep", {"p100_latency": ("ms", 128.0), "amplitude": ("uV", 4.2)}),
        (6, "erg", {"value": ("uV", 85.0)}),
        (7, "oct", {"value": ("um", 68.0)}),
        (8, "intraocular_pressure", {"value": ("mm[Hg]", 15.0)}),
        (9, "visual_field", {"value": ("dB", -2.31)}),
    ],
)
def test_measurement_units_are_ucum(
    offset: int, measure: str, values: dict[str, tuple[str, float]]
) -> None:
    observation = observation_for(to_bundle(full_record()), len(ACUITIES) + offset)
    codes = {(c["system"], c["code"]) for c in observation["code"]["coding"]}
    assert (fhir.CS_MEASURE, measure) in codes
    for name, (ucum, number) in values.items():
        if name == "value":
            quantity = observation["valueQuantity"]
        else:
            (component,) = [
                c for c in observation["component"] if c["code"]["coding"][0]["code"] == name
            ]
            quantity = component["valueQuantity"]
        assert (quantity["system"], quantity["code"], quantity["value"]) == (UCUM, ucum, number)


def test_observation_categories_and_iop_code() -> None:
    bundle = to_bundle(full_record())
    base = len(ACUITIES)
    category = {
        i: observation_for(bundle, base + i)["category"][0]["coding"][0]["code"]
        for i in (3, 6, 7, 8, 9, 11)
    }
    assert category == {
        3: "procedure",
        6: "procedure",
        7: "imaging",
        8: "exam",
        9: "exam",
        11: "exam",
    }
    iop = observation_for(bundle, base + 8)["code"]["coding"]
    assert iop[0] == {"system": SNOMED, "code": "41633001", "display": "Intraocular pressure"}


def test_findings_status_change_and_side() -> None:
    bundle = to_bundle(full_record())
    base = len(ACUITIES)
    strength = observation_for(bundle, base + 13)
    assert strength["code"]["coding"] == [
        {"system": fhir.CS_FINDING, "code": "muscle_strength", "display": "muscle strength"}
    ]
    assert strength["valueQuantity"]["code"] == "{steps}"
    assert strength["component"][0]["valueString"] == "4/5"
    # A finding's side is a laterality qualifier, not an eye.
    assert strength["bodySite"]["coding"][0]["code"] == "7771000"
    assert extension(strength, "measurement-subject")["valueString"] == "left leg"
    assert strength["interpretation"][0]["coding"] == [
        {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
            "code": "B",
        },
        {"system": fhir.CS_CHANGE, "code": "improved"},
    ]
    grade = observation_for(bundle, base + 12)
    assert grade["valueString"] == "ASIA B"
    speech = observation_for(bundle, base + 14)
    assert speech["interpretation"][0]["coding"] == [{"system": fhir.CS_STATUS, "code": "absent"}]
    assert speech["note"] == [{"text": "no words"}]


def test_absent_findings_are_coded_absent() -> None:
    absent = [
        o for o in resources(to_bundle(full_record()), "Observation") if "coding" not in o["code"]
    ]
    assert [o["code"]["text"] for o in absent] == ["headache", "other side effects"]
    assert absent[0]["valueCodeableConcept"]["coding"][0] == {
        "system": SNOMED,
        "code": "2667000",
        "display": "Absent",
    }


def test_patient_resource() -> None:
    (patient,) = resources(to_bundle(full_record()), "Patient")
    assert patient["gender"] == "female"
    assert patient["name"] == [{"use": "anonymous", "text": "Patient A"}]
    assert extension(patient, "patient-age")["valueAge"] == {
        "value": 16.0,
        "unit": "month",
        "system": UCUM,
        "code": "mo",
    }
    assert extension(patient, "patient-occupation")["valueString"] == "student"
    (nationality,) = [
        e
        for e in patient["extension"]
        if e["url"] == "http://hl7.org/fhir/StructureDefinition/patient-nationality"
    ]
    assert nationality["extension"] == [
        {"url": "code", "valueCodeableConcept": {"text": "Chinese"}}
    ]


def test_condition_codes_and_body_site() -> None:
    injury, diabetes, amblyopia = resources(to_bundle(full_record()), "Condition")
    assert injury["code"] == {
        "coding": [
            {
                "system": "http://hl7.org/fhir/sid/icd-10",
                "code": "S04.0",
                "display": "Injury of optic nerve",
            },
            {"system": SNOMED, "code": "415176004"},
        ],
        "text": "optic nerve injury",
    }
    assert injury["bodySite"][0]["coding"][0]["code"] == "18944008"
    assert amblyopia["bodySite"][0]["coding"][0]["code"] == "8966001"
    assert "bodySite" not in diabetes
    assert injury["extension"][-1] == {
        "url": "http://hl7.org/fhir/StructureDefinition/condition-dueTo",
        "valueCodeableConcept": {"text": "car accident"},
    }


def test_procedures() -> None:
    steroids, _, stem_cells, training, _ = resources(to_bundle(full_record()), "Procedure")
    assert extension(steroids, "prior-treatment") == {
        "url": f"{fhir.BASE}/StructureDefinition/prior-treatment",
        "valueBoolean": True,
    }
    assert stem_cells["status"] == "completed"
    assert stem_cells["code"] == {"text": "mesenchymal stem cell therapy"}
    assert stem_cells["category"]["coding"][0]["code"] == "cell_therapy"
    assert stem_cells["bodySite"] == [
        {"text": "optic nerve sheath"},
        {
            "coding": [{"system": SNOMED, "code": "18944008", "display": "Right eye structure"}],
            "text": "right eye",
        },
    ]
    assert extension(stem_cells, "intervention-sessions")["valuePositiveInt"] == 4
    dose = extension(stem_cells, "intervention-dose")["extension"]
    assert dose[0] == {
        "url": "amount",
        "valueQuantity": {"value": 15000000.0, "unit": "cells", "system": UCUM, "code": "{cells}"},
    }
    assert training["category"]["coding"][0]["code"] == "rehabilitation"


def test_adverse_event_severity() -> None:
    fever, swelling, anaphylaxis, _ = resources(to_bundle(full_record()), "AdverseEvent")
    assert fever["actuality"] == "actual"
    assert fever["event"] == {"text": "low fever"}
    assert fever["severity"]["coding"][0]["code"] == "mild"
    assert fever["outcome"]["coding"][0]["code"] == "resolved"
    assert swelling["outcome"]["coding"][0]["code"] == "ongoing"
    # R4B severity stops at severe; life-threatening is also a seriousness.
    assert anaphylaxis["severity"]["coding"][0]["code"] == "severe"
    assert anaphylaxis["seriousness"]["coding"][0]["code"] == "SeriousIsLifeThreatening"


# -- times --------------------------------------------------------------------------------


def test_without_anchor_date_times_are_extensions_only() -> None:
    bundle = to_bundle(full_record())
    observation = observation_for(bundle, 2)  # month 3
    assert "effectiveDateTime" not in observation
    assert extension(observation, "case-time")["valueString"] == "month 3"
    condition = resources(bundle, "Condition")[0]
    assert condition["onsetString"] == "-4 months"
    procedure = resources(bundle, "Procedure")[2]
    assert procedure["performedString"] == "day 0"
    # A time known by its date is a date even without the anchor date.
    hba1c = observation_for(bundle, len(ACUITIES) + 17)
    assert hba1c["effectiveDateTime"] == "2021-10-16"


def test_as_written_time_text_is_kept() -> None:
    observation = observation_for(to_bundle(full_record()), len(ACUITIES))
    assert extension(observation, "case-time")["valueString"] == "month 3"
    assert extension(observation, "case-time-text")["valueString"] == "3 months"
    built = observation_for(to_bundle(full_record()), 0)  # CaseTime.at: no text
    assert extension(built, "case-time-text") is None


@pytest.mark.parametrize(
    ("anchor_date", "month_3", "day_0", "onset", "week_2"),
    [
        ("2021-03-15", "2021-06-15", "2021-03-15", "2020-11-15", "2021-03-29"),
        (dt.date(2021, 3, 15), "2021-06-15", "2021-03-15", "2020-11-15", "2021-03-29"),
        # Known to the month: month offsets land on a month, day offsets do not resolve.
        ("2021-03", "2021-06", "2021-03", "2020-11", None),
        ("March 2021", "2021-06", "2021-03", "2020-11", None),
        ("2021", None, "2021", None, None),
    ],
)
def test_anchor_date_resolves_times(
    anchor_date: Any, month_3: str | None, day_0: str, onset: str | None, week_2: str | None
) -> None:
    bundle = to_bundle(full_record(), anchor_date=anchor_date)
    assert observation_for(bundle, 2).get("effectiveDateTime") == month_3
    assert resources(bundle, "Procedure")[2]["performedDateTime"] == day_0
    condition = resources(bundle, "Condition")[0]
    assert condition.get("onsetDateTime") == onset
    assert ("onsetString" in condition) is (onset is None)
    assert observation_for(bundle, len(ACUITIES) + 9).get("effectiveDateTime") == week_2


def test_unresolvable_times_keep_only_the_extension() -> None:
    bundle = to_bundle(full_record(), anchor_date="2021-03-15")
    base = len(ACUITIES)
    baseline = observation_for(bundle, base + 3)
    assert "effectiveDateTime" not in baseline
    assert extension(baseline, "case-time")["valueString"] == "baseline"
    from_onset = observation_for(bundle, base + 16)  # "day 5 from onset": another anchor
    assert "effectiveDateTime" not in from_onset
    dated = observation_for(bundle, base + 17)  # its own date wins over the anchor date
    assert dated["effectiveDateTime"] == "2021-10-16"


def test_record_anchor_date_is_the_default() -> None:
    record = full_record(anchor_date="2021-03-15")
    bundle = to_bundle(record)
    assert observation_for(bundle, 2)["effectiveDateTime"] == "2021-06-15"
    data = json.loads(bundle.model_dump_json())
    assert data["meta"]["extension"] == [
        {"url": f"{fhir.BASE}/StructureDefinition/anchor-date", "valueDate": "2021-03-15"}
    ]
    overridden = to_bundle(record, anchor_date="2022-01-01")
    assert observation_for(overridden, 2)["effectiveDateTime"] == "2022-04-01"


# -- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("anchor_date", [None, "2021-03-15", "2021-03"])
@pytest.mark.parametrize("record_anchor", [None, "2021-03-15"])
def test_round_trip_is_lossless(anchor_date: str | None, record_anchor: str | None) -> None:
    record = full_record(anchor_date=record_anchor)
    again = from_bundle(to_bundle(record, anchor_date=anchor_date))
    for name in CaseRecord.model_fields:
        assert getattr(again, name) == getattr(record, name), name
    assert again == record
    acuities = [m.acuity for m in again.measurements[: len(ACUITIES)]]
    assert [str(a) for a in acuities] == [text for text, _ in ACUITIES]


@pytest.mark.parametrize("shape", ["bundle", "json", "bytes", "dict"])
def test_from_bundle_accepts_json_and_dicts(shape: str) -> None:
    record = full_record()
    bundle = to_bundle(record)
    given_bundle: Any = {
        "bundle": bundle,
        "json": bundle.model_dump_json(),
        "bytes": bundle.model_dump_json().encode(),
        "dict": json.loads(bundle.model_dump_json()),
    }[shape]
    assert from_bundle(given_bundle) == record


def test_source_can_be_left_out() -> None:
    record = full_record()
    bundle = to_bundle(record, include_source=False)
    assert resources(bundle, "DocumentReference") == []
    assert from_bundle(bundle) == record.model_copy(update={"source": None})


def test_minimal_record_round_trips() -> None:
    record = CaseRecord()
    bundle = to_bundle(record)
    assert [r["resourceType"] for r in resources(bundle, "Patient")] == ["Patient"]
    assert from_bundle(bundle) == record


@pytest.mark.parametrize("path", sorted(NARRATIVES.glob("*.txt")), ids=lambda p: p.stem)
def test_extracted_records_round_trip_without_evidence(path: Path) -> None:
    record = caserecord.extract(path.read_text(encoding="utf-8"), id=path.stem)
    assert any(True for _ in record.iter_evidence())
    again = from_bundle(to_bundle(record))
    assert list(again.iter_evidence()) == []
    assert again.report is None
    assert again == without_evidence(record)
    assert again.source == record.source


_OFFSET_TIMES = st.builds(
    CaseTime.at,
    value=st.integers(-120, 120).map(float) | st.sampled_from([0.5, 1.5, -2.5]),
    unit=st.sampled_from(["day", "week", "month", "year"]),
    qualifier=st.none() | st.sampled_from(["approximately", "by", "by_end_of", "within"]),
    anchor=st.sampled_from(["first_intervention", "onset", "admission"]),
)
_TEXT_TIMES = st.sampled_from(
    ["baseline", "follow-up", "discharge", "2019-03", "about 6 months", "month 7 (2009-07-11)"]
).map(CaseTime.parse)


@settings(max_examples=60, deadline=None)
@given(
    time=_OFFSET_TIMES | _TEXT_TIMES,
    anchor_date=st.none() | st.sampled_from(["2020", "2020-02", "2020-02-29"]),
)
def test_any_time_round_trips(time: CaseTime, anchor_date: str | None) -> None:
    record = CaseRecord(measurements=[Finding(time=time, name="walking", status="normal")])
    bundle = to_bundle(record, anchor_date=anchor_date)
    assert from_bundle(bundle) == record
    effective = observation_for(bundle, 0).get("effectiveDateTime")
    if time.date is not None:
        assert effective == time.date.isoformat()
    elif anchor_date is None or time.anchor.value != "first_intervention":
        assert effective is None
    elif effective is not None:
        resolved = time.resolve(anchor_date)
        assert resolved is not None
        assert resolved.isoformat().startswith(effective)


# -- bundles caserecord did not write -------------------------------------------------


def foreign_bundle(*observations: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": "Patient", "gender": "male"}}]
        + [{"resource": o} for o in observations],
    }


def test_plain_acuity_observation_is_read_from_its_value() -> None:
    logmar = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": fhir.CS_MEASURE, "code": "visual_acuity"}]},
        "effectiveDateTime": "2021-06-15T10:30:00Z",
        "valueQuantity": {"value": 0.5, "unit": "logMAR"},
    }
    counting = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": fhir.CS_MEASURE, "code": "visual_acuity"}]},
        "effectiveDateTime": "2021-07",
        "valueCodeableConcept": {"coding": [{"system": fhir.CS_QUALITATIVE_ACUITY, "code": "CF"}]},
        "component": [
            {
                "code": {"coding": [{"system": fhir.CS_COMPONENT, "code": "test_distance"}]},
                "valueQuantity": {"value": 1, "unit": "m"},
            }
        ],
    }
    record = from_bundle(foreign_bundle(logmar, counting))
    first, second = record.measurements
    assert isinstance(first, VisualAcuityMeasurement)
    assert first.acuity == VisualAcuity.logmar(0.5)
    assert first.time == CaseTime(date="2021-06-15")
    assert isinstance(second, VisualAcuityMeasurement)
    assert second.acuity == VisualAcuity.qualitative("CF", "1 m")
    assert record.patient.sex is not None


@pytest.mark.parametrize(
    ("bundle", "error", "message"),
    [
        ({"resourceType": "Bundle", "type": "document"}, ConversionError, "type 'collection'"),
        (
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [
                    {
                        "resource": {
                            "resourceType": "Encounter",
                            "status": "finished",
                            "class": {"code": "AMB"},
                        }
                    }
                ],
            },
            ConversionError,
            "got Encounter",
        ),
        (
            foreign_bundle(
                {"resourceType": "Observation", "status": "final", "code": {"text": "weight"}}
            ),
            ConversionError,
            "entry[1] (Observation)",
        ),
        (
            foreign_bundle(
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"coding": [{"system": fhir.CS_MEASURE, "code": "oct"}]},
                    "valueQuantity": {"value": 250, "unit": "um"},
                }
            ),
            ConversionError,
            "needs a time",
        ),
        (
            foreign_bundle(
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"coding": [{"system": fhir.CS_MEASURE, "code": "oct"}]},
                    "effectiveDateTime": "2021",
                    "valueQuantity": {"value": -5, "unit": "um"},
                }
            ),
            ConversionError,
            "thickness must be positive",
        ),
        (
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [
                    {"resource": {"resourceType": "Patient"}},
                    {"resource": {"resourceType": "Patient"}},
                ],
            },
            ConversionError,
            "one patient",
        ),
        (42, TypeError, "got int"),
    ],
)
def test_unreadable_bundles_raise(bundle: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        from_bundle(bundle)
    assert message in str(info.value)


def test_invalid_fhir_is_refused() -> None:
    with pytest.raises(ValueError, match="status"):
        from_bundle(foreign_bundle({"resourceType": "Observation", "code": {"text": "x"}}))


def test_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fhir.resources.R4B.bundle", None)
    with pytest.raises(MissingExtraError, match=r'pip install "caserecord\[fhir\]"'):
        to_bundle(full_record())
    with pytest.raises(ImportError):
        from_bundle("{}")
