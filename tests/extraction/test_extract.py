"""End-to-end extraction on narratives written for these tests (never corpus text)."""

from pathlib import Path

import pytest

import caserecord
from caserecord import (
    CaseRecord,
    CaseTime,
    Laterality,
    NoteKind,
    VisualAcuity,
    VisualAcuityMeasurement,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "narratives"


def acuities(record: CaseRecord) -> list[tuple[str, str | None, str]]:
    return [
        (str(m.time), m.eye.value if m.eye else None, str(m.acuity))
        for m in record.timeline()
        if isinstance(m, VisualAcuityMeasurement) and m.acuity is not None
    ]


@pytest.fixture(scope="module")
def zhang() -> CaseRecord:
    return caserecord.extract((EXAMPLES / "zhang.txt").read_text(encoding="utf-8"), id="zhang")


def test_zhang_patient(zhang: CaseRecord) -> None:
    assert zhang.patient.sex is caserecord.Sex.MALE
    assert zhang.patient.age is not None
    assert zhang.patient.age.value == 47
    assert zhang.patient.occupation == "engineer"


def test_zhang_diagnosis(zhang: CaseRecord) -> None:
    condition = next(c for c in zhang.conditions if "optic nerve" in c.name)
    assert condition.laterality is Laterality.RIGHT
    assert condition.cause is not None
    assert "car accident" in condition.cause
    assert condition.onset == CaseTime.at(-4, "month")


def test_zhang_treatments(zhang: CaseRecord) -> None:
    names = " ".join(t.name for t in zhang.prior_treatments)
    assert "steroids" in names
    assert "neurotrophic" in names
    therapy = zhang.interventions[0]
    assert therapy.cell_source is not None
    assert "umbilical cord blood" in therapy.cell_source
    assert therapy.route is not None
    assert "optic nerve sheath" in therapy.route
    assert therapy.laterality is Laterality.RIGHT


def test_zhang_adverse_event_and_negation(zhang: CaseRecord) -> None:
    event = zhang.adverse_events[0]
    assert "swelling" in event.description
    assert event.severity is caserecord.Severity.MILD
    assert event.onset is not None
    assert (event.onset.value, event.onset.unit) == (1, caserecord.TimeUnit.WEEK)
    assert any("adverse symptoms" in a.description for a in zhang.absent_findings)
    assert all("adverse symptoms" not in a.description for a in zhang.adverse_events)


def test_zhang_acuity_timeline(zhang: CaseRecord) -> None:
    found = acuities(zhang)
    assert ("baseline", "right", "LP") in found
    assert any(t.endswith("month 1") and v == "LP" for t, _, v in found)
    assert any(t.endswith("month 3") and v == "HM" for t, _, v in found)
    six = [
        m
        for m in zhang.measurements
        if isinstance(m, VisualAcuityMeasurement) and m.acuity == VisualAcuity.decimal(0.15)
    ]
    assert len(six) == 1
    assert six[0].time.value == 6
    assert six[0].eye is Laterality.RIGHT
    assert zhang.report is not None
    assert any("decimal" in n.message for n in zhang.report.assumptions)


def test_zhang_vep(zhang: CaseRecord) -> None:
    vep = [m for m in zhang.measurements if m.measure == "vep"]
    assert len(vep) == 1
    assert vep[0].time.value == 3
    assert vep[0].change is caserecord.Change.IMPROVED


def test_every_evidence_quotes_the_narrative(zhang: CaseRecord) -> None:
    assert zhang.source is not None
    text = zhang.source.text
    spans = list(zhang.iter_evidence())
    assert len(spans) >= 15
    for _path, evidence in spans:
        assert text[evidence.start : evidence.end] == evidence.quote


def test_round_trips_through_json(zhang: CaseRecord) -> None:
    assert CaseRecord.model_validate_json(zhang.model_dump_json()) == zhang


def test_from_narrative_is_extract() -> None:
    text = (EXAMPLES / "lhon_letter.txt").read_text(encoding="utf-8")
    assert CaseRecord.from_narrative(text) == caserecord.extract(text)


def test_letter_per_eye_values() -> None:
    record = caserecord.extract((EXAMPLES / "lhon_letter.txt").read_text(encoding="utf-8"))
    found = acuities(record)
    assert ("baseline", "right", "20/400") in found
    assert ("baseline", "left", "CF 2 ft") in found
    assert ("month 3", "right", "20/200") in found
    assert ("month 3", "left", "20/800") in found
    assert ("month 6", "left", "HM 30 cm") in found
    assert record.patient.occupation == "teacher"
    iop = sorted(
        (m.eye.value if m.eye else "", m.value_text())
        for m in record.measurements
        if m.measure == "intraocular_pressure"
    )
    assert iop == [("left", "14 mmHg"), ("right", "15 mmHg")]
    assert record.anchor_date is not None
    assert str(record.anchor_date) == "2021-03"


def test_bulleted_story_with_sections() -> None:
    record = caserecord.extract((EXAMPLES / "cerebral_palsy.txt").read_text(encoding="utf-8"))
    assert record.patient.age is not None
    assert record.patient.age.value == 4
    therapy = next(i for i in record.interventions if i.sessions)
    assert therapy.sessions == 4
    sitting = {str(m.time): m for m in record.measurements if m.measure == "sitting"}
    assert "baseline" in sitting
    assert "month 3" in sitting
    assert any("headache" in a.description for a in record.absent_findings)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\x00\x01\x02",
        "Лечение стволовыми клетками улучшило зрение.",
        "20/20 " * 1000,
        "(" * 5000,
        "very " * 20000,
        "0.1 0.2 0.3 vision " * 300,
    ],
)
def test_odd_text_gives_a_record(text: str) -> None:
    record = caserecord.extract(text)
    assert isinstance(record, CaseRecord)
    assert CaseRecord.model_validate_json(record.model_dump_json()) == record


def test_non_text_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"needs the narrative as str \(got bytes\)"):
        caserecord.extract(b"vision 0.1")  # type: ignore[arg-type]


def test_unmapped_clinical_sentences_are_reported() -> None:
    record = caserecord.extract("The retina specialist reviewed the scans with the family.")
    assert record.report is not None
    assert [n.kind for n in record.report.notes] == [NoteKind.UNMAPPED]
    assert record.report.notes[0].evidence is not None


def test_second_patient_is_reported() -> None:
    text = (
        "Patient 1: a 40-year-old man with optic atrophy had vision 20/200 OD.\n"
        "Patient 2: a 25-year-old woman with optic neuritis had vision 20/50 OS."
    )
    record = caserecord.extract(text)
    assert record.patient.age is not None
    assert record.patient.age.value == 40
    assert record.report is not None
    assert any("other patient" in n.message for n in record.report.warnings)
